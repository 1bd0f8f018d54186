// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of SMS conversations in the real executable: `triage filter` threads messages
// (the four-message story reaches P1 on its third line; by (from, to), split at exactly the idle
// timeout), honours STOP (no reply until START, UNSTOP or YES; the message after it is triaged),
// writes one line per input line, shows no phone number, threads the examples with the default
// pack, says context_lost after an eviction, counts what it let go in --stats, and writes the same
// bytes with --jobs 1, 2 and 4 on a stream large enough for several batches, several store
// partitions and evictions; `triage replay` reproduces every conversation message from the audit
// store (also with a selection, and across a second filter run that continues the store);
// digest-only stores cannot replay a conversation's later messages.
#include <cstddef>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support/cli_harness.h"
#include "support/run_process.h"
#include "unit/audit/audit_fixture.h"
#include "unit/conversation/conversation_fixture.h"

namespace triage {
namespace {

using conversation_testing::Sms;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

constexpr char kConfig[] = R"(conversations:
  idle_timeout: 15m
  replies:
    HELP: "Hotline: an advocate will answer. Reply STOP to opt out."
)";

// The "conversation" member of an output line's triage object, and the band, as a small struct.
struct Line {
  std::string id;
  std::string band;
  std::string conversation;  // its id, "" if none
  int index = 0;
  std::string state;
  bool context_lost = false;
  bool reply = false;
};

Line Parse(const std::string& text) {
  Line line;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  if (doc.HasParseError() || !doc.IsObject()) return line;
  if (doc.HasMember("id") && doc["id"].IsString()) line.id = doc["id"].GetString();
  const rapidjson::Value& triage = doc["triage"];
  if (triage.HasMember("urgency")) line.band = triage["urgency"]["band"].GetString();
  line.reply = triage.HasMember("reply");
  if (triage.HasMember("conversation")) {
    const rapidjson::Value& c = triage["conversation"];
    line.conversation = c["id"].GetString();
    line.index = c["index"].GetInt();
    line.state = c["state"].GetString();
    line.context_lost = c.HasMember("context_lost");
  }
  return line;
}

// A long interleaved stream: `conversations` conversations of `messages` messages each, sent
// round-robin a few seconds apart, with a report every tenth line and a bad line now and then.
std::string Stream(int conversations, int messages) {
  // Each conversation gets every body once, in this order from its own starting point: a HELP
  // right after each STOP, before the YES.
  const char* const bodies[] = {"HELP", "im at a motel", "ok", "he has my phone room 12",
                                "STOP", "HELP",          "YES"};
  std::string input;
  int second = 0;
  int n = 0;
  for (int m = 0; m < messages; ++m) {
    for (int c = 0; c < conversations; ++c) {
      const int minute = second / 60;
      char time[32];
      std::snprintf(time, sizeof time, "2026-11-02T%02d:%02d:%02dZ", 8 + minute / 60, minute % 60,
                    second % 60);
      second += 1;
      Sms sms{"m-" + std::to_string(n), bodies[(m + c) % 7], time, "", "h:" + std::to_string(c)};
      if (c % 3 == 0) sms.conversation = "c-" + std::to_string(c);
      input += sms.Json() + "\n";
      if (++n % 10 == 0) {
        input += R"({"id":"r-)" + std::to_string(n) +
                 R"(","kind":"report","summary":"a caller says her boss has her phone"})"
                 "\n";
      }
      if (n % 997 == 0) input += "{not json\n";
    }
  }
  return input;
}

class ConversationCliTest : public ::testing::Test {
 protected:
  ConversationCliTest() : pack_(conversation_testing::kStoryRules, kConfig) {}

  ProcessResult Filter(const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"filter", "--config", pack_.config(), "-o", "decision"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args, input);
  }

  TempRulePack pack_;
};

TEST_F(ConversationCliTest, TheStoryReachesP1OnItsThirdMessage) {
  std::string input;
  const char* const bodies[] = {"help", "im at a motel", "he has my phone, hes coming back",
                                "room 12"};
  for (int i = 0; i < 4; ++i) {
    input += Sms{"s-" + std::to_string(i), bodies[i],
                 "2026-11-02T23:1" + std::to_string(i) + ":00Z", "c-107"}
                 .Json() +
             "\n";
  }
  const ProcessResult result = Filter(input);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 4U);
  std::vector<std::string> bands;
  for (const std::string& line : lines) bands.push_back(Parse(line).band);
  EXPECT_EQ(bands, (std::vector<std::string>{"P4", "P3", "P1", "P1"}));
  EXPECT_TRUE(Parse(lines[0]).reply);
  EXPECT_EQ(Parse(lines[3]).index, 4);
  EXPECT_EQ(Parse(lines[3]).conversation, "c-107@2026-11-02T23:10:00Z");
}

