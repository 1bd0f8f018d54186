// SPDX-License-Identifier: Apache-2.0
// Tests of AuditStore::Verify (engine/src/audit/audit_verify.cc): an untouched store verifies, and
// each kind of tampering done with plain SQL on the file — a changed decision, input, hash or
// ruleset file, a deleted or inserted entry, a deleted ruleset — is reported at the right entry
// with its code. Purging text (input set to NULL) is not tampering.
#include <string>

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

class AuditVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditStoreOptions options;
    options.batch_size = 4;
    AuditStore store = OpenStore(path_, options);
    AppendRecords(&store, rules_, Records());
    AppendRecords(&store, Compile(audit_testing::RetunedRules()), Records(), 7);
    ASSERT_TRUE(store.Close().ok());
  }

  // Runs `sql` on the store; ASSERTs it succeeded.
  void Tamper(const std::string& sql) { ASSERT_EQ(Sql(path_, sql), "") << sql; }

  // The first problem's seq and code.
  static std::pair<int64_t, std::string> First(const AuditVerification& report) {
    if (report.problems.empty()) return {0, ""};
    return {report.problems.front().seq, report.problems.front().code};
  }

  TempDir dir_;
  std::string path_ = dir_.File("audit.db");
  RuleSet rules_ = Compile();
};

TEST_F(AuditVerifyTest, UntouchedStoreVerifies) {
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.entries, 12U);
  EXPECT_EQ(report.rulesets, 2U);
  EXPECT_EQ(report.digest_only, 0U);
  EXPECT_EQ(report.genesis, kAuditGenesis);
  EXPECT_EQ(report.head.size(), 64U);
}

TEST_F(AuditVerifyTest, ChangedDecisionIsAHashMismatchAtThatEntry) {
  Tamper(
      "UPDATE entries SET decision = replace(decision, '\"band\":\"P1\"', '\"band\":\"P4\"') "
      "WHERE seq = 1");
  const AuditVerification report = VerifyStore(path_);
  EXPECT_EQ(First(report), std::make_pair(int64_t{1}, std::string("hash-mismatch")));
  EXPECT_EQ(report.problems.front().record_id, "r-1");
  EXPECT_EQ(report.entries, 0U);
}

TEST_F(AuditVerifyTest, ChangedInputIsAnInputMismatch) {
  Tamper("UPDATE entries SET input = replace(input, '13 yo', '31 yo') WHERE seq = 7");
  EXPECT_EQ(First(VerifyStore(path_)), std::make_pair(int64_t{7}, std::string("input-mismatch")));
}

TEST_F(AuditVerifyTest, ChangedHashIsDetectedAtThatEntry) {
  Tamper("UPDATE entries SET hash = '" + std::string(64, 'f') + "' WHERE seq = 3");
  EXPECT_EQ(First(VerifyStore(path_)), std::make_pair(int64_t{3}, std::string("hash-mismatch")));
}

TEST_F(AuditVerifyTest, RehashedEntryBreaksTheChainAtTheNextEntry) {
  // Changing an entry and giving it a matching hash still leaves the next entry pointing at the
  // old hash.
  AuditEntry entry;
  {
    AuditStoreOptions read;
    read.read_only = true;
    Result<AuditStore> store = AuditStore::Open(path_, read);
    ASSERT_TRUE(store.ok());
    Result<AuditEntry> stored = store->Entry(3);
    ASSERT_TRUE(stored.ok());
    entry = *stored;
  }
  entry.decision = R"({"urgency":{"score":0,"band":"P4"}})";
  entry.hash = AuditEntryHash(entry);
  Tamper("UPDATE entries SET decision = " + audit_testing::SqlQuote(entry.decision) + ", hash = '" +
         entry.hash + "' WHERE seq = 3");
  EXPECT_EQ(First(VerifyStore(path_)), std::make_pair(int64_t{4}, std::string("chain-broken")));
}

