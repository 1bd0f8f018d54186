// SPDX-License-Identifier: Apache-2.0
// The resolve pass (compile/resolve.h): one RuleResolver walks a rule's clauses and condition.
#include "compile/resolve.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compile/literals.h"

namespace triage::internal {
namespace {

class RuleResolver {
 public:
  explicit RuleResolver(const ResolveContext& c)
      : sources_(*c.sources),
        config_(*c.config),
        symbols_(c.symbols),
        fields_(c.fields),
        terms_(c.terms),
        atoms_(c.atoms),
        program_(c.program),
        reporter_(c.reporter) {}

  // Lowers rule `index` (a declaration index).
  CompiledRule LowerRule(int index) {
    RuleInfo& info = symbols_->rules[index];
    const ast::RuleDecl& decl = *info.decl;
    const FileId file = info.file;
    current_rule_ = index;
    CompiledRule rule;
    rule.name = decl.name.name;
    rule.description = decl.description ? decl.description->value : "";
    rule.file = file;
    rule.span = decl.name.span;
    rule.location = SourceLocation(sources_, file, decl.name.span);
    rule.is_private = decl.visibility == "private";
    const int max = config_.urgency_max;
    const ast::WhenClause* when = nullptr;
    bool has_urgency = false;
    for (const ast::Clause& clause : decl.clauses) {
      const auto& value = clause.get();
      if (const auto* w = boost::get<ast::WhenClause>(&value)) {
        if (when != nullptr) {
          reporter_->Error("duplicate-clause", "rule '" + rule.name + "' has more than one 'when'",
                           file, w->span);
          reporter_->Note("combine the conditions with 'and' or 'or'", file, when->span);
          continue;
        }
        when = w;
        rule.root = LowerOr(when->expr, file);
      } else if (const auto* u = boost::get<ast::UrgencyClause>(&value)) {
        int score = 0;
        if (u->floor_op) {
          if (rule.floor) {
            reporter_->Error("duplicate-clause",
                             "rule '" + rule.name + "' has more than one urgency floor", file,
                             u->span);
          } else if (ParseScore(u->value, file, false, 0, max, "urgency floor", &score,
                                reporter_)) {
            rule.floor = score;
          }
        } else {
          if (has_urgency) {
            reporter_->Error("duplicate-clause",
                             "rule '" + rule.name + "' has more than one urgency score", file,
                             u->span);
          } else if (ParseScore(u->value, file, true, -max, max, "urgency score", &score,
                                reporter_)) {
            rule.urgency = score;
            has_urgency = true;
          }
        }
      } else if (const auto* c = boost::get<ast::CategoryClause>(&value)) {
        const int category = ResolveCategory(c->category, file);
        int score = 0;
        if (ParseScore(c->value, file, true, -kMaxCategoryScore, kMaxCategoryScore,
                       "category score", &score, reporter_) &&
            category >= 0) {
          for (const auto& [existing, unused] : rule.categories) {
            if (existing == category) {
              reporter_->Error(
                  "duplicate-clause",
                  "rule '" + rule.name + "' scores category '" + c->category.name + "' twice", file,
                  c->span);
            }
          }
          rule.categories.emplace_back(category, score);
        }
      } else if (const auto* example = boost::get<ast::ExampleDecl>(&value)) {
        symbols_->examples.push_back({example, file, index});
      } else if (const auto* t = boost::get<ast::TextClause>(&value)) {
        if (t->keyword == "tag") {
          rule.tags.push_back(t->value.value);
        } else if (t->keyword == "route") {
          rule.routes.push_back(t->value.value);
        } else if (t->keyword == "owner") {
          rule.owner = t->value.value;
        } else if (t->keyword == "ref") {
          rule.ref = t->value.value;
        } else if (t->keyword == "since") {
          rule.since = t->value.value;
        }
      }
    }
    if (when == nullptr) {
      reporter_->Error("missing-when", "rule '" + rule.name + "' has no 'when' condition", file,
                       decl.name.span);
    }
    if (rule.is_private) {
      for (const ast::Clause& clause : decl.clauses) {
        const auto& value = clause.get();
        const auto* t = boost::get<ast::TextClause>(&value);
        const bool scores = boost::get<ast::UrgencyClause>(&value) != nullptr ||
                            boost::get<ast::CategoryClause>(&value) != nullptr ||
                            (t != nullptr && (t->keyword == "tag" || t->keyword == "route"));
        if (scores) {
          const SourceSpan span =
              boost::apply_visitor([](const auto& c) -> SourceSpan { return c.span; }, value);
          reporter_->Error("private-rule-scores",
                           "private rule '" + rule.name +
                               "' is a building block: it takes no urgency, category, tag or route",
                           file, span);
          reporter_->Note(
              "drop 'private' to let it decide, or move the score to a rule that refers to it",
              file, decl.name.span);
        }
      }
    }
    return rule;
  }

