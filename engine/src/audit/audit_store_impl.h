// SPDX-License-Identifier: Apache-2.0
// The state behind triage::AuditStore (audit.h), shared by the translation units that implement
// it: audit_store.cc (open, schema, append, commit, reads), audit_verify.cc (Verify) and
// audit_replay.cc (Replay). Also the helpers they share with audit_entry.cc.
#ifndef TRIAGE_AUDIT_AUDIT_STORE_IMPL_H_
#define TRIAGE_AUDIT_AUDIT_STORE_IMPL_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "triage/audit.h"
#include "triage/rule_set.h"
#include "triage/status.h"

#include "audit/checkpointer.h"
#include "audit/sqlite.h"

namespace triage::internal {

// The value of meta.format for this layout; a store with another value is refused.
inline constexpr char kAuditFormat[] = "triage-audit-1";

// Returns the time of `clock` (null: AuditClock::System()) in the stored form
// ("2026-11-02T10:00:00.123Z").
std::string AuditNow(const AuditClock* clock);
// Returns the digest a ruleset with these sources has: the same serialisation and hash as
// rule_set.cc ("sha256:<hex>").
std::string RuleSetDigestOf(const std::vector<RuleSetSource>& sources);
// Returns the band of a stored decision JSON, "error" for an error object, "" if unreadable.
std::string BandOf(std::string_view decision_json);

// The columns every entry read selects, in AuditEntry order (ReadEntryRow reads them).
inline constexpr char kEntryColumns[] =
    "seq, time, line, record_id, input, input_sha256, input_bytes, decision, ruleset, engine, "
    "prev_hash, hash";
// Reads a row selected with kEntryColumns.
AuditEntry ReadEntryRow(const SqliteStatement& statement);

// Not thread-safe (AuditStore's contract).
class AuditStoreImpl {
 public:
  std::string path;
  AuditStoreOptions options;
  std::string genesis;
  SqliteDb db;
  Checkpointer checkpointer;  // after db: stopped before db closes
  bool closed = false;

  // Buffered, not yet committed.
  std::vector<AuditEntry> pending;
  std::vector<RuleSet> pending_rulesets;
  // Digests archived by this store object (committed, or pending in pending_rulesets).
  std::set<std::string> archived;

  // Prepared on first use.
  SqliteStatement insert_entry;
  SqliteStatement insert_ruleset;
  SqliteStatement insert_ruleset_file;
  SqliteStatement select_head;
  SqliteStatement begin;
  SqliteStatement commit;

  // Opens the connection and, unless read-only, creates or checks the schema.
  Status Open();
  // Commits `pending` and `pending_rulesets` in one IMMEDIATE transaction.
  Status Commit();
  Status Close();
  // Returns the SELECT of kEntryColumns for `query` (with its parameters bound in order).
  Status PrepareQuery(const AuditQuery& query, SqliteStatement* statement) const;

 private:
  Status CreateSchema();
  // Opens the connection of a read-only store and reads its meta table.
  Status OpenReadOnly();
  Status ReadMeta();
  // The error for a meta table that cannot be read: a damaged store, or not a store at all.
  Status MetaUnreadable() const;
  Status InsertRuleSet(const RuleSet& rules, const std::string& now);
};

}  // namespace triage::internal

#endif  // TRIAGE_AUDIT_AUDIT_STORE_IMPL_H_
