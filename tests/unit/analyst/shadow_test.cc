// SPDX-License-Identifier: Apache-2.0
// The shadow comparison and its tally through the public API.
#include "triage/shadow.h"

#include <string>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

class ShadowComparisonTest : public ::testing::Test {
 protected:
  ShadowComparisonTest()
      : live_(MustCompile("rule a { when text ~ /a/ urgency +55 }")),
        candidate_(MustCompile("rule a { when text ~ /a/ urgency +85 }\n"
                               "rule b { when text ~ /b/ urgency +1 }")) {}

  ShadowComparison Compare(const std::string& json) {
    const Decision live = Decide(live_, json);
    Scanner scanner(candidate_);
    Decision candidate;
    const Status status = scanner.ScanJson(json, &candidate);
    return CompareShadow(candidate_, 7, live, status, candidate);
  }

  RuleSet live_;
  RuleSet candidate_;
};

TEST_F(ShadowComparisonTest, AgreementWritesNothing) {
  const ShadowComparison c = Compare(R"({"summary":"nothing"})");
  EXPECT_EQ(c.outcome, ShadowOutcome::kAgree);
  EXPECT_TRUE(c.log_line.empty());
}

TEST_F(ShadowComparisonTest, MoreUrgentCandidateIsLoggedWithItsRules) {
  const ShadowComparison c = Compare(R"({"id":"r-1","summary":"a"})");
  EXPECT_EQ(c.outcome, ShadowOutcome::kMoreUrgent);
  EXPECT_EQ(c.log_line,
            R"({"line":7,"id":"r-1","live":{"band":"P2","score":55,"categories":["unclassified"]},)"
            R"("candidate":{"band":"P1","score":85,"categories":["unclassified"]},)"
            R"("rules_added":[],"rules_removed":[],"move":"more_urgent"})");
}

TEST_F(ShadowComparisonTest, SameBandDisagreementNamesTheAddedRule) {
  const ShadowComparison c = Compare(R"({"summary":"b"})");
  EXPECT_EQ(c.outcome, ShadowOutcome::kSameBand);
  EXPECT_NE(c.log_line.find(R"("rules_added":["b"])"), std::string::npos) << c.log_line;
  EXPECT_NE(c.log_line.find(R"("move":"same_band")"), std::string::npos);
}

TEST_F(ShadowComparisonTest, RefusedRecordLogsTheCandidateError) {
  const Decision live = Decide(live_, R"({"summary":"a"})");
  const ShadowComparison c =
      CompareShadow(candidate_, 3, live, Status::InvalidRecord("wrong_type", "no"), Decision());
  EXPECT_EQ(c.outcome, ShadowOutcome::kRefused);
  EXPECT_NE(c.log_line.find(R"("candidate":{"error":"wrong_type"}})"), std::string::npos)
      << c.log_line;
}

TEST(ShadowTallyTest, CountsEveryOutcome) {
  ShadowTally tally;
  for (ShadowOutcome o :
       {ShadowOutcome::kAgree, ShadowOutcome::kSameBand, ShadowOutcome::kMoreUrgent,
        ShadowOutcome::kLessUrgent, ShadowOutcome::kLessUrgent, ShadowOutcome::kRefused}) {
    tally.Add(o);
  }
  EXPECT_EQ(tally.compared, 6u);
  EXPECT_EQ(tally.disagreements, 5u);
  EXPECT_EQ(tally.band_changes, 3u);
  EXPECT_EQ(tally.more_urgent, 1u);
  EXPECT_EQ(tally.less_urgent, 2u);
  EXPECT_EQ(tally.candidate_errors, 1u);
}

}  // namespace
}  // namespace triage::testing