 private:
  int ResolveCategory(const ast::Identifier& name, FileId file) {
    auto it = symbols_->categories.find(name.name);
    if (it == symbols_->categories.end()) {
      reporter_->Error("unknown-category", "unknown category '" + name.name + "'", file, name.span);
      reporter_->SuggestNote(name.name, program_->categories, file, name.span);
      return -1;
    }
    it->second.used = true;
    return it->second.index;
  }

  int AddNode(ExprNode node) {
    if (node.file.valid()) {
      node.source = SourceText(sources_, node.file, node.span);
      node.location = SourceLocation(sources_, node.file, node.span);
    }
    program_->nodes.push_back(std::move(node));
    return static_cast<int>(program_->nodes.size()) - 1;
  }

  int LowerOr(const ast::OrExpr& expr, FileId file) {
    if (expr.terms.size() == 1) return LowerAnd(expr.terms[0], file);
    ExprNode node;
    node.op = NodeOp::kOr;
    node.file = file;
    node.span = expr.span;
    for (const ast::AndExpr& term : expr.terms) node.children.push_back(LowerAnd(term, file));
    return AddNode(std::move(node));
  }

  int LowerAnd(const ast::AndExpr& expr, FileId file) {
    if (expr.terms.size() == 1) return LowerOperand(expr.terms[0], file);
    ExprNode node;
    node.op = NodeOp::kAnd;
    node.file = file;
    node.span = expr.span;
    for (const ast::Operand& term : expr.terms) node.children.push_back(LowerOperand(term, file));
    return AddNode(std::move(node));
  }

