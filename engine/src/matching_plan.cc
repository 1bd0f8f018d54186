// SPDX-License-Identifier: Apache-2.0
// The matching plan of a ruleset (triage/matching_plan.h); compile/matcher_plan.h builds it.

#include "triage/matching_plan.h"

#include "triage/rule_set.h"

#include "compile/matcher_plan.h"
#include "compile/rule_set_access.h"

namespace triage {

MatchingPlan DescribeMatchingPlan(const RuleSet& rules) {
  return internal::DescribePlan(internal::RuleSetAccess::ProgramOf(rules));
}

const char* StrategyName(PatternPlan::Strategy strategy) {
  switch (strategy) {
    case PatternPlan::Strategy::kSet:
      return "set";
    case PatternPlan::Strategy::kSetConfirmed:
      return "set+confirm";
    case PatternPlan::Strategy::kPrefiltered:
      return "prefiltered";
    case PatternPlan::Strategy::kEveryValue:
      return "every-value";
  }
  return "set";
}

}  // namespace triage