TEST_F(ConversationCliTest, KeywordsStopAndStartThroughTheFilter) {
  const std::string input = Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"}.Json() + "\n" +
                            Sms{"s-2", "stop", "2026-11-02T10:01:00Z", "c-1"}.Json() + "\n" +
                            Sms{"s-3", "HELP", "2026-11-02T10:02:00Z", "c-1"}.Json() + "\n" +
                            Sms{"s-4", "stop texting me", "2026-11-02T10:03:00Z", "c-2"}.Json() +
                            "\n";
  const ProcessResult result = Filter(input);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_TRUE(Parse(lines[0]).reply);
  EXPECT_EQ(Parse(lines[1]).state, "opted_out");
  EXPECT_FALSE(Parse(lines[1]).reply);
  EXPECT_EQ(Parse(lines[2]).state, "opted_out");
  EXPECT_FALSE(Parse(lines[2]).reply);  // nothing is sent after STOP
  EXPECT_EQ(Parse(lines[2]).index, 1);  // a new conversation
  EXPECT_EQ(Parse(lines[3]).state, "open");
}

TEST_F(ConversationCliTest, SplitsAtExactlyTheIdleTimeoutThroughTheFilter) {
  const std::string input =
      Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "", "h:77aa"}.Json() + "\n" +
      Sms{"s-2", "im at a motel", "2026-11-02T10:14:59.999999Z", "", "h:77aa"}.Json() + "\n" +
      Sms{"s-3", "he has my phone", "2026-11-02T10:29:59.999999Z", "", "h:77aa"}.Json() + "\n" +
      Sms{"s-4", "room 12", "2026-11-02T10:30:00Z", "", "h:77aa", "744744"}.Json() + "\n";
  const ProcessResult result = Filter(input);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 4U);
  // Threaded by (from, to): 14:59.999999 later continues, exactly 15:00 later opens anew.
  EXPECT_EQ(Parse(lines[1]).conversation, Parse(lines[0]).conversation);
  EXPECT_EQ(Parse(lines[1]).index, 2);
  EXPECT_NE(Parse(lines[2]).conversation, Parse(lines[0]).conversation);
  EXPECT_EQ(Parse(lines[2]).index, 1);
  EXPECT_EQ(Parse(lines[2]).band, "P3");  // the motel was in the closed conversation
  // The same sender to another shortcode is another conversation.
  EXPECT_NE(Parse(lines[3]).conversation, Parse(lines[2]).conversation);
  EXPECT_EQ(Parse(lines[3]).index, 1);
}

TEST_F(ConversationCliTest, NoReplyAfterStopUntilStartUnstopOrYes) {
  for (const char* start : {"START", "unstop", "Yes"}) {
    const std::string input =
        Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "c-1"}.Json() + "\n" +
        Sms{"s-2", "STOP", "2026-11-02T10:01:00Z", "c-1"}.Json() + "\n" +
        Sms{"s-3", "im at a motel, he has my phone", "2026-11-02T10:02:00Z", "c-1"}.Json() + "\n" +
        Sms{"s-4", "help", "2026-11-02T10:03:00Z", "c-1"}.Json() + "\n" +
        Sms{"s-5", start, "2026-11-02T10:04:00Z", "c-1"}.Json() + "\n" +
        Sms{"s-6", "HELP", "2026-11-02T10:05:00Z", "c-1"}.Json() + "\n";
    for (const char* jobs : {"1", "2"}) {
      const ProcessResult result = Filter(input, {"--jobs", jobs});
      ASSERT_EQ(result.exit_code, 0) << result.err;
      const std::vector<std::string> lines = SplitLines(result.out);
      ASSERT_EQ(lines.size(), 6U);
      std::vector<std::string> states;
      std::vector<bool> replies;
      for (const std::string& line : lines) {
        states.push_back(Parse(line).state);
        replies.push_back(Parse(line).reply);
      }
      EXPECT_EQ(states, (std::vector<std::string>{"open", "opted_out", "opted_out", "opted_out",
                                                  "open", "open"}))
          << start;
      EXPECT_EQ(replies, (std::vector<bool>{true, false, false, false, false, true})) << start;
      // The message after STOP is triaged all the same, in a new conversation.
      EXPECT_EQ(Parse(lines[2]).band, "P1") << start;
      EXPECT_EQ(Parse(lines[2]).index, 1) << start;
      EXPECT_NE(Parse(lines[2]).conversation, Parse(lines[1]).conversation) << start;
      EXPECT_EQ(Parse(lines[4]).conversation, Parse(lines[2]).conversation) << start;
    }
  }
}

