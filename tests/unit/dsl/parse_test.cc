// SPDX-License-Identifier: Apache-2.0
// Parser tests: every construct of the rule language builds the expected AST with spans; every
// class of syntax error is reported at its exact line:column; recovery reports several errors.
#include "dsl/parse.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "dsl/ast.h"

namespace triage::dsl {
namespace {

struct Parsed {
  SourceManager sources;
  Diagnostics diagnostics;
  FileId file;
  bool ok = false;
  ast::RuleFile result;

  LineColumn At(SourceSpan span) const { return sources.file(file).Position(span.begin); }
  std::string Text(SourceSpan span) const {
    return sources.file(file).text().substr(span.begin, span.end - span.begin);
  }
  // Line:column of every syntax error, in order.
  std::vector<std::pair<uint32_t, uint32_t>> Errors() const {
    std::vector<std::pair<uint32_t, uint32_t>> out;
    for (const Diagnostic& d : diagnostics.items()) {
      if (d.severity != Severity::kError) continue;
      EXPECT_EQ(d.code, "syntax");
      const LineColumn pos = At(d.span);
      out.emplace_back(pos.line, pos.column);
    }
    return out;
  }
};

std::unique_ptr<Parsed> ParseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.AddFile("t.rules", text);
  auto result = Parse(p->sources, p->file, ParseOptions{}, &p->diagnostics);
  p->ok = result.ok();
  if (result.ok()) p->result = std::move(result).value();
  return p;
}

template <typename T>
const T& As(const ast::Decl& decl) {
  const T* value = boost::get<T>(&decl.get());
  EXPECT_NE(value, nullptr);
  return *value;
}

template <typename T>
const T* Get(const ast::Operand& operand) {
  return boost::get<T>(&operand.get());
}

const ast::WhenClause& WhenOf(const ast::RuleDecl& rule) {
  for (const ast::Clause& clause : rule.clauses) {
    if (const auto* w = boost::get<ast::WhenClause>(&clause.get())) return *w;
  }
  ADD_FAILURE() << "no when clause";
  static ast::WhenClause empty;
  return empty;
}

TEST(ParseTest, EmptyFileAndCommentsOnly) {
  auto p = ParseText("# nothing here\n\n   # still nothing\n");
  ASSERT_TRUE(p->ok);
  EXPECT_TRUE(p->result.decls.empty());
}

TEST(ParseTest, CategoryWithAndWithoutDescription) {
  auto p = ParseText("category enticement \"Online enticement\"\ncategory csam\n");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  ASSERT_EQ(p->result.decls.size(), 2u);
  const auto& a = As<ast::CategoryDecl>(p->result.decls[0]);
  EXPECT_EQ(a.name.name, "enticement");
  ASSERT_TRUE(a.description);
  EXPECT_EQ(a.description->value, "Online enticement");
  EXPECT_EQ(p->At(a.name.span).line, 1u);
  EXPECT_EQ(p->At(a.name.span).column, 10u);
  const auto& b = As<ast::CategoryDecl>(p->result.decls[1]);
  EXPECT_EQ(b.name.name, "csam");
  EXPECT_FALSE(b.description);
  EXPECT_EQ(p->At(b.span).line, 2u);
  EXPECT_EQ(p->At(b.span).column, 1u);
}

TEST(ParseTest, PatternWithFlagsAndEscapedSlash) {
  auto p = ParseText(R"(pattern age = /\b1[0-7]\s*y\/o\b/is)");
  ASSERT_TRUE(p->ok);
  const auto& decl = As<ast::PatternDecl>(p->result.decls[0]);
  EXPECT_EQ(decl.name.name, "age");
  EXPECT_EQ(decl.regex.source, R"(\b1[0-7]\s*y/o\b)");
  EXPECT_EQ(decl.regex.flags, "is");
  EXPECT_EQ(p->Text(decl.regex.span), R"(/\b1[0-7]\s*y\/o\b/is)");
}

TEST(ParseTest, ListWithOptionsAndEscapes) {
  auto p = ParseText("list meet (case, partial) = \"meet up\", \"say \\\"hi\\\"\",\n  \"a\\\\b\"");
  ASSERT_TRUE(p->ok);
  const auto& list = As<ast::ListDecl>(p->result.decls[0]);
  EXPECT_EQ(list.name.name, "meet");
  ASSERT_EQ(list.options.size(), 2u);
  EXPECT_EQ(list.options[0].name, "case");
  EXPECT_EQ(list.options[1].name, "partial");
  ASSERT_EQ(list.phrases.size(), 3u);
  EXPECT_EQ(list.phrases[1].value, "say \"hi\"");
  EXPECT_EQ(list.phrases[2].value, "a\\b");
  EXPECT_EQ(p->At(list.phrases[2].span).line, 2u);
  EXPECT_EQ(p->At(list.phrases[2].span).column, 3u);
}

// A string is read a run of plain characters at a time between its escapes: every byte of each
// run is kept, escapes anywhere (first, last, adjacent, alone) resolve, raw tabs and UTF-8 stay.
TEST(ParseTest, StringsKeepEveryCharacterBetweenTheirEscapes) {
  const std::vector<std::pair<std::string, std::string>> pieces = {
      {"a", "a"}, {"word", "word"},  {" ", " "},     {"\t", "\t"},  {"\xC3\xA9", "\xC3\xA9"},
      {"#", "#"}, {"\\\"", "\""},    {"\\\\", "\\"}, {"\\n", "\n"}, {"\\t", "\t"},
      {"/", "/"}, {"{0,2}", "{0,2}"}};
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  std::string source = "terms t =";
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    std::string written;
    std::string value;
    const size_t length = next() % 12;  // 0: the empty string
    for (size_t k = 0; k < length; ++k) {
      const auto& piece = pieces[next() % pieces.size()];
      written += piece.first;
      value += piece.second;
    }
    source += std::string(i == 0 ? " " : ",\n  ") + "\"" + written + "\"";
    expected.push_back(value);
  }
  auto p = ParseText(source);
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& terms = As<ast::TermsDecl>(p->result.decls[0]);
  ASSERT_EQ(terms.items.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto* phrase = boost::get<ast::StringLit>(&terms.items[i]);
    ASSERT_NE(phrase, nullptr) << i;
    EXPECT_EQ(phrase->value, expected[i]) << i;
    EXPECT_EQ(p->At(phrase->span).line, i + 1) << i;
    EXPECT_EQ(p->Text(phrase->span).front(), '"') << i;
    EXPECT_EQ(p->Text(phrase->span).back(), '"') << i;
  }
}

