// SPDX-License-Identifier: Apache-2.0
// Lowering of checked ASTs into a Program; see lower.h.
//
// The passes, in order:
//   1. declarations: categories, patterns and lists, rules — duplicates are errors, pointing at
//      both definitions;
//   2. fields: the default mappings, extended or replaced by the config's;
//   3. rules: each clause is checked and each `when` expression lowered into ExprNodes. A regex
//      or list applied to a field becomes an atom of that field (deduplicated by source), field
//      types are inferred from use, names resolve (with a did-you-mean note when they do not);
//   4. ordering: rule references form a graph that must be acyclic; rules are evaluated in a
//      stable topological order (declaration order where references allow);
//   5. overrides from the config, then warnings for what no rule uses;
//   6. one RE2::Set per matched field.
#include "compile/lower.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>

#include "analysis/leet.h"
#include "compile/atoms.h"
#include "compile/matcher_plan.h"
#include "compile/words.h"
#include "util/spelling.h"

namespace triage::internal {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kAny:
      return "any";
    case ValueType::kText:
      return "text";
    case ValueType::kNumber:
      return "number";
    case ValueType::kBool:
      return "bool";
  }
  return "any";
}

bool ParseJsonPath(const std::string& text, std::vector<PathStep>* steps) {
  steps->clear();
  size_t i = 0;
  const size_t n = text.size();
  if (n == 0) return false;
  while (i < n) {
    // A key.
    size_t start = i;
    while (i < n && text[i] != '.' && text[i] != '[' && text[i] != ']') ++i;
    if (i == start) return false;
    PathStep key;
    key.kind = PathStep::Kind::kKey;
    key.key = text.substr(start, i - start);
    steps->push_back(std::move(key));
    // Any number of [*] / [N].
    while (i < n && text[i] == '[') {
      const size_t close = text.find(']', i);
      if (close == std::string::npos) return false;
      const std::string inner = text.substr(i + 1, close - i - 1);
      PathStep step;
      if (inner == "*") {
        step.kind = PathStep::Kind::kWildcard;
      } else {
        if (inner.empty() || inner.find_first_not_of("0123456789") != std::string::npos ||
            inner.size() > 9) {
          return false;
        }
        step.kind = PathStep::Kind::kIndex;
        step.index = static_cast<size_t>(std::stoul(inner));
      }
      steps->push_back(std::move(step));
      i = close + 1;
    }
    if (i < n) {
      if (text[i] != '.' || i + 1 == n) return false;
      ++i;
    }
  }
  return true;
}

namespace {

namespace ast = dsl::ast;

ValueType FromConfigType(FieldType type) {
  switch (type) {
    case FieldType::kAuto:
      return ValueType::kAny;
    case FieldType::kText:
      return ValueType::kText;
    case FieldType::kNumber:
      return ValueType::kNumber;
    case FieldType::kBool:
      return ValueType::kBool;
  }
  return ValueType::kAny;
}

bool ParseCmp(const std::string& op, Cmp* cmp) {
  static const std::map<std::string, Cmp> kOps = {{"==", Cmp::kEq}, {"!=", Cmp::kNe},
                                                  {"<", Cmp::kLt},  {"<=", Cmp::kLe},
                                                  {">", Cmp::kGt},  {">=", Cmp::kGe}};
  auto it = kOps.find(op);
  if (it == kOps.end()) return false;
  *cmp = it->second;
  return true;
}

struct MatcherDecl {
  bool is_list = false;
  const ast::PatternDecl* pattern = nullptr;
  const ast::ListDecl* list = nullptr;
  FileId file;
  bool valid = true;  // false when the declaration itself had an error
  bool used = false;
};

struct CategoryInfo {
  int index = -1;
  FileId file;
  SourceSpan span;
  bool used = false;
};

struct FieldInfo {
  std::string name;
  std::vector<std::string> paths;
  ValueType declared = ValueType::kAny;
  bool from_config = false;
  // Inferred use: the first use of each kind, for conflict messages.
  ValueType used_as = ValueType::kAny;
  FileId use_file;
  SourceSpan use_span;
  int index = -1;  // in Program::fields, once used
};

struct TermsInfo {
  const ast::TermsDecl* decl = nullptr;
  FileId file;
  int index = -1;  // in Program::terms
  bool valid = true;
  bool used = false;
};

struct RuleInfo {
  const ast::RuleDecl* decl = nullptr;
  FileId file;
  std::set<int> refs;  // declaration indices of referenced rules
};

class Lowerer {
 public:
  Lowerer(const SourceManager& sources, const EngineConfig& config, const LoadOptions& options,
          std::shared_ptr<const Analyzer> analyzer, Diagnostics* diagnostics)
      : analyzer_(std::move(analyzer)),
        sources_(sources),
        config_(config),
        options_(options),
        diagnostics_(diagnostics),
        program_(std::make_shared<Program>()) {}

  Result<std::shared_ptr<Program>> Run(const std::vector<ast::RuleFile>& files) {
    program_->config = config_;
    program_->analyzer = analyzer_;
    CollectDeclarations(files);
    SetUpFields();
    CheckMatcherDeclarations();
    CompileTerms();
    FinishTermIndex(program_.get());
    CompileContexts();
    std::vector<CompiledRule> rules;
    rules.reserve(rules_.size());
    for (size_t i = 0; i < rules_.size(); ++i) rules.push_back(LowerRule(static_cast<int>(i)));
    // Field types are final now; give each referenced field its type.
    for (FieldInfo* info : used_fields_) {
      program_->fields[info->index].type =
          info->declared != ValueType::kAny ? info->declared : info->used_as;
    }
    FinishWordFields();
    std::vector<int> position = Order(&rules);
    ApplyOverrides();
    LowerExamples(position);
    SetUpFallback();
    WarnUnused();
    if (errors_ != 0) return Fail();
    BuildMatchers();
    WarnSlowPatterns();
    program_->gates.resize(program_->rules.size());
    for (size_t r = 0; r < program_->rules.size(); ++r) {
      if (program_->rules[r].root < 0) continue;
      RuleGate& gate = program_->gates[r];
      std::vector<GateTerm> any;
      if (SetGate(program_->rules[r].root, &gate, &any) || any.empty()) continue;
      gate.any_begin = static_cast<int>(program_->gate_terms.size());
      program_->gate_terms.insert(program_->gate_terms.end(), any.begin(), any.end());
      gate.any_end = static_cast<int>(program_->gate_terms.size());
    }
    return program_;
  }

 private:
  Status Fail() const {
    return Status::InvalidArgument(diagnostics_->Summary());
  }

  void Error(const std::string& code, const std::string& message, FileId file, SourceSpan span) {
    ++errors_;
    if (errors_ > options_.max_errors) return;
    diagnostics_->Error(code, message, file, span);
    if (errors_ == options_.max_errors) {
      diagnostics_->Note("too many errors; stopping after " + std::to_string(errors_));
    }
  }
  void Note(const std::string& message, FileId file, SourceSpan span) {
    if (errors_ > options_.max_errors) return;
    diagnostics_->Note(message, file, span);
  }
  void SuggestNote(const std::string& name, const std::vector<std::string>& candidates,
                   FileId file, SourceSpan span) {
    const std::string best = ClosestName(name, candidates);
    if (!best.empty()) Note("did you mean '" + best + "'?", file, span);
  }

  // ---- 1. declarations ------------------------------------------------------------------

