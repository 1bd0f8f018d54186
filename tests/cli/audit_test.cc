// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the audit trail: `triage filter --audit`, `triage replay` and
// `triage audit verify|show|export`. An untouched store replays every decision; each kind of
// tampering (done with SQL on the file, as anyone with write access could) is caught by verify or
// replay; a filter killed with a real SIGKILL mid-run leaves a store that verifies; a digest-only
// store holds no report text; two filters on one store both succeed with one linear chain;
// stores rotate by chaining from the old head.

#include "triage/audit.h"

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"
#include "unit/audit/audit_fixture.h"

namespace triage {
namespace {

using audit_testing::Sql;
using audit_testing::SqlInt;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::ErrorCodeOf;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::Subprocess;
using test_support::TempRulePack;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;

// Synthetic, clinical records; "quillwort" marks report text for the privacy test.
const char* const kRecords[] = {
    R"({"id":"r-1","summary":"Caller reports a 13 yo was asked to meet up tonight quillwort"})",
    R"({"id":"r-2","summary":"Parent reports a 15 yo was asked to meet in person quillwort"})",
    R"({"id":"r-3","summary":"General question about the hotline quillwort"})",
    R"({"id":"r-4","summary":"Teacher reports a student","victims":[{"age":12}]})",
};

// Records, then lines that cannot be triaged: not JSON, a wrong type, over the size limit.
std::string MixedInput() {
  std::string input;
  for (const char* record : kRecords) input += std::string(record) + "\n";
  input += "{\"id\":\"r-5\",\"summary\":\"unterminated quillwort\n";
  input += R"({"id":"r-6","summary":"question","victims":[{"age":"twelve"}]})"
           "\n";
  input += R"({"id":"r-7","summary":")" + std::string(3000, 'x') + "\"}\n";
  return input;
}

// `count` clean records, numbered from `first`.
std::string ManyRecords(int count, int first = 0) {
  std::string input;
  for (int i = first; i < first + count; ++i) {
    input += R"({"id":"m-)" + std::to_string(i) +
             R"(","summary":"Reporter states a 14 yo was asked to meet up, report )" +
             std::to_string(i) + "\"}\n";
  }
  return input;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

class AuditCliTest : public ::testing::Test {
 protected:
  ProcessResult Filter(const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"filter", "--config", pack_.config(), "--audit", store_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args, input);
  }
  ProcessResult Verify(const std::string& store) {
    return RunTriage({"audit", "verify", "--audit", store});
  }
  ProcessResult Replay(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"replay", "--audit", store_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args);
  }
  void Tamper(const std::string& sql) { ASSERT_EQ(Sql(store_, sql), "") << sql; }

  TempRulePack pack_;
  std::string store_ = pack_.dir() + "/audit.db";
};

// The count printed on the summary line of `what` ("reproduced", "differ", ...), or -1.
int64_t CountOf(const std::string& out, const std::string& what) {
  for (const std::string& line : SplitLines(out)) {
    const size_t at = line.find("  " + what + " ");
    if (at != 0) continue;
    return std::stoll(line.substr(2 + what.size()));
  }
  return -1;
}

TEST_F(AuditCliTest, FilterOutputIsUnchangedAndReplayReproducesEverything) {
  const ProcessResult plain = RunTriage({"filter", "--config", pack_.config()}, MixedInput());
  const ProcessResult audited = Filter(MixedInput());
  EXPECT_EQ(audited.exit_code, 1) << audited.err;  // the input has bad lines
  EXPECT_EQ(audited.out, plain.out);
  EXPECT_EQ(audited.err, plain.err);
  EXPECT_EQ(SqlInt(store_, "SELECT count(*) FROM entries"), 7);
  EXPECT_EQ(SqlInt(store_, "SELECT count(*) FROM entries WHERE decision LIKE '{\"error\":%'"), 3);
  EXPECT_EQ(SqlInt(store_, "SELECT line FROM entries WHERE seq = 7"), 7);

  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: 7 entries (1 without text), 1 ruleset, head ", 0), 0U)
      << verify.out;

  const ProcessResult replay = Replay();
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(CountOf(replay.out, "reproduced"), 4) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "errors reproduced"), 3) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "differ"), 0) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "not replayable"), 0) << replay.out;
}

