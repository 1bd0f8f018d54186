// SPDX-License-Identifier: Apache-2.0
// Engine: holds the live RuleSet of a long-running process and swaps in a new one atomically.
// A reload that fails leaves the old ruleset in place, so a broken edit never stops the intake.
#ifndef TRIAGE_ENGINE_H_
#define TRIAGE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

// Thread-safe: current() and Reload() may be called concurrently from any threads.
class TRIAGE_EXPORT Engine {
 public:
  explicit Engine(RuleSet initial);

  // Returns the live ruleset. Callers keep using the returned copy for as long as they like.
  RuleSet current() const;
  // Replaces the live ruleset.
  void Swap(RuleSet next);
  // Calls `load`; on success swaps its result in and returns OK, otherwise keeps the current
  // ruleset and returns the failure. Reloads are serialised.
  Status Reload(const std::function<Result<RuleSet>()>& load);
  // The number of successful swaps since construction.
  uint64_t generation() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace triage

#endif  // TRIAGE_ENGINE_H_
