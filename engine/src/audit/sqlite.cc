// SPDX-License-Identifier: Apache-2.0
// RAII over SQLite's C API (sqlite.h).
#include "audit/sqlite.h"

#include <string>
#include <utility>

#include <sqlite3.h>

namespace triage::internal {

SqliteDb::~SqliteDb() { (void)Close(); }

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    (void)Close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Status SqliteDb::Open(const std::string& path, bool read_only, bool create, bool immutable) {
  path_ = path;
  int flags = SQLITE_OPEN_NOMUTEX;  // a connection is used from one thread at a time
  std::string name = path;
  if (read_only) {
    flags |= SQLITE_OPEN_READONLY;
    if (immutable) {
      // A URI: the characters that end a URI path, and '%' itself, are percent-encoded.
      flags |= SQLITE_OPEN_URI;
      name = "file:";
      for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
          static constexpr char kHex[] = "0123456789ABCDEF";
          const auto byte = static_cast<unsigned char>(c);
          name += '%';
          name += kHex[byte >> 4];
          name += kHex[byte & 0xF];
        } else {
          name += c;
        }
      }
      name += "?immutable=1";
    }
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (create) flags |= SQLITE_OPEN_CREATE;
  }
  const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = Status::IoError("audit store '" + path + "': cannot open: " +
                                    (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return status;
  }
  sqlite3_extended_result_codes(db_, 1);
  return Status::Ok();
}

Status SqliteDb::Close() {
  if (db_ == nullptr) return Status::Ok();
  const int rc = sqlite3_close_v2(db_);  // v2: never leaves a zombie handle on our side
  db_ = nullptr;
  if (rc != SQLITE_OK) {
    return Status::IoError("audit store '" + path_ + "': closing failed: " + sqlite3_errstr(rc));
  }
  return Status::Ok();
}

Status SqliteDb::Exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status::IoError("audit store '" + path_ + "': " + text);
}

void SqliteDb::SetBusyTimeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

int SqliteDb::ErrorCode() const { return db_ != nullptr ? sqlite3_extended_errcode(db_) : SQLITE_OK; }

Status SqliteDb::Error(std::string_view what) const {
  return Status::IoError("audit store '" + path_ + "': " + std::string(what) + ": " +
                         (db_ != nullptr ? sqlite3_errmsg(db_) : "not open"));
}

SqliteStatement::~SqliteStatement() { Finalize(); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    Finalize();
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Status SqliteStatement::Prepare(const SqliteDb& db, std::string_view sql) {
  Finalize();
  const int rc =
      sqlite3_prepare_v2(db.get(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) return db.Error("preparing a statement");
  return Status::Ok();
}

void SqliteStatement::Finalize() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
  stmt_ = nullptr;
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
}

void SqliteStatement::BindText(int index, std::string_view text, bool is_static) {
  // An empty view may have a null data(); SQLite would bind NULL for a null pointer.
  sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                      is_static ? SQLITE_STATIC : SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

void SqliteStatement::BindOptionalText(int index, const std::optional<std::string>& text,
                                       bool is_static) {
  if (text.has_value()) {
    BindText(index, *text, is_static);
  } else {
    BindNull(index);
  }
}

SqliteStatement::StepResult SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return StepResult::kRow;
  if (rc == SQLITE_DONE) return StepResult::kDone;
  return StepResult::kError;
}

Status SqliteStatement::Run(const SqliteDb& db, std::string_view what) {
  const StepResult result = Step();
  Status status = result == StepResult::kError ? db.Error(what) : Status::Ok();
  sqlite3_reset(stmt_);
  return status;
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t SqliteStatement::ColumnInt(int column) const {
  return static_cast<int64_t>(sqlite3_column_int64(stmt_, column));
}

std::string SqliteStatement::ColumnText(int column) const {
  // Blob access returns the stored bytes unchanged, whatever the value's type (a text never goes
  // through a conversion, and a value some other tool stored as a blob is read the same way).
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(size)};
}

std::optional<std::string> SqliteStatement::ColumnOptionalText(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnText(column);
}

}  // namespace triage::internal
