// SPDX-License-Identifier: Apache-2.0
#include "conversation/analysis_cache.h"

#include <utility>

#include "util/string_table.h"

namespace triage::internal {
namespace {

constexpr size_t kMemoBytesPerToken = 4 * sizeof(uint32_t);

}  // namespace

void AnalysisCache::Round() {
  if (current_bytes_ < kGenerationBytes) return;
  previous_ = std::move(current_);
  current_ = Map();
  current_bytes_ = 0;
}

const AnalyzedText* AnalysisCache::Get(std::string_view text, const AnalyzedText* known,
                                       Analyzer::LineMemo** memo) {
  const uint64_t hash = HashWord(text);
  auto it = current_.find(hash);
  if (it != current_.end()) {
    if (it->second.text != text) return nullptr;
    ++hits_;
    if (memo != nullptr) *memo = &it->second.memo;
    return &it->second.analyzed;
  }
  auto old = previous_.find(hash);
  if (old != previous_.end()) {
    if (old->second.text != text) return nullptr;
    ++hits_;
    auto node = previous_.extract(old);
    current_bytes_ += node.mapped().bytes;
    Entry& moved = current_.insert(std::move(node)).position->second;
    if (memo != nullptr) *memo = &moved.memo;
    return &moved.analyzed;
  }
  ++misses_;
  Entry& entry = current_[hash];
  entry.text.assign(text);
  if (known != nullptr) {
    entry.analyzed = *known;
  } else {
    analyzer_->Analyze(text, scratch_.get(), &entry.analyzed);
  }
  // The word pass's memo, filled later, is counted ahead: a key a token and about one phrase
  // match (three words) a token.
  entry.bytes = sizeof(Entry) + 64 + text.size() +
                entry.analyzed.tokens.size() * (sizeof(Token) + kMemoBytesPerToken) +
                entry.analyzed.sentence_starts.size() * sizeof(uint32_t);
  for (const Token& token : entry.analyzed.tokens) {
    if (token.form.size() > 15) entry.bytes += token.form.size() + 1;
  }
  current_bytes_ += entry.bytes;
  if (memo != nullptr) *memo = &entry.memo;
  return &entry.analyzed;
}

}  // namespace triage::internal
