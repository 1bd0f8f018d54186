// SPDX-License-Identifier: Apache-2.0
// Decision: what the engine decided for one record — urgency score and band, categories, the rules
// that fired with their contributions, tags, routes — and the identity of the ruleset and engine
// that decided it. Its JSON form (DecisionToJson) is the `triage` object of DESIGN.md and is
// byte-identical for the same record and ruleset.
#ifndef TRIAGE_DECISION_H_
#define TRIAGE_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/export.h"
#include "triage/status.h"

namespace triage {

struct CategoryScore {
  std::string name;
  int score = 0;
};

// One rule that fired, with what it contributed (after config overrides).
struct RuleHit {
  std::string rule;
  int urgency = 0;                     // additive urgency (0 if none)
  std::optional<int> floor;            // urgency floor, if the rule sets one
  std::vector<CategoryScore> categories;  // in the order the rule declares them
};

struct Decision {
  std::optional<std::string> id;   // the record's `id` field, when mapped and present
  int urgency = 0;                 // final score, in [0, urgency.max]
  std::string band;                // name of the band the score falls in
  std::vector<CategoryScore> categories;  // assigned categories, highest score first
  std::vector<RuleHit> rules;      // fired rules, in evaluation order
  std::vector<std::string> tags;   // distinct, in order of first appearance
  std::vector<std::string> routes; // distinct, in order of first appearance
  std::string ruleset;             // "sha256:<hex>"
  std::string engine;              // engine version, e.g. "0.1.0"
};

// Returns the `triage` object of a decision as compact JSON:
// {"urgency":{"score":85,"band":"P1"},"categories":[...],"rules":[...],"tags":[...],
//  "routes":[...],"ruleset":"sha256:...","engine":"0.1.0"}
TRIAGE_EXPORT std::string DecisionToJson(const Decision& decision);

// How `triage filter` writes a record's line.
enum class OutputMode {
  kAnnotate,  // the input record with a "triage" member added (replacing any existing one)
  kDecision,  // {"id":...,"triage":{...}} only
};

// Returns the output line (without '\n') for a triaged record. `record_json` is the input line,
// which REQUIRES to be a valid JSON object (it was scanned). Never fails.
TRIAGE_EXPORT std::string FormatDecisionLine(std::string_view record_json, const Decision& decision,
                                             OutputMode mode);

// Returns the output line (without '\n') for a record that could not be triaged:
// {"line":17,"id":"r-9","triage":{"error":{"code":"invalid_json","message":"..."}}}
// `id` is included when known. REQUIRES: error.code() == Status::Code::kInvalidRecord.
TRIAGE_EXPORT std::string FormatErrorLine(uint64_t line, const std::optional<std::string>& id,
                                          const Status& error);

}  // namespace triage

#endif  // TRIAGE_DECISION_H_
