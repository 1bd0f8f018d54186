// SPDX-License-Identifier: Apache-2.0
// The lint pass: warnings about a ruleset that compiles — declarations no rule uses
// (unused-pattern, unused-list, unused-terms, unused-category), terms phrases whose written text
// holds characters the analysis drops (term-drops-text), and regexes the matching plan must run
// on their own on every value (slow-pattern) — each list in source order. Warnings never fail a
// load (`triage check --werror` makes them errors).
#ifndef TRIAGE_COMPILE_LINT_H_
#define TRIAGE_COMPILE_LINT_H_

#include <vector>

#include "triage/diagnostic.h"

#include "compile/program.h"
#include "compile/symbols.h"
#include "compile/terms.h"

namespace triage::internal {

// Warns about each declaration of `symbols` that nothing marked used.
void WarnUnused(const Symbols& symbols, Diagnostics* diagnostics);

// Warns about each phrase of `phrases` (TermTable::lossy_phrases): it matches more than is
// written, since a character such as the '#' of "wrong #" is in no word, and the phrase reads
// "wrong".
void WarnDroppedText(const std::vector<LossyPhrase>& phrases, Diagnostics* diagnostics);

// Warns about each atom of `program` whose strategy is kEveryValue. REQUIRES: the matchers are
// built (matcher_plan.h).
void WarnSlowPatterns(const Program& program, Diagnostics* diagnostics);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_LINT_H_
