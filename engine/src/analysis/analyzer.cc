// SPDX-License-Identifier: Apache-2.0
// Analyzer: the steps of analyzer.h over one text value.
//
// Segmentation runs ICU's word and sentence iterators over a UText that reads the UTF-8 text in
// place (utext_openUTF8), so every boundary is a byte offset into the text as written; ill-formed
// bytes read as U+FFFD, which is neither a letter nor a digit, so they never become words. A
// word segment is kept when it holds a letter (L*) or a decimal digit (Nd).
//
// Sentences. ICU's sentence iterator already ends a sentence at every line break (UAX #29 SB4).
// With `line_breaks_end_sentences` off, the iterator reads a copy of the text in which every
// line break (CR, LF, NEL, LS, PS) is replaced by as many spaces as it has bytes, so offsets stay
// the same and only the line-break rule goes. A sentence index counts sentences that hold at
// least one token: boundaries with no token between them (a run of line breaks, "?!", a line of
// punctuation) start no new sentence, so sentence_starts is strictly increasing.
//
// The ASCII shortcut. A text of ASCII bytes only is segmented by AsciiWords/AsciiSentences, a
// direct transcription of ICU's root word and sentence rules restricted to ASCII (ICU tailors the
// colon out of MidLetter; the rest is UAX #29). analyzer_test.cc checks on random ASCII strings
// that both paths give the same tokens and sentences; SetAsciiFastPathForTesting turns the
// shortcut off for that comparison.
#include "analysis/analyzer.h"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "triage/config.h"
#include "triage/status.h"

#include "analysis/fold.h"
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

namespace triage::internal {
namespace {

// Texts are addressed with 32-bit offsets, and ICU's iterators with int32_t.
constexpr size_t kMaxTextBytes = static_cast<size_t>(std::numeric_limits<int32_t>::max());

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

// Character classes of the ASCII shortcut, one table lookup per byte.
enum : uint8_t { kCharLetter = 1, kCharDigit = 2, kCharAt = 4, kCharUnderscore = 8 };

constexpr std::array<uint8_t, 256> MakeCharTable() {
  std::array<uint8_t, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kCharLetter;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = kCharLetter;
  for (int c = '0'; c <= '9'; ++c) table[c] = kCharDigit;
  table['@'] = kCharAt;
  table['_'] = kCharUnderscore;
  return table;
}
constexpr std::array<uint8_t, 256> kCharTable = MakeCharTable();

uint8_t CharClass(char c) { return kCharTable[static_cast<unsigned char>(c)]; }
bool IsAsciiLetter(char c) { return (CharClass(c) & kCharLetter) != 0; }
bool IsAsciiDigit(char c) { return (CharClass(c) & kCharDigit) != 0; }
// ICU's root word rules count '@' as a letter (ALetter), so that e-mail addresses hold together;
// it is still no letter for HasLetterOrDigit.
bool IsAsciiWordLetter(char c) { return (CharClass(c) & (kCharLetter | kCharAt)) != 0; }
bool IsAsciiWordChar(char c) { return CharClass(c) != 0; }

// True if `segment` holds a letter or a decimal digit.
bool HasLetterOrDigit(std::string_view segment) {
  const auto* s = reinterpret_cast<const uint8_t*>(segment.data());
  const auto length = static_cast<int32_t>(segment.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c >= 0 && u_isalnum(c)) return true;
  }
  return false;
}

// True if `text` holds a line break ICU's sentence rules treat as a paragraph separator.
bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos ||
         text.find("\xC2\x85") != std::string_view::npos ||
         text.find("\xE2\x80\xA8") != std::string_view::npos ||
         text.find("\xE2\x80\xA9") != std::string_view::npos;
}

// Copies `text` into *out with every line break replaced by spaces, byte for byte.
void BlankLineBreaks(std::string_view text, std::string* out) {
  out->assign(text);
  std::string& s = *out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' || s[i] == '\n') {
      s[i] = ' ';
    } else if (s[i] == '\xC2' && i + 1 < s.size() && s[i + 1] == '\x85') {
      s[i] = s[i + 1] = ' ';
    } else if (s[i] == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x80' &&
               (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
      s[i] = s[i + 1] = s[i + 2] = ' ';
    }
  }
}

