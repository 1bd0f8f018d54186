// SPDX-License-Identifier: Apache-2.0
// A compile-time estimate of what a regex costs inside a multi-pattern DFA.
//
// RE2's DFA builds its states lazily, one per distinct set of NFA threads alive at a position.
// Literals, phrase alternations and unbounded repeats keep that set small. A counted repetition
// of a non-literal element (`.{0,40}`, `\w{1,30}`, `(?:\w+\s+){0,5}`) does not: every position
// inside the window can start its own thread, so the number of states grows with the window
// (exponentially in the worst case), and in a set with many patterns the states of all of them
// multiply. One such pattern is enough to make a whole RE2::Set thrash its DFA cache, which is
// why such patterns are taken out of the sets (see matcher_plan.h). A very large program
// (thousands of instructions, e.g. large Unicode classes under case folding) is treated the same.
//
// The estimate reads the pattern's source with a small scanner of RE2 syntax (classes, escapes,
// groups, quantifiers); it needs no access to RE2 internals and never fails: an unusual construct
// is counted as a non-literal element, which can only make the estimate more cautious.
#ifndef TRIAGE_COMPILE_PATTERN_COST_H_
#define TRIAGE_COMPILE_PATTERN_COST_H_

#include <string>
#include <string_view>

#include "triage/options.h"

namespace triage::internal {

struct PatternCost {
  int program_size = 0;  // RE2 instructions of the pattern compiled on its own
  int repeat_span = 0;   // the widest counted repetition of a non-literal: {n,m} -> m, {n,} -> n
  bool unbounded_gap = false;  // `.*`, `[^>]+` or the like after the pattern's first element
  bool hard = false;     // keep it out of the sets
  std::string reason;    // why it is hard ("" when it is not)
};

// Estimates the cost of `source` (an RE2 pattern), given its compiled program size, against the
// thresholds of `options` (their defaults when zero).
PatternCost EstimatePatternCost(std::string_view source, int program_size,
                                const MatchingOptions& options);

// True when every match of `source` (an RE2 pattern, as the atom table writes it: flags, a
// group) starts with a literal of at least three characters, or with one of an alternation of
// such literals, after optional flags, groups and `\b` or `^`. In a multi-pattern DFA such a
// pattern keeps no thread alive outside its own lead words, so any number of them share a set
// without multiplying its states, as word-anchored phrase lists do (matcher_plan.h). A construct
// the small scanner does not know answers false, the cautious answer.
bool LedByLiteral(std::string_view source);

// The thresholds actually used (defaults filled in).
int HardRepeatThreshold(const MatchingOptions& options);
int HardProgramThreshold(const MatchingOptions& options);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_PATTERN_COST_H_
