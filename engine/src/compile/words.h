// SPDX-License-Identifier: Apache-2.0
// Word-level compilation: a `terms` phrase becomes a sequence of TermElements by running it
// through the same Analyzer as the records' text (so that "2nite" in a list and in a text meet
// as "tonight"), and the distinct phrases of all lists are indexed by their first element.
//
// Phrase syntax, inside the quotes: words separated by spaces; `{m,n}` (or `{n}`) between two
// words is a gap of m to n arbitrary tokens ("took {0,3} passport"). A list with the `stem`
// option compares each word by its Snowball stem in every configured stemmer language; the
// `leet` option also matches the leet readings of the text (analysis/leet.h) at scan time.
#ifndef TRIAGE_COMPILE_WORDS_H_
#define TRIAGE_COMPILE_WORDS_H_

#include <string>
#include <vector>

#include "compile/program.h"

namespace triage::internal {

// Splits and analyses one phrase. On success fills *elements and returns "" ; otherwise returns
// what is wrong (an empty phrase, a gap at an edge, a malformed or too wide gap).
std::string CompilePhrase(const Analyzer& analyzer, AnalyzerScratch* scratch,
                          const std::string& phrase, bool stem,
                          std::vector<TermElement>* elements);

// Adds `elements` as a phrase of list `list` to the program's phrase table and index (a phrase
// that several lists share is stored and matched once). REQUIRES: program->terms[list] exists
// (its leet option marks the phrase and widens the index's leet reach).
void AddPhrase(std::vector<TermElement> elements, int list, Program* program);

// Builds the term index's Bloom filter (TermIndex::MayHold) and vocabulary (TermIndex::words,
// TermIndex::stems; TermElement::word_id, stem_ids) once every phrase is added.
void FinishTermIndex(Program* program);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_WORDS_H_
