// SPDX-License-Identifier: Apache-2.0
// A decision reduced to what corpus analyses need (triage/scored_record.h).

#include "triage/scored_record.h"

#include <string_view>
#include <utility>

#include "triage/band_index.h"
#include "triage/config.h"
#include "triage/decision.h"
#include "triage/scanner.h"
#include "triage/status.h"

namespace triage {

ScoredRecord SummarizeDecision(const EngineConfig& config, Decision* decision) {
  ScoredRecord out;
  out.id = std::move(decision->id);
  out.score = decision->urgency;
  out.band = FindBand(config.bands, decision->band).value_or(config.bands.size());
  for (CategoryScore& category : decision->categories) {
    out.categories.push_back(std::move(category.name));
  }
  for (RuleHit& hit : decision->rules) out.rules.push_back(std::move(hit.rule));
  return out;
}

Status ScoreRecord(Scanner* scanner, std::string_view json, bool with_totals, ScoredRecord* out) {
  Decision decision;
  const Status status = scanner->ScanJson(json, &decision);
  *out = SummarizeDecision(scanner->rules().config(), &decision);
  if (with_totals && status.ok()) {
    out->totals = scanner->tally().totals;
    out->fallback_field_values = scanner->tally().fallback_field_values;
  }
  return status;
}

}  // namespace triage
