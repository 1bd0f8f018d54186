// SPDX-License-Identifier: Apache-2.0
// Matched spans and the ranges to mark, through the public API.
#include "triage/highlight.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

TEST(HighlightTest, CollectsSpansOfFiredRulesWithTheirText) {
  RuleSet rules = MustCompile(R"(
rule meet { when text ~ /meet/ or text ~ /up/ }
rule never { when text ~ /absent/ }
)");
  Scanner scanner(rules);
  const Explanation e = MustExplain(&scanner, R"({"summary":"up to meet"})");
  const std::vector<RuleSpan> spans = CollectRuleSpans(e);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].rule, "meet");
  EXPECT_EQ(spans[0].text, "up");  // text order, whatever the condition's order
  EXPECT_EQ(spans[1].text, "meet");
}

TEST(HighlightTest, MergesOverlappingRangesOnOneValue) {
  std::vector<RuleSpan> spans;
  const auto add = [&](const char* field, uint32_t value, uint32_t begin, uint32_t end) {
    RuleSpan span;
    span.span = MatchSpan{field, value, begin, end};
    spans.push_back(span);
  };
  add("text", 0, 5, 9);
  add("text", 0, 0, 3);
  add("text", 0, 7, 12);
  add("text", 0, 12, 14);  // touching, not overlapping: kept apart
  add("text", 0, 20, 20);  // empty: left out
  add("text", 1, 0, 4);    // another value
  add("url", 0, 0, 4);     // another field
  EXPECT_EQ(MarkedRanges(spans, "text", 0), (Ranges{{0, 3}, {5, 12}, {12, 14}}));
  EXPECT_EQ(MarkedRanges(spans, "text", 1), (Ranges{{0, 4}}));
  EXPECT_TRUE(MarkedRanges(spans, "other", 0).empty());
}

}  // namespace
}  // namespace triage::testing
