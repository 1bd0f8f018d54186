// SPDX-License-Identifier: Apache-2.0
// Folder: see fold.h. The confusable table is computed once per process from ICU's spoof checker:
// every letter of a script other than Latin, Common and Inherited whose skeleton (UTS #39) is one
// ASCII letter. Asking the checker per letter while analysing would cost a skeleton computation
// per non-Latin letter of every text; the table costs a few milliseconds once and is then a
// binary search.
#include "analysis/fold.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/status.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>

namespace triage::internal {
namespace {

// Scripts skipped when building the confusable table: large ideographic or syllabic repertoires
// that hold no letter resembling a single ASCII letter (checked against ICU 72's data); skipping
// them makes the one-time scan about ten times faster.
bool IsSkippedScript(UScriptCode script) {
  switch (script) {
    case USCRIPT_LATIN:
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
    case USCRIPT_HAN:
    case USCRIPT_HANGUL:
    case USCRIPT_TANGUT:
    case USCRIPT_YI:
    case USCRIPT_KHITAN_SMALL_SCRIPT:
    case USCRIPT_NUSHU:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_EGYPTIAN_HIEROGLYPHS:
    case USCRIPT_CUNEIFORM:
      return true;
    default:
      return false;
  }
}

// True for a letter of a script other than Latin, Common and Inherited: the letters confusable
// folding considers.
bool IsForeignLetter(UChar32 c) {
  if (!u_isalpha(c)) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) && script != USCRIPT_LATIN && script != USCRIPT_COMMON &&
         script != USCRIPT_INHERITED;
}

using ConfusableTable = std::vector<std::pair<UChar32, char>>;  // sorted by code point

ConfusableTable BuildConfusableTable() {
  ConfusableTable table;
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* checker = uspoof_open(&status);
  if (U_FAILURE(status)) return table;  // no data: confusable folding then changes nothing
  for (UChar32 c = 0x80; c <= 0x10FFFF; ++c) {
    if (!u_isalpha(c)) continue;
    status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    if (U_FAILURE(status) || IsSkippedScript(script)) continue;
    UChar in[2];
    int32_t length = 0;
    U16_APPEND_UNSAFE(in, length, c);
    UChar skeleton[8];
    status = U_ZERO_ERROR;
    const int32_t n = uspoof_getSkeleton(checker, 0, in, length, skeleton, 8, &status);
    if (U_FAILURE(status) || n != 1) continue;
    const UChar s = skeleton[0];
    if (s >= 'a' && s <= 'z') {
      table.emplace_back(c, static_cast<char>(s));
    } else if (s >= 'A' && s <= 'Z') {
      // Forms are case-folded: a caseless letter that resembles a capital reads as its lower case.
      table.emplace_back(c, static_cast<char>(s - 'A' + 'a'));
    }
  }
  uspoof_close(checker);
  return table;
}

const ConfusableTable& Confusables() {
  static const auto* table = new ConfusableTable(BuildConfusableTable());
  return *table;
}

// The ASCII letter that `c` reads as, or 0.
char ConfusableOf(UChar32 c) {
  const ConfusableTable& table = Confusables();
  const auto it =
      std::lower_bound(table.begin(), table.end(), c,
                       [](const auto& entry, UChar32 key) { return entry.first < key; });
  return it != table.end() && it->first == c ? it->second : 0;
}

}  // namespace

Result<Folder> Folder::Create(const AnalysisConfig& config) {
  Folder folder;
  UErrorCode status = U_ZERO_ERROR;
  folder.nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  folder.nfd_ = icu::Normalizer2::getNFDInstance(status);
  folder.nfc_ = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) {
    return Status::Internal(std::string("ICU normalisation data unavailable: ") +
                            u_errorName(status));
  }
  folder.accents_ = config.fold_accents;
  folder.confusables_ = config.fold_confusables;
  return folder;
}

void Folder::FoldConfusables(icu::UnicodeString* word) {
  // First pass: does every foreign letter have an ASCII reading? Second: replace them.
  bool any = false;
  for (int32_t i = 0; i < word->length(); i = word->moveIndex32(i, 1)) {
    const UChar32 c = word->char32At(i);
    if (!IsForeignLetter(c)) continue;
    if (ConfusableOf(c) == 0) return;
    any = true;
  }
  if (!any) return;
  icu::UnicodeString folded;
  for (int32_t i = 0; i < word->length(); i = word->moveIndex32(i, 1)) {
    const UChar32 c = word->char32At(i);
    folded.append(IsForeignLetter(c) ? static_cast<UChar32>(ConfusableOf(c)) : c);
  }
  *word = std::move(folded);
}

void Folder::Fold(std::string_view word, FoldBuffers* buffers, std::string* out) const {
  out->clear();
  if (IsAscii(word)) {
    out->resize(word.size());
    char* d = out->data();
    for (size_t i = 0; i < word.size(); ++i) {
      const char c = word[i];
      d[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return;
  }
  icu::UnicodeString& a = buffers->a;
  icu::UnicodeString& b = buffers->b;
  // fromUTF8 turns an ill-formed sequence into U+FFFD.
  a = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  UErrorCode status = U_ZERO_ERROR;
  nfkc_cf_->normalize(a, b, status);
  if (accents_ && U_SUCCESS(status)) {
    nfd_->normalize(b, a, status);
    b.remove();  // keeps the capacity
    for (int32_t i = 0; i < a.length(); i = a.moveIndex32(i, 1)) {
      const UChar32 c = a.char32At(i);
      if (u_charType(c) != U_NON_SPACING_MARK) b.append(c);
    }
    nfc_->normalize(b, a, status);
    a.swap(b);
  }
  if (U_FAILURE(status)) {
    // Not expected once the data loaded; keep the word as written rather than lose it.
    out->assign(word);
    return;
  }
  for (int32_t i = 0; i < b.length(); ++i) {
    const UChar u = b.charAt(i);
    if (u != u'\'' && IsFoldedApostrophe(u)) b.setCharAt(i, u'\'');
  }
  if (confusables_) FoldConfusables(&b);
  b.toUTF8String(*out);
}

}  // namespace triage::internal
