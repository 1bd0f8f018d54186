// SPDX-License-Identifier: Apache-2.0
// Carrier keywords: the words a texter sends alone to a shortcode (HELP, STOP, START) and that the
// hotline, like the carriers, must act on. A message is a keyword when, trimmed of white space at
// both ends, it is one of the configured words in any case: "stop", " Stop \n" and "STOP" are;
// "stop texting me", "STOP." and "pls stop" are not. Case is compared after Unicode full case
// folding (ICU), so that "AYUDA", "ayuda" and "Ayuda" meet, and so would non-ASCII keywords.
//
// The config reader uses FoldKeyword and IsOneWord to check the lists (a keyword given twice, in
// two lists, or with a space in it is an error); the conversation scanner classifies messages
// with a KeywordTable built once per ruleset.
#ifndef TRIAGE_CONVERSATION_KEYWORDS_H_
#define TRIAGE_CONVERSATION_KEYWORDS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "triage/config.h"
#include "triage/decision.h"

namespace triage::internal {

// Returns `text` trimmed of white space at both ends and case-folded: the form in which keywords
// and messages are compared. Invalid UTF-8 folds to a form no keyword has.
std::string FoldKeyword(std::string_view text);

// True if `text`, trimmed, is non-empty and holds no white space.
bool IsOneWord(std::string_view text);

// The keywords of one ConversationConfig, ready to classify messages. Immutable once built;
// safe for concurrent use.
class KeywordTable {
 public:
  explicit KeywordTable(const ConversationConfig& config);

  // Returns the class of a message whose text is `text` (kNone for any other message). When it
  // is a keyword with a configured reply, *reply points at the reply text (else null).
  CarrierKeyword Classify(std::string_view text, const std::string** reply) const;

 private:
  struct Entry {
    CarrierKeyword keyword = CarrierKeyword::kNone;
    const std::string* reply = nullptr;  // into config_.replies
  };
  ConversationConfig config_;
  std::unordered_map<std::string, Entry> by_folded_;
  size_t longest_ = 0;  // bytes of the longest keyword as written
};

}  // namespace triage::internal

#endif  // TRIAGE_CONVERSATION_KEYWORDS_H_
