// SPDX-License-Identifier: Apache-2.0
// Engine: the live RuleSet of a long-running process, swapped atomically on reload.
//
// Concurrency design. A RuleSet is a handle to immutable, shared program state, so "the live
// ruleset" is a single RuleSet value that readers copy and writers replace. Two locks:
//   - `current_mu` guards only the RuleSet value. Readers hold it for the copy of one shared
//     handle (a reference-count increment); a swap holds it for a move. Readers therefore see
//     either the old or the new ruleset, never a mix, and keep whatever they copied alive for as
//     long as they like. A plain mutex was chosen over std::atomic_load/atomic_store on a
//     shared_ptr: libstdc++ implements those with a pool of mutexes anyway, they are deprecated in
//     C++20, and the critical section here is a few instructions. (C++20's
//     std::atomic<std::shared_ptr<T>> would be the lock-free replacement.)
//   - `reload_mu` serialises writers (Swap and Reload). Reload holds it while the loader runs, so
//     two reloads never compile concurrently and the generation counts swaps in the order they
//     became visible. Readers never take it, so a slow compile never blocks current().
// The previous ruleset is released outside `current_mu`: if this was its last reference, freeing
// its compiled program must not stall readers.
#include "triage/engine.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

struct Engine::State {
  explicit State(RuleSet initial) : current(std::move(initial)) {}

  // Replaces the live ruleset and returns the previous one. REQUIRES: reload_mu is held.
  RuleSet Exchange(RuleSet next) {
    std::lock_guard<std::mutex> lock(current_mu);
    std::swap(current, next);
    ++generation;
    return next;
  }

  std::mutex reload_mu;  // serialises Swap() and Reload()
  mutable std::mutex current_mu;
  RuleSet current;          // guarded by current_mu
  uint64_t generation = 0;  // guarded by current_mu
};

Engine::Engine(RuleSet initial) : state_(std::make_shared<State>(std::move(initial))) {}

RuleSet Engine::current() const {
  std::lock_guard<std::mutex> lock(state_->current_mu);
  return state_->current;
}

void Engine::Swap(RuleSet next) {
  std::lock_guard<std::mutex> lock(state_->reload_mu);
  RuleSet previous = state_->Exchange(std::move(next));
  // `previous` is destroyed here, after current_mu was released.
}

// The loader runs under reload_mu: it must not call Swap() or Reload() on this engine. It may
// call current(), which takes only current_mu.
Status Engine::Reload(const std::function<Result<RuleSet>()>& load) {
  std::lock_guard<std::mutex> lock(state_->reload_mu);
  Result<RuleSet> next = load();
  if (!next.ok()) return next.status();
  RuleSet previous = state_->Exchange(std::move(next).value());
  return Status::Ok();
}

uint64_t Engine::generation() const {
  std::lock_guard<std::mutex> lock(state_->current_mu);
  return state_->generation;
}

}  // namespace triage
