// SPDX-License-Identifier: Apache-2.0
// RuleSet's public surface: the core header needs neither the compiled program nor the matching
// plan. Only the library makes a RuleSet from a program (internal::RuleSetAccess); the matcher's
// tuning comes through LoadOptions (triage/options.h) and its plan through DescribeMatchingPlan
// (triage/matching_plan.h).
#include "triage/rule_set.h"

#include <memory>
#include <type_traits>

#include <gtest/gtest.h>

#include "triage/matching_plan.h"
#include "triage/options.h"

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

// No public constructor takes the compiled program, which no public header defines.
static_assert(!std::is_constructible_v<RuleSet, std::shared_ptr<const internal::Program>>);
static_assert(!std::is_default_constructible_v<RuleSet>);
static_assert(std::is_copy_constructible_v<RuleSet>);

TEST(RuleSetTest, MatchingOptionsTuneThePlanWithoutChangingDecisions) {
  const std::string rules = "rule a { when text ~ /alpha/ }\nrule b { when text ~ /beta/ }\n";
  LoadOptions split;
  split.matching.max_set_entries = 1;  // one pattern a set
  Compiled one_set = CompileText(rules);
  Compiled two_sets = CompileText(rules, split);
  ASSERT_TRUE(one_set.rules && two_sets.rules);
  EXPECT_EQ(DescribeMatchingPlan(*one_set.rules).fields[0].sets.size(), 1u);
  EXPECT_EQ(DescribeMatchingPlan(*two_sets.rules).fields[0].sets.size(), 2u);
  EXPECT_EQ(one_set.rules->digest(), two_sets.rules->digest());  // tuning is not the ruleset
  const std::string record = R"({"summary":"alpha and beta"})";
  EXPECT_EQ(Fired(Decide(*one_set.rules, record)), Fired(Decide(*two_sets.rules, record)));
}

// The digest's canonical text: each "\r\n" becomes "\n" and every other byte stays, a lone
// '\r' included ("\r\r\n" keeps its first '\r'), whether the file has one line ending or many.
TEST(RuleSetTest, CanonicalSourcesDropTheCarriageReturnOfEachCrLfOnly) {
  Compiled mixed =
      CompileText("# a\r\r\n# b\r\n\r\nrule a { when text ~ /alpha/ }\r\n\r \r\n\r\n# d\r");
  ASSERT_TRUE(mixed.rules) << mixed.Rendered();
  ASSERT_EQ(mixed.rules->sources().size(), 2u);  // the config, then the rule file
  EXPECT_EQ(mixed.rules->sources()[1].text,
            "# a\r\n# b\n\nrule a { when text ~ /alpha/ }\n\r \n\n# d\r");
  Compiled crlf = CompileText("rule a { when text ~ /alpha/ }\r\n# b\r\n");
  Compiled lf = CompileText("rule a { when text ~ /alpha/ }\n# b\n");
  ASSERT_TRUE(crlf.rules && lf.rules) << crlf.Rendered() << lf.Rendered();
  EXPECT_EQ(crlf.rules->digest(), lf.rules->digest());
  EXPECT_EQ(lf.rules->sources()[1].text, "rule a { when text ~ /alpha/ }\n# b\n");
  Compiled lone_cr = CompileText("rule a { when text ~ /alpha/ }\r \n# b\r");
  ASSERT_TRUE(lone_cr.rules) << lone_cr.Rendered();
  EXPECT_EQ(lone_cr.rules->sources()[1].text, "rule a { when text ~ /alpha/ }\r \n# b\r");
  EXPECT_NE(lone_cr.rules->digest(), lf.rules->digest());
}

TEST(RuleSetTest, StrategyNamesAreStable) {
  EXPECT_STREQ(StrategyName(PatternPlan::Strategy::kSet), "set");
  EXPECT_STREQ(StrategyName(PatternPlan::Strategy::kSetConfirmed), "set+confirm");
  EXPECT_STREQ(StrategyName(PatternPlan::Strategy::kPrefiltered), "prefiltered");
  EXPECT_STREQ(StrategyName(PatternPlan::Strategy::kEveryValue), "every-value");
}

}  // namespace
}  // namespace triage::testing
