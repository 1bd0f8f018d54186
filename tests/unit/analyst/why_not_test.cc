// SPDX-License-Identifier: Apache-2.0
// Condition views, blocking parts and closest-to-firing rules through the public API.
#include "triage/why_not.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Kind = ConditionView::Kind;

TEST(WhyNotTest, ViewRecoversAndOrNotOperators) {
  RuleSet rules = MustCompile(R"(
rule r { when text ~ /a/ and (text ~ /b/ or not text ~ /c/) }
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a c"})");
  const RuleTrace* rule = FindRule(e, "r");
  ASSERT_NE(rule, nullptr);
  const ConditionView view = ViewCondition(rule->condition);
  EXPECT_EQ(view.kind, Kind::kAnd);
  ASSERT_EQ(view.children.size(), 2u);
  EXPECT_EQ(view.children[0].kind, Kind::kTest);
  EXPECT_EQ(view.children[1].kind, Kind::kOr);
  ASSERT_EQ(view.children[1].children.size(), 2u);
  EXPECT_EQ(view.children[1].children[1].kind, Kind::kNot);
}

TEST(WhyNotTest, TheTraceCarriesTheCompiledOperator) {
  // The words "and" and "or" in a comment between the parts, and `N of` (which has neither), do
  // not change what the compiled program says.
  RuleSet rules = MustCompile(R"(
rule r {
  when 2 of (text ~ /a/,   # and
             text ~ /b/, text ~ /c/)
       or not text ~ /d/   # and or
}
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a d"})");
  const ConditionTrace& root = FindRule(e, "r")->condition;
  EXPECT_EQ(root.op, ConditionOp::kOr);
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].op, ConditionOp::kAtLeast);
  EXPECT_EQ(root.children[0].at_least, 2);
  EXPECT_FALSE(root.children[0].holds);
  EXPECT_EQ(root.children[1].op, ConditionOp::kNot);
  EXPECT_EQ(root.children[1].children[0].op, ConditionOp::kTest);

  const ConditionView view = ViewCondition(root);
  EXPECT_EQ(view.kind, Kind::kOr);
  EXPECT_EQ(view.children[0].kind, Kind::kAtLeast);
  ASSERT_EQ(view.children[0].children.size(), 3u);
  // A failed `2 of` is blocked by its false parts, as a failed `and` is.
  const std::vector<BlockingPart> blocking = FindBlocking(view.children[0]);
  ASSERT_EQ(blocking.size(), 2u);
  EXPECT_EQ(blocking[0].trace->text, "text ~ /b/");
  EXPECT_EQ(blocking[1].trace->text, "text ~ /c/");
}

TEST(WhyNotTest, AnExpandedTestIsOneTest) {
  // `text ~ any(a, b)` compiles to an `or` of one match per name, and `text !~ any(...)` to a
  // `not` of it: each is still one test as written.
  RuleSet rules = MustCompile(R"(
list a = "alpha"
list b = "beta"
rule r { when text ~ any(a, b) and text !~ any(a, b) }
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"alpha"})");
  const ConditionTrace& root = FindRule(e, "r")->condition;
  ASSERT_EQ(root.op, ConditionOp::kAnd);
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].op, ConditionOp::kTest);
  EXPECT_EQ(root.children[1].op, ConditionOp::kTest);
  const ConditionView view = ViewCondition(root);
  ASSERT_EQ(view.children.size(), 2u);
  EXPECT_EQ(view.children[0].kind, Kind::kTest);
  EXPECT_TRUE(view.children[0].children.empty());
  EXPECT_EQ(view.children[1].kind, Kind::kTest);
  const std::vector<BlockingPart> blocking = FindBlocking(view);
  ASSERT_EQ(blocking.size(), 1u);
  EXPECT_EQ(blocking[0].trace->text, "text !~ any(a, b)");
}

TEST(WhyNotTest, BlockingPartsOfAFailedAndAreItsFalseTests) {
  RuleSet rules = MustCompile("rule r { when text ~ /a/ and text ~ /b/ and text ~ /c/ }");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a"})");
  const ConditionView view = ViewCondition(FindRule(e, "r")->condition);
  const std::vector<BlockingPart> blocking = FindBlocking(view);
  ASSERT_EQ(blocking.size(), 2u);
  EXPECT_EQ(blocking[0].trace->text, "text ~ /b/");
  EXPECT_EQ(blocking[1].trace->text, "text ~ /c/");
  EXPECT_TRUE(blocking[0].needed);
  size_t holding = 0;
  size_t total = 0;
  CountTests(view, &holding, &total);
  EXPECT_EQ(holding, 1u);
  EXPECT_EQ(total, 3u);
}

TEST(WhyNotTest, UnderNotTheNeededValueFlips) {
  RuleSet rules = MustCompile("rule r { when text ~ /a/ and not text ~ /b/ }");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a b"})");
  const std::vector<BlockingPart> blocking =
      FindBlocking(ViewCondition(FindRule(e, "r")->condition));
  ASSERT_EQ(blocking.size(), 1u);
  EXPECT_EQ(blocking[0].trace->text, "text ~ /b/");
  EXPECT_FALSE(blocking[0].needed);
  EXPECT_TRUE(blocking[0].trace->holds);
}

TEST(WhyNotTest, AFiredRuleHasNoBlockingParts) {
  RuleSet rules = MustCompile("rule r { when text ~ /a/ or text ~ /b/ }");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"b"})");
  EXPECT_TRUE(FindBlocking(ViewCondition(FindRule(e, "r")->condition)).empty());
}

TEST(WhyNotTest, ClosestRanksByTestsHoldingThenBlockingParts) {
  RuleSet rules = MustCompile(R"(
rule fired { when text ~ /a/ }
rule one_of_three { when text ~ /a/ and text ~ /x/ and text ~ /y/ }
rule two_of_three { when text ~ /a/ and text ~ /b/ and text ~ /z/ }
rule none { when text ~ /q/ }
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a b"})");
  const std::vector<NearMiss> closest = FindClosest(e, 5);
  ASSERT_EQ(closest.size(), 2u);  // `fired` fired, `none` has no test holding
  EXPECT_EQ(closest[0].rule->rule, "two_of_three");
  EXPECT_EQ(closest[0].holding, 2u);
  EXPECT_EQ(closest[0].total, 3u);
  ASSERT_EQ(closest[0].blocking.size(), 1u);
  EXPECT_EQ(closest[1].rule->rule, "one_of_three");
  EXPECT_EQ(FindClosest(e, 1).size(), 1u);
  EXPECT_TRUE(FindClosest(e, 0).empty());
}

TEST(WhyNotTest, FindRuleReturnsNullForAnUnknownName) {
  RuleSet rules = MustCompile("rule r { when text ~ /a/ }");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"a"})");
  EXPECT_EQ(FindRule(e, "missing"), nullptr);
  EXPECT_NE(FindRule(e, "r"), nullptr);
}

TEST(WhyNotTest, SimilarNamesPrefersContainmentThenDistance) {
  const std::vector<std::string> names = {"imminent_danger", "danger", "minor_age", "unrelated"};
  EXPECT_EQ(SimilarNames("danger", names), (std::vector<std::string>{"imminent_danger", "danger"}));
  EXPECT_EQ(SimilarNames("minr_age", names), std::vector<std::string>{"minor_age"});
  EXPECT_TRUE(SimilarNames("zzzzzzzz", names).empty());
}

}  // namespace
}  // namespace triage::testing
