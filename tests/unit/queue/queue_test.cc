// SPDX-License-Identifier: Apache-2.0
// Tests of the advocates' queue (engine/src/queue/queue.cc): band first, then time waiting; a
// conversation shown once, as its latest message left it, and gone once it closes or a STOP
// ends it (an opted-out sender who texts again is listed, marked); errors right after the most
// urgent band; --at's view of the past; audit entries read like stream lines; lines that are not
// decisions refused.
#include "triage/queue.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/audit.h"
#include "triage/conversation_scanner.h"
#include "triage/timestamp.h"
#include "triage/triage.h"

#include "unit/conversation/conversation_fixture.h"

namespace triage {
namespace {

using conversation_testing::CompileStory;
using conversation_testing::Sms;

int64_t T(const char* text) { return *ParseTimestamp(text); }

std::vector<std::string> Ids(const std::vector<QueueItem>& items) {
  std::vector<std::string> ids;
  for (const QueueItem& item : items) ids.push_back(item.id);
  return ids;
}

class QueueTest : public ::testing::Test {
 protected:
  QueueTest()
      : rules_(CompileStory()), store_(rules_.config().conversations), scanner_(rules_, &store_) {}

  // The filter's (annotated) line for `record`.
  std::string Line(const std::string& record) {
    Decision decision;
    const Status status = scanner_.ScanJson(record, &decision);
    if (!status.ok()) {
      return FormatErrorLine(7, decision.id, status);
    }
    return FormatDecisionLine(record, decision, OutputMode::kAnnotate);
  }

  static std::string Report(const std::string& id, const std::string& summary,
                            const std::string& received_at) {
    return R"({"id":")" + id + R"(","kind":"report","received_at":")" + received_at +
           R"(","summary":")" + summary + "\"}";
  }

  QueueOptions Options() const {
    QueueOptions options;
    for (const UrgencyBand& band : rules_.config().bands) options.bands.push_back(band.name);
    return options;
  }

  RuleSet rules_;
  MemoryConversationStore store_;
  ConversationScanner scanner_;
};

TEST_F(QueueTest, BandFirstThenTimeWaiting) {
  Queue queue(Options());
  const std::vector<std::string> lines = {
      Line(Report("r-1", "general question", "2026-11-02T23:00:00Z")),            // P4, oldest
      Line(Sms{"m-1", "HELP", "2026-11-02T23:05:00Z", "c-a"}.Json()),             // P4
      Line(Sms{"m-2", "im at a motel", "2026-11-02T23:06:00Z", "c-b"}.Json()),    // P3
      Line(Sms{"m-3", "he has my phone", "2026-11-02T23:07:00Z", "c-b"}.Json()),  // c-b: P1
      Line(Report("r-2", "a caller at a hotel, he took my phone", "2026-11-02T23:08:00Z")),  // P1
      Line(Sms{"m-4", "im at a motel", "2026-11-02T23:09:00Z", "c-a"}.Json()),  // c-a: P3
  };
  for (const std::string& line : lines) ASSERT_TRUE(queue.AddLine(line).ok()) << line;
  const std::vector<QueueItem> items = queue.Items(T("2026-11-02T23:10:00Z"));
  EXPECT_EQ(Ids(items), (std::vector<std::string>{"c-b@2026-11-02T23:06:00Z", "r-2",
                                                  "c-a@2026-11-02T23:05:00Z", "r-1"}));
  EXPECT_EQ(items[0].band, "P1");
  EXPECT_EQ(items[0].messages, 2U);
  EXPECT_EQ(items[0].record_id, "m-3");
  EXPECT_EQ(items[0].since, T("2026-11-02T23:06:00Z"));
  EXPECT_EQ(items[0].last_at, T("2026-11-02T23:07:00Z"));
  EXPECT_EQ(items[2].band, "P3");  // c-a's latest decision
  EXPECT_EQ(items[2].messages, 2U);
}

TEST_F(QueueTest, AConversationLeavesWhenItClosesOrAStopEndsIt) {
  Queue queue(Options());
  ASSERT_TRUE(queue.AddLine(Line(Sms{"m-1", "HELP", "2026-11-02T23:00:00Z", "c-a"}.Json())).ok());
  ASSERT_TRUE(queue.AddLine(Line(Sms{"m-2", "HELP", "2026-11-02T23:01:00Z", "c-b"}.Json())).ok());
  ASSERT_TRUE(queue.AddLine(Line(Sms{"m-3", "STOP", "2026-11-02T23:02:00Z", "c-b"}.Json())).ok());
  EXPECT_EQ(Ids(queue.Items(T("2026-11-02T23:14:59Z"))),
            std::vector<std::string>{"c-a@2026-11-02T23:00:00Z"});
  EXPECT_TRUE(queue.Items(T("2026-11-02T23:15:00Z")).empty());  // idle for the timeout
}

TEST_F(QueueTest, AnOptedOutSenderWhoTextsAgainIsListedMarked) {
  Queue queue(Options());
  ASSERT_TRUE(queue.AddLine(Line(Sms{"m-1", "HELP", "2026-11-02T23:00:00Z", "c-b"}.Json())).ok());
  ASSERT_TRUE(queue.AddLine(Line(Sms{"m-2", "STOP", "2026-11-02T23:01:00Z", "c-b"}.Json())).ok());
  EXPECT_TRUE(queue.Items(T("2026-11-02T23:01:30Z")).empty());
  // After STOP, the story: a new conversation of an opted-out sender, P1, in the queue.
  ASSERT_TRUE(
      queue.AddLine(Line(Sms{"m-3", "im at a motel", "2026-11-02T23:02:00Z", "c-b"}.Json())).ok());
  ASSERT_TRUE(
      queue.AddLine(Line(Sms{"m-4", "he has my phone", "2026-11-02T23:03:00Z", "c-b"}.Json()))
          .ok());
  const std::vector<QueueItem> items = queue.Items(T("2026-11-02T23:04:00Z"));
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].id, "c-b@2026-11-02T23:02:00Z");
  EXPECT_EQ(items[0].band, "P1");
  EXPECT_TRUE(items[0].opted_out);
  EXPECT_EQ(items[0].closes_at, T("2026-11-02T23:18:00Z"));
  EXPECT_NE(QueueToJson(items, T("2026-11-02T23:04:00Z")).find("\"opted_out\":true"),
            std::string::npos);
  EXPECT_TRUE(queue.Items(T("2026-11-02T23:18:00Z")).empty());  // it closes like any other
}

