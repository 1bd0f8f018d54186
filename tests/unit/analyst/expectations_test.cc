// SPDX-License-Identifier: Apache-2.0
// Expectation files through the public API: parsing with positions, name resolution against a
// ruleset, and running cases (pass, each kind of failure, a record the engine refuses).
#include "triage/expectations.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr char kRules[] = R"(
category enticement
rule minor { when text ~ /\b1[0-7]\b/ urgency +30 tag "minor" }
rule meet { when minor and text ~ /meet/ urgency +30 category enticement +40 }
)";

class ExpectationsTest : public ::testing::Test {
 protected:
  ExpectationsTest() : rules_(MustCompile(kRules)), scanner_(rules_) {}

  ExpectationFile Parse(const std::string& yaml) {
    ExpectationFile file;
    file.path = "cases.yaml";
    ParseExpectationFile(sources_, sources_.AddFile("cases.yaml", yaml), &file);
    return file;
  }

  // The codes of the errors of `d`, in order.
  static Strings Codes(const Diagnostics& d) {
    Strings codes;
    for (const Diagnostic& item : d.items()) {
      if (item.severity == Severity::kError) codes.push_back(item.code);
    }
    return codes;
  }

  RuleSet rules_;
  Scanner scanner_;
  SourceManager sources_;
};

TEST_F(ExpectationsTest, ParsesCasesAndTurnsTheRecordIntoJson) {
  ExpectationFile file = Parse(R"(
- name: meeting a minor
  text: "she is 14 and wants to meet"
  band: {at_least: P2}
  categories: [enticement]
  rules: {fired: [meet]}
- text: "an adult"
  score: 0
)");
  ASSERT_TRUE(file.IsValid()) << RenderDiagnostics(file.diagnostics, sources_);
  ASSERT_EQ(file.cases.size(), 2u);
  EXPECT_EQ(file.cases[0].name, "meeting a minor");
  EXPECT_EQ(file.cases[0].line, 2u);
  EXPECT_EQ(file.cases[1].name, "case 2");
  EXPECT_NE(file.cases[0].record.find(R"({"summary":"she is 14 and wants to meet"})"),
            std::string::npos)
      << file.cases[0].record;
  ASSERT_TRUE(file.cases[0].band.has_value());
  EXPECT_EQ(file.cases[0].band->at_least->name, "P2");
}

TEST_F(ExpectationsTest, UnknownKeyMakesOnlyItsCaseInvalid) {
  ExpectationFile file = Parse(R"(
- text: "x"
  bnad: P1
- text: "y"
  band: P4
)");
  ASSERT_TRUE(file.IsValid());
  ASSERT_EQ(file.cases.size(), 2u);
  EXPECT_FALSE(file.cases[0].IsValid());
  EXPECT_EQ(Codes(file.cases[0].diagnostics).front(), "unknown-key");
  EXPECT_TRUE(file.cases[1].IsValid());
}

TEST_F(ExpectationsTest, YamlSyntaxErrorInvalidatesTheFile) {
  ExpectationFile file = Parse("- text: [unclosed\n");
  EXPECT_FALSE(file.IsValid());
  EXPECT_TRUE(file.diagnostics.has_errors());
}

TEST_F(ExpectationsTest, ResolveNamesFlagsMisspeltNames) {
  ExpectationFile file = Parse(R"(
- text: "x"
  band: P7
  rules: [meat]
)");
  ASSERT_TRUE(file.IsValid());
  ResolveNames(rules_, &file);
  EXPECT_FALSE(file.cases[0].IsValid());
  EXPECT_EQ(Codes(file.cases[0].diagnostics), (Strings{"unknown-name", "unknown-name"}))
      << RenderDiagnostics(file.cases[0].diagnostics, sources_);
}

TEST_F(ExpectationsTest, RunCasePassesAndReportsEveryUnmetExpectation) {
  ExpectationFile file = Parse(R"(
- text: "she is 14 and wants to meet"
  band: P2
  categories: {exactly: [enticement]}
  tags: [minor]
- text: "she is 14"
  band: {at_least: P2}
  score: {at_least: 50}
  rules: {fired: [meet], not_fired: [minor]}
  routes: [duty-officer]
)");
  ResolveNames(rules_, &file);
  ASSERT_TRUE(file.cases[0].IsValid());
  ASSERT_TRUE(file.cases[1].IsValid());
  const CaseRun pass = RunCase(&scanner_, file.cases[0]);
  EXPECT_TRUE(pass.passed()) << pass.problems.front();
  EXPECT_EQ(pass.decision.urgency, 60);
  const CaseRun fail = RunCase(&scanner_, file.cases[1]);
  EXPECT_FALSE(fail.passed());
  EXPECT_TRUE(fail.status.ok());
  ASSERT_EQ(fail.problems.size(), 5u);
  EXPECT_EQ(fail.problems[0], "band: expected at least P2, got P3 (score 30)");
  EXPECT_EQ(fail.problems[1].rfind("score:", 0), 0u);
  EXPECT_EQ(fail.problems[2].rfind("rules: expected meet to fire", 0), 0u);
  EXPECT_EQ(fail.problems[3].rfind("rules: expected minor not to fire", 0), 0u);
  EXPECT_EQ(fail.problems[4].rfind("routes:", 0), 0u);
}

TEST_F(ExpectationsTest, AtMostBoundFailsForAMoreUrgentBand) {
  ExpectationFile file = Parse(R"(
- text: "she is 14 and wants to meet"
  band: {at_most: P3}
)");
  ResolveNames(rules_, &file);
  const CaseRun run = RunCase(&scanner_, file.cases[0]);
  EXPECT_EQ(run.problems, Strings{"band: expected at most P3, got P2 (score 60)"});
}

TEST_F(ExpectationsTest, DescribeDecisionSummarisesOneLine) {
  ExpectationFile file = Parse("- text: \"she is 14 and wants to meet\"\n  band: P2\n");
  ResolveNames(rules_, &file);
  const CaseRun run = RunCase(&scanner_, file.cases[0]);
  EXPECT_EQ(DescribeDecision(run.decision),
            "P2 (score 60), categories [enticement (40)], rules [minor, meet], tags [minor], "
            "routes []");
}

}  // namespace
}  // namespace triage::testing
