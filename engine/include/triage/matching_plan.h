// SPDX-License-Identifier: Apache-2.0
// MatchingPlan: how a compiled ruleset matches the patterns and phrase lists of each field
// (docs/performance.md) — which go into the field's multi-pattern sets, which run on their own
// behind a literal prefilter or on every value, and what each costs. A diagnostic for analysts
// and benchmarks (`triage check --verbose`), apart from the core RuleSet API: the plan changes
// the speed of matching, never a decision. MatchingOptions (options.h) tunes it.
#ifndef TRIAGE_MATCHING_PLAN_H_
#define TRIAGE_MATCHING_PLAN_H_

#include <cstddef>
#include <string>
#include <vector>

#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/source.h"

namespace triage {

// How one pattern or phrase list is matched on one field.
struct PatternPlan {
  enum class Strategy {
    kSet,           // in one of the field's sets: a set hit is a match
    kSetConfirmed,  // a phrase list: its phrases are in a set, a hit is confirmed (word edges)
                    // by the list's own regex
    kPrefiltered,   // a hard regex: run on its own when the set finds its required literals
    kEveryValue,    // a hard regex with no literal to filter on: run on its own on every value
  };
  std::string field;
  std::string name;  // the pattern or list name, or the regex literal as written
  FileId file;       // where it is declared (or written, for a literal)
  SourceSpan span;
  std::string location;  // "file:line:col"
  Strategy strategy = Strategy::kSet;
  int set = -1;                       // the set index within the field, for kSet and kSetConfirmed
  int program_size = 0;               // RE2 instructions of the pattern on its own
  int repeat_span = 0;                // widest counted repetition of a non-literal element
  std::string reason;                 // why it is not in a set ("" if it is)
  std::vector<std::string> literals;  // kPrefiltered: the literals the prefilter looks for
};

// How one field is matched.
struct FieldPlan {
  std::string field;
  struct Set {
    size_t entries = 0;       // patterns, lists and prefilter literals
    size_t program_size = 0;  // RE2 instructions
  };
  std::vector<Set> sets;          // one pass over each value per set
  size_t prefilter_literals = 0;  // literals the sets look for on behalf of hard regexes
  size_t prefiltered = 0;         // hard regexes behind the prefilter
  size_t every_value = 0;         // hard regexes run on every value
};

struct MatchingPlan {
  std::vector<FieldPlan> fields;
  std::vector<PatternPlan> patterns;  // by field, then declaration order
};

// The name of a strategy: "set", "set+confirm", "prefiltered", "every-value".
TRIAGE_EXPORT const char* StrategyName(PatternPlan::Strategy strategy);

// Returns how each field's patterns of `rules` are matched, with each pattern's cost estimate.
// Thread-safe (a RuleSet is immutable).
TRIAGE_EXPORT MatchingPlan DescribeMatchingPlan(const RuleSet& rules);

}  // namespace triage

#endif  // TRIAGE_MATCHING_PLAN_H_
