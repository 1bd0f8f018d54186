// SPDX-License-Identifier: Apache-2.0
// Shared by the audit store's unit tests: a small ruleset, synthetic clinical records, a store in
// a fresh temporary directory, and direct SQL on the store's file (sqlite3 C API) to tamper with
// it the way someone with write access to the file could.
#ifndef TRIAGE_TESTS_UNIT_AUDIT_AUDIT_FIXTURE_H_
#define TRIAGE_TESTS_UNIT_AUDIT_AUDIT_FIXTURE_H_

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "triage/audit.h"
#include "triage/triage.h"

#include "support/compile_helpers.h"
#include "support/run_process.h"
#include <sqlite3.h>

namespace triage::audit_testing {

inline constexpr char kRules[] = R"(
category enticement "Online enticement of children for sexual acts"
category labor_trafficking "Labor trafficking"

pattern minor_age = /\b(?:[5-9]|1[0-7])\s*(?:yo|y\/o|yrs?|years?[ -]old)\b/i
list    meet_up   = "meet up", "meet in person"
list    held_docs = "took my passport", "keeps their passport"

rule minor_age_mentioned "A minor's age appears in the text" {
  when    text ~ minor_age or victim.age < 18
  urgency +15
  tag     "minor"
}

rule meeting_a_minor "Arranging to meet a minor in person" {
  when     minor_age_mentioned and text ~ any(meet_up)
  urgency  +35
  category enticement +40
}

rule documents_held "An employer holds identity documents" {
  when     text ~ any(held_docs)
  urgency  +25
  category labor_trafficking +35
}

rule imminent_danger {
  when    text ~ /\b(right now|tonight|hurry)\b/i and minor_age_mentioned
  urgency >= 90
  route   "duty-officer"
}
)";

// The same pack with one weight changed: a different digest, different decisions.
inline std::string RetunedRules() {
  std::string rules = kRules;
  rules.replace(rules.find("urgency  +35"), 12, "urgency  +45");
  return rules;
}

// Synthetic, clinical records; "quillwort" marks record text for the privacy tests.
inline std::vector<std::string> Records() {
  return {
      R"({"id":"r-1","summary":"Caller reports a 13 yo was asked to meet up tonight quillwort"})",
      R"({"id":"r-2","summary":"Worker says the employer keeps their passport quillwort"})",
      R"({"id":"r-3","summary":"General question about the hotline quillwort"})",
      R"({"id":"r-4","summary":"A parent reports a 15 yo was asked to meet in person"})",
      R"({"id":"s-1","kind":"sms","body":"HELP"})",
      R"({"id":"r-5","summary":"Teacher reports a student","victims":[{"age":12}]})",
  };
}

// Returns the dir's file `name`, removing the directory when the fixture ends.
class TempDir {
 public:
  TempDir() : dir_(test_support::MakeTempDir("triage-audit-test-")) {}
  ~TempDir() {
    std::error_code error;
    std::filesystem::remove_all(dir_, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// Returns `text` as an SQL string literal.
inline std::string SqlQuote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

// Runs `sql` on the file at `path` with a connection of its own. Returns SQLite's error, or "".
inline std::string Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    error = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
  } else {
    sqlite3_busy_timeout(db, 10000);
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      error = message != nullptr ? message : "error";
    }
    sqlite3_free(message);
  }
  sqlite3_close(db);
  return error;
}

// Returns the single text value `sql` yields on the file at `path` ("" on error or NULL).
inline std::string SqlText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      if (text != nullptr) value = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

// Returns the single integer `sql` yields on the file at `path` (-1 on error).
inline int64_t SqlInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

// Compiles kRules (or `rules`) with the default config. ASSERTs success.
inline RuleSet Compile(const std::string& rules = kRules) {
  testing::Compiled compiled = testing::CompileText(rules);
  EXPECT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  return *compiled.rules;
}

// Scans `records` under `rules` and appends an entry for each (an error entry for a record that
// fails), numbering lines from `first_line`.
inline void AppendRecords(AuditStore* store, const RuleSet& rules,
                          const std::vector<std::string>& records, uint64_t first_line = 1) {
  Scanner scanner(rules);
  for (size_t i = 0; i < records.size(); ++i) {
    Decision decision;
    const Status status = scanner.ScanJson(records[i], &decision);
    AuditEntry entry = status.ok() ? MakeAuditEntry(first_line + i, records[i], decision)
                                   : MakeAuditErrorEntry(first_line + i, records[i],
                                                         records[i].size(), decision.id, status);
    const Status appended = store->Append(rules, std::move(entry));
    ASSERT_TRUE(appended.ok()) << appended.ToString();
  }
}

// Opens `path` for writing (default options plus `options`). ASSERTs success via EXPECT.
inline AuditStore OpenStore(const std::string& path, AuditStoreOptions options = {}) {
  Result<AuditStore> store = AuditStore::Open(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

// Returns the verification report of the store at `path` (opened read-only).
inline AuditVerification VerifyStore(const std::string& path,
                                     const AuditVerifyOptions& options = {}) {
  AuditStoreOptions read;
  read.read_only = true;
  AuditVerification report;
  Result<AuditStore> store = AuditStore::Open(path, read);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return report;
  const Status status = store->Verify(options, &report);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return report;
}

// The code of the first problem of `report`, or "".
inline std::string FirstProblem(const AuditVerification& report) {
  return report.problems.empty() ? "" : report.problems.front().code;
}

// "line decision input-digest" of every entry of the store at `path`, in order (opened read-only).
inline std::vector<std::string> EntryDecisions(const std::string& path) {
  std::vector<std::string> out;
  AuditStoreOptions read;
  read.read_only = true;
  Result<AuditStore> store = AuditStore::Open(path, read);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return out;
  EXPECT_TRUE(store
                  ->ForEach({},
                            [&out](const AuditEntry& entry) {
                              out.push_back(std::to_string(entry.line) + " " + entry.decision +
                                            " " + entry.input_sha256.value_or("-"));
                              return Status::Ok();
                            })
                  .ok());
  return out;
}

}  // namespace triage::audit_testing

#endif  // TRIAGE_TESTS_UNIT_AUDIT_AUDIT_FIXTURE_H_
