// SPDX-License-Identifier: Apache-2.0
// Explanation: why a record got its decision. Everything an analyst needs to read a decision —
// every rule in evaluation order with whether it fired, what it contributed and the truth value
// of each part of its condition; the byte spans its patterns matched in the record's text; the
// running urgency before clamping and floors; every category's total, assigned or not. Produced by
// Scanner::Explain, which evaluates exactly as ScanJson does (the decision inside is identical)
// and then computes positions, which the hot path never does.
#ifndef TRIAGE_EXPLAIN_H_
#define TRIAGE_EXPLAIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triage/decision.h"

namespace triage {

// A match of one of a rule's patterns or lists: field, which value of it, [begin, end) bytes.
struct MatchSpan {
  std::string field;
  uint32_t value = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
};

// The operator of one part of a condition, as compiled: a test (a leaf, or one test as written
// that the compiler expanded, such as `text ~ any(a, b)` or `text !~ near(...)`), `and`, `or`,
// `not`, or `N of (...)` (kAtLeast, N in ConditionTrace::at_least).
enum class ConditionOp { kTest, kAnd, kOr, kNot, kAtLeast };

// The truth value of one part of a condition. `text` is the condition's source text, `location`
// its "file:line:col". And/or/not/N-of nodes have children; a test has none, or the parts the
// compiler expanded it into (all with the test's own text).
struct ConditionTrace {
  std::string text;
  std::string location;
  ConditionOp op = ConditionOp::kTest;
  int at_least = 0;  // kAtLeast: how many children must hold
  bool holds = false;
  // For a word-level test: the mentions found ("\"she is 14\", \"selling\" (negated)"), or "".
  std::string detail;
  std::vector<ConditionTrace> children;
};

struct RuleTrace {
  std::string rule;
  std::string description;
  std::string location;  // "file:line:col" of the rule's name
  bool enabled = true;   // false when disabled by a config override
  bool overridden = false;
  bool fired = false;
  int urgency = 0;  // contributions as configured (after overrides), whether it fired or not
  std::optional<int> floor;
  std::vector<CategoryScore> categories;
  std::vector<std::string> tags;
  std::vector<std::string> routes;
  ConditionTrace condition;
  std::vector<MatchSpan> spans;  // only for fired rules
};

// The values of a text field, for highlighting spans.
struct FieldText {
  std::string field;
  std::vector<std::string> values;
};

struct Explanation {
  Decision decision;
  int64_t urgency_sum = 0;       // sum of fired rules' urgency, before clamping
  std::optional<int> floor;      // the highest floor of a fired rule
  int urgency_max = 100;
  std::vector<RuleTrace> rules;  // every rule, evaluation order
  std::vector<CategoryScore> category_totals;  // every category some fired rule scored
  // The record's values of the categories.fallback_by_field field (RuleTally::
  // fallback_field_values), which the fallback depends on.
  std::vector<std::string> fallback_field_values;
  int assign_min = 0;
  std::vector<FieldText> texts;  // every text field read by a rule
};

}  // namespace triage

#endif  // TRIAGE_EXPLAIN_H_
