// SPDX-License-Identifier: Apache-2.0
// AuditStore: the audit trail of triage decisions, in one SQLite file. Every decision (and every
// record that could not be triaged) becomes an entry holding the time it was made, the record (or
// only its SHA-256), the decision JSON, the digest of the ruleset that made it and the engine
// version. Entries form a hash chain — each entry's hash covers the hash of the entry before it —
// so that changing, removing or inserting an entry anywhere breaks the chain from that point on.
// Every ruleset used is archived once, by digest, with the full text of its config and rule
// files, so that a store alone is enough to replay its decisions: Replay() recompiles each
// archived ruleset, re-runs every stored record and compares the new decision with the stored one
// byte for byte. docs/audit.md describes the schema, the chain and the guarantees.
//
//   auto store = triage::AuditStore::Open("audit.db", {});
//   if (!store.ok()) return;
//   triage::Decision decision;
//   if (scanner.ScanJson(record, &decision).ok())
//     (void)store->Append(rules, triage::MakeAuditEntry(line, record, decision));
//   (void)store->Close();  // commits what is still pending
//
// Writes are batched: Append() buffers entries in memory and commits them in one transaction per
// AuditStoreOptions::batch_size entries (and on Flush() and Close()). The head of the chain is
// read and the batch inserted within one IMMEDIATE transaction, so several writers (threads with
// their own AuditStore, or processes) on one file are serialised by SQLite's locking and the
// chain stays linear. A process killed at any point loses at most the entries it had not yet
// committed; the file stays readable and its chain intact (WAL journal).
#ifndef TRIAGE_AUDIT_H_
#define TRIAGE_AUDIT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

namespace internal {
class AuditStoreImpl;
}  // namespace internal

// How much of each record an audit store keeps.
enum class AuditInput {
  kText,    // the record as received, and its SHA-256
  kDigest,  // only the record's SHA-256: the store holds no report text, and such entries cannot
            // be replayed (only shown to match a record presented later)
};