// Parses a form of digits with at most one '.' or ',' decimal part. Returns false otherwise.
bool ParseNumber(std::string_view form, double* value) {
  if (form.empty() || form.size() > 64) return false;
  char buffer[64];
  size_t separators = 0;
  for (size_t i = 0; i < form.size(); ++i) {
    const char c = form[i];
    if (IsAsciiDigit(c)) {
      buffer[i] = c;
    } else if ((c == '.' || c == ',') && i > 0 && i + 1 < form.size() && ++separators == 1) {
      buffer[i] = '.';
    } else {
      return false;
    }
  }
  const std::from_chars_result r = std::from_chars(buffer, buffer + form.size(), *value);
  return r.ec == std::errc() && r.ptr == buffer + form.size();
}

// ---- The ASCII shortcut ----------------------------------------------------------------------

// Calls emit(begin, end) for each ASCII word segment holding a letter or digit, in order.
// ICU's root word rules on ASCII: letters ('@' included), digits and '_' join (WB5, WB8-10,
// WB13a/b); a letter '.' or '\'' letter sequence joins (WB6/7); a digit ',' ';' '.' or '\''
// digit sequence joins (WB11/12); everything else breaks. A segment is emitted when it holds an
// ASCII letter or digit.
template <typename Emit>
void AsciiWords(std::string_view text, Emit&& emit) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (!IsAsciiWordChar(text[i])) {
      ++i;
      continue;
    }
    const size_t begin = i;
    bool alnum = false;
    while (i < n) {
      const char c = text[i];
      if (IsAsciiWordChar(c)) {
        alnum = alnum || IsAsciiLetter(c) || IsAsciiDigit(c);
        ++i;
        continue;
      }
      if (i + 1 < n) {
        const char before = text[i - 1];
        const char after = text[i + 1];
        const bool letters =
            IsAsciiWordLetter(before) && IsAsciiWordLetter(after) && (c == '.' || c == '\'');
        const bool digits = IsAsciiDigit(before) && IsAsciiDigit(after) &&
                            (c == '.' || c == '\'' || c == ',' || c == ';');
        if (letters || digits) {
          ++i;  // the word character after it is taken by the next round
          continue;
        }
      }
      break;
    }
    if (alnum) emit(static_cast<uint32_t>(begin), static_cast<uint32_t>(i));
  }
}

// Sentence_Break classes of ASCII characters (UAX #29; ICU's root rules do not tailor them).
enum class SentenceClass {
  kOther,
  kSp,
  kParaSep,
  kLower,
  kUpper,
  kNumeric,
  kATerm,
  kSTerm,
  kClose,
  kSContinue
};

constexpr std::array<SentenceClass, 256> MakeSentenceTable() {
  std::array<SentenceClass, 256> table{};  // kOther
  for (int c = 'a'; c <= 'z'; ++c) table[c] = SentenceClass::kLower;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = SentenceClass::kUpper;
  for (int c = '0'; c <= '9'; ++c) table[c] = SentenceClass::kNumeric;
  table['\r'] = table['\n'] = SentenceClass::kParaSep;  // or kSp: AsciiSentenceClass
  table[' '] = table['\t'] = table['\v'] = table['\f'] = SentenceClass::kSp;
  table['.'] = SentenceClass::kATerm;
  table['!'] = table['?'] = SentenceClass::kSTerm;
  for (char c : {'"', '\'', '(', ')', '[', ']', '{', '}'}) {
    table[static_cast<unsigned char>(c)] = SentenceClass::kClose;
  }
  table[','] = table['-'] = table[':'] = SentenceClass::kSContinue;
  return table;
}
constexpr std::array<SentenceClass, 256> kSentenceTable = MakeSentenceTable();

SentenceClass AsciiSentenceClass(char c, bool line_breaks) {
  const SentenceClass k = kSentenceTable[static_cast<unsigned char>(c)];
  return k == SentenceClass::kParaSep && !line_breaks ? SentenceClass::kSp : k;
}

