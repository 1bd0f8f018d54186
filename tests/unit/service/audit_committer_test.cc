// SPDX-License-Identifier: Apache-2.0
// AuditCommitter (engine/src/service/audit_committer.h): entries land in the chain in the order
// their places were reserved, whatever order they are filled in, and places filled while a commit
// is under way join the next one.

#include "service/audit_committer.h"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "triage/audit.h"
#include "triage/decision.h"

#include "support/compile_helpers.h"
#include "support/run_process.h"

namespace triage::internal {
namespace {

AuditEntry Entry(uint64_t line) {
  Decision decision;
  decision.id = "r-" + std::to_string(line);
  decision.band = "P4";
  return MakeAuditEntry(line, R"({"id":"r-)" + std::to_string(line) + "\"}", decision);
}

TEST(AuditCommitterTest, EntriesAreCommittedInReservationOrderWhileACommitIsUnderWay) {
  testing::Compiled compiled = testing::CompileText("rule r { when text ~ /x/ urgency +1 }\n");
  ASSERT_TRUE(compiled.rules.has_value());
  const RuleSet& rules = *compiled.rules;
  const std::string dir = test_support::MakeTempDir("triage-committer-test-");

  // The first commit blocks until released, so that everything else happens meanwhile.
  std::mutex mutex;
  std::condition_variable changed;
  bool in_commit = false;
  bool release = false;
  AuditStoreOptions options;
  options.before_commit = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    in_commit = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
  };
  Result<AuditStore> store = AuditStore::Open(dir + "/audit.db", options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  AuditCommitter committer(std::move(store).value());

  const uint64_t first = committer.Reserve();
  committer.Fill(first, rules, Entry(1));
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return in_commit; });
  }
  // Places 2..9 reserved in order, filled backwards from other threads, while entry 1 commits.
  std::vector<uint64_t> tickets;
  for (int i = 0; i < 8; ++i) tickets.push_back(committer.Reserve());
  std::vector<std::thread> fillers;
  for (int i = 7; i >= 0; --i) {
    fillers.emplace_back([&, i] { committer.Fill(tickets[i], rules, Entry(i + 2)); });
  }
  for (std::thread& filler : fillers) filler.join();
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  changed.notify_all();
  for (const uint64_t ticket : tickets) EXPECT_TRUE(committer.Wait(ticket).ok());
  EXPECT_TRUE(committer.Wait(first).ok());
  EXPECT_EQ(committer.committed(), 9U);
  ASSERT_TRUE(committer.Close().ok());
  EXPECT_FALSE(committer.Wait(100).ok());

  AuditStoreOptions read;
  read.read_only = true;
  Result<AuditStore> reopened = AuditStore::Open(dir + "/audit.db", read);
  ASSERT_TRUE(reopened.ok());
  std::vector<uint64_t> lines;
  ASSERT_TRUE(reopened
                  ->ForEach({},
                            [&](const AuditEntry& entry) {
                              lines.push_back(entry.line);
                              return Status::Ok();
                            })
                  .ok());
  EXPECT_EQ(lines, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  test_support::RunProcess({"/bin/rm", "-rf", dir});
}

}  // namespace
}  // namespace triage::internal