  void CollectDeclarations(const std::vector<ast::RuleFile>& files) {
    for (const ast::RuleFile& file : files) {
      for (const ast::Decl& decl : file.decls) {
        const auto& value = decl.get();
        if (const auto* category = boost::get<ast::CategoryDecl>(&value)) {
          AddCategory(*category, file.file);
        } else if (const auto* pattern = boost::get<ast::PatternDecl>(&value)) {
          MatcherDecl m;
          m.pattern = pattern;
          m.file = file.file;
          AddMatcher(pattern->name, m);
        } else if (const auto* list = boost::get<ast::ListDecl>(&value)) {
          MatcherDecl m;
          m.is_list = true;
          m.list = list;
          m.file = file.file;
          AddMatcher(list->name, m);
        } else if (const auto* terms = boost::get<ast::TermsDecl>(&value)) {
          if (matchers_.count(terms->name.name) != 0 || terms_.count(terms->name.name) != 0) {
            Error("duplicate-name",
                  "pattern, list or terms '" + terms->name.name + "' is already defined",
                  file.file, terms->name.span);
            continue;
          }
          TermsInfo info;
          info.decl = terms;
          info.file = file.file;
          terms_.emplace(terms->name.name, info);
        } else if (const auto* context = boost::get<ast::ContextDecl>(&value)) {
          contexts_.emplace_back(context, file.file);
        } else if (const auto* example = boost::get<ast::ExampleDecl>(&value)) {
          pending_examples_.push_back({example, file.file, -1});
        } else if (const auto* rule = boost::get<ast::RuleDecl>(&value)) {
          auto [it, inserted] = rule_index_.emplace(rule->name.name, static_cast<int>(rules_.size()));
          if (!inserted) {
            const RuleInfo& first = rules_[it->second];
            Error("duplicate-name", "rule '" + rule->name.name + "' is already defined", file.file,
                  rule->name.span);
            Note("first defined here", first.file, first.decl->name.span);
            continue;
          }
          RuleInfo info;
          info.decl = rule;
          info.file = file.file;
          rules_.push_back(std::move(info));
        }
      }
    }
  }

  void AddCategory(const ast::CategoryDecl& decl, FileId file) {
    auto it = categories_.find(decl.name.name);
    if (it != categories_.end()) {
      Error("duplicate-name", "category '" + decl.name.name + "' is already declared", file,
            decl.name.span);
      Note("first declared here", it->second.file, it->second.span);
      return;
    }
    CategoryInfo info;
    info.index = static_cast<int>(program_->categories.size());
    info.file = file;
    info.span = decl.name.span;
    categories_.emplace(decl.name.name, info);
    program_->categories.push_back(decl.name.name);
    program_->category_descriptions.push_back(decl.description ? decl.description->value : "");
  }

  void AddMatcher(const ast::Identifier& name, const MatcherDecl& decl) {
    if (terms_.count(name.name) != 0) {
      Error("duplicate-name", "pattern, list or terms '" + name.name + "' is already defined",
            decl.file, name.span);
      return;
    }
    auto it = matchers_.find(name.name);
    if (it != matchers_.end()) {
      const MatcherDecl& first = it->second;
      Error("duplicate-name", "pattern or list '" + name.name + "' is already defined", decl.file,
            name.span);
      Note("first defined here", first.file,
           first.is_list ? first.list->name.span : first.pattern->name.span);
      return;
    }
    matchers_.emplace(name.name, decl);
  }

  // Validates pattern and list declarations once, where they are written.
  void CheckMatcherDeclarations() {
    for (auto& [name, m] : matchers_) {
      if (m.is_list) {
        bool case_sensitive = false;
        bool partial = false;
        for (const ast::Identifier& option : m.list->options) {
          if (option.name == "case") {
            case_sensitive = true;
          } else if (option.name == "partial") {
            partial = true;
          } else {
            Error("unknown-option", "unknown list option '" + option.name + "'", m.file,
                  option.span);
            Note(option.name == "stem" || option.name == "leet"
                     ? "list options are 'case' and 'partial'; '" + option.name +
                           "' is an option of word-level lists: terms " + name + " (" +
                           option.name + ") = ..."
                     : std::string("list options are 'case' and 'partial'"),
                 m.file, option.span);
            m.valid = false;
          }
        }
        for (const ast::StringLit& phrase : m.list->phrases) {
          if (phrase.value.find_first_not_of(" \t\r\n") == std::string::npos) {
            Error("empty-phrase", "empty phrase in list '" + name + "'", m.file, phrase.span);
            m.valid = false;
          }
        }
        (void)case_sensitive;
        (void)partial;
      } else {
        m.valid = CheckRegex(m.pattern->regex, m.file);
      }
    }
  }

  // Compiles a regex literal alone to report RE2's verdict at the literal.
  bool CheckRegex(const ast::RegexLit& regex, FileId file) {
    for (char flag : regex.flags) {
      if (flag != 'i' && flag != 's' && flag != 'm') {
        Error("bad-regex-flag", std::string("unknown regex flag '") + flag + "' (flags are i, s, m)",
              file, regex.span);
        return false;
      }
    }
    std::string source = PatternAtomSource(regex.source, regex.flags);
    auto compiled = std::make_unique<RE2>(source, AtomOptions());
    const RE2& re = *compiled;
    if (re.ok()) {
      // Kept for the atom, which would otherwise compile the same regex again (AtomFor).
      checked_regexes_.emplace(std::move(source), std::move(compiled));
      return true;
    }
    SourceSpan span = regex.span;
    const std::string& text = sources_.file(file).text();
    const std::string arg = re.error_arg();
    if (!arg.empty() && span.end <= text.size()) {
      const std::string literal = text.substr(span.begin, span.end - span.begin);
      const size_t at = literal.find(arg);
      if (at != std::string::npos) {
        span.begin += static_cast<uint32_t>(at);
        span.end = span.begin + static_cast<uint32_t>(arg.size());
      }
    }
    Error("bad-regex", "invalid regex: " + re.error(), file, span);
    return false;
  }

  // ---- 2. fields --------------------------------------------------------------------------

  void SetUpFields() {
    for (const FieldMapping& mapping : DefaultFieldMappings()) {
      FieldInfo info;
      info.name = mapping.name;
      info.paths = mapping.paths;
      info.declared = FromConfigType(mapping.type);
      fields_[mapping.name] = info;
    }
    for (const FieldMapping& mapping : config_.fields) {
      FieldInfo info;
      info.name = mapping.name;
      info.paths = mapping.paths;
      info.declared = FromConfigType(mapping.type);
      info.from_config = true;
      for (const std::string& path : mapping.paths) {
        std::vector<PathStep> steps;
        if (!ParseJsonPath(path, &steps)) {
          Error("bad-field-path", "malformed JSON path '" + path + "'", config_.file, mapping.span);
        }
      }
      fields_[mapping.name] = info;
    }
    // The record id is always read, for the decision.
    auto it = fields_.find("id");
    if (it != fields_.end()) program_->id_field = UseField(&it->second);
    // So are the fields that thread SMS messages into conversations (conversation_scanner.h).
    const auto use = [this](const char* name) {
      auto found = fields_.find(name);
      return found == fields_.end() ? -1 : UseField(&found->second);
    };
    ConversationFields& conversation = program_->conversation_fields;
    conversation.kind = use("kind");
    conversation.conversation = use("conversation");
    conversation.from = use("from");
    conversation.to = use("to");
    conversation.received_at = use("received_at");
    conversation.text = use("text");
  }

