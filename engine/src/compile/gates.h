// SPDX-License-Identifier: Apache-2.0
// The gates pass: for each rule, a condition it cannot fire without, checked before its
// expression (RuleGate, program.h) so that evaluation costs in proportion to what a record's
// text contains, not to the number of rules. A gate is, by preference, an atom that must occur
// (a match, or a count that 0 does not satisfy, in a chain of `and`; for a word-level test, one of
// its terms lists or regexes), a rule that must have fired, or failing a single condition, an
// any-of: the alternatives of the first disjunction the rule cannot hold without (`text ~ any(a,
// b)`, `x or y` of matches, and an `or` of alternatives each needing a match, a rule or a field
// value, such as `r or (text ~ a and not s) or exists(f)`: one such condition per alternative),
// one of which must hold (a rule: it fired; a field: it has a value of the kind its test reads). An
// any-of wakes the rule in preference to a rule reference the gate also names. A gate never changes
// a rule's result: it only skips rules whose condition is certainly false.
#ifndef TRIAGE_COMPILE_GATES_H_
#define TRIAGE_COMPILE_GATES_H_

#include "compile/program.h"

namespace triage::internal {

// Fills program->gates (by evaluation index) and program->gate_terms from the rules' conditions.
// REQUIRES: program->rules in evaluation order, their expression and span nodes lowered.
void BuildGates(Program* program);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_GATES_H_
