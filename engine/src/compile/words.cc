// SPDX-License-Identifier: Apache-2.0
// Word-level compilation; see words.h.
#include "compile/words.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <utility>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "analysis/fold.h"
#include "util/spelling.h"

namespace triage::internal {
namespace {

constexpr int kMaxGap = 20;

bool SameElement(const TermElement& a, const TermElement& b) {
  return a.kind == b.kind && a.word == b.word && a.languages == b.languages && a.stems == b.stems &&
         a.gap_min == b.gap_min && a.gap_max == b.gap_max;
}

bool SameElements(const std::vector<TermElement>& a, const std::vector<TermElement>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), SameElement);
}

// Parses "{m,n}" or "{n}" at text[i] (text[i] == '{'); returns the index after '}' or npos.
size_t ParseGap(const std::string& text, size_t i, int* min, int* max) {
  size_t j = i + 1;
  auto number = [&](int* out) {
    const size_t start = j;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) ++j;
    if (j == start || j - start > 3) return false;
    *out = std::atoi(text.substr(start, j - start).c_str());
    return true;
  };
  if (!number(min)) return std::string::npos;
  *max = *min;
  if (j < text.size() && text[j] == ',') {
    ++j;
    if (!number(max)) return std::string::npos;
  }
  if (j >= text.size() || text[j] != '}') return std::string::npos;
  return j + 1;
}

bool IsHyphen(UChar32 c) { return c == '-' || c == 0x2010 || c == 0x2011; }

// Adds to *dropped the characters of `part` that lie in no token of `analyzed` and are no word
// separator (PhraseReading), each once.
void CollectDropped(std::string_view part, const AnalyzedText& analyzed,
                    std::vector<uint8_t>* marks, std::vector<std::string>* dropped) {
  // Per byte offset: inside a token, a token begins there, a token ends there.
  enum : uint8_t { kInside = 1, kBegin = 2, kEnd = 4 };
  std::vector<uint8_t>& at = *marks;
  at.assign(part.size() + 1, 0);
  for (const Token& token : analyzed.tokens) {
    for (uint32_t b = token.begin; b < token.end; ++b) at[b] |= kInside;
    at[token.begin] |= kBegin;
    at[token.end] |= kEnd;
  }
  const auto* s = reinterpret_cast<const uint8_t*>(part.data());
  const auto length = static_cast<int32_t>(part.size());
  for (int32_t i = 0; i < length;) {
    const int32_t begin = i;
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if ((at[begin] & kInside) != 0 || (c >= 0 && u_isUWhiteSpace(c))) continue;
    const bool after_word = (at[begin] & kEnd) != 0;
    const bool before_word = (at[i] & kBegin) != 0;
    if (IsHyphen(c) && after_word && before_word) continue;
    if (IsFoldedApostrophe(c) && (after_word || before_word)) continue;
    std::string character(part.substr(begin, i - begin));
    if (std::find(dropped->begin(), dropped->end(), character) == dropped->end()) {
      dropped->push_back(std::move(character));
    }
  }
}

}  // namespace

std::string DescribeDropped(const std::vector<std::string>& dropped) {
  std::vector<std::string> quoted;
  quoted.reserve(dropped.size());
  for (const std::string& character : dropped) quoted.push_back("'" + character + "'");
  const std::string list = JoinAnd(quoted);
  return dropped.size() == 1 ? list + " is not part of any word (the analysis drops it)"
                             : list + " are not part of any word (the analysis drops them)";
}

std::string CompilePhrase(const Analyzer& analyzer, AnalyzerScratch* scratch,
                          PhraseScratch* phrase_scratch, const std::string& phrase,
                          const std::vector<uint32_t>& stem_languages,
                          std::vector<TermElement>* elements, PhraseReading* reading) {
  elements->clear();
  reading->words.clear();
  reading->dropped.clear();
  AnalyzedText& analyzed = phrase_scratch->analyzed;
  auto add_words = [&](std::string_view text) {
    analyzer.Analyze(text, scratch, &analyzed);
    CollectDropped(text, analyzed, &phrase_scratch->at, &reading->dropped);
    elements->reserve(elements->size() + analyzed.tokens.size() + 1);  // + 1: a gap after them
    for (const Token& token : analyzed.tokens) {
      if (!reading->words.empty()) reading->words += ' ';
      reading->words += token.form;
      TermElement e;
      if (!stem_languages.empty() && !token.is_number) {
        e.kind = TermElement::Kind::kStem;
        e.languages = stem_languages;
        for (uint32_t l : stem_languages) e.stems.push_back(analyzer.Stem(token.form, l, scratch));
      } else {
        e.word = token.form;
      }
      elements->push_back(std::move(e));
    }
  };
  const std::string_view text = phrase;
  size_t start = 0;
  for (size_t i = 0; i < phrase.size(); ++i) {
    if (phrase[i] != '{') continue;
    add_words(text.substr(start, i - start));
    TermElement gap;
    gap.kind = TermElement::Kind::kGap;
    const size_t next = ParseGap(phrase, i, &gap.gap_min, &gap.gap_max);
    if (next == std::string::npos) return "malformed gap: write {min,max} or {n}";
    if (gap.gap_min > gap.gap_max || gap.gap_max > kMaxGap) {
      return "a gap takes {min,max} with min <= max <= " + std::to_string(kMaxGap);
    }
    if (elements->empty() || elements->back().kind == TermElement::Kind::kGap) {
      return "a gap must stand between two words";
    }
    elements->push_back(gap);
    reading->words += " {" + std::to_string(gap.gap_min);
    if (gap.gap_max != gap.gap_min) reading->words += "," + std::to_string(gap.gap_max);
    reading->words += "}";
    start = next;
    i = next - 1;
  }
  add_words(text.substr(start));
  if (elements->empty()) {
    if (reading->dropped.empty()) return "the phrase has no word";
    return "the phrase has no word: " + DescribeDropped(reading->dropped);
  }
  if (elements->back().kind == TermElement::Kind::kGap) return "a gap must stand between two words";
  return "";
}

