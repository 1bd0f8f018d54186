// SPDX-License-Identifier: Apache-2.0
// The matching plan: how the atoms of one field (its regexes and phrase lists) are matched.
//
// One big RE2::Set is the right matcher for phrase lists and simple patterns: its DFA answers
// "which of them occur" in one pass at a few hundred MB/s whatever their number. It is the wrong
// one for a few real-world regexes (counted repetitions of wide classes, huge programs): their
// DFA states multiply with everything else in the set and the whole set thrashes. So, per field,
// decided at compile time from each atom's cost estimate (pattern_cost.h):
//
// - DFA-friendly regexes go into the field's set as they are (strategy kSet);
// - a phrase list goes in as the bare alternation of its phrases, and a hit is confirmed by the
//   list's own regex with its Unicode word edges (kSetConfirmed): the edge classes are thousands
//   of instructions each and would otherwise dominate the set;
// - hard regexes go into an RE2 FilteredRE2: the literals each one requires (an AND/OR tree of
//   strings of 3+ characters) join the field's set as case-insensitive entries, and a hard regex
//   runs on its own only on values where its literals occur (kPrefiltered); one with no such
//   literal runs on every value (kEveryValue) and `triage check --verbose` flags it;
// - the set is split when it would exceed MatchingOptions::max_set_program instructions or
//   max_set_entries entries, or when RE2 cannot compile it within max_set_memory (halved until it
//   can; an atom that fits no set at all runs on its own on every value).
//
// At match time a set that fails (RE2 reports its DFA out of memory) falls back to its entries one
// by one, counting every literal it held as present: a record is never silently unmatched.
// Every strategy gives exactly the matches of the atom's own regex (the property test checks it
// with forced splitting and forced prefiltering).
#ifndef TRIAGE_COMPILE_MATCHER_PLAN_H_
#define TRIAGE_COMPILE_MATCHER_PLAN_H_

#include <string>
#include <vector>

#include "triage/matching_plan.h"
#include "triage/options.h"

#include "compile/program.h"

namespace triage::internal {

// Builds the matcher of `field` over `atoms` (indices into program->atoms, all on `field`) and
// records each atom's strategy and cost in program->atoms.
FieldMatcher BuildFieldMatcher(Program* program, int field, const std::vector<int>& atoms,
                               const MatchingOptions& options);

// Builds the matcher of every field that some atom reads (Program::matchers, Field::matcher),
// fields in index order.
void BuildMatchers(Program* program, const MatchingOptions& options);

// The literals the prefilter requires for one hard regex (for the plan view; empty when none).
std::vector<std::string> PrefilterLiterals(const std::string& pattern);

// The plan of a compiled program, for DescribeMatchingPlan (triage/matching_plan.h).
MatchingPlan DescribePlan(const Program& program);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_MATCHER_PLAN_H_
