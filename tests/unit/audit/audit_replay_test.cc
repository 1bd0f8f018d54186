// SPDX-License-Identifier: Apache-2.0
// Tests of AuditStore::Replay (engine/src/audit/audit_replay.cc): an untouched store reproduces
// every decision and every error; a decision forged together with a consistently rewritten chain
// (which verify cannot see) is caught, with the members that differ; digest-only entries are not
// replayable; a too_large error is reproduced from the stored length; a changed archive fails; a
// what-if under another ruleset reports the bands.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "triage/audit.h"

#include "unit/audit/audit_fixture.h"

namespace triage {
namespace {

using audit_testing::AppendRecords;
using audit_testing::Compile;
using audit_testing::FirstProblem;
using audit_testing::OpenStore;
using audit_testing::Records;
using audit_testing::Sql;
using audit_testing::TempDir;
using audit_testing::VerifyStore;

struct Replayed {
  std::map<AuditReplayOutcome, int> counts;
  std::vector<AuditReplayResult> results;  // entry pointers cleared
  std::vector<int64_t> seqs;
};

Replayed Replay(const std::string& path, const AuditReplayOptions& options = {}) {
  AuditStoreOptions read;
  read.read_only = true;
  Result<AuditStore> store = AuditStore::Open(path, read);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  Replayed replayed;
  if (!store.ok()) return replayed;
  const Status status = store->Replay(options, [&](const AuditReplayResult& result) {
    ++replayed.counts[result.outcome];
    replayed.seqs.push_back(result.entry->seq);
    AuditReplayResult copy = result;
    copy.entry = nullptr;
    replayed.results.push_back(std::move(copy));
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return replayed;
}

class AuditReplayTest : public ::testing::Test {
 protected:
  // Records plus lines that cannot be triaged: invalid JSON, not an object, a wrong type.
  static std::vector<std::string> MixedRecords() {
    std::vector<std::string> records = Records();
    records.emplace_back(R"({"id":"r-9","summary":"unterminated)");
    records.emplace_back(R"(["not","an","object"])");
    records.emplace_back(R"({"id":"r-10","summary":"question","victims":[{"age":"twelve"}]})");
    return records;
  }

  void Write(AuditStoreOptions options = {}) {
    AuditStore store = OpenStore(path_, options);
    AppendRecords(&store, rules_, MixedRecords());
    ASSERT_TRUE(store.Close().ok());
  }

  TempDir dir_;
  std::string path_ = dir_.File("audit.db");
  RuleSet rules_ = Compile();
};

TEST_F(AuditReplayTest, UntouchedStoreReproducesEveryDecisionAndError) {
  Write();
  Replayed replayed = Replay(path_);
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kReproduced], 6);
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kErrorReproduced], 3);
  EXPECT_EQ(replayed.counts.size(), 2U);
  EXPECT_EQ(replayed.seqs, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(replayed.results[0].stored_band, "P1");
  EXPECT_EQ(replayed.results[0].replayed_band, "P1");
  EXPECT_EQ(replayed.results[6].stored_band, "error");
}

// Someone who changes a decision and recomputes every hash after it leaves a chain that verifies;
// the decision no longer reproduces.
TEST_F(AuditReplayTest, ForgedDecisionWithARewrittenChainIsCaughtByReplay) {
  Write();
  std::vector<AuditEntry> entries;
  {
    AuditStoreOptions read;
    read.read_only = true;
    Result<AuditStore> store = AuditStore::Open(path_, read);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store
                    ->ForEach({},
                              [&](const AuditEntry& entry) {
                                entries.push_back(entry);
                                return Status::Ok();
                              })
                    .ok());
  }
  const std::string forged = R"({"urgency":{"score":5,"band":"P4"},"categories":[],"rules":[],)"
                             R"("tags":[],"routes":[],"ruleset":")" +
                             rules_.digest() + R"(","engine":")" + EngineVersion() + R"("})";
  entries[0].decision = forged;
  std::string sql = "BEGIN;";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) entries[i].prev_hash = entries[i - 1].hash;
    entries[i].hash = AuditEntryHash(entries[i]);
    sql += "UPDATE entries SET prev_hash = '" + entries[i].prev_hash + "', hash = '" +
           entries[i].hash + "'" +
           (i == 0 ? ", decision = " + audit_testing::SqlQuote(forged) : "") +
           " WHERE seq = " + std::to_string(entries[i].seq) + ";";
  }
  ASSERT_EQ(Sql(path_, sql + "COMMIT;"), "");
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);

  Replayed replayed = Replay(path_);
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kDiffers], 1);
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kReproduced], 5);
  const AuditReplayResult& result = replayed.results[0];
  EXPECT_EQ(result.outcome, AuditReplayOutcome::kDiffers);
  EXPECT_EQ(result.differing_fields,
            (std::vector<std::string>{"urgency", "categories", "rules", "tags", "routes"}));
  EXPECT_EQ(result.stored_band, "P4");
  EXPECT_EQ(result.replayed_band, "P1");
}

