// SPDX-License-Identifier: Apache-2.0
// Checkpointer: copies an audit store's WAL back into the database file on a thread of its own.
//
// In WAL mode every commit appends to the -wal file, and a checkpoint copies those pages into the
// database and syncs both files to disk. SQLite's automatic checkpoint runs inside the commit
// that crosses the threshold, so the writer — the filter's main thread, with the batch's output
// waiting behind the commit — would stall on two fdatasync() calls every few thousand entries
// (measured: a fifth of the wall-clock time of an audited filter). Instead the writer's connection
// reports the WAL's size after each commit (sqlite3_wal_hook) and this thread runs PASSIVE
// checkpoints on a second connection, which never block the writer. Checkpointing is crash-safe
// at any instant, so nothing changes for a killed process.
#ifndef TRIAGE_AUDIT_CHECKPOINTER_H_
#define TRIAGE_AUDIT_CHECKPOINTER_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "triage/status.h"

#include "audit/sqlite.h"

namespace triage::internal {

// Start() and Stop() from the writer's thread; Notify() runs inside the writer's commits.
class Checkpointer {
 public:
  // WAL pages after which a checkpoint is started (SQLite's own default threshold).
  static constexpr int kThresholdPages = 1000;

  Checkpointer() = default;
  ~Checkpointer() { Stop(); }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Opens a second connection to `writer`'s file, starts the thread and takes over `writer`'s
  // checkpoints (its automatic ones are turned off).
  Status Start(SqliteDb* writer);
  // Stops the thread (after the checkpoint it may be running) and closes its connection. The
  // writer's own close then checkpoints what is left. Idempotent.
  void Stop();

  // Called after each commit with the number of pages in the WAL.
  void Notify(int wal_pages);

 private:
  void Loop();

  SqliteDb* writer_ = nullptr;  // not owned
  SqliteDb db_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;  // guarded by mutex_
  bool stop_ = false;       // guarded by mutex_
};

}  // namespace triage::internal

#endif  // TRIAGE_AUDIT_CHECKPOINTER_H_