// By byte: kStop for '.', '!' and '?' (ATerm, STerm), kBreak for a line break (ParaSep): the
// only bytes at which AsciiSentences does anything but step on.
constexpr uint8_t kStop = 1;
constexpr uint8_t kBreak = 2;
constexpr std::array<uint8_t, 256> MakeSentenceEndTable() {
  std::array<uint8_t, 256> table{};
  for (size_t c = 0; c < table.size(); ++c) {
    if (kSentenceTable[c] == SentenceClass::kATerm || kSentenceTable[c] == SentenceClass::kSTerm) {
      table[c] = kStop;
    } else if (kSentenceTable[c] == SentenceClass::kParaSep) {
      table[c] = kBreak;
    }
  }
  return table;
}
constexpr std::array<uint8_t, 256> kSentenceEndTable = MakeSentenceEndTable();

constexpr int MarkedBytes() {
  int marked = 0;
  for (const uint8_t mark : kSentenceEndTable) marked += mark != 0 ? 1 : 0;
  return marked;
}

// The first position at or after `i` whose byte is in `stops` (kSentenceEndTable), or the
// text's size. With SSE2 (every x86-64) sixteen bytes are tested at once for the five bytes
// the table marks ('.', '!', '?', and with kBreak '\r', '\n'); the rest, and other targets, a
// byte at a time.
size_t NextSentenceEnd(std::string_view text, size_t i, uint8_t stops) {
  const size_t n = text.size();
#if defined(__SSE2__)
  static_assert(kSentenceEndTable['.'] == kStop && kSentenceEndTable['!'] == kStop &&
                    kSentenceEndTable['?'] == kStop && kSentenceEndTable['\r'] == kBreak &&
                    kSentenceEndTable['\n'] == kBreak,
                "the bytes NextSentenceEnd compares");
  static_assert(MarkedBytes() == 5, "no other byte ends a sentence");
  const __m128i dot = _mm_set1_epi8('.');
  const __m128i bang = _mm_set1_epi8('!');
  const __m128i question = _mm_set1_epi8('?');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  const bool breaks = (stops & kBreak) != 0;
  while (i + 16 <= n) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, dot), _mm_cmpeq_epi8(block, bang)),
                     _mm_cmpeq_epi8(block, question));
    if (breaks) {
      hits = _mm_or_si128(hits, _mm_or_si128(_mm_cmpeq_epi8(block, cr), _mm_cmpeq_epi8(block, lf)));
    }
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  while (i < n && (kSentenceEndTable[static_cast<unsigned char>(text[i])] & stops) == 0) ++i;
  return i;
}

// analysis.sentences.clause_breaks: a token starts a clause when the text between it and the
// previous token holds a comma, semicolon, colon, bracket, or a dash standing alone (" - ", an en
// or em dash); a hyphen inside a word ("14-year-old") is no break.
// Whether token `t` (> 0) starts a clause (MarkClauseBreaks).
bool StartsClause(std::string_view text, const std::vector<Token>& tokens, size_t t) {
  // Tokens a dictionary entry expands to ("rn" -> "right now") share the written span: no gap.
  const uint32_t end = tokens[t - 1].end;
  const uint32_t begin = tokens[t].begin;
  if (begin <= end) return false;
  const std::string_view gap = text.substr(end, begin - end);
  bool clause = gap.find_first_of(",;:()[]") != std::string_view::npos ||
                gap.find("\xE2\x80\x93") != std::string_view::npos ||  // en dash
                gap.find("\xE2\x80\x94") != std::string_view::npos;    // em dash
  for (size_t i = 0; !clause && i < gap.size(); ++i) {
    const bool spaced_before = i == 0 || gap[i - 1] == ' ';
    const bool spaced_after = i + 1 == gap.size() || gap[i + 1] == ' ';
    clause = gap[i] == '-' && spaced_before && spaced_after;
  }
  return clause;
}

void MarkClauseBreaks(std::string_view text, std::vector<Token>* tokens) {
  for (size_t t = 1; t < tokens->size(); ++t) {
    (*tokens)[t].clause_start = StartsClause(text, *tokens, t);
  }
}

