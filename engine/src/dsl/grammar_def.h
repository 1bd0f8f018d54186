// SPDX-License-Identifier: Apache-2.0
// The rule-file grammar (docs/rules.md has the reference). Structure only: attributes fill the AST
// and the one semantic hook, AnnotateSpan, records each node's byte span. Expectation points (`>`)
// mark where a partial construct can only be an error, so that the message names what was expected
// at the right position; their names come from the rule names below ("a string", "an expression").
// Included only by grammar.cc.
#ifndef TRIAGE_DSL_GRAMMAR_DEF_H_
#define TRIAGE_DSL_GRAMMAR_DEF_H_

#include <type_traits>

#include <boost/spirit/home/x3.hpp>

#include "dsl/ast.h"
#include "dsl/ast_adapted.h"
#include "dsl/grammar.h"
#include "dsl/grammar_config.h"
#include "dsl/nesting.h"

namespace triage::dsl {
namespace grammar {

// on_success hook: writes [first, last) as byte offsets into any Node-derived attribute.
struct AnnotateSpan {
  template <typename It, typename Attribute, typename Ctx>
  void on_success(const It& first, const It& last, Attribute& attribute, const Ctx& context) {
    if constexpr (std::is_base_of_v<ast::Node, Attribute>) {
      const ParseState& state = x3::get<ParseStateTag>(context);
      attribute.span.begin = static_cast<uint32_t>(first - state.base);
      attribute.span.end = static_cast<uint32_t>(last - state.base);
    }
  }
};

// ---- tokens -------------------------------------------------------------------------------

// ASCII classes only (see kSkipper in grammar_config.h): names, keywords and numbers are ASCII.
const auto word_char = x3::ascii::alnum | x3::char_('_');

// A keyword: the word, not followed by a word character.
inline auto Kw(const char* word) { return x3::lexeme[x3::lit(word) >> !word_char]; }
// The same, keeping the keyword text as the attribute.
inline auto KwText(const char* word) { return x3::lexeme[x3::string(word) >> !word_char]; }

// Each alternative checks its own word boundary, so that "count" does not hide "counterexample".
const auto keyword = Kw("category") | Kw("pattern") | Kw("list") | Kw("rule") | Kw("when") |
                     Kw("urgency") | Kw("tag") | Kw("route") | Kw("owner") | Kw("ref") |
                     Kw("since") | Kw("and") | Kw("or") | Kw("not") | Kw("count") |
                     Kw("exists") | Kw("any") | Kw("in") | Kw("true") | Kw("false") |
                     Kw("example") | Kw("counterexample") | Kw("within");

struct IdentTextId;
struct FieldTextId;
struct StringTextId;
struct NumberTextId;
struct RegexBodyId;
const x3::rule<IdentTextId, std::string> ident_text = "an identifier";
const x3::rule<FieldTextId, std::string> field_text = "a field name";
const x3::rule<StringTextId, std::string> string_text = "a string";
const x3::rule<NumberTextId, std::string> number_text = "a number";
const x3::rule<RegexBodyId, std::string> regex_body = "a regex";

const auto ident_text_def =
    !keyword >> x3::lexeme[(x3::ascii::alpha | x3::char_('_')) >> *word_char];
const auto field_text_def =
    !keyword >> x3::lexeme[(x3::ascii::alpha | x3::char_('_')) >> *word_char >>
                           *(x3::char_('.') >> (x3::ascii::alpha | x3::char_('_')) >> *word_char)];
const auto escape = x3::lit('\\') > (x3::char_('"') | x3::char_('\\') |
                                     (x3::lit('n') >> x3::attr('\n')) |
                                     (x3::lit('t') >> x3::attr('\t')));
// One or more characters of a string that are neither its closing quote, an escape nor a line
// break, appended to the attribute as one run. It accepts exactly what +(char_ - char_("\"\\\n"))
// accepts, but a per-character parser appends a character at a time to the string (a large pack's
// phrases made that a tenth of its load).
struct PlainRunParser : x3::parser<PlainRunParser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;

