// SPDX-License-Identifier: Apache-2.0
// Scanner: evaluates one record at a time against a RuleSet. It owns the per-thread scratch
// (JSON parser buffers, match bitmaps) so that the steady state allocates little. Evaluation is a
// pure function of (record, ruleset): no clock, no randomness, no global state.
#ifndef TRIAGE_SCANNER_H_
#define TRIAGE_SCANNER_H_

#include <memory>
#include <string_view>

#include "triage/decision.h"
#include "triage/export.h"
#include "triage/record.h"
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

namespace internal {
class ScanState;
}  // namespace internal

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

  // Parses one JSON object, maps its fields with the config's paths and triages it. On error
  // returns InvalidRecord with a code (invalid_json, not_an_object, too_large, wrong_type,
  // invalid_utf8) and a message that never quotes the record; decision->id is still set when the
  // id could be read.
  Status ScanJson(std::string_view json, Decision* decision);

  const RuleSet& rules() const { return rules_; }

 private:
  RuleSet rules_;
  std::unique_ptr<internal::ScanState> state_;
};

}  // namespace triage

#endif  // TRIAGE_SCANNER_H_