TEST(ParseTest, TermsOptionsTakeWordsAfterTheirName) {
  auto p = ParseText("terms t (stem english spanish, leet, stem) = \"x\"");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& terms = As<ast::TermsDecl>(p->result.decls[0]);
  ASSERT_EQ(terms.options.size(), 3u);
  EXPECT_EQ(terms.options[0].name.name, "stem");
  ASSERT_EQ(terms.options[0].args.size(), 2u);
  EXPECT_EQ(terms.options[0].args[0].name, "english");
  EXPECT_EQ(terms.options[0].args[1].name, "spanish");
  EXPECT_EQ(p->Text(terms.options[0].span), "stem english spanish");
  EXPECT_EQ(p->Text(terms.options[0].args[1].span), "spanish");
  EXPECT_EQ(terms.options[1].name.name, "leet");
  EXPECT_TRUE(terms.options[1].args.empty());
  EXPECT_EQ(p->Text(terms.options[1].span), "leet");
  EXPECT_TRUE(terms.options[2].args.empty());
  // Options are still separated by commas, and the list needs its ')'.
  EXPECT_FALSE(ParseText("terms t (stem english = \"x\"")->ok);
  EXPECT_FALSE(ParseText("terms t (stem, ) = \"x\"")->ok);
}

TEST(ParseTest, TermsItemsArePhrasesOrNamesOfOtherLists) {
  auto p = ParseText("terms all (stem) = part_en, \"a phrase\", part_es");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& terms = As<ast::TermsDecl>(p->result.decls[0]);
  ASSERT_EQ(terms.items.size(), 3u);
  EXPECT_EQ(boost::get<ast::Identifier>(terms.items[0]).name, "part_en");
  EXPECT_EQ(boost::get<ast::StringLit>(terms.items[1]).value, "a phrase");
  const ast::Identifier& last = boost::get<ast::Identifier>(terms.items[2]);
  EXPECT_EQ(p->Text(last.span), "part_es");
  EXPECT_FALSE(ParseText("terms t = a,")->ok);
  EXPECT_FALSE(ParseText("terms t = /x/")->ok);
}

