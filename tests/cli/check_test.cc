// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage check`: the ok line for a good pack, rendered diagnostics (with
// file:line:col and a caret) and exit 1 for a broken one, --werror.

#include <algorithm>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::kBasicRules;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

bool AnyLineMatches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  for (const std::string& line : SplitLines(text)) {
    if (std::regex_search(line, re)) return true;
  }
  return false;
}

TEST(CheckTest, GoodPackPrintsOkLine) {
  TempRulePack pack;
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::regex_match(result.out,
                               std::regex("ok: 3 rules, [0-9]+ categories, sha256:[0-9a-f]{64}\n")))
      << result.out;
  EXPECT_EQ(result.err, "");
}

TEST(CheckTest, ShippedPackIsClean) {
  // Clean means no warning either (docs/rules.md: the default pack is kept free of them), so
  // --werror: a term the analysis reads otherwise than written, an unused list, fails here.
  const ProcessResult result = RunTriage(
      {"check", "--werror", "--config", std::string(TRIAGE_SOURCE_DIR) + "/rules/triage.yaml"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("ok: ", 0), 0U) << result.out;
  EXPECT_EQ(result.err, "");
}

TEST(CheckTest, BrokenPackReportsPositionAndCaret) {
  TempRulePack pack(std::string(kBasicRules) +
                    "\nrule broken {\n  when text ~ no_such_pattern\n  urgency +5\n}\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(AnyLineMatches(result.err, R"(test\.rules:[0-9]+:[0-9]+: error: )")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| *\^)")) << result.err;
  // The unknown name: two lines after the pack's last line, after "  when text ~ ".
  const std::string line =
      std::to_string(std::count(kBasicRules, kBasicRules + std::strlen(kBasicRules), '\n') + 3);
  EXPECT_NE(result.err.find("test.rules:" + line + ":15: error: "), std::string::npos)
      << result.err;
}

TEST(CheckTest, SyntaxErrorReportsPositionAndCaret) {
  TempRulePack pack("rule broken {\n  when text ~ /x/ and\n  urgency +5\n}\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(AnyLineMatches(result.err, R"(test\.rules:3:3: error: .*\[syntax\])")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| *\^)")) << result.err;
}

TEST(CheckTest, ConfigErrorsArePositioned) {
  TempRulePack pack(kBasicRules, "no_such_key: 1\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:[0-9]+:[0-9]+: error: )")) << result.err;
}

TEST(CheckTest, FallbackByBandErrorsArePositionedWithTheLineAndACaret) {
  // The pack's triage.yaml has three lines before these: the categories start on line 4.
  TempRulePack pack(kBasicRules,
                    "categories:\n"
                    "  fallback_by_band:\n"
                    "    P5: hotline_contact\n"
                    "    P4: hotline contact\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:6:5: error: .*\[unknown-band\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *6 \|     P5: hotline_contact$)")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {5}\^~$)")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:6:5: note: did you mean 'P[1-4]'\?)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:7:9: error: .*\[bad-value\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {9}\^~{14}$)")) << result.err;
}

TEST(CheckTest, AnUndeclaredBandFallbackIsAWarning) {
  // kBasicRules declares no hotline_contact: declared implicitly, and the config is told.
  TempRulePack pack(kBasicRules, "categories:\n  fallback_by_band: {P4: hotline_contact}\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("ok: 3 rules", 0), 0U) << result.out;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:5:26: warning: .*\[unknown-category\]$)"))
      << result.err;
}

TEST(CheckTest, FallbackByFieldErrorsArePositionedWithTheLineAndACaret) {
  // The pack's triage.yaml has three lines before these: the categories start on line 4. Both
  // problems are reported at once.
  TempRulePack pack(kBasicRules,
                    "categories:\n"
                    "  fallback_by_field:\n"
                    "    field: chanel\n"
                    "    values: {platform: not classified}\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:6:12: error: .*\[unknown-field\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *6 \|     field: chanel$)")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {12}\^~{5}$)")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:6:12: note: did you mean 'channel'\?)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:7:24: error: .*\[bad-value\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *7 \|     values: \{platform: not classified\}$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {24}\^~{13}$)")) << result.err;
}

TEST(CheckTest, AnUndeclaredFieldValueFallbackIsAWarning) {
  // kBasicRules declares no machine_report: declared implicitly, and the config is told where.
  TempRulePack pack(kBasicRules,
                    "categories:\n"
                    "  fallback_by_field: {field: channel, values: {platform: machine_report}}\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("ok: 3 rules", 0), 0U) << result.out;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(triage\.yaml:5:58: warning: .*\[unknown-category\]$)"))
      << result.err;
}

