// SPDX-License-Identifier: Apache-2.0
// Carrier keywords (keywords.h). Messages are compared in their folded form; a message much
// longer than the longest keyword is no keyword and is not folded at all, so the check costs
// nothing on ordinary text.
#include "conversation/keywords.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace triage::internal {
namespace {

// White space at the ends of a keyword message: the Unicode White_Space property (spaces, tabs,
// line breaks, NBSP and the other spaces).
bool IsSpace(UChar32 c) { return u_isUWhiteSpace(c) != 0; }

// Returns `text` without white space at its ends (a byte that is not valid UTF-8 is not white
// space and stays).
std::string_view Trim(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t begin = -1;  // the first byte that is not white space
  int32_t end = 0;     // just after the last one
  for (int32_t i = 0; i < length;) {
    const int32_t at = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && IsSpace(c)) continue;
    if (begin < 0) begin = at;
    end = i;
  }
  if (begin < 0) return {};
  return text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
}

}  // namespace

std::string FoldKeyword(std::string_view text) {
  const std::string_view trimmed = Trim(text);
  bool ascii = true;
  for (const char c : trimmed) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    std::string folded(trimmed);
    for (char& c : folded) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return folded;
  }
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
      icu::StringPiece(trimmed.data(), static_cast<int32_t>(trimmed.size())));
  unicode.foldCase(U_FOLD_CASE_DEFAULT);
  std::string folded;
  unicode.toUTF8String(folded);
  return folded;
}

bool IsOneWord(std::string_view text) {
  const std::string_view trimmed = Trim(text);
  if (trimmed.empty()) return false;
  const auto* bytes = reinterpret_cast<const uint8_t*>(trimmed.data());
  const auto length = static_cast<int32_t>(trimmed.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && IsSpace(c)) return false;
  }
  return true;
}

KeywordTable::KeywordTable(const ConversationConfig& config) : config_(config) {
  const auto add = [this](const std::vector<std::string>& words, CarrierKeyword keyword) {
    for (const std::string& word : words) {
      Entry& entry = by_folded_[FoldKeyword(word)];
      entry.keyword = keyword;
      if (word.size() > longest_) longest_ = word.size();
    }
  };
  add(config_.help_keywords, CarrierKeyword::kHelp);
  add(config_.stop_keywords, CarrierKeyword::kStop);
  add(config_.start_keywords, CarrierKeyword::kStart);
  for (const ConversationConfig::Reply& reply : config_.replies) {
    const auto found = by_folded_.find(FoldKeyword(reply.keyword));
    // The config reader refuses a reply to a stop keyword or to no keyword at all.
    if (found != by_folded_.end() && found->second.keyword != CarrierKeyword::kStop) {
      found->second.reply = &reply.text;
    }
  }
}

CarrierKeyword KeywordTable::Classify(std::string_view text, const std::string** reply) const {
  *reply = nullptr;
  // Surrounding white space aside, a keyword message is no longer than the longest keyword
  // (case folding can change the length a little: allow for it).
  constexpr size_t kSlack = 64;
  if (text.size() > 4 * longest_ + kSlack) return CarrierKeyword::kNone;
  const auto found = by_folded_.find(FoldKeyword(text));
  if (found == by_folded_.end()) return CarrierKeyword::kNone;
  *reply = found->second.reply;
  return found->second.keyword;
}

}  // namespace triage::internal