// analysis.sentences.lowercase_after_stop: a boundary before the lowercase ASCII letter that
// follows '.', '!' or '?' and spaces or tabs ("he hit me. ahorita estoy bien"), kept sorted.
void AddLowercaseAfterStop(std::string_view text, std::vector<uint32_t>* ends) {
  const size_t before = ends->size();
  // Every stop at a position i with i + 2 < size, in order: the next of each kind is found with
  // memchr (most bytes are none of them) and looked for again once passed.
  const size_t limit = text.size() > 2 ? text.size() - 2 : 0;
  constexpr char kStops[3] = {'.', '!', '?'};
  size_t next[3];
  const auto find = [&](size_t k, size_t from) {
    const void* p = from < limit ? std::memchr(text.data() + from, kStops[k], limit - from) : nullptr;
    next[k] = p != nullptr ? static_cast<size_t>(static_cast<const char*>(p) - text.data()) : limit;
  };
  for (size_t k = 0; k < 3; ++k) find(k, 0);
  while (true) {
    const size_t i = std::min({next[0], next[1], next[2]});
    if (i >= limit) break;
    for (size_t k = 0; k < 3; ++k) {
      if (next[k] == i) find(k, i + 1);
    }
    size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j == i + 1 || j >= text.size() || text[j] < 'a' || text[j] > 'z') continue;
    ends->push_back(static_cast<uint32_t>(j));
  }
  if (ends->size() == before) return;
  std::sort(ends->begin(), ends->end());
  ends->erase(std::unique(ends->begin(), ends->end()), ends->end());
}

// Appends to *ends the sentence boundaries of an ASCII text (excluding 0, including its size),
// as ICU's sentence iterator gives them (SB3-SB11, SB998).
void AsciiSentences(std::string_view text, bool line_breaks, std::vector<uint32_t>* ends) {
  const size_t n = text.size();
  auto cls = [&](size_t i) { return AsciiSentenceClass(text[i], line_breaks); };
  // The bytes that are neither a stop nor (with line_breaks) a line break are stepped over.
  const uint8_t stops = line_breaks ? kStop | kBreak : kStop;
  size_t i = 0;
  while (i < n) {
    i = NextSentenceEnd(text, i, stops);
    if (i == n) break;
    const SentenceClass c = cls(i);
    if (c == SentenceClass::kParaSep) {  // SB3, SB4
      i += (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
      ends->push_back(static_cast<uint32_t>(i));
      continue;
    }
    if (c != SentenceClass::kATerm && c != SentenceClass::kSTerm) {
      ++i;
      continue;
    }
    const bool aterm = c == SentenceClass::kATerm;
    if (aterm && i + 1 < n) {
      const SentenceClass next = cls(i + 1);
      if (next == SentenceClass::kNumeric) {  // SB6
        ++i;
        continue;
      }
      if (next == SentenceClass::kUpper && i > 0 &&
          (cls(i - 1) == SentenceClass::kUpper || cls(i - 1) == SentenceClass::kLower)) {  // SB7
        ++i;
        continue;
      }
    }
    size_t j = i + 1;
    while (j < n && cls(j) == SentenceClass::kClose) ++j;
    while (j < n && cls(j) == SentenceClass::kSp) ++j;
    if (j < n) {
      const SentenceClass next = cls(j);
      if (next == SentenceClass::kSContinue || next == SentenceClass::kATerm ||
          next == SentenceClass::kSTerm) {  // SB8a
        i = j;
        continue;
      }
      if (aterm) {  // SB8
        size_t k = j;
        while (k < n) {
          const SentenceClass s = cls(k);
          if (s == SentenceClass::kUpper || s == SentenceClass::kLower ||
              s == SentenceClass::kParaSep || s == SentenceClass::kATerm ||
              s == SentenceClass::kSTerm) {
            break;
          }
          ++k;
        }
        if (k < n && cls(k) == SentenceClass::kLower) {
          i = j;
          continue;
        }
      }
      if (next == SentenceClass::kParaSep) {  // SB11 takes one paragraph separator
        j += (text[j] == '\r' && j + 1 < n && text[j + 1] == '\n') ? 2 : 1;
      }
    }
    ends->push_back(static_cast<uint32_t>(j));  // SB11
    i = j;
  }
  if (ends->empty() || ends->back() != n) ends->push_back(static_cast<uint32_t>(n));
}

}  // namespace

// ---- Scratch ---------------------------------------------------------------------------------

