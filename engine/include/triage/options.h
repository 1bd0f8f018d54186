// SPDX-License-Identifier: Apache-2.0
// LoadOptions: how LoadRuleSet and its siblings (rule_set.h) check and compile a ruleset — the
// error limit, and the tuning of the multi-pattern matchers (MatchingOptions), which changes the
// speed and memory of matching and never a rule's result. The plan those options produce is
// described by matching_plan.h.
#ifndef TRIAGE_OPTIONS_H_
#define TRIAGE_OPTIONS_H_

#include <cstddef>

namespace triage {

// How the compiler turns the patterns of each field into matchers (docs/performance.md). Every
// setting gives the same rule results; they change only the speed and memory of matching. Zero
// means the default. The defaults suit any ruleset; the knobs exist for tests and benchmarks.
struct MatchingOptions {
  // A regex with a counted repetition of a non-literal element of this bound or more (`.{0,40}`,
  // `\w{1,30}`) is "hard": it stays out of the sets and runs on its own, after a literal prefilter.
  int hard_repeat = 0;  // default 8
  // A regex with an unbounded repetition of an element that matches nearly everything (`.`, a
  // negated class) after its first element (`foo.*bar`) is hard too, unless this is true: once
  // its prefix is seen, it keeps a DFA thread alive to the end of the line, and a set of many
  // such patterns must track every combination of prefixes seen.
  bool allow_gaps = false;
  // A regex whose RE2 program has this many instructions or more is hard too.
  int hard_program = 0;  // default 3000
  // Most RE2 instructions in one set; a field's patterns are split into as many sets as needed.
  // One set is fastest once its DFA is warm (measured: four sets of a 1,000-rule pack scan 4x
  // slower than one), so the default only splits very large fields.
  size_t max_set_program = 0;  // default 4000000
  // Most regexes in one set (lists and prefilter literals have sets of their own).
  size_t max_set_regexes = 0;  // default 100
  // Most entries in one set (0: no limit). Tests use small values to force splitting.
  size_t max_set_entries = 0;
  // Most memory of one set, program and DFA cache together, in bytes.
  size_t max_set_memory = 0;  // default 64 MiB
  // false: hard regexes run on every value, without the literal prefilter (for measurement).
  bool prefilter = true;
};

// Options of LoadRuleSet, CompileRuleSet and CompileArchivedRuleSet.
struct LoadOptions {
  // Semantic checking stops adding errors after this many (syntax errors stop at one per rule).
  size_t max_errors = 20;
  MatchingOptions matching;
};

}  // namespace triage

#endif  // TRIAGE_OPTIONS_H_