TEST_F(AuditCliTest, EveryJobCountRecordsTheSameEntries) {
  const std::string input = ManyRecords(300) + MixedInput();
  ASSERT_EQ(Filter(input, {"--jobs", "1"}).exit_code, 1);
  const std::string other = pack_.dir() + "/audit-4.db";
  ASSERT_EQ(
      RunTriage({"filter", "--config", pack_.config(), "--audit", other, "--jobs", "4"}, input)
          .exit_code,
      1);
  const std::vector<std::string> one = audit_testing::EntryDecisions(store_);
  EXPECT_EQ(one.size(), 307U);
  EXPECT_EQ(audit_testing::EntryDecisions(other), one);
}

TEST_F(AuditCliTest, VerifyCatchesAChangedDecision) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  Tamper("UPDATE entries SET decision = replace(decision, '\"P1\"', '\"P4\"') WHERE seq = 1");
  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_EQ(verify.out, "broken: entry 1 (id r-1) [hash-mismatch]\n");
  EXPECT_NE(verify.err.find("entry 1 (id r-1): its content does not match its hash"),
            std::string::npos)
      << verify.err;
}

TEST_F(AuditCliTest, VerifyCatchesAChangedInput) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  Tamper("UPDATE entries SET input = replace(input, '13 yo', '31 yo') WHERE seq = 1");
  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_EQ(verify.out, "broken: entry 1 (id r-1) [input-mismatch]\n");
}

TEST_F(AuditCliTest, VerifyCatchesADeletedEntry) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  Tamper("DELETE FROM entries WHERE seq = 3");
  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_EQ(verify.out, "broken: entry 4 (id r-4) [seq-gap]\n");
}

TEST_F(AuditCliTest, VerifyCatchesAnInsertedEntry) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  Tamper(
      "UPDATE entries SET seq = -seq WHERE seq > 2;"
      "UPDATE entries SET seq = 1 - seq WHERE seq < 0;"
      "INSERT INTO entries SELECT 3, time, line, record_id, input, input_sha256, input_bytes, "
      "decision, ruleset, engine, prev_hash, hash FROM entries WHERE seq = 1;");
  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_EQ(verify.out, "broken: entry 3 (id r-1) [chain-broken]\n");
}

TEST_F(AuditCliTest, VerifyAndReplayCatchAChangedArchivedRuleSet) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  Tamper(
      "UPDATE ruleset_files SET text = replace(text, 'urgency  +35', 'urgency  +5') "
      "WHERE name = 'test.rules'");
  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_EQ(verify.out.rfind("broken: ruleset sha256:", 0), 0U) << verify.out;
  EXPECT_NE(verify.out.find("[ruleset-digest-mismatch]"), std::string::npos);
  const ProcessResult replay = Replay();
  EXPECT_EQ(replay.exit_code, 1);
  EXPECT_EQ(CountOf(replay.out, "ruleset failed"), 7) << replay.out;
  EXPECT_NE(replay.err.find("compiles to"), std::string::npos) << replay.err;
}