struct AnalyzerScratch::State {
  const Analyzer* owner = nullptr;
  std::unique_ptr<icu::BreakIterator> words;
  std::unique_ptr<icu::BreakIterator> sentences;
  UText text = UTEXT_INITIALIZER;
  UText blanked_text = UTEXT_INITIALIZER;
  std::vector<StemmerPtr> stemmers;
  FoldBuffers fold;
  std::string form;
  std::string blanked;
  std::vector<uint32_t> sentence_ends;
  bool ascii_fast_path = true;

  ~State() {
    // The iterators hold shallow clones of the UTexts; they go first.
    words.reset();
    sentences.reset();
    utext_close(&text);
    utext_close(&blanked_text);
  }
};

AnalyzerScratch::AnalyzerScratch() : state_(std::make_unique<State>()) {}
AnalyzerScratch::~AnalyzerScratch() = default;

void SetAsciiFastPathForTesting(AnalyzerScratch* scratch, bool enabled) {
  scratch->state_->ascii_fast_path = enabled;
}

// ---- Analyzer --------------------------------------------------------------------------------

struct Analyzer::Impl {
  AnalysisConfig config;
  Dictionary dictionary;
  Folder folder;
  std::unique_ptr<icu::BreakIterator> words;  // prototypes: only cloned
  std::unique_ptr<icu::BreakIterator> sentences;

  Impl(AnalysisConfig c, Dictionary d, Folder f)
      : config(std::move(c)), dictionary(std::move(d)), folder(f) {}

  // Appends one token of `form` at [begin, end).
  static void Push(std::string_view form, uint32_t begin, uint32_t end, AnalyzedText* out) {
    Push(form, HashWord(form), begin, end, out);
  }
  // The same, given `hash` == HashWord(form).
  static void Push(std::string_view form, uint64_t hash, uint32_t begin, uint32_t end,
                   AnalyzedText* out) {
    // The form constructed in place: one copy of its bytes (a temporary moved into an empty
    // form copied a short one twice).
    Token& token = out->tokens.emplace_back(begin, end, form, hash);
    token.is_number = ParseNumber(form, &token.number);
    if (!token.is_number) token.number = 0;
  }

  // A part of a word: its dictionary replacement, else itself.
  void EmitPart(std::string_view form, uint32_t begin, uint32_t end, AnalyzedText* out) const {
    if (const std::vector<std::string>* replacement = dictionary.Find(form)) {
      for (const std::string& word : *replacement) Push(word, begin, end, out);
    } else {
      Push(form, begin, end, out);
    }
  }

  // Step 3 and 4 for one folded word `form` written as text[begin, end).
  void EmitWord(std::string_view text, std::string_view form, uint32_t begin, uint32_t end,
                AnalyzedText* out) const {
    const uint64_t hash = HashWord(form);  // for the dictionary, and the token's if kept
    if (const std::vector<std::string>* replacement = dictionary.Find(form, hash)) {
      for (const std::string& word : *replacement) Push(word, begin, end, out);
      return;
    }
    // [0-9]+ followed by letters only: split at the first letter of the word as written.
    size_t digits = 0;
    while (digits < form.size() && IsAsciiDigit(form[digits])) ++digits;
    if (digits > 0 && digits < form.size() && IsAllLetters(form.substr(digits))) {
      const uint32_t split = FirstLetter(text.substr(begin, end - begin));
      if (split > 0 && split < end - begin) {
        EmitPart(form.substr(0, digits), begin, begin + split, out);
        EmitPart(form.substr(digits), begin + split, end, out);
        return;
      }
    }
    Push(form, hash, begin, end, out);
  }

