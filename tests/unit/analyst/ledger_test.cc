// SPDX-License-Identifier: Apache-2.0
// The urgency ledger and the category report through the public API.
#include "triage/ledger.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

TEST(LedgerTest, RunningTotalClampFloorAndBand) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +70 }
rule b { when text ~ /b/ urgency +50 }
rule f { when text ~ /f/ urgency >= 85 }
rule g { when text ~ /g/ urgency >= 85 }
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a b f g"})");
  const Ledger ledger = BuildLedger(e, rules.config());
  ASSERT_EQ(ledger.entries.size(), 4u);
  EXPECT_EQ(ledger.entries[0].running, 70);
  EXPECT_EQ(ledger.entries[1].running, 120);
  EXPECT_EQ(ledger.sum, 120);
  EXPECT_EQ(ledger.clamped, 100);
  EXPECT_EQ(ledger.floor, 85);
  EXPECT_EQ(ledger.floor_rule, "f");  // the first with the highest floor
  EXPECT_EQ(ledger.score, 100);
  EXPECT_EQ(ledger.band, "P1");
  EXPECT_EQ(ledger.band_min, 80);
  EXPECT_FALSE(ledger.next_band.has_value());
}

TEST(LedgerTest, NextBandUpIsNamed) {
  RuleSet rules = MustCompile("rule a { when text ~ /a/ urgency +25 }");
  Scanner scanner(rules);
  const Ledger ledger = BuildLedger(MustExplain(&scanner, R"({"summary":"a"})"), rules.config());
  EXPECT_EQ(ledger.band, "P3");
  ASSERT_TRUE(ledger.next_band.has_value());
  EXPECT_EQ(ledger.next_band->name, "P2");
  EXPECT_EQ(ledger.next_band->min, 50);
}

TEST(LedgerTest, CategoriesAssignedBelowMinAndOverMaxLabels) {
  RuleSet rules = MustCompile(R"(
category x
category y
category z
category w
rule a { when text ~ /a/ category x +40 category y +35 }
rule b { when text ~ /b/ category y +10 category z +31 category w +5 }
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a b"})");
  const CategoryReport report = BuildCategoryReport(e, rules.config());
  EXPECT_EQ(report.assign_min, 30);
  EXPECT_EQ(report.max_labels, 2);
  ASSERT_EQ(report.lines.size(), 4u);
  EXPECT_EQ(report.lines[0].name, "y");  // 45
  EXPECT_EQ(report.lines[0].status, CategoryLine::Status::kAssigned);
  EXPECT_EQ(report.lines[0].contributions,
            (std::vector<std::pair<std::string, int>>{{"a", 35}, {"b", 10}}));
  EXPECT_EQ(report.lines[1].name, "x");
  EXPECT_EQ(report.lines[2].name, "z");
  EXPECT_EQ(report.lines[2].status, CategoryLine::Status::kOverMaxLabels);
  EXPECT_EQ(report.lines[3].status, CategoryLine::Status::kBelowMin);
  EXPECT_FALSE(report.fallback.has_value());
}

TEST(LedgerTest, FallbackIsReportedWhenNoCategoryReachesTheMinimum) {
  RuleSet rules = MustCompile(R"(
category x
rule a { when text ~ /a/ category x +10 }
)");
  Scanner scanner(rules);
  const CategoryReport report =
      BuildCategoryReport(MustExplain(&scanner, R"({"summary":"a"})"), rules.config());
  ASSERT_EQ(report.lines.size(), 1u);
  EXPECT_EQ(report.lines[0].status, CategoryLine::Status::kBelowMin);
  EXPECT_EQ(report.fallback, "unclassified");
}

}  // namespace
}  // namespace triage::testing
