// SPDX-License-Identifier: Apache-2.0
// Service: the request handling of a long-running triage driver, whatever carries the requests
// (`triage serve` over HTTP; a queue worker later). It owns what `triage filter` owns for a
// stream — the live ruleset (Engine, reloadable, keeping the old one on failure), the SMS
// conversation store, the audit store — and answers requests with a status, a media type and a
// body, so that every transport gives the same bytes:
//
//   POST /v1/triage   Triage(): one JSON record -> its decision line, or JSON Lines -> one line
//                     per non-blank input line, in order (decision or error line, as the filter
//                     writes them)
//   POST /v1/explain  Explain(): one JSON record -> the explain report (ExplainReportToJson)
//
// Records are triaged exactly as `triage filter` triages them: a ConversationScanner per worker
// over one MemoryConversationStore (restored from the audit store at start, as the filter does),
// and with an audit store every record's decision or error is committed before its answer leaves
// (a decision never leaves unrecorded). Conversation messages are admitted, scanned and settled
// one at a time under one lock, in the order their audit entries take in the chain, so that
// `triage replay` rebuilds the same conversations from the store; records of no conversation are
// scanned concurrently. Commits are grouped: concurrent requests share one transaction.
//
// Decisions never read the clock (only the audit entries' times do, through the AuditClock).
//
// Thread-safety: Triage(), TriageRecord() and Explain() may run concurrently for distinct worker
// slots (each slot holds its own scanners; one call per slot at a time). Reload(), rules(),
// ready(), MetricsText() and metrics() are thread-safe. Stop() must not run concurrently with a
// request.
#ifndef TRIAGE_SERVICE_H_
#define TRIAGE_SERVICE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "triage/audit.h"
#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/explain_report.h"
#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/service_metrics.h"
#include "triage/status.h"

namespace triage {

// An answer to one request.
struct ServiceResponse {
  int status = 200;          // the HTTP status code
  std::string content_type;  // the body's media type
  std::string body;
  // The error code of a refused or failed request ("" when it was answered; a batch whose lines
  // had errors was answered).
  std::string error_code;
};

// Returns the answer to a refused request: `status` with the JSON body
// {"error":{"code":"<code>","message":"<message>"}}. REQUIRES: `message` quotes no record text.
TRIAGE_EXPORT ServiceResponse ServiceError(int status, std::string_view code,
                                           std::string_view message);

// How a triage request's body holds its records.
enum class BodyFormat {
  kRecord,     // the whole body is one JSON record (line breaks inside it allowed)
  kJsonLines,  // one record per line; blank lines produce nothing
};

struct ServiceOptions {
  // Worker slots: the concurrent callers, each with its own scanners (a transport's threads).
  size_t workers = 1;
  // The audit store to record every decision and error in (created if missing; "": none).
  std::string audit_path;
  AuditInput audit_input = AuditInput::kText;
  std::string audit_chain_from;  // as AuditStoreOptions::chain_from
  // Where the audit entries' times come from (null: the system clock). Not owned.
  const AuditClock* clock = nullptr;
  // What Explain() computes beyond the ledger.
  ExplainReportOptions explain;
  // The conversation store to thread SMS messages in (not owned; outlives the service), or null
  // for the service's own MemoryConversationStore. A store given here holds its conversations
  // already: the audit store's are not re-run into it (a shared store, `triage worker
  // --conversations redis`). It is configured with the ruleset's limits as the own one is.
  ConversationStore* conversations = nullptr;
};

class TRIAGE_EXPORT Service {
 public:
  // Starts a service deciding with `rules`: opens the audit store if one is named, rebuilds the
  // conversations of its earlier runs (RestoreConversations), and starts its commit thread.
  // Returns the store's failure.
  static Result<std::unique_ptr<Service>> Start(RuleSet rules, const ServiceOptions& options);
  // Calls Stop().
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // POST /v1/triage. `body` holds one record or JSON Lines (`format`); each triaged record is
  // written as `mode` says. 200 with application/json (one record: its decision line) or
  // application/x-ndjson (one line per non-blank input line); a single record that cannot be
  // triaged gets 400 (413 when over limits.max_record_bytes) with its error line, the filter's
  // {"line":1,"triage":{"error":{"code":...}}}. 503 (audit_failed) when the audit store cannot
  // record the decisions: none is then returned. REQUIRES: worker < workers.
  ServiceResponse Triage(size_t worker, std::string_view body, BodyFormat format, OutputMode mode);

  // Triages one record (JSON) as Triage() does — conversation, audit entry at input line `line`,
  // counters — and fills *decision. Returns InvalidRecord (decision->id set when it was read) for
  // a record that cannot be triaged, IoError when the audit store failed (the decision must not
  // be used), Internal after Stop(). For transports that answer in another form (a TwiML reply).
  Status TriageRecord(size_t worker, std::string_view json, uint64_t line, Decision* decision);

  // Records, for a body that an adapter could not convert into a record (a malformed form or
  // report XML), the error `error` (an InvalidRecord) at input line `line`, as the filter records
  // a line that did not convert: by its length `input_bytes` only. Counts the error. Returns
  // IoError when the audit store failed. Without an audit store, only counts.
  Status RecordFailure(uint64_t line, uint64_t input_bytes, const Status& error);

  // POST /v1/explain: one JSON record -> 200 with its explain report (ExplainReportToJson; the
  // record judged on its own, as `triage explain` judges it: no conversation, no audit entry), or
  // 400/413 with its error line. REQUIRES: worker < workers.
  ServiceResponse Explain(size_t worker, std::string_view body);

  // Calls `load` and swaps its ruleset in; on failure keeps the current one and returns the
  // failure. Requests already running finish with the ruleset they started with; each worker
  // takes the new one at its next request. Counted in the metrics.
  Status Reload(const std::function<Result<RuleSet>()>& load);

  // The live ruleset.
  RuleSet rules() const;
  // True while the service can answer triage requests: not stopped, and its audit store (if
  // any) has not failed.
  bool ready() const;
  // The conversation messages re-run from the audit store at start.
  uint64_t restored_messages() const;

  // The counters (transports add their requests to them).
  ServiceMetrics& metrics();
  // The metrics in the Prometheus text format: the counters, the ruleset as the label of
  // triage_ruleset_info, readiness, open conversations, audit entries committed.
  std::string MetricsText() const;

  // Commits every pending audit entry and closes the store. Later requests get 503. Returns the
  // store's failure. Idempotent.
  Status Stop();

 private:
  class Impl;
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage

#endif  // TRIAGE_SERVICE_H_
