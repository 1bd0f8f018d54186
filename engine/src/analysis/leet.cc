// SPDX-License-Identifier: Apache-2.0
// Leetspeak readings; see leet.h.
#include "analysis/leet.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace triage::internal {
namespace {

constexpr size_t kMaxAmbiguousOnes = 4;  // 2^4 = 16 readings at most

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A letter, or a byte of a non-ASCII character (after folding, letters of other scripts).
bool IsLetterByte(char c) { return IsAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80; }

// The symbols that join tokens into one leet word: segmentation breaks words at '$' and '!', and
// takes '@' into a word only next to letters.
bool IsGlue(char c) { return c == '$' || c == '@' || c == '!'; }

// The letter a leet character stands for ('1' is handled apart); other characters stand for
// themselves.
char LeetLetter(char c) {
  switch (c) {
    case '0':
      return 'o';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    case '@':
      return 'a';
    case '$':
      return 's';
    case '!':
      return 'i';
    default:
      return c;
  }
}

bool AllGlue(std::string_view s) {
  for (char c : s) {
    if (!IsGlue(c)) return false;
  }
  return true;
}

}  // namespace

bool IsLeetChar(char c) {
  switch (c) {
    case '0':
    case '1':
    case '3':
    case '4':
    case '5':
    case '7':
    case '@':
    case '$':
    case '!':
      return true;
    default:
      return false;
  }
}

void LeetReadings(std::string_view folded, std::vector<std::string>* out) {
  out->clear();
  std::string base(folded);
  size_t ones[kMaxAmbiguousOnes];
  size_t ambiguous = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    if (base[i] == '1') {
      if (ambiguous < kMaxAmbiguousOnes) ones[ambiguous++] = i;
      base[i] = 'i';
    } else {
      base[i] = LeetLetter(base[i]);
    }
  }
  for (size_t mask = 0; mask < (size_t{1} << ambiguous); ++mask) {
    std::string& reading = out->emplace_back(base);
    for (size_t b = 0; b < ambiguous; ++b) {
      if ((mask & (size_t{1} << b)) != 0) reading[ones[b]] = 'l';
    }
  }
}

void FindLeetWords(const Analyzer& analyzer, AnalyzerScratch* scratch, std::string_view text,
                   const AnalyzedText& analyzed, std::vector<LeetWord>* out) {
  out->clear();
  if (text.find_first_of("013457@$!") == std::string_view::npos) return;
  const std::vector<Token>& tokens = analyzed.tokens;
  const size_t n = tokens.size();
  size_t i = 0;
  while (i < n) {
    const auto first = static_cast<uint32_t>(i);
    uint32_t begin = tokens[i].begin;
    uint32_t end = tokens[i].end;
    size_t j = i + 1;
    for (;;) {
      // The other words of a dictionary replacement share the span of the word they replace.
      while (j < n && tokens[j].begin < end) ++j;
      if (j < n && tokens[j].begin >= end && AllGlue(text.substr(end, tokens[j].begin - end))) {
        end = tokens[j].end;
        ++j;
        continue;
      }
      break;
    }
    while (begin > 0 && (text[begin - 1] == '$' || text[begin - 1] == '@')) --begin;
    while (end < text.size() && (text[end] == '$' || text[end] == '@')) ++end;
    const std::string_view run = text.substr(begin, end - begin);
    bool leet = false;
    bool letter = false;
    for (char c : run) {
      leet = leet || IsLeetChar(c);
      letter = letter || IsLetterByte(c);
    }
    if (leet && letter) {
      LeetWord& word = out->emplace_back();
      word.first = first;
      word.last = static_cast<uint32_t>(j);
      LeetReadings(analyzer.Fold(run, scratch), &word.readings);
    }
    i = j;
  }
}

std::string LeetSpelling(const Analyzer& analyzer, AnalyzerScratch* scratch,
                         std::string_view word) {
  bool letter = false;
  bool glue = false;
  for (char c : word) {
    letter = letter || IsLetterByte(c);
    glue = glue || IsGlue(c);
  }
  if (!letter) return "";
  bool mixed = glue;
  AnalyzedText analyzed;
  analyzer.Analyze(word, scratch, &analyzed);
  for (const Token& token : analyzed.tokens) {
    if (token.is_number) continue;
    bool leet = false;
    bool letters = false;
    for (char c : token.form) {
      leet = leet || IsLeetChar(c);
      letters = letters || IsLetterByte(c);
    }
    mixed = mixed || (leet && letters);
  }
  if (!mixed) return "";
  std::vector<std::string> readings;
  LeetReadings(analyzer.Fold(word, scratch), &readings);
  return readings.front();
}

}  // namespace triage::internal