  static bool IsAllLetters(std::string_view s) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    const auto length = static_cast<int32_t>(s.size());
    for (int32_t i = 0; i < length;) {
      UChar32 c = 0;
      U8_NEXT(p, i, length, c);
      if (c < 0 || !u_isalpha(c)) return false;
    }
    return true;
  }

  // The byte offset of the first letter of `word`, or its size.
  static uint32_t FirstLetter(std::string_view word) {
    const auto* p = reinterpret_cast<const uint8_t*>(word.data());
    const auto length = static_cast<int32_t>(word.size());
    for (int32_t i = 0; i < length;) {
      const int32_t start = i;
      UChar32 c = 0;
      U8_NEXT(p, i, length, c);
      if (c >= 0 && u_isalpha(c)) return static_cast<uint32_t>(start);
    }
    return static_cast<uint32_t>(word.size());
  }

  void Word(std::string_view text, uint32_t begin, uint32_t end, AnalyzerScratch::State* s,
            AnalyzedText* out) const {
    folder.Fold(text.substr(begin, end - begin), &s->fold, &s->form);
    if (!s->form.empty()) EmitWord(text, s->form, begin, end, out);
  }

  // Word() for a word of an all-ASCII text: Folder::Fold of ASCII is lower-casing A-Z (fold.cc),
  // done here in place, without Fold asking again whether the word is ASCII nor filling the form
  // before writing it (a fifth of the analysis of a typical report).
  // A word of up to kShortWord bytes (nearly all) is lower-cased into a buffer on the stack
  // rather than the scratch string.
  void AsciiWord(std::string_view text, uint32_t begin, uint32_t end, AnalyzerScratch::State* s,
                 AnalyzedText* out) const {
    constexpr size_t kShortWord = 32;
    const size_t size = end - begin;
    if (size == 0) return;
    if (size <= kShortWord) {
      char buffer[kShortWord];
      for (size_t i = 0; i < size; ++i) {
        const char c = text[begin + i];
        buffer[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      }
      EmitWord(text, std::string_view(buffer, size), begin, end, out);
      return;
    }
    std::string& form = s->form;
    form.assign(text.data() + begin, size);
    for (char& c : form) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    EmitWord(text, form, begin, end, out);
  }
};

Analyzer::Analyzer() = default;
Analyzer::~Analyzer() = default;

Result<std::shared_ptr<const Analyzer>> Analyzer::Create(const AnalysisConfig& config,
                                                         Dictionary dictionary) {
  if (config.version != 1) {
    return Status::InvalidArgument("unknown analysis version " + std::to_string(config.version));
  }
  for (const std::string& language : config.stem_languages) {
    StemmerPtr stemmer(sb_stemmer_new(language.c_str(), "UTF_8"));
    if (stemmer == nullptr) {
      return Status::InvalidArgument("no Snowball stemmer for '" + language + "'");
    }
  }
  Result<Folder> folder = Folder::Create(config);
  if (!folder.ok()) return folder.status();
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  std::unique_ptr<icu::BreakIterator> sentences(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || words == nullptr || sentences == nullptr) {
    return Status::Internal(std::string("ICU segmentation data unavailable: ") +
                            u_errorName(status));
  }
  std::shared_ptr<Analyzer> analyzer(new Analyzer());
  analyzer->impl_ = std::make_unique<Impl>(config, std::move(dictionary), *folder);
  analyzer->impl_->words = std::move(words);
  analyzer->impl_->sentences = std::move(sentences);
  return std::shared_ptr<const Analyzer>(std::move(analyzer));
}

const AnalysisConfig& Analyzer::config() const { return impl_->config; }

std::unique_ptr<AnalyzerScratch> Analyzer::NewScratch() const {
  std::unique_ptr<AnalyzerScratch> scratch(new AnalyzerScratch());
  AnalyzerScratch::State& s = *scratch->state_;
  s.owner = this;
  s.words.reset(impl_->words->clone());
  s.sentences.reset(impl_->sentences->clone());
  for (const std::string& language : impl_->config.stem_languages) {
    s.stemmers.emplace_back(sb_stemmer_new(language.c_str(), "UTF_8"));
  }
  return scratch;
}

std::string Analyzer::Fold(std::string_view word, AnalyzerScratch* scratch) const {
  std::string out;
  impl_->folder.Fold(word, &scratch->state_->fold, &out);
  return out;
}

std::string Analyzer::Stem(std::string_view form, size_t language, AnalyzerScratch* scratch) const {
  assert(language < impl_->config.stem_languages.size());
  AnalyzerScratch::State& s = *scratch->state_;
  if (language >= s.stemmers.size() || s.stemmers[language] == nullptr ||
      form.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return std::string(form);
  }
  sb_stemmer* stemmer = s.stemmers[language].get();
  const sb_symbol* stem = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(form.data()),
                                          static_cast<int>(form.size()));
  if (stem == nullptr) return std::string(form);  // out of memory
  return std::string(reinterpret_cast<const char*>(stem),
                     static_cast<size_t>(sb_stemmer_length(stemmer)));
}

