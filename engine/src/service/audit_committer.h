// SPDX-License-Identifier: Apache-2.0
// AuditCommitter: group commit of audit entries made by concurrent requests, in a fixed order.
//
// A request reserves its place in the chain (Reserve, a ticket), fills it with its entry (Fill)
// and waits until the entry is committed (Wait) before it answers: no decision leaves
// unrecorded. One thread commits: it takes the filled entries in ticket order — stopping at the
// first place still empty, so the chain holds the entries in the order their places were
// reserved — appends them and commits them in one transaction, however many requests are
// waiting. The order matters for SMS conversations: a message reserves its place while it holds
// the conversation lock, so the chain has conversation messages in the order the store admitted
// them, which is the order `triage replay` re-runs them in.
//
// A failed commit is final (as in `triage filter`, which stops): every waiting and later Wait
// returns the failure, and the entries are not retried.
//
// Thread-safe. Every reserved ticket must be filled, or the commits stop at it.
#ifndef TRIAGE_SERVICE_AUDIT_COMMITTER_H_
#define TRIAGE_SERVICE_AUDIT_COMMITTER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "triage/audit.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage::internal {

class AuditCommitter {
 public:
  // Takes the store and starts the committing thread.
  explicit AuditCommitter(AuditStore store);
  // Calls Close().
  ~AuditCommitter();
  AuditCommitter(const AuditCommitter&) = delete;
  AuditCommitter& operator=(const AuditCommitter&) = delete;

  // Returns the next place in the chain.
  uint64_t Reserve();
  // Fills place `ticket` with `entry`, made under `rules`.
  void Fill(uint64_t ticket, const RuleSet& rules, AuditEntry entry);
  // Waits until the entry of `ticket` (and every one before it) is committed. Returns the
  // failure of the commit that should have held it, or Internal after Close().
  Status Wait(uint64_t ticket);

  // Commits the entries filled so far (in order, up to the first empty place), stops the
  // thread and closes the store. Returns the first failure of a commit or of the close.
  // Idempotent.
  Status Close();

  // True once a commit failed.
  bool failed() const;
  // The entries committed so far.
  uint64_t committed() const;

 private:
  struct Slot {
    std::optional<RuleSet> rules;  // set when filled
    AuditEntry entry;
  };

  void Run();

  AuditStore store_;
  mutable std::mutex mutex_;
  std::condition_variable filled_;     // a slot was filled, or closing
  std::condition_variable committed_;  // committed_count_ or failure_ changed
  std::deque<Slot> slots_;             // places first_slot_, first_slot_ + 1, ...
  uint64_t first_slot_ = 0;            // the place of slots_.front()
  uint64_t next_ticket_ = 0;
  uint64_t next_commit_ = 0;  // every ticket below it is committed (or failed)
  uint64_t committed_count_ = 0;
  Status failure_;            // the first failed commit's
  uint64_t failed_from_ = 0;  // the first ticket of that commit: it and every later one failed
  bool closing_ = false;
  bool closed_ = false;
  Status close_status_;
  std::thread thread_;
};

}  // namespace triage::internal

#endif  // TRIAGE_SERVICE_AUDIT_COMMITTER_H_