  template <typename It, typename Ctx, typename RCtx, typename Attribute>
  bool parse(It& first, const It& last, const Ctx& context, RCtx& /*rcontext*/,
             Attribute& attribute) const {
    x3::skip_over(first, last, context);
    It it = first;
    while (it != last && *it != '"' && *it != '\\' && *it != '\n') ++it;
    if (it == first) return false;
    x3::traits::append(attribute, first, it);
    first = it;
    return true;
  }
};
const PlainRunParser plain_run{};

const auto string_text_def = x3::lexeme['"' > *(escape | plain_run) > '"'];
const auto number_text_def =
    x3::lexeme[-x3::char_("+-") >> +x3::ascii::digit >> -(x3::char_('.') >> +x3::ascii::digit)];
const auto regex_body_def = *((x3::lit("\\/") >> x3::attr('/')) |
                              (x3::char_('\\') >> (x3::char_ - x3::eol)) |
                              (x3::char_ - x3::char_("/\n")));

// ---- nodes --------------------------------------------------------------------------------

// Each node rule's ID derives from AnnotateSpan.
#define TRIAGE_NODE_RULE(name, type, what) \
  struct name##_id : AnnotateSpan {};      \
  const x3::rule<name##_id, type> name = what;

TRIAGE_NODE_RULE(identifier, ast::Identifier, "an identifier")
TRIAGE_NODE_RULE(field_ref, ast::FieldRef, "a field name")
TRIAGE_NODE_RULE(string_lit, ast::StringLit, "a string")
TRIAGE_NODE_RULE(number_lit, ast::NumberLit, "a number")
TRIAGE_NODE_RULE(bool_lit, ast::BoolLit, "true or false")
TRIAGE_NODE_RULE(regex_lit, ast::RegexLit, "a regex")
TRIAGE_NODE_RULE(literal, ast::Literal, "a string, number, true or false")
TRIAGE_NODE_RULE(any_of, ast::AnyOf, "any(...)")
TRIAGE_NODE_RULE(number_range, ast::NumberRange, "number(low..high)")
TRIAGE_NODE_RULE(span_call, ast::SpanCall, "a word-level expression")
TRIAGE_NODE_RULE(matcher, ast::Matcher,
                 "a regex, pattern, list or terms name, any(...) or a word-level expression")
TRIAGE_NODE_RULE(count_of, ast::CountOf, "N of (...)")
TRIAGE_NODE_RULE(match_test, ast::MatchTest, "a match test")
TRIAGE_NODE_RULE(count_test, ast::CountTest, "count(...)")
TRIAGE_NODE_RULE(exists_test, ast::ExistsTest, "exists(...)")
TRIAGE_NODE_RULE(compare_test, ast::CompareTest, "a comparison")
TRIAGE_NODE_RULE(in_test, ast::InTest, "an in-list test")
TRIAGE_NODE_RULE(rule_ref, ast::RuleRef, "a rule name")
TRIAGE_NODE_RULE(not_expr, ast::NotExpr, "not ...")
TRIAGE_NODE_RULE(and_expr, ast::AndExpr, "an expression")
TRIAGE_NODE_RULE(or_expr, ast::OrExpr, "an expression")
TRIAGE_NODE_RULE(unary, ast::Operand, "an expression")
TRIAGE_NODE_RULE(primary, ast::Operand, "an expression")
TRIAGE_NODE_RULE(when_clause, ast::WhenClause, "when")
TRIAGE_NODE_RULE(urgency_clause, ast::UrgencyClause, "urgency")
TRIAGE_NODE_RULE(category_clause, ast::CategoryClause, "category")
TRIAGE_NODE_RULE(text_clause, ast::TextClause, "tag, route, owner, ref or since")
TRIAGE_NODE_RULE(example_decl, ast::ExampleDecl, "an example")
TRIAGE_NODE_RULE(clause, ast::Clause, "a clause")
TRIAGE_NODE_RULE(category_decl, ast::CategoryDecl, "a category declaration")
TRIAGE_NODE_RULE(pattern_decl, ast::PatternDecl, "a pattern declaration")
TRIAGE_NODE_RULE(list_decl, ast::ListDecl, "a list declaration")
TRIAGE_NODE_RULE(terms_option, ast::TermsOption, "a terms option")
TRIAGE_NODE_RULE(terms_item, ast::TermsItem, "a phrase or a terms name")
TRIAGE_NODE_RULE(terms_decl, ast::TermsDecl, "a terms declaration")
TRIAGE_NODE_RULE(context_scope, ast::ContextScope, "a context scope")
TRIAGE_NODE_RULE(context_decl, ast::ContextDecl, "a context declaration")
TRIAGE_NODE_RULE(rule_decl, ast::RuleDecl, "a rule declaration")
#undef TRIAGE_NODE_RULE

// Lists that fill single-member nodes (see ast.h).
struct AndTermsId;
struct OrTermsId;
const x3::rule<AndTermsId, std::vector<ast::Operand>> and_terms = "an expression";
const x3::rule<OrTermsId, std::vector<ast::AndExpr>> or_terms = "an expression";

// Named expectation targets, for readable messages.
struct ClauseOrCloseId;
struct CloseParenId;
struct OpenParenId;
struct EqualsId;
struct OpenBraceId;
struct CompareOpId;
struct MatchOpId;
struct RangeDotsId;
struct VisibilityId;
struct SpanFuncId;
const x3::rule<ClauseOrCloseId> clause_or_close = "a clause (when, urgency, category, tag, "
                                                  "route, owner, ref, since, example) or '}'";
const x3::rule<CloseParenId> close_paren = "')'";
const x3::rule<OpenParenId> open_paren = "'('";
const x3::rule<EqualsId> equals = "'='";
const x3::rule<OpenBraceId> open_brace = "'{'";
const x3::rule<CompareOpId, std::string> compare_op = "a comparison operator (== != < <= > >=)";
const x3::rule<MatchOpId> tilde = "'~'";
const x3::rule<RangeDotsId> range_dots = "'..'";
const x3::rule<VisibilityId, std::string> visibility = "private";
const x3::rule<SpanFuncId, std::string> span_func = "a word-level function";

const auto clause_or_close_def = x3::lit('}');
const auto close_paren_def = x3::lit(')');
const auto open_paren_def = x3::lit('(');
const auto equals_def = x3::lit('=');
const auto open_brace_def = x3::lit('{');
const auto compare_op_def = x3::string("==") | x3::string("!=") | x3::string("<=") |
                            x3::string(">=") | x3::string("<") | x3::string(">");
const auto tilde_def = x3::lit('~');
const auto range_dots_def = x3::lit("..");
const auto visibility_def = KwText("private") | x3::attr(std::string());
const auto span_func_def = KwText("any") | KwText("near") | KwText("ordered") | KwText("sentence") |
                           KwText("affirmed") | KwText("unnegated") | KwText("negated") |
                           KwText("historical") | KwText("hypothetical") | KwText("other") |
                           KwText("media");

const auto identifier_def = ident_text;
const auto field_ref_def = field_text;
const auto string_lit_def = string_text;
const auto number_lit_def = number_text;
const auto bool_lit_def = KwText("true") | KwText("false");
const auto regex_lit_def =
    x3::lexeme['/' >> regex_body > '/' > *x3::char_("a-zA-Z")];
const auto literal_def = string_lit | number_lit | bool_lit;
// any(a, b) over names only; any(...) with a word-level part (near, affirmed, ...) is a span call.
const auto any_of_def = KwText("any") >> x3::lit('(') >> (identifier % ',') >> x3::lit(')');
// A function name only counts as one when '(' follows: `near` alone is a name.
const auto number_range_def = KwText("number") >> x3::lit('(') > number_lit > range_dots >
                              number_lit > close_paren;
// Named, so that an expectation failure on the first part names what was expected.
const auto matcher_list =
    x3::rule<struct MatcherListId, std::vector<ast::Matcher>>{
        "a regex, pattern, list or terms name, any(...) or a word-level expression"} =
        matcher % ',';
// The constructs that nest (a word-level call, `not`, parentheses, `N of`) each open one level
// with `nest[prefix >> enter > ...]`, past the tokens that say which construct it is (nesting.h).
const auto span_call_def = nest[span_func >> x3::lit('(') >> enter > matcher_list >
                                -(x3::lit(',') > Kw("within") > number_lit) > close_paren];
const auto matcher_def = regex_lit | any_of | number_range | span_call | identifier;

const auto match_op = x3::string("!~") | x3::string("~");
const auto match_test_def = field_ref >> match_op > matcher;
const auto count_test_def = KwText("count") > open_paren > field_ref > tilde > matcher >
                            close_paren > compare_op > number_lit;
const auto exists_test_def = KwText("exists") > open_paren > field_ref > close_paren;
const auto compare_test_def = field_ref >> compare_op > literal;
const auto in_test_def =
    field_ref >> Kw("in") > '[' > (literal % ',') > ']';
const auto rule_ref_def = ident_text;

const auto not_expr_def = nest[KwText("not") >> enter > unary];
const auto and_terms_def = unary >> *(Kw("and") > unary);
const auto and_expr_def = and_terms;
const auto or_terms_def = and_expr >> *(Kw("or") > and_expr);
const auto or_expr_def = or_terms;
const auto unary_def = not_expr | primary;
const auto count_of_def =
    nest[number_lit >> Kw("of") >> enter > open_paren > (or_expr % ',') > close_paren];
const auto primary_def = nest[x3::lit('(') >> enter > or_expr > close_paren] | count_of |
                         count_test | exists_test | match_test | compare_test | in_test | rule_ref;

const auto when_clause_def = KwText("when") > or_expr;
const auto urgency_clause_def = KwText("urgency") > -x3::string(">=") > number_lit;
const auto category_clause_def = KwText("category") > identifier > number_lit;
const auto text_clause_def = (KwText("tag") | KwText("route") | KwText("owner") | KwText("ref") |
                              KwText("since")) > string_lit;
const auto example_decl_def = (KwText("example") | KwText("counterexample")) > string_lit >
                              -(x3::lit("=>") > +identifier);
const auto clause_def =
    when_clause | urgency_clause | category_clause | text_clause | example_decl;

const auto category_decl_def = Kw("category") > identifier > -string_lit;
const auto pattern_decl_def = Kw("pattern") > identifier > equals > regex_lit;
const auto list_decl_def = Kw("list") > identifier >
                           -(x3::lit('(') > (identifier % ',') > close_paren) > equals >
                           (string_lit % ',');
// A phrase, or the name of a terms list to include.
const auto terms_item_def = string_lit | identifier;
// An option is a name and its arguments, if any, separated by spaces: (stem english spanish, leet).
const auto terms_option_def = identifier >> *identifier;
const auto terms_decl_def = Kw("terms") > identifier >
                            -(x3::lit('(') > (terms_option % ',') > close_paren) > equals >
                            (terms_item % ',');
const auto context_scope_def = identifier >> number_lit;
const auto context_decl_def = Kw("context") > identifier > -context_scope > equals > identifier;
const auto rule_decl_def = visibility >> Kw("rule") > identifier > -string_lit > open_brace > *clause >
                           clause_or_close;

}  // namespace grammar