void Analyzer::Analyze(std::string_view text, AnalyzerScratch* scratch, AnalyzedText* out) const {
  out->Clear();
  AnalyzerScratch::State& s = *scratch->state_;
  assert(s.owner == this);
  if (text.size() > kMaxTextBytes) text = text.substr(0, kMaxTextBytes);
  const bool line_breaks = impl_->config.line_breaks_end_sentences;
  s.sentence_ends.clear();

  if (s.ascii_fast_path && IsAscii(text)) {
    AsciiWords(text,
               [&](uint32_t begin, uint32_t end) { impl_->AsciiWord(text, begin, end, &s, out); });
    if (out->tokens.empty()) return;
    AsciiSentences(text, line_breaks, &s.sentence_ends);
  } else {
    if (s.words == nullptr || s.sentences == nullptr) return;  // a clone failed: out of memory
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&s.text, text.data(), static_cast<int64_t>(text.size()), &status);
    s.words->setText(&s.text, status);
    if (U_FAILURE(status)) return;
    int32_t begin = s.words->first();
    for (int32_t end = s.words->next(); end != icu::BreakIterator::DONE;
         begin = end, end = s.words->next()) {
      if (s.words->getRuleStatus() == UBRK_WORD_NONE &&
          IsAscii(text.substr(begin, end - begin))) {
        continue;  // spaces and ASCII punctuation; other segments are checked character by
                   // character
      }
      if (!HasLetterOrDigit(text.substr(begin, end - begin))) continue;
      impl_->Word(text, static_cast<uint32_t>(begin), static_cast<uint32_t>(end), &s, out);
    }
    if (out->tokens.empty()) return;

    UText* sentence_text = &s.text;
    if (!line_breaks && HasLineBreak(text)) {
      BlankLineBreaks(text, &s.blanked);
      utext_openUTF8(&s.blanked_text, s.blanked.data(), static_cast<int64_t>(s.blanked.size()),
                     &status);
      sentence_text = &s.blanked_text;
    }
    s.sentences->setText(sentence_text, status);
    if (U_FAILURE(status)) return;
    s.sentences->first();
    for (int32_t end = s.sentences->next(); end != icu::BreakIterator::DONE;
         end = s.sentences->next()) {
      s.sentence_ends.push_back(static_cast<uint32_t>(end));
    }
  }

  if (impl_->config.lowercase_after_stop) AddLowercaseAfterStop(text, &s.sentence_ends);
  if (impl_->config.clause_breaks) MarkClauseBreaks(text, &out->tokens);

  // Sentence indices: a boundary starts a new sentence only after a token.
  uint32_t sentence = 0;
  bool has_token = false;
  size_t next_end = 0;
  for (size_t t = 0; t < out->tokens.size(); ++t) {
    Token& token = out->tokens[t];
    while (next_end < s.sentence_ends.size() && s.sentence_ends[next_end] <= token.begin) {
      if (has_token) {
        ++sentence;
        has_token = false;
      }
      ++next_end;
    }
    token.sentence = sentence;
    if (!has_token) {
      out->sentence_starts.push_back(static_cast<uint32_t>(t));
      has_token = true;
    }
  }
}

bool Analyzer::AnalyzeLines(std::string_view text, const std::vector<Line>& lines,
                            AnalyzedText* out) const {
  if (!impl_->config.line_breaks_end_sentences || text.size() > kMaxTextBytes) return false;
  out->Clear();
  uint32_t sentences = 0;
  for (const Line& line : lines) {
    const size_t first = out->tokens.size();
    for (const Token& token : line.analyzed->tokens) {
      Token& joined = out->tokens.emplace_back(token);
      joined.begin += line.offset;
      joined.end += line.offset;
      joined.sentence += sentences;
    }
    for (const uint32_t start : line.analyzed->sentence_starts) {
      out->sentence_starts.push_back(start + static_cast<uint32_t>(first));
    }
    sentences += static_cast<uint32_t>(line.analyzed->sentence_starts.size());
    // A line's first token: its clause_start reads the text since the previous line's last.
    if (impl_->config.clause_breaks && first > 0 && first < out->tokens.size()) {
      out->tokens[first].clause_start = StartsClause(text, out->tokens, first);
    }
  }
  return true;
}

}  // namespace triage::internal
