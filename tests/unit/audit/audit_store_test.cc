// SPDX-License-Identifier: Apache-2.0
// Tests of AuditStore (engine/src/audit/audit_store.cc): batched commits, the chain across
// batches and reopenings, chaining from another store's head, digest-only stores, the ruleset
// archive, read-only use, files that are not stores, queries, and concurrent writers.
#include <atomic>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "triage/audit.h"
#include "triage/status.h"

#include "unit/audit/audit_fixture.h"
#include <sys/stat.h>

namespace triage {
namespace {

using audit_testing::AppendRecords;
using audit_testing::Compile;
using audit_testing::FirstProblem;
using audit_testing::OpenStore;
using audit_testing::Records;
using audit_testing::SqlInt;
using audit_testing::TempDir;
using audit_testing::VerifyStore;

class AuditStoreTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string path_ = dir_.File("audit.db");
  RuleSet rules_ = Compile();
};

int64_t CountEntries(const std::string& path) {
  return SqlInt(path, "SELECT count(*) FROM entries");
}

TEST_F(AuditStoreTest, CommitsInBatchesAndOnFlush) {
  AuditStoreOptions options;
  options.batch_size = 4;
  AuditStore store = OpenStore(path_, options);
  AppendRecords(&store, rules_, Records());  // 6 records: one batch of 4 committed
  EXPECT_EQ(CountEntries(path_), 4);
  EXPECT_EQ(store.pending(), 2U);
  ASSERT_TRUE(store.Flush().ok());
  EXPECT_EQ(CountEntries(path_), 6);
  EXPECT_EQ(store.pending(), 0U);
  ASSERT_TRUE(store.Close().ok());
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.entries, 6U);
}

TEST_F(AuditStoreTest, NewStoreIsReadableByItsOwnerOnly) {
  { AuditStore store = OpenStore(path_); }
  struct stat info {};
  ASSERT_EQ(stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST_F(AuditStoreTest, CloseCommitsWhatIsPending) {
  {
    AuditStore store = OpenStore(path_);
    AppendRecords(&store, rules_, Records());
    EXPECT_EQ(CountEntries(path_), 0);
  }  // the destructor closes
  EXPECT_EQ(CountEntries(path_), 6);
}

TEST_F(AuditStoreTest, EntriesFormOneChainFromTheGenesis) {
  AuditStore store = OpenStore(path_);
  AppendRecords(&store, rules_, Records());
  ASSERT_TRUE(store.Flush().ok());
  std::vector<AuditEntry> entries;
  ASSERT_TRUE(store
                  .ForEach({},
                           [&](const AuditEntry& entry) {
                             entries.push_back(entry);
                             return Status::Ok();
                           })
                  .ok());
  ASSERT_EQ(entries.size(), 6U);
  std::string previous = kAuditGenesis;
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(entries[i].line, i + 1);
    EXPECT_EQ(entries[i].prev_hash, previous);
    EXPECT_EQ(entries[i].hash, AuditEntryHash(entries[i]));
    EXPECT_EQ(entries[i].ruleset, rules_.digest());
    EXPECT_EQ(entries[i].input, Records()[i]);
    previous = entries[i].hash;
  }
  std::string head;
  const Result<uint64_t> count = store.Count(&head);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 6U);
  EXPECT_EQ(head, previous);
  EXPECT_EQ(store.genesis(), kAuditGenesis);
}

TEST_F(AuditStoreTest, ReopeningContinuesTheChain) {
  {
    AuditStore store = OpenStore(path_);
    AppendRecords(&store, rules_, Records());
  }
  {
    AuditStore store = OpenStore(path_);
    AppendRecords(&store, rules_, Records(), 7);
  }
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.entries, 12U);
  EXPECT_EQ(report.rulesets, 1U);
}