// categories.fallback_by_field is part of the archived ruleset: replay decides with it, even once
// the pack on disk has dropped it, and a decision whose fallback was forged is caught.
TEST(AuditReplayFallbackTest, ReplayReproducesAFallbackByTheRecordsChannel) {
  const std::string yaml_extra =
      "categories:\n"
      "  fallback_by_band: {P4: hotline_contact}\n"
      "  fallback_by_field: {field: channel, values: {platform: unclassified}}\n";
  TempRulePack pack(test_support::kBasicRules, yaml_extra);
  const std::string store = pack.dir() + "/audit.db";
  const std::string input =
      test_support::Jsonl({R"({"id":"p-1","channel":"platform","summary":"Duplicate upload"})",
                           R"({"id":"p-2","channel":"sms","summary":"Duplicate upload"})"});
  const ProcessResult filter = RunTriage(
      {"filter", "--config", pack.config(), "--audit", store, "--output", "decision"}, input);
  ASSERT_EQ(filter.exit_code, 0) << filter.err;
  const std::vector<std::string> lines = SplitLines(filter.out);
  ASSERT_EQ(lines.size(), 2U) << filter.out;
  EXPECT_NE(lines[0].find(R"("name":"unclassified")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("name":"hotline_contact")"), std::string::npos) << lines[1];

  // The pack on disk loses the setting: without the archive, p-1 would be a contact.
  pack.AddFile("triage.yaml",
               "rules: [test.rules]\ncategories:\n  fallback_by_band: {P4: hotline_contact}\n");
  const ProcessResult now =
      RunTriage({"filter", "--config", pack.config(), "--output", "decision"}, input);
  ASSERT_EQ(now.exit_code, 0) << now.err;
  EXPECT_NE(SplitLines(now.out).at(0).find(R"("name":"hotline_contact")"), std::string::npos)
      << now.out;

  const ProcessResult replay = RunTriage({"replay", "--audit", store});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(CountOf(replay.out, "reproduced"), 2) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "differ"), 0) << replay.out;

  // p-1's stored fallback forged into a contact (the chain rewritten, so verify passes).
  std::vector<AuditEntry> entries;
  {
    AuditStoreOptions read;
    read.read_only = true;
    Result<AuditStore> opened = AuditStore::Open(store, read);
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE(opened
                    ->ForEach({},
                              [&](const AuditEntry& entry) {
                                entries.push_back(entry);
                                return Status::Ok();
                              })
                    .ok());
  }
  ASSERT_EQ(entries.size(), 2U);
  std::string& decision = entries[0].decision;
  const std::string forged_from = R"("name":"unclassified")";
  ASSERT_NE(decision.find(forged_from), std::string::npos) << decision;
  decision.replace(decision.find(forged_from), forged_from.size(), R"("name":"hotline_contact")");
  std::string sql = "BEGIN;";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) entries[i].prev_hash = entries[i - 1].hash;
    entries[i].hash = AuditEntryHash(entries[i]);
    sql += "UPDATE entries SET prev_hash = '" + entries[i].prev_hash + "', hash = '" +
           entries[i].hash + "', decision = " + audit_testing::SqlQuote(entries[i].decision) +
           " WHERE seq = " + std::to_string(entries[i].seq) + ";";
  }
  ASSERT_EQ(Sql(store, sql + "COMMIT;"), "");
  const ProcessResult forged = RunTriage({"replay", "--audit", store});
  EXPECT_EQ(forged.exit_code, 1) << forged.out;
  EXPECT_EQ(CountOf(forged.out, "differ"), 1) << forged.out;
  EXPECT_NE(forged.out.find("differs: entry 1 (id p-1)"), std::string::npos) << forged.out;
}

// A forger who changes a decision and rewrites every hash after it passes verify; replay does not.
TEST_F(AuditCliTest, ReplayCatchesADecisionForgedWithARewrittenChain) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  std::vector<AuditEntry> entries;
  {
    AuditStoreOptions read;
    read.read_only = true;
    Result<AuditStore> store = AuditStore::Open(store_, read);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store
                    ->ForEach({},
                              [&](const AuditEntry& entry) {
                                entries.push_back(entry);
                                return Status::Ok();
                              })
                    .ok());
  }
  ASSERT_EQ(entries.size(), 7U);
  std::string& decision = entries[1].decision;  // r-2: P2
  ASSERT_NE(decision.find(R"("band":"P2")"), std::string::npos) << decision;
  decision.replace(decision.find(R"("band":"P2")"), 11, R"("band":"P4")");
  std::string sql = "BEGIN;";
  for (size_t i = 1; i < entries.size(); ++i) {
    entries[i].prev_hash = entries[i - 1].hash;
    entries[i].hash = AuditEntryHash(entries[i]);
    sql += "UPDATE entries SET prev_hash = '" + entries[i].prev_hash + "', hash = '" +
           entries[i].hash + "', decision = " + audit_testing::SqlQuote(entries[i].decision) +
           " WHERE seq = " + std::to_string(entries[i].seq) + ";";
  }
  Tamper(sql + "COMMIT;");
  EXPECT_EQ(Verify(store_).exit_code, 0);

  const ProcessResult replay = Replay();
  EXPECT_EQ(replay.exit_code, 1);
  EXPECT_EQ(CountOf(replay.out, "differ"), 1) << replay.out;
  EXPECT_NE(replay.out.find("differs: entry 2 (id r-2): urgency\n"), std::string::npos)
      << replay.out;
  EXPECT_NE(replay.out.find(R"(stored {"score":50,"band":"P4"})"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find(R"(replay {"score":50,"band":"P2"})"), std::string::npos) << replay.out;
}