  int UseField(FieldInfo* info) {
    if (info->index >= 0) return info->index;
    Field field;
    field.name = info->name;
    field.path_texts = info->paths;
    for (const std::string& path : info->paths) {
      std::vector<PathStep> steps;
      if (ParseJsonPath(path, &steps)) field.paths.push_back(std::move(steps));
    }
    info->index = static_cast<int>(program_->fields.size());
    program_->fields.push_back(std::move(field));
    used_fields_.push_back(info);
    return info->index;
  }

  // Resolves a field reference and records how it is used. Returns -1 on error.
  int ResolveField(const ast::FieldRef& ref, ValueType use, FileId file) {
    auto it = fields_.find(ref.path);
    if (it == fields_.end()) {
      std::vector<std::string> names;
      for (const auto& [name, info] : fields_) names.push_back(name);
      Error("unknown-field", "unknown field '" + ref.path + "'", file, ref.span);
      const std::string best = ClosestName(ref.path, names);
      if (!best.empty()) {
        Note("did you mean '" + best + "'?", file, ref.span);
      } else {
        Note("fields are mapped in the config's 'fields:' section", file, ref.span);
      }
      return -1;
    }
    FieldInfo& info = it->second;
    if (use != ValueType::kAny) {
      if (info.declared != ValueType::kAny && info.declared != use) {
        Error("field-type-conflict",
              "field '" + ref.path + "' is declared " + ValueTypeName(info.declared) +
                  " in the config but used as " + ValueTypeName(use),
              file, ref.span);
        return -1;
      }
      if (info.used_as != ValueType::kAny && info.used_as != use) {
        Error("field-type-conflict",
              "field '" + ref.path + "' is used as " + ValueTypeName(use) + " here but as " +
                  ValueTypeName(info.used_as) + " elsewhere",
              file, ref.span);
        Note("first used as " + std::string(ValueTypeName(info.used_as)) + " here",
             info.use_file, info.use_span);
        return -1;
      }
      if (info.used_as == ValueType::kAny) {
        info.used_as = use;
        info.use_file = file;
        info.use_span = ref.span;
      }
    }
    return UseField(&info);
  }

  // ---- 3. rules ---------------------------------------------------------------------------

  // Parses an integer score; `signed_delta` requires an explicit sign.
  bool ParseScore(const ast::NumberLit& lit, FileId file, bool signed_delta, int min, int max,
                  const std::string& what, int* out) {
    const std::string& t = lit.text;
    if (t.find('.') != std::string::npos) {
      Error("bad-score", what + " must be a whole number", file, lit.span);
      return false;
    }
    const bool has_sign = !t.empty() && (t[0] == '+' || t[0] == '-');
    if (signed_delta && !has_sign) {
      Error("bad-score", what + " needs a sign: +" + t + " adds, -" + t + " subtracts", file,
            lit.span);
      return false;
    }
    if (!signed_delta && has_sign) {
      Error("bad-score", what + " takes no sign", file, lit.span);
      return false;
    }
    errno = 0;
    const long long value = std::strtoll(t.c_str(), nullptr, 10);
    if (errno != 0 || value < min || value > max) {
      Error("score-range",
            what + " " + t + " is out of range [" + std::to_string(min) + ", " +
                std::to_string(max) + "]",
            file, lit.span);
      return false;
    }
    *out = static_cast<int>(value);
    return true;
  }

  CompiledRule LowerRule(int index) {
    RuleInfo& info = rules_[index];
    const ast::RuleDecl& decl = *info.decl;
    const FileId file = info.file;
    current_rule_ = index;
    CompiledRule rule;
    rule.name = decl.name.name;
    rule.description = decl.description ? decl.description->value : "";
    rule.file = file;
    rule.span = decl.name.span;
    rule.location = Location(file, decl.name.span);
    rule.is_private = decl.visibility == "private";
    const int max = config_.urgency_max;
    const ast::WhenClause* when = nullptr;
    bool has_urgency = false;
    for (const ast::Clause& clause : decl.clauses) {
      const auto& value = clause.get();
      if (const auto* w = boost::get<ast::WhenClause>(&value)) {
        if (when != nullptr) {
          Error("duplicate-clause", "rule '" + rule.name + "' has more than one 'when'", file,
                w->span);
          Note("combine the conditions with 'and' or 'or'", file, when->span);
          continue;
        }
        when = w;
        rule.root = LowerOr(when->expr, file);
      } else if (const auto* u = boost::get<ast::UrgencyClause>(&value)) {
        int score = 0;
        if (u->floor_op) {
          if (rule.floor) {
            Error("duplicate-clause", "rule '" + rule.name + "' has more than one urgency floor",
                  file, u->span);
          } else if (ParseScore(u->value, file, false, 0, max, "urgency floor", &score)) {
            rule.floor = score;
          }
        } else {
          if (has_urgency) {
            Error("duplicate-clause", "rule '" + rule.name + "' has more than one urgency score",
                  file, u->span);
          } else if (ParseScore(u->value, file, true, -max, max, "urgency score", &score)) {
            rule.urgency = score;
            has_urgency = true;
          }
        }
      } else if (const auto* c = boost::get<ast::CategoryClause>(&value)) {
        const int category = ResolveCategory(c->category, file);
        int score = 0;
        if (ParseScore(c->value, file, true, -kMaxCategoryScore, kMaxCategoryScore,
                       "category score", &score) &&
            category >= 0) {
          for (const auto& [existing, unused] : rule.categories) {
            if (existing == category) {
              Error("duplicate-clause",
                    "rule '" + rule.name + "' scores category '" + c->category.name + "' twice",
                    file, c->span);
            }
          }
          rule.categories.emplace_back(category, score);
        }
      } else if (const auto* example = boost::get<ast::ExampleDecl>(&value)) {
        pending_examples_.push_back({example, file, index});
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
      Error("missing-when", "rule '" + rule.name + "' has no 'when' condition", file,
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
          const SourceSpan span = boost::apply_visitor(
              [](const auto& c) -> SourceSpan { return c.span; }, value);
          Error("private-rule-scores",
                "private rule '" + rule.name +
                    "' is a building block: it takes no urgency, category, tag or route",
                file, span);
          Note("drop 'private' to let it decide, or move the score to a rule that refers to it",
               file, decl.name.span);
        }
      }
    }
    return rule;
  }

  int ResolveCategory(const ast::Identifier& name, FileId file) {
    auto it = categories_.find(name.name);
    if (it == categories_.end()) {
      Error("unknown-category", "unknown category '" + name.name + "'", file, name.span);
      SuggestNote(name.name, program_->categories, file, name.span);
      return -1;
    }
    it->second.used = true;
    return it->second.index;
  }

  std::string Location(FileId file, SourceSpan span) const {
    const SourceFile& f = sources_.file(file);
    const LineColumn pos = f.Position(span.begin);
    return f.name() + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  }

