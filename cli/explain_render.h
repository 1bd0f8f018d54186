// SPDX-License-Identifier: Apache-2.0
// The two views of `triage explain`: a readable text account of one record's decision (ledger,
// categories, the record's text with the matched spans marked, counterfactual, closest rules,
// why-not trees) and the same information as one compact JSON object (rapidjson's Writer).
//
// Record text on a terminal. The text view prints the record's text fields, which come from the
// public: every control character (C0, DEL, C1) and every bidirectional override is printed as an
// escape (\n, \t, \u001b, \u202e ...), so a record can neither move the cursor, recolour the
// terminal nor reorder what the analyst reads. Matched spans are shown in colour (bold yellow,
// underlined) when colour is on, else between the markers "[[" and "]]".
#ifndef TRIAGE_CLI_EXPLAIN_RENDER_H_
#define TRIAGE_CLI_EXPLAIN_RENDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/config.h"
#include "triage/explain.h"
#include "triage/status.h"

#include "explain_analysis.h"

namespace triage::cli {

// Everything printed for one record. Pointers point into `explanation`.
struct RecordReport {
  uint64_t line = 0;
  const Explanation* explanation = nullptr;
  Ledger ledger;
  CategoryReport categories;
  std::vector<RuleSpan> spans;
  std::optional<Counterfactual> counterfactual;  // absent when not searched
  std::optional<size_t> closest_requested;       // absent when not asked for
  std::vector<NearMiss> closest;
  std::vector<const RuleTrace*> why_not;  // the --why-not rules, in the order given
};

// The markers around a matched span in the text view without colour.
inline constexpr std::string_view kMarkOpen = "[[";
inline constexpr std::string_view kMarkClose = "]]";

// Returns `text` with control characters and bidirectional overrides escaped (see above).
std::string EscapeForTerminal(std::string_view text);

// Returns `value` escaped, with `ranges` (sorted, disjoint byte ranges) marked.
std::string MarkRanges(std::string_view value,
                       const std::vector<std::pair<uint32_t, uint32_t>>& ranges, bool color);

// Returns the text view of `report` (ending with '\n').
std::string RenderText(const RecordReport& report, bool color);

// Returns the JSON view of `report`: one object, no trailing newline.
std::string RenderJson(const RecordReport& report);

// Returns the text view of a record that could not be explained (ending with '\n'). `error`'s
// message never quotes the record (the library's promise for InvalidRecord errors).
std::string RenderTextError(uint64_t line, const std::optional<std::string>& id,
                            const Status& error, bool color);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EXPLAIN_RENDER_H_