TEST_F(AuditCliTest, DigestModeStoresNoReportText) {
  ASSERT_EQ(Filter(MixedInput(), {"--audit-input", "digest"}).exit_code, 1);
  std::string bytes = ReadBytes(store_) + ReadBytes(store_ + "-wal");
  EXPECT_EQ(bytes.find("quillwort"), std::string::npos);
  EXPECT_EQ(SqlInt(store_, "SELECT count(*) FROM entries WHERE input IS NOT NULL"), 0);
  const ProcessResult replay = Replay();
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "not replayable"), 6) << replay.out;  // too_large: by length
  EXPECT_EQ(CountOf(replay.out, "errors reproduced"), 1) << replay.out;

  // The control: by default the text is kept, word for word.
  const std::string text_store = pack_.dir() + "/text.db";
  ASSERT_EQ(RunTriage({"filter", "--config", pack_.config(), "--audit", text_store}, MixedInput())
                .exit_code,
            1);
  bytes = ReadBytes(text_store) + ReadBytes(text_store + "-wal");
  EXPECT_NE(bytes.find("quillwort"), std::string::npos);
}

TEST_F(AuditCliTest, DigestModeFromTheEnvironment) {
  ASSERT_EQ(RunTriage({"filter", "--config", pack_.config(), "--audit", store_}, MixedInput(),
                      {"TRIAGE_AUDIT_INPUT=digest"})
                .exit_code,
            1);
  EXPECT_EQ(SqlInt(store_, "SELECT count(*) FROM entries WHERE input IS NOT NULL"), 0);
}

// A filter killed while it works leaves a store that verifies. Where the kill lands is not
// controlled here (no sleeps to aim it); that a death inside a commit keeps the committed chain is
// shown deterministically by AuditFaultTest (tests/unit/audit/audit_clock_test.cc), which dies at
// the store's fault hook between the batch's inserts and its COMMIT.
TEST_F(AuditCliTest, FilterKilledMidRunLeavesAStoreThatVerifies) {
  int written = 0;
  int64_t kept = 0;
  // Three filters in turn on one store, each killed while it has input left to work on.
  for (int round = 0; round < 3; ++round) {
    Subprocess filter;
    ASSERT_TRUE(filter.Start(
        {TriageBinary(), "filter", "--config", pack_.config(), "--audit", store_, "--jobs", "2"},
        TriageProcessOptions()));
    std::string line;
    // Feed until this filter has committed entries, then keep feeding and kill it while it works
    // on more.
    const auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (SqlInt(store_, "SELECT count(*) FROM entries") <= kept &&
           std::chrono::steady_clock::now() < deadline) {
      ASSERT_TRUE(filter.Write(ManyRecords(500, written)));
      written += 500;
      while (filter.ReadLine(&line, milliseconds(20))) {
      }
    }
    for (int more = 0; more < 4; ++more) {
      ASSERT_TRUE(filter.Write(ManyRecords(2000, written)));
      written += 2000;
    }
    ASSERT_TRUE(filter.Signal(SIGKILL));
    const ProcessResult killed = filter.Wait(seconds(30));
    EXPECT_EQ(killed.signal, SIGKILL);

    const int64_t now = SqlInt(store_, "SELECT count(*) FROM entries");
    EXPECT_GT(now, kept);
    EXPECT_LE(now, written);
    kept = now;
    const ProcessResult verify = Verify(store_);
    EXPECT_EQ(verify.exit_code, 0) << verify.err;
    EXPECT_EQ(verify.out.rfind("ok: " + std::to_string(kept) + " entries", 0), 0U) << verify.out;
  }
  RecordProperty("written", written);
  RecordProperty("kept", static_cast<int>(kept));
  const ProcessResult replay = Replay();
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(CountOf(replay.out, "reproduced"), kept) << replay.out;

  // The next filter carries on the same chain.
  ASSERT_EQ(Filter(ManyRecords(10, written)).exit_code, 0);
  const ProcessResult after = Verify(store_);
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out.rfind("ok: " + std::to_string(kept + 10) + " entries", 0), 0U) << after.out;
}

