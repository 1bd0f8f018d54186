// SPDX-License-Identifier: Apache-2.0
// The audit trail in the CLI: what `triage filter --audit` adds to the filter (its options and
// FilterAudit, which turns each processed line into an audit entry and commits a batch's entries
// before the batch's output is written), and what `triage audit` and `triage replay` share
// (opening a store for reading, time and digest arguments). The store itself is
// triage::AuditStore (triage/audit.h).
#ifndef TRIAGE_CLI_AUDIT_SUPPORT_H_
#define TRIAGE_CLI_AUDIT_SUPPORT_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/audit.h"
#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/status.h"

#include "line_io.h"

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace triage::cli {

// The --audit options of `triage filter`.
struct FilterAuditOptions {
  std::string path;            // --audit FILE; empty: no audit trail
  std::string input = "text";  // --audit-input text|digest
  std::string chain_from;      // --audit-chain-from HASH (a new store continuing an old one)
};

// Declares --audit, --audit-input (TRIAGE_AUDIT_INPUT) and --audit-chain-from on `app`, bound to
// *options (which must outlive the parse).
void AddFilterAuditOptions(CLI::App* app, FilterAuditOptions* options);

// Records what `triage filter` decides. Capture() runs on the filter's worker threads, one call
// per line, each into its own slot; everything else runs on the filter's main thread, between
// batches. Not thread-safe otherwise.
class FilterAudit {
 public:
  // Opens (or creates) the store named by options.path. Returns null when no store was asked
  // for, and the store's error if it cannot be opened.
  static Result<std::unique_ptr<FilterAudit>> Open(const FilterAuditOptions& options);

  // Makes room for a batch of `count` lines. Call before the batch's Capture() calls.
  void StartBatch(size_t count);
  // Prepares the entry of the line in slot `index` of the batch, a triaged record. Thread-safe
  // for distinct slots.
  void Capture(size_t index, const InputLine& line, const Decision& decision);
  // Prepares the entry of the line in slot `index` of the batch, an error line: `error` is the
  // InvalidRecord status the error line was written from, `id` the record's id if it was read.
  // Thread-safe for distinct slots.
  void CaptureError(size_t index, const InputLine& line, const std::optional<std::string>& id,
                    const Status& error);
  // Appends the entries of slots [0, count) in order, made under `rules`, and commits them. The
  // filter calls this before writing the batch's output, so that no decision leaves the filter
  // unrecorded. Returns IoError (for the caller to report) if they could not be recorded; the
  // filter must then stop, and later calls fail too.
  Status Commit(const RuleSet& rules, size_t count);
  // Rebuilds the conversations of the store's earlier runs into `conversations` (see
  // AuditStore::RestoreConversations), so that this run carries them on and the store replays as
  // one stream. Sets *restored to the messages re-run. Call before the first batch.
  Status RestoreConversations(ConversationStore* conversations, uint64_t* restored) {
    return store_.RestoreConversations(conversations, restored);
  }
  // Closes the store. Returns IoError if closing fails, unless a Commit failed before.
  Status Close();
  // True once a Commit or the Close failed.
  bool failed() const { return failed_; }

 private:
  explicit FilterAudit(AuditStore store) : store_(std::move(store)) {}

  AuditStore store_;
  std::vector<AuditEntry> entries_;
  bool failed_ = false;
};

// Returns true if `text` is a chain hash as the store writes it: 64 lower-case hex digits.
bool IsChainHash(const std::string& text);
// A CLI11 check that an option's value is a chain hash (--anchor, --audit-chain-from): anything
// else is a usage error (exit 2), found before any store is opened.
CLI::Validator ChainHashValidator();

// Opens the store at `path` read-only.
Result<AuditStore> OpenAuditForReading(const std::string& path);

// Fills query->since/until from --since/--until values (empty: no bound) and query->ruleset from
// a --ruleset value ("sha256:<hex>" or just the hex; the hex is 64 lower-case digits). Returns
// InvalidArgument for a bad time (a usage error).
Status ParseAuditQuery(const std::string& since, const std::string& until,
                       const std::string& ruleset, AuditQuery* query);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_AUDIT_SUPPORT_H_
