// SPDX-License-Identifier: Apache-2.0
// The smallest set of fired rules whose removal moves a record to another band
// (triage/counterfactual.h).

#include "triage/counterfactual.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/decision.h"
#include "triage/explain.h"
#include "triage/scanner.h"
#include "triage/status.h"

namespace triage {

Counterfactual FindCounterfactual(Scanner* scanner, std::string_view json,
                                  const Explanation& explanation,
                                  const CounterfactualLimits& limits) {
  Counterfactual result;
  std::vector<const RuleTrace*> fired;
  for (const RuleTrace& rule : explanation.rules) {
    if (rule.fired) fired.push_back(&rule);
  }
  result.fired = fired.size();
  if (fired.empty() || limits.max_size == 0) return result;

  const std::string& band = explanation.decision.band;
  const int score = explanation.decision.urgency;
  Decision decision;
  // Scans without the rules `set` (indexes into `fired`) into `decision`; false when the budget
  // is spent (or the scan failed, which it cannot for a record that was explained).
  const auto scan = [&](const std::vector<size_t>& set) {
    if (result.scans >= limits.max_scans) {
      result.limited = true;
      return false;
    }
    ScanOptions options;
    for (size_t i : set) options.disabled_rules.push_back(fired[i]->rule);
    ++result.scans;
    return scanner->ScanJson(json, options, &decision).ok();
  };
  const auto fires = [](const Decision& d, const std::string& rule) {
    return std::any_of(d.rules.begin(), d.rules.end(),
                       [&](const RuleHit& hit) { return hit.rule == rule; });
  };
  // Keeps `set` (just scanned) if it is the best so far: the fewest other rules switched off
  // with it (the most specific change), the first one tried on ties.
  size_t best_off = 0;
  const auto consider = [&](const std::vector<size_t>& set) {
    std::vector<size_t> sorted = set;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string> also_off;
    for (size_t i = 0; i < fired.size(); ++i) {
      if (!std::binary_search(sorted.begin(), sorted.end(), i) &&
          !fires(decision, fired[i]->rule)) {
        also_off.push_back(fired[i]->rule);
      }
    }
    if (result.found && also_off.size() >= best_off) return;
    result.found = true;
    best_off = also_off.size();
    result.rules.clear();
    for (size_t i : sorted) result.rules.push_back(fired[i]->rule);
    result.also_off = std::move(also_off);
    result.score = decision.urgency;
    result.band = decision.band;
    result.categories = decision.categories;
  };

  // Sets of one: every fired rule, which also measures each rule's influence and which other
  // rules depend on it (they stop firing with it).
  std::vector<int> impact(fired.size(), 0);
  std::vector<std::vector<char>> switches_off(fired.size(), std::vector<char>(fired.size(), 0));
  for (size_t i = 0; i < fired.size(); ++i) {
    if (!scan({i})) return result;
    if (decision.band != band) consider({i});
    impact[i] = std::abs(decision.urgency - score);
    for (size_t j = 0; j < fired.size(); ++j) {
      if (j != i && !fires(decision, fired[j]->rule)) switches_off[i][j] = 1;
    }
  }
  result.searched_size = 1;
  if (result.found) return result;

  // Larger sets among the most influential rules (ties: evaluation order).
  std::vector<size_t> candidates(fired.size());
  for (size_t i = 0; i < fired.size(); ++i) candidates[i] = i;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](size_t a, size_t b) { return impact[a] > impact[b]; });
  if (candidates.size() > limits.max_candidates) {
    candidates.resize(limits.max_candidates);
    result.limited = true;
  }
  result.candidates = candidates.size();
  for (size_t size = 2; size <= limits.max_size && size <= candidates.size(); ++size) {
    // Combinations of `size` positions in `candidates`, in lexicographic order.
    std::vector<size_t> pick(size);
    for (size_t k = 0; k < size; ++k) pick[k] = k;
    while (true) {
      std::vector<size_t> set(size);
      for (size_t k = 0; k < size; ++k) set[k] = candidates[pick[k]];
      // A set holding a rule and one that depends on it equals a smaller set, already tried.
      bool redundant = false;
      for (size_t a : set) {
        for (size_t b : set) redundant = redundant || (a != b && switches_off[a][b] != 0);
      }
      if (!redundant) {
        if (!scan(set)) return result;
        if (decision.band != band) consider(set);
      }
      // Next combination.
      size_t k = size;
      while (k > 0 && pick[k - 1] == candidates.size() - size + k - 1) --k;
      if (k == 0) break;
      ++pick[k - 1];
      for (size_t m = k; m < size; ++m) pick[m] = pick[m - 1] + 1;
    }
    result.searched_size = size;
    if (result.found) return result;
  }
  return result;
}

}  // namespace triage