// Two filters on one store at the same time: their commits are serialised by SQLite's lock
// (waiting up to the busy timeout), so both succeed and the chain is one line of all entries.
TEST_F(AuditCliTest, ConcurrentFiltersOnOneStoreBothSucceed) {
  constexpr int kRounds = 8;
  constexpr int kLines = 150;
  Subprocess a;
  Subprocess b;
  // Line-buffered: one commit per line. In each round both filters work at once; a round ends
  // when both have answered every line, so the commits of different rounds interleave for sure.
  for (Subprocess* filter : {&a, &b}) {
    ASSERT_TRUE(filter->Start({TriageBinary(), "filter", "--config", pack_.config(), "--audit",
                               store_, "--line-buffered"},
                              TriageProcessOptions()));
  }
  std::string line;
  for (int round = 0; round < kRounds; ++round) {
    // Record ids: m-<n> with n % (2 * kLines) < kLines from the first filter.
    ASSERT_TRUE(a.Write(ManyRecords(kLines, round * 2 * kLines)));
    ASSERT_TRUE(b.Write(ManyRecords(kLines, round * 2 * kLines + kLines)));
    for (Subprocess* filter : {&a, &b}) {
      for (int i = 0; i < kLines; ++i) {
        ASSERT_TRUE(filter->ReadLine(&line, seconds(60))) << filter->err();
        EXPECT_EQ(ErrorCodeOf(line), "") << line;
      }
    }
  }
  EXPECT_EQ(a.Wait(seconds(30)).exit_code, 0) << a.err();
  EXPECT_EQ(b.Wait(seconds(30)).exit_code, 0) << b.err();

  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: " + std::to_string(2 * kRounds * kLines) + " entries", 0), 0U)
      << verify.out;
  // Interleaved: some entry of the second filter is followed by one of the first.
  EXPECT_GT(SqlInt(store_,
                   "SELECT count(*) FROM entries x JOIN entries y ON x.seq + 1 = y.seq "
                   "WHERE CAST(substr(x.record_id, 3) AS INTEGER) % 300 >= 150 AND "
                   "CAST(substr(y.record_id, 3) AS INTEGER) % 300 < 150"),
            0);
  const ProcessResult replay = Replay({"--summary"});
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "reproduced"), 2 * kRounds * kLines) << replay.out;
}

TEST_F(AuditCliTest, NewStoreChainsFromTheOldHead) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  const ProcessResult old_verify = Verify(store_);
  ASSERT_EQ(old_verify.exit_code, 0);
  const std::string head = old_verify.out.substr(old_verify.out.find("head ") + 5, 64);
  const std::string next = pack_.dir() + "/audit-2.db";
  ASSERT_EQ(
      RunTriage({"filter", "--config", pack_.config(), "--audit", next, "--audit-chain-from", head},
                MixedInput())
          .exit_code,
      1);
  const ProcessResult verify = Verify(next);
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("chained from " + head), std::string::npos) << verify.out;
  EXPECT_EQ(RunTriage({"audit", "verify", "--audit", next, "--anchor", head}).exit_code, 0);
  EXPECT_NE(RunTriage({"audit", "show", "--audit", next, "1"}).out.find("prev_hash  " + head),
            std::string::npos);

  // Continuing from another hash than the store's own, a malformed hash, or without --audit.
  const ProcessResult other = RunTriage({"filter", "--config", pack_.config(), "--audit", next,
                                         "--audit-chain-from", std::string(64, 'a')},
                                        MixedInput());
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("already chains from " + head), std::string::npos) << other.err;
  EXPECT_EQ(other.out, "");
  EXPECT_EQ(RunTriage({"filter", "--config", pack_.config(), "--audit", pack_.dir() + "/3.db",
                       "--audit-chain-from", "xyz"},
                      MixedInput())
                .exit_code,
            2);  // a malformed hash is a usage error
  EXPECT_EQ(
      RunTriage({"filter", "--config", pack_.config(), "--audit-chain-from", head}, MixedInput())
          .exit_code,
      2);
}

