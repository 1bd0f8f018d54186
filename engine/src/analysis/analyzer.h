// SPDX-License-Identifier: Apache-2.0
// The text-analysis layer: from a text value to words and sentences, with byte offsets into the
// original text (DESIGN.md "Analyse"). Declared by the config's `analysis:` section and part of
// the ruleset's digest; the same Analyzer turns the phrases of the rule pack's term lists into
// token sequences, so that a phrase and a text meet after the same normalisation.
//
// Steps, per text value:
//   1. Segmentation (ICU, UAX #29) over the UTF-8 text itself (utext_openUTF8), so that every
//      boundary is a byte offset into what the reporter wrote. Word tokens are the segments that
//      hold a letter or a digit; punctuation and spaces are dropped. Sentences come from ICU's
//      sentence iterator, and optionally also end at a line break (SMS rarely has full stops).
//   2. Per word: NFKC + full case folding (ICU's nfkc_cf); optional accent folding (canonical
//      decomposition, nonspacing marks removed: "niña" -> "nina"); optional confusable folding
//      (a letter of another script that ICU's spoof checker says is a Latin letter, e.g. Cyrillic
//      "а", is replaced by it, only when the whole word then becomes Latin).
//   3. Lexical normalisation from the pack's dictionaries: a word found there is replaced by one
//      or more words ("u" -> "you", "rn" -> "right now", "fourteen" -> "14"), each keeping the
//      source word's byte span. A word of digits followed by letters that the dictionary does not
//      know is split in two ("14yo" -> "14" "yo").
//   4. Numbers: a word that is a decimal number (after normalisation) carries its value.
//   5. Stems (Snowball) on demand, per configured language, for the term lists that ask for them.
#ifndef TRIAGE_ANALYSIS_ANALYZER_H_
#define TRIAGE_ANALYSIS_ANALYZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

#include "util/string_table.h"

namespace triage::internal {

// One word of an analysed text.
struct Token {
  Token() = default;
  // A token of `form` (whose HashWord is `hash`) written as [begin, end): the form constructed
  // in place (the analyzer pushes one a word).
  Token(uint32_t begin_offset, uint32_t end_offset, std::string_view form_text, uint64_t form_hash)
      : begin(begin_offset), end(end_offset), form(form_text), hash(form_hash) {}

  uint32_t begin = 0;  // byte offsets [begin, end) into the original text value
  uint32_t end = 0;
  uint32_t sentence = 0;  // index of the sentence it belongs to (0-based, per text value)
  // analysis.sentences.clause_breaks: a comma, semicolon, colon, bracket or dash stands between
  // the previous token and this one (a context scope stops there).
  bool clause_start = false;
  bool is_number = false;
  double number = 0;   // the value when is_number
  std::string form;    // the normalised word (folded; after the dictionary)
  uint64_t hash = 0;   // HashWord(form) (util/string_table.h): the word pass looks the form up
};

// An analysed text value: its tokens in text order, and for each sentence the index of its first
// token (sentence_starts[s]; a sentence with no token has start == the next one's).
struct AnalyzedText {
  std::vector<Token> tokens;
  std::vector<uint32_t> sentence_starts;
  void Clear() {
    tokens.clear();
    sentence_starts.clear();
  }
};

// The lexical-normalisation dictionary: normalised source word -> replacement words. Built from
// the dictionary files the config names; later files override earlier entries.
class Dictionary {
 public:
  // Parses one dictionary file of `sources` and adds its entries. Format, one entry per line:
  //   from => to [to ...]      # a comment
  // `from` is one word; `to` one or more words separated by spaces. Blank lines and lines starting
  // with '#' are ignored. Both sides are normalised by `settings` (folding) before they are
  // stored. A malformed line is an error at its file:line:col (code "bad-dictionary"); every error
  // of the file is reported. Returns false iff errors were found.
  bool AddFile(const SourceManager& sources, FileId file, const AnalysisConfig& settings,
               Diagnostics* diagnostics);
  // The replacement of `form`, or nullptr.
  const std::vector<std::string>* Find(std::string_view form) const {
    return Find(form, HashWord(form));
  }
  // The same, given `hash` == HashWord(form).
  const std::vector<std::string>* Find(std::string_view form, uint64_t hash) const {
    if (replacements_.empty()) return nullptr;
    const uint32_t id = keys_.Find(form, hash);
    return id == StringTable::kNone ? nullptr : &replacements_[id];
  }
  size_t size() const { return replacements_.size(); }