TEST_F(AuditStoreTest, NewStoreChainsFromTheHeadOfTheOldOne) {
  {
    AuditStore old_store = OpenStore(path_);
    AppendRecords(&old_store, rules_, Records());
  }
  const std::string old_head = VerifyStore(path_).head;
  const std::string next = dir_.File("audit-2.db");
  AuditStoreOptions options;
  options.chain_from = old_head;
  {
    AuditStore store = OpenStore(next, options);
    EXPECT_EQ(store.genesis(), old_head);
    AppendRecords(&store, rules_, Records());
    ASSERT_TRUE(store.Flush().ok());
    const Result<AuditEntry> first = store.Entry(1);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->prev_hash, old_head);
  }
  const AuditVerification report = VerifyStore(next);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.genesis, old_head);

  // Reopening with the same value is fine; with another, or a malformed one, it is refused.
  EXPECT_TRUE(AuditStore::Open(next, options).ok());
  options.chain_from = std::string(64, 'b');
  EXPECT_EQ(AuditStore::Open(next, options).status().code(), Status::Code::kInvalidArgument);
  options.chain_from = "not-a-hash";
  EXPECT_EQ(AuditStore::Open(dir_.File("audit-3.db"), options).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(AuditStoreTest, DigestModeKeepsNoRecordText) {
  AuditStoreOptions options;
  options.input = AuditInput::kDigest;
  {
    AuditStore store = OpenStore(path_, options);
    AppendRecords(&store, rules_, Records());
  }
  EXPECT_EQ(SqlInt(path_, "SELECT count(*) FROM entries WHERE input IS NOT NULL"), 0);
  EXPECT_EQ(SqlInt(path_, "SELECT count(*) FROM entries WHERE input_sha256 IS NULL"), 0);
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.digest_only, 6U);
}

TEST_F(AuditStoreTest, ArchivesEachRuleSetOnceWithItsSources) {
  const RuleSet retuned = Compile(audit_testing::RetunedRules());
  {
    AuditStoreOptions options;
    options.batch_size = 2;
    AuditStore store = OpenStore(path_, options);
    AppendRecords(&store, rules_, Records());
    AppendRecords(&store, retuned, Records(), 7);
    AppendRecords(&store, rules_, Records(), 13);
  }
  {
    AuditStore store = OpenStore(path_);  // another writer archives nothing twice
    AppendRecords(&store, retuned, Records(), 19);
  }
  AuditStoreOptions read;
  read.read_only = true;
  Result<AuditStore> store = AuditStore::Open(path_, read);
  ASSERT_TRUE(store.ok());
  const Result<std::vector<std::string>> digests = store->RuleSetDigests();
  ASSERT_TRUE(digests.ok());
  EXPECT_EQ(*digests, (std::vector<std::string>{rules_.digest(), retuned.digest()}));
  const Result<std::vector<RuleSetSource>> sources = store->ArchivedRuleSet(retuned.digest());
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), retuned.sources().size());
  for (size_t i = 0; i < sources->size(); ++i) {
    EXPECT_EQ((*sources)[i].name, retuned.sources()[i].name);
    EXPECT_EQ((*sources)[i].text, retuned.sources()[i].text);
  }
  EXPECT_EQ(store->ArchivedRuleSet("sha256:" + std::string(64, '0')).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(SqlInt(path_, "SELECT count(*) FROM rulesets"), 2);
}

TEST_F(AuditStoreTest, RefusesAnEntryMadeUnderAnotherRuleSet) {
  const RuleSet retuned = Compile(audit_testing::RetunedRules());
  AuditStore store = OpenStore(path_);
  Scanner scanner(rules_);
  Decision decision;
  ASSERT_TRUE(scanner.ScanJson(Records()[0], &decision).ok());
  EXPECT_EQ(store.Append(retuned, MakeAuditEntry(1, Records()[0], decision)).code(),
            Status::Code::kInvalidArgument);
}

TEST_F(AuditStoreTest, ReadOnlyStoreRefusesWritesAndMissingStoreIsNotFound) {
  { AuditStore store = OpenStore(path_); }
  AuditStoreOptions read;
  read.read_only = true;
  Result<AuditStore> store = AuditStore::Open(path_, read);
  ASSERT_TRUE(store.ok());
  Scanner scanner(rules_);
  Decision decision;
  ASSERT_TRUE(scanner.ScanJson(Records()[0], &decision).ok());
  EXPECT_FALSE(store->Append(rules_, MakeAuditEntry(1, Records()[0], decision)).ok());
  EXPECT_EQ(AuditStore::Open(dir_.File("missing.db"), read).status().code(),
            Status::Code::kNotFound);
}

