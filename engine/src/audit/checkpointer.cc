// SPDX-License-Identifier: Apache-2.0
// Background WAL checkpoints for the audit store (checkpointer.h).
#include "audit/checkpointer.h"

#include <mutex>
#include <thread>

#include <sqlite3.h>

namespace triage::internal {
namespace {

// sqlite3_wal_hook callback: runs on the writer's thread at the end of each commit.
int OnWalCommit(void* checkpointer, sqlite3* /*db*/, const char* /*name*/, int pages) {
  static_cast<Checkpointer*>(checkpointer)->Notify(pages);
  return SQLITE_OK;
}

}  // namespace

Status Checkpointer::Start(SqliteDb* writer) {
  TRIAGE_RETURN_IF_ERROR(db_.Open(writer->path(), /*read_only=*/false, /*create=*/false));
  // A checkpoint waits for no one (PASSIVE), but opening a read of the WAL index may.
  db_.SetBusyTimeout(1000);
  // A connection learns that the file is in WAL mode when it first reads it; until then a
  // checkpoint on it is a no-op.
  TRIAGE_RETURN_IF_ERROR(db_.Exec("PRAGMA journal_mode = WAL"));
  writer_ = writer;
  sqlite3_wal_hook(writer->get(), &OnWalCommit, this);  // replaces the automatic checkpoints
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Checkpointer::Stop() {
  if (writer_ != nullptr && writer_->is_open()) sqlite3_wal_hook(writer_->get(), nullptr, nullptr);
  writer_ = nullptr;
  if (thread_.joinable()) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  (void)db_.Close();
}

void Checkpointer::Notify(int wal_pages) {
  if (wal_pages < kThresholdPages) return;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return requested_ || stop_; });
    if (stop_) return;
    requested_ = false;
    lock.unlock();
    // A failed or partial checkpoint is harmless: the pages stay in the WAL for the next one.
    sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

}  // namespace triage::internal
