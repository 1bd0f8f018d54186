// SPDX-License-Identifier: Apache-2.0
// Everything `triage explain` shows for one record (triage/explain_report.h).

#include "triage/explain_report.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "triage/counterfactual.h"
#include "triage/explain.h"
#include "triage/highlight.h"
#include "triage/ledger.h"
#include "triage/scanner.h"
#include "triage/why_not.h"

namespace triage {

ExplainReport BuildExplainReport(Scanner* scanner, std::string_view json, uint64_t line,
                                 const Explanation& explanation,
                                 const ExplainReportOptions& options) {
  const EngineConfig& config = scanner->rules().config();
  ExplainReport report;
  report.line = line;
  report.explanation = &explanation;
  report.ledger = BuildLedger(explanation, config);
  report.categories = BuildCategoryReport(explanation, config);
  report.spans = CollectRuleSpans(explanation);
  if (options.max_set > 0) {
    CounterfactualLimits limits;
    limits.max_size = options.max_set;
    report.counterfactual = FindCounterfactual(scanner, json, explanation, limits);
  }
  if (options.closest > 0) {
    report.closest_requested = options.closest;
    report.closest = FindClosest(explanation, options.closest);
  }
  for (const std::string& name : options.why_not) {
    if (const RuleTrace* rule = FindRule(explanation, name)) report.why_not.push_back(rule);
  }
  return report;
}

}  // namespace triage
