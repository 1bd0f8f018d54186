// SPDX-License-Identifier: Apache-2.0
// The lint pass: warnings about a ruleset that compiles — declarations no rule uses
// (unused-pattern, unused-list, unused-terms, unused-category), terms phrases whose written text
// holds characters the analysis drops (term-drops-text), one-word stemmed terms with a short stem
// that is not the word itself (short-stem), and regexes the matching plan must run on their own
// on every value (slow-pattern) — each list in source order. Warnings never fail a load
// (`triage check --werror` makes them errors).
#ifndef TRIAGE_COMPILE_LINT_H_
#define TRIAGE_COMPILE_LINT_H_

#include <cstddef>
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

// The longest stem, in characters, that short-stem warns about.
constexpr size_t kShortStemMax = 3;

// Warns about each term of `terms` (TermTable::stemmed_terms) whose stem in one of its list's
// languages is at most kShortStemMax characters and is not the term itself: "camming" reads as
// the English stem "cam", and matches "on cam" (short-stem). A term that is its own stem ("sex")
// matches what it says, and its inflections.
void WarnShortStems(const std::vector<StemmedTerm>& terms, Diagnostics* diagnostics);

// Warns about each atom of `program` whose strategy is kEveryValue. REQUIRES: the matchers are
// built (matcher_plan.h).
void WarnSlowPatterns(const Program& program, Diagnostics* diagnostics);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_LINT_H_
