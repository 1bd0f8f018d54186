// SPDX-License-Identifier: Apache-2.0
// The AST printer (dsl/ast_printer.h): one overload per node type, each writing its own line and
// then its children one level deeper; variants dispatch with boost::apply_visitor.
#include "dsl/ast_printer.h"

#include <string>
#include <utility>

#include <boost/variant/apply_visitor.hpp>

#include "dsl/ast.h"

namespace triage::dsl {
namespace {

// A string as the AST holds it, quoted, with the escapes of the rule language written back.
std::string Quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

class Printer {
 public:
  std::string Take() { return std::move(out_); }

  void Print(const ast::Decl& decl) { Visit(decl); }

  // ---- leaves: a label (the node's role in its parent), its value, its span ----------------

  void Print(const ast::Identifier& node, const char* role) {
    Line(std::string(role) + " " + node.name, node);
  }
  void Print(const ast::FieldRef& node) { Line("field " + node.path, node); }
  void Print(const ast::StringLit& node) { Line("string " + Quote(node.value), node); }
  void Print(const ast::RegexLit& node) { Line("regex /" + node.source + "/" + node.flags, node); }
  void Print(const ast::NumberLit& node, const char* role = "number") {
    Line(std::string(role) + " " + node.text, node);
  }
  void Print(const ast::BoolLit& node) { Line("bool " + node.text, node); }

  // ---- matchers -----------------------------------------------------------------------------

  void Print(const ast::Identifier& node) { Print(node, "name"); }
  void Print(const ast::AnyOf& node) {
    Line("any", node);
    Nested nested(this);
    for (const ast::Identifier& name : node.names) Print(name, "name");
  }
  void Print(const ast::NumberRange& node) {
    Line("number-range", node);
    Nested nested(this);
    Print(node.low, "low");
    Print(node.high, "high");
  }
  void Print(const ast::SpanCall& node) {
    Line("call " + node.func, node);
    Nested nested(this);
    for (const ast::Matcher& arg : node.args) Visit(arg);
    if (node.within) Print(*node.within, "within");
  }

  // ---- conditions ---------------------------------------------------------------------------

  void Print(const ast::MatchTest& node) {
    Line("match " + node.op, node);
    Nested nested(this);
    Print(node.field);
    Visit(node.matcher);
  }
  void Print(const ast::CountTest& node) {
    Line("count " + node.op, node);
    Nested nested(this);
    Print(node.field);
    Visit(node.matcher);
    Print(node.value);
  }
  void Print(const ast::ExistsTest& node) {
    Line("exists", node);
    Nested nested(this);
    Print(node.field);
  }
  void Print(const ast::CompareTest& node) {
    Line("compare " + node.op, node);
    Nested nested(this);
    Print(node.field);
    Visit(node.value);
  }
  void Print(const ast::InTest& node) {
    Line("in", node);
    Nested nested(this);
    Print(node.field);
    for (const ast::Literal& value : node.values) Visit(value);
  }
  void Print(const ast::RuleRef& node) { Line("ref " + node.name, node); }
  void Print(const ast::NotExpr& node) {
    Line("not", node);
    Nested nested(this);
    Visit(node.operand);
  }
  void Print(const ast::AndExpr& node) {
    Line("and", node);
    Nested nested(this);
    for (const ast::Operand& term : node.terms) Visit(term);
  }
  void Print(const ast::OrExpr& node) {
    Line("or", node);
    Nested nested(this);
    for (const ast::AndExpr& term : node.terms) Print(term);
  }
  void Print(const ast::CountOf& node) {
    Line("of", node);
    Nested nested(this);
    Print(node.count, "count");
    for (const ast::OrExpr& item : node.items) Print(item);
  }

  // ---- clauses ------------------------------------------------------------------------------

