// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage queue`: the order of a decision stream's open conversations and
// reports at a given moment, as text and as JSON, the same from the stream and from the audit
// store the filter wrote; lines that are not decisions counted, never quoted, exit 1; --watch
// refused without a terminal, and on a pseudo-terminal following a file as it grows.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): kill()
#include <spawn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support/cli_harness.h"
#include "support/run_process.h"
#include "unit/conversation/conversation_fixture.h"
#include <sys/wait.h>

extern char** environ;

namespace triage {
namespace {

using conversation_testing::Sms;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

std::string Report(const std::string& id, const std::string& summary,
                   const std::string& received_at) {
  return R"({"id":")" + id + R"(","kind":"report","received_at":")" + received_at +
         R"(","summary":")" + summary + "\"}";
}

// A stream: c-a (P4 then P3), c-b (P1 on its second message), c-c (opted out), two reports.
std::string Records() {
  return Report("r-1", "general question", "2026-11-02T23:00:00Z") + "\n" +
         Sms{"m-1", "HELP", "2026-11-02T23:05:00Z", "c-a"}.Json() + "\n" +
         Sms{"m-2", "im at a motel", "2026-11-02T23:06:00Z", "c-b"}.Json() + "\n" +
         Sms{"m-3", "he has my phone", "2026-11-02T23:07:00Z", "c-b"}.Json() + "\n" +
         Sms{"m-4", "HELP", "2026-11-02T23:07:30Z", "c-c"}.Json() + "\n" +
         Report("r-2", "a caller at a hotel says he took my phone", "2026-11-02T23:08:00Z") + "\n" +
         Sms{"m-5", "im at a motel", "2026-11-02T23:09:00Z", "c-a"}.Json() + "\n" +
         Sms{"m-6", "STOP", "2026-11-02T23:09:30Z", "c-c"}.Json() + "\n";
}

class QueueCliTest : public ::testing::Test {
 protected:
  QueueCliTest() : pack_(conversation_testing::kStoryRules) {}

  // Filters Records() into decisions.jsonl (and an audit store); returns its path.
  std::string Decisions() {
    const ProcessResult result = RunTriage(
        {"filter", "--config", pack_.config(), "--audit", pack_.dir() + "/audit.db"}, Records());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return pack_.AddFile("decisions.jsonl", result.out);
  }

  TempRulePack pack_;
};

TEST_F(QueueCliTest, ListsOpenConversationsAndReportsBandFirstThenWaiting) {
  const std::string decisions = Decisions();
  const ProcessResult result =
      RunTriage({"queue", "--config", pack_.config(), "--at", "2026-11-02T23:10:00Z", decisions});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 6U) << result.out;
  EXPECT_EQ(lines[0], "queue at 2026-11-02T23:10:00Z: 2 conversations, 2 reports, 0 errors");
  const std::vector<std::string> order = {"c-b@", "r-2", "c-a@", "r-1"};
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_NE(lines[i + 2].find(order[i]), std::string::npos) << result.out;
  }
  EXPECT_NE(lines[2].find("P1"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("4m"), std::string::npos) << lines[2];  // opened at 23:06
  EXPECT_EQ(result.out.find("c-c@"), std::string::npos);          // opted out

  // Later, the conversations have closed; the reports wait on.
  const ProcessResult later =
      RunTriage({"queue", "--config", pack_.config(), "--at", "2026-11-02T23:30:00Z", decisions});
  EXPECT_NE(later.out.find("0 conversations, 2 reports"), std::string::npos) << later.out;
}

TEST_F(QueueCliTest, TheStreamAndTheAuditStoreGiveTheSameQueue) {
  const std::string decisions = Decisions();
  const ProcessResult stream = RunTriage({"queue", "--config", pack_.config(), "--at",
                                          "2026-11-02T23:08:30Z", "--format", "json", decisions});
  const ProcessResult store =
      RunTriage({"queue", "--config", pack_.config(), "--at", "2026-11-02T23:08:30Z", "--format",
                 "json", "--audit", pack_.dir() + "/audit.db"});
  ASSERT_EQ(stream.exit_code, 0) << stream.err;
  ASSERT_EQ(store.exit_code, 0) << store.err;
  EXPECT_EQ(stream.out, store.out);
  rapidjson::Document doc;
  doc.Parse(stream.out.c_str());
  ASSERT_TRUE(doc.IsObject()) << stream.out;
  const rapidjson::Value& items = doc["items"];
  ASSERT_EQ(items.Size(), 5U) << stream.out;  // c-a still P4 at 23:08:30; c-c not yet stopped
  EXPECT_STREQ(items[0]["band"].GetString(), "P1");
  EXPECT_EQ(items[0]["messages"].GetInt(), 2);
  EXPECT_EQ(items[0]["waiting_seconds"].GetInt(), 150);
}

TEST_F(QueueCliTest, LinesThatAreNoDecisionAreCountedNotQuoted) {
  const std::string path =
      pack_.AddFile("mixed.jsonl", "quillwort secret\n\n" + std::string(R"({"id":"x"})") + "\n");
  const ProcessResult result =
      RunTriage({"queue", "--config", pack_.config(), "--at", "2026-11-02T23:00:00Z", path});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("2 lines are not a decision line (first: line 1)"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("quillwort"), std::string::npos);
  EXPECT_EQ(result.out.find("quillwort"), std::string::npos);
}

TEST_F(QueueCliTest, WatchNeedsATerminalAndAFile) {
  const std::string decisions = Decisions();
  EXPECT_EQ(RunTriage({"queue", "--config", pack_.config(), "--watch", decisions}).exit_code, 2);
  EXPECT_EQ(RunTriage({"queue", "--config", pack_.config(), "--watch", "--at", "end", decisions})
                .exit_code,
            2);
  EXPECT_EQ(
      RunTriage({"queue", "--config", pack_.config(), "--at", "yesterday", decisions}).exit_code,
      2);
}

// Reads from `fd` until `text` has appeared in *seen (or a minute has passed).
bool ReadUntil(int fd, const std::string& text, std::string* seen) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (seen->find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    seen->append(buffer, static_cast<size_t>(n));
  }
  return true;
}

TEST_F(QueueCliTest, WatchFollowsAGrowingFileOnATerminal) {
  const std::string decisions = Decisions();
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  const int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(slave, 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, slave, 1);
  posix_spawn_file_actions_adddup2(&actions, slave, 2);
  posix_spawn_file_actions_addclose(&actions, master);
  const std::string binary = test_support::TriageBinary();
  const std::string config = pack_.config();
  std::vector<std::string> args = {binary, "queue", "--config", config, "--watch", decisions};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(slave);

  std::string seen;
  EXPECT_TRUE(ReadUntil(master, "2 reports", &seen)) << seen;
  // A record arrives: the next redraw shows it.
  {
    std::ofstream out(decisions, std::ios::app);
    out << R"({"id":"r-9","triage":{"urgency":{"score":90,"band":"P1"},"categories":[],)"
           R"("rules":[],"tags":[],"routes":[],"ruleset":"sha256:0","engine":"0.1.0"}})"
        << "\n";
  }
  seen.clear();
  EXPECT_TRUE(ReadUntil(master, "3 reports", &seen)) << seen;
  EXPECT_TRUE(ReadUntil(master, "r-9", &seen)) << seen;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
}

}  // namespace
}  // namespace triage
