// SPDX-License-Identifier: Apache-2.0
// AnalysisCache: the analyses of a conversation scanner's recent message texts, so that a
// conversation window (conversation_scanner.cc, step 5) is put together from its messages'
// analyses (Analyzer::AnalyzeLines) instead of analysing every earlier message again at each
// new one. A message stays in its conversation's window for up to max_messages messages, each
// of which evaluates the window. Beside each analysis it keeps the word pass's memo of the text
// as a line (Analyzer::LineMemo: its tokens' keys and phrase matches), counted in the bound ahead
// of being filled (an estimate a token).
//
// Keyed by the text itself (its hash, then its bytes): an analysis is a function of the text
// and the analyzer alone, so whatever the cache holds is right for any conversation, key or
// ruleset with that analyzer, and a miss only costs an analysis. Bounded in bytes, by two
// generations: entries are found in the current one or moved up from the previous one; when
// the current one holds kGenerationBytes at the start of a round, it becomes the previous one
// and the old previous one is dropped. Not thread-safe: one per ConversationScanner.
#ifndef TRIAGE_CONVERSATION_ANALYSIS_CACHE_H_
#define TRIAGE_CONVERSATION_ANALYSIS_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "analysis/analyzer.h"

namespace triage::internal {

class AnalysisCache {
 public:
  // About what one generation holds: texts, tokens and their forms.
  static constexpr size_t kGenerationBytes = size_t{6} << 20;

  explicit AnalysisCache(const Analyzer* analyzer)
      : analyzer_(analyzer), scratch_(analyzer != nullptr ? analyzer->NewScratch() : nullptr) {}

  // Starts a round of Gets (a window): what Gets return stays valid until the next Round. The
  // generations turn over here, never during a round.
  void Round();
  // The analysis of `text` (Analyzer::Analyze), from the cache or computed now; `known`, when
  // not null, is that analysis already computed (copied in on a miss). nullptr when the cache
  // holds another text of the same 64-bit hash (the caller analyses the window itself).
  // `memo`, when not null, gets the word pass's memo of the text as a line (Analyzer::LineMemo),
  // kept with the analysis (and dropped with it). REQUIRES: an analyzer.
  const AnalyzedText* Get(std::string_view text, const AnalyzedText* known = nullptr,
                          Analyzer::LineMemo** memo = nullptr);

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string text;
    AnalyzedText analyzed;
    Analyzer::LineMemo memo;
    size_t bytes = 0;
  };
  using Map = std::unordered_map<uint64_t, Entry>;

  const Analyzer* analyzer_;
  std::unique_ptr<AnalyzerScratch> scratch_;
  Map current_;
  Map previous_;
  size_t current_bytes_ = 0;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace triage::internal

#endif  // TRIAGE_CONVERSATION_ANALYSIS_CACHE_H_