  void Print(const ast::WhenClause& node) {
    Line("when", node);
    Nested nested(this);
    Print(node.expr);
  }
  void Print(const ast::UrgencyClause& node) {
    Line(node.floor_op ? "urgency " + *node.floor_op : std::string("urgency"), node);
    Nested nested(this);
    Print(node.value);
  }
  void Print(const ast::CategoryClause& node) {
    Line("category", node);
    Nested nested(this);
    Print(node.category, "name");
    Print(node.value);
  }
  void Print(const ast::TextClause& node) {
    Line(node.keyword, node);
    Nested nested(this);
    Print(node.value);
  }
  void Print(const ast::ExampleDecl& node) {
    Line(node.keyword, node);
    Nested nested(this);
    Print(node.text);
    for (const ast::Identifier& expect : node.expect) Print(expect, "expect");
  }

  // ---- declarations -------------------------------------------------------------------------

  void Print(const ast::CategoryDecl& node) {
    Line("category", node);
    Nested nested(this);
    Print(node.name, "name");
    if (node.description) Print(*node.description);
  }
  void Print(const ast::PatternDecl& node) {
    Line("pattern", node);
    Nested nested(this);
    Print(node.name, "name");
    Print(node.regex);
  }
  void Print(const ast::ListDecl& node) {
    Line("list", node);
    Nested nested(this);
    Print(node.name, "name");
    for (const ast::Identifier& option : node.options) Print(option, "option");
    for (const ast::StringLit& phrase : node.phrases) Print(phrase);
  }
  void Print(const ast::TermsOption& node) {
    Line("option " + node.name.name, node);
    if (node.args.empty()) return;
    Nested nested(this);
    for (const ast::Identifier& arg : node.args) Print(arg, "arg");
  }
  void Print(const ast::TermsDecl& node) {
    Line("terms", node);
    Nested nested(this);
    Print(node.name, "name");
    for (const ast::TermsOption& option : node.options) Print(option);
    for (const ast::TermsItem& item : node.items) {
      if (const auto* phrase = boost::get<ast::StringLit>(&item)) {
        Print(*phrase);
      } else {
        Print(boost::get<ast::Identifier>(item), "include");
      }
    }
  }
  void Print(const ast::ContextScope& node) {
    Line("scope", node);
    Nested nested(this);
    Print(node.direction, "direction");
    Print(node.window, "window");
  }
  void Print(const ast::ContextDecl& node) {
    Line("context", node);
    Nested nested(this);
    Print(node.kind, "kind");
    if (node.scope) Print(*node.scope);
    Print(node.terms, "terms");
  }
  void Print(const ast::RuleDecl& node) {
    Line(node.visibility.empty() ? "rule" : node.visibility + " rule", node);
    Nested nested(this);
    Print(node.name, "name");
    if (node.description) Print(*node.description);
    for (const ast::Clause& clause : node.clauses) Visit(clause);
  }

  // A node held through x3::forward_ast (recursive variants).
  template <typename T>
  void Print(const boost::spirit::x3::forward_ast<T>& node) {
    Print(node.get());
  }

 private:
  // One level deeper for its lifetime.
  class Nested {
   public:
    explicit Nested(Printer* printer) : printer_(printer) { ++printer_->depth_; }
    ~Nested() { --printer_->depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;

   private:
    Printer* printer_;
  };

  template <typename Variant>
  void Visit(const Variant& variant) {
    boost::apply_visitor([this](const auto& node) { this->Print(node); }, variant.get());
  }

  void Line(const std::string& text, const ast::Node& node) {
    out_.append(2 * depth_, ' ');
    out_ +=
        text + " @" + std::to_string(node.span.begin) + ".." + std::to_string(node.span.end) + "\n";
  }

  std::string out_;
  int depth_ = 0;
};

}  // namespace

std::string PrintAst(const ast::RuleFile& file) {
  Printer printer;
  for (const ast::Decl& decl : file.decls) printer.Print(decl);
  return printer.Take();
}

}  // namespace triage::dsl
