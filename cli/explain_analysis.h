// SPDX-License-Identifier: Apache-2.0
// The analysis behind `triage explain`: everything the text and JSON views print, computed once
// from a triage::Explanation (and, for the counterfactual, from further scans of the same record).
//
//   ledger          the fired rules in evaluation order with their contributions and a running
//                   total, the sum, the clamp to [0, urgency.max], the floor and the band reached;
//   categories      every category some fired rule scored, against assign_min and max_labels;
//   counterfactual  the smallest set of fired rules whose removal (ScanOptions::disabled_rules)
//                   moves the record to another band, searched by size 1, 2, 3 under a budget;
//   closest         the rules that did not fire but whose condition came nearest to holding;
//   why-not         one rule's condition tree with the truth value of every part and the parts
//                   that kept it from firing.
//
// Conditions. ConditionTrace gives each part's source text, location and truth value but not
// its operator; ConditionView recovers it: a node with one child whose text differs is `not`, a
// node whose children all carry its own text is one test (`text ~ any(a, b)` is lowered to an
// `or` of one match per name, and `!~ any(...)` to `not` of that), and the operator of a node
// with several children is the word written between its first two children in the source.
//
// "Blocking" parts. A part blocks its rule when its value is not the one the rule needs: a test
// that is false where the rule needs it true, or true under an odd number of `not`s. For a failed
// `and`, the blocking parts are those of its false children; for a failed `or`, those of every
// child (any one would do); under `not` the needed value flips. A test "holds as needed" when its
// value is the needed one; closest-to-firing ranks rules by how many of their tests do.
#ifndef TRIAGE_CLI_EXPLAIN_ANALYSIS_H_
#define TRIAGE_CLI_EXPLAIN_ANALYSIS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/config.h"
#include "triage/decision.h"
#include "triage/explain.h"
#include "triage/scanner.h"

namespace triage::cli {

// A condition part with its operator recovered (see above). Points into a ConditionTrace, which
// must outlive it.
struct ConditionView {
  enum class Kind { kTest, kAnd, kOr, kNot };
  Kind kind = Kind::kTest;
  const ConditionTrace* trace = nullptr;
  std::vector<ConditionView> children;
};

// Returns the view of `trace`.
ConditionView ViewCondition(const ConditionTrace& trace);

// A test whose value kept its rule from firing (or, for a rule that fired, none).
struct BlockingPart {
  const ConditionTrace* trace = nullptr;
  bool needed = true;  // the value the rule needed; trace->holds is the other one
};

// Returns the blocking parts of `view` when it must have the value `needed`, in source order
// (empty if it has it).
std::vector<BlockingPart> FindBlocking(const ConditionView& view, bool needed = true);

// Counts the tests of `view` (`*total`) and those that have the value their rule needs
// (`*holding`).
void CountTests(const ConditionView& view, size_t* holding, size_t* total, bool needed = true);

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
  // The next band up, if any: its name and min.
  std::optional<UrgencyBand> next_band;
};

Ledger BuildLedger(const Explanation& explanation, const EngineConfig& config);

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
};

CategoryReport BuildCategoryReport(const Explanation& explanation, const EngineConfig& config);

// A span of one fired rule, with the text it covers.
struct RuleSpan {
  std::string rule;
  MatchSpan span;
  std::string text;
};

// Every span of every fired rule, evaluation order. Spans outside their value are dropped.
std::vector<RuleSpan> CollectRuleSpans(const Explanation& explanation);

// The byte ranges [begin, end) of `value` to mark: the union of the spans on that value, merged
// where they overlap or touch, in order.
std::vector<std::pair<uint32_t, uint32_t>> MarkedRanges(const std::vector<RuleSpan>& spans,
                                                        std::string_view field, uint32_t value);

// Limits of the counterfactual search.
struct CounterfactualLimits {
  size_t max_size = 3;         // the largest set tried
  size_t max_candidates = 20;  // rules combined in sets of 2 and more (the most influential)
  size_t max_scans = 2000;
};

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
// another band, rescanning it with `scanner` (which must be the one that explained it): every
// fired rule alone, then sets of 2, 3 ... up to limits.max_size drawn from the
// limits.max_candidates rules whose removal alone changes the score most, skipping sets that
// hold a rule together with one that depends on it (equal to a smaller set). Among the sets of
// the smallest size that work, returns the one that switches off the fewest other rules (the
// most specific change), the first tried on ties. Never fails: a rescan error (there is none for
// a record that was explained) ends the search.
Counterfactual FindCounterfactual(Scanner* scanner, std::string_view json,
                                  const Explanation& explanation,
                                  const CounterfactualLimits& limits);

// A rule that did not fire, with how close it came.
struct NearMiss {
  const RuleTrace* rule = nullptr;
  size_t holding = 0;  // tests with the needed value
  size_t total = 0;
  std::vector<BlockingPart> blocking;
};

// The `count` enabled rules that did not fire with the most tests holding as needed (at least
// one), fewest blocking parts next, then evaluation order.
std::vector<NearMiss> FindClosest(const Explanation& explanation, size_t count);

// Returns the trace of rule `name`, or null.
const RuleTrace* FindRule(const Explanation& explanation, std::string_view name);

// Returns the rule names closest in spelling to `name` (for "did you mean"), best first.
std::vector<std::string> SimilarNames(std::string_view name, const std::vector<std::string>& names);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EXPLAIN_ANALYSIS_H_