TEST(ParseTest, RuleWithEveryClause) {
  auto p = ParseText(R"(rule r "desc" {
  when    text ~ x
  urgency +15
  urgency >= 90
  category enticement -5
  tag     "minor"
  route   "duty-officer"
  owner   "intake-team"
  ref     "CyberTipline categories"
  since   "2026-11-01"
})");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& rule = As<ast::RuleDecl>(p->result.decls[0]);
  EXPECT_EQ(rule.name.name, "r");
  EXPECT_EQ(rule.description->value, "desc");
  ASSERT_EQ(rule.clauses.size(), 9u);
  const auto& delta = boost::get<ast::UrgencyClause>(rule.clauses[1].get());
  EXPECT_FALSE(delta.floor_op);
  EXPECT_EQ(delta.value.text, "+15");
  const auto& floor = boost::get<ast::UrgencyClause>(rule.clauses[2].get());
  EXPECT_TRUE(floor.floor_op);
  EXPECT_EQ(floor.value.text, "90");
  const auto& category = boost::get<ast::CategoryClause>(rule.clauses[3].get());
  EXPECT_EQ(category.category.name, "enticement");
  EXPECT_EQ(category.value.text, "-5");
  const std::vector<std::string> keywords = {"tag", "route", "owner", "ref", "since"};
  for (size_t i = 0; i < keywords.size(); ++i) {
    const auto& text = boost::get<ast::TextClause>(rule.clauses[4 + i].get());
    EXPECT_EQ(text.keyword, keywords[i]);
  }
  EXPECT_EQ(p->At(boost::get<ast::TextClause>(rule.clauses[4].get()).span).line, 6u);
}

TEST(ParseTest, MatchTestsWithRegexNameAndAny) {
  auto p = ParseText(R"(rule r { when text ~ /a b/i and body !~ name or text ~ any(a, b) })");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& when = WhenOf(As<ast::RuleDecl>(p->result.decls[0]));
  ASSERT_EQ(when.expr.terms.size(), 2u);
  ASSERT_EQ(when.expr.terms[0].terms.size(), 2u);
  const auto* m1 = Get<ast::MatchTest>(when.expr.terms[0].terms[0]);
  ASSERT_NE(m1, nullptr);
  EXPECT_EQ(m1->field.path, "text");
  EXPECT_EQ(m1->op, "~");
  EXPECT_EQ(boost::get<ast::RegexLit>(m1->matcher.get()).source, "a b");
  const auto* m2 = Get<ast::MatchTest>(when.expr.terms[0].terms[1]);
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ(m2->op, "!~");
  EXPECT_EQ(boost::get<ast::Identifier>(m2->matcher.get()).name, "name");
  const auto* m3 = Get<ast::MatchTest>(when.expr.terms[1].terms[0]);
  ASSERT_NE(m3, nullptr);
  const auto& any = boost::get<ast::AnyOf>(m3->matcher.get());
  ASSERT_EQ(any.names.size(), 2u);
  EXPECT_EQ(any.names[1].name, "b");
}