// The genesis of a chain: the prev_hash of the first entry of a store that continues no other.
inline constexpr char kAuditGenesis[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The clock the audit trail reads (LevelDB's Env::NowMicros): every time an audit store or an
// entry maker stamps comes from one, so that tests can inject a fixed or stepping clock and get
// byte-identical stores. Implementations must be thread-safe (entries are made on the filter's
// worker threads).
class TRIAGE_EXPORT AuditClock {
 public:
  virtual ~AuditClock();
  // Returns the time as microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() const = 0;
  // Returns the system's real-time clock (CLOCK_REALTIME). Never null; lives as long as the
  // program.
  static const AuditClock* System();
};

// Returns `micros` (since the Unix epoch) in the stored time form, UTC RFC 3339 with
// milliseconds: "2026-11-02T10:00:00.123Z".
TRIAGE_EXPORT std::string FormatAuditTime(int64_t micros);

struct AuditStoreOptions {
  // Opens an existing store for reading only (verify, show, export, replay); Append() then fails
  // (and Flush() has nothing to do). Without it, a missing store is created.
  bool read_only = false;
  // What Append() keeps of each record. The store enforces it: with kDigest an entry's input is
  // dropped (after its SHA-256 is taken) before it is buffered.
  AuditInput input = AuditInput::kText;
  // The prev_hash of a new store's first entry: empty for kAuditGenesis, or the head hash of the
  // store this one continues (rotation: 64 lower-case hex digits). Opening an existing store with
  // a non-empty value that differs from the store's own genesis fails with InvalidArgument.
  std::string chain_from;
  // Entries buffered before Append() commits them (at least 1).
  size_t batch_size = 1000;
  // How long a commit waits for another writer's transaction before failing with IoError.
  int busy_timeout_ms = 60000;
  // Where the store's times (created_at, archived_at, an appended entry's empty time) come from;
  // null means AuditClock::System(). Not owned; must outlive the store.
  const AuditClock* clock = nullptr;
  // Fault injection, for tests only: called inside each commit's transaction after the batch's
  // rows are written and before COMMIT. A test makes a process die here (_exit) to show that a
  // store killed mid-commit keeps every committed entry and verifies. Empty: no hook.
  std::function<void()> before_commit;
};

// One entry of the audit trail: one record's decision, or the error for a record that could not
// be triaged.
struct AuditEntry {
  int64_t seq = 0;    // 1, 2, 3... in commit order; 0 until committed
  std::string time;   // when the decision was made: UTC RFC 3339, "2026-11-02T10:00:00.123Z"
  uint64_t line = 0;  // the record's physical input line (1-based); 0 if not from a line
  std::optional<std::string> record_id;     // the record's id, when it could be read
  std::optional<std::string> input;         // the record as received; null with AuditInput::kDigest
                                            // or when it was not held in full (too_large)
  std::optional<std::string> input_sha256;  // hex SHA-256 of the record's bytes; null when the
                                            // record was not held in full (too_large)
  uint64_t input_bytes = 0;                 // the record's length in bytes
  // The decision: DecisionToJson(), or for an error AuditErrorJson(): {"error":{"code":...,...}}.
  std::string decision;
  std::string ruleset;    // digest of the ruleset in effect, "sha256:<hex>"
  std::string engine;     // engine version
  std::string prev_hash;  // the previous entry's hash (or the store's genesis); set on commit
  std::string hash;       // SHA-256 of prev_hash and this entry's content (see AuditEntryHash)
};

// Returns the entry for a record that `decision` triaged: its time (now, by `clock`; null means
// AuditClock::System()), line, id, input, the input's SHA-256 and length, and the decision JSON;
// Append() fills in the rest. Thread-safe (the filter prepares entries on its worker threads).
TRIAGE_EXPORT AuditEntry MakeAuditEntry(uint64_t line, std::string_view input,
                                        const Decision& decision,
                                        const AuditClock* clock = nullptr);

// Returns the entry for a record that could not be triaged, with error.record_code() and
// error.message() as AuditErrorJson(). `input` is the record as received, or nullopt when it was
// not held in full (a record over the size limit); `input_bytes` is its full length. A Status
// that is not kInvalidRecord is recorded as an "internal" error. The time comes from `clock`
// (null: AuditClock::System()). Thread-safe.
TRIAGE_EXPORT AuditEntry MakeAuditErrorEntry(uint64_t line, std::optional<std::string_view> input,
                                             uint64_t input_bytes,
                                             const std::optional<std::string>& record_id,
                                             const Status& error,
                                             const AuditClock* clock = nullptr);

// Returns the JSON an error is recorded as: the `triage` member of FormatErrorLine(), e.g.
// {"error":{"code":"invalid_json","message":"..."}}. A Status that is not kInvalidRecord becomes
// {"error":{"code":"internal","message":"the record could not be triaged (internal error)"}}, as
// `triage filter` writes it.
TRIAGE_EXPORT std::string AuditErrorJson(const Status& error);

// Returns the hash of `entry` (64 hex digits): SHA-256 over entry.prev_hash and the length-
// prefixed content of every other column except `input`, which the hash covers through
// input_sha256 (so that text can be purged later without breaking the chain). docs/audit.md gives
// the exact byte layout.
TRIAGE_EXPORT std::string AuditEntryHash(const AuditEntry& entry);

// Returns the hex SHA-256 of `data` (64 lower-case digits). Thread-safe.
TRIAGE_EXPORT std::string AuditSha256Hex(std::string_view data);

// Returns `entry` as one line of JSON (no '\n'): seq, time, line, id, input (a string; a record
// that is not valid UTF-8 is written as input_base64 instead), input_sha256, input_bytes, decision
// (as a JSON value), ruleset, engine, prev_hash and hash. Absent values are null.
TRIAGE_EXPORT std::string AuditEntryToJson(const AuditEntry& entry);

// Parses a time given on a command line — "2026-11-02", "2026-11-02T10:00Z",
// "2026-11-02T10:00:00Z", "2026-11-02T10:00:00.5Z" — into the stored form (UTC, milliseconds), so
// that stored times compare with it as strings. Only UTC ("Z" or "+00:00") is accepted, and the
// date must exist (ParseTimestamp reads it). Returns InvalidArgument for anything else.
TRIAGE_EXPORT Result<std::string> ParseAuditTime(std::string_view text);

// Which entries a read, a replay or an export covers. Empty members select everything.
struct AuditQuery {
  std::string since;                     // time >= since (stored form, see ParseAuditTime)
  std::string until;                     // time < until
  std::string ruleset;                   // entries decided by this ruleset digest only
  std::optional<std::string> record_id;  // entries of this record id only
};

// The result of AuditStore::Verify().
struct AuditVerification {
  // A problem found. For an entry, `seq` is the first broken entry (the walk stops there); for an
  // archived ruleset, `seq` is 0 and `ruleset` names it.
  struct Problem {
    int64_t seq = 0;
    std::optional<std::string> record_id;  // the broken entry's record id, as stored
    std::string ruleset;                   // the archived ruleset, or the broken entry's
    std::string code;     // stable kebab-case id, e.g. "hash-mismatch", "chain-broken"
    std::string message;  // what is wrong (`seq` says where); lower-case start; never quotes a
                          // record
  };
  uint64_t entries = 0;      // entries walked (up to the first broken one)
  uint64_t digest_only = 0;  // of which without text (AuditInput::kDigest or too large)
  uint64_t rulesets = 0;     // archived rulesets checked
  std::string genesis;       // the store's genesis (prev_hash of its first entry)
  std::string head;          // the last good entry's hash (the genesis if there is none)
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
};

struct AuditVerifyOptions {
  // Hashes recorded earlier (e.g. a head hash written to a separate log every day) that the chain
  // must still contain; one that is missing is an "anchor-missing" problem. Detects a store that
  // was truncated or rewritten wholesale, which a hash chain alone cannot.
  std::vector<std::string> anchors;
};

// How Replay() classified one entry.
enum class AuditReplayOutcome {
  kReproduced,       // the new decision JSON equals the stored one byte for byte
  kErrorReproduced,  // the stored entry is an error and replay gives the same error
  kDiffers,          // the new decision or error differs from the stored one
  kNotReplayable,    // only the record's digest was kept, so there is nothing to re-run
  kRuleSetFailed,    // the archived ruleset is missing or does not compile to its digest
};

// One replayed entry, as Replay() reports it.
struct AuditReplayResult {
  const AuditEntry* entry = nullptr;  // the stored entry; valid during the callback only
  AuditReplayOutcome outcome = AuditReplayOutcome::kReproduced;
  // The decision (or error) JSON the replay produced; empty if the entry was not re-run.
  std::string replayed;
  // For kDiffers: the top-level members of the decision that differ ("urgency", "rules", ...;
  // "error" when one side is an error), in the stored decision's order.
  std::vector<std::string> differing_fields;
  // The band of the stored and of the replayed decision; "error" for an error; empty if unknown
  // (replayed: not re-run).
  std::string stored_band;
  std::string replayed_band;
  // For kRuleSetFailed: why (the archived ruleset's problem, without record text).
  std::string message;
};

// Returns member `key` of a stored or replayed decision (or error) JSON as minified JSON, or
// nullopt if `decision_json` is not an object with that member: for showing, field by field,
// what a replay changed (AuditReplayResult::differing_fields). Thread-safe.
TRIAGE_EXPORT std::optional<std::string> DecisionJsonMember(std::string_view decision_json,
                                                            std::string_view key);

struct AuditReplayOptions {
  AuditQuery query;
  // When set, every selected record is replayed under this ruleset instead of its archived one
  // (a what-if: compare the bands of `stored_band` and `replayed_band`).
  std::optional<RuleSet> with;
};

// An audit store over one SQLite file. Not thread-safe: every method, the reading ones included,
// uses the store's one SQLite connection, so use an AuditStore from one thread at a time. Several
// AuditStore objects (in threads or processes) may use the same file concurrently. Move-only.
class TRIAGE_EXPORT AuditStore {
 public:
  // Opens the store at `path`, creating it (and its schema) unless options.read_only; a new
  // store's file is created readable and writable by its owner only (0600). Returns
  // NotFound for a missing file when read_only, InvalidArgument for a file that is not a triage
  // audit store or for a chain_from that does not match, IoError when SQLite fails.
  static Result<AuditStore> Open(const std::string& path, const AuditStoreOptions& options);

  AuditStore(AuditStore&& other) noexcept;
  AuditStore& operator=(AuditStore&& other) noexcept;
  // Calls Close(), ignoring its result: call Close() to learn whether the last batch committed.
  ~AuditStore();

  // Buffers `entry` (see MakeAuditEntry), made under `rules`: fills in the ruleset digest and the
  // engine version when empty and the time when empty, drops the input text when the store keeps
  // digests only, and archives `rules` with the next commit if this store has not archived it yet.
  // Commits when batch_size entries are buffered. seq, prev_hash and hash are assigned on commit.
  // Returns the commit's failure, if one was due and failed (the batch stays buffered and the
  // next Append or Flush tries again); InvalidArgument when the store is read-only or closed.
  Status Append(const RuleSet& rules, AuditEntry entry);

  // Commits every buffered entry in one transaction (a no-op when none is). Waits up to
  // busy_timeout_ms for another writer. On failure nothing of the batch is committed and it stays
  // buffered.
  Status Flush();

  // Flushes and closes the connection. Later calls other than the destructor fail. Idempotent.
  Status Close();

  // The number of entries buffered and not yet committed.
  size_t pending() const;
  // The path the store was opened with.
  const std::string& path() const;
  // The prev_hash of the store's first entry (kAuditGenesis unless the store continues another).
  const std::string& genesis() const;

  // Calls `fn` for every committed entry `query` selects, in seq order, and stops at (and returns)
  // the first non-OK Status it returns. Returns IoError if reading fails.
  Status ForEach(const AuditQuery& query, const std::function<Status(const AuditEntry&)>& fn);

  // Returns the entry with sequence number `seq`, or NotFound.
  Result<AuditEntry> Entry(int64_t seq);

  // Returns the number of committed entries and, in *head, the last one's hash (the genesis when
  // the store is empty).
  Result<uint64_t> Count(std::string* head);

  // Returns the digests of the archived rulesets, in the order they were archived.
  Result<std::vector<std::string>> RuleSetDigests();

  // Returns the archived sources of ruleset `digest` (the config first, then the rule files, as
  // RuleSet::sources() gave them), or NotFound.
  Result<std::vector<RuleSetSource>> ArchivedRuleSet(const std::string& digest);

  // Walks the whole chain and checks every entry (its prev_hash is the hash before it, its hash
  // matches its content, seq has no gap, its input matches input_sha256, its ruleset is archived)
  // and every archived ruleset (its sources hash to its digest), filling *report. The walk stops
  // at the first broken entry. Returns OK when the walk could be done (report->ok() tells whether
  // the store verifies), IoError when the store cannot be read.
  Status Verify(const AuditVerifyOptions& options, AuditVerification* report);

  // Re-runs every selected entry whose record was kept, under its archived ruleset (recompiled
  // with CompileArchivedRuleSet, once per digest) or under options.with, and calls `on_result` for
  // each selected entry in seq order. SMS conversation messages are re-run with the conversation
  // state rebuilt in seq order from the store's earlier messages, selected or not, as the filter
  // that wrote them built it (a message of a conversation whose earlier text was not kept is not
  // replayable). Returns IoError when the store cannot be read.
  Status Replay(const AuditReplayOptions& options,
                const std::function<void(const AuditReplayResult&)>& on_result);

  // Rebuilds conversation state into `conversations` (not owned): re-runs every stored
  // conversation message whose record was kept, in seq order, under its archived ruleset, as
  // Replay does, and sets *restored to their number. A filter that continues a store restores
  // first, so that its conversations carry on across a restart and the store replays as one
  // stream. Messages whose ruleset does not compile are skipped. Returns IoError when the store
  // cannot be read.
  Status RestoreConversations(ConversationStore* conversations, uint64_t* restored);

 private:
  explicit AuditStore(std::unique_ptr<internal::AuditStoreImpl> impl);
  std::unique_ptr<internal::AuditStoreImpl> impl_;
};

}  // namespace triage

#endif  // TRIAGE_AUDIT_H_