TEST_F(AuditCliTest, SighupReloadArchivesTheNewRuleSet) {
  Subprocess filter;
  ASSERT_TRUE(filter.Start(
      {TriageBinary(), "filter", "--config", pack_.config(), "--audit", store_, "--line-buffered"},
      TriageProcessOptions()));
  std::string line;
  ASSERT_TRUE(filter.Write(std::string(kRecords[0]) + "\n"));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  pack_.SetRules(std::string(test_support::kBasicRules) +
                 "\nrule extra { when text ~ /meet/ urgency +1 }\n");
  ASSERT_TRUE(filter.Signal(SIGHUP));
  ASSERT_TRUE(filter.WaitForStderr("reloaded ruleset", seconds(30))) << filter.err();
  ASSERT_TRUE(filter.Write(std::string(kRecords[0]) + "\n"));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  EXPECT_EQ(filter.Wait(seconds(30)).exit_code, 0);

  const ProcessResult verify = Verify(store_);
  EXPECT_EQ(verify.out.rfind("ok: 2 entries (0 without text), 2 rulesets", 0), 0U) << verify.out;
  EXPECT_EQ(SqlInt(store_, "SELECT count(DISTINCT ruleset) FROM entries"), 2);
  const ProcessResult replay = Replay();
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(CountOf(replay.out, "reproduced"), 2) << replay.out;
}

TEST_F(AuditCliTest, AnchorCatchesATruncatedStore) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  const ProcessResult verify = Verify(store_);
  const std::string head = verify.out.substr(verify.out.find("head ") + 5, 64);
  Tamper("DELETE FROM entries WHERE seq > 5");
  EXPECT_EQ(Verify(store_).exit_code, 0);
  const ProcessResult anchored =
      RunTriage({"audit", "verify", "--audit", store_, "--anchor", head});
  EXPECT_EQ(anchored.exit_code, 1);
  EXPECT_EQ(anchored.out, "broken: [anchor-missing]\n");
}

TEST_F(AuditCliTest, ShowPrintsAnEntryWithoutTheRecordUnlessAsked) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  const ProcessResult by_seq = RunTriage({"audit", "show", "--audit", store_, "2"});
  EXPECT_EQ(by_seq.exit_code, 0) << by_seq.err;
  EXPECT_NE(by_seq.out.find("seq        2\n"), std::string::npos) << by_seq.out;
  EXPECT_NE(by_seq.out.find("id         r-2\n"), std::string::npos);
  EXPECT_NE(by_seq.out.find("decision   {\"urgency\":{\"score\":50,\"band\":\"P2\"}"),
            std::string::npos);
  EXPECT_NE(by_seq.out.find("ruleset    sha256:"), std::string::npos);
  EXPECT_EQ(by_seq.out.find("quillwort"), std::string::npos);

  const ProcessResult with_input =
      RunTriage({"audit", "show", "--audit", store_, "r-2", "--input"});
  EXPECT_EQ(with_input.exit_code, 0);
  EXPECT_NE(with_input.out.find(kRecords[1]), std::string::npos) << with_input.out;

  const ProcessResult error_entry = RunTriage({"audit", "show", "--audit", store_, "5"});
  EXPECT_NE(error_entry.out.find(R"(decision   {"error":{"code":"invalid_json")"),
            std::string::npos)
      << error_entry.out;
  const ProcessResult json = RunTriage({"audit", "show", "--audit", store_, "7", "--json"});
  EXPECT_TRUE(test_support::IsJson(SplitLines(json.out).at(0))) << json.out;
  EXPECT_NE(json.out.find(R"("input":null)"), std::string::npos);

  EXPECT_EQ(RunTriage({"audit", "show", "--audit", store_, "99"}).exit_code, 1);
  EXPECT_EQ(RunTriage({"audit", "show", "--audit", store_, "no-such-id"}).exit_code, 1);
}