  int AddNode(ExprNode node) {
    if (node.file.valid()) {
      const std::string& text = sources_.file(node.file).text();
      if (node.span.end <= text.size() && node.span.begin <= node.span.end) {
        node.source = text.substr(node.span.begin, node.span.end - node.span.begin);
      }
      node.location = Location(node.file, node.span);
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
      const int field = ResolveField(m->field, ValueType::kText, file);
      if (IsWordLevel(m->matcher)) {
        if (field >= 0) EnsureWordField(field);
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
      const int field = ResolveField(c->field, ValueType::kText, file);
      if (IsWordLevel(c->matcher)) {
        if (field >= 0) EnsureWordField(field);
        node.op = NodeOp::kWordsCount;
        node.a = LowerSpan(c->matcher, field, file);
        if (!ParseCmp(c->op, &node.cmp)) {
          Error("syntax", "unknown comparison '" + c->op + "'", file, c->span);
        }
        int n = 0;
        if (ParseScore(c->value, file, false, 0, 1000000, "count", &n)) node.number = n;
        return AddNode(std::move(node));
      }
      std::vector<int> atoms = ResolveMatcher(c->matcher, field, file);
      if (atoms.size() > 1) {
        Error("bad-count", "count(...) takes one pattern or list, not any(...)", file, c->span);
      }
      node.a = atoms.empty() ? -1 : atoms[0];
      if (!ParseCmp(c->op, &node.cmp)) {
        Error("syntax", "unknown comparison '" + c->op + "'", file, c->span);
      }
      int n = 0;
      if (ParseScore(c->value, file, false, 0, 1000000, "count", &n)) node.number = n;
      return AddNode(std::move(node));
    }
    if (const auto* e = boost::get<ast::ExistsTest>(&value)) {
      node.span = e->span;
      node.op = NodeOp::kExists;
      node.a = ResolveField(e->field, ValueType::kAny, file);
      return AddNode(std::move(node));
    }
    if (const auto* c = boost::get<ast::CompareTest>(&value)) {
      node.span = c->span;
      if (!ParseCmp(c->op, &node.cmp)) {
        Error("syntax", "unknown comparison '" + c->op + "'", file, c->span);
      }
      const auto& literal = c->value.get();
      if (const auto* number = boost::get<ast::NumberLit>(&literal)) {
        node.op = NodeOp::kCompareNumber;
        node.a = ResolveField(c->field, ValueType::kNumber, file);
        node.number = std::strtod(number->text.c_str(), nullptr);
      } else if (const auto* text = boost::get<ast::StringLit>(&literal)) {
        node.op = NodeOp::kCompareText;
        node.a = ResolveField(c->field, ValueType::kText, file);
        node.text = text->value;
        RequireEquality(node.cmp, "a string", file, c->span);
      } else if (const auto* boolean = boost::get<ast::BoolLit>(&literal)) {
        node.op = NodeOp::kCompareBool;
        node.a = ResolveField(c->field, ValueType::kBool, file);
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
          Error("bad-in-list", "'in' takes strings or numbers", file, in->span);
        }
        if (kind >= 0 && this_kind >= 0 && kind != this_kind) {
          Error("bad-in-list", "an 'in' list mixes strings and numbers", file, in->span);
        }
        if (this_kind >= 0) kind = this_kind;
      }
      node.op = kind == 0 ? NodeOp::kInNumbers : NodeOp::kInTexts;
      node.a = ResolveField(in->field, kind == 0 ? ValueType::kNumber : ValueType::kText, file);
      return AddNode(std::move(node));
    }
    if (const auto* r = boost::get<ast::RuleRef>(&value)) {
      node.span = r->span;
      node.op = NodeOp::kRuleRef;
      auto it = rule_index_.find(r->name);
      if (it == rule_index_.end()) {
        if (matchers_.count(r->name) != 0) {
          Error("unknown-name", "'" + r->name + "' is a pattern or list, not a rule", file,
                r->span);
          Note("to match it, write: text ~ " + r->name, file, r->span);
        } else if (fields_.count(r->name) != 0) {
          Error("unknown-name", "'" + r->name + "' is a field, not a rule", file, r->span);
          Note("to test that it is present, write: exists(" + r->name + ")", file, r->span);
        } else {
          Error("unknown-name", "unknown rule '" + r->name + "'", file, r->span);
          std::vector<std::string> names;
          for (const auto& [name, i] : rule_index_) names.push_back(name);
          SuggestNote(r->name, names, file, r->span);
        }
      } else {
        node.a = it->second;
        rules_[current_rule_].refs.insert(it->second);
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
      if (ParseScore(count_of.count, file, false, 1, 1000000, "N of (...)", &n)) {
        if (static_cast<size_t>(n) > count_of.items.size()) {
          Error("bad-count-of",
                std::to_string(n) + " of (...) lists only " +
                    std::to_string(count_of.items.size()) + " conditions: it can never hold",
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
      Error("bad-comparison", "only == and != compare with " + what, file, span);
    }
  }

  // Returns the atoms a matcher stands for on `field` (several for any(...)).
  std::vector<int> ResolveMatcher(const ast::Matcher& matcher, int field, FileId file) {
    std::vector<int> atoms;
    const auto& value = matcher.get();
    if (const auto* regex = boost::get<ast::RegexLit>(&value)) {
      if (CheckRegex(*regex, file) && field >= 0) {
        atoms.push_back(AtomFor(field, PatternAtomSource(regex->source, regex->flags),
                                NewAtom("/" + regex->source + "/" + regex->flags, file,
                                        regex->span)));
      }
    } else if (const auto* name = boost::get<ast::Identifier>(&value)) {
      const int atom = NamedAtom(*name, field, file);
      if (atom >= 0) atoms.push_back(atom);
    } else if (const auto* any = boost::get<ast::AnyOf>(&value)) {
      for (const ast::Identifier& n : any->names) {
        const int atom = NamedAtom(n, field, file);
        if (atom >= 0) atoms.push_back(atom);
      }
    }
    return atoms;
  }

  int NamedAtom(const ast::Identifier& name, int field, FileId file) {
    auto it = matchers_.find(name.name);
    if (it == matchers_.end()) {
      Error("unknown-name", "unknown pattern or list '" + name.name + "'", file, name.span);
      std::vector<std::string> names;
      for (const auto& [n, m] : matchers_) names.push_back(n);
      SuggestNote(name.name, names, file, name.span);
      return -1;
    }
    MatcherDecl& m = it->second;
    m.used = true;
    if (!m.valid || field < 0) return -1;
    if (!m.is_list) {
      return AtomFor(field,
                     PatternAtomSource(m.pattern->regex.source, m.pattern->regex.flags),
                     NewAtom(name.name, m.file, m.pattern->name.span));
    }
    bool case_sensitive = false;
    bool partial = false;
    for (const ast::Identifier& option : m.list->options) {
      case_sensitive = case_sensitive || option.name == "case";
      partial = partial || option.name == "partial";
    }
    std::vector<std::string> phrases;
    for (const ast::StringLit& phrase : m.list->phrases) phrases.push_back(phrase.value);
    // Unless partial, the set looks for the bare phrases and the full atom confirms word edges.
    Atom atom = NewAtom(name.name, m.file, m.list->name.span);
    atom.is_list = true;
    if (!partial) {
      atom.set_pattern = ListSetSource(phrases, case_sensitive);
      atom.fold_edges = ListHasFoldEdges(phrases, case_sensitive);
      atom.exact_on_ascii = ListExactOnAscii(phrases);
    }
    return AtomFor(field, ListAtomSource(phrases, case_sensitive, partial), std::move(atom));
  }

  // An atom named after the pattern, list or literal that produces it, declared at file:span.
  Atom NewAtom(std::string name, FileId file, SourceSpan span) const {
    Atom atom;
    atom.name = std::move(name);
    atom.file = file;
    atom.span = span;
    atom.location = Location(file, span);
    return atom;
  }

  // The atom of `source` on `field`, created from `atom` (its origin; for a list, also its set
  // entry and flags) on first use, else the existing one.
  int AtomFor(int field, const std::string& source, Atom atom) {
    auto key = std::make_pair(field, source);
    auto it = atom_index_.find(key);
    if (it != atom_index_.end()) return it->second;
    atom.field = field;
    atom.pattern = source;
    if (atom.set_pattern.empty()) atom.set_pattern = source;
    atom.re.Set(source, AtomOptions());
    atom.set_re.Set(atom.set_pattern, AtomOptions());
    if (atom.is_list && atom.set_pattern != source) {
      // A list (quoted phrases: RE2 cannot refuse it); its costly regex is built on first use.
      const int index = static_cast<int>(program_->atoms.size());
      program_->atoms.push_back(std::move(atom));
      atom_index_.emplace(key, index);
      return index;
    }
    std::unique_ptr<RE2> re;
    auto checked = checked_regexes_.find(source);
    if (checked != checked_regexes_.end() && checked->second != nullptr) {
      re = std::move(checked->second);
    } else {
      re = std::make_unique<RE2>(source, AtomOptions());
    }
    if (!re->ok()) {
      // Checked already at the literal; a list source that RE2 refuses is our bug.
      Error("internal", "regex failed to compile: " + re->error(), FileId{}, {});
      return -1;
    }
    atom.re.SetCompiled(std::move(re));
    const int index = static_cast<int>(program_->atoms.size());
    program_->atoms.push_back(std::move(atom));
    atom_index_.emplace(key, index);
    return index;
  }


  // ---- 3b. word level -------------------------------------------------------------------------

  // Analyses every phrase of every `terms` list into the phrase table.
  void CompileTerms() {
    if (terms_.empty()) return;
    std::unique_ptr<AnalyzerScratch> scratch = analyzer_->NewScratch();
    // A large pack has tens of thousands of phrases: size the table and the index once rather
    // than rehash them as they grow.
    size_t phrases = 0;
    for (const auto& [name, info] : terms_) phrases += info.decl->phrases.size();
    program_->phrases.reserve(phrases);
    program_->term_index.by_word.reserve(phrases);
    for (auto& [name, info] : terms_) {
      const ast::TermsDecl& decl = *info.decl;
      bool stem = false;
      bool leet = false;
      std::set<std::string> seen;
      for (const ast::Identifier& option : decl.options) {
        if (!seen.insert(option.name).second) {
          Error("duplicate-option", "terms option '" + option.name + "' is given twice", info.file,
                option.span);
          info.valid = false;
          continue;
        }
        if (option.name == "stem") {
          stem = true;
          if (config_.analysis.stem_languages.empty()) {
            Error("no-stemmer", "terms '" + name + "' asks for stems but no stemmer is configured",
                  info.file, option.span);
            Note("name the languages in the config: analysis: {stemmers: [english, spanish]}",
                 info.file, option.span);
            info.valid = false;
          }
        } else if (option.name == "leet") {
          leet = true;
        } else {
          Error("unknown-option", "unknown terms option '" + option.name + "'", info.file,
                option.span);
          Note("the terms options are 'stem' and 'leet'", info.file, option.span);
          info.valid = false;
        }
      }
      if (!info.valid) continue;
      info.index = static_cast<int>(program_->terms.size());
      TermsList list;
      list.name = name;
      list.stem = stem;
      list.leet = leet;
      list.file = info.file;
      list.span = decl.name.span;
      list.location = Location(info.file, decl.name.span);
      program_->terms.push_back(std::move(list));
      for (const ast::StringLit& phrase : decl.phrases) {
        std::vector<TermElement> elements;
        const std::string problem =
            CompilePhrase(*analyzer_, scratch.get(), phrase.value, stem, &elements);
        if (!problem.empty()) {
          Error("bad-phrase", "phrase of terms '" + name + "': " + problem, info.file,
                phrase.span);
          info.valid = false;
          continue;
        }
        if (leet && !CheckLeetPhrase(name, phrase, info.file, scratch.get())) {
          info.valid = false;
          continue;
        }
        AddPhrase(std::move(elements), info.index, program_.get());
      }
    }
  }

  // A phrase of a (leet) list is written plainly: a word spelled with leet characters would
  // match only as written, since the text's leet words are read as letters ("k1ll" in the list
  // never meets "k1ll" read as "kill"). Reports each such word (bad-leet); returns false if any.
  bool CheckLeetPhrase(const std::string& list, const ast::StringLit& phrase, FileId file,
                       AnalyzerScratch* scratch) {
    bool ok = true;
    std::istringstream words(phrase.value);
    std::string word;
    while (words >> word) {
      if (word[0] == '{') continue;  // a gap
      const std::string reading = LeetSpelling(*analyzer_, scratch, word);
      if (reading.empty()) continue;
      Error("bad-leet",
            "phrase of terms '" + list + "' spells '" + word +
                "' with leet characters: a (leet) list is written in plain letters",
            file, phrase.span);
      Note("write '" + reading + "': (leet) reads '" + word + "' as '" + reading +
               "' in the text; map a shorthand such as 'b4' in a normalisation dictionary",
           file, phrase.span);
      ok = false;
    }
    return ok;
  }

  void CompileContexts() {
    static const std::map<std::string, uint8_t> kKinds = {{"negated", kNegated},
                                                          {"historical", kHistorical},
                                                          {"hypothetical", kHypothetical},
                                                          {"other", kOther},
                                                          {"media", kMedia},
                                                          {"terminate", 0}};
    for (const auto& [decl, file] : contexts_) {
      auto kind = kKinds.find(decl->kind.name);
      if (kind == kKinds.end()) {
        Error("unknown-context", "unknown context kind '" + decl->kind.name + "'", file,
              decl->kind.span);
        Note("context kinds are negated, historical, hypothetical, other, media and terminate", file,
             decl->kind.span);
        continue;
      }
      const int list = TermsIndex(decl->terms, file);
      if (list < 0) continue;
      if (kind->second == 0) {
        if (decl->scope) {
          Error("bad-context", "'terminate' takes no scope: write context terminate = " +
                                   decl->terms.name,
                file, decl->scope->span);
          continue;
        }
        program_->terminators.push_back(list);
        continue;
      }
      if (!decl->scope) {
        Error("bad-context", "context '" + decl->kind.name +
                                 "' needs a scope: after N, before N or around N (words)",
              file, decl->kind.span);
        continue;
      }
      ContextTrigger trigger;
      trigger.bit = kind->second;
      trigger.list = list;
      const std::string& direction = decl->scope->direction.name;
      if (direction == "after") {
        trigger.after = true;
      } else if (direction == "before") {
        trigger.after = false;
        trigger.before = true;
      } else if (direction == "around") {
        trigger.after = true;
        trigger.before = true;
      } else {
        Error("bad-context", "a context scope is after, before or around, not '" + direction + "'",
              file, decl->scope->direction.span);
        continue;
      }
      int window = 0;
      if (!ParseScore(decl->scope->window, file, false, 1, kMaxWindow, "context window",
                      &window)) {
        continue;
      }
      trigger.window = window;
      program_->triggers.push_back(trigger);
    }
  }

  // The index of the terms list `name`, or -1 with an error.
  int TermsIndex(const ast::Identifier& name, FileId file) {
    auto it = terms_.find(name.name);
    if (it == terms_.end()) {
      if (matchers_.count(name.name) != 0) {
        Error("unknown-name", "'" + name.name + "' is a character-level list or pattern; " +
                                  "context triggers are terms lists",
              file, name.span);
      } else {
        Error("unknown-name", "unknown terms '" + name.name + "'", file, name.span);
        std::vector<std::string> names;
        for (const auto& [n, info] : terms_) names.push_back(n);
        SuggestNote(name.name, names, file, name.span);
      }
      return -1;
    }
    it->second.used = true;
    return it->second.valid ? it->second.index : -1;
  }

  // True when the matcher reads words: a terms name (also inside any(...)), number(...), or a
  // word-level function.
  bool IsWordLevel(const ast::Matcher& matcher) const {
    const auto& value = matcher.get();
    if (boost::get<ast::NumberRange>(&value) != nullptr) return true;
    if (boost::get<boost::spirit::x3::forward_ast<ast::SpanCall>>(&value) != nullptr) return true;
    if (const auto* name = boost::get<ast::Identifier>(&value)) {
      return terms_.count(name->name) != 0;
    }
    if (const auto* any = boost::get<ast::AnyOf>(&value)) {
      for (const ast::Identifier& n : any->names) {
        if (terms_.count(n.name) != 0) return true;
      }
    }
    return false;
  }

  int EnsureWordField(int field) {
    if (static_cast<int>(word_field_of_.size()) <= field) word_field_of_.resize(field + 1, -1);
    if (word_field_of_[field] < 0) {
      word_field_of_[field] = static_cast<int>(program_->word_fields.size());
      WordField wf;
      wf.field = field;
      program_->word_fields.push_back(wf);
    }
    return word_field_of_[field];
  }

  int TermAtomFor(int field, int list) {
    auto key = std::make_pair(field, list);
    auto it = term_atom_index_.find(key);
    if (it != term_atom_index_.end()) return it->second;
    const int index = static_cast<int>(program_->term_atoms.size());
    program_->term_atoms.push_back({field, list});
    term_atom_index_.emplace(key, index);
    return index;
  }

  int AddSpan(SpanNode node) {
    if (node.file.valid()) {
      const std::string& text = sources_.file(node.file).text();
      if (node.span.end <= text.size() && node.span.begin <= node.span.end) {
        node.source = text.substr(node.span.begin, node.span.end - node.span.begin);
      }
      node.location = Location(node.file, node.span);
    }
    program_->spans.push_back(std::move(node));
    return static_cast<int>(program_->spans.size()) - 1;
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
      if (terms_.count(name->name) != 0) {
        const int list = TermsIndex(*name, file);
        if (list < 0 || field < 0) return -1;
        node.op = SpanOp::kTerms;
        node.a = TermAtomFor(field, list);
        return AddSpan(std::move(node));
      }
      const int atom = NamedAtom(*name, field, file);
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
        Error("bad-range", "number(" + range->low.text + ".." + range->high.text +
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
        Error("bad-arity", "any(...) takes no 'within'", file, call.within->span);
        return -1;
      }
    } else if (proximity || func == "sentence") {
      node.op = func == "near" ? SpanOp::kNear : func == "ordered" ? SpanOp::kOrdered
                                                                   : SpanOp::kSentence;
      if (call.args.size() < 2) {
        Error("bad-arity", func + "(...) takes at least two parts", file, call.span);
        return -1;
      }
      if (call.args.size() > kMaxParts) {
        Error("bad-arity", func + "(...) takes at most " + std::to_string(kMaxParts) + " parts",
              file, call.span);
        return -1;
      }
      if (proximity) {
        node.within = kDefaultWithin;
        if (call.within &&
            !ParseScore(*call.within, file, false, 0, kMaxWindow, "within", &node.within)) {
          return -1;
        }
      } else if (call.within) {
        Error("bad-arity", "sentence(...) takes no 'within': its scope is the sentence", file,
              call.within->span);
        return -1;
      }
    } else {
      node.op = SpanOp::kFilter;
      node.filter = func == "affirmed"     ? 0
                    : func == "negated"    ? kNegated
                    : func == "historical" ? kHistorical
                    : func == "hypothetical" ? kHypothetical
                    : func == "media"        ? kMedia
                                             : kOther;
      if (call.args.size() != 1 || call.within) {
        Error("bad-arity", func + "(...) takes one part", file, call.span);
        return -1;
      }
      if (field >= 0) program_->word_fields[EnsureWordField(field)].context = true;
      uses_context_ = true;
    }
    for (const ast::Matcher& arg : call.args) {
      const int child = LowerSpan(arg, field, file);
      if (child < 0) return -1;
      node.children.push_back(child);
    }
    return AddSpan(std::move(node));
  }

  // Every word field gets a term atom for each trigger and terminator list (when some filter
  // reads it) and its by-list table.
  void FinishWordFields() {
    const size_t fields = program_->fields.size();
    for (WordField& wf : program_->word_fields) {
      if (!wf.context) continue;
      for (const ContextTrigger& t : program_->triggers) TermAtomFor(wf.field, t.list);
      for (int list : program_->terminators) TermAtomFor(wf.field, list);
    }
    program_->word_field_of.assign(fields, -1);
    for (size_t w = 0; w < program_->word_fields.size(); ++w) {
      WordField& wf = program_->word_fields[w];
      wf.term_atom.assign(program_->terms.size(), -1);
      program_->word_field_of[wf.field] = static_cast<int>(w);
    }
    for (size_t a = 0; a < program_->term_atoms.size(); ++a) {
      const TermAtom& atom = program_->term_atoms[a];
      const int w = program_->word_field_of[atom.field];
      if (w >= 0 && atom.list >= 0) program_->word_fields[w].term_atom[atom.list] = static_cast<int>(a);
    }
    if (uses_context_ && program_->triggers.empty()) {
      diagnostics_->Warning("no-context-triggers",
                            "context filters are used but no 'context' trigger is declared: "
                            "every mention counts as affirmed");
    }
  }

  // A condition a word-level node cannot hold without: a term atom or an atom.
  bool SpanGate(int span, RuleGate* gate) const {
    const SpanNode& node = program_->spans[span];
    switch (node.op) {
      case SpanOp::kTerms:
        gate->term_atom = node.a;
        return true;
      case SpanOp::kRegex:
        if (node.a < 0) return false;
        gate->atom = node.a;
        return true;
      case SpanOp::kNear:
      case SpanOp::kOrdered:
      case SpanOp::kSentence:
        for (int child : node.children) {
          if (SpanGate(child, gate)) return true;
        }
        return false;
      case SpanOp::kFilter:
        return SpanGate(node.children[0], gate);
      default:
        return false;
    }
  }
  // Whether word-level node `span` cannot hold unless one of the conditions it appends to *any
  // holds (each a term atom or an atom): a terms list or a regex, any(...) of them, or a part of
  // near/ordered/sentence or of a filter that can. Returns false when some mention could come
  // from elsewhere (number(...)).
  bool SpanAnyOf(int span, std::vector<GateTerm>* any) const {
    const SpanNode& node = program_->spans[span];
    switch (node.op) {
      case SpanOp::kTerms:
        any->push_back({-1, node.a});
        return true;
      case SpanOp::kRegex:
        if (node.a < 0) return false;
        any->push_back({node.a, -1});
        return true;
      case SpanOp::kUnion:
        for (int child : node.children) {
          if (!SpanAnyOf(child, any)) return false;
        }
        return true;
      case SpanOp::kNear:
      case SpanOp::kOrdered:
      case SpanOp::kSentence:
        for (int child : node.children) {  // every part is needed: one part's conditions do
          std::vector<GateTerm> part;
          if (SpanAnyOf(child, &part)) {
            any->insert(any->end(), part.begin(), part.end());
            return true;
          }
        }
        return false;
      case SpanOp::kFilter:
        return SpanAnyOf(node.children[0], any);
      default:
        return false;
    }
  }

  // ---- 4. ordering --------------------------------------------------------------------------

  // Returns each rule's evaluation index by declaration index (identity when cyclic).
  std::vector<int> Order(std::vector<CompiledRule>* rules) {
    const int n = static_cast<int>(rules_.size());
    // Cycle detection by DFS, reporting each cycle once at its first rule.
    std::vector<int> color(n, 0);
    std::vector<int> stack;
    bool cyclic = false;
    std::function<void(int)> visit = [&](int u) {
      color[u] = 1;
      stack.push_back(u);
      for (int v : rules_[u].refs) {
        if (color[v] == 1) {
          cyclic = true;
          std::string path;
          auto from = std::find(stack.begin(), stack.end(), v);
          for (auto it = from; it != stack.end(); ++it) path += rules_[*it].decl->name.name + " -> ";
          path += rules_[v].decl->name.name;
          Error("rule-cycle", "rules refer to each other in a cycle: " + path, rules_[v].file,
                rules_[v].decl->name.span);
        } else if (color[v] == 0) {
          visit(v);
        }
      }
      stack.pop_back();
      color[u] = 2;
    };
    for (int i = 0; i < n; ++i) {
      if (color[i] == 0) visit(i);
    }
    if (cyclic) {
      program_->rules = std::move(*rules);
      std::vector<int> identity(n);
      for (int i = 0; i < n; ++i) identity[i] = i;
      return identity;
    }
    // Kahn's algorithm, smallest declaration index first: stable topological order.
    std::vector<int> pending(n, 0);
    std::vector<std::vector<int>> dependents(n);
    for (int i = 0; i < n; ++i) {
      pending[i] = static_cast<int>(rules_[i].refs.size());
      for (int r : rules_[i].refs) dependents[r].push_back(i);
    }
    std::priority_queue<int, std::vector<int>, std::greater<>> ready;
    for (int i = 0; i < n; ++i) {
      if (pending[i] == 0) ready.push(i);
    }
    std::vector<int> position(n, -1);
    std::vector<CompiledRule> ordered;
    while (!ready.empty()) {
      const int u = ready.top();
      ready.pop();
      position[u] = static_cast<int>(ordered.size());
      ordered.push_back(std::move((*rules)[u]));
      for (int v : dependents[u]) {
        if (--pending[v] == 0) ready.push(v);
      }
    }
    for (ExprNode& node : program_->nodes) {
      if (node.op == NodeOp::kRuleRef && node.a >= 0) node.a = position[node.a];
    }
    program_->rules = std::move(ordered);
    return position;
  }

  void LowerExamples(const std::vector<int>& position) {
    for (const PendingExample& pending : pending_examples_) {
      const ast::ExampleDecl& decl = *pending.decl;
      Example example;
      example.text = decl.text.value;
      example.counter = decl.keyword == "counterexample";
      example.file = pending.file;
      example.span = decl.span;
      example.rule = pending.rule >= 0 ? position[pending.rule] : -1;
      if (example.counter && pending.rule < 0) {
        Error("bad-example", "a counterexample belongs inside the rule it must not fire",
              pending.file, decl.span);
        continue;
      }
      if (example.counter && !decl.expect.empty()) {
        Error("bad-example", "a counterexample takes no expectations", pending.file,
              decl.expect[0].span);
        continue;
      }
      for (const ast::Identifier& name : decl.expect) {
        const bool is_band =
            std::any_of(config_.bands.begin(), config_.bands.end(),
                        [&](const UrgencyBand& band) { return band.name == name.name; });
        if (is_band) {
          if (!example.band.empty()) {
            Error("bad-example", "an example expects one band", pending.file, name.span);
          }
          example.band = name.name;
          continue;
        }
        auto category = categories_.find(name.name);
        if (category == categories_.end() && name.name != config_.fallback) {
          Error("unknown-name", "'" + name.name + "' is neither a band nor a category",
                pending.file, name.span);
          std::vector<std::string> names = program_->categories;
          for (const UrgencyBand& band : config_.bands) names.push_back(band.name);
          SuggestNote(name.name, names, pending.file, name.span);
          continue;
        }
        example.categories.push_back(name.name);
      }
      program_->examples.push_back(std::move(example));
    }
  }

  // ---- 5. overrides, fallback, warnings -----------------------------------------------------

  void ApplyOverrides() {
    std::map<std::string, int> by_name;
    for (size_t i = 0; i < program_->rules.size(); ++i) {
      by_name[program_->rules[i].name] = static_cast<int>(i);
    }
    const int max = config_.urgency_max;
    for (const RuleOverride& o : config_.overrides) {
      auto it = by_name.find(o.rule);
      if (it == by_name.end()) {
        Error("unknown-rule-override", "override for unknown rule '" + o.rule + "'", config_.file,
              o.span);
        std::vector<std::string> names;
        for (const auto& [name, i] : by_name) names.push_back(name);
        SuggestNote(o.rule, names, config_.file, o.span);
        continue;
      }
      CompiledRule& rule = program_->rules[it->second];
      rule.overridden = true;
      if (o.enabled) rule.enabled = *o.enabled;
      if (o.urgency) {
        if (*o.urgency < -max || *o.urgency > max) {
          Error("score-range", "override urgency for '" + o.rule + "' is out of range [" +
                                   std::to_string(-max) + ", " + std::to_string(max) + "]",
                config_.file, o.span);
        } else {
          rule.urgency = *o.urgency;
        }
      }
      if (o.floor) {
        if (*o.floor < 0 || *o.floor > max) {
          Error("score-range", "override floor for '" + o.rule + "' is out of range [0, " +
                                   std::to_string(max) + "]",
                config_.file, o.span);
        } else {
          rule.floor = *o.floor;
        }
      }
      for (const auto& [name, score] : o.categories) {
        auto category = categories_.find(name);
        if (category == categories_.end()) {
          Error("unknown-category", "override names unknown category '" + name + "'",
                config_.file, o.span);
          continue;
        }
        if (score < -kMaxCategoryScore || score > kMaxCategoryScore) {
          Error("score-range", "override score for category '" + name + "' is out of range",
                config_.file, o.span);
          continue;
        }
        category->second.used = true;
        bool replaced = false;
        for (auto& [index, value] : rule.categories) {
          if (index == category->second.index) {
            value = score;
            replaced = true;
          }
        }
        if (!replaced) rule.categories.emplace_back(category->second.index, score);
      }
    }
  }

  void SetUpFallback() {
    auto it = categories_.find(config_.fallback);
    if (it == categories_.end()) {
      // An undeclared fallback is declared implicitly; only a config that names it is told.
      if (config_.fallback_span.end != 0) {
        diagnostics_->Warning("unknown-category",
                              "fallback category '" + config_.fallback +
                                  "' is not declared by any rule file",
                              config_.file, config_.fallback_span);
      }
      program_->fallback_category = static_cast<int>(program_->categories.size());
      program_->categories.push_back(config_.fallback);
      program_->category_descriptions.emplace_back();
      return;
    }
    it->second.used = true;
    program_->fallback_category = it->second.index;
  }

  // Warns about declarations no rule uses, in source order.
  void WarnUnused() {
    std::vector<Diagnostic> warnings;
    auto warn = [&warnings](std::string code, std::string message, FileId file, SourceSpan span) {
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.code = std::move(code);
      d.message = std::move(message);
      d.file = file;
      d.span = span;
      warnings.push_back(std::move(d));
    };
    for (const auto& [name, m] : matchers_) {
      if (m.used) continue;
      warn(m.is_list ? "unused-list" : "unused-pattern",
                            std::string(m.is_list ? "list" : "pattern") + " '" + name +
                                "' is not used by any rule",
                            m.file, m.is_list ? m.list->name.span : m.pattern->name.span);
    }
    for (const auto& [name, t] : terms_) {
      if (t.used) continue;
      warn("unused-terms", "terms '" + name + "' is not used by any rule", t.file,
           t.decl->name.span);
    }
    for (const auto& [name, c] : categories_) {
      if (c.used) continue;
      warn("unused-category", "category '" + name + "' is not scored by any rule", c.file, c.span);
    }
    std::sort(warnings.begin(), warnings.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return a.file.value != b.file.value ? a.file.value < b.file.value
                                          : a.span.begin < b.span.begin;
    });
    for (Diagnostic& d : warnings) diagnostics_->Add(std::move(d));
  }

  // ---- 6. matchers --------------------------------------------------------------------------

  void BuildMatchers() {
    std::map<int, std::vector<int>> by_field;
    for (size_t i = 0; i < program_->atoms.size(); ++i) {
      by_field[program_->atoms[i].field].push_back(static_cast<int>(i));
    }
    for (const auto& [field, atoms] : by_field) {
      program_->fields[field].matcher = static_cast<int>(program_->matchers.size());
      program_->matchers.push_back(BuildFieldMatcher(program_.get(), field, atoms,
                                                     options_.matching));
    }
  }

  // Finds a necessary condition of node `index` for a RuleGate: a match or a count that 0 does
  // not satisfy, a rule reference, or one of these in a child of `and`. Prefers an atom (more
  // selective than a rule in practice). Returns true if it found one. Failing that, the first
  // disjunction met (`any(a, b)`, `x or y` of matches) that the node cannot hold without goes to
  // *any, if *any is still empty.
  bool SetGate(int index, RuleGate* gate, std::vector<GateTerm>* any) const {
    const ExprNode& node = program_->nodes[index];
    switch (node.op) {
      case NodeOp::kMatch:
        if (node.a < 0) return false;
        gate->atom = node.a;
        return true;
      case NodeOp::kCount: {
        if (node.a < 0 || ZeroPasses(node)) return false;
        gate->atom = node.a;
        return true;
      }
      case NodeOp::kWords:
        if (node.a < 0) return false;
        if (SpanGate(node.a, gate)) return true;
        AnyOf(index, any);
        return false;
      case NodeOp::kWordsCount:
        if (node.a < 0 || ZeroPasses(node)) return false;
        if (SpanGate(node.a, gate)) return true;
        AnyOf(index, any);
        return false;
      case NodeOp::kRuleRef:
        if (node.a < 0 || gate->rule >= 0) return false;
        gate->rule = node.a;
        return false;  // keep looking for an atom
      case NodeOp::kAnd:
        for (int child : node.children) {
          if (SetGate(child, gate, any)) return true;
        }
        return false;
      case NodeOp::kOr:
        AnyOf(index, any);
        return false;
      default:
        return false;
    }
  }

  // True when a count of 0 satisfies the comparison of count node `node`.
  static bool ZeroPasses(const ExprNode& node) {
    switch (node.cmp) {
      case Cmp::kEq:
        return node.number == 0;
      case Cmp::kNe:
        return node.number != 0;
      case Cmp::kLt:
        return 0 < node.number;
      case Cmp::kLe:
        return 0 <= node.number;
      case Cmp::kGt:
        return 0 > node.number;
      case Cmp::kGe:
        return 0 >= node.number;
    }
    return true;
  }

  // Sets *any to the alternatives node `index` cannot hold without, when *any is empty and there
  // are such alternatives (see SetGate).
  void AnyOf(int index, std::vector<GateTerm>* any) const {
    if (!any->empty()) return;
    std::vector<GateTerm> found;
    if (CollectAnyOf(index, &found)) *any = std::move(found);
  }

  bool CollectAnyOf(int index, std::vector<GateTerm>* any) const {
    const ExprNode& node = program_->nodes[index];
    switch (node.op) {
      case NodeOp::kMatch:
        if (node.a < 0) return false;
        any->push_back({node.a, -1});
        return true;
      case NodeOp::kCount:
        if (node.a < 0 || ZeroPasses(node)) return false;
        any->push_back({node.a, -1});
        return true;
      case NodeOp::kWords:
        return node.a >= 0 && SpanAnyOf(node.a, any);
      case NodeOp::kWordsCount:
        return node.a >= 0 && !ZeroPasses(node) && SpanAnyOf(node.a, any);
      case NodeOp::kOr:
        for (int child : node.children) {
          if (!CollectAnyOf(child, any)) return false;
        }
        return true;
      default:
        return false;
    }
  }

  // Warns about each regex the plan must run on its own on every value (no set can hold it
  // cheaply and no literal can prefilter it), in source order: it costs a full pass per value.
  void WarnSlowPatterns() {
    std::vector<const Atom*> slow;
    for (const Atom& atom : program_->atoms) {
      if (atom.strategy == PatternPlan::Strategy::kEveryValue) slow.push_back(&atom);
    }
    std::sort(slow.begin(), slow.end(), [](const Atom* a, const Atom* b) {
      return a->file.value != b->file.value ? a->file.value < b->file.value
                                            : a->span.begin < b->span.begin;
    });
    for (const Atom* atom : slow) {
      diagnostics_->Warning("slow-pattern",
                            "pattern '" + atom->name + "' runs on its own on every value of '" +
                                program_->fields[atom->field].name + "': " + atom->reason,
                            atom->file, atom->span);
    }
  }

  static constexpr int kMaxCategoryScore = 100;
  static constexpr int kMaxWindow = 50;
  static constexpr int kDefaultWithin = 5;
  static constexpr size_t kMaxParts = kMaxSpanParts;

  std::shared_ptr<const Analyzer> analyzer_;
  const SourceManager& sources_;
  const EngineConfig& config_;
  const LoadOptions& options_;
  Diagnostics* diagnostics_;
  std::shared_ptr<Program> program_;
  size_t errors_ = 0;

  std::map<std::string, CategoryInfo> categories_;
  std::map<std::string, MatcherDecl> matchers_;
  std::map<std::string, int> rule_index_;
  std::vector<RuleInfo> rules_;
  std::map<std::string, FieldInfo> fields_;
  std::vector<FieldInfo*> used_fields_;
  std::map<std::pair<int, std::string>, int> atom_index_;
  std::map<std::string, TermsInfo> terms_;
  // Regex literals CheckRegex compiled, by atom source, until an atom takes them.
  std::unordered_map<std::string, std::unique_ptr<RE2>> checked_regexes_;
  std::vector<std::pair<const ast::ContextDecl*, FileId>> contexts_;
  std::vector<int> word_field_of_;
  std::map<std::pair<int, int>, int> term_atom_index_;
  bool uses_context_ = false;
  int current_rule_ = -1;
  struct PendingExample {
    const ast::ExampleDecl* decl;
    FileId file;
    int rule;  // declaration index, -1 at top level
  };
  std::vector<PendingExample> pending_examples_;
};

}  // namespace

Result<std::shared_ptr<Program>> Lower(const SourceManager& sources, const EngineConfig& config,
                                       const std::vector<dsl::ast::RuleFile>& files,
                                       const LoadOptions& options,
                                       std::shared_ptr<const Analyzer> analyzer,
                                       Diagnostics* diagnostics) {
  Lowerer lowerer(sources, config, options, std::move(analyzer), diagnostics);
  return lowerer.Run(files);
}

}  // namespace triage::internal
