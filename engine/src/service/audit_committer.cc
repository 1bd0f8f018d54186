// SPDX-License-Identifier: Apache-2.0
// AuditCommitter (audit_committer.h).

#include "service/audit_committer.h"

#include <utility>
#include <vector>

namespace triage::internal {

AuditCommitter::AuditCommitter(AuditStore store) : store_(std::move(store)) {
  thread_ = std::thread([this] { Run(); });
}

AuditCommitter::~AuditCommitter() { (void)Close(); }

uint64_t AuditCommitter::Reserve() {
  std::lock_guard<std::mutex> lock(mutex_);
  slots_.emplace_back();
  return next_ticket_++;
}

void AuditCommitter::Fill(uint64_t ticket, const RuleSet& rules, AuditEntry entry) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& slot = slots_[ticket - first_slot_];
    slot.rules = rules;
    slot.entry = std::move(entry);
  }
  filled_.notify_one();
}

Status AuditCommitter::Wait(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mutex_);
  committed_.wait(lock, [&] { return ticket < next_commit_ || closed_; });
  if (ticket >= next_commit_) return Status::Internal("the audit store is closed");
  if (!failure_.ok() && ticket >= failed_from_) return failure_;
  return Status::Ok();
}

void AuditCommitter::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  std::vector<Slot> batch;
  for (;;) {
    filled_.wait(lock, [&] { return closing_ || (!slots_.empty() && slots_.front().rules); });
    batch.clear();
    while (!slots_.empty() && slots_.front().rules) {
      batch.push_back(std::move(slots_.front()));
      slots_.pop_front();
      ++first_slot_;
    }
    if (batch.empty()) break;  // closing, and nothing (more) was filled
    const uint64_t first = next_commit_;
    if (!failure_.ok()) {
      // After a failure nothing is committed any more: the places fail as they fill.
      next_commit_ += batch.size();
      committed_.notify_all();
      continue;
    }
    lock.unlock();
    Status status;
    for (Slot& slot : batch) {
      status = store_.Append(*slot.rules, std::move(slot.entry));
      if (!status.ok()) break;
    }
    if (status.ok()) status = store_.Flush();
    lock.lock();
    if (!status.ok()) {
      failure_ = status;
      failed_from_ = first;
    }
    next_commit_ += batch.size();
    if (status.ok()) committed_count_ += batch.size();
    committed_.notify_all();
  }
}

Status AuditCommitter::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return close_status_;
    closing_ = true;
  }
  filled_.notify_all();
  if (thread_.joinable()) thread_.join();
  Status closed = store_.Close();
  std::lock_guard<std::mutex> lock(mutex_);
  close_status_ = failure_.ok() ? closed : failure_;
  closed_ = true;
  committed_.notify_all();
  return close_status_;
}

bool AuditCommitter::failed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !failure_.ok();
}

uint64_t AuditCommitter::committed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return committed_count_;
}

}  // namespace triage::internal