  int LowerOperand(const ast::Operand& operand, FileId file) {
    const auto& value = operand.get();
    ExprNode node;
    node.file = file;
    if (const auto* m = boost::get<ast::MatchTest>(&value)) {
      node.span = m->span;
      node.op = m->op == "!~" ? NodeOp::kNotMatch : NodeOp::kMatch;
      const int field = fields_->Resolve(m->field, ValueType::kText, file);
      if (IsWordLevel(m->matcher)) {
        if (field >= 0) terms_->EnsureWordField(field);
        node.op = NodeOp::kWords;
        node.a = LowerSpan(m->matcher, field, file);
        if (m->op == "~") return AddNode(std::move(node));
        ExprNode negation;
        negation.op = NodeOp::kNot;
        negation.file = file;
        negation.span = m->span;
        negation.one_test = true;
        negation.children.push_back(AddNode(std::move(node)));
        return AddNode(std::move(negation));
      }
      std::vector<int> atoms = ResolveMatcher(m->matcher, field, file);
      if (atoms.size() <= 1) {
        node.a = atoms.empty() ? -1 : atoms[0];
        return AddNode(std::move(node));
      }
      // any(a, b): one node per atom, combined.
      ExprNode any;
      any.op = NodeOp::kOr;
      any.file = file;
      any.span = m->span;
      any.one_test = true;
      for (int atom : atoms) {
        ExprNode leaf;
        leaf.op = NodeOp::kMatch;
        leaf.a = atom;
        leaf.file = file;
        leaf.span = m->span;
        any.children.push_back(AddNode(std::move(leaf)));
      }
      if (node.op == NodeOp::kMatch) return AddNode(std::move(any));
      ExprNode negation;
      negation.op = NodeOp::kNot;
      negation.file = file;
      negation.span = m->span;
      negation.one_test = true;
      negation.children.push_back(AddNode(std::move(any)));
      return AddNode(std::move(negation));
    }
    if (const auto* c = boost::get<ast::CountTest>(&value)) {
      node.span = c->span;
      node.op = NodeOp::kCount;
      const int field = fields_->Resolve(c->field, ValueType::kText, file);
      if (IsWordLevel(c->matcher)) {
        if (field >= 0) terms_->EnsureWordField(field);
        node.op = NodeOp::kWordsCount;
        node.a = LowerSpan(c->matcher, field, file);
        if (!ParseCmp(c->op, &node.cmp)) {
          reporter_->Error("syntax", "unknown comparison '" + c->op + "'", file, c->span);
        }
        int n = 0;
        if (ParseScore(c->value, file, false, 0, 1000000, "count", &n, reporter_)) node.number = n;
        return AddNode(std::move(node));
      }
      std::vector<int> atoms = ResolveMatcher(c->matcher, field, file);
      if (atoms.size() > 1) {
        reporter_->Error("bad-count", "count(...) takes one pattern or list, not any(...)", file,
                         c->span);
      }
      node.a = atoms.empty() ? -1 : atoms[0];
      if (!ParseCmp(c->op, &node.cmp)) {
        reporter_->Error("syntax", "unknown comparison '" + c->op + "'", file, c->span);
      }
      int n = 0;
      if (ParseScore(c->value, file, false, 0, 1000000, "count", &n, reporter_)) node.number = n;
      return AddNode(std::move(node));
    }
    if (const auto* e = boost::get<ast::ExistsTest>(&value)) {
      node.span = e->span;
      node.op = NodeOp::kExists;
      node.a = fields_->Resolve(e->field, ValueType::kAny, file);
      return AddNode(std::move(node));
    }
    if (const auto* c = boost::get<ast::CompareTest>(&value)) {
      node.span = c->span;
      if (!ParseCmp(c->op, &node.cmp)) {
        reporter_->Error("syntax", "unknown comparison '" + c->op + "'", file, c->span);
      }
      const auto& literal = c->value.get();
      if (const auto* number = boost::get<ast::NumberLit>(&literal)) {
        node.op = NodeOp::kCompareNumber;
        node.a = fields_->Resolve(c->field, ValueType::kNumber, file);
        node.number = std::strtod(number->text.c_str(), nullptr);
      } else if (const auto* text = boost::get<ast::StringLit>(&literal)) {
        node.op = NodeOp::kCompareText;
        node.a = fields_->Resolve(c->field, ValueType::kText, file);
        node.text = text->value;
        RequireEquality(node.cmp, "a string", file, c->span);
      } else if (const auto* boolean = boost::get<ast::BoolLit>(&literal)) {
        node.op = NodeOp::kCompareBool;
        node.a = fields_->Resolve(c->field, ValueType::kBool, file);
        node.boolean = boolean->text == "true";
        RequireEquality(node.cmp, "true or false", file, c->span);
      }
      return AddNode(std::move(node));
    }
    if (const auto* in = boost::get<ast::InTest>(&value)) {
      node.span = in->span;
      int kind = -1;  // 0 numbers, 1 texts
      for (const ast::Literal& literal : in->values) {
        const auto& v = literal.get();
        int this_kind = -1;
        if (const auto* number = boost::get<ast::NumberLit>(&v)) {
          this_kind = 0;
          node.numbers.push_back(std::strtod(number->text.c_str(), nullptr));
        } else if (const auto* text = boost::get<ast::StringLit>(&v)) {
          this_kind = 1;
          node.texts.push_back(text->value);
        } else {
          reporter_->Error("bad-in-list", "'in' takes strings or numbers", file, in->span);
        }
        if (kind >= 0 && this_kind >= 0 && kind != this_kind) {
          reporter_->Error("bad-in-list", "an 'in' list mixes strings and numbers", file, in->span);
        }
        if (this_kind >= 0) kind = this_kind;
      }
      node.op = kind == 0 ? NodeOp::kInNumbers : NodeOp::kInTexts;
      node.a = fields_->Resolve(in->field, kind == 0 ? ValueType::kNumber : ValueType::kText, file);
      return AddNode(std::move(node));
    }
    if (const auto* r = boost::get<ast::RuleRef>(&value)) {
      node.span = r->span;
      node.op = NodeOp::kRuleRef;
      auto it = symbols_->rule_index.find(r->name);
      if (it == symbols_->rule_index.end()) {
        if (symbols_->matchers.count(r->name) != 0) {
          reporter_->Error("unknown-name", "'" + r->name + "' is a pattern or list, not a rule",
                           file, r->span);
          reporter_->Note("to match it, write: text ~ " + r->name, file, r->span);
        } else if (fields_->Has(r->name)) {
          reporter_->Error("unknown-name", "'" + r->name + "' is a field, not a rule", file,
                           r->span);
          reporter_->Note("to test that it is present, write: exists(" + r->name + ")", file,
                          r->span);
        } else {
          reporter_->Error("unknown-name", "unknown rule '" + r->name + "'", file, r->span);
          std::vector<std::string> names;
          for (const auto& [name, i] : symbols_->rule_index) names.push_back(name);
          reporter_->SuggestNote(r->name, names, file, r->span);
        }
      } else {
        node.a = it->second;
        symbols_->rules[current_rule_].refs.insert(it->second);
      }
      return AddNode(std::move(node));
    }
    if (const auto* n = boost::get<boost::spirit::x3::forward_ast<ast::NotExpr>>(&value)) {
      node.span = n->get().span;
      node.op = NodeOp::kNot;
      node.children.push_back(LowerOperand(n->get().operand, file));
      return AddNode(std::move(node));
    }
    if (const auto* o = boost::get<boost::spirit::x3::forward_ast<ast::OrExpr>>(&value)) {
      return LowerOr(o->get(), file);
    }
    if (const auto* c = boost::get<boost::spirit::x3::forward_ast<ast::CountOf>>(&value)) {
      const ast::CountOf& count_of = c->get();
      node.span = count_of.span;
      node.op = NodeOp::kCountOf;
      for (const ast::OrExpr& item : count_of.items) node.children.push_back(LowerOr(item, file));
      int n = 0;
      if (ParseScore(count_of.count, file, false, 1, 1000000, "N of (...)", &n, reporter_)) {
        if (static_cast<size_t>(n) > count_of.items.size()) {
          reporter_->Error("bad-count-of",
                           std::to_string(n) + " of (...) lists only " +
                               std::to_string(count_of.items.size()) +
                               " conditions: it can never hold",
                           file, count_of.count.span);
        }
        node.number = n;
      }
      return AddNode(std::move(node));
    }
    return AddNode(std::move(node));
  }

