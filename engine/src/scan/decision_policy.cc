// SPDX-License-Identifier: Apache-2.0
// The decision policy (triage/decision_policy.h).

#include "triage/decision_policy.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

int ClampUrgency(int64_t urgency_sum, int urgency_max) {
  return static_cast<int>(std::clamp<int64_t>(urgency_sum, 0, urgency_max));
}

int DecideUrgency(const RuleTally& tally, int urgency_max) {
  int score = ClampUrgency(tally.urgency_sum, urgency_max);
  if (tally.floor && *tally.floor >= 0) score = std::max(score, *tally.floor);
  return score;
}

const UrgencyBand* DecideBand(int urgency, const std::vector<UrgencyBand>& bands) {
  for (const UrgencyBand& band : bands) {
    if (urgency >= band.min) return &band;
  }
  return nullptr;
}

std::vector<CategoryScore> AssignCategories(const std::vector<CategoryScore>& totals,
                                            int assign_min, int max_labels) {
  std::vector<CategoryScore> assigned;
  for (const CategoryScore& total : totals) {
    if (total.score >= assign_min) assigned.push_back(total);
  }
  std::sort(assigned.begin(), assigned.end(), [](const CategoryScore& a, const CategoryScore& b) {
    return a.score != b.score ? a.score > b.score : a.name < b.name;
  });
  const auto most = static_cast<size_t>(std::max(max_labels, 0));
  if (assigned.size() > most) assigned.resize(most);
  return assigned;
}

const std::string& FallbackCategory(const EngineConfig& config, std::string_view band,
                                    const std::vector<std::string>& field_values) {
  // The field's value first: what a record is (a platform's machine report) says more about
  // what an empty decision means than how urgent it came out.
  for (const std::string& value : field_values) {
    for (const FieldValueFallback& entry : config.fallback_by_field.values) {
      if (entry.value == value) return entry.category;
    }
  }
  for (const BandFallback& entry : config.fallback_by_band) {
    if (entry.band == band) return entry.category;
  }
  return config.fallback;
}

std::vector<CategoryScore> DecideCategories(const std::vector<CategoryScore>& totals,
                                            int assign_min, int max_labels,
                                            const std::string* fallback) {
  std::vector<CategoryScore> categories = AssignCategories(totals, assign_min, max_labels);
  if (categories.empty() && fallback != nullptr) {
    int score = 0;
    for (const CategoryScore& total : totals) {
      if (total.name == *fallback) score = total.score;
    }
    categories.push_back({*fallback, score});
  }
  return categories;
}

void ApplyDecisionPolicy(const RuleTally& tally, const EngineConfig& config, bool fallback_declared,
                         Decision* decision) {
  decision->urgency = DecideUrgency(tally, config.urgency_max);
  const UrgencyBand* band = DecideBand(decision->urgency, config.bands);
  decision->band = band != nullptr ? band->name : std::string();
  // The fallback depends on the band (decided after it) and the record's field value.
  decision->categories = DecideCategories(
      tally.totals, config.assign_min, config.max_labels,
      fallback_declared ? &FallbackCategory(config, decision->band, tally.fallback_field_values)
                        : nullptr);
}

}  // namespace triage
