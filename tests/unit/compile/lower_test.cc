// SPDX-License-Identifier: Apache-2.0
// Checker tests: each diagnostic the compiler reports, by code and position; several at once.
#include "compile/lower.h"

#include <gtest/gtest.h>

#include "support/compile_helpers.h"
#include "util/spelling.h"

namespace triage::testing {
namespace {

// Asserts that compiling `rules` fails with diagnostic `code` at line:column.
void ExpectCompileError(const std::string& rules, const std::string& code, uint32_t line,
                        uint32_t column, const std::string& config = "") {
  Compiled c = CompileText(rules, config);
  EXPECT_FALSE(c.rules.has_value()) << "compiled although an error was expected";
  EXPECT_TRUE(c.Has(code, line, column))
      << "expected " << code << " at " << line << ":" << column << "\n"
      << c.Rendered();
}

void ExpectCompiles(const std::string& rules, const std::string& config = "") {
  Compiled c = CompileText(rules, config);
  EXPECT_TRUE(c.rules.has_value()) << c.Rendered();
}

TEST(LowerTest, DuplicateRule) {
  ExpectCompileError("rule a { when text ~ /x/ }\nrule a { when text ~ /y/ }", "duplicate-name", 2,
                     6);
}

TEST(LowerTest, DuplicatePatternAndList) {
  ExpectCompileError("pattern p = /x/\nlist p = \"y\"\nrule r { when text ~ p }", "duplicate-name",
                     2, 6);
}

TEST(LowerTest, DuplicateCategory) {
  ExpectCompileError("category c\ncategory c\nrule r { when text ~ /x/ category c +40 }",
                     "duplicate-name", 2, 10);
}

TEST(LowerTest, DuplicateAcrossFilesNamesBothPlaces) {
  Compiled c = CompileFiles(
      {{"a.rules", "rule r { when text ~ /x/ }"}, {"b.rules", "\nrule r { when text ~ /y/ }"}});
  EXPECT_FALSE(c.rules);
  ASSERT_GE(c.diagnostics.items().size(), 2u);
  const Diagnostic& error = c.diagnostics.items()[0];
  const Diagnostic& note = c.diagnostics.items()[1];
  EXPECT_EQ(c.sources->file(error.file).name(), "b.rules");
  EXPECT_EQ(note.severity, Severity::kNote);
  EXPECT_EQ(c.sources->file(note.file).name(), "a.rules");
}

TEST(LowerTest, UnknownRuleReferenceSuggestsName) {
  Compiled c = CompileText("rule minor_age { when text ~ /x/ }\nrule r { when minor_agee }");
  EXPECT_FALSE(c.rules);
  EXPECT_TRUE(c.Has("unknown-name", 2, 15)) << c.Rendered();
  EXPECT_NE(c.Rendered().find("did you mean 'minor_age'?"), std::string::npos);
}

TEST(LowerTest, UnknownPatternOrList) {
  ExpectCompileError("list meet = \"meet up\"\nrule r { when text ~ any(meet, mete) }",
                     "unknown-name", 2, 32);
}

TEST(LowerTest, PatternNameUsedAsRule) {
  ExpectCompileError("pattern p = /x/\nrule r { when p }", "unknown-name", 2, 15);
}

TEST(LowerTest, UnknownField) {
  Compiled c = CompileText("rule r { when victim.agee < 18 }");
  EXPECT_FALSE(c.rules);
  EXPECT_TRUE(c.Has("unknown-field", 1, 15)) << c.Rendered();
  EXPECT_NE(c.Rendered().find("did you mean 'victim.age'?"), std::string::npos);
}

TEST(LowerTest, FieldMappedInConfigIsKnown) {
  ExpectCompiles("rule r { when platform == \"chat\" }", "fields:\n  platform: meta.platform\n");
}

TEST(LowerTest, UnknownCategory) {
  ExpectCompileError("category enticement\nrule r { when text ~ /x/ category enticment +40 }",
                     "unknown-category", 2, 35);
}

TEST(LowerTest, RuleCycle) {
  ExpectCompileError("rule a { when b }\nrule b { when c }\nrule c { when a }", "rule-cycle", 1, 6);
}

TEST(LowerTest, SelfReferenceIsACycle) {
  ExpectCompileError("rule a { when a or text ~ /x/ }", "rule-cycle", 1, 6);
}

TEST(LowerTest, BadRegexPointsIntoTheLiteral) {
  // RE2 names the offending part, "(?<", which sits at column 18.
  Compiled c = CompileText("pattern p = /abc(?<name>x)/\nrule r { when text ~ p }");
  EXPECT_FALSE(c.rules);
  EXPECT_TRUE(c.Has("bad-regex", 1, 17)) << c.Rendered();
}

TEST(LowerTest, BadRegexWithoutArgumentPointsAtLiteral) {
  ExpectCompileError("rule r { when text ~ /a)/ }", "bad-regex", 1, 22);
}

TEST(LowerTest, BackreferenceIsRefusedByRe2) {
  ExpectCompileError("rule r { when text ~ /(a)\\1/ }", "bad-regex", 1, 26);
}

TEST(LowerTest, UnknownRegexFlag) {
  ExpectCompileError("rule r { when text ~ /a/x }", "bad-regex-flag", 1, 22);
}

TEST(LowerTest, UrgencyOutOfRange) {
  ExpectCompileError("rule r { when text ~ /a/ urgency +101 }", "score-range", 1, 34);
}

TEST(LowerTest, UrgencyRangeFollowsConfiguredMax) {
  ExpectCompiles("rule r { when text ~ /a/ urgency +150 }",
                 "urgency:\n  max: 200\n  bands:\n"
                 "    - {name: high, min: 100}\n    - {name: low, min: 0}\n");
}

TEST(LowerTest, FloorOutOfRange) {
  ExpectCompileError("rule r { when text ~ /a/ urgency >= 120 }", "score-range", 1, 37);
}

TEST(LowerTest, CategoryScoreOutOfRange) {
  ExpectCompileError("category c\nrule r { when text ~ /a/ category c +500 }", "score-range", 2,
                     37);
}

TEST(LowerTest, UrgencyNeedsSign) {
  ExpectCompileError("rule r { when text ~ /a/ urgency 15 }", "bad-score", 1, 34);
}

TEST(LowerTest, FloorTakesNoSign) {
  ExpectCompileError("rule r { when text ~ /a/ urgency >= +15 }", "bad-score", 1, 37);
}

TEST(LowerTest, FractionalScore) {
  ExpectCompileError("rule r { when text ~ /a/ urgency +1.5 }", "bad-score", 1, 34);
}

TEST(LowerTest, MissingWhen) { ExpectCompileError("rule r { urgency +5 }", "missing-when", 1, 6); }

TEST(LowerTest, TwoWhenClauses) {
  ExpectCompileError("rule r { when text ~ /a/\n when text ~ /b/ }", "duplicate-clause", 2, 2);
}

TEST(LowerTest, FieldTypeConflictBetweenUses) {
  Compiled c = CompileText("rule a { when channel == \"sms\" }\nrule b { when channel > 3 }");
  EXPECT_FALSE(c.rules);
  EXPECT_TRUE(c.Has("field-type-conflict", 2, 15)) << c.Rendered();
}

TEST(LowerTest, FieldTypeConflictWithConfig) {
  ExpectCompileError("rule a { when victim.age ~ /x/ }", "field-type-conflict", 1, 15,
                     "fields:\n  victim.age: {path: \"victims[*].age\", type: number}\n");
}

TEST(LowerTest, OrderingComparisonOnText) {
  ExpectCompileError("rule a { when channel < \"sms\" }", "bad-comparison", 1, 15);
}

TEST(LowerTest, InListMixingTypes) {
  ExpectCompileError("rule a { when channel in [\"sms\", 3] }", "bad-in-list", 1, 15);
}

TEST(LowerTest, UnknownListOption) {
  ExpectCompileError("list l (nocase) = \"a\"\nrule r { when text ~ l }", "unknown-option", 1, 9);
}

TEST(LowerTest, EmptyPhrase) {
  ExpectCompileError("list l = \"a\", \"  \"\nrule r { when text ~ l }", "empty-phrase", 1, 15);
}

TEST(LowerTest, OverrideOfUnknownRule) {
  ExpectCompileError("rule real { when text ~ /a/ }", "unknown-rule-override", 2, 3,
                     "overrides:\n  reel: {urgency: 5}\n");
}

TEST(LowerTest, OverrideOutOfRange) {
  ExpectCompileError("rule real { when text ~ /a/ }", "score-range", 2, 3,
                     "overrides:\n  real: {urgency: 500}\n");
}

TEST(LowerTest, WarningsForUnusedDeclarations) {
  Compiled c = CompileText(
      "category used\ncategory idle\npattern p = /a/\nlist l = \"b\"\n"
      "rule r { when text ~ /c/ category used +40 }");
  ASSERT_TRUE(c.rules) << c.Rendered();
  EXPECT_TRUE(c.Has("unused-category", 2, 10)) << c.Rendered();
  EXPECT_TRUE(c.Has("unused-pattern", 3, 9)) << c.Rendered();
  EXPECT_TRUE(c.Has("unused-list", 4, 6)) << c.Rendered();
  EXPECT_EQ(c.diagnostics.error_count(), 0u);
  EXPECT_EQ(c.diagnostics.warning_count(), 3u);
}

TEST(LowerTest, ReportsAllSemanticErrorsAtOnce) {
  Compiled c = CompileText(R"(rule a { when nope }
rule b { when text ~ /(/ }
rule c { when text ~ /x/ urgency +500 }
rule d { when unknown_field == 1 }
)");
  EXPECT_FALSE(c.rules);
  EXPECT_EQ(c.Codes(), (std::vector<std::string>{"unknown-name", "bad-regex", "score-range",
                                                 "unknown-field"}));
}

TEST(LowerTest, MaxErrorsStopsTheList) {
  std::string rules;
  for (int i = 0; i < 30; ++i) rules += "rule r" + std::to_string(i) + " { when nope }\n";
  Compiled c = CompileText(rules);
  EXPECT_FALSE(c.rules);
  EXPECT_EQ(c.diagnostics.error_count(), LoadOptions().max_errors);
}

TEST(LowerTest, DigestCoversRulesAndConfig) {
  Compiled a = CompileText("rule r { when text ~ /a/ urgency +5 }");
  Compiled same = CompileText("rule r { when text ~ /a/ urgency +5 }");
  Compiled crlf = CompileText("rule r { when text ~ /a/ urgency +5 }\r\n");
  Compiled b = CompileText("rule r { when text ~ /a/ urgency +6 }");
  Compiled c =
      CompileText("rule r { when text ~ /a/ urgency +5 }", "overrides:\n  r: {urgency: 6}\n");
  ASSERT_TRUE(a.rules && same.rules && b.rules && c.rules && crlf.rules);
  EXPECT_EQ(a.rules->digest().rfind("sha256:", 0), 0u);
  EXPECT_EQ(a.rules->digest().size(), 7u + 64u);
  EXPECT_EQ(a.rules->digest(), same.rules->digest());
  EXPECT_NE(a.rules->digest(), b.rules->digest());
  EXPECT_NE(a.rules->digest(), c.rules->digest());
  // Line endings are canonicalised; the trailing newline is a real difference.
  Compiled lf = CompileText("rule r { when text ~ /a/ urgency +5 }\n");
  ASSERT_TRUE(lf.rules);
  EXPECT_EQ(crlf.rules->digest(), lf.rules->digest());
}

TEST(LowerTest, DigestCoversFallbackByBand) {
  const std::string rules = "category hotline_contact\nrule r { when text ~ /a/ urgency +5 }\n";
  Compiled without = CompileText(rules);
  Compiled p4 = CompileText(rules, "categories:\n  fallback_by_band: {P4: hotline_contact}\n");
  Compiled p4_again =
      CompileText(rules, "categories:\n  fallback_by_band: {P4: hotline_contact}\n");
  Compiled p3 = CompileText(rules, "categories:\n  fallback_by_band: {P3: hotline_contact}\n");
  Compiled other = CompileText(rules, "categories:\n  fallback_by_band: {P4: other_contact}\n");
  ASSERT_TRUE(without.rules && p4.rules && p4_again.rules && p3.rules && other.rules);
  EXPECT_EQ(p4.rules->digest(), p4_again.rules->digest());
  EXPECT_NE(without.rules->digest(), p4.rules->digest());
  EXPECT_NE(p4.rules->digest(), p3.rules->digest());
  EXPECT_NE(p4.rules->digest(), other.rules->digest());
  EXPECT_NE(p3.rules->digest(), other.rules->digest());
}

TEST(LowerTest, DigestCoversFallbackByField) {
  const std::string rules = "category hotline_contact\nrule r { when text ~ /a/ urgency +5 }\n";
  const auto config = [](const std::string& field, const std::string& values) {
    return "categories:\n  fallback_by_field: {field: " + field + ", values: {" + values + "}}\n";
  };
  Compiled without = CompileText(rules);
  Compiled platform = CompileText(rules, config("channel", "platform: unclassified"));
  Compiled platform_again = CompileText(rules, config("channel", "platform: unclassified"));
  Compiled api = CompileText(rules, config("channel", "api: unclassified"));
  Compiled other = CompileText(rules, config("channel", "platform: machine_report"));
  Compiled kind = CompileText(rules, config("kind", "platform: unclassified"));
  ASSERT_TRUE(without.rules && platform.rules && platform_again.rules && api.rules && other.rules &&
              kind.rules)
      << platform.Rendered();
  EXPECT_EQ(platform.rules->digest(), platform_again.rules->digest());
  EXPECT_NE(without.rules->digest(), platform.rules->digest());
  EXPECT_NE(platform.rules->digest(), api.rules->digest());
  EXPECT_NE(platform.rules->digest(), other.rules->digest());
  EXPECT_NE(platform.rules->digest(), kind.rules->digest());
}

TEST(ExampleTest, PassingExamplesCompile) {
  ExpectCompiles(R"(
category enticement
rule meet "meeting a minor" {
  when text ~ /\bmeet\b/ and text ~ /\b1[0-7]\b/
  urgency +85
  category enticement +40
  example "she is 14 and he wants to meet" => P1 enticement
  counterexample "he wants to meet, she is 34"
}
example "nothing to see" => P4 unclassified
example "{\"kind\":\"sms\",\"body\":\"meet me, I am 15\"}" => P1
)");
}

TEST(ExampleTest, FailingExamplesRefuseTheRuleset) {
  Compiled c = CompileText(R"(category enticement
rule meet {
  when text ~ /\bmeet\b/
  urgency +20
  category enticement +40
  example "let us meet" => P1
  counterexample "meet at the office"
  example "greetings"
}
)");
  EXPECT_FALSE(c.rules);
  EXPECT_TRUE(c.Has("example-failed", 6, 3)) << c.Rendered();
  EXPECT_TRUE(c.Has("example-failed", 7, 3)) << c.Rendered();
  EXPECT_TRUE(c.Has("example-failed", 8, 3)) << c.Rendered();
  EXPECT_EQ(c.diagnostics.error_count(), 3u);
}

TEST(ExampleTest, UnknownExpectationName) {
  ExpectCompileError("rule r { when text ~ /x/ }\nexample \"x\" => P1 csam", "unknown-name", 2, 19);
}

TEST(ExampleTest, CounterexampleOutsideARule) {
  ExpectCompileError("rule r { when text ~ /x/ }\ncounterexample \"y\"", "bad-example", 2, 1);
}

TEST(RuleSetTest, LoadsFromDiskAndRecompilesFromItsArchive) {
  SourceManager sources;
  Diagnostics diagnostics;
  auto loaded = LoadRuleSet(&sources, std::string(TRIAGE_SOURCE_DIR) + "/rules/triage.yaml",
                            LoadOptions(), &diagnostics);
  ASSERT_TRUE(loaded.ok()) << RenderDiagnostics(diagnostics, sources);
  EXPECT_EQ(diagnostics.error_count(), 0u);
  ASSERT_GE(loaded->sources().size(), 2u);
  EXPECT_EQ(loaded->sources()[0].name, "triage.yaml");
  SourceManager archive_sources;
  Diagnostics archive_diagnostics;
  auto recompiled = CompileArchivedRuleSet(&archive_sources, loaded->sources(), LoadOptions(),
                                           &archive_diagnostics);
  ASSERT_TRUE(recompiled.ok()) << RenderDiagnostics(archive_diagnostics, archive_sources);
  EXPECT_EQ(recompiled->digest(), loaded->digest());
  EXPECT_EQ(recompiled->rule_names(), loaded->rule_names());
}

TEST(RuleSetTest, EmptyArchiveIsRefused) {
  SourceManager sources;
  Diagnostics diagnostics;
  EXPECT_FALSE(CompileArchivedRuleSet(&sources, {}, LoadOptions(), &diagnostics).ok());
  EXPECT_TRUE(diagnostics.Contains("empty-archive"));
}

TEST(RuleSetTest, ArchiveWithABrokenRuleFileIsRefused) {
  SourceManager sources;
  Diagnostics diagnostics;
  EXPECT_FALSE(CompileArchivedRuleSet(&sources, {{"triage.yaml", ""}, {"a.rules", "rule {"}},
                                      LoadOptions(), &diagnostics)
                   .ok());
  EXPECT_TRUE(diagnostics.Contains("syntax"));
}

TEST(SpellingTest, JoinAndListsItemsAsAMessageDoes) {
  using triage::internal::JoinAnd;
  EXPECT_EQ(JoinAnd({}), "");
  EXPECT_EQ(JoinAnd({"english"}), "english");
  EXPECT_EQ(JoinAnd({"english", "spanish"}), "english and spanish");
  EXPECT_EQ(JoinAnd({"'/'", "'+'", "'#'"}), "'/', '+' and '#'");
}

TEST(SpellingTest, PublicEditDistanceRanksLikeTheCompiler) {
  EXPECT_EQ(EditDistance("minor_agee", "minor_age"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(RuleSetTest, MissingConfigAndRuleFileAreReported) {
  SourceManager sources;
  Diagnostics diagnostics;
  EXPECT_FALSE(LoadRuleSet(&sources, "/nonexistent/triage.yaml", LoadOptions(), &diagnostics).ok());
  EXPECT_TRUE(diagnostics.Contains("config-not-found"));
  SourceManager sources2;
  Diagnostics diagnostics2;
  sources2.AddFile("/virtual/triage.yaml", "rules: [present.rules, absent.rules]\n");
  sources2.AddFile("/virtual/present.rules", "rule r { when text ~ /x/ }\n");
  EXPECT_FALSE(LoadRuleSet(&sources2, "/virtual/triage.yaml", LoadOptions(), &diagnostics2).ok());
  EXPECT_TRUE(diagnostics2.Contains("rule-file-not-found"));
  ASSERT_EQ(diagnostics2.error_count(), 1u);
  const Diagnostic& d = diagnostics2.items()[0];
  EXPECT_EQ(sources2.file(d.file).Position(d.span.begin).column, 24u);
}

}  // namespace
}  // namespace triage::testing
