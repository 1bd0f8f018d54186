// SPDX-License-Identifier: Apache-2.0
// Decision comparison and ruleset comparison through the public API.
#include "triage/compare.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(CompareDecisionsTest, AddedAndRemovedKeepTheirSideOrderOnce) {
  const DecisionChange change =
      CompareDecisions({"x", "y"}, {"a", "b", "c"}, {"z", "x"}, {"d", "c", "a", "d"});
  EXPECT_EQ(change.categories_added, Strings{"z"});
  EXPECT_EQ(change.categories_removed, Strings{"y"});
  EXPECT_EQ(change.rules_added, Strings{"d"});
  EXPECT_EQ(change.rules_removed, Strings{"b"});
  EXPECT_FALSE(change.reordered);
}

TEST(CompareDecisionsTest, SameNamesInAnotherOrderAreReordered) {
  const DecisionChange change = CompareDecisions({"x", "y"}, {"a"}, {"y", "x"}, {"a"});
  EXPECT_TRUE(change.categories_added.empty());
  EXPECT_TRUE(change.categories_removed.empty());
  EXPECT_TRUE(change.reordered);
  EXPECT_FALSE(CompareDecisions({"x"}, {"a"}, {"x"}, {"a"}).reordered);
}

TEST(CompareDecisionsTest, NamesAreStable) {
  EXPECT_STREQ(BandMoveName(BandMove::kLessUrgent), "less_urgent");
  EXPECT_STREQ(BandMoveName(BandMove::kMoreUrgent), "more_urgent");
  EXPECT_STREQ(BandMoveName(BandMove::kNone), "none");
  EXPECT_STREQ(LabelRelationName(LabelRelation::kToward), "toward");
  EXPECT_STREQ(LabelRelationName(LabelRelation::kAway), "away");
  EXPECT_STREQ(LabelRelationName(LabelRelation::kNeither), "neither");
}

class RulesetComparisonTest : public ::testing::Test {
 protected:
  RulesetComparisonTest()
      : base_(MustCompile(R"(
category x
rule hurry { when text ~ /tonight/ urgency +85 category x +40 }
rule minor { when text ~ /14/ urgency +30 }
)")),
        head_(MustCompile(R"(
category x
rule hurry { when text ~ /tonight/ urgency +40 }
rule minor { when text ~ /14/ urgency +30 category x +40 }
)")),
        base_scanner_(base_),
        head_scanner_(head_) {}

  // Scores `json` with both rulesets and adds it as line `line`.
  void Add(RulesetComparison* comparison, const std::string& json, uint64_t line) {
    ScoredRecord base;
    ScoredRecord head;
    ASSERT_TRUE(ScoreRecord(&base_scanner_, json, false, &base).ok());
    ASSERT_TRUE(ScoreRecord(&head_scanner_, json, false, &head).ok());
    base.line = line;
    head.line = line;
    comparison->Add(base, head);
  }

  RuleSet base_;
  RuleSet head_;
  Scanner base_scanner_;
  Scanner head_scanner_;
};

TEST_F(RulesetComparisonTest, TransitionsCategoryChangesAndOrderOfChanges) {
  RulesetComparison comparison(base_, head_, nullptr);
  Add(&comparison, R"({"id":"same","summary":"nothing"})", 1);
  Add(&comparison, R"({"id":"up","summary":"she is 14"})", 2);     // P3 30 -> P3 30, +x
  Add(&comparison, R"({"id":"down","summary":"tonight"})", 3);     // P1 85 -> P3 40, -x
  Add(&comparison, R"({"id":"both","summary":"14 tonight"})", 4);  // P1 100 -> P2 70
  const ComparisonReport report = comparison.Finish();
  EXPECT_EQ(report.records, 4u);
  EXPECT_EQ(report.base_digest, base_.digest());
  EXPECT_EQ(report.transitions[3][3], 1u);
  EXPECT_EQ(report.transitions[2][2], 1u);
  EXPECT_EQ(report.transitions[0][2], 1u);
  EXPECT_EQ(report.transitions[0][1], 1u);
  EXPECT_EQ(report.less_urgent, 2u);
  EXPECT_EQ(report.same_band, 1u);
  ASSERT_EQ(report.changes.size(), 3u);
  EXPECT_EQ(report.changes[0].base.id, "down");  // the largest drop first
  EXPECT_EQ(report.changes[0].move, BandMove::kLessUrgent);
  EXPECT_EQ(report.changes[1].base.id, "both");
  EXPECT_EQ(report.changes[2].base.id, "up");
  EXPECT_EQ(report.changes[2].move, BandMove::kNone);
  ASSERT_EQ(report.categories.size(), 2u);
  EXPECT_EQ(report.categories[0].name, "x");
  EXPECT_EQ(report.categories[0].added, 1u);
  EXPECT_EQ(report.categories[0].removed, 1u);
  EXPECT_EQ(report.categories[1].name, "unclassified");
}

TEST_F(RulesetComparisonTest, LabelsSayWhetherAMoveGoesTowardTheLabel) {
  LabelSet labels;
  LabelParser parser(head_.config(), head_.category_names());
  ASSERT_TRUE(parser.Add(R"({"id":"down","band":"P3"})", 1, &labels).ok());
  ASSERT_TRUE(parser.Add(R"({"id":"both","band":"P1"})", 2, &labels).ok());
  RulesetComparison comparison(base_, head_, &labels);
  Add(&comparison, R"({"id":"down","summary":"tonight"})", 1);
  Add(&comparison, R"({"id":"both","summary":"14 tonight"})", 2);
  Add(&comparison, R"({"id":"up","summary":"she is 14"})", 3);
  const ComparisonReport report = comparison.Finish();
  EXPECT_TRUE(report.labelled);
  ASSERT_EQ(report.changes.size(), 3u);
  EXPECT_EQ(report.changes[0].relation, LabelRelation::kToward);
  EXPECT_EQ(report.changes[1].relation, LabelRelation::kAway);
  EXPECT_FALSE(report.changes[2].label_band.has_value());
}

}  // namespace
}  // namespace triage::testing
