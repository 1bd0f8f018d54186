// SPDX-License-Identifier: Apache-2.0
// Tests of ConversationScanner (engine/src/conversation/conversation_scanner.cc) through the
// public API: threading by conversation id and by (from, to), the idle split at exactly the
// timeout, carrier keywords and what is not one, STOP then a new message, START, replies, the
// monotone urgency, the four-message story that reaches P1 only on its third message, the
// conversation window's bounds, memory eviction, and records that are no conversation message.
#include "triage/conversation_scanner.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/conversation_store.h"
#include "triage/timestamp.h"
#include "triage/triage.h"

#include "unit/conversation/conversation_fixture.h"

namespace triage {
namespace {

using conversation_testing::CompileStory;
using conversation_testing::Info;
using conversation_testing::Sms;
using conversation_testing::StoryConfig;
using conversation_testing::Thread;
using testing::ScoreNames;

std::vector<std::string> Names(const std::vector<CategoryScore>& categories) {
  std::vector<std::string> names;
  for (const CategoryScore& category : categories) names.push_back(category.name);
  return names;
}

TEST(ConversationScannerTest, ThreadsByConversationIdWhateverTheSender) {
  Thread thread(CompileStory());
  const Decision first = thread.Scan(Sms{"s-1", "HELP", "2026-11-02T23:10:00Z", "c-107", "h:aaaa"});
  const Decision second =
      thread.Scan(Sms{"s-2", "im at a motel", "2026-11-02T23:11:00Z", "c-107", "h:bbbb"});
  const Decision other =
      thread.Scan(Sms{"s-3", "im at a motel", "2026-11-02T23:11:30Z", "c-108", "h:aaaa"});
  EXPECT_EQ(Info(first).id, "c-107@2026-11-02T23:10:00Z");
  EXPECT_EQ(Info(first).index, 1U);
  EXPECT_EQ(Info(second).id, Info(first).id);
  EXPECT_EQ(Info(second).index, 2U);
  EXPECT_EQ(Info(other).id, "c-108@2026-11-02T23:11:30Z");
  EXPECT_EQ(Info(other).index, 1U);
  EXPECT_EQ(second.id, "s-2");
}

TEST(ConversationScannerTest, ThreadsByFromAndToWithoutShowingThem) {
  Thread thread(CompileStory());
  Sms a{"s-1", "HELP", "2026-11-02T10:00:00Z", "", "+15555550123", "233733"};
  Sms b{"s-2", "is this confidential", "2026-11-02T10:01:00Z", "", "+15555550123", "233733"};
  Sms other_shortcode{"s-3", "HELP", "2026-11-02T10:02:00Z", "", "+15555550123", "744744"};
  Sms other_sender{"s-4", "HELP", "2026-11-02T10:03:00Z", "", "+15555550199", "233733"};
  const Decision first = thread.Scan(a);
  const Decision second = thread.Scan(b);
  const Decision third = thread.Scan(other_shortcode);
  const Decision fourth = thread.Scan(other_sender);
  EXPECT_EQ(Info(second).id, Info(first).id);
  EXPECT_EQ(Info(second).index, 2U);
  EXPECT_NE(Info(third).id, Info(first).id);
  EXPECT_NE(Info(fourth).id, Info(first).id);
  EXPECT_EQ(Info(third).index, 1U);
  EXPECT_EQ(Info(first).id.rfind("ft-", 0), 0U) << Info(first).id;
  for (const Decision& decision : {first, second, third, fourth}) {
    const std::string json = DecisionToJson(decision);
    EXPECT_EQ(json.find("5555550"), std::string::npos) << json;
    EXPECT_EQ(json.find("233733"), std::string::npos) << json;
  }
}

TEST(ConversationScannerTest, AConversationIdWrittenLikeAPhoneNumberIsShownAsADigest) {
  Thread thread(CompileStory());
  const char* const phones[] = {"+15555550123", "tel:+1 (555) 555-0123", "5555550123",
                                "whatsapp:+15555550123"};
  int n = 0;
  for (const char* phone : phones) {
    const Decision decision =
        thread.Scan(Sms{"s-" + std::to_string(n++), "HELP", "2026-11-02T10:00:00Z", phone, ""});
    EXPECT_EQ(Info(decision).id.rfind("cv-", 0), 0U) << Info(decision).id;
    const std::string json = DecisionToJson(decision);
    EXPECT_EQ(json.find("555"), std::string::npos) << json;
  }
  // The same number threads as one conversation, whatever its label.
  const Decision again = thread.Scan(Sms{"s-9", "hi", "2026-11-02T10:01:00Z", "+15555550123", ""});
  EXPECT_EQ(Info(again).index, 2U);
  // Ids that are not phone numbers are shown as they are.
  for (const char* id : {"c-107", "CH3f9a0c1d2e", "2026-11-02-c7", "123456"}) {
    const Decision decision =
        thread.Scan(Sms{"s-" + std::to_string(n++), "HELP", "2026-11-02T10:00:00Z", id, ""});
    EXPECT_EQ(Info(decision).id, std::string(id) + "@2026-11-02T10:00:00Z");
  }
}

TEST(ConversationScannerTest, SplitsAtExactlyTheIdleTimeout) {
  Thread thread(CompileStory());
  const Decision opened = thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
  // 14:59.999999 after the last message: still the same conversation.
  const Decision within =
      thread.Scan(Sms{"s-2", "im at a motel", "2026-11-02T10:14:59.999999Z", "c-1"});
  // Exactly 15 minutes after the last message: a new conversation.
  const Decision split =
      thread.Scan(Sms{"s-3", "im at a motel", "2026-11-02T10:29:59.999999Z", "c-1"});
  EXPECT_EQ(Info(within).id, Info(opened).id);
  EXPECT_EQ(Info(within).index, 2U);
  EXPECT_EQ(Info(split).id, "c-1@2026-11-02T10:29:59.999999Z");
  EXPECT_EQ(Info(split).index, 1U);
  EXPECT_EQ(Info(within).closes_at, ParseTimestamp("2026-11-02T10:29:59.999999Z"));
  EXPECT_EQ(Info(split).opened_at, ParseTimestamp("2026-11-02T10:29:59.999999Z"));
}

TEST(ConversationScannerTest, TheTimeoutComesFromTheConfig) {
  Thread thread(CompileStory("conversations:\n  idle_timeout: 60\n"));
  const Decision opened = thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
  const Decision within = thread.Scan(Sms{"s-2", "hi", "2026-11-02T10:00:59Z", "c-1"});
  const Decision split = thread.Scan(Sms{"s-3", "hi", "2026-11-02T10:01:59Z", "c-1"});
  EXPECT_EQ(Info(within).index, 2U);
  EXPECT_EQ(Info(split).index, 1U);
}

TEST(ConversationScannerTest, AMessageWithoutATimeContinuesAndMovesNoClock) {
  Thread thread(CompileStory());
  const Decision opened = thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
  const Decision untimed = thread.Scan(Sms{"s-2", "im at a motel", "not a time", "c-1"});
  const Decision later = thread.Scan(Sms{"s-3", "room 12", "2026-11-02T10:15:00Z", "c-1"});
  EXPECT_EQ(Info(untimed).index, 2U);
  EXPECT_FALSE(Info(untimed).at.has_value());
  EXPECT_EQ(Info(later).index, 1U);  // 15 minutes after the last timed message
  EXPECT_EQ(thread.scanner().counters().untimed, 1U);
}

TEST(ConversationScannerTest, AKeywordIsAContactNotAnEmptyMessage) {
  Thread thread(CompileStory());
  Decision message;
  const Decision help = thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"}, &message);
  EXPECT_EQ(Info(help).keyword, CarrierKeyword::kHelp);
  EXPECT_EQ(help.band, "P4");
  EXPECT_EQ(help.urgency, 5);
  EXPECT_EQ(Names(help.categories), std::vector<std::string>{"hotline_contact"});
  EXPECT_EQ(Info(help).message_categories.front().name, "hotline_contact");
  EXPECT_EQ(help.reply, "Hotline: text your question. Reply STOP to opt out.");
  EXPECT_EQ(Info(help).state, ConversationState::kOpen);
}

TEST(ConversationScannerTest, TheConversationsFallbackIsThatOfItsBand) {
  // categories.fallback_by_band decides the conversation's categories the way it decides a
  // record's: the conversation's band picks the fallback.
  Thread thread(
      CompileStory(StoryConfig() + "categories:\n  fallback_by_band: {P4: hotline_contact}\n"));
  const Decision first =
      thread.Scan(Sms{"s-1", "can I ask something", "2026-11-02T10:00:00Z", "c-1"});
  EXPECT_EQ(first.band, "P4");
  EXPECT_EQ(ScoreNames(first.categories), std::vector<std::string>{"hotline_contact:0"});
  Decision message;
  const Decision second =
      thread.Scan(Sms{"s-2", "I am at the motel", "2026-11-02T10:01:00Z", "c-1"}, &message);
  EXPECT_EQ(second.band, "P3");
  EXPECT_EQ(ScoreNames(second.categories), std::vector<std::string>{"unclassified:0"});
  EXPECT_EQ(ScoreNames(Info(second).message_categories),
            std::vector<std::string>{"unclassified:0"});
}

TEST(ConversationScannerTest, TheConversationsFallbackFollowsTheRecordsField) {
  // categories.fallback_by_field decides a conversation's categories the way it decides a
  // record's: messages to the test line that no category claims are not contacts, both in the
  // message's own decision and in the conversation's (the window keeps the record's fields).
  Thread thread(CompileStory(StoryConfig() +
                             "categories:\n"
                             "  fallback_by_band: {P4: hotline_contact}\n"
                             "  fallback_by_field: {field: channel, values: {test_line: "
                             "unclassified}}\n"));
  const auto sms = [](const Sms& message, const std::string& channel) {
    std::string json = message.Json();
    return json.substr(0, json.size() - 1) + R"(,"channel":")" + channel + "\"}";
  };
  Decision message;
  const Decision first = thread.Scan(
      sms(Sms{"s-1", "can I ask something", "2026-11-02T10:00:00Z", "c-1"}, "test_line"), &message);
  EXPECT_EQ(first.band, "P4");
  EXPECT_EQ(ScoreNames(first.categories), std::vector<std::string>{"unclassified:0"});
  EXPECT_EQ(ScoreNames(message.categories), std::vector<std::string>{"unclassified:0"});
  const Decision second = thread.Scan(
      sms(Sms{"s-2", "is it private", "2026-11-02T10:01:00Z", "c-1"}, "test_line"), &message);
  EXPECT_EQ(Info(second).index, 2U);  // the window of two messages decided
  EXPECT_EQ(ScoreNames(second.categories), std::vector<std::string>{"unclassified:0"});
  EXPECT_EQ(ScoreNames(Info(second).message_categories),
            std::vector<std::string>{"unclassified:0"});