TEST_F(ConversationCliTest, AnEvictionIsCountedInStatsAndTheNextMessageSaysItLostContext) {
  TempRulePack pack(conversation_testing::kStoryRules, std::string(kConfig) + "  max_open: 1\n");
  const std::string input =
      Sms{"a-1", "im at a motel", "2026-11-02T23:10:00Z", "c-a"}.Json() + "\n" +
      Sms{"b-1", "hello", "2026-11-02T23:10:10Z", "c-b"}.Json() + "\n" +  // c-a lets go
      Sms{"a-2", "he has my phone", "2026-11-02T23:11:00Z", "c-a"}.Json() + "\n";
  const std::string stats = pack.dir() + "/stats.json";
  const ProcessResult result =
      RunTriage({"filter", "--config", pack.config(), "-o", "decision", "--stats", stats}, input);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_FALSE(Parse(lines[0]).context_lost);
  EXPECT_FALSE(Parse(lines[1]).context_lost);
  EXPECT_TRUE(Parse(lines[2]).context_lost);
  EXPECT_EQ(Parse(lines[2]).index, 2);
  EXPECT_EQ(Parse(lines[2]).band, "P3");  // the motel was let go
  std::ifstream in(stats);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("conversations")) << json;
  const rapidjson::Value& c = doc["conversations"];
  EXPECT_EQ(c["evicted"].GetUint64(), 2U) << json;  // c-a, then c-b when c-a came back
  EXPECT_EQ(c["context_lost"].GetUint64(), 1U) << json;
  EXPECT_EQ(c["open"].GetUint64(), 1U) << json;
  EXPECT_EQ(c["peak_open"].GetUint64(), 1U) << json;
}

