// SPDX-License-Identifier: Apache-2.0
// Word-level compilation: a `terms` phrase becomes a sequence of TermElements by running it
// through the same Analyzer as the records' text (so that "2nite" in a list and in a text meet
// as "tonight"), and the distinct phrases of all lists are indexed by their first element.
//
// Phrase syntax, inside the quotes: words separated by spaces; `{m,n}` (or `{n}`) between two
// words is a gap of m to n arbitrary tokens ("took {0,3} passport"). A list with the `stem`
// option compares each word by its Snowball stem in every configured stemmer language, or with
// `stem english` (`stem english spanish`) in the languages named; the `leet` option also matches
// the leet readings of the text (analysis/leet.h) at scan time.
#ifndef TRIAGE_COMPILE_WORDS_H_
#define TRIAGE_COMPILE_WORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "compile/program.h"

namespace triage::internal {

// What the analysis made of a phrase as written, for the lint (term-drops-text, compile/lint.h).
// A character of the phrase outside its gaps is dropped when it is part of no word and is not
// read as a word separator: whitespace, a hyphen between two words ("14-year-old" reads
// "14 year old", as it does in a text) and an apostrophe at a word's edge ("'em", "kids'": the
// word rules never keep one there, and one inside a word stays in it, "don't"). What the
// dictionary replaces a word by is no loss: its source characters belong to the word.
struct PhraseReading {
  // The words read, gaps as {m,n} or {n}: "took {0,3} passport".
  std::string words;
  // Each dropped character (UTF-8) once, in order.
  std::vector<std::string> dropped;
};

// Buffers that CompilePhrase reuses from one phrase to the next: a large pack has tens of
// thousands of phrases, and allocating them anew for each was a tenth of compiling them.
struct PhraseScratch {
  AnalyzedText analyzed;
  std::vector<uint8_t> at;  // CollectDropped's marks, one per byte of a phrase part
};

// Splits and analyses one phrase. Its words (but numbers) become stem elements in
// `stem_languages` (indexes into analysis.stem_languages, ascending; empty: word elements). On
// success fills *elements and *reading and returns ""; otherwise returns what is wrong (a phrase
// with no word, a gap at an edge, a malformed or too wide gap). *phrase_scratch holds nothing
// between calls that the result depends on.
std::string CompilePhrase(const Analyzer& analyzer, AnalyzerScratch* scratch,
                          PhraseScratch* phrase_scratch, const std::string& phrase,
                          const std::vector<uint32_t>& stem_languages,
                          std::vector<TermElement>* elements, PhraseReading* reading);

// "'#' is not part of any word (the analysis drops it)", for `dropped` (not empty) characters;
// several are listed, "'/' and '+' are ... drops them".
std::string DescribeDropped(const std::vector<std::string>& dropped);

// Adds `elements` as a phrase of list `list` to the program's phrase table and index (a phrase
// that several lists share is stored and matched once). `leet`: the phrase is also matched for
// `list` on the text's leet readings (it marks the phrase and widens the index's leet reach); a
// list that includes other lists adds their phrases with their own lists' leet.
// REQUIRES: program->terms[list] exists.
void AddPhrase(std::vector<TermElement> elements, int list, bool leet, Program* program);
// As above, with list `list`'s own leet option.
void AddPhrase(std::vector<TermElement> elements, int list, Program* program);

// Builds the term index's Bloom filter (TermIndex::MayHold) and vocabulary (TermIndex::words,
// TermIndex::stems; TermElement::word_id, stem_ids) once every phrase is added.
void FinishTermIndex(Program* program);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_WORDS_H_
