// SPDX-License-Identifier: Apache-2.0
// Dictionary: the lexical-normalisation files of the `analysis:` section (analyzer.h has the
// format). A file is read line by line; each line is checked on its own, so that every malformed
// line of a file is reported in one run:
//   - the line is valid UTF-8;
//   - it has the shape `from => to [to ...]`: one word on the left, at least one on the right;
//   - every word is one word for the text analysis: ICU's word segmentation leaves it in one
//     piece and it holds a letter or a digit ("y/o" is two words in a text, so an entry for it
//     could never apply);
//   - `from` is not given twice in the file (after folding: "U" and "u" are the same entry).
// Later files override earlier entries, on purpose: a pack's own file can correct a shared one.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"

#include "analysis/analyzer.h"
#include "analysis/fold.h"
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

namespace triage::internal {
namespace {

constexpr std::string_view kArrow = "=>";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// A piece of a line with its offset in the file.
struct Piece {
  std::string_view text;
  uint32_t begin = 0;
  SourceSpan span() const { return {begin, begin + static_cast<uint32_t>(text.size())}; }
};

Piece Trim(Piece p) {
  while (!p.text.empty() && IsBlank(p.text.front())) {
    p.text.remove_prefix(1);
    ++p.begin;
  }
  while (!p.text.empty() && IsBlank(p.text.back())) p.text.remove_suffix(1);
  return p;
}

// Splits `p` at blanks into words.
std::vector<Piece> SplitWords(Piece p) {
  std::vector<Piece> words;
  size_t i = 0;
  while (i < p.text.size()) {
    while (i < p.text.size() && IsBlank(p.text[i])) ++i;
    const size_t start = i;
    while (i < p.text.size() && !IsBlank(p.text[i])) ++i;
    if (i > start) {
      words.push_back({p.text.substr(start, i - start), p.begin + static_cast<uint32_t>(start)});
    }
  }
  return words;
}

// The offset of the first ill-formed UTF-8 sequence of `s`, or its size.
size_t FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(p, i, length, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return s.size();
}

// Checks that `word` is one word of the text analysis; returns what is wrong, or "".
std::string WordProblem(std::string_view word, icu::BreakIterator* words) {
  bool has_letter_or_digit = false;
  const auto* p = reinterpret_cast<const uint8_t*>(word.data());
  const auto length = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(p, i, length, c);
    if (c >= 0 && u_isalnum(c)) has_letter_or_digit = true;
  }
  if (!has_letter_or_digit) return "it holds no letter or digit";
  if (words == nullptr) return {};
  UErrorCode status = U_ZERO_ERROR;
  UText text = UTEXT_INITIALIZER;
  utext_openUTF8(&text, word.data(), length, &status);
  words->setText(&text, status);
  const int32_t first_end = U_SUCCESS(status) ? words->following(0) : length;
  utext_close(&text);
  if (first_end != length) return "a text would be split into several words there";
  return {};
}

}  // namespace

bool Dictionary::AddFile(const SourceManager& sources, FileId file, const AnalysisConfig& settings,
                         Diagnostics* diagnostics) {
  const std::string& text = sources.file(file).text();
  size_t errors = 0;
  auto error = [&](std::string message, SourceSpan span) {
    diagnostics->Error("bad-dictionary", std::move(message), file, span);
    ++errors;
  };
  const Result<Folder> folder = Folder::Create(settings);
  if (!folder.ok()) {
    error(folder.status().message(), {});
    return false;
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) words.reset();
  FoldBuffers buffers;

  struct Added {
    std::string from;
    std::vector<std::string> to;
    SourceSpan span;
  };
  std::vector<Added> added;
  std::unordered_map<std::string, SourceSpan> seen;

  size_t line_begin = 0;
  while (line_begin < text.size()) {
    size_t line_end = text.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = text.size();
    Piece line{std::string_view(text).substr(line_begin, line_end - line_begin),
               static_cast<uint32_t>(line_begin)};
    line_begin = line_end + 1;
    if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
    const size_t invalid = FirstInvalidUtf8(line.text);
    if (invalid != line.text.size()) {
      const uint32_t at = line.begin + static_cast<uint32_t>(invalid);
      error("invalid UTF-8 in the dictionary", {at, at + 1});
      continue;
    }
    const size_t comment = line.text.find('#');
    if (comment != std::string_view::npos) line.text = line.text.substr(0, comment);
    line = Trim(line);
    if (line.text.empty()) continue;

    const size_t arrow = line.text.find(kArrow);
    if (arrow == std::string_view::npos) {
      error("expected 'word => replacement words'", line.span());
      continue;
    }
    const auto arrow_at = line.begin + static_cast<uint32_t>(arrow);
    const SourceSpan arrow_span{arrow_at, arrow_at + static_cast<uint32_t>(kArrow.size())};
    const Piece left = Trim({line.text.substr(0, arrow), line.begin});
    const std::vector<Piece> right =
        SplitWords({line.text.substr(arrow + kArrow.size()), arrow_span.end});
    bool ok = true;
    if (left.text.empty()) {
      error("missing the word before '=>'", arrow_span);
      ok = false;
    } else if (SplitWords(left).size() > 1) {
      error("'" + std::string(left.text) + "' is more than one word; an entry replaces one word",
            left.span());
      ok = false;
    }
    if (right.empty()) {
      error("missing the replacement words after '=>'", arrow_span);
      ok = false;
    }
    std::vector<Piece> all;
    if (ok) all.push_back(left);
    all.insert(all.end(), right.begin(), right.end());
    for (const Piece& word : all) {
      const std::string problem = WordProblem(word.text, words.get());
      if (!problem.empty()) {
        error("'" + std::string(word.text) + "' is not one word: " + problem, word.span());
        ok = false;
      }
    }
    if (!ok) continue;

    Added entry;
    entry.span = left.span();
    folder->Fold(left.text, &buffers, &entry.from);
    for (const Piece& word : right) {
      folder->Fold(word.text, &buffers, &entry.to.emplace_back());
    }
    const auto [it, inserted] = seen.emplace(entry.from, entry.span);
    if (!inserted) {
      error("duplicate entry for '" + entry.from + "'", entry.span);
      diagnostics->Note("first given here", file, it->second);
      continue;
    }
    added.push_back(std::move(entry));
  }

  for (Added& entry : added) {
    const uint32_t id = keys_.Intern(entry.from);
    if (id == replacements_.size()) replacements_.emplace_back();
    replacements_[id] = std::move(entry.to);  // a later file overrides
  }
  return errors == 0;
}

}  // namespace triage::internal