struct DeclId : grammar::AnnotateSpan {};
const DeclRule decl =
    "a declaration (category, pattern, list, terms, context, rule or example)";
const auto decl_def = grammar::category_decl | grammar::pattern_decl | grammar::list_decl |
                      grammar::terms_decl | grammar::context_decl | grammar::rule_decl |
                      grammar::example_decl;

namespace grammar {
BOOST_SPIRIT_DEFINE(ident_text, field_text, string_text, number_text, regex_body, identifier,
                    field_ref, string_lit, number_lit, bool_lit, regex_lit, literal, any_of,
                    number_range, span_call, matcher, count_of, terms_option, terms_item,
                    terms_decl, context_scope, context_decl, range_dots, span_func, visibility,
                    match_test, count_test, exists_test, compare_test, in_test, rule_ref, not_expr,
                    and_terms, and_expr, or_terms, or_expr, unary, primary, when_clause,
                    urgency_clause, category_clause, text_clause, example_decl, clause,
                    category_decl, pattern_decl, list_decl, rule_decl, clause_or_close, close_paren,
                    open_paren, equals, open_brace, compare_op, tilde)
}  // namespace grammar

BOOST_SPIRIT_DEFINE(decl)

const DeclRule& DeclGrammar() { return decl; }

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_GRAMMAR_DEF_H_
