// SPDX-License-Identifier: Apache-2.0
// The abstract syntax tree of a rule file, as the grammar builds it. Plain structs with no parser
// dependencies beyond x3::variant; every node derives from Node and carries the byte span it was
// parsed from (filled by AnnotateSpan in the grammar), so that every later diagnostic can point at
// its source. Nothing here is checked: names, types, regexes and score ranges are the business of
// compile/lower.cc.
//
// Structs with a single data member confuse X3's sequence attribute handling: such nodes are
// filled from a helper rule whose attribute is the member's type (see grammar_def.h), and a few
// nodes keep their keyword text as a member (ExistsTest::keyword) so that a sequence fills them.
#ifndef TRIAGE_DSL_AST_H_
#define TRIAGE_DSL_AST_H_

#include <string>
#include <vector>

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include "triage/source.h"

namespace triage::dsl::ast {

namespace x3 = boost::spirit::x3;

struct Node {
  SourceSpan span;
};

struct Identifier : Node {
  std::string name;
};

// A dotted logical field name, e.g. victim.age.
struct FieldRef : Node {
  std::string path;
};

struct StringLit : Node {
  std::string value;  // escapes resolved
};

struct RegexLit : Node {
  std::string source;  // between the slashes, with \/ turned back into /
  std::string flags;   // letters after the closing slash
};

// A number as written ("-3", "17.5"); converted and range-checked by the compiler.
struct NumberLit : Node {
  std::string text;
};

// true / false.
struct BoolLit : Node {
  std::string text;
};

struct Literal : x3::variant<StringLit, NumberLit, BoolLit> {
  using base_type::base_type;
  using base_type::operator=;
};

// any(a, b, ...)
struct AnyOf : Node {
  std::string keyword;
  std::vector<Identifier> names;
};

// number(lo..hi): a word whose numeric value (after analysis) lies in [lo, hi].
struct NumberRange : Node {
  std::string keyword;
  NumberLit low;
  NumberLit high;
};

struct SpanCall;

// The right-hand side of `~`: a regex literal, a pattern, list or terms name, any(...), or a
// word-level expression (number(...), near(...), ordered(...), sentence(...), and the context
// filters affirmed/negated/historical/hypothetical/other(...)).
struct Matcher
    : x3::variant<RegexLit, Identifier, AnyOf, NumberRange, x3::forward_ast<SpanCall>> {
  using base_type::base_type;
  using base_type::operator=;
};

// A word-level function over mentions: `func(arg, ..., within N)`.
struct SpanCall : Node {
  std::string func;
  std::vector<Matcher> args;
  boost::optional<NumberLit> within;
};

// field ~ matcher, field !~ matcher
struct MatchTest : Node {
  FieldRef field;
  std::string op;  // "~" or "!~"
  Matcher matcher;
};

// count(field ~ matcher) op number
struct CountTest : Node {
  std::string keyword;
  FieldRef field;
  Matcher matcher;
  std::string op;
  NumberLit value;
};

// exists(field)
struct ExistsTest : Node {
  std::string keyword;
  FieldRef field;
};

// field op literal
struct CompareTest : Node {
  FieldRef field;
  std::string op;  // == != < <= > >=
  Literal value;
};

// field in [literal, ...]
struct InTest : Node {
  FieldRef field;
  std::vector<Literal> values;
};

// A reference to another rule: true iff that rule fired.
struct RuleRef : Node {
  std::string name;
};

struct NotExpr;
struct OrExpr;
struct CountOf;

struct Operand : x3::variant<MatchTest, CountTest, ExistsTest, CompareTest, InTest, RuleRef,
                             x3::forward_ast<NotExpr>, x3::forward_ast<OrExpr>,
                             x3::forward_ast<CountOf>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct NotExpr : Node {
  std::string keyword;
  Operand operand;
};

// term and term and ...
struct AndExpr : Node {
  std::vector<Operand> terms;
};

// term or term or ...
struct OrExpr : Node {
  std::vector<AndExpr> terms;
};

// N of (cond, cond, ...): at least N of the conditions hold (YARA's "2 of them").
struct CountOf : Node {
  NumberLit count;
  std::vector<OrExpr> items;
};

struct WhenClause : Node {
  std::string keyword;
  OrExpr expr;
};

// urgency +15 | urgency -5 | urgency >= 90
struct UrgencyClause : Node {
  std::string keyword;
  boost::optional<std::string> floor_op;  // ">=" for a floor
  NumberLit value;
};

// category name +40
struct CategoryClause : Node {
  std::string keyword;
  Identifier category;
  NumberLit value;
};

// tag / route / owner / ref / since "text"
struct TextClause : Node {
  std::string keyword;
  StringLit value;
};

// example "text" [=> P1 category ...] | counterexample "text" — a record whose text is given,
// checked when the ruleset is compiled: at top level against the decision, inside a rule also
// against that rule firing (example) or not firing (counterexample).
struct ExampleDecl : Node {
  std::string keyword;
  StringLit text;
  std::vector<Identifier> expect;  // band names and category names
};

struct Clause
    : x3::variant<WhenClause, UrgencyClause, CategoryClause, TextClause, ExampleDecl> {
  using base_type::base_type;
  using base_type::operator=;
};

struct CategoryDecl : Node {
  Identifier name;
  boost::optional<StringLit> description;
};

struct PatternDecl : Node {
  Identifier name;
  RegexLit regex;
};

struct ListDecl : Node {
  Identifier name;
  std::vector<Identifier> options;  // (case, partial)
  std::vector<StringLit> phrases;
};

// An option of a terms list and its arguments: `leet`, `stem`, `stem english spanish`.
struct TermsOption : Node {
  Identifier name;
  std::vector<Identifier> args;  // stem: the languages; empty: every configured stemmer
};

// An element of a terms list: a phrase, or the name of another terms list whose phrases it
// includes (each compiled with its own list's options).
struct TermsItem : x3::variant<StringLit, Identifier> {
  using base_type::base_type;
  using base_type::operator=;
};

// terms name (options) = "phrase", other_list, ...: a word-level list, matched on analysed tokens.
struct TermsDecl : Node {
  Identifier name;
  std::vector<TermsOption> options;  // (stem english, leet): for its own phrases only
  std::vector<TermsItem> items;
};

// The scope of a context trigger: `after 5`, `before 3`, `around 6`.
struct ContextScope : Node {
  Identifier direction;
  NumberLit window;
};

// context negated after 5 = negation_words | context terminate = scope_breaks
struct ContextDecl : Node {
  Identifier kind;
  boost::optional<ContextScope> scope;
  Identifier terms;
};

struct RuleDecl : Node {
  std::string visibility;  // "private", or empty
  Identifier name;
  boost::optional<StringLit> description;
  std::vector<Clause> clauses;
};

struct Decl : x3::variant<CategoryDecl, PatternDecl, ListDecl, TermsDecl, ContextDecl, RuleDecl,
                          ExampleDecl> {
  using base_type::base_type;
  using base_type::operator=;
};

// A parsed file: its declarations in order.
struct RuleFile {
  FileId file;
  std::vector<Decl> decls;
};

}  // namespace triage::dsl::ast

#endif  // TRIAGE_DSL_AST_H_
