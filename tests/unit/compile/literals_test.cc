// SPDX-License-Identifier: Apache-2.0
// Scores and comparison operators as the compiler reads them (compile/literals.h).
#include "compile/literals.h"

#include <gtest/gtest.h>

#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

ast::NumberLit Number(const std::string& text) {
  ast::NumberLit lit;
  lit.text = text;
  return lit;
}

TEST(LiteralsTest, AdditiveScoresNeedASignAndFloorsTakeNone) {
  PassFixture f;
  int out = 0;
  EXPECT_TRUE(ParseScore(Number("+15"), {}, true, -100, 100, "urgency score", &out, &f.reporter));
  EXPECT_EQ(out, 15);
  EXPECT_TRUE(ParseScore(Number("-5"), {}, true, -100, 100, "urgency score", &out, &f.reporter));
  EXPECT_EQ(out, -5);
  EXPECT_FALSE(ParseScore(Number("15"), {}, true, -100, 100, "urgency score", &out, &f.reporter));
  EXPECT_FALSE(ParseScore(Number("+90"), {}, false, 0, 100, "urgency floor", &out, &f.reporter));
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"bad-score", "bad-score"}));
}

TEST(LiteralsTest, WholeNumbersInRangeOnly) {
  PassFixture f;
  int out = 0;
  EXPECT_FALSE(ParseScore(Number("2.5"), {}, false, 0, 10, "count", &out, &f.reporter));
  EXPECT_FALSE(ParseScore(Number("11"), {}, false, 0, 10, "count", &out, &f.reporter));
  EXPECT_FALSE(
      ParseScore(Number("99999999999999999999"), {}, false, 0, 10, "count", &out, &f.reporter));
  EXPECT_TRUE(ParseScore(Number("10"), {}, false, 0, 10, "count", &out, &f.reporter));
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"bad-score", "score-range", "score-range"}));
}

TEST(LiteralsTest, ComparisonOperators) {
  Cmp cmp = Cmp::kEq;
  EXPECT_TRUE(ParseCmp("<=", &cmp));
  EXPECT_EQ(cmp, Cmp::kLe);
  EXPECT_TRUE(ParseCmp("!=", &cmp));
  EXPECT_EQ(cmp, Cmp::kNe);
  EXPECT_FALSE(ParseCmp("=<", &cmp));
  EXPECT_FALSE(ParseCmp("~", &cmp));
}

}  // namespace
}  // namespace triage::internal::testing