TEST_F(QueueTest, ErrorsComeRightAfterTheMostUrgentBand) {
  Queue queue(Options());
  ASSERT_TRUE(
      queue.AddLine(Line(Report("r-1", "he took my phone at the motel", "2026-11-02T23:00:00Z")))
          .ok());
  ASSERT_TRUE(queue.AddLine(Line(Report("r-2", "im at a motel", "2026-11-02T22:00:00Z"))).ok());
  ASSERT_TRUE(
      queue
          .AddLine(
              R"({"line":3,"triage":{"error":{"code":"invalid_json","message":"not valid JSON"}}})",
              T("2026-11-02T23:30:00Z"))
          .ok());
  const std::vector<QueueItem> items = queue.Items(T("2026-11-02T23:40:00Z"));
  EXPECT_EQ(Ids(items), (std::vector<std::string>{"r-1", "line 3", "r-2"}));
  EXPECT_EQ(items[1].kind, QueueItemKind::kError);
  EXPECT_EQ(items[1].error_code, "invalid_json");
}

TEST_F(QueueTest, UntilShowsThePast) {
  QueueOptions options = Options();
  options.until = T("2026-11-02T23:06:30Z");
  Queue queue(options);
  ASSERT_TRUE(
      queue.AddLine(Line(Sms{"m-1", "im at a motel", "2026-11-02T23:06:00Z", "c-b"}.Json())).ok());
  ASSERT_TRUE(
      queue.AddLine(Line(Sms{"m-2", "he has my phone", "2026-11-02T23:07:00Z", "c-b"}.Json()))
          .ok());
  ASSERT_TRUE(queue.AddLine(Line(Report("r-1", "question", "2026-11-02T23:08:00Z"))).ok());
  const std::vector<QueueItem> items = queue.Items(*options.until);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].band, "P3");  // before the message that made it P1
  EXPECT_EQ(items[0].messages, 1U);
  EXPECT_EQ(queue.latest(), T("2026-11-02T23:08:00Z"));
}

TEST_F(QueueTest, AnAuditEntryReadsLikeItsLine) {
  const std::string record = Report("r-1", "im at a motel", "2026-11-02T22:00:00Z");
  Decision decision;
  ASSERT_TRUE(scanner_.ScanJson(record, &decision).ok());
  AuditEntry entry = MakeAuditEntry(1, record, decision);
  entry.time = "2026-11-03T09:00:00.000Z";
  Queue from_store(Options());
  ASSERT_TRUE(from_store.AddAuditEntry(entry).ok());
  const std::vector<QueueItem> items = from_store.Items(T("2026-11-03T09:00:00Z"));
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].id, "r-1");
  EXPECT_EQ(items[0].since, T("2026-11-02T22:00:00Z"));  // the record's time, not the entry's
  entry.input.reset();
  Queue digest_only(Options());
  ASSERT_TRUE(digest_only.AddAuditEntry(entry).ok());
  EXPECT_EQ(digest_only.Items(T("2026-11-03T10:00:00Z"))[0].since, T("2026-11-03T09:00:00Z"));
}

TEST_F(QueueTest, RefusesLinesThatAreNoDecision) {
  Queue queue(Options());
  for (const char* line :
       {"not json quillwort", "[1,2]", R"({"id":"r-1"})", R"({"triage":{"categories":[]}})"}) {
    const Status status = queue.AddLine(line);
    EXPECT_FALSE(status.ok()) << line;
    EXPECT_EQ(status.message().find("quillwort"), std::string::npos);
  }
  EXPECT_TRUE(queue.Items(0).empty());
}

TEST_F(QueueTest, JsonListsTheItemsInOrder) {
  Queue queue(Options());
  ASSERT_TRUE(queue.AddLine(Line(Sms{"m-1", "HELP", "2026-11-02T23:00:00Z", "c-a"}.Json())).ok());
  const std::string json =
      QueueToJson(queue.Items(T("2026-11-02T23:05:00Z")), T("2026-11-02T23:05:00Z"));
  EXPECT_EQ(
      json,
      R"({"at":"2026-11-02T23:05:00Z","items":[{"kind":"conversation","id":"c-a@2026-11-02T23:00:00Z",)"
      R"("record_id":"m-1","band":"P4","score":5,"categories":["hotline_contact"],"messages":1,)"
      R"("since":"2026-11-02T23:00:00Z","waiting_seconds":300,"last_at":"2026-11-02T23:00:00Z",)"
      R"("closes_at":"2026-11-02T23:15:00Z"}]})");
}

}  // namespace
}  // namespace triage
