// SPDX-License-Identifier: Apache-2.0
// AuditStore (audit.h): opening a store and creating its schema, buffering entries and committing
// them to the hash chain, and reading entries and archived rulesets back.
//
// Schema (docs/audit.md is the reference):
//   meta(key PRIMARY KEY, value)            format = triage-audit-1, genesis, created_at
//   rulesets(digest PRIMARY KEY, created_at, engine)
//   ruleset_files(digest, position, name, text)   the config at position 0, then the rule files
//   entries(seq INTEGER PRIMARY KEY, time, line, record_id, input, input_sha256, input_bytes,
//           decision, ruleset, engine, prev_hash, hash)
//
// Durability and concurrency. The store runs in WAL mode with synchronous=NORMAL: a commit is one
// append to the -wal file, which survives the death of the process at any instant (a kill -9
// loses only what was still buffered in memory); a power failure may lose the last commits but
// never corrupts the file. Checkpoints run on a thread of their own (checkpointer.h). A commit
// reads the head of the chain and inserts its batch within one BEGIN IMMEDIATE transaction, which
// takes the write lock before the read: two writers can never chain onto the same head. A writer
// that finds the lock taken waits up to busy_timeout_ms.
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "triage/audit.h"
#include "triage/rule_set.h"
#include "triage/status.h"
#include "triage/version.h"

#include "audit/audit_store_impl.h"
#include "audit/sqlite.h"
#include <sys/stat.h>

