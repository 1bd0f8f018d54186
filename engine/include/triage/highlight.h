// SPDX-License-Identifier: Apache-2.0
// Highlight: which bytes of a record's text the fired rules matched, for marking them up in a
// text, HTML or JSON view of an explanation. Spans come from Explanation (MatchSpan: field,
// value index, byte range); this unit pairs them with the text they cover and merges the ranges
// to mark on one value.
//
// Every function here is a pure function of its arguments: safe to call from several threads at
// once on shared const inputs.
#ifndef TRIAGE_HIGHLIGHT_H_
#define TRIAGE_HIGHLIGHT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/explain.h"
#include "triage/export.h"

namespace triage {

// A span of one fired rule, with the text it covers.
struct RuleSpan {
  std::string rule;
  MatchSpan span;
  std::string text;
};

// Returns every span of every fired rule, in evaluation order and, within a rule, in text order.
// Spans outside their value are dropped.
TRIAGE_EXPORT std::vector<RuleSpan> CollectRuleSpans(const Explanation& explanation);

// Returns the byte ranges [begin, end) of value `value` of `field` to mark: the union of the
// spans on that value, merged where they overlap, in order. Empty spans are left out.
TRIAGE_EXPORT std::vector<std::pair<uint32_t, uint32_t>> MarkedRanges(
    const std::vector<RuleSpan>& spans, std::string_view field, uint32_t value);

}  // namespace triage

#endif  // TRIAGE_HIGHLIGHT_H_