  void RequireEquality(Cmp cmp, const std::string& what, FileId file, SourceSpan span) {
    if (cmp != Cmp::kEq && cmp != Cmp::kNe) {
      reporter_->Error("bad-comparison", "only == and != compare with " + what, file, span);
    }
  }

  // Returns the atoms a matcher stands for on `field` (several for any(...)).
  std::vector<int> ResolveMatcher(const ast::Matcher& matcher, int field, FileId file) {
    std::vector<int> atoms;
    const auto& value = matcher.get();
    if (const auto* regex = boost::get<ast::RegexLit>(&value)) {
      const int atom = atoms_->ForRegex(*regex, field, file);
      if (atom >= 0) atoms.push_back(atom);
    } else if (const auto* name = boost::get<ast::Identifier>(&value)) {
      const int atom = atoms_->ForName(*name, field, file);
      if (atom >= 0) atoms.push_back(atom);
    } else if (const auto* any = boost::get<ast::AnyOf>(&value)) {
      for (const ast::Identifier& n : any->names) {
        const int atom = atoms_->ForName(n, field, file);
        if (atom >= 0) atoms.push_back(atom);
      }
    }
    return atoms;
  }

  // True when the matcher reads words: a terms name (also inside any(...)), number(...), or a
  // word-level function.
  bool IsWordLevel(const ast::Matcher& matcher) const {
    const auto& value = matcher.get();
    if (boost::get<ast::NumberRange>(&value) != nullptr) return true;
    if (boost::get<boost::spirit::x3::forward_ast<ast::SpanCall>>(&value) != nullptr) return true;
    if (const auto* name = boost::get<ast::Identifier>(&value)) {
      return symbols_->terms.count(name->name) != 0;
    }
    if (const auto* any = boost::get<ast::AnyOf>(&value)) {
      for (const ast::Identifier& n : any->names) {
        if (symbols_->terms.count(n.name) != 0) return true;
      }
    }
    return false;
  }