void AddPhrase(std::vector<TermElement> elements, int list, Program* program) {
  const bool leet = program->terms[list].leet;
  AddPhrase(std::move(elements), list, leet, program);
}

void AddPhrase(std::vector<TermElement> elements, int list, bool leet, Program* program) {
  // Linear dedup would be quadratic over a large pack: the index's first-element bucket holds
  // every phrase that could be equal.
  TermIndex& index = program->term_index;
  const TermElement& first = elements.front();
  std::vector<int>* bucket = nullptr;
  if (first.kind == TermElement::Kind::kWord) {
    bucket = &index.by_word[first.word];
  } else {
    if (index.by_stem.size() <= first.languages.back()) {
      index.by_stem.resize(first.languages.back() + 1);
    }
    index.any_stem = true;
    // Deduplicated within its first language's bucket; indexed under the stem of each of its
    // languages (the scanner looks up each language's stem of a token, and an element accepts
    // any of its languages).
    bucket = &index.by_stem[first.languages[0]][first.stems[0]];
  }
  if (leet) {
    index.any_leet = true;
    int reach = 0;
    for (const TermElement& e : elements)
      reach += e.kind == TermElement::Kind::kGap ? e.gap_max : 1;
    index.leet_reach = std::max(index.leet_reach, reach);
  }
  for (int p : *bucket) {
    if (SameElements(program->phrases[p].elements, elements)) {
      TermPhrase& shared = program->phrases[p];
      if (shared.lists.empty() || shared.lists.back() != list) {
        shared.lists.push_back(list);
        shared.leet_lists.push_back(leet ? 1 : 0);
      } else if (leet) {
        shared.leet_lists.back() = 1;
      }
      shared.leet = shared.leet || leet;
      return;
    }
  }
  const bool first_is_stem = first.kind == TermElement::Kind::kStem;
  const std::vector<uint32_t> first_languages = first.languages;
  const std::vector<std::string> first_stems = first.stems;
  TermPhrase phrase;
  phrase.elements = std::move(elements);
  phrase.lists.push_back(list);
  phrase.leet_lists.push_back(leet ? 1 : 0);
  phrase.leet = leet;
  const int id = static_cast<int>(program->phrases.size());
  bucket->push_back(id);
  if (first_is_stem) {
    for (size_t i = 1; i < first_stems.size(); ++i) {
      index.by_stem[first_languages[i]][first_stems[i]].push_back(id);
    }
  }
  program->phrases.push_back(std::move(phrase));
}

void FinishTermIndex(Program* program) {
  TermIndex* index = &program->term_index;
  for (TermPhrase& phrase : program->phrases) {
    for (TermElement& e : phrase.elements) {
      if (e.kind == TermElement::Kind::kWord) {
        e.word_id = index->words.Intern(e.word);
      } else if (e.kind == TermElement::Kind::kStem) {
        if (index->stems.size() <= e.languages.back()) index->stems.resize(e.languages.back() + 1);
        e.stem_ids.clear();
        for (size_t i = 0; i < e.stems.size(); ++i) {
          e.stem_ids.push_back(index->stems[e.languages[i]].Intern(e.stems[i]));
        }
      }
    }
  }
  // The words' filter (TermIndex::FindWord).
  index->word_filter.Reset(index->words.size());
  for (uint32_t id = 0; id < index->words.size(); ++id) {
    index->word_filter.Add(HashWord(index->words.view(id)));
  }
  index->phrases_by_word_begin.assign(1, 0);
  index->phrases_by_word.clear();
  for (uint32_t id = 0; id < index->words.size(); ++id) {
    auto found = index->by_word.find(std::string(index->words.view(id)));
    if (found != index->by_word.end()) {
      index->phrases_by_word.insert(index->phrases_by_word.end(), found->second.begin(),
                                    found->second.end());
    }
    index->phrases_by_word_begin.push_back(static_cast<uint32_t>(index->phrases_by_word.size()));
  }
  size_t keys = index->by_word.size();
  for (const auto& stems : index->by_stem) keys += stems.size();
  index->filter.Reset(keys);
  auto add = [index](std::string_view key) {
    index->filter.Add(std::hash<std::string_view>()(key));
  };
  for (const auto& [word, phrases] : index->by_word) add(word);
  for (const auto& stems : index->by_stem) {
    for (const auto& [stem, phrases] : stems) add(stem);
  }
}

}  // namespace triage::internal
