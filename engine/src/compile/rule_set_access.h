// SPDX-License-Identifier: Apache-2.0
// The library's own door into a RuleSet: a RuleSet is made from, and reads, the compiled
// internal::Program, which no public header exposes (as RE2 keeps its Prog private). Only the
// engine's sources include this header.
#ifndef TRIAGE_COMPILE_RULE_SET_ACCESS_H_
#define TRIAGE_COMPILE_RULE_SET_ACCESS_H_

#include <memory>
#include <utility>

#include "triage/rule_set.h"

namespace triage::internal {

struct Program;

class RuleSetAccess {
 public:
  static RuleSet Make(std::shared_ptr<const Program> program) {
    return RuleSet(std::move(program));
  }
  static const Program& ProgramOf(const RuleSet& rules) { return *rules.program_; }
};

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_RULE_SET_ACCESS_H_