  // The same messages over the hotline's own channel are contacts, by their band.
  const Decision other = thread.Scan(
      sms(Sms{"s-3", "can I ask something", "2026-11-02T10:00:00Z", "c-2"}, "sms"), &message);
  EXPECT_EQ(ScoreNames(other.categories), std::vector<std::string>{"hotline_contact:0"});
  const Decision other_second =
      thread.Scan(sms(Sms{"s-4", "is it private", "2026-11-02T10:01:00Z", "c-2"}, "sms"));
  EXPECT_EQ(Info(other_second).index, 2U);
  EXPECT_EQ(ScoreNames(other_second.categories), std::vector<std::string>{"hotline_contact:0"});
  // A keyword's category is its rule's, whatever the channel.
  const Decision help =
      thread.Scan(sms(Sms{"s-5", "HELP", "2026-11-02T10:00:00Z", "c-3"}, "test_line"));
  EXPECT_EQ(Names(help.categories), std::vector<std::string>{"hotline_contact"});
}

TEST(ConversationScannerTest, KeywordsAreWholeTrimmedMessagesInAnyCase) {
  Thread thread(CompileStory());
  const struct {
    const char* body;
    CarrierKeyword keyword;
  } cases[] = {
      {"help", CarrierKeyword::kHelp},
      {"  Help \\n", CarrierKeyword::kHelp},
      {"ayuda", CarrierKeyword::kHelp},
      {"INFO", CarrierKeyword::kHelp},
      {"help me", CarrierKeyword::kNone},
      {"HELP!", CarrierKeyword::kNone},
      {"stop texting me", CarrierKeyword::kNone},
      {"STOP.", CarrierKeyword::kNone},
      {"pls stop", CarrierKeyword::kNone},
      {"YES", CarrierKeyword::kNone},  // not opted out: an answer, not a keyword
  };
  int n = 0;
  for (const auto& c : cases) {
    // A conversation of its own each.
    const Decision decision = thread.Scan(
        Sms{"s-" + std::to_string(n), c.body, "2026-11-02T10:00:00Z", "c-" + std::to_string(n)});
    ++n;
    EXPECT_EQ(Info(decision).keyword, c.keyword) << c.body;
    EXPECT_EQ(Info(decision).state, ConversationState::kOpen) << c.body;
  }
  for (const char* stop : {"STOP", "stop", " Unsubscribe ", "end", "CANCEL", "quit", "STOPALL",
                           "optout", "REVOKE", "parar", "Alto", "cancelar"}) {
    const Decision decision = thread.Scan(
        Sms{"s-" + std::to_string(n), stop, "2026-11-02T10:00:00Z", "c-" + std::to_string(n)});
    ++n;
    EXPECT_EQ(Info(decision).keyword, CarrierKeyword::kStop) << stop;
    EXPECT_EQ(Info(decision).state, ConversationState::kOptedOut) << stop;
    EXPECT_FALSE(decision.reply.has_value()) << stop;
  }
}

TEST(ConversationScannerTest, StopEndsTheConversationAndNothingIsRepliedAfterIt) {
  Thread thread(CompileStory());
  const Decision help = thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
  const Decision stop = thread.Scan(Sms{"s-2", "STOP", "2026-11-02T10:01:00Z", "c-1"});
  const Decision next = thread.Scan(Sms{"s-3", "im at a motel", "2026-11-02T10:02:00Z", "c-1"});
  const Decision help_again = thread.Scan(Sms{"s-4", "HELP", "2026-11-02T10:03:00Z", "c-1"});
  EXPECT_EQ(Info(stop).id, Info(help).id);
  EXPECT_EQ(Info(stop).state, ConversationState::kOptedOut);
  EXPECT_FALSE(Info(stop).closes_at.has_value());
  EXPECT_FALSE(stop.reply.has_value());
  // The message after STOP is triaged, in a new conversation, and the sender stays opted out.
  EXPECT_NE(Info(next).id, Info(help).id);
  EXPECT_EQ(Info(next).index, 1U);
  EXPECT_EQ(Info(next).state, ConversationState::kOptedOut);
  EXPECT_EQ(next.band, "P3");
  EXPECT_EQ(Info(help_again).index, 2U);
  EXPECT_FALSE(help_again.reply.has_value());
  EXPECT_EQ(thread.scanner().counters().opted_out, 1U);
}

TEST(ConversationScannerTest, NoReplyAfterStopEvenWhenTheStoreForgetsTheSender) {
  // One key remembered at a time: every other sender's message makes the store forget c-1.
  Thread thread(CompileStory(StoryConfig("  max_open: 1\n  max_remembered: 1\n")));
  thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
  thread.Scan(Sms{"s-2", "STOP", "2026-11-02T10:01:00Z", "c-1"});
  thread.Scan(Sms{"o-1", "HELP", "2026-11-02T10:02:00Z", "c-2"});
  thread.Scan(Sms{"o-2", "HELP", "2026-11-02T10:03:00Z", "c-3"});
  EXPECT_EQ(thread.store().stats().forgotten, 2U);
  EXPECT_EQ(thread.store().stats().opt_outs_held, 1U);
  const Decision help = thread.Scan(Sms{"s-3", "HELP", "2026-11-02T10:04:00Z", "c-1"});
  EXPECT_EQ(Info(help).state, ConversationState::kOptedOut);
  EXPECT_FALSE(help.reply.has_value());
  // START still opts back in, and then HELP is answered.
  thread.Scan(Sms{"o-3", "HELP", "2026-11-02T10:05:00Z", "c-4"});
  const Decision start = thread.Scan(Sms{"s-4", "UNSTOP", "2026-11-02T10:06:00Z", "c-1"});
  EXPECT_EQ(Info(start).keyword, CarrierKeyword::kStart);
  EXPECT_EQ(Info(start).state, ConversationState::kOpen);
  EXPECT_EQ(thread.store().stats().opt_outs_forgotten, 0U);
}

TEST(ConversationScannerTest, StartOptsBackInAndMayBeAnswered) {
  Thread thread(CompileStory());
  thread.Scan(Sms{"s-1", "STOP", "2026-11-02T10:00:00Z", "c-1"});
  const Decision start = thread.Scan(Sms{"s-2", "start", "2026-11-02T10:01:00Z", "c-1"});
  const Decision help = thread.Scan(Sms{"s-3", "HELP", "2026-11-02T10:02:00Z", "c-1"});
  const Decision yes = thread.Scan(Sms{"s-4", "YES", "2026-11-02T10:03:00Z", "c-1"});
  EXPECT_EQ(Info(start).keyword, CarrierKeyword::kStart);
  EXPECT_EQ(Info(start).state, ConversationState::kOpen);
  EXPECT_EQ(start.reply, "You can text us again.");
  EXPECT_EQ(help.reply, "Hotline: text your question. Reply STOP to opt out.");
  EXPECT_EQ(Info(help).id, Info(start).id);
  EXPECT_EQ(Info(yes).keyword, CarrierKeyword::kNone);  // opted in already: a message
  EXPECT_EQ(thread.scanner().counters().opted_in, 1U);
}

TEST(ConversationScannerTest, UnstopYesAndSiOptBackInInAnyCase) {
  for (const char* start : {"UNSTOP", "unstop", "YES", " yes ", "Si", "START"}) {
    Thread thread(CompileStory());
    thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
    const Decision stop = thread.Scan(Sms{"s-2", "stop", "2026-11-02T10:01:00Z", "c-1"});
    const Decision silent = thread.Scan(Sms{"s-3", "INFO", "2026-11-02T10:02:00Z", "c-1"});
    const Decision back = thread.Scan(Sms{"s-4", start, "2026-11-02T10:03:00Z", "c-1"});
    const Decision help = thread.Scan(Sms{"s-5", "help", "2026-11-02T10:04:00Z", "c-1"});
    EXPECT_EQ(Info(stop).state, ConversationState::kOptedOut) << start;
    EXPECT_EQ(Info(silent).state, ConversationState::kOptedOut) << start;
    EXPECT_EQ(Info(back).keyword, CarrierKeyword::kStart) << start;
    EXPECT_EQ(Info(back).state, ConversationState::kOpen) << start;
    EXPECT_EQ(Info(back).id, Info(silent).id) << start;  // opting in continues the conversation
    EXPECT_EQ(Info(help).state, ConversationState::kOpen) << start;
    EXPECT_EQ(help.reply, "Hotline: text your question. Reply STOP to opt out.") << start;
    for (const Decision& decision : {stop, silent}) {
      EXPECT_FALSE(decision.reply.has_value()) << start;
    }
  }
}

TEST(ConversationScannerTest, AKeywordLaterInAConversationStillCountsAsAContact) {
  Thread thread(CompileStory());
  thread.Scan(Sms{"s-1", "ok", "2026-11-02T10:00:00Z", "c-1"});
  // The window holds "ok" alone (keywords stay out of it): the keyword's own decision counts.
  const Decision info = thread.Scan(Sms{"s-2", "INFO", "2026-11-02T10:01:00Z", "c-1"});
  EXPECT_EQ(info.urgency, 5);
  EXPECT_EQ(Names(info.categories), std::vector<std::string>{"hotline_contact"});
}

TEST(ConversationScannerTest, RepliesComeFromTheConfigPerKeyword) {
  Thread thread(CompileStory());
  const Decision ayuda = thread.Scan(Sms{"s-1", "AYUDA", "2026-11-02T10:00:00Z", "c-1"});
  const Decision info = thread.Scan(Sms{"s-2", "INFO", "2026-11-02T10:00:00Z", "c-2"});
  EXPECT_EQ(ayuda.reply, "Linea de ayuda: escriba su pregunta. Responda PARAR para salir.");
  EXPECT_FALSE(info.reply.has_value());  // no reply configured for INFO
  EXPECT_EQ(Info(info).keyword, CarrierKeyword::kHelp);
}

TEST(ConversationScannerTest, TheStoryReachesP1OnlyOnItsThirdMessage) {
  Thread thread(CompileStory());
  const std::vector<std::string> bodies = {"help", "im at a motel",
                                           "he has my phone, hes coming back", "room 12"};
  std::vector<std::string> bands;
  std::vector<std::string> own_bands;
  int minute = 0;
  for (const std::string& body : bodies) {
    Decision message;
    const Decision decision =
        thread.Scan(Sms{"s-" + std::to_string(minute), body,
                        "2026-11-02T23:1" + std::to_string(minute) + ":00Z", "c-107"},
                    &message);
    ++minute;
    bands.push_back(decision.band);
    own_bands.push_back(message.band);
    EXPECT_EQ(Info(decision).message_band, message.band);
  }
  EXPECT_EQ(bands, (std::vector<std::string>{"P4", "P3", "P1", "P1"}));
  // No message on its own says P1: the conversation does.
  EXPECT_EQ(own_bands, (std::vector<std::string>{"P4", "P3", "P3", "P3"}));
}

TEST(ConversationScannerTest, UrgencyNeverDropsWhileTheConversationIsOpen) {
  Thread thread(CompileStory());
  thread.Scan(Sms{"s-1", "im at a motel", "2026-11-02T23:10:00Z", "c-1"});
  const Decision p1 = thread.Scan(
      Sms{"s-2", "he took my phone n wont let me leave", "2026-11-02T23:11:00Z", "c-1"});
  Decision message;
  const Decision safe =
      thread.Scan(Sms{"s-3", "im safe now", "2026-11-02T23:12:00Z", "c-1"}, &message);
  EXPECT_EQ(p1.band, "P1");
  EXPECT_EQ(safe.band, "P1");
  EXPECT_EQ(safe.urgency, p1.urgency);
  EXPECT_EQ(Names(safe.categories), Names(p1.categories));
  EXPECT_EQ(safe.routes, std::vector<std::string>{"duty-officer"});
  // The message itself is shown for what it says.
  EXPECT_EQ(message.band, "P4");
  EXPECT_EQ(Info(safe).message_band, "P4");
  EXPECT_EQ(Info(safe).message_rules, std::vector<std::string>{"says_safe"});
  // A new conversation starts afresh.
  const Decision later = thread.Scan(Sms{"s-4", "hi", "2026-11-03T09:00:00Z", "c-1"});
  EXPECT_EQ(later.band, "P4");
}

TEST(ConversationScannerTest, TheWindowKeepsTheLatestMessages) {
  Thread thread(CompileStory(StoryConfig("  max_messages: 2\n")));
  thread.Scan(Sms{"s-1", "im at a motel", "2026-11-02T23:10:00Z", "c-1"});
  thread.Scan(Sms{"s-2", "ok", "2026-11-02T23:11:00Z", "c-1"});
  thread.Scan(Sms{"s-3", "sorry", "2026-11-02T23:12:00Z", "c-1"});
  // The place has left the window: control alone is P3.
  const Decision late = thread.Scan(Sms{"s-4", "he has my phone", "2026-11-02T23:13:00Z", "c-1"});
  EXPECT_EQ(late.band, "P3");

  Thread bytes(CompileStory(StoryConfig("  max_text_bytes: 20\n")));
  bytes.Scan(Sms{"s-1", "im at a motel", "2026-11-02T23:10:00Z", "c-1"});
  const Decision over = bytes.Scan(Sms{"s-2", "he has my phone", "2026-11-02T23:11:00Z", "c-1"});
  EXPECT_EQ(over.band, "P3");  // 13 + 15 bytes: the first message does not fit

  Thread both(CompileStory());
  both.Scan(Sms{"s-1", "im at a motel", "2026-11-02T23:10:00Z", "c-1"});
  const Decision joined = both.Scan(Sms{"s-2", "he has my phone", "2026-11-02T23:11:00Z", "c-1"});
  EXPECT_EQ(joined.band, "P1");
}

TEST(ConversationScannerTest, AnEvictedConversationSaysItLostContext) {
  // Two conversations hold their messages at most: the least recently used lets go.
  Thread thread(CompileStory(StoryConfig("  max_open: 2\n")));
  thread.Scan(Sms{"a-1", "im at a motel", "2026-11-02T23:10:00Z", "c-a"});
  thread.Scan(Sms{"b-1", "hello", "2026-11-02T23:10:10Z", "c-b"});
  thread.Scan(Sms{"c-1", "hello", "2026-11-02T23:10:20Z", "c-c"});  // c-a lets go
  const Decision b2 = thread.Scan(Sms{"b-2", "hi", "2026-11-02T23:10:30Z", "c-b"});
  const Decision a2 = thread.Scan(Sms{"a-2", "he has my phone", "2026-11-02T23:11:00Z", "c-a"});
  EXPECT_FALSE(Info(b2).context_lost);
  EXPECT_TRUE(Info(a2).context_lost);
  EXPECT_EQ(Info(a2).index, 2U);  // the same conversation, without its first message's text
  EXPECT_EQ(Info(a2).id, "c-a@2026-11-02T23:10:00Z");
  EXPECT_EQ(a2.band, "P3");  // the motel is no longer in the text
  const Decision a3 = thread.Scan(Sms{"a-3", "room 12", "2026-11-02T23:12:00Z", "c-a"});
  EXPECT_FALSE(Info(a3).context_lost);  // said once
  EXPECT_EQ(a3.band, "P1");
  const ConversationStoreStats stats = thread.store().stats();
  EXPECT_EQ(stats.evicted, 2U);  // c-a, then c-c when c-a came back
  EXPECT_LE(stats.open, 2U);
  EXPECT_EQ(thread.scanner().counters().context_lost, 1U);
}

TEST(ConversationScannerTest, AnEvictedConversationKeepsItsUrgency) {
  Thread thread(CompileStory(StoryConfig("  max_open: 1\n")));
  thread.Scan(Sms{"a-1", "im at a motel, he has my phone", "2026-11-02T23:10:00Z", "c-a"});
  thread.Scan(Sms{"b-1", "hello", "2026-11-02T23:10:10Z", "c-b"});
  const Decision a2 = thread.Scan(Sms{"a-2", "ok", "2026-11-02T23:11:00Z", "c-a"});
  EXPECT_TRUE(Info(a2).context_lost);
  EXPECT_EQ(a2.band, "P1");
}

TEST(ConversationScannerTest, RecordsOfNoConversationAreTriagedAsAScannerWould) {
  const RuleSet rules = CompileStory();
  Thread thread(rules);
  Scanner scanner(rules);
  const std::vector<std::string> records = {
      R"({"id":"r-1","kind":"report","summary":"a child at a motel, he has my phone"})",
      R"({"id":"s-1","kind":"sms","body":"HELP"})",                       // no conversation key
      R"({"id":"s-2","kind":"SMS","conversation":"c-1","body":"HELP"})",  // not kind sms
  };
  for (const std::string& record : records) {
    Decision expected;
    ASSERT_TRUE(scanner.ScanJson(record, &expected).ok());
    const Decision decision = thread.Scan(record);
    EXPECT_FALSE(decision.conversation.has_value()) << record;
    EXPECT_EQ(DecisionToJson(decision), DecisionToJson(expected)) << record;
    ConversationTicket ticket;
    EXPECT_EQ(thread.scanner().Route(record, &ticket), -1) << record;
  }
  EXPECT_EQ(thread.scanner().counters().unthreaded, 1U);
}

TEST(ConversationScannerTest, ARecordThatCannotBeTriagedChangesNoConversation) {
  const std::string rules = std::string(conversation_testing::kStoryRules) +
                            "rule young { when victim.age < 18 urgency +1 }\n";
  Thread thread(CompileStory(StoryConfig(), rules));
  thread.Scan(Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"});
  Decision decision;
  const Status status = thread.scanner().ScanJson(
      R"({"id":"s-2","kind":"sms","conversation":"c-1","received_at":"2026-11-02T10:01:00Z",)"
      R"("body":"zebracorn","victims":[{"age":"nine"}]})",
      &decision);
  EXPECT_EQ(status.record_code(), "wrong_type");
  EXPECT_EQ(decision.id, "s-2");
  const Decision next = thread.Scan(Sms{"s-3", "hi", "2026-11-02T10:02:00Z", "c-1"});
  EXPECT_EQ(Info(next).index, 2U);
}

TEST(ConversationScannerTest, RoutesFollowTheKey) {
  Thread thread(CompileStory());
  EXPECT_EQ(thread.store().partitions(), 16U);
  ConversationTicket ticket;
  const int a = thread.scanner().Route(Sms{"s-1", "x", "", "c-1"}.Json(), &ticket);
  EXPECT_GE(a, 0);
  EXPECT_EQ(thread.scanner().Route(Sms{"s-2", "y", "2026-11-02T10:00:00Z", "c-1"}.Json(), &ticket),
            a);
  EXPECT_EQ(thread.scanner().Route("not json with sms in it", &ticket), -1);
}

}  // namespace
}  // namespace triage
