// SPDX-License-Identifier: Apache-2.0
// Word folding, step 2 of the text analysis (analyzer.h): one word as written -> its normalised
// form. In order:
//   a. NFKC with full case folding (ICU's nfkc_cf): compatibility characters become their plain
//      forms ("ﬁ" -> "fi", fullwidth "１４" -> "14"), case is folded ("Straße" -> "strasse"),
//      default-ignorable characters (soft hyphen, zero-width joiner) disappear.
//   b. Accent folding (AnalysisConfig::fold_accents): canonical decomposition, nonspacing marks
//      (General_Category Mn) removed, recomposition ("niña" -> "nina").
//   c. Apostrophes: U+2018, U+2019 and U+02BC become U+0027 ("don’t" -> "don't").
//   d. Confusable folding (AnalysisConfig::fold_confusables): a letter of a script other than
//      Latin (Common and Inherited letters are left alone) whose ICU confusable skeleton is one
//      ASCII letter is replaced by that letter, lower-cased, only when every such letter of the
//      word has one ("pаssport" with a Cyrillic "а" -> "passport"). Digits never change.
// A word of ASCII characters only takes a shortcut: nfkc_cf of ASCII is ASCII lower-casing and
// steps b-d change nothing.
#ifndef TRIAGE_ANALYSIS_FOLD_H_
#define TRIAGE_ANALYSIS_FOLD_H_

#include <string>
#include <string_view>

#include "triage/config.h"
#include "triage/status.h"
#include "util/ascii.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace triage::internal {

// The apostrophes step c folds to U+0027, U+0027 itself included: U+2018, U+2019, U+02BC.
inline bool IsFoldedApostrophe(UChar32 c) {
  return c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x02BC;
}

// Reusable buffers of Folder::Fold. Not thread-safe; one per thread.
struct FoldBuffers {
  icu::UnicodeString a;
  icu::UnicodeString b;
};

// Folds words as one AnalysisConfig says. Immutable after Create and safe for concurrent use by
// multiple threads, each with its own FoldBuffers (the ICU normalisers are process-wide
// singletons; the confusable table is built once per process, on first need).
class Folder {
 public:
  // Returns a folder for `config`, or Internal if ICU's normalisation data cannot be loaded.
  static Result<Folder> Create(const AnalysisConfig& config);

  // Writes the folded form of `word` (UTF-8; an invalid sequence becomes U+FFFD) into *out.
  void Fold(std::string_view word, FoldBuffers* buffers, std::string* out) const;

 private:
  Folder() = default;

  // Replaces confusable letters of *word in place (step d).
  static void FoldConfusables(icu::UnicodeString* word);

  const icu::Normalizer2* nfkc_cf_ = nullptr;
  const icu::Normalizer2* nfd_ = nullptr;
  const icu::Normalizer2* nfc_ = nullptr;
  bool accents_ = true;
  bool confusables_ = true;
};

}  // namespace triage::internal

#endif  // TRIAGE_ANALYSIS_FOLD_H_
