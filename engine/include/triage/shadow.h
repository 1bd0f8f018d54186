// SPDX-License-Identifier: Apache-2.0
// Shadow comparison: a candidate ruleset evaluated beside the live one on the same records, as
// `triage filter --shadow` does (docs/filter.md), so that a change can be watched on production
// traffic before it ships. CompareShadow compares the two decisions of one record (through
// CompareDecisions, triage/compare.h) and, when they disagree — band, score, categories or fired
// rules, or the candidate refused the record — gives the shadow log's JSONL line:
//
//   {"line":7,"id":"r-7","live":{"band":"P2","score":55,"categories":["x"]},
//    "candidate":{...} or {"error":"wrong_type"},"rules_added":[...],"rules_removed":[...],
//    "move":"same_band"|"more_urgent"|"less_urgent"}
//
// (a refused record has no rules_added, rules_removed or move). ShadowTally counts outcomes for
// the summary line.
//
// CompareShadow is a pure function; a ShadowTally is thread-compatible (one writer).
#ifndef TRIAGE_SHADOW_H_
#define TRIAGE_SHADOW_H_

#include <cstdint>
#include <string>

#include "triage/decision.h"
#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

enum class ShadowOutcome {
  kAgree,       // same band, score, categories and fired rules, in the same order
  kSameBand,    // they disagree, within one band
  kMoreUrgent,  // the candidate's band is more urgent
  kLessUrgent,  // the candidate's band is less urgent (or not a band of the candidate's)
  kRefused,     // the candidate could not triage a record the live ruleset triaged
};

struct ShadowComparison {
  ShadowOutcome outcome = ShadowOutcome::kAgree;
  std::string log_line;  // the JSON line (without '\n'); empty for kAgree
};

// Compares the live decision of physical line `line` with the candidate's, whose scan returned
// `candidate_status` (*candidate_decision is ignored unless it is OK). Bands are placed by
// `candidate`'s config.
TRIAGE_EXPORT ShadowComparison CompareShadow(const RuleSet& candidate, uint64_t line,
                                             const Decision& live, const Status& candidate_status,
                                             const Decision& candidate_decision);

// Counts of a shadow run.
struct ShadowTally {
  uint64_t compared = 0;
  uint64_t disagreements = 0;  // every outcome but kAgree
  uint64_t band_changes = 0;   // kMoreUrgent + kLessUrgent
  uint64_t more_urgent = 0;
  uint64_t less_urgent = 0;
  uint64_t candidate_errors = 0;  // kRefused

  // Counts one compared record.
  void Add(ShadowOutcome outcome);
};

}  // namespace triage

#endif  // TRIAGE_SHADOW_H_
