// SPDX-License-Identifier: Apache-2.0
// StreamWorker: `triage worker`'s loop (docs/worker.md). It reads records from a Redis stream as
// one consumer of a consumer group, triages each through triage::Service — the request handling
// `triage serve` uses: the same decisions as `triage filter`, byte for byte, the same audit
// store — and writes one entry per record to the output stream, then acknowledges it:
//
//   XREADGROUP GROUP G C COUNT batch BLOCK ms STREAMS IN >      a batch of new entries
//   Service::TriageRecord (+ the audit entry, committed)        each entry's decision or error
//   MULTI  XADD OUT * id <entry id> decision <line> ...  EXEC   the batch's outputs, atomically
//   XACK IN G <ids>                                             only once EXEC said every XADD ok
//
// An input entry holds the record (JSON) in its `record` field. An output entry holds `id`, the
// input entry's stream id, and `decision`, the line `triage filter --output decision` writes
// for the record (or `--output annotate`'s), or its error line ({"line":1,"triage":{"error":...}};
// one entry is one record, as a single record to `triage serve`). Every entry gets exactly one
// output entry, or one dead-letter entry; none is acknowledged before that entry is written.
//
// Recovery. On start, after every reconnect and every `claim_interval`, the worker first re-reads
// its own pending entries (XREADGROUP ... 0: those it read but did not acknowledge before a crash
// or a lost connection), then claims those of other consumers idle longer than `claim_idle`
// (XAUTOCLAIM: a consumer that died). An entry delivered more than `max_deliveries` times (its
// delivery count in the pending entries list, XPENDING) is not triaged again: it goes to the
// dead-letter stream with an error object and is acknowledged. A lost connection is retried with
// exponential backoff (100 ms doubling to 5 s, until stopped); nothing is acknowledged that has
// no output, so a record whose output was written but whose XACK was lost is triaged again and
// its output written twice, with the same `id` (at least once, de-duplicable by stream id).
//
// Shared conversations. With StreamWorkerOptions::conversations (a RedisConversationStore, the one
// the service threads with), a conversation message is applied only once every earlier entry of
// its conversation is acknowledged: an earlier one in the batch is written and acknowledged first;
// one pending with another consumer is waited for (after writing what is done), or claimed and
// triaged first when that consumer has been idle for claim_idle. So messages of a conversation
// are applied in stream order across workers, and a redelivery is recomputed, never re-applied
// (docs/worker.md section 4).
//
// Thread-safety: not thread-safe; Run() on one thread. Several workers (processes) may share one
// group.
#ifndef TRIAGE_WORKER_STREAM_WORKER_H_
#define TRIAGE_WORKER_STREAM_WORKER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/service.h"
#include "triage/status.h"

#include "redis_connection.h"
#include "redis_conversation_store.h"

namespace triage::worker {

struct StreamWorkerOptions {
  RedisAddress address;
  std::string stream;    // IN: the records
  std::string group;     // the consumer group (created at IN's start, with the stream, if missing)
  std::string consumer;  // this worker's name in the group (unique per worker)
  std::string out;       // OUT: one entry per record
  std::string dead_letter;       // entries delivered too often ("": IN + ":dead")
  std::string field = "record";  // the input entry's field holding the record
  OutputMode mode = OutputMode::kDecision;
  size_t batch = 100;                               // entries per XREADGROUP / XAUTOCLAIM
  std::chrono::milliseconds block{1000};            // XREADGROUP BLOCK (also bounds SIGTERM's wait)
  std::chrono::milliseconds claim_idle{30000};      // XAUTOCLAIM min-idle-time
  std::chrono::milliseconds claim_interval{10000};  // how often to look for idle entries
  uint64_t max_deliveries = 5;                      // delivered more often than this: dead-lettered
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds stats_interval{0};  // a stats line this often (0: only at the end)
  // The shared conversation state (`--conversations redis`; not owned, and the one the service
  // threads with), or null for the service's own in-process store. With it the worker keeps the
  // per-conversation order across workers (docs/worker.md section 4): a conversation's message
  // is applied only once every earlier entry of that conversation is acknowledged.
  RedisConversationStore* conversations = nullptr;
  // Where log lines go (never record text). Required.
  std::function<void(const std::string&)> log;
  // Loads the rules again for a reload (SIGHUP). Required.
  std::function<Result<RuleSet>()> load;
};

// What the worker did, since it started.
struct StreamWorkerCounters {
  uint64_t consumed = 0;       // entries read (new, own pending re-read, or claimed)
  uint64_t acked = 0;          // entries acknowledged
  uint64_t claimed = 0;        // entries claimed from other consumers
  uint64_t dead_lettered = 0;  // entries sent to the dead-letter stream
  uint64_t errors = 0;         // entries whose output is an error line
  uint64_t reconnects = 0;     // connections re-established after a failure
  int64_t lag = -1;            // the group's lag (XINFO GROUPS) when last asked; -1: unknown
  // With shared conversation state (StreamWorkerOptions::conversations):
  uint64_t waits = 0;    // messages that waited for an earlier one of their conversation
  uint64_t repeats = 0;  // messages applied before (redelivered): recomputed, or stale and skipped
};

class StreamWorker {
 public:
  // `service` (not owned, outlives the worker) triages, on worker slot 0.
  StreamWorker(Service* service, StreamWorkerOptions options);
  ~StreamWorker();
  StreamWorker(const StreamWorker&) = delete;
  StreamWorker& operator=(const StreamWorker&) = delete;

  // Runs until *stop is set (checked between batches: the batch in hand is finished, written and
  // acknowledged first, unless Redis is unreachable: then its entries stay pending for the next
  // start or another worker to claim). Any failure of Redis — a lost connection, an error reply —
  // is retried by connecting again, with backoff. Reloads the rules when *reload is set (and
  // clears it); a failed reload keeps the old ruleset. Returns OK when stopped, InvalidArgument
  // when the group or streams cannot be used at start (a wrong type), IoError when the audit
  // store failed.
  Status Run(std::atomic<bool>* stop, std::atomic<bool>* reload);

  const StreamWorkerCounters& counters() const { return counters_; }
  // The stats line: "consumed=… acked=… claimed=… dead_lettered=… errors=… reconnects=… lag=…",
  // and with shared conversation state " waits=… repeats=…".
  std::string StatsLine() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  StreamWorkerCounters counters_;
};

}  // namespace triage::worker

#endif  // TRIAGE_WORKER_STREAM_WORKER_H_
