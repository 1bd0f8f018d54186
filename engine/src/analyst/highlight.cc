// SPDX-License-Identifier: Apache-2.0
// Matched spans of an explanation and the ranges to mark (triage/highlight.h).

#include "triage/highlight.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "triage/explain.h"

namespace triage {

std::vector<RuleSpan> CollectRuleSpans(const Explanation& explanation) {
  std::vector<RuleSpan> spans;
  for (const RuleTrace& rule : explanation.rules) {
    if (!rule.fired) continue;
    const size_t first = spans.size();
    for (const MatchSpan& span : rule.spans) {
      for (const FieldText& field : explanation.texts) {
        if (field.field != span.field || span.value >= field.values.size()) continue;
        const std::string& value = field.values[span.value];
        if (span.begin > span.end || span.end > value.size()) continue;
        spans.push_back({rule.rule, span, value.substr(span.begin, span.end - span.begin)});
        break;
      }
    }
    // A rule's spans in text order (the library lists them by the part of the condition).
    std::stable_sort(spans.begin() + static_cast<std::ptrdiff_t>(first), spans.end(),
                     [](const RuleSpan& a, const RuleSpan& b) {
                       return std::tie(a.span.field, a.span.value, a.span.begin, a.span.end) <
                              std::tie(b.span.field, b.span.value, b.span.begin, b.span.end);
                     });
  }
  return spans;
}

std::vector<std::pair<uint32_t, uint32_t>> MarkedRanges(const std::vector<RuleSpan>& spans,
                                                        std::string_view field, uint32_t value) {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const RuleSpan& span : spans) {
    if (span.span.field == field && span.span.value == value && span.span.end > span.span.begin) {
      ranges.emplace_back(span.span.begin, span.span.end);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first < merged.back().second) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

}  // namespace triage
