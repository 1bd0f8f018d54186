// SPDX-License-Identifier: Apache-2.0
// Leetspeak readings, for the `terms NAME (leet)` lists (docs/rules.md section 13.1): "s3x",
// "$ex" and "5ex" read as "sex", "k1ll" as "kill" or "klll", "p@ss" as "pass".
//
// A leet word is a run of the text with no space in it, made of word tokens and the symbols
// '$', '@' and '!' between them ('$' and '@' also at its edges), that holds both a letter and
// a leet character (0 1 3 4 5 7 @ $ !). The run is taken from the text as written, not from the
// tokens' forms, because segmentation breaks words at '$' and '!' ("$ex" is the token "ex"), and
// the analyser splits digits from the letters after them ("5ex" is "5" "ex"). Its readings are
// the run folded as a word is (Analyzer::Fold: case, accents, confusables) with each leet
// character replaced:
//
//   0 -> o   1 -> i or l   3 -> e   4 -> a   5 -> s   7 -> t   @ -> a   $ -> s   ! -> i
//
// "1" is ambiguous: every combination is a reading, for the first four 1s of a word (the others
// read as i), so a word has at most 16 readings. A run with no letter is never a leet word: "14",
// "2.5" and "$100" keep their value as numbers. Readings are not looked up in the normalisation
// dictionaries.
//
// The tokens themselves do not change: only the term lists that ask for it also match a leet
// word's readings, and every other rule (number(...), other lists) sees the tokens as they are.
#ifndef TRIAGE_ANALYSIS_LEET_H_
#define TRIAGE_ANALYSIS_LEET_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"

namespace triage::internal {

// A leet word of a text value: its tokens [first, last) and its readings (at least one).
struct LeetWord {
  uint32_t first = 0;
  uint32_t last = 0;
  std::vector<std::string> readings;
};

// True if `c` is one of the leet characters 0 1 3 4 5 7 @ $ !.
bool IsLeetChar(char c);

// Appends the readings of the folded word `folded` to *out (cleared first): one per choice of i
// or l for its first four 1s. A word with no leet character has itself as its only reading.
void LeetReadings(std::string_view folded, std::vector<std::string>* out);

// Finds the leet words of `text`, whose analysis is `analyzed`, in token order, into *out
// (cleared first). `scratch` belongs to `analyzer`.
void FindLeetWords(const Analyzer& analyzer, AnalyzerScratch* scratch, std::string_view text,
                   const AnalyzedText& analyzed, std::vector<LeetWord>* out);

// For the checker: if the phrase word `word` (as written in a (leet) list, not a gap) spells a
// word with leet characters, returns its first reading ("k1ll" -> "kill"); else "". A word whose
// digits the analyser splits off as a number ("14yo" -> "14" "yo") is not one.
std::string LeetSpelling(const Analyzer& analyzer, AnalyzerScratch* scratch, std::string_view word);

}  // namespace triage::internal

#endif  // TRIAGE_ANALYSIS_LEET_H_
