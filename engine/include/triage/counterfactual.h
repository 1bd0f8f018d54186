// SPDX-License-Identifier: Apache-2.0
// Counterfactual: the smallest change to a ruleset that would move a record to another urgency
// band — "without these rules, this record would have been P3". The search rescans the record
// with ScanOptions::disabled_rules: every fired rule alone, then sets of 2, 3 ... drawn from the
// rules whose removal alone changes the score most, under a budget of scans. It is the analysis
// behind `triage explain`'s "smallest change" section.
//
// Thread safety: FindCounterfactual uses the Scanner it is given, which is not thread-safe; give
// each thread its own Scanner. Otherwise it holds no state.
#ifndef TRIAGE_COUNTERFACTUAL_H_
#define TRIAGE_COUNTERFACTUAL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "triage/decision.h"
#include "triage/explain.h"
#include "triage/export.h"
#include "triage/scanner.h"

namespace triage {

// Limits of the counterfactual search.
struct CounterfactualLimits {
  size_t max_size = 3;         // the largest set tried
  size_t max_candidates = 20;  // rules combined in sets of 2 and more (the most influential)
  size_t max_scans = 2000;
};

// The result of a search. When `found` is false, no set up to `searched_size` moves the band.
struct Counterfactual {
  bool found = false;
  std::vector<std::string> rules;     // the set, evaluation order
  std::vector<std::string> also_off;  // fired rules that stop firing because they refer to it
  int score = 0;                      // the decision without the set
  std::string band;
  std::vector<CategoryScore> categories;
  size_t searched_size = 0;  // every set up to this size was tried (or skipped as equivalent)
  size_t fired = 0;          // rules that fired
  size_t candidates = 0;     // rules combined in sets of 2 and more
  size_t scans = 0;
  bool limited = false;  // the candidate cap or the scan budget cut the search short
};

// Searches for the smallest set of fired rules of `explanation` whose removal moves `json` to
// another band, rescanning it with `scanner` (REQUIRES: the scanner, and so the ruleset, that
// explained it): every fired rule alone, then sets of 2, 3 ... up to limits.max_size drawn from
// the limits.max_candidates rules whose removal alone changes the score most, skipping sets that
// hold a rule together with one that depends on it (equal to a smaller set). Among the sets of
// the smallest size that work, returns the one that switches off the fewest other rules (the
// most specific change), the first tried on ties. Never fails: a rescan error (there is none for
// a record that was explained) ends the search.
TRIAGE_EXPORT Counterfactual FindCounterfactual(Scanner* scanner, std::string_view json,
                                                const Explanation& explanation,
                                                const CounterfactualLimits& limits);

}  // namespace triage

#endif  // TRIAGE_COUNTERFACTUAL_H_
