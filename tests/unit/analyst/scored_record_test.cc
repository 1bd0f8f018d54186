// SPDX-License-Identifier: Apache-2.0
// A decision reduced to what corpus analyses need, through the public API.
#include "triage/scored_record.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr char kRules[] = R"(
category x
category y
rule a { when text ~ /a/ urgency +55 category x +40 }
rule b { when text ~ /b/ category y +10 }
)";

TEST(ScoredRecordTest, KeepsScoreBandCategoriesAndRules) {
  RuleSet rules = MustCompile(kRules);
  Scanner scanner(rules);
  ScoredRecord record;
  ASSERT_TRUE(ScoreRecord(&scanner, R"({"id":"r-1","summary":"a b"})", false, &record).ok());
  EXPECT_EQ(record.id, "r-1");
  EXPECT_EQ(record.score, 55);
  EXPECT_EQ(record.band, 1u);  // P2
  EXPECT_EQ(record.categories, Strings{"x"});
  EXPECT_EQ(record.rules, (Strings{"a", "b"}));
  EXPECT_TRUE(record.totals.empty());
}

TEST(ScoredRecordTest, WithTotalsKeepsCategoriesBelowTheMinimum) {
  RuleSet rules = MustCompile(kRules);
  Scanner scanner(rules);
  ScoredRecord record;
  ASSERT_TRUE(ScoreRecord(&scanner, R"({"summary":"a b"})", true, &record).ok());
  EXPECT_FALSE(record.id.has_value());
  ASSERT_EQ(record.totals.size(), 2u);
  EXPECT_EQ(record.categories, Strings{"x"});
}

TEST(ScoredRecordTest, RecordErrorsComeBackAsInvalidRecord) {
  RuleSet rules = MustCompile(kRules);
  Scanner scanner(rules);
  ScoredRecord record;
  const Status status = ScoreRecord(&scanner, "not json", false, &record);
  EXPECT_EQ(status.code(), Status::Code::kInvalidRecord);
  EXPECT_EQ(status.record_code(), "invalid_json");
}

TEST(ScoredRecordTest, SummarizeDecisionMarksAnUnknownBand) {
  EngineConfig config;
  config.bands = DefaultBands();
  Decision decision;
  decision.band = "P9";
  decision.urgency = 3;
  EXPECT_EQ(SummarizeDecision(config, &decision).band, config.bands.size());
  decision.band = "P3";
  EXPECT_EQ(SummarizeDecision(config, &decision).band, 2u);
}

}  // namespace
}  // namespace triage::testing
