// SPDX-License-Identifier: Apache-2.0
// What the adapter fuzz targets share: a tiny ruleset (compiled once) that reads the fields the
// adapters write, and the check that a converted record is a record the engine accepts as JSON —
// an adapter that writes malformed JSON, invalid UTF-8 or a duplicate key aborts the run.
#ifndef TRIAGE_TESTS_FUZZ_ADAPTER_FUZZ_SUPPORT_H_
#define TRIAGE_TESTS_FUZZ_ADAPTER_FUZZ_SUPPORT_H_

#include <cstdlib>
#include <string>
#include <utility>

#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage::fuzz {

inline const RuleSet& AdapterRules() {
  static const RuleSet* rules = [] {
    SourceManager sources;
    Diagnostics diagnostics;
    auto compiled = CompileRuleSet(
        &sources, "",
        {{"fuzz.rules",
          "rule urgent { when text ~ /tonight/i and victim.age < 18 urgency >= 90 }\n"
          "rule escalated { when exists(escalate_to_high_priority) urgency +20 }\n"
          "rule sms { when kind == \"sms\" and exists(from) urgency +1 }\n"}},
        LoadOptions(), &diagnostics);
    if (!compiled.ok()) std::abort();
    return new RuleSet(std::move(compiled).value());
  }();
  return *rules;
}

// Scans a converted record; aborts if the engine refuses it as JSON (the adapter's fault).
inline void ScanConverted(const std::string& record) {
  static Scanner* scanner = new Scanner(AdapterRules());
  Decision decision;
  const Status status = scanner->ScanJson(record, &decision);
  if (status.ok()) {
    (void)DecisionToJson(decision);
    return;
  }
  const std::string& code = status.record_code();
  if (code == "invalid_json" || code == "invalid_utf8" || code == "not_an_object" ||
      code == "duplicate_key" || code.empty()) {
    std::abort();
  }
}

}  // namespace triage::fuzz

#endif  // TRIAGE_TESTS_FUZZ_ADAPTER_FUZZ_SUPPORT_H_