TEST_F(ConversationCliTest, TheExamplesThreadWithTheDefaultPack) {
  // examples/conversations.jsonl under rules/triage.yaml, as docs/conversations.md shows it.
  const std::string source = TRIAGE_SOURCE_DIR;
  const ProcessResult result = RunTriage({"filter", "--config", source + "/rules/triage.yaml", "-o",
                                          "decision", source + "/examples/conversations.jsonl"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, Line> by_id;
  for (const std::string& text : SplitLines(result.out)) {
    const Line line = Parse(text);
    by_id[line.id] = line;
    EXPECT_EQ(text.find("h:"), std::string::npos) << text;  // no sender, hashed or not
    EXPECT_EQ(text.find("233733"), std::string::npos) << text;
  }
  ASSERT_EQ(by_id.size(), 19U);
  // c-201, the issue's story: help / im at a motel / he has my phone, hes coming back / room 12
  // (then "im safe now"): P1 on its third message, and it stays there.
  EXPECT_EQ(by_id["m-01"].band, "P4");
  EXPECT_EQ(by_id["m-03"].band, "P4");
  EXPECT_EQ(by_id["m-06"].band, "P1");
  EXPECT_EQ(by_id["m-06"].index, 3);
  EXPECT_EQ(by_id["m-09"].band, "P1");
  EXPECT_EQ(by_id["m-16"].band, "P1");
  // c-204, in Spanish: AYUDA, a 15-year-old in a hotel with a man, then not let leave tonight.
  EXPECT_EQ(by_id["m-08"].band, "P4");
  EXPECT_TRUE(by_id["m-08"].reply);
  EXPECT_EQ(by_id["m-13"].band, "P1");
  EXPECT_EQ(by_id["m-13"].index, 3);
  // c-203: STOP, a message after it (no reply), START (a reply).
  EXPECT_EQ(by_id["m-07"].state, "opted_out");
  EXPECT_FALSE(by_id["m-07"].reply);
  EXPECT_EQ(by_id["m-12"].state, "opted_out");
  EXPECT_EQ(by_id["m-14"].state, "open");
  EXPECT_TRUE(by_id["m-14"].reply);
  // "wrong number, stop texting me" is a message, not a stop keyword.
  EXPECT_EQ(by_id["m-15"].state, "open");
  // The reports are no conversation.
  EXPECT_EQ(by_id["r-31"].conversation, "");
}

TEST_F(ConversationCliTest, TheDefaultPackKeepsAReplyHalfAnHourLaterInItsConversation) {
  // rules/triage.yaml's idle_timeout (6h): a girl who texted her age and an adult's plan to meet
  // writes again 40 minutes later that he is outside her school now; that message is read with
  // the first two (P1), and one 7 hours after the last opens a new conversation.
  const std::string source = TRIAGE_SOURCE_DIR;
  const char* const first =
      "theres this guy i met on an app, hes 34 and im 15. he wants to meet up and says dont tell "
      "my mom";
  const char* const bodies[] = {
      first,
      "i dont know what to do",
      "wait he just texted me hes parked outside my school rn and said come out and get in",
      "ok"};
  const char* const times[] = {"2026-12-06T19:02:00Z", "2026-12-06T19:05:00Z",
                               "2026-12-06T19:45:00Z", "2026-12-07T02:50:00Z"};
  std::string input;
  for (int i = 0; i < 4; ++i) {
    input += Sms{"t-" + std::to_string(i), bodies[i], times[i], "c-301"}.Json() + "\n";
  }
  const ProcessResult result = RunTriage(
      {"filter", "--config", source + "/rules/triage.yaml", "-o", "decision"}, input);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(Parse(lines[2]).index, 3);
  EXPECT_EQ(Parse(lines[2]).conversation, "c-301@2026-12-06T19:02:00Z");
  EXPECT_EQ(Parse(lines[2]).band, "P1");
  EXPECT_EQ(Parse(lines[3]).index, 1);
  EXPECT_EQ(Parse(lines[3]).conversation, "c-301@2026-12-07T02:50:00Z");
}

TEST_F(ConversationCliTest, NoPhoneNumberOrMessageTextReachesTheOutputOrStderr) {
  const std::string input =
      Sms{"s-1", "HELP", "2026-11-02T10:00:00Z", "", "+15555550123", "+15555550999"}.Json() + "\n" +
      R"({"id":"s-2","kind":"sms","from":"+15555550123","received_at":"2026-11-02T10:01:00Z",)"
      R"("body":7})"
      "\n" +
      Sms{"s-3", "quillwort at the motel", "2026-11-02T10:02:00Z", "+1 555 555 0123"}.Json() +
      "\n" +
      R"({"id":"s-4","kind":"sms","from":"+15555550123","body":"quillwort room 12")"
      "\n" +
      R"({"id":"s-5","kind":"sms","from":"+15555550123","body":"quillwort","victims":[{"age":"x"}]})"
      "\n";
  for (const char* mode : {"decision", "annotate"}) {
    std::vector<std::string> args = {"filter", "--config", pack_.config(), "-o", mode};
    const ProcessResult result = RunTriage(args, input);
    EXPECT_EQ(result.exit_code, 1);  // s-2's body has the wrong type, s-4 is not JSON
    const std::vector<std::string> lines = SplitLines(result.out);
    ASSERT_EQ(lines.size(), 5U);
    for (const size_t error : {1U, 3U}) {
      EXPECT_NE(lines[error].find("\"error\""), std::string::npos) << lines[error];
      EXPECT_EQ(lines[error].find("quillwort"), std::string::npos) << lines[error];
      EXPECT_EQ(lines[error].find("5555550"), std::string::npos) << lines[error];
    }
    EXPECT_EQ(result.err.find("5555550"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("quillwort"), std::string::npos) << result.err;
    EXPECT_EQ(Parse(lines[0]).conversation.rfind("ft-", 0), 0U);
    EXPECT_EQ(Parse(lines[2]).conversation.rfind("cv-", 0), 0U);  // a number as conversation id
    if (std::string(mode) == "decision") {
      EXPECT_EQ(result.out.find("5555550"), std::string::npos) << result.out;
    }
  }
}

TEST_F(ConversationCliTest, JobsOneTwoAndFourWriteTheSameBytes) {
  // 700 conversations round-robin, over 4096 lines: several batches. First 600 held and 1000 keys
  // remembered at most: evictions, whose next messages say context_lost. Then 650 remembered:
  // every key comes back forgotten, and the opted-out ones find their opt-outs kept.
  const std::string input = Stream(700, 7);
  for (const char* remembered : {"1000", "650"}) {
    TempRulePack pack(
        conversation_testing::kStoryRules,
        std::string(kConfig) + "  max_open: 600\n  max_remembered: " + remembered + "\n");
    const bool forgets = std::string(remembered) == "650";
    std::vector<std::string> outputs;
    for (const char* jobs : {"1", "2", "4"}) {
      const std::string stats = pack.dir() + "/stats-" + jobs + ".json";
      const ProcessResult result =
          RunTriage({"filter", "--config", pack.config(), "--jobs", jobs, "--stats", stats}, input);
      EXPECT_EQ(result.exit_code, 1) << result.err;  // the bad lines
      outputs.push_back(result.out);
      rapidjson::Document doc;
      std::FILE* f = std::fopen(stats.c_str(), "rb");
      ASSERT_NE(f, nullptr);
      std::string json;
      char buffer[4096];
      for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) json.append(buffer, n);
      std::fclose(f);
      doc.Parse(json.c_str());
      ASSERT_TRUE(doc.IsObject() && doc.HasMember("conversations")) << json;
      const rapidjson::Value& c = doc["conversations"];
      EXPECT_EQ(c["messages"].GetUint64(), 4900U) << jobs;
      EXPECT_GT(c["evicted"].GetUint64(), 0U) << jobs;
      EXPECT_LE(c["open"].GetUint64(), 600U) << jobs;
      EXPECT_EQ(c["partitions"].GetUint64(), 16U) << jobs;
      if (forgets) {
        EXPECT_GT(c["forgotten"].GetUint64(), 0U) << jobs;
        EXPECT_GT(c["opt_outs_held"].GetUint64(), 0U) << jobs;
      }
    }
    EXPECT_EQ(outputs[1], outputs[0]) << remembered;
    EXPECT_EQ(outputs[2], outputs[0]) << remembered;
    const std::vector<std::string> lines = SplitLines(outputs[0]);
    size_t input_lines = SplitLines(input).size();
    EXPECT_EQ(lines.size(), input_lines);
    ASSERT_EQ(lines.size(), input_lines);
    size_t lost = 0;
    // Whatever the store forgot, no line answers a sender between its STOP and its YES.
    const std::vector<std::string> records = SplitLines(input);
    std::map<std::string, bool> opted_out;  // by conversation key, from the input alone
    size_t replies = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find("\"context_lost\":true") != std::string::npos) ++lost;
      rapidjson::Document record;
      record.Parse(records[i].c_str());
      if (!record.IsObject() || !record.HasMember("body")) continue;
      const std::string key = record.HasMember("conversation")
                                  ? record["conversation"].GetString()
                                  : std::string("from ") + record["from"].GetString();
      const std::string body = record["body"].GetString();
      if (body == "STOP") opted_out[key] = true;
      if (body == "YES") opted_out[key] = false;
      const bool reply = Parse(lines[i]).reply;
      replies += reply ? 1 : 0;
      EXPECT_FALSE(reply && opted_out[key]) << remembered << " line " << i + 1;
    }
    EXPECT_GT(replies, 0U);
    if (!forgets) {
      EXPECT_GT(lost, 0U);
    }
  }
}

