// SPDX-License-Identifier: Apache-2.0
// Tests of audit entries as values (engine/src/audit/audit_entry.cc): what the hash covers, the
// error JSON, entries made from decisions and errors, the export form, the time format, and the
// archived-ruleset digest staying the one rule_set.cc computes.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "triage/audit.h"
#include "triage/decision.h"
#include "triage/scanner.h"
#include "triage/status.h"

#include "audit/audit_store_impl.h"
#include "unit/audit/audit_fixture.h"

namespace triage {
namespace {

using audit_testing::Compile;

AuditEntry SampleEntry() {
  AuditEntry entry;
  entry.seq = 7;
  entry.time = "2026-11-02T10:00:00.000Z";
  entry.line = 12;
  entry.record_id = "r-1";
  entry.input = R"({"id":"r-1","summary":"routine question"})";
  entry.input_sha256 = AuditSha256Hex(*entry.input);
  entry.input_bytes = entry.input->size();
  entry.decision = R"({"urgency":{"score":0,"band":"P4"}})";
  entry.ruleset = "sha256:" + std::string(64, 'a');
  entry.engine = "0.1.0";
  entry.prev_hash = kAuditGenesis;
  return entry;
}

TEST(AuditEntryTest, HashCoversEveryColumnButTheInputText) {
  const AuditEntry base = SampleEntry();
  const std::string hash = AuditEntryHash(base);
  EXPECT_EQ(hash.size(), 64U);

  std::vector<AuditEntry> changed(10, base);
  changed[0].prev_hash = std::string(64, '1');
  changed[1].seq = 8;
  changed[2].time = "2026-11-02T10:00:00.001Z";
  changed[3].line = 13;
  changed[4].record_id = std::nullopt;
  changed[5].input_sha256 = std::nullopt;
  changed[6].input_bytes = 1;
  changed[7].decision = R"({"urgency":{"score":1,"band":"P4"}})";
  changed[8].ruleset = "sha256:" + std::string(64, 'b');
  changed[9].engine = "0.1.1";
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_NE(AuditEntryHash(changed[i]), hash) << "column " << i;
  }

