// SPDX-License-Identifier: Apache-2.0
// Why a rule did not fire: a rule's condition tree (Explanation's ConditionTrace) read with its
// operators, the parts that kept it from firing, and the rules that came closest to firing. This
// is the analysis behind `triage explain --why-not` and `--closest`, and what an analyst page
// shows next to a decision.
//
// Operators. ConditionTrace carries each part's operator as compiled (ConditionOp); a test the
// compiler expanded into several nodes (`text ~ any(a, b)`, `text !~ near(...)`) is one test.
//
// "Blocking" parts. A part blocks its rule when its value is not the one the rule needs: a test
// that is false where the rule needs it true, or true under an odd number of `not`s. For a failed
// `and` or `N of`, the blocking parts are those of its false children; for a failed `or`, those of
// every child (any one would do); under `not` the needed value flips. A test "holds as needed" when its
// value is the needed one; closest-to-firing ranks rules by how many of their tests do.
//
// Every function here is a pure function of its arguments: safe to call from several threads at
// once on shared const inputs.
#ifndef TRIAGE_WHY_NOT_H_
#define TRIAGE_WHY_NOT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "triage/explain.h"
#include "triage/export.h"

namespace triage {

// A condition part with its operator (see above). Points into a ConditionTrace, which must
// outlive it; for kAtLeast, trace->at_least is N.
struct ConditionView {
  enum class Kind { kTest, kAnd, kOr, kNot, kAtLeast };
  Kind kind = Kind::kTest;
  const ConditionTrace* trace = nullptr;
  std::vector<ConditionView> children;
};

// Returns the view of `trace`. The view points into `trace`.
TRIAGE_EXPORT ConditionView ViewCondition(const ConditionTrace& trace);

// A test whose value kept its rule from firing.
struct BlockingPart {
  const ConditionTrace* trace = nullptr;
  bool needed = true;  // the value the rule needed; trace->holds is the other one
};

// Returns the blocking parts of `view` when it must have the value `needed`, in source order
// (empty if it has it).
TRIAGE_EXPORT std::vector<BlockingPart> FindBlocking(const ConditionView& view, bool needed = true);

// Counts the tests of `view` into *total and those that have the value their rule needs into
// *holding (both are added to, not reset). REQUIRES: holding and total not null.
TRIAGE_EXPORT void CountTests(const ConditionView& view, size_t* holding, size_t* total,
                              bool needed = true);

// A rule that did not fire, with how close it came. Points into an Explanation.
struct NearMiss {
  const RuleTrace* rule = nullptr;
  size_t holding = 0;  // tests with the needed value
  size_t total = 0;
  std::vector<BlockingPart> blocking;
};

// Returns the `count` enabled rules of `explanation` that did not fire with the most tests
// holding as needed (at least one), fewest blocking parts next, then evaluation order.
TRIAGE_EXPORT std::vector<NearMiss> FindClosest(const Explanation& explanation, size_t count);

// Returns the trace of rule `name` in `explanation`, or null if it has no such rule.
TRIAGE_EXPORT const RuleTrace* FindRule(const Explanation& explanation, std::string_view name);

// Returns up to three of `names` closest in spelling to `name` (for "did you mean"), best first:
// those containing `name` (when it has 4 characters or more), then by edit distance, at most
// max(2, |name| / 3).
TRIAGE_EXPORT std::vector<std::string> SimilarNames(std::string_view name,
                                                    const std::vector<std::string>& names);

}  // namespace triage

#endif  // TRIAGE_WHY_NOT_H_
