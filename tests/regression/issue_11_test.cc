// SPDX-License-Identifier: Apache-2.0
// Regressions of issue 11 (words, not characters), each found by the property test against the
// naive reference evaluator (tests/unit/scan/word_property_test.cc) and fixed in
// scan/word_state.cc.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

Strings FiredOn(const std::string& rules, const std::string& text) {
  Compiled c = CompileText(rules);
  EXPECT_TRUE(c.rules) << c.Rendered();
  if (!c.rules) return {};
  return Fired(Decide(*c.rules, R"({"body":")" + text + R"("})"));
}

// near() with three parts gave up a choice of the first two parts whose gap was too wide before
// trying the third part between them: "alpha" and "beta" are four words apart, but three of
// those words are the third part.
TEST(Issue11Test, NearCountsAPartBetweenTheOthersAsCovered) {
  const std::string rules = R"(
terms a = "alpha"
terms b = "beta"
terms c = "one two three"
rule near3 { when text ~ near(a, b, c, within 1) }
rule near3_reordered { when text ~ near(c, a, b, within 1) }
)";
  EXPECT_EQ(FiredOn(rules, "alpha one two three x beta"), (Strings{"near3", "near3_reordered"}));
  EXPECT_EQ(FiredOn(rules, "alpha one two three x y beta"), Strings{});
}

// The same words reached through different parts used to be one mention carrying the union of
// the parts' context marks, so affirmed() missed a choice of parts that is affirmed: here
// 3 + 4 + alpha is affirmed while 3 + 9 + alpha is negated, over the same words.
TEST(Issue11Test, AffirmedHoldsWhenSomeChoiceOfPartsOverTheSameWordsIsAffirmed) {
  const std::string rules = R"(
terms a = "alpha"
terms neg = "not"
context negated after 1 = neg
rule affirmed_near { when text ~ affirmed(near(number(1..20), number(1..20), a, within 2)) }
rule negated_near { when text ~ negated(near(number(1..20), number(1..20), a, within 2)) }
rule two { when count(text ~ near(number(1..20), number(1..20), a, within 2)) == 2 }
)";
  // Mentions: [3 .. alpha] twice (through 9, negated, and through 4, affirmed), [9 .. alpha].
  EXPECT_EQ(FiredOn(rules, "3 not 9 4 alpha"), (Strings{"affirmed_near", "negated_near", "two"}));
}

// A mention that shares some words with a trigger, without containing it, was left out of the
// trigger's scope.
TEST(Issue11Test, AMentionOverlappingATriggerIsInItsScopeUnlessItContainsIt) {
  const std::string rules = R"(
terms neg = "no one"
terms girls = "one of the girls"
terms nobody_hurt = "no one {0,1} hurt"
context negated after 4 = neg
rule negated_girls { when text ~ negated(girls) }
rule affirmed_girls { when text ~ affirmed(girls) }
rule affirmed_hurt { when text ~ affirmed(nobody_hurt) }
)";
  EXPECT_EQ(FiredOn(rules, "no one of the girls was hurt"), Strings{"negated_girls"});
  EXPECT_EQ(FiredOn(rules, "no one was hurt"), Strings{"affirmed_hurt"});
  EXPECT_EQ(FiredOn(rules, "one of the girls was hurt"), Strings{"affirmed_girls"});
}

}  // namespace
}  // namespace triage::testing