TEST_F(AuditCliTest, ExportWritesOneJsonLinePerEntryAndTheRuleSets) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  const ProcessResult exported = RunTriage({"audit", "export", "--audit", store_});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  const std::vector<std::string> lines = SplitLines(exported.out);
  ASSERT_EQ(lines.size(), 7U);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(test_support::IsJson(lines[i])) << lines[i];
    EXPECT_EQ(lines[i].rfind("{\"seq\":" + std::to_string(i + 1) + ",", 0), 0U) << lines[i];
  }
  EXPECT_NE(lines[0].find(R"("decision":{"urgency":)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[6].find(R"("input":null,"input_sha256":null,"input_bytes":3025)"),
            std::string::npos)
      << lines[6];

  const ProcessResult rulesets = RunTriage({"audit", "export", "--audit", store_, "--rulesets"});
  const std::vector<std::string> archived = SplitLines(rulesets.out);
  ASSERT_EQ(archived.size(), 1U);
  EXPECT_TRUE(test_support::IsJson(archived[0]));
  EXPECT_NE(archived[0].find(R"("name":"triage.yaml")"), std::string::npos);
  EXPECT_NE(archived[0].find(R"("name":"test.rules")"), std::string::npos);
}

TEST_F(AuditCliTest, ReplaySelectsByTimeAndRuleSet) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  ProcessResult replay = Replay({"--since", "2999-01-01"});
  EXPECT_EQ(replay.exit_code, 0);
  EXPECT_NE(replay.out.find(": 0 entries"), std::string::npos) << replay.out;
  replay = Replay({"--since", "2000-01-01", "--until", "2999-01-01T00:00Z"});
  EXPECT_NE(replay.out.find(": 7 entries"), std::string::npos) << replay.out;
  const std::string digest = test_support::RulesetOf(
      SplitLines(RunTriage({"filter", "--config", pack_.config()}, kRecords[0]).out).at(0));
  replay = Replay({"--ruleset", digest.substr(7)});
  EXPECT_NE(replay.out.find(": 7 entries"), std::string::npos) << replay.out;
  replay = Replay({"--ruleset", "sha256:" + std::string(64, '0')});
  EXPECT_NE(replay.out.find(": 0 entries"), std::string::npos) << replay.out;
  EXPECT_EQ(Replay({"--since", "last tuesday"}).exit_code, 2);
}

TEST_F(AuditCliTest, WhatIfPrintsBandTransitions) {
  ASSERT_EQ(Filter(MixedInput()).exit_code, 1);
  // Without the meeting's weight, r-2 (15 + 35 = 50, P2) drops to P4 (15).
  TempRulePack weaker;
  std::string rules = test_support::kBasicRules;
  rules.replace(rules.find("urgency  +35"), 12, "urgency  +0 ");
  weaker.SetRules(rules);
  const ProcessResult what_if = Replay({"--with", weaker.config()});
  EXPECT_EQ(what_if.exit_code, 0) << what_if.err;
  EXPECT_NE(what_if.out.find("changes: entry 2 (id r-2): P2 -> P4: urgency, rules"),
            std::string::npos)
      << what_if.out;
  EXPECT_NE(what_if.out.find("band transitions (rows: stored band, columns: new band):"),
            std::string::npos);
  // Row P2: one record moves to P4.
  EXPECT_NE(what_if.out.find("  P2             0       0       0       1       0\n"),
            std::string::npos)
      << what_if.out;
  EXPECT_EQ(CountOf(what_if.out, "not replayable"), 0) << what_if.out;
}

TEST_F(AuditCliTest, ReportsStoresThatCannotBeRead) {
  const ProcessResult missing = Verify(pack_.dir() + "/missing.db");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no audit store at"), std::string::npos) << missing.err;
  EXPECT_EQ(Verify(pack_.config()).exit_code, 1);  // a YAML file
  ASSERT_EQ(Sql(pack_.dir() + "/other.db", "CREATE TABLE t (x)"), "");
  EXPECT_EQ(RunTriage({"filter", "--config", pack_.config(), "--audit", pack_.dir() + "/other.db"},
                      MixedInput())
                .exit_code,
            1);
  EXPECT_EQ(RunTriage({"replay"}).exit_code, 2);  // --audit is required
  EXPECT_EQ(RunTriage({"audit"}).exit_code, 2);
}

}  // namespace
}  // namespace triage
