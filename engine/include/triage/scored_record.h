// SPDX-License-Identifier: Apache-2.0
// ScoredRecord: the few facts of a decision that corpus-wide analyses need — score, band
// position, assigned categories, fired rules and, when asked for, every category's total — so
// that a large corpus can be measured (triage/evaluation.h) or compared across rulesets
// (triage/compare.h) without holding its text or full decisions in memory.
//
// ScoreRecord uses the Scanner it is given, which is not thread-safe: give each thread its own.
#ifndef TRIAGE_SCORED_RECORD_H_
#define TRIAGE_SCORED_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/config.h"
#include "triage/decision.h"
#include "triage/export.h"
#include "triage/scanner.h"
#include "triage/status.h"

namespace triage {

// What the corpus analyses need of one decision.
struct ScoredRecord {
  uint64_t line = 0;              // 1-based physical line in the corpus (set by the caller)
  std::optional<std::string> id;  // the record's mapped `id`, when present
  int score = 0;
  size_t band = 0;                      // index into config().bands (0 = most urgent)
  std::vector<std::string> categories;  // assigned, highest score first (maybe the fallback)
  std::vector<CategoryScore> totals;    // every category a fired rule scored (with_totals only)
  // The record's values of the categories.fallback_by_field field (RuleTally::
  // fallback_field_values; with_totals only): with the band, what the fallback depends on.
  std::vector<std::string> fallback_field_values;
  std::vector<std::string> rules;       // fired rules, evaluation order
};

// Returns the summary of `decision` (moved from, left valid but unspecified) made under
// `config`. A band the config does not name (none does) gets config.bands.size().
TRIAGE_EXPORT ScoredRecord SummarizeDecision(const EngineConfig& config, Decision* decision);

// Triages `json` with `scanner` into *out (line left 0). With `with_totals`, also fills
// out->totals with every category's total and out->fallback_field_values (Scanner::tally()).
// Errors as Scanner::ScanJson;
// out->id is set whenever it could be read.
TRIAGE_EXPORT Status ScoreRecord(Scanner* scanner, std::string_view json, bool with_totals,
                                 ScoredRecord* out);

}  // namespace triage

#endif  // TRIAGE_SCORED_RECORD_H_
