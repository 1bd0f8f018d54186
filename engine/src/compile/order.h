// SPDX-License-Identifier: Apache-2.0
// The order pass: rules are evaluated so that a rule comes after every rule it refers to. The
// references (recorded by the resolve pass) must form no cycle: each cycle is reported once, at
// the rule where the search closes it, with its path (rule-cycle). The order is the stable
// topological one — Kahn's algorithm taking the smallest declaration index first — so that rules
// keep their declaration order wherever the references allow.
#ifndef TRIAGE_COMPILE_ORDER_H_
#define TRIAGE_COMPILE_ORDER_H_

#include <vector>

#include "compile/program.h"
#include "compile/reporter.h"
#include "compile/symbols.h"

namespace triage::internal {

// Returns each rule's evaluation index by declaration index; the identity, after reporting every
// cycle, when the references are cyclic.
std::vector<int> OrderRules(const std::vector<RuleInfo>& rules, Reporter* reporter);

// Puts `rules` (declaration order) into program->rules at their evaluation index `position`
// (OrderRules) and renumbers the rule references of program->nodes to evaluation indices.
void PlaceRules(const std::vector<int>& position, std::vector<CompiledRule> rules,
                Program* program);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_ORDER_H_