TEST(ParseTest, ComparisonsInExistsCountAndReferences) {
  auto p = ParseText(R"(rule r {
  when victim.age < 18 and channel == "sms" and flagged != true
       and kind in ["sms", "chat"] and victim.age in [1, 2.5]
       and exists(suspect.username) and count(text ~ threat) >= 2 and other_rule
})");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& when = WhenOf(As<ast::RuleDecl>(p->result.decls[0]));
  ASSERT_EQ(when.expr.terms.size(), 1u);
  const auto& terms = when.expr.terms[0].terms;
  ASSERT_EQ(terms.size(), 8u);
  const auto* lt = Get<ast::CompareTest>(terms[0]);
  ASSERT_NE(lt, nullptr);
  EXPECT_EQ(lt->field.path, "victim.age");
  EXPECT_EQ(lt->op, "<");
  EXPECT_EQ(boost::get<ast::NumberLit>(lt->value.get()).text, "18");
  const auto* eq = Get<ast::CompareTest>(terms[1]);
  EXPECT_EQ(boost::get<ast::StringLit>(eq->value.get()).value, "sms");
  const auto* ne = Get<ast::CompareTest>(terms[2]);
  EXPECT_EQ(ne->op, "!=");
  EXPECT_EQ(boost::get<ast::BoolLit>(ne->value.get()).text, "true");
  const auto* in_texts = Get<ast::InTest>(terms[3]);
  ASSERT_NE(in_texts, nullptr);
  EXPECT_EQ(in_texts->values.size(), 2u);
  const auto* in_numbers = Get<ast::InTest>(terms[4]);
  EXPECT_EQ(boost::get<ast::NumberLit>(in_numbers->values[1].get()).text, "2.5");
  const auto* exists = Get<ast::ExistsTest>(terms[5]);
  ASSERT_NE(exists, nullptr);
  EXPECT_EQ(exists->field.path, "suspect.username");
  const auto* count = Get<ast::CountTest>(terms[6]);
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->op, ">=");
  EXPECT_EQ(count->value.text, "2");
  const auto* ref = Get<ast::RuleRef>(terms[7]);
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->name, "other_rule");
  EXPECT_EQ(p->At(ref->span).line, 4u);
  EXPECT_EQ(p->At(ref->span).column, 71u);
}

TEST(ParseTest, NotAndParenthesesNest) {
  auto p = ParseText("rule r { when not (a or b) and not not c }");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& when = WhenOf(As<ast::RuleDecl>(p->result.decls[0]));
  const auto& terms = when.expr.terms[0].terms;
  ASSERT_EQ(terms.size(), 2u);
  const auto* n = Get<boost::spirit::x3::forward_ast<ast::NotExpr>>(terms[0]);
  ASSERT_NE(n, nullptr);
  const auto* group = Get<boost::spirit::x3::forward_ast<ast::OrExpr>>(n->get().operand);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->get().terms.size(), 2u);
  const auto* nn = Get<boost::spirit::x3::forward_ast<ast::NotExpr>>(terms[1]);
  ASSERT_NE(nn, nullptr);
  EXPECT_NE(Get<boost::spirit::x3::forward_ast<ast::NotExpr>>(nn->get().operand), nullptr);
}

TEST(ParseTest, KeywordPrefixesAreIdentifiers) {
  // "index", "order", "notice", "counter" start with keywords but are names.
  auto p = ParseText("rule r { when index ~ order and not notice and counter }");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  const auto& when = WhenOf(As<ast::RuleDecl>(p->result.decls[0]));
  const auto* m = Get<ast::MatchTest>(when.expr.terms[0].terms[0]);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->field.path, "index");
}

TEST(ParseTest, CommentsAnywhere) {
  auto p = ParseText("rule r { # opening\n  when a # trailing\n  # own line\n  urgency +1 }\n");
  ASSERT_TRUE(p->ok) << p->diagnostics.Summary();
  EXPECT_EQ(As<ast::RuleDecl>(p->result.decls[0]).clauses.size(), 2u);
}

// ---- syntax errors, each at its exact position --------------------------------------------

TEST(ParseErrorTest, UnknownDeclarationKeyword) {
  auto p = ParseText("category a\nrules r { when a }\n");
  EXPECT_FALSE(p->ok);
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{2, 1}}));
}

