// SPDX-License-Identifier: Apache-2.0
// A thin RAII layer over SQLite's C API for the audit store: a connection (SqliteDb) and a
// prepared statement (SqliteStatement) that finalise themselves, bind and read std::string values
// byte for byte (texts may hold any bytes, NULs included), and turn SQLite's result codes into
// Status values naming the store's file. Only engine/src/audit uses SQLite; nothing here is public.
#ifndef TRIAGE_AUDIT_SQLITE_H_
#define TRIAGE_AUDIT_SQLITE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triage/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace triage::internal {

// One SQLite connection. Not thread-safe. Move-only.
class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Opens `path` read-only or read-write (creating it when `create`). `immutable` (read-only
  // only) opens it with SQLite's immutable=1: no locks, no -wal or -shm file, for a store in a
  // directory this process cannot write. Returns IoError on failure.
  Status Open(const std::string& path, bool read_only, bool create, bool immutable = false);
  // Closes the connection (finalise every statement first). Returns IoError if SQLite refuses.
  Status Close();
  bool is_open() const { return db_ != nullptr; }

  // Runs one or more statements that return no rows needed by the caller.
  Status Exec(const char* sql);
  // Sets how long a statement waits for a lock held by another connection.
  void SetBusyTimeout(int milliseconds);
  // Returns the number of rows the last INSERT/UPDATE/DELETE changed.
  int Changes() const;
  // Returns SQLite's extended result code of the last failed call (SQLITE_OK if none).
  int ErrorCode() const;

  // Returns IoError("audit store '<path>': <what>: <SQLite's message>").
  Status Error(std::string_view what) const;

  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// One prepared statement. Columns and parameters are 0- and 1-based as in SQLite. Not
// thread-safe. Move-only; must be destroyed (or reset via Finalize) before its SqliteDb closes.
class SqliteStatement {
 public:
  enum class StepResult { kRow, kDone, kError };

  SqliteStatement() = default;
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  Status Prepare(const SqliteDb& db, std::string_view sql);
  void Finalize();
  bool prepared() const { return stmt_ != nullptr; }

  // Resets the statement for another run and clears its bindings.
  void Reset();
  void BindInt(int index, int64_t value);
  // Text is copied unless `is_static`: then it must stay unchanged until the statement is reset
  // (Reset() or Run()), which saves a copy of every value on the hot insert path.
  void BindText(int index, std::string_view text, bool is_static = false);
  void BindNull(int index);
  void BindOptionalText(int index, const std::optional<std::string>& text, bool is_static = false);

  StepResult Step();
  // Runs a statement that returns no row; IoError (naming `what`) otherwise.
  Status Run(const SqliteDb& db, std::string_view what);

  bool ColumnIsNull(int column) const;
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::optional<std::string> ColumnOptionalText(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace triage::internal

#endif  // TRIAGE_AUDIT_SQLITE_H_