TEST_F(AuditStoreTest, RefusesFilesThatAreNotAuditStores) {
  // Another application's SQLite database is left alone.
  const std::string other = dir_.File("other.db");
  ASSERT_EQ(audit_testing::Sql(other, "CREATE TABLE notes (text TEXT)"), "");
  EXPECT_EQ(AuditStore::Open(other, {}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(SqlInt(other, "SELECT count(*) FROM sqlite_master"), 1);
  // Not SQLite at all.
  const std::string text = dir_.File("notes.txt");
  std::ofstream(text) << "These are not the records you are looking for.\n";
  EXPECT_FALSE(AuditStore::Open(text, {}).ok());
  AuditStoreOptions read;
  read.read_only = true;
  EXPECT_FALSE(AuditStore::Open(text, read).ok());
}

TEST_F(AuditStoreTest, QueriesSelectByTimeRuleSetAndRecordId) {
  const RuleSet retuned = Compile(audit_testing::RetunedRules());
  AuditStore store = OpenStore(path_);
  Scanner scanner(rules_);
  const std::vector<std::string> records = Records();
  const char* const times[] = {"2026-11-01T09:00:00.000Z", "2026-11-02T09:00:00.000Z",
                               "2026-11-02T18:30:00.000Z", "2026-11-03T00:00:00.000Z"};
  for (size_t i = 0; i < 4; ++i) {
    Decision decision;
    ASSERT_TRUE(scanner.ScanJson(records[i], &decision).ok());
    AuditEntry entry = MakeAuditEntry(i + 1, records[i], decision);
    entry.time = times[i];
    ASSERT_TRUE(store.Append(rules_, std::move(entry)).ok());
  }
  AppendRecords(&store, retuned, {records[0]}, 5);
  ASSERT_TRUE(store.Flush().ok());

  const auto seqs = [&store](const AuditQuery& query) {
    std::vector<int64_t> out;
    EXPECT_TRUE(store
                    .ForEach(query,
                             [&out](const AuditEntry& entry) {
                               out.push_back(entry.seq);
                               return Status::Ok();
                             })
                    .ok());
    return out;
  };
  AuditQuery day;
  day.since = *ParseAuditTime("2026-11-02");
  day.until = *ParseAuditTime("2026-11-03");
  EXPECT_EQ(seqs(day), (std::vector<int64_t>{2, 3}));
  AuditQuery by_ruleset;
  by_ruleset.ruleset = retuned.digest();
  EXPECT_EQ(seqs(by_ruleset), (std::vector<int64_t>{5}));
  AuditQuery by_id;
  by_id.record_id = "r-1";
  EXPECT_EQ(seqs(by_id), (std::vector<int64_t>{1, 5}));
  // A callback's error stops the walk and is returned.
  int calls = 0;
  const Status stopped = store.ForEach({}, [&calls](const AuditEntry&) {
    ++calls;
    return Status::Internal("stop");
  });
  EXPECT_EQ(stopped.code(), Status::Code::kInternal);
  EXPECT_EQ(calls, 1);
}

// A writer that cannot get the lock within its busy timeout fails the commit and keeps the batch;
// the next commit, once the lock is free, records it.
TEST_F(AuditStoreTest, CommitBlockedPastTheBusyTimeoutFailsAndKeepsTheBatch) {
  AuditStoreOptions options;
  options.busy_timeout_ms = 100;
  AuditStore store = OpenStore(path_, options);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  AppendRecords(&store, rules_, Records());
  const Status blocked = store.Flush();
  EXPECT_EQ(blocked.code(), Status::Code::kIoError);
  EXPECT_NE(blocked.message().find("locked"), std::string::npos) << blocked.message();
  EXPECT_EQ(store.pending(), 6U);
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  ASSERT_TRUE(store.Flush().ok());
  EXPECT_EQ(CountEntries(path_), 6);
  EXPECT_TRUE(VerifyStore(path_).ok());
}

// Several writers on one file (each with its own AuditStore, as separate processes would have)
// interleave whole batches; the chain stays one line.
TEST_F(AuditStoreTest, ConcurrentWritersKeepTheChainLinear) {
  { AuditStore create = OpenStore(path_); }
  constexpr int kWriters = 4;
  constexpr int kRounds = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      AuditStoreOptions options;
      options.batch_size = 3;
      Result<AuditStore> store = AuditStore::Open(path_, options);
      if (!store.ok()) {
        ++failures;
        return;
      }
      Scanner scanner(rules_);
      for (int round = 0; round < kRounds; ++round) {
        for (const std::string& record : Records()) {
          Decision decision;
          if (!scanner.ScanJson(record, &decision).ok()) continue;
          AuditEntry entry =
              MakeAuditEntry(static_cast<uint64_t>(w * 1000 + round), record, decision);
          if (!store->Append(rules_, std::move(entry)).ok()) ++failures;
        }
      }
      if (!store->Close().ok()) ++failures;
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.entries, static_cast<uint64_t>(kWriters * kRounds * Records().size()));
}

}  // namespace
}  // namespace triage
