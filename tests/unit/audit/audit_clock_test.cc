// SPDX-License-Identifier: Apache-2.0
// The audit trail's injected clock (AuditClock, LevelDB's Env::NowMicros idea) and its fault
// hook: stores made with the same clock are byte-identical, and a process that dies in the
// middle of a commit — at a point the hook names, not after a guessed sleep — leaves a store
// that keeps every committed entry and verifies.
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "triage/audit.h"
#include "triage/status.h"

#include "unit/audit/audit_fixture.h"
#include <sys/wait.h>

namespace triage {
namespace {

using audit_testing::Compile;
using audit_testing::FirstProblem;
using audit_testing::OpenStore;
using audit_testing::Records;
using audit_testing::SqlInt;
using audit_testing::SqlText;
using audit_testing::TempDir;
using audit_testing::VerifyStore;

// A clock that starts at a fixed time and steps 1 ms per reading.
class SteppingClock : public AuditClock {
 public:
  explicit SteppingClock(int64_t start) : next_(start) {}
  int64_t NowMicros() const override { return next_.fetch_add(1000); }

 private:
  mutable std::atomic<int64_t> next_;
};

constexpr int64_t kNov2 = 1793613600000000;  // 2026-11-02T10:00:00Z

// Appends Records() to `store`, entries stamped by `clock`.
void AppendStamped(AuditStore* store, const RuleSet& rules, const AuditClock* clock) {
  Scanner scanner(rules);
  uint64_t line = 0;
  for (const std::string& record : Records()) {
    Decision decision;
    ++line;
    const Status status = scanner.ScanJson(record, &decision);
    AuditEntry entry =
        status.ok() ? MakeAuditEntry(line, record, decision, clock)
                    : MakeAuditErrorEntry(line, record, record.size(), decision.id, status, clock);
    ASSERT_TRUE(store->Append(rules, std::move(entry)).ok());
  }
}

// Writes a store at `path` holding Records(), every time stamped by a SteppingClock from kNov2.
void WriteStampedStore(const std::string& path, const RuleSet& rules) {
  SteppingClock clock(kNov2);
  AuditStoreOptions options;
  options.clock = &clock;
  AuditStore store = OpenStore(path, options);
  AppendStamped(&store, rules, &clock);
  ASSERT_TRUE(store.Close().ok());
}

TEST(AuditClockTest, FormatsMicrosAsStoredTime) {
  EXPECT_EQ(FormatAuditTime(kNov2), "2026-11-02T10:00:00.000Z");
  EXPECT_EQ(FormatAuditTime(kNov2 + 123456), "2026-11-02T10:00:00.123Z");
  EXPECT_EQ(FormatAuditTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatAuditTime(-1000), "1969-12-31T23:59:59.999Z");
}

TEST(AuditClockTest, SystemClockIsNowAndParsesBack) {
  const int64_t now = AuditClock::System()->NowMicros();
  EXPECT_GT(now, kNov2 - int64_t{3} * 365 * 24 * 3600 * 1000000);  // a sane wall clock
  const std::string text = FormatAuditTime(now);
  ASSERT_TRUE(ParseAuditTime(text).ok());
  EXPECT_EQ(*ParseAuditTime(text), text);
}

TEST(AuditClockTest, EntriesAndMetaTakeTheInjectedClock) {
  TempDir dir;
  const std::string path = dir.File("audit.db");
  WriteStampedStore(path, Compile());
  EXPECT_EQ(SqlText(path, "SELECT value FROM meta WHERE key = 'created_at'"),
            "2026-11-02T10:00:00.000Z");
  EXPECT_EQ(SqlText(path, "SELECT time FROM entries WHERE seq = 1"), "2026-11-02T10:00:00.001Z");
  EXPECT_EQ(SqlText(path, "SELECT time FROM entries WHERE seq = 6"), "2026-11-02T10:00:00.006Z");
}

TEST(AuditClockTest, SameClockSameChain) {
  TempDir dir;
  const RuleSet rules = Compile();
  std::string heads[2];
  for (int i = 0; i < 2; ++i) {
    const std::string path = dir.File("audit" + std::to_string(i) + ".db");
    WriteStampedStore(path, rules);
    heads[i] = SqlText(path, "SELECT group_concat(hash, ' ') FROM entries");
  }
  EXPECT_FALSE(heads[0].empty());
  EXPECT_EQ(heads[0], heads[1]);
}

// The child process dies inside its second commit, after the batch's rows were written and
// before COMMIT: the first batch stays, the second is gone, and the chain verifies and goes on.
TEST(AuditFaultTest, ProcessDyingMidCommitKeepsTheCommittedChain) {
  TempDir dir;
  const std::string path = dir.File("audit.db");
  const RuleSet rules = Compile();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int commits = 0;
    AuditStoreOptions options;
    options.batch_size = 2;
    options.before_commit = [&commits] {
      if (++commits == 2) _exit(3);
    };
    Result<AuditStore> store = AuditStore::Open(path, options);
    if (!store.ok()) _exit(1);
    AppendStamped(&*store, rules, nullptr);
    _exit(2);  // not reached: the hook ends the process in the second commit
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 3) << "the hook did not run in the second commit";

  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM entries"), 2);
  const AuditVerification report = VerifyStore(path);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.entries, 2U);

  AuditStore store = OpenStore(path);
  AppendStamped(&store, rules, nullptr);
  ASSERT_TRUE(store.Close().ok());
  const AuditVerification after = VerifyStore(path);
  EXPECT_TRUE(after.ok()) << FirstProblem(after);
  EXPECT_EQ(after.entries, 8U);
}

}  // namespace
}  // namespace triage
