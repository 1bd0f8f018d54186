// SPDX-License-Identifier: Apache-2.0
// The lint pass: warnings about a ruleset that compiles — declarations no rule uses
// (unused-pattern, unused-list, unused-terms, unused-category) and regexes the matching plan must
// run on their own on every value (slow-pattern) — each list in source order. Warnings never
// fail a load (`triage check --werror` makes them errors).
#ifndef TRIAGE_COMPILE_LINT_H_
#define TRIAGE_COMPILE_LINT_H_

#include "triage/diagnostic.h"

#include "compile/program.h"
#include "compile/symbols.h"

namespace triage::internal {

// Warns about each declaration of `symbols` that nothing marked used.
void WarnUnused(const Symbols& symbols, Diagnostics* diagnostics);

// Warns about each atom of `program` whose strategy is kEveryValue. REQUIRES: the matchers are
// built (matcher_plan.h).
void WarnSlowPatterns(const Program& program, Diagnostics* diagnostics);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_LINT_H_