class ConversationReplayTest : public ConversationCliTest {
 protected:
  std::string store_ = pack_.dir() + "/audit.db";
};

TEST_F(ConversationReplayTest, ReplayRebuildsConversationsAndReproducesEveryDecision) {
  TempRulePack pack(conversation_testing::kStoryRules, std::string(kConfig) + "  max_open: 300\n");
  const std::string input = Stream(400, 3);
  const ProcessResult filtered =
      RunTriage({"filter", "--config", pack.config(), "--jobs", "2", "--audit", store_}, input);
  ASSERT_EQ(filtered.exit_code, 1) << filtered.err;
  ASSERT_NE(filtered.out.find("\"context_lost\":true"), std::string::npos);
  const ProcessResult replayed = RunTriage({"replay", "--audit", store_});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.out << replayed.err;
  EXPECT_NE(replayed.out.find("differ                    0"), std::string::npos) << replayed.out;
  EXPECT_NE(replayed.out.find("not replayable            0"), std::string::npos) << replayed.out;

  // A selection replays only what it selects, in the state it was decided in.
  const std::string until =
      audit_testing::SqlText(store_, "SELECT time FROM entries WHERE seq = 500");
  const ProcessResult since = RunTriage({"replay", "--audit", store_, "--since", until});
  EXPECT_EQ(since.exit_code, 0) << since.out << since.err;
  EXPECT_NE(since.out.find("differ                    0"), std::string::npos) << since.out;

  // A second run on the same store carries its conversations on; the store replays as one.
  const std::string more = Stream(50, 2);
  const ProcessResult again =
      RunTriage({"filter", "--config", pack.config(), "--audit", store_}, more);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("re-run from the audit store"), std::string::npos) << again.err;
  EXPECT_NE(SplitLines(again.out).front().find("\"index\":4"), std::string::npos)
      << SplitLines(again.out).front();
  const ProcessResult all = RunTriage({"replay", "--audit", store_, "--summary"});
  EXPECT_EQ(all.exit_code, 0) << all.out << all.err;
  EXPECT_NE(all.out.find("differ                    0"), std::string::npos) << all.out;
}

