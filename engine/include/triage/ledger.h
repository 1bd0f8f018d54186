// SPDX-License-Identifier: Apache-2.0
// Ledger: how one decision's urgency and categories were reached, read off an Explanation as
// plain data — the fired rules in evaluation order with a running total, the sum before
// clamping, the clamp to [0, urgency.max], the floor and the band reached; and every category
// some fired rule scored, against categories.assign_min and max_labels. `triage explain` prints
// it; an analyst page can show it the same way.
//
// Every function here is a pure function of its arguments: safe to call from several threads at
// once on shared const inputs. Results point into the Explanation, which must outlive them.
#ifndef TRIAGE_LEDGER_H_
#define TRIAGE_LEDGER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/explain.h"
#include "triage/export.h"

namespace triage {

// One fired rule in the score ledger.
struct LedgerEntry {
  const RuleTrace* rule = nullptr;
  int64_t running = 0;  // the sum of urgency up to and including this rule
};

struct Ledger {
  std::vector<LedgerEntry> entries;
  int64_t sum = 0;      // before clamping
  int max = 100;        // urgency.max
  int64_t clamped = 0;  // clamp(sum, 0, max)
  std::optional<int> floor;
  std::string floor_rule;  // the first fired rule with the highest floor
  int score = 0;           // the decision's
  std::string band;
  int band_min = 0;
  std::string band_label;
  std::optional<UrgencyBand> next_band;  // the next band up, if any
};

// Returns the urgency ledger of `explanation`, whose ruleset was configured by `config`.
TRIAGE_EXPORT Ledger BuildLedger(const Explanation& explanation, const EngineConfig& config);

// A category some fired rule scored.
struct CategoryLine {
  enum class Status { kAssigned, kBelowMin, kOverMaxLabels };
  std::string name;
  int score = 0;
  Status status = Status::kBelowMin;
  std::vector<std::pair<std::string, int>> contributions;  // (rule, score), evaluation order
};

struct CategoryReport {
  int assign_min = 0;
  int max_labels = 0;
  std::vector<CategoryLine> lines;  // highest score first, ties by name
  // Set when no category reached assign_min and the decision fell back.
  std::optional<std::string> fallback;
  // Set when that fallback came from categories.fallback_by_field: the field, and the record's
  // value of it that chose the fallback.
  std::optional<std::pair<std::string, std::string>> fallback_field_value;
};

// Returns every category total of `explanation` with its status and contributions.
TRIAGE_EXPORT CategoryReport BuildCategoryReport(const Explanation& explanation,
                                                 const EngineConfig& config);

}  // namespace triage

#endif  // TRIAGE_LEDGER_H_