TEST(CheckTest, MissingConfigExitsOne) {
  TempRulePack pack;
  const ProcessResult result = RunTriage({"check", "--config", pack.dir() + "/nope.yaml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("nope.yaml"), std::string::npos) << result.err;
}

TEST(CheckTest, WarningsFailOnlyWithWerror) {
  TempRulePack pack(std::string(kBasicRules) + "\npattern never_used = /unused/\n");
  const ProcessResult lenient = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.err;
  EXPECT_EQ(lenient.out.rfind("ok: 3 rules", 0), 0U) << lenient.out;
  EXPECT_TRUE(AnyLineMatches(lenient.err, R"(test\.rules:[0-9]+:[0-9]+: warning: )"))
      << lenient.err;

  const ProcessResult strict = RunTriage({"check", "--config", pack.config(), "--werror"});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(strict.out, "");
  EXPECT_NE(strict.err.find("warning:"), std::string::npos);
}

TEST(CheckTest, VerbosePrintsCompileTimeAndMatchingPlan) {
  TempRulePack pack(R"(
list terms = "meet up", "pick you up"
pattern near = /\bmeet\b.{0,40}\bparking\b/i
rule a { when text ~ terms }
rule b { when text ~ near }
)");
  const ProcessResult plain = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("matching plan"), std::string::npos);
  const ProcessResult result = RunTriage({"check", "--verbose", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.out, R"(^loaded, checked and compiled in [0-9.]+ ms$)"))
      << result.out;
  EXPECT_TRUE(AnyLineMatches(result.out, R"(^  field text: 2 sets .*1 prefiltered regex \(2 literals\))"))
      << result.out;
  EXPECT_TRUE(AnyLineMatches(result.out, R"(^    \S*test\.rules:2:6: terms set\+confirm)"))
      << result.out;
  EXPECT_TRUE(AnyLineMatches(result.out,
                             R"(^    \S*test\.rules:3:9: near prefiltered, .*repeat 40, literals)"))
      << result.out;
}

TEST(CheckTest, SlowPatternIsWarnedAtItsDeclaration) {
  TempRulePack pack("pattern token = /[a-z0-9]{20,40}/\nrule a { when text ~ token }\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err,
                             R"(test\.rules:1:9: warning: pattern 'token' runs on its own .*\[slow-pattern\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {9}\^~~~~$)")) << result.err;
  const ProcessResult strict = RunTriage({"check", "--werror", "--config", pack.config()});
  EXPECT_EQ(strict.exit_code, 1);
}

TEST(CheckTest, ATermThatDropsTextIsWarnedAtItsString) {
  TempRulePack pack("terms close = \"wrong #\"\nrule a { when text ~ close }\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(AnyLineMatches(
      result.err,
      R"(test\.rules:1:15: warning: term "wrong #" reads as "wrong": '#' is not part of any word \(the analysis drops it\) \[term-drops-text\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {15}\^~~~~~~~~$)")) << result.err;
  const ProcessResult strict = RunTriage({"check", "--werror", "--config", pack.config()});
  EXPECT_EQ(strict.exit_code, 1);
}

TEST(CheckTest, AShortStemIsWarnedAtItsString) {
  TempRulePack pack("terms live (stem english) = \"camming\"\nrule a { when text ~ live }\n",
                    "analysis:\n  stemmers: [english, spanish]\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(AnyLineMatches(
      result.err,
      R"(test\.rules:1:29: warning: stemmed term "camming" reads as the stem "cam" in english: it matches every word with that stem \[short-stem\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {29}\^~{8}$)")) << result.err;
  EXPECT_TRUE(AnyLineMatches(
      result.err,
      R"(test\.rules:1:29: note: write the forms it should match in a list without \(stem\)$)"))
      << result.err;
  const ProcessResult strict = RunTriage({"check", "--werror", "--config", pack.config()});
  EXPECT_EQ(strict.exit_code, 1);
  // In Spanish "camming" is its own stem: nothing to warn about.
  pack.SetRules("terms live (stem spanish) = \"camming\"\nrule a { when text ~ live }\n");
  const ProcessResult spanish = RunTriage({"check", "--werror", "--config", pack.config()});
  EXPECT_EQ(spanish.exit_code, 0) << spanish.err;
  EXPECT_EQ(spanish.err, "");
}

TEST(CheckTest, AStemLanguageTheConfigLacksIsAnErrorAtItsName) {
  TempRulePack pack("terms t (leet, stem english french) = \"sell\"\nrule a { when text ~ t }\n",
                    "analysis:\n  stemmers: [english, spanish]\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(AnyLineMatches(
      result.err,
      R"(test\.rules:1:29: error: terms 't' asks for stems in 'french', which is not a configured stemmer \(analysis\.stemmers: english and spanish\) \[unknown-stemmer\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *1 \| terms t \(leet, stem english french\))"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {29}\^~{5}$)")) << result.err;
}

TEST(CheckTest, ATermsListThatIncludesItselfIsAnErrorAtTheName) {
  TempRulePack pack("terms a = b, \"x\"\nterms b = \"y\", a\nrule r { when text ~ a }\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(AnyLineMatches(
      result.err,
      R"(test\.rules:2:16: error: terms 'a' includes itself: a -> b -> a \[include-cycle\]$)"))
      << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *2 \| terms b = "y", a$)")) << result.err;
  EXPECT_TRUE(AnyLineMatches(result.err, R"(^ *\| {16}\^$)")) << result.err;
}

TEST(CheckTest, NoColourWithoutATerminal) {
  TempRulePack pack("rule broken { when text ~ nope urgency +5 }\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()}, "", {"NO_COLOR="});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << result.err;
}

TEST(CheckTest, UnknownFlagExitsTwo) {
  const ProcessResult result = RunTriage({"check", "--frobnicate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("frobnicate"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace triage
