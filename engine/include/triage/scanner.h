// SPDX-License-Identifier: Apache-2.0
// Scanner: evaluates one record at a time against a RuleSet. It owns the per-thread scratch
// (JSON parser buffers, match bitmaps) so that the steady state allocates little. Evaluation is a
// pure function of (record, ruleset): no clock, no randomness, no global state.
#ifndef TRIAGE_SCANNER_H_
#define TRIAGE_SCANNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include <string_view>

#include "triage/decision.h"
#include "triage/decision_policy.h"
#include "triage/explain.h"
#include "triage/export.h"
#include "triage/record.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

namespace internal {
class ScanState;
}  // namespace internal

// Options for one scan.
struct ScanOptions {
  // Rules treated as disabled for this scan (rules referring to them see false). For
  // counterfactuals: "what would the decision be without these rules?"
  std::vector<std::string> disabled_rules;
};

// Counters a Scanner accumulates when stats are on (ScanStats are off by default: timing costs a
// clock read per stage). Times are wall-clock nanoseconds; they never influence a decision.
struct ScanStats {
  uint64_t records = 0;
  uint64_t parse_ns = 0;     // JSON parsing and field extraction
  uint64_t evaluate_ns = 0;  // rule evaluation and decision assembly
  struct FieldStats {
    std::string field;
    uint64_t values = 0;  // text values scanned
    uint64_t bytes = 0;
    uint64_t ns = 0;      // time in the field's multi-pattern matcher
    // Values on which one of the field's sets failed (RE2: DFA out of memory) and its entries
    // ran one by one instead: correct, but slow; a sign the plan needs smaller sets.
    uint64_t set_failures = 0;
  };
  std::vector<FieldStats> fields;  // one per matched field
  struct RuleStats {
    std::string rule;
    uint64_t hits = 0;
  };
  std::vector<RuleStats> rules;  // evaluation order

  // Adds `other` (from another Scanner over the same RuleSet) into this.
  void Merge(const ScanStats& other);
};

// Not thread-safe; cheap to create: use one per thread. Keeps the RuleSet alive.
class TRIAGE_EXPORT Scanner {
 public:
  explicit Scanner(RuleSet rules);
  ~Scanner();
  Scanner(Scanner&&) noexcept;
  Scanner& operator=(Scanner&&) noexcept;

  // Triages an already-parsed record. A value of the wrong type for its field (text where a
  // number is expected) is an InvalidRecord("wrong_type") error; unknown fields are ignored.
  Status Scan(const Record& record, Decision* decision);
  Status Scan(const Record& record, const ScanOptions& options, Decision* decision);

  // Parses one JSON object, maps its fields with the config's paths and triages it; *decision is
  // overwritten (never merged with a previous decision). On error
  // returns InvalidRecord with a code (invalid_json, not_an_object, too_large, wrong_type,
  // invalid_utf8) and a message that never quotes the record; decision->id is still set when the
  // id could be read.
  Status ScanJson(std::string_view json, Decision* decision);
  Status ScanJson(std::string_view json, const ScanOptions& options, Decision* decision);

  // Triages like ScanJson and explains the decision (see explain.h). Slower: computes positions
  // and a trace of every rule. Errors as ScanJson.
  Status Explain(std::string_view json, const ScanOptions& options, Explanation* explanation);
  // The same for an already-parsed record; errors as Scan(Record).
  Status Explain(const Record& record, const ScanOptions& options, Explanation* explanation);

  // What the fired rules of the last successful Scan, ScanJson or Explain contributed before the
  // decision policy (triage/decision_policy.h): the urgency sum, the floor and every category's
  // total. Eval's category sweeps read the totals here, without a full Explain.
  const RuleTally& tally() const;

  // Turns statistics collection on or off (off by default).
  void set_collect_stats(bool on);
  // The statistics collected so far.
  const ScanStats& stats() const;

  const RuleSet& rules() const { return rules_; }

 private:
  RuleSet rules_;
  std::unique_ptr<internal::ScanState> state_;
};

}  // namespace triage

#endif  // TRIAGE_SCANNER_H_