TEST_F(ConversationReplayTest, ReplayRebuildsForgottenKeysAndTheirOptOuts) {
  // 400 keys round-robin, 300 held, 350 remembered: every key comes back forgotten, the opted-out
  // ones with their opt-outs kept; replay must rebuild the same.
  TempRulePack pack(conversation_testing::kStoryRules,
                    std::string(kConfig) + "  max_open: 300\n  max_remembered: 350\n");
  const std::string stats = pack.dir() + "/stats.json";
  const ProcessResult filtered = RunTriage(
      {"filter", "--config", pack.config(), "--jobs", "2", "--audit", store_, "--stats", stats},
      Stream(400, 4));
  ASSERT_EQ(filtered.exit_code, 1) << filtered.err;
  std::ifstream in(stats);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(json.find("\"forgotten\":0,"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"opt_outs_held\":0,"), std::string::npos) << json;
  const ProcessResult replayed = RunTriage({"replay", "--audit", store_});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.out << replayed.err;
  EXPECT_NE(replayed.out.find("differ                    0"), std::string::npos) << replayed.out;
  EXPECT_NE(replayed.out.find("not replayable            0"), std::string::npos) << replayed.out;
}

TEST_F(ConversationReplayTest, AForgedConversationDecisionIsCaught) {
  const std::string input =
      Sms{"s-1", "im at a motel", "2026-11-02T23:10:00Z", "c-1"}.Json() + "\n" +
      Sms{"s-2", "he has my phone", "2026-11-02T23:11:00Z", "c-1"}.Json() + "\n";
  ASSERT_EQ(Filter(input, {"--audit", store_}).exit_code, 0);
  // Someone lowers the second message's conversation band and re-hashes nothing: replay (not
  // only verify) must see that the conversation decided P1.
  ASSERT_EQ(audit_testing::Sql(store_,
                               "UPDATE entries SET decision = replace(decision, "
                               "'\"band\":\"P1\"', '\"band\":\"P3\"') WHERE seq = 2"),
            "");
  const ProcessResult replayed = RunTriage({"replay", "--audit", store_});
  EXPECT_EQ(replayed.exit_code, 1) << replayed.out;
  EXPECT_NE(replayed.out.find("differs: entry 2 (id s-2)"), std::string::npos) << replayed.out;
}

TEST_F(ConversationReplayTest, WithoutTextALaterMessageIsNotReplayable) {
  const std::string input =
      Sms{"s-1", "im at a motel", "2026-11-02T23:10:00Z", "c-1"}.Json() + "\n" +
      Sms{"s-2", "he has my phone", "2026-11-02T23:11:00Z", "c-1"}.Json() + "\n";
  ASSERT_EQ(Filter(input, {"--audit", store_}).exit_code, 0);
  // The first message's text is purged after a retention period.
  ASSERT_EQ(audit_testing::Sql(store_, "UPDATE entries SET input = NULL WHERE seq = 1"), "");
  const ProcessResult replayed = RunTriage({"replay", "--audit", store_});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.out;
  EXPECT_NE(replayed.out.find("not replayable            2"), std::string::npos) << replayed.out;
}

}  // namespace
}  // namespace triage
