// SPDX-License-Identifier: Apache-2.0
// ExplainReport: everything `triage explain` shows for one record, as data — the urgency ledger
// and category report (triage/ledger.h), the matched spans (triage/highlight.h), the
// counterfactual (triage/counterfactual.h), the rules closest to firing and the why-not trees
// of chosen rules (triage/why_not.h) — and its JSON form, which the CLI writes with --format json
// and an analyst page can serve as is. Text and other views are the caller's (cli/).
//
// BuildExplainReport uses the Scanner it is given (not thread-safe: one per thread);
// ExplainReportToJson is a pure function.
#ifndef TRIAGE_EXPLAIN_REPORT_H_
#define TRIAGE_EXPLAIN_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/counterfactual.h"
#include "triage/explain.h"
#include "triage/export.h"
#include "triage/highlight.h"
#include "triage/ledger.h"
#include "triage/scanner.h"
#include "triage/why_not.h"

namespace triage {

// What to compute beyond the ledger, categories and spans.
struct ExplainReportOptions {
  size_t closest = 3;                // rules closest to firing to list (0: none, and no section)
  size_t max_set = 3;                // largest counterfactual set (0: no counterfactual)
  std::vector<std::string> why_not;  // rules whose condition tree to show (unknown names skipped)
};

// Everything shown for one record. Pointers point into `*explanation`, which must outlive it.
struct ExplainReport {
  uint64_t line = 0;
  const Explanation* explanation = nullptr;
  Ledger ledger;
  CategoryReport categories;
  std::vector<RuleSpan> spans;
  std::optional<Counterfactual> counterfactual;  // absent when not searched
  std::optional<size_t> closest_requested;       // absent when not asked for
  std::vector<NearMiss> closest;
  std::vector<const RuleTrace*> why_not;  // the options' why_not rules, in that order
};

// Returns the report of `explanation`, which `scanner` made of `json` (physical line `line`);
// the counterfactual search rescans `json` with `scanner`.
TRIAGE_EXPORT ExplainReport BuildExplainReport(Scanner* scanner, std::string_view json,
                                               uint64_t line, const Explanation& explanation,
                                               const ExplainReportOptions& options);

// Returns `report` as one compact JSON object (no trailing newline): line, id, the `triage`
// decision object, ledger, categories, texts, spans and, when computed, counterfactual, closest
// and why_not (docs/explain.md).
TRIAGE_EXPORT std::string ExplainReportToJson(const ExplainReport& report);

}  // namespace triage

#endif  // TRIAGE_EXPLAIN_REPORT_H_
