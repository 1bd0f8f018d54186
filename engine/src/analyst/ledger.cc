// SPDX-License-Identifier: Apache-2.0
// The urgency ledger and category report of an explanation (triage/ledger.h).

#include "triage/ledger.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/band_index.h"
#include "triage/config.h"
#include "triage/decision.h"
#include "triage/decision_policy.h"
#include "triage/explain.h"

namespace triage {

Ledger BuildLedger(const Explanation& explanation, const EngineConfig& config) {
  Ledger ledger;
  ledger.max = explanation.urgency_max;
  for (const RuleTrace& rule : explanation.rules) {
    if (!rule.fired) continue;
    ledger.sum += rule.urgency;
    ledger.entries.push_back({&rule, ledger.sum});
    if (rule.floor && (!ledger.floor || *rule.floor > *ledger.floor)) {
      ledger.floor = rule.floor;
      ledger.floor_rule = rule.rule;
    }
  }
  ledger.clamped = ClampUrgency(ledger.sum, ledger.max);
  ledger.score = explanation.decision.urgency;
  ledger.band = explanation.decision.band;
  if (const std::optional<size_t> i = FindBand(config.bands, ledger.band)) {
    ledger.band_min = config.bands[*i].min;
    ledger.band_label = config.bands[*i].label;
    if (*i > 0) ledger.next_band = config.bands[*i - 1];
  }
  return ledger;
}

CategoryReport BuildCategoryReport(const Explanation& explanation, const EngineConfig& config) {
  CategoryReport report;
  report.assign_min = explanation.assign_min;
  report.max_labels = config.max_labels;
  const std::vector<CategoryScore>& assigned = explanation.decision.categories;
  bool any_reached = false;
  for (const CategoryScore& total : explanation.category_totals) {
    CategoryLine line;
    line.name = total.name;
    line.score = total.score;
    const bool in_decision =
        std::any_of(assigned.begin(), assigned.end(),
                    [&](const CategoryScore& c) { return c.name == total.name; });
    if (total.score < report.assign_min) {
      line.status = CategoryLine::Status::kBelowMin;
    } else {
      any_reached = true;
      line.status =
          in_decision ? CategoryLine::Status::kAssigned : CategoryLine::Status::kOverMaxLabels;
    }
    for (const RuleTrace& rule : explanation.rules) {
      if (!rule.fired) continue;
      for (const CategoryScore& score : rule.categories) {
        if (score.name == total.name) line.contributions.emplace_back(rule.rule, score.score);
      }
    }
    report.lines.push_back(std::move(line));
  }
  std::stable_sort(report.lines.begin(), report.lines.end(),
                   [](const CategoryLine& a, const CategoryLine& b) {
                     return a.score != b.score ? a.score > b.score : a.name < b.name;
                   });
  if (!any_reached && !assigned.empty()) report.fallback = assigned.front().name;
  // Why that fallback: the record's field value when categories.fallback_by_field chose it (the
  // first of its values the setting lists, as the decision policy reads them).
  if (report.fallback) {
    for (const std::string& value : explanation.fallback_field_values) {
      const auto& listed = config.fallback_by_field.values;
      const auto entry =
          std::find_if(listed.begin(), listed.end(),
                       [&](const FieldValueFallback& e) { return e.value == value; });
      if (entry == listed.end()) continue;
      if (entry->category == *report.fallback) {
        report.fallback_field_value.emplace(config.fallback_by_field.field, value);
      }
      break;
    }
  }
  return report;
}

}  // namespace triage
