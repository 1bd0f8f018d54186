// SPDX-License-Identifier: Apache-2.0
// Decision: what the engine decided for one record — urgency score and band, categories, the rules
// that fired with their contributions, tags, routes — and the identity of the ruleset and engine
// that decided it. Its JSON form (DecisionToJson) is the `triage` object of DESIGN.md and is
// byte-identical for the same record and ruleset.
#ifndef TRIAGE_DECISION_H_
#define TRIAGE_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/export.h"
#include "triage/status.h"

namespace triage {

struct CategoryScore {
  std::string name;
  int score = 0;
};

// One rule that fired, with what it contributed (after config overrides).
struct RuleHit {
  std::string rule;
  int urgency = 0;                        // additive urgency (0 if none)
  std::optional<int> floor;               // urgency floor, if the rule sets one
  std::vector<CategoryScore> categories;  // in the order the rule declares them
};

// The state of a conversation (conversation_scanner.h).
enum class ConversationState {
  kOpen,      // messages may come and replies may be sent
  kClosed,    // idle past the timeout: the next message opens a new conversation
  kOptedOut,  // the sender texted a stop keyword: no reply may be sent until a start keyword
};

// A carrier keyword a message consisted of (docs/conversations.md).
enum class CarrierKeyword {
  kNone,   // an ordinary message
  kHelp,   // HELP, INFO, AYUDA...: opens or continues a conversation
  kStop,   // STOP, END, CANCEL...: ends the conversation and opts the sender out
  kStart,  // START, UNSTOP, YES...: opts an opted-out sender back in
};

// Returns "open", "closed", "opted_out".
TRIAGE_EXPORT const char* ConversationStateName(ConversationState state);
// Returns "help", "stop", "start" ("" for kNone).
TRIAGE_EXPORT const char* CarrierKeywordName(CarrierKeyword keyword);

// Where an SMS message stands in its conversation, and what the message decided on its own. The
// conversation's own decision (the highest the conversation has reached while open) is the
// Decision that carries this.
struct ConversationInfo {
  std::string id;      // "<key>@<opening time>": the key is the record's `conversation`,
                       // or "ft-" and a digest of (from, to), never the numbers themselves
  uint64_t index = 0;  // the message's position in the conversation, from 1
  ConversationState state = ConversationState::kOpen;  // after this message
  std::optional<int64_t> opened_at;  // microseconds since the epoch (UTC), when known
  std::optional<int64_t> at;         // this message's received_at, when it had a valid one
  // When it closes unless another message comes; none once a stop keyword ended it.
  std::optional<int64_t> closes_at;
  CarrierKeyword keyword = CarrierKeyword::kNone;
  // The conversation's earlier messages were let go for memory (conversations.max_open) while
  // it was open: the rules read only the messages since.
  bool context_lost = false;
  // The message on its own.
  int message_urgency = 0;
  std::string message_band;
  std::vector<CategoryScore> message_categories;
  std::vector<std::string> message_rules;
};

struct Decision {
  std::optional<std::string> id;          // the record's `id` field, when mapped and present
  int urgency = 0;                        // final score, in [0, urgency.max]
  std::string band;                       // name of the band the score falls in
  std::vector<CategoryScore> categories;  // assigned categories, highest score first
  std::vector<RuleHit> rules;             // fired rules, in evaluation order
  std::vector<std::string> tags;          // distinct, in order of first appearance
  std::vector<std::string> routes;        // distinct, in order of first appearance
  // An SMS message threaded into a conversation: where it stands (the fields above are then the
  // conversation's decision). Absent for every other record.
  std::optional<ConversationInfo> conversation;
  // The auto-reply the config gives for the carrier keyword this message was, if any. Never set
  // while the sender is opted out.
  std::optional<std::string> reply;
  std::string ruleset;  // "sha256:<hex>"
  std::string engine;   // engine version, e.g. "0.1.0"
};

// Returns the `triage` object of a decision as compact JSON:
// {"urgency":{"score":85,"band":"P1"},"categories":[...],"rules":[...],"tags":[...],
//  "routes":[...],"ruleset":"sha256:...","engine":"0.1.0"}
// with, for a conversation message, "conversation":{...} and "reply" (when set) before "ruleset"
// (docs/conversations.md gives the object).
TRIAGE_EXPORT std::string DecisionToJson(const Decision& decision);

// How `triage filter` writes a record's line.
enum class OutputMode {
  kAnnotate,  // the input record with a "triage" member added (replacing any existing one)
  kDecision,  // {"id":...,"triage":{...}} only
};

// Returns the output line (without '\n') for a triaged record. `record_json` is the input line,
// which REQUIRES to be a valid JSON object (it was scanned). Never fails.
TRIAGE_EXPORT std::string FormatDecisionLine(std::string_view record_json, const Decision& decision,
                                             OutputMode mode);

// Returns the output line (without '\n') for a record that could not be triaged:
// {"line":17,"id":"r-9","triage":{"error":{"code":"invalid_json","message":"..."}}}
// `id` is included when known. REQUIRES: error.code() == Status::Code::kInvalidRecord.
TRIAGE_EXPORT std::string FormatErrorLine(uint64_t line, const std::optional<std::string>& id,
                                          const Status& error);

}  // namespace triage

#endif  // TRIAGE_DECISION_H_