 private:
  StringTable keys_;                                  // source words, by entry id
  std::vector<std::vector<std::string>> replacements_;  // by entry id
};

// Per-thread scratch state of an Analyzer (ICU iterators and Snowball stemmers are not
// thread-safe). Not thread-safe; cheap to create, one per Scanner. Made by Analyzer::NewScratch
// and usable only with the Analyzer that made it. (Complete but opaque, so that a
// std::unique_ptr<AnalyzerScratch> can be destroyed where ICU is not included.)
class AnalyzerScratch {
 public:
  ~AnalyzerScratch();
  AnalyzerScratch(const AnalyzerScratch&) = delete;
  AnalyzerScratch& operator=(const AnalyzerScratch&) = delete;

 private:
  friend class Analyzer;
  friend void SetAsciiFastPathForTesting(AnalyzerScratch* scratch, bool enabled);
  AnalyzerScratch();
  struct State;
  std::unique_ptr<State> state_;
};

// Turns the ASCII shortcut of Analyzer::Analyze on or off for `scratch` (on by default). The
// shortcut gives the same result as the ICU path; tests use this to compare the two.
void SetAsciiFastPathForTesting(AnalyzerScratch* scratch, bool enabled);

// Immutable and safe for concurrent use by multiple threads, each with its own AnalyzerScratch.
class Analyzer {
 public:
  // Builds an analyzer for `config` with `dictionary`. Fails (InvalidArgument) only if ICU or
  // Snowball cannot provide what the config asks for (e.g. an unknown stemmer language); the
  // config loader has already checked the names, so this is not expected in practice.
  static Result<std::shared_ptr<const Analyzer>> Create(const AnalysisConfig& config,
                                                         Dictionary dictionary);
  ~Analyzer();

  std::unique_ptr<AnalyzerScratch> NewScratch() const;

  // Analyses `text` (UTF-8; invalid sequences are treated as non-letters) into *out (cleared
  // first). Deterministic: the same text and config give the same tokens.
  void Analyze(std::string_view text, AnalyzerScratch* scratch, AnalyzedText* out) const;

  // What the word pass (scan/word_state.h) found in one line on its own that the lines around
  // it cannot change, kept beside the line's analysis by the owner of both
  // (conversation/analysis_cache.h), so that the next text of lines holding the line reads it
  // instead of finding it again. Opaque here: the word pass fills and reads it: the phrase
  // matches for one program at a time (`program`, null while empty), the tokens' keys for one
  // lexicon at a time (`lexicon` and its `lexicon_epoch`, null while empty).
  struct LineMemo {
    const void* program = nullptr;
    std::vector<uint32_t> phrase_hits;
    const void* lexicon = nullptr;
    uint64_t lexicon_epoch = 0;
    std::vector<uint32_t> lexemes;
  };
  // One line of a text of lines (AnalyzeLines): where it starts in the text, its analysis, and
  // (may be null) the word pass's memo of it.
  struct Line {
    uint32_t offset = 0;
    const AnalyzedText* analyzed = nullptr;
    LineMemo* memo = nullptr;
  };
  // Analyze for a text of lines, from the lines' own analyses: `text` is the lines joined with
  // '\n' ("a\nb\nc"), and lines[i].analyzed is Analyze's result for the i-th line alone, which
  // starts at lines[i].offset. Fills *out with exactly what Analyze(text) gives and returns true
  // when a line feed ends a sentence (analysis.sentences.line_breaks): then nothing of the
  // analysis reads across one (UAX #29 breaks words on both sides of a line feed, WB3a/WB3b, and
  // a sentence after it, SB4; no sentence rule looks past it, lowercase_after_stop reads only
  // spaces and tabs), and only a line's first token's clause_start, which reads the text since
  // the previous line's last token, is computed again. Returns false, *out unspecified,
  // otherwise (the caller analyses the text). For the conversation window, whose messages were
  // analysed when they came.
  bool AnalyzeLines(std::string_view text, const std::vector<Line>& lines,
                    AnalyzedText* out) const;

  // Normalises one word as step 2 does (no dictionary, no split). For phrases and triggers.
  std::string Fold(std::string_view word, AnalyzerScratch* scratch) const;

  // The Snowball stem of the normalised word `form` in stemmer language `language` (an index into
  // config().stem_languages). REQUIRES: language < config().stem_languages.size().
  std::string Stem(std::string_view form, size_t language, AnalyzerScratch* scratch) const;

  const AnalysisConfig& config() const;

 private:
  Analyzer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage::internal

#endif  // TRIAGE_ANALYSIS_ANALYZER_H_