TEST(ParseErrorTest, MissingRuleName) {
  auto p = ParseText("rule { when a }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 6}}));
}

TEST(ParseErrorTest, KeywordAsName) {
  auto p = ParseText("pattern when = /x/");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 9}}));
}

TEST(ParseErrorTest, MissingEquals) {
  auto p = ParseText("pattern p /x/");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 11}}));
}

TEST(ParseErrorTest, UnterminatedRegex) {
  auto p = ParseText("pattern p = /abc\n");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 17}}));
}

TEST(ParseErrorTest, UnterminatedString) {
  auto p = ParseText("list l = \"abc\n");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 14}}));
}

TEST(ParseErrorTest, BadEscapeInString) {
  auto p = ParseText(R"(list l = "a\qb")");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 13}}));
}

// After a run of plain characters, a line break or the end of the file is reported where it is.
TEST(ParseErrorTest, UnterminatedStringAfterEscapesAndRuns) {
  auto p = ParseText("list l = \"ok\", \"ab\\\"cd\\\\ef\n");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 27}}));
  auto q = ParseText("list l = \"ab\\tcd");
  EXPECT_EQ(q->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 17}}));
  auto r = ParseText("list l = \"ab\\");
  EXPECT_EQ(r->Errors().size(), 1u);
}

TEST(ParseErrorTest, ListWithTrailingComma) {
  auto p = ParseText("list l = \"a\", \n");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 13}}));
}

TEST(ParseErrorTest, MissingOpeningBrace) {
  auto p = ParseText("rule r when a }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 8}}));
}

TEST(ParseErrorTest, UnknownClause) {
  auto p = ParseText("rule r {\n  when a\n  score +5\n}");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{3, 3}}));
}

TEST(ParseErrorTest, MissingCloseBraceAtEndOfFile) {
  auto p = ParseText("rule r {\n  when a\n");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{3, 1}}));
}

TEST(ParseErrorTest, WhenWithoutExpression) {
  auto p = ParseText("rule r {\n  when\n  urgency +5\n}");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{3, 3}}));
}

TEST(ParseErrorTest, MatchWithoutMatcher) {
  auto p = ParseText("rule r { when text ~ 42 }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 22}}));
}

TEST(ParseErrorTest, ComparisonWithoutValue) {
  auto p = ParseText("rule r { when victim.age < }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 28}}));
}

TEST(ParseErrorTest, DanglingAnd) {
  auto p = ParseText("rule r { when a and }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 21}}));
}

TEST(ParseErrorTest, UnclosedParenthesis) {
  auto p = ParseText("rule r { when (a or b urgency +1 }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 23}}));
}

TEST(ParseErrorTest, CountWithoutComparison) {
  auto p = ParseText("rule r { when count(text ~ x) }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 31}}));
}

TEST(ParseErrorTest, UrgencyWithoutNumber) {
  auto p = ParseText("rule r { when a urgency high }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 25}}));
}

TEST(ParseErrorTest, InListNotClosed) {
  auto p = ParseText("rule r { when kind in [\"a\" }");
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{1, 28}}));
}

TEST(ParseErrorTest, RecoveryReportsEveryBrokenDeclaration) {
  auto p = ParseText(R"(category ok
rule one {
  when text ~
}
rule good { when a }
pattern two = abc
rule three {
  when a
  urgency ++1
}
list fine = "x"
)");
  EXPECT_FALSE(p->ok);
  EXPECT_EQ(p->Errors(), (std::vector<std::pair<uint32_t, uint32_t>>{{4, 1}, {6, 15}, {9, 11}}));
}

TEST(ParseErrorTest, ErrorSpanCoversTheWord) {
  auto p = ParseText("rule r { when a\n  scor +1 }");
  ASSERT_EQ(p->diagnostics.items().size(), 1u);
  EXPECT_EQ(p->Text(p->diagnostics.items()[0].span), "scor");
}

}  // namespace
}  // namespace triage::dsl
