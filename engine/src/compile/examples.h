// SPDX-License-Identifier: Apache-2.0
// The examples pass: inline `example` and `counterexample` declarations (docs/rules.md section
// 4.1) become the Program's examples, each tied to its rule's evaluation index, its expectations
// resolved as a band or a category (bad-example, unknown-name). rule_set.cc runs them once the
// ruleset is built.
#ifndef TRIAGE_COMPILE_EXAMPLES_H_
#define TRIAGE_COMPILE_EXAMPLES_H_

#include <vector>

#include "triage/config.h"

#include "compile/program.h"
#include "compile/reporter.h"
#include "compile/symbols.h"

namespace triage::internal {

// Lowers symbols.examples (in the order they were met) into program->examples; `position` maps
// a declaration index to an evaluation index (compile/order.h).
void LowerExamples(const Symbols& symbols, const std::vector<int>& position,
                   const EngineConfig& config, Program* program, Reporter* reporter);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_EXAMPLES_H_