  // Adds a span node, or returns the node already added with the same structure. A node's
  // mentions are a function of its structure alone (op, field, operand, range, window, filter and
  // children), and the scanner memoises them per node: a subexpression that many rules repeat
  // (the pack's `any(c_minor, c_child_of, ...)`) is then evaluated once per record, not once per
  // occurrence. The first occurrence's source text and location are kept (no output shows them).
  // Children are always added before their parent, so a node's children have smaller indices.
  int AddSpan(SpanNode node) {
    std::string key;
    key.reserve(64 + node.children.size() * sizeof(int));
    const auto put = [&key](const auto& v) {
      char bytes[sizeof v];
      std::memcpy(bytes, &v, sizeof v);
      key.append(bytes, sizeof v);
    };
    put(node.op);
    put(node.field);
    put(node.a);
    put(node.low);
    put(node.high);
    put(node.within);
    put(node.filter);
    put(node.filter_invert);
    for (const int child : node.children) put(child);
    const auto found = span_index_.find(key);
    if (found != span_index_.end()) return found->second;
    if (node.file.valid()) {
      node.source = SourceText(sources_, node.file, node.span);
      node.location = SourceLocation(sources_, node.file, node.span);
    }
    program_->spans.push_back(std::move(node));
    const int index = static_cast<int>(program_->spans.size()) - 1;
    span_index_.emplace(std::move(key), index);
    return index;
  }