namespace triage {
namespace internal {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rulesets (
  digest     TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  engine     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ruleset_files (
  digest   TEXT NOT NULL,
  position INTEGER NOT NULL,
  name     TEXT NOT NULL,
  text     TEXT NOT NULL,
  PRIMARY KEY (digest, position)
);
CREATE TABLE IF NOT EXISTS entries (
  seq          INTEGER PRIMARY KEY,
  time         TEXT NOT NULL,
  line         INTEGER NOT NULL,
  record_id    TEXT,
  input        TEXT,
  input_sha256 TEXT,
  input_bytes  INTEGER NOT NULL,
  decision     TEXT NOT NULL,
  ruleset      TEXT NOT NULL,
  engine       TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_time ON entries (time);
CREATE INDEX IF NOT EXISTS entries_record_id ON entries (record_id);
)sql";

// 'TRIA': lets file(1) and other tools tell an audit store from another SQLite file.
constexpr char kApplicationIdPragma[] = "PRAGMA application_id = 1414678849";

bool IsHashHex(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status NotAStore(const std::string& path) {
  return Status::InvalidArgument("'" + path + "' is not a triage audit store");
}

// Returns the single integer the query yields.
Status QueryInt(const SqliteDb& db, const char* sql, int64_t* value) {
  SqliteStatement statement;
  TRIAGE_RETURN_IF_ERROR(statement.Prepare(db, sql));
  if (statement.Step() != SqliteStatement::StepResult::kRow) return db.Error("reading");
  *value = statement.ColumnInt(0);
  return Status::Ok();
}

}  // namespace

AuditEntry ReadEntryRow(const SqliteStatement& statement) {
  AuditEntry entry;
  entry.seq = statement.ColumnInt(0);
  entry.time = statement.ColumnText(1);
  entry.line = static_cast<uint64_t>(statement.ColumnInt(2));
  entry.record_id = statement.ColumnOptionalText(3);
  entry.input = statement.ColumnOptionalText(4);
  entry.input_sha256 = statement.ColumnOptionalText(5);
  entry.input_bytes = static_cast<uint64_t>(statement.ColumnInt(6));
  entry.decision = statement.ColumnText(7);
  entry.ruleset = statement.ColumnText(8);
  entry.engine = statement.ColumnText(9);
  entry.prev_hash = statement.ColumnText(10);
  entry.hash = statement.ColumnText(11);
  return entry;
}

Status AuditStoreImpl::Open() {
  if (!options.chain_from.empty() && !IsHashHex(options.chain_from)) {
    return Status::InvalidArgument("the hash to chain from must be 64 lower-case hex digits");
  }
  if (options.batch_size == 0) options.batch_size = 1;
  if (options.read_only) {
    struct stat info {};
    if (stat(path.c_str(), &info) != 0) {
      return Status::NotFound("no audit store at '" + path + "'");
    }
  }
  if (!options.read_only) {
    // A store holds report text: create it readable by its owner only. SQLite gives the -wal and
    // -shm files the permissions of the database file. An existing file is left as it is.
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
  }
  if (options.read_only) return OpenReadOnly();
  TRIAGE_RETURN_IF_ERROR(db.Open(path, /*read_only=*/false, /*create=*/true));
  db.SetBusyTimeout(options.busy_timeout_ms);
  TRIAGE_RETURN_IF_ERROR(CreateSchema());
  TRIAGE_RETURN_IF_ERROR(ReadMeta());
  // Without the checkpointer SQLite's own automatic checkpoints stay on: slower, equally safe.
  (void)checkpointer.Start(&db);
  return Status::Ok();
}

Status AuditStoreImpl::CreateSchema() {
  // Refuse to add tables to somebody else's database: a store is empty or has our meta table.
  int64_t tables = 0;
  int64_t meta = 0;
  TRIAGE_RETURN_IF_ERROR(QueryInt(db, "SELECT count(*) FROM sqlite_master", &tables));
  TRIAGE_RETURN_IF_ERROR(QueryInt(
      db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", &meta));
  if (tables > 0 && meta == 0) return NotAStore(path);

  // Outside a transaction (SQLite requires it); no-ops once the file exists in WAL mode. Entries
  // are about 1 KB: 16 KB pages halve the page writes of 4 KB ones.
  if (tables == 0) TRIAGE_RETURN_IF_ERROR(db.Exec("PRAGMA page_size = 16384"));
  // Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is locked"
  // at once, without its busy handler, when another process is doing the same switch: retry for
  // up to the busy timeout.
  {
    Status wal = db.Exec("PRAGMA journal_mode = WAL");
    for (int waited = 0; !wal.ok() && waited < options.busy_timeout_ms; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      wal = db.Exec("PRAGMA journal_mode = WAL");
    }
    TRIAGE_RETURN_IF_ERROR(wal);
  }
  TRIAGE_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL"));
  if (tables > 0) return Status::Ok();

  // A new store. Two processes may get here at once for the same file: the IMMEDIATE transaction
  // serialises them and IF NOT EXISTS / OR IGNORE make the second a no-op.
  TRIAGE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = db.Exec(kSchema);
  if (status.ok()) status = db.Exec(kApplicationIdPragma);
  if (status.ok()) {
    SqliteStatement insert;
    status = insert.Prepare(db, "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)");
    const std::string now = AuditNow(options.clock);
    const std::pair<const char*, std::string> rows[] = {
        {"format", kAuditFormat},
        {"genesis", options.chain_from.empty() ? std::string(kAuditGenesis) : options.chain_from},
        {"created_at", now},
    };
    for (const auto& [key, value] : rows) {
      if (!status.ok()) break;
      insert.Reset();
      insert.BindText(1, key);
      insert.BindText(2, value);
      status = insert.Run(db, "creating the store");
    }
  }
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok()) (void)db.Exec("ROLLBACK");
  return status;
}

// Reading a store never writes it (verify, show, export, replay). SQLite opens a WAL-mode file
// read-only as long as it can open or create the -shm index beside it; in a directory this
// process cannot write (a read-only mount, an auditor's read-only account) it cannot, and the
// store is then read as immutable — safe when no -wal file holds commits not yet merged into the
// main file, which is the state every writer leaves on a clean close. With such a -wal, the
// error says so instead of reading a store without its last commits.
Status AuditStoreImpl::OpenReadOnly() {
  TRIAGE_RETURN_IF_ERROR(db.Open(path, /*read_only=*/true, /*create=*/false));
  db.SetBusyTimeout(options.busy_timeout_ms);
  Status status = ReadMeta();
  if (status.ok()) return status;
  const int code = db.ErrorCode() & 0xFF;
  if (code != SQLITE_CANTOPEN && code != SQLITE_READONLY) return status;
  struct stat wal {};
  if (stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) {
    return Status::IoError("audit store '" + path +
                           "': cannot be read without writing beside it: its -wal file holds "
                           "commits not yet merged, and the directory is not writable");
  }
  (void)db.Close();
  TRIAGE_RETURN_IF_ERROR(db.Open(path, /*read_only=*/true, /*create=*/false, /*immutable=*/true));
  return ReadMeta();
}

Status AuditStoreImpl::MetaUnreadable() const {
  // The first 100 bytes of an SQLite file are its header: a magic string, and at offset 68 the
  // application id, which a store sets to 'TRIA'.
  std::array<unsigned char, 100> header{};
  size_t got = 0;
  if (FILE* file = std::fopen(path.c_str(), "rb")) {
    got = std::fread(header.data(), 1, header.size(), file);
    std::fclose(file);
  }
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL
  const bool sqlite = got >= sizeof(kMagic) && std::memcmp(header.data(), kMagic, sizeof(kMagic)) == 0;
  const bool ours = got >= 72 && header[68] == 'T' && header[69] == 'R' && header[70] == 'I' &&
                    header[71] == 'A';
  const int code = db.ErrorCode() & 0xFF;
  const bool corrupt = code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
  if (ours || (sqlite && corrupt)) {
    return Status::IoError("audit store '" + path + "' is damaged (truncated or overwritten): " +
                           (corrupt ? sqlite3_errstr(code) : "its meta table is missing"));
  }
  if (code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_IOERR ||
      code == SQLITE_BUSY || code == SQLITE_PERM) {
    return db.Error("reading meta");
  }
  return NotAStore(path);
}

Status AuditStoreImpl::ReadMeta() {
  SqliteStatement select;
  if (!select.Prepare(db, "SELECT key, value FROM meta").ok()) return MetaUnreadable();
  std::string format;
  for (;;) {
    const SqliteStatement::StepResult step = select.Step();
    if (step == SqliteStatement::StepResult::kDone) break;
    if (step == SqliteStatement::StepResult::kError) return db.Error("reading meta");
    const std::string key = select.ColumnText(0);
    if (key == "format") format = select.ColumnText(1);
    if (key == "genesis") genesis = select.ColumnText(1);
  }
  if (format.empty() || genesis.empty()) return NotAStore(path);
  if (format != kAuditFormat) {
    return Status::InvalidArgument("audit store '" + path + "' has format '" + format +
                                   "'; this engine reads '" + kAuditFormat + "'");
  }
  if (!options.chain_from.empty() && options.chain_from != genesis) {
    return Status::InvalidArgument("audit store '" + path + "' already chains from " + genesis +
                                   ", not from " + options.chain_from);
  }
  return Status::Ok();
}

Status AuditStoreImpl::InsertRuleSet(const RuleSet& rules, const std::string& now) {
  if (!insert_ruleset.prepared()) {
    TRIAGE_RETURN_IF_ERROR(insert_ruleset.Prepare(
        db, "INSERT OR IGNORE INTO rulesets (digest, created_at, engine) VALUES (?1, ?2, ?3)"));
    TRIAGE_RETURN_IF_ERROR(insert_ruleset_file.Prepare(
        db, "INSERT INTO ruleset_files (digest, position, name, text) VALUES (?1, ?2, ?3, ?4)"));
  }
  insert_ruleset.Reset();
  insert_ruleset.BindText(1, rules.digest());
  insert_ruleset.BindText(2, now);
  insert_ruleset.BindText(3, EngineVersion());
  TRIAGE_RETURN_IF_ERROR(insert_ruleset.Run(db, "archiving a ruleset"));
  if (db.Changes() == 0) return Status::Ok();  // archived before (by us or another writer)
  const std::vector<RuleSetSource>& sources = rules.sources();
  for (size_t i = 0; i < sources.size(); ++i) {
    insert_ruleset_file.Reset();
    insert_ruleset_file.BindText(1, rules.digest());
    insert_ruleset_file.BindInt(2, static_cast<int64_t>(i));
    insert_ruleset_file.BindText(3, sources[i].name);
    insert_ruleset_file.BindText(4, sources[i].text);
    TRIAGE_RETURN_IF_ERROR(insert_ruleset_file.Run(db, "archiving a ruleset"));
  }
  return Status::Ok();
}

Status AuditStoreImpl::Commit() {
  if (pending.empty() && pending_rulesets.empty()) return Status::Ok();
  if (!insert_entry.prepared()) {
    TRIAGE_RETURN_IF_ERROR(insert_entry.Prepare(
        db,
        "INSERT INTO entries (seq, time, line, record_id, input, input_sha256, input_bytes, "
        "decision, ruleset, engine, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    TRIAGE_RETURN_IF_ERROR(
        select_head.Prepare(db, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1"));
    TRIAGE_RETURN_IF_ERROR(begin.Prepare(db, "BEGIN IMMEDIATE"));
    TRIAGE_RETURN_IF_ERROR(commit.Prepare(db, "COMMIT"));
  }
  // Takes the write lock now (waiting for another writer), so that the head read below is still
  // the head when the batch is inserted.
  TRIAGE_RETURN_IF_ERROR(begin.Run(db, "starting a transaction"));
  const auto insert_all = [this]() -> Status {
    const std::string now = AuditNow(options.clock);
    for (const RuleSet& rules : pending_rulesets) TRIAGE_RETURN_IF_ERROR(InsertRuleSet(rules, now));
    int64_t seq = 0;
    std::string head = genesis;
    select_head.Reset();
    const SqliteStatement::StepResult step = select_head.Step();
    if (step == SqliteStatement::StepResult::kError) return db.Error("reading the chain's head");
    if (step == SqliteStatement::StepResult::kRow) {
      seq = select_head.ColumnInt(0);
      head = select_head.ColumnText(1);
    }
    select_head.Reset();
    for (AuditEntry& entry : pending) {
      entry.seq = ++seq;
      entry.prev_hash = head;
      entry.hash = AuditEntryHash(entry);
      head = entry.hash;
      // `entry` is not touched until the insert has run: bind without copying.
      constexpr bool kStatic = true;
      insert_entry.Reset();
      insert_entry.BindInt(1, entry.seq);
      insert_entry.BindText(2, entry.time, kStatic);
      insert_entry.BindInt(3, static_cast<int64_t>(entry.line));
      insert_entry.BindOptionalText(4, entry.record_id, kStatic);
      insert_entry.BindOptionalText(5, entry.input, kStatic);
      insert_entry.BindOptionalText(6, entry.input_sha256, kStatic);
      insert_entry.BindInt(7, static_cast<int64_t>(entry.input_bytes));
      insert_entry.BindText(8, entry.decision, kStatic);
      insert_entry.BindText(9, entry.ruleset, kStatic);
      insert_entry.BindText(10, entry.engine, kStatic);
      insert_entry.BindText(11, entry.prev_hash, kStatic);
      insert_entry.BindText(12, entry.hash, kStatic);
      TRIAGE_RETURN_IF_ERROR(insert_entry.Run(db, "writing an entry"));
    }
    return Status::Ok();
  };
  Status status = insert_all();
  if (status.ok() && options.before_commit) options.before_commit();
  if (status.ok()) status = commit.Run(db, "committing");
  if (!status.ok()) {
    (void)db.Exec("ROLLBACK");
    return status;
  }
  pending.clear();
  pending_rulesets.clear();
  return Status::Ok();
}

Status AuditStoreImpl::Close() {
  if (closed) return Status::Ok();
  closed = true;
  Status status = options.read_only ? Status::Ok() : Commit();
  insert_entry.Finalize();
  insert_ruleset.Finalize();
  insert_ruleset_file.Finalize();
  select_head.Finalize();
  begin.Finalize();
  commit.Finalize();
  checkpointer.Stop();
  const Status closing = db.Close();
  return status.ok() ? closing : status;
}

Status AuditStoreImpl::PrepareQuery(const AuditQuery& query, SqliteStatement* statement) const {
  std::string sql = std::string("SELECT ") + kEntryColumns + " FROM entries WHERE 1";
  std::vector<std::string> values;
  if (!query.since.empty()) {
    sql += " AND time >= ?";
    values.push_back(query.since);
  }
  if (!query.until.empty()) {
    sql += " AND time < ?";
    values.push_back(query.until);
  }
  if (!query.ruleset.empty()) {
    sql += " AND ruleset = ?";
    values.push_back(query.ruleset);
  }
  if (query.record_id.has_value()) {
    sql += " AND record_id = ?";
    values.push_back(*query.record_id);
  }
  sql += " ORDER BY seq";
  TRIAGE_RETURN_IF_ERROR(statement->Prepare(db, sql));
  for (size_t i = 0; i < values.size(); ++i) {
    statement->BindText(static_cast<int>(i + 1), values[i]);
  }
  return Status::Ok();
}

}  // namespace internal

Result<AuditStore> AuditStore::Open(const std::string& path, const AuditStoreOptions& options) {
  auto impl = std::make_unique<internal::AuditStoreImpl>();
  impl->path = path;
  impl->options = options;
  const Status status = impl->Open();
  if (!status.ok()) return status;
  return AuditStore(std::move(impl));
}

AuditStore::AuditStore(std::unique_ptr<internal::AuditStoreImpl> impl) : impl_(std::move(impl)) {}
AuditStore::AuditStore(AuditStore&& other) noexcept = default;
AuditStore& AuditStore::operator=(AuditStore&& other) noexcept {
  if (this != &other) {
    if (impl_ != nullptr) (void)impl_->Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

AuditStore::~AuditStore() {
  if (impl_ != nullptr) (void)impl_->Close();
}

Status AuditStore::Append(const RuleSet& rules, AuditEntry entry) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  if (impl.options.read_only) {
    return Status::InvalidArgument("audit store '" + impl.path + "' is open read-only");
  }
  if (entry.ruleset.empty()) entry.ruleset = rules.digest();
  if (entry.ruleset != rules.digest()) {
    return Status::InvalidArgument("an entry decided by ruleset " + entry.ruleset +
                                   " was appended with ruleset " + rules.digest());
  }
  if (entry.engine.empty()) entry.engine = EngineVersion();
  if (entry.time.empty()) entry.time = internal::AuditNow(impl.options.clock);
  if (entry.input.has_value()) {
    if (!entry.input_sha256.has_value()) entry.input_sha256 = AuditSha256Hex(*entry.input);
    if (entry.input_bytes == 0) entry.input_bytes = entry.input->size();
  }
  if (impl.options.input == AuditInput::kDigest) entry.input.reset();
  if (impl.archived.insert(rules.digest()).second) impl.pending_rulesets.push_back(rules);
  impl.pending.push_back(std::move(entry));
  if (impl.pending.size() >= impl.options.batch_size) return impl.Commit();
  return Status::Ok();
}

Status AuditStore::Flush() {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  if (impl.options.read_only) return Status::Ok();
  return impl.Commit();
}

Status AuditStore::Close() { return impl_->Close(); }

size_t AuditStore::pending() const { return impl_->pending.size(); }
const std::string& AuditStore::path() const { return impl_->path; }
const std::string& AuditStore::genesis() const { return impl_->genesis; }

Status AuditStore::ForEach(const AuditQuery& query,
                           const std::function<Status(const AuditEntry&)>& fn) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  internal::SqliteStatement select;
  TRIAGE_RETURN_IF_ERROR(impl.PrepareQuery(query, &select));
  for (;;) {
    const internal::SqliteStatement::StepResult step = select.Step();
    if (step == internal::SqliteStatement::StepResult::kDone) return Status::Ok();
    if (step == internal::SqliteStatement::StepResult::kError) {
      return impl.db.Error("reading entries");
    }
    TRIAGE_RETURN_IF_ERROR(fn(internal::ReadEntryRow(select)));
  }
}

Result<AuditEntry> AuditStore::Entry(int64_t seq) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  internal::SqliteStatement select;
  TRIAGE_RETURN_IF_ERROR(select.Prepare(
      impl.db, std::string("SELECT ") + internal::kEntryColumns + " FROM entries WHERE seq = ?1"));
  select.BindInt(1, seq);
  const internal::SqliteStatement::StepResult step = select.Step();
  if (step == internal::SqliteStatement::StepResult::kError) return impl.db.Error("reading");
  if (step == internal::SqliteStatement::StepResult::kDone) {
    return Status::NotFound("no entry " + std::to_string(seq) + " in audit store '" + impl.path +
                            "'");
  }
  return internal::ReadEntryRow(select);
}

Result<uint64_t> AuditStore::Count(std::string* head) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  internal::SqliteStatement select;
  TRIAGE_RETURN_IF_ERROR(select.Prepare(
      impl.db,
      "SELECT count(*), (SELECT hash FROM entries ORDER BY seq DESC LIMIT 1) FROM entries"));
  if (select.Step() != internal::SqliteStatement::StepResult::kRow) {
    return impl.db.Error("reading");
  }
  if (head != nullptr) *head = select.ColumnIsNull(1) ? impl.genesis : select.ColumnText(1);
  return static_cast<uint64_t>(select.ColumnInt(0));
}

Result<std::vector<std::string>> AuditStore::RuleSetDigests() {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  internal::SqliteStatement select;
  TRIAGE_RETURN_IF_ERROR(select.Prepare(impl.db, "SELECT digest FROM rulesets ORDER BY rowid"));
  std::vector<std::string> digests;
  for (;;) {
    const internal::SqliteStatement::StepResult step = select.Step();
    if (step == internal::SqliteStatement::StepResult::kDone) return digests;
    if (step == internal::SqliteStatement::StepResult::kError) return impl.db.Error("reading");
    digests.push_back(select.ColumnText(0));
  }
}

Result<std::vector<RuleSetSource>> AuditStore::ArchivedRuleSet(const std::string& digest) {
  internal::AuditStoreImpl& impl = *impl_;
  if (impl.closed) return Status::InvalidArgument("audit store '" + impl.path + "' is closed");
  internal::SqliteStatement exists;
  TRIAGE_RETURN_IF_ERROR(exists.Prepare(impl.db, "SELECT 1 FROM rulesets WHERE digest = ?1"));
  exists.BindText(1, digest);
  const internal::SqliteStatement::StepResult found = exists.Step();
  if (found == internal::SqliteStatement::StepResult::kError) return impl.db.Error("reading");
  if (found == internal::SqliteStatement::StepResult::kDone) {
    return Status::NotFound("ruleset " + digest + " is not archived in '" + impl.path + "'");
  }
  internal::SqliteStatement select;
  TRIAGE_RETURN_IF_ERROR(select.Prepare(
      impl.db, "SELECT name, text FROM ruleset_files WHERE digest = ?1 ORDER BY position"));
  select.BindText(1, digest);
  std::vector<RuleSetSource> sources;
  for (;;) {
    const internal::SqliteStatement::StepResult step = select.Step();
    if (step == internal::SqliteStatement::StepResult::kDone) return sources;
    if (step == internal::SqliteStatement::StepResult::kError) return impl.db.Error("reading");
    sources.push_back({select.ColumnText(0), select.ColumnText(1)});
  }
}

}  // namespace triage