TEST_F(AuditReplayTest, DigestOnlyEntriesAreNotReplayable) {
  AuditStoreOptions options;
  options.input = AuditInput::kDigest;
  Write(options);
  Replayed replayed = Replay(path_);
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kNotReplayable], 9);
  EXPECT_EQ(replayed.results[0].stored_band, "P1");
  EXPECT_EQ(replayed.results[0].replayed_band, "");
}

TEST_F(AuditReplayTest, TooLargeErrorIsReproducedFromTheStoredLength) {
  {
    AuditStore store = OpenStore(path_);
    const size_t limit = rules_.config().max_record_bytes;
    for (const uint64_t bytes : {uint64_t{limit + 1}, uint64_t{limit}}) {
      ASSERT_TRUE(store
                      .Append(rules_, MakeAuditErrorEntry(
                                          1, std::nullopt, bytes, std::nullopt,
                                          Status::InvalidRecord("too_large", "over the limit")))
                      .ok());
    }
  }
  Replayed replayed = Replay(path_);
  ASSERT_EQ(replayed.results.size(), 2U);
  EXPECT_EQ(replayed.results[0].outcome, AuditReplayOutcome::kErrorReproduced);
  // At the limit the record would have been triaged: the stored error does not reproduce.
  EXPECT_EQ(replayed.results[1].outcome, AuditReplayOutcome::kDiffers);
  EXPECT_EQ(replayed.results[1].differing_fields, (std::vector<std::string>{"error"}));
}

TEST_F(AuditReplayTest, ChangedArchivedRuleSetFailsToReplay) {
  Write();
  ASSERT_EQ(Sql(path_,
                "UPDATE ruleset_files SET text = replace(text, 'urgency  +35', "
                "'urgency  +5') WHERE name = 'test.rules'"),
            "");
  Replayed replayed = Replay(path_);
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kRuleSetFailed], 9);
  EXPECT_NE(replayed.results[0].message.find("compiles to"), std::string::npos)
      << replayed.results[0].message;
}

TEST_F(AuditReplayTest, SelectsEntriesByRuleSet) {
  const RuleSet retuned = Compile(audit_testing::RetunedRules());
  {
    AuditStore store = OpenStore(path_);
    AppendRecords(&store, rules_, Records());
    AppendRecords(&store, retuned, Records(), 7);
  }
  AuditReplayOptions options;
  options.query.ruleset = retuned.digest();
  Replayed replayed = Replay(path_, options);
  EXPECT_EQ(replayed.seqs, (std::vector<int64_t>{7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(replayed.counts[AuditReplayOutcome::kReproduced], 6);
}

TEST_F(AuditReplayTest, WhatIfReplaysUnderAnotherRuleSet) {
  Write();
  // Without the meeting rule's weight, r-4 (15 yo, meet in person: 15 + 35 = 50, P2) drops to
  // P4 (15).
  std::string weaker = audit_testing::kRules;
  weaker.replace(weaker.find("urgency  +35"), 12, "urgency  +0 ");
  AuditReplayOptions options;
  options.with = Compile(weaker);
  Replayed replayed = Replay(path_, options);
  ASSERT_EQ(replayed.results.size(), 9U);
  const AuditReplayResult& r4 = replayed.results[3];
  EXPECT_EQ(r4.stored_band, "P2");
  EXPECT_EQ(r4.replayed_band, "P4");
  EXPECT_EQ(r4.outcome, AuditReplayOutcome::kDiffers);
  // r-1 keeps P1 through its floor; only the ruleset digest and the scores change.
  EXPECT_EQ(replayed.results[0].stored_band, "P1");
  EXPECT_EQ(replayed.results[0].replayed_band, "P1");
  // Errors stay errors.
  EXPECT_EQ(replayed.results[6].replayed_band, "error");
}

}  // namespace
}  // namespace triage