  // Lowers a word-level matcher on `field` into span nodes; returns the root, or -1 on error.
  int LowerSpan(const ast::Matcher& matcher, int field, FileId file) {
    SpanNode node;
    node.field = field;
    node.file = file;
    const auto& value = matcher.get();
    if (const auto* regex = boost::get<ast::RegexLit>(&value)) {
      node.span = regex->span;
      node.op = SpanOp::kRegex;
      const std::vector<int> atoms = ResolveMatcher(matcher, field, file);
      if (atoms.empty()) return -1;
      node.a = atoms[0];
      return AddSpan(std::move(node));
    }
    if (const auto* name = boost::get<ast::Identifier>(&value)) {
      node.span = name->span;
      if (symbols_->terms.count(name->name) != 0) {
        const int list = terms_->Index(*name, file);
        if (list < 0 || field < 0) return -1;
        node.op = SpanOp::kTerms;
        node.a = terms_->TermAtomFor(field, list);
        return AddSpan(std::move(node));
      }
      const int atom = atoms_->ForName(*name, field, file);
      if (atom < 0) return -1;
      node.op = SpanOp::kRegex;
      node.a = atom;
      return AddSpan(std::move(node));
    }
    if (const auto* any = boost::get<ast::AnyOf>(&value)) {
      node.span = any->span;
      node.op = SpanOp::kUnion;
      for (const ast::Identifier& n : any->names) {
        const int child = LowerSpan(ast::Matcher(n), field, file);
        if (child < 0) return -1;
        node.children.push_back(child);
      }
      return AddSpan(std::move(node));
    }
    if (const auto* range = boost::get<ast::NumberRange>(&value)) {
      node.span = range->span;
      node.op = SpanOp::kNumber;
      node.low = std::strtod(range->low.text.c_str(), nullptr);
      node.high = std::strtod(range->high.text.c_str(), nullptr);
      if (node.low > node.high) {
        reporter_->Error("bad-range",
                         "number(" + range->low.text + ".." + range->high.text +
                             ") is empty: the low end is above the high end",
                         file, range->span);
        return -1;
      }
      return AddSpan(std::move(node));
    }
    const auto& call = boost::get<boost::spirit::x3::forward_ast<ast::SpanCall>>(value).get();
    node.span = call.span;
    const std::string& func = call.func;
    const bool proximity = func == "near" || func == "ordered";
    if (func == "any") {
      // any(...) with a word-level part: the union of its parts' mentions.
      node.op = SpanOp::kUnion;
      if (call.within) {
        reporter_->Error("bad-arity", "any(...) takes no 'within'", file, call.within->span);
        return -1;
      }
    } else if (proximity || func == "sentence") {
      node.op = func == "near"      ? SpanOp::kNear
                : func == "ordered" ? SpanOp::kOrdered
                                    : SpanOp::kSentence;
      if (call.args.size() < 2) {
        reporter_->Error("bad-arity", func + "(...) takes at least two parts", file, call.span);
        return -1;
      }
      if (call.args.size() > kMaxSpanParts) {
        reporter_->Error("bad-arity",
                         func + "(...) takes at most " + std::to_string(kMaxSpanParts) + " parts",
                         file, call.span);
        return -1;
      }
      if (proximity) {
        node.within = kDefaultWithin;
        if (call.within && !ParseScore(*call.within, file, false, 0, kMaxWindow, "within",
                                       &node.within, reporter_)) {
          return -1;
        }
      } else if (call.within) {
        reporter_->Error("bad-arity", "sentence(...) takes no 'within': its scope is the sentence",
                         file, call.within->span);
        return -1;
      }
    } else {
      node.op = SpanOp::kFilter;
      node.filter_invert = func == "unnegated";
      node.filter = func == "affirmed"       ? 0
                    : func == "negated"      ? kNegated
                    : func == "unnegated"    ? kNegated
                    : func == "historical"   ? kHistorical
                    : func == "hypothetical" ? kHypothetical
                    : func == "media"        ? kMedia
                                             : kOther;
      if (call.args.size() != 1 || call.within) {
        reporter_->Error("bad-arity", func + "(...) takes one part", file, call.span);
        return -1;
      }
      terms_->MarkContextRead(field);
    }
    for (const ast::Matcher& arg : call.args) {
      const int child = LowerSpan(arg, field, file);
      if (child < 0) return -1;
      node.children.push_back(child);
    }
    return AddSpan(std::move(node));
  }

  const SourceManager& sources_;
  const EngineConfig& config_;
  Symbols* symbols_;
  FieldTable* fields_;
  TermTable* terms_;
  AtomTable* atoms_;
  Program* program_;
  Reporter* reporter_;
  int current_rule_ = -1;  // declaration index of the rule being lowered
  std::map<std::string, int> span_index_;  // AddSpan: a span node's structure -> its index
};

}  // namespace

std::vector<CompiledRule> ResolveRules(const ResolveContext& context) {
  RuleResolver resolver(context);
  std::vector<CompiledRule> rules;
  rules.reserve(context.symbols->rules.size());
  for (size_t i = 0; i < context.symbols->rules.size(); ++i) {
    rules.push_back(resolver.LowerRule(static_cast<int>(i)));
  }
  return rules;
}

}  // namespace triage::internal
