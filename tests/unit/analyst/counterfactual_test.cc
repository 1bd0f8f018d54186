// SPDX-License-Identifier: Apache-2.0
// The counterfactual search through the public API: smallest set, dependants switched off with
// it, the most specific set on ties, and the budget.
#include "triage/counterfactual.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(CounterfactualTest, OneRuleWhoseRemovalMovesTheBand) {
  RuleSet rules = MustCompile(R"(
rule small { when text ~ /a/ urgency +5 }
rule big { when text ~ /b/ urgency +50 }
)");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"a b"})";
  const Explanation e = MustExplain(&scanner, json);
  ASSERT_EQ(e.decision.band, "P2");  // 55
  const Counterfactual c = FindCounterfactual(&scanner, json, e, CounterfactualLimits());
  ASSERT_TRUE(c.found);
  EXPECT_EQ(c.rules, Strings{"big"});
  EXPECT_TRUE(c.also_off.empty());
  EXPECT_EQ(c.score, 5);
  EXPECT_EQ(c.band, "P4");
  EXPECT_EQ(c.searched_size, 1u);
  EXPECT_EQ(c.fired, 2u);
  EXPECT_FALSE(c.limited);
}

TEST(CounterfactualTest, NeedsTwoRulesWhenNoneAloneMovesTheBand) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +50 }
rule b { when text ~ /b/ urgency +50 }
rule c { when text ~ /c/ urgency +50 }
)");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"a b c"})";
  const Explanation e = MustExplain(&scanner, json);
  ASSERT_EQ(e.decision.band, "P1");  // 150, clamped to 100; without one rule still 100
  const Counterfactual c = FindCounterfactual(&scanner, json, e, CounterfactualLimits());
  ASSERT_TRUE(c.found);
  EXPECT_EQ(c.rules, (Strings{"a", "b"}));  // the first pair tried
  EXPECT_EQ(c.score, 50);
  EXPECT_EQ(c.band, "P2");
  EXPECT_EQ(c.searched_size, 2u);
}

TEST(CounterfactualTest, PrefersTheSetThatSwitchesOffFewestOtherRules) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +30 }
rule b { when a and text ~ /b/ urgency +30 }
)");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"a b"})";
  const Explanation e = MustExplain(&scanner, json);
  const Counterfactual c = FindCounterfactual(&scanner, json, e, CounterfactualLimits());
  ASSERT_TRUE(c.found);
  // Removing b alone moves 60 to 30 (P3), and switches nothing else off: the more specific set.
  EXPECT_EQ(c.rules, Strings{"b"});
  EXPECT_TRUE(c.also_off.empty());
  EXPECT_EQ(c.band, "P3");
}

TEST(CounterfactualTest, ReportsRulesThatFallWithTheSet) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +60 }
rule b { when a and text ~ /b/ urgency +1 }
)");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"a b"})";
  const Explanation e = MustExplain(&scanner, json);
  const Counterfactual c = FindCounterfactual(&scanner, json, e, CounterfactualLimits());
  ASSERT_TRUE(c.found);
  EXPECT_EQ(c.rules, Strings{"a"});
  EXPECT_EQ(c.also_off, Strings{"b"});
  EXPECT_EQ(c.score, 0);
}

TEST(CounterfactualTest, NotFoundWhenNoSetWithinTheLimitsMovesTheBand) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +5 }
rule b { when text ~ /b/ urgency +5 }
)");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"a b"})";
  const Explanation e = MustExplain(&scanner, json);
  const Counterfactual c = FindCounterfactual(&scanner, json, e, CounterfactualLimits());
  EXPECT_FALSE(c.found);
  EXPECT_EQ(c.searched_size, 2u);
  EXPECT_EQ(c.scans, 3u);  // {a}, {b}, {a, b}
}

TEST(CounterfactualTest, TheScanBudgetCutsTheSearchShort) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +5 }
rule b { when text ~ /b/ urgency +5 }
)");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"a b"})";
  const Explanation e = MustExplain(&scanner, json);
  CounterfactualLimits limits;
  limits.max_scans = 1;
  const Counterfactual c = FindCounterfactual(&scanner, json, e, limits);
  EXPECT_FALSE(c.found);
  EXPECT_TRUE(c.limited);
  EXPECT_EQ(c.scans, 1u);
}

TEST(CounterfactualTest, NothingFiredNothingToSearch) {
  RuleSet rules = MustCompile("rule a { when text ~ /a/ urgency +5 }");
  Scanner scanner(rules);
  const std::string json = R"({"summary":"z"})";
  const Explanation e = MustExplain(&scanner, json);
  const Counterfactual c = FindCounterfactual(&scanner, json, e, CounterfactualLimits());
  EXPECT_FALSE(c.found);
  EXPECT_EQ(c.fired, 0u);
  EXPECT_EQ(c.scans, 0u);
}

}  // namespace
}  // namespace triage::testing