TEST_F(AuditVerifyTest, DeletedEntryLeavesAGap) {
  Tamper("DELETE FROM entries WHERE seq = 5");
  const AuditVerification report = VerifyStore(path_);
  EXPECT_EQ(First(report), std::make_pair(int64_t{6}, std::string("seq-gap")));
  EXPECT_EQ(report.entries, 4U);
}

TEST_F(AuditVerifyTest, DeletedEntryWithRenumberingBreaksTheChain) {
  Tamper("DELETE FROM entries WHERE seq = 5; UPDATE entries SET seq = seq - 1 WHERE seq > 5");
  const AuditVerification report = VerifyStore(path_);
  EXPECT_EQ(First(report), std::make_pair(int64_t{5}, std::string("chain-broken")));
}

TEST_F(AuditVerifyTest, InsertedEntryIsDetected) {
  // A copy of entry 2 squeezed in after entry 4, the later entries renumbered to make room.
  Tamper(
      "UPDATE entries SET seq = -seq WHERE seq > 4;"
      "UPDATE entries SET seq = 1 - seq WHERE seq < 0;"
      "INSERT INTO entries SELECT 5, time, line, record_id, input, input_sha256, input_bytes, "
      "decision, ruleset, engine, prev_hash, hash FROM entries WHERE seq = 2;");
  ASSERT_EQ(audit_testing::SqlInt(path_, "SELECT count(*) FROM entries"), 13);
  EXPECT_EQ(First(VerifyStore(path_)), std::make_pair(int64_t{5}, std::string("chain-broken")));
}

TEST_F(AuditVerifyTest, AppendedForgeryWithAWrongHashIsDetected) {
  Tamper(
      "INSERT INTO entries SELECT 13, time, line, record_id, input, input_sha256, input_bytes, "
      "decision, ruleset, engine, (SELECT hash FROM entries WHERE seq = 12), hash "
      "FROM entries WHERE seq = 1");
  EXPECT_EQ(First(VerifyStore(path_)), std::make_pair(int64_t{13}, std::string("hash-mismatch")));
}

TEST_F(AuditVerifyTest, ChangedArchivedRuleSetIsADigestMismatch) {
  Tamper(
      "UPDATE ruleset_files SET text = replace(text, 'urgency  +35', 'urgency  +5') "
      "WHERE name = 'test.rules' AND digest = '" +
      rules_.digest() + "'");
  const AuditVerification report = VerifyStore(path_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.problems.front().code, "ruleset-digest-mismatch");
  EXPECT_EQ(report.problems.front().ruleset, rules_.digest());
  EXPECT_EQ(report.problems.front().seq, 0);
}

TEST_F(AuditVerifyTest, DeletedArchivedRuleSetLeavesItsEntriesWithout) {
  Tamper("DELETE FROM rulesets WHERE digest = '" + rules_.digest() + "'");
  EXPECT_EQ(First(VerifyStore(path_)), std::make_pair(int64_t{1}, std::string("ruleset-missing")));
}

TEST_F(AuditVerifyTest, PurgedTextStillVerifies) {
  Tamper("UPDATE entries SET input = NULL WHERE seq <= 6");
  const AuditVerification report = VerifyStore(path_);
  EXPECT_TRUE(report.ok()) << FirstProblem(report);
  EXPECT_EQ(report.digest_only, 6U);
}

TEST_F(AuditVerifyTest, AnchorsCatchATruncatedStore) {
  const std::string head = VerifyStore(path_).head;
  AuditVerifyOptions options;
  options.anchors = {head};
  EXPECT_TRUE(VerifyStore(path_, options).ok());
  // Cutting off the tail leaves a chain that is whole, but no longer holds the recorded head.
  Tamper("DELETE FROM entries WHERE seq > 10");
  EXPECT_TRUE(VerifyStore(path_).ok());
  const AuditVerification report = VerifyStore(path_, options);
  EXPECT_EQ(First(report), std::make_pair(int64_t{0}, std::string("anchor-missing")));
  EXPECT_EQ(report.entries, 10U);
}

}  // namespace
}  // namespace triage