  // The text is covered through input_sha256 only: purging it keeps the hash.
  AuditEntry purged = base;
  purged.input = std::nullopt;
  EXPECT_EQ(AuditEntryHash(purged), hash);
  // The stored hash itself is not part of the content.
  AuditEntry hashed = base;
  hashed.hash = hash;
  EXPECT_EQ(AuditEntryHash(hashed), hash);
}

TEST(AuditEntryTest, HashIsLengthPrefixedSoBytesCannotMoveBetweenColumns) {
  // Joined with newlines alone, both would serialise to "...x\n-\ny\n...".
  AuditEntry a = SampleEntry();
  AuditEntry b = SampleEntry();
  a.record_id = "x\n-";
  a.input_sha256 = "y";
  b.record_id = "x";
  b.input_sha256 = "-\ny";
  EXPECT_NE(AuditEntryHash(a), AuditEntryHash(b));
  // Null and empty differ.
  AuditEntry c = SampleEntry();
  AuditEntry d = SampleEntry();
  c.record_id = std::nullopt;
  d.record_id = "";
  EXPECT_NE(AuditEntryHash(c), AuditEntryHash(d));
}

TEST(AuditEntryTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(AuditSha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuditEntryTest, ErrorJsonIsTheTriageMemberOfTheErrorLine) {
  const Status error = Status::InvalidRecord("invalid_json", "not valid JSON: \"quoted\" part");
  const std::string json = AuditErrorJson(error);
  const std::string line = FormatErrorLine(17, std::string("r-9"), error);
  EXPECT_EQ(line, R"({"line":17,"id":"r-9","triage":)" + json + "}");
  EXPECT_EQ(json.rfind(R"({"error":{"code":"invalid_json","message":)", 0), 0U) << json;
}

TEST(AuditEntryTest, NonRecordErrorIsRecordedAsInternal) {
  EXPECT_EQ(
      AuditErrorJson(Status::Internal("details that stay out of the store")),
      R"json({"error":{"code":"internal","message":"the record could not be triaged (internal error)"}})json");
}

TEST(AuditEntryTest, MakeAuditEntryCarriesTheDecisionAndTheInputDigest) {
  const RuleSet rules = Compile();
  const std::string record = audit_testing::Records()[0];
  Scanner scanner(rules);
  Decision decision;
  ASSERT_TRUE(scanner.ScanJson(record, &decision).ok());
  const AuditEntry entry = MakeAuditEntry(3, record, decision);
  EXPECT_EQ(entry.line, 3U);
  EXPECT_EQ(entry.record_id, "r-1");
  EXPECT_EQ(entry.input, record);
  EXPECT_EQ(entry.input_sha256, AuditSha256Hex(record));
  EXPECT_EQ(entry.input_bytes, record.size());
  EXPECT_EQ(entry.decision, DecisionToJson(decision));
  EXPECT_EQ(entry.ruleset, rules.digest());
  EXPECT_EQ(entry.engine, EngineVersion());
  EXPECT_TRUE(ParseAuditTime(entry.time).ok()) << entry.time;
  EXPECT_EQ(*ParseAuditTime(entry.time), entry.time);
  EXPECT_EQ(entry.seq, 0);
  EXPECT_TRUE(entry.hash.empty());
}

TEST(AuditEntryTest, ErrorEntryForARecordNotHeldInFullHasNoInputNorDigest) {
  const AuditEntry entry = MakeAuditErrorEntry(
      4, std::nullopt, 5000, std::nullopt, Status::InvalidRecord("too_large", "over the limit"));
  EXPECT_FALSE(entry.input.has_value());
  EXPECT_FALSE(entry.input_sha256.has_value());
  EXPECT_EQ(entry.input_bytes, 5000U);
  EXPECT_EQ(entry.decision, R"({"error":{"code":"too_large","message":"over the limit"}})");
}

TEST(AuditEntryTest, ExportLineIsJsonWithTheDecisionAsAnObject) {
  AuditEntry entry = SampleEntry();
  entry.hash = AuditEntryHash(entry);
  const std::string line = AuditEntryToJson(entry);
  rapidjson::Document document;
  document.Parse(line.c_str(), line.size());
  ASSERT_FALSE(document.HasParseError()) << line;
  EXPECT_EQ(document["seq"].GetInt64(), 7);
  EXPECT_STREQ(document["id"].GetString(), "r-1");
  EXPECT_STREQ(document["input"].GetString(), entry.input->c_str());
  ASSERT_TRUE(document["decision"].IsObject());
  EXPECT_STREQ(document["decision"]["urgency"]["band"].GetString(), "P4");
  EXPECT_STREQ(document["hash"].GetString(), entry.hash.c_str());
}

TEST(AuditEntryTest, ExportWritesNonUtf8InputAsBase64AndMissingValuesAsNull) {
  AuditEntry entry = SampleEntry();
  entry.input = std::string("caf\xff");
  entry.record_id = std::nullopt;
  const std::string line = AuditEntryToJson(entry);
  rapidjson::Document document;
  document.Parse(line.c_str(), line.size());
  ASSERT_FALSE(document.HasParseError()) << line;
  EXPECT_FALSE(document.HasMember("input"));
  EXPECT_STREQ(document["input_base64"].GetString(), "Y2Fm/w==");
  EXPECT_TRUE(document["id"].IsNull());
}

TEST(AuditEntryTest, ParsesUtcTimesIntoTheStoredForm) {
  const std::pair<const char*, const char*> cases[] = {
      {"2026-11-02", "2026-11-02T00:00:00.000Z"},
      {"2026-11-02T10:05Z", "2026-11-02T10:05:00.000Z"},
      {"2026-11-02T10:05:09Z", "2026-11-02T10:05:09.000Z"},
      {"2026-11-02t10:05:09.5z", "2026-11-02T10:05:09.500Z"},
      {"2026-11-02T10:05:09.123456Z", "2026-11-02T10:05:09.123Z"},
      {"2026-11-02 10:05:09+00:00", "2026-11-02T10:05:09.000Z"},
      {"2026-11-02T10:05+00:00", "2026-11-02T10:05:00.000Z"},
      {"2028-02-29", "2028-02-29T00:00:00.000Z"},
  };
  for (const auto& [text, expected] : cases) {
    const Result<std::string> parsed = ParseAuditTime(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, expected) << text;
  }
  for (const char* bad : {"", "2026-11", "2026-13-01", "2026-11-02T10Z", "2026-11-02T10:05",
                          "2026-11-02T10:05:09+02:00", "yesterday", "2026-11-02T25:00Z",
                          "2026-02-31", "2026-02-29T10:00Z", "2026-11-02T10:05:09.Z",
                          "2026-11-02T10:05:09Zx", "2026-11-02 "}) {
    EXPECT_FALSE(ParseAuditTime(bad).ok()) << bad;
  }
}

// Verify recomputes archived digests itself; they must stay the digests RuleSet computes.
TEST(AuditEntryTest, ArchivedRuleSetDigestIsTheRuleSetDigest) {
  const RuleSet rules = Compile();
  EXPECT_EQ(internal::RuleSetDigestOf(rules.sources()), rules.digest());
  const RuleSet retuned = Compile(audit_testing::RetunedRules());
  EXPECT_EQ(internal::RuleSetDigestOf(retuned.sources()), retuned.digest());
  EXPECT_NE(retuned.digest(), rules.digest());
}

TEST(DecisionJsonMemberTest, ReturnsMinifiedMemberOrNothing) {
  const std::string decision = R"({"urgency": {"score": 85, "band": "P1"}, "tags": []})";
  EXPECT_EQ(DecisionJsonMember(decision, "urgency"), R"({"score":85,"band":"P1"})");
  EXPECT_EQ(DecisionJsonMember(decision, "tags"), "[]");
  EXPECT_FALSE(DecisionJsonMember(decision, "rules").has_value());
  EXPECT_FALSE(DecisionJsonMember("not json", "urgency").has_value());
  EXPECT_FALSE(DecisionJsonMember("[1]", "urgency").has_value());
}

}  // namespace
}  // namespace triage
