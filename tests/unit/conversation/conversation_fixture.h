// SPDX-License-Identifier: Apache-2.0
// Shared by the conversation tests: a small pack whose rules need several messages of a story to
// reach P1, SMS records built field by field, and a conversation scanner with its store.
#ifndef TRIAGE_TESTS_UNIT_CONVERSATION_CONVERSATION_FIXTURE_H_
#define TRIAGE_TESTS_UNIT_CONVERSATION_CONVERSATION_FIXTURE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/triage.h"

#include "support/compile_helpers.h"

namespace triage::conversation_testing {

// A keyword alone is a contact (P4); a place is P3; someone controlling the texter is P3 on its
// own; a place and control together are P1 (a floor). "safe now" lowers a message's own urgency.
inline constexpr char kStoryRules[] = R"(
category hotline_contact "A contact with no case in it yet"
category sex_trafficking "Sex trafficking"

rule keyword_only "A carrier keyword alone" {
  when     kind == "sms" and text ~ /^\s*(?:help|info|ayuda)\s*$/i
  urgency  +5
  category hotline_contact +50
}

rule place_stated "The texter says where they are" {
  when     text ~ /\b(?:motel|hotel|room\s+\d+)\b/i
  urgency  +20
}

rule controlled "Someone controls the texter's phone or movements" {
  when     text ~ /\b(?:has my phone|took my phone|coming back|wont let me leave)\b/i
  urgency  +30
  category sex_trafficking +40
}

rule held_at_a_place "Controlled, and the place is known: act now" {
  when     place_stated and controlled
  urgency  >= 85
  route    "duty-officer"
}

rule says_safe "The texter says they are safe" {
  when     text ~ /\bsafe now\b/i
  urgency  -40
}
)";

// The conversations section of the test config (with `extra` appended inside it).
inline std::string StoryConfig(const std::string& extra = "") {
  return "conversations:\n"
         "  idle_timeout: 15m\n"
         "  replies:\n"
         "    HELP: \"Hotline: text your question. Reply STOP to opt out.\"\n"
         "    AYUDA: \"Linea de ayuda: escriba su pregunta. Responda PARAR para salir.\"\n"
         "    START: \"You can text us again.\"\n" +
         extra;
}

// Compiles kStoryRules (or `rules`) with `config`. EXPECTs success.
inline RuleSet CompileStory(const std::string& config = StoryConfig(),
                            const std::string& rules = kStoryRules) {
  testing::Compiled compiled = testing::CompileText(rules, config);
  EXPECT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  return *compiled.rules;
}

// One SMS record. `conversation` or `from` may be empty (the member is then left out).
struct Sms {
  std::string id;
  std::string body;
  std::string received_at;
  std::string conversation;
  std::string from = "h:5f1c0a";
  std::string to = "233733";

  std::string Json() const {
    std::string json = R"({"id":")" + id + R"(","kind":"sms")";
    if (!conversation.empty()) json += R"(,"conversation":")" + conversation + "\"";
    if (!from.empty()) json += R"(,"from":")" + from + "\"";
    if (!to.empty()) json += R"(,"to":")" + to + "\"";
    if (!received_at.empty()) json += R"(,"received_at":")" + received_at + "\"";
    return json + R"(,"body":")" + body + "\"}";
  }
};

// A conversation scanner over its own in-memory store.
class Thread {
 public:
  explicit Thread(const RuleSet& rules)
      : store_(std::make_unique<MemoryConversationStore>(rules.config().conversations)),
        scanner_(rules, store_.get()) {}

  // Scans one record; EXPECTs success. The message's own decision goes to *message if given.
  Decision Scan(const std::string& json, Decision* message = nullptr) {
    Decision decision;
    const Status status = scanner_.ScanJson(json, &decision, message);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return decision;
  }
  Decision Scan(const Sms& sms, Decision* message = nullptr) { return Scan(sms.Json(), message); }

  ConversationScanner& scanner() { return scanner_; }
  MemoryConversationStore& store() { return *store_; }

 private:
  std::unique_ptr<MemoryConversationStore> store_;
  ConversationScanner scanner_;
};

// The conversation of a decision; ADD_FAILUREs and returns an empty one when there is none.
inline ConversationInfo Info(const Decision& decision) {
  if (!decision.conversation.has_value()) {
    ADD_FAILURE() << "no conversation in " << DecisionToJson(decision);
    return {};
  }
  return *decision.conversation;
}

}  // namespace triage::conversation_testing

#endif  // TRIAGE_TESTS_UNIT_CONVERSATION_CONVERSATION_FIXTURE_H_
