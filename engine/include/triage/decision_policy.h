// SPDX-License-Identifier: Apache-2.0
// The decision policy: the one place where what the fired rules contributed becomes a decision's
// urgency, band and categories (DESIGN.md, "Scoring"; docs/rules.md). Scanner::Scan, ScanJson and
// Explain, the ledger of an explanation and eval's threshold sweeps all go through these
// functions, so that no analysis re-derives a decision its own way.
//
//   urgency    = clamp(sum of the fired rules' urgency, 0, urgency.max), raised to the highest
//                floor of a fired rule
//   band       = the first band (most urgent first) whose min the urgency reaches
//   categories = the categories whose total reaches categories.assign_min, highest total first
//                (ties by name), at most categories.max_labels; none: the fallback (when the
//                ruleset declares it), with its total or 0. The fallback is, in order: the
//                category categories.fallback_by_field gives the record's field value (the
//                first of its values that is listed), the decided band's entry of
//                categories.fallback_by_band, categories.fallback
//
// Pure functions: safe to call from several threads at once.
#ifndef TRIAGE_DECISION_POLICY_H_
#define TRIAGE_DECISION_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/config.h"
#include "triage/decision.h"
#include "triage/export.h"

namespace triage {

// What the fired rules of one scan contributed, before the policy: the ledger's totals.
struct RuleTally {
  int64_t urgency_sum = 0;            // the fired rules' urgency (private rules contribute none)
  std::optional<int> floor;           // the highest floor of a fired rule
  std::vector<CategoryScore> totals;  // every category a fired rule scored, declaration order
  // Not a rule's contribution but the record's: the text values of the field
  // categories.fallback_by_field names, in the record's order (empty without the setting, or
  // when the record has no text value there). The fallback depends on them.
  std::vector<std::string> fallback_field_values;
};

// The sum clamped to [0, urgency_max] (before any floor).
TRIAGE_EXPORT int ClampUrgency(int64_t urgency_sum, int urgency_max);

// The decision's urgency: the clamped sum raised to the floor.
TRIAGE_EXPORT int DecideUrgency(const RuleTally& tally, int urgency_max);

// The first of `bands` (most urgent first) whose min `urgency` reaches; null if none does.
TRIAGE_EXPORT const UrgencyBand* DecideBand(int urgency, const std::vector<UrgencyBand>& bands);

// The categories of `totals` that reach `assign_min`, highest first (ties by name), at most
// `max_labels`; no fallback.
TRIAGE_EXPORT std::vector<CategoryScore> AssignCategories(const std::vector<CategoryScore>& totals,
                                                          int assign_min, int max_labels);

// The fallback category of a record decided in band `band` (a band name, or "" for none) whose
// categories.fallback_by_field field holds `field_values` (RuleTally::fallback_field_values):
// config.fallback_by_field's category for the first of `field_values` it lists (compared
// exactly), else config.fallback_by_band's category for the band when it lists the band, else
// config.fallback. The reference stays valid as long as `config`.
TRIAGE_EXPORT const std::string& FallbackCategory(const EngineConfig& config, std::string_view band,
                                                  const std::vector<std::string>& field_values);

// A decision's categories: AssignCategories(totals, assign_min, max_labels), or when that is
// empty, `fallback` (unless null) with its total in `totals`, or 0.
TRIAGE_EXPORT std::vector<CategoryScore> DecideCategories(const std::vector<CategoryScore>& totals,
                                                          int assign_min, int max_labels,
                                                          const std::string* fallback);

// Sets decision->urgency, band and categories from `tally` under `config`; the fallback is
// FallbackCategory(config, decided band, tally.fallback_field_values). `fallback_declared`: the
// ruleset declares the config's fallback categories (a compiled ruleset always does; else no
// fallback is given).
TRIAGE_EXPORT void ApplyDecisionPolicy(const RuleTally& tally, const EngineConfig& config,
                                       bool fallback_declared, Decision* decision);

}  // namespace triage

#endif  // TRIAGE_DECISION_POLICY_H_
