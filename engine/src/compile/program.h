// SPDX-License-Identifier: Apache-2.0
// Program: the compiled form of a ruleset, shared (immutably) by every Scanner.
//
// A record flows through it in two steps. First, every text field that some rule matches against
// is scanned once per value by that field's multi-pattern matcher: one RE2::Set holding every
// regex and phrase list used on the field (an "atom" each), which answers "which atoms occur"
// in a single pass whatever the number of rules. Second, the rules run in evaluation order (a
// rule after every rule it refers to) as small expression trees over the atom bits and the field
// values; only count(...) ever looks at an atom's positions, and only when the set said it occurs.
#ifndef TRIAGE_COMPILE_PROGRAM_H_
#define TRIAGE_COMPILE_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "triage/config.h"
#include "triage/rule_set.h"
#include "triage/source.h"

namespace triage::internal {

enum class ValueType { kAny, kText, kNumber, kBool };

const char* ValueTypeName(ValueType type);

// One step of a JSON path: a key, every element ([*]) or one element ([N]).
struct PathStep {
  enum class Kind { kKey, kWildcard, kIndex };
  Kind kind = Kind::kKey;
  std::string key;
  size_t index = 0;
};

struct Field {
  std::string name;
  ValueType type = ValueType::kAny;
  std::vector<std::string> path_texts;
  std::vector<std::vector<PathStep>> paths;
  int matcher = -1;  // index into Program::matchers, -1 when no rule matches text on it
};

// A regex or phrase list applied to one field. `re` has exactly one capturing group, around the
// part that counts as the match (a list's phrase without its boundary characters).
struct Atom {
  int field = -1;
  std::string pattern;  // the RE2 source as compiled (inline flags included)
  std::unique_ptr<RE2> re;
};

// The single-pass matcher of one field.
struct FieldMatcher {
  int field = -1;
  std::unique_ptr<RE2::Set> set;  // null if the set could not be built: run atoms one by one
  std::vector<int> atoms;         // set index -> atom index
};

enum class NodeOp : uint8_t {
  kAnd,
  kOr,
  kNot,
  kMatch,     // a = atom
  kNotMatch,  // a = atom
  kCount,     // a = atom, cmp, number
  kExists,    // a = field
  kCompareNumber,  // a = field, cmp, number
  kCompareText,    // a = field, cmp (== or !=), text
  kCompareBool,    // a = field, cmp (== or !=), boolean
  kInNumbers,      // a = field, numbers
  kInTexts,        // a = field, texts
  kRuleRef,        // a = rule (evaluation index)
};

enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct ExprNode {
  NodeOp op = NodeOp::kAnd;
  Cmp cmp = Cmp::kEq;
  int a = -1;
  double number = 0;
  bool boolean = false;
  std::string text;
  std::vector<int> children;  // kAnd, kOr, kNot
  std::vector<double> numbers;
  std::vector<std::string> texts;
  FileId file;
  SourceSpan span;
  std::string source;    // the node's source text, for explanations
  std::string location;  // "file:line:col"
};

struct CompiledRule {
  std::string name;
  std::string description;
  FileId file;
  SourceSpan span;
  int root = -1;  // expression node
  bool enabled = true;
  int urgency = 0;
  std::optional<int> floor;
  std::vector<std::pair<int, int>> categories;  // (category index, score) in clause order
  std::vector<std::string> tags;
  std::vector<std::string> routes;
  std::string owner;
  std::string ref;
  std::string since;
  std::string location;  // "file:line:col" of the name
  bool overridden = false;
};

// An inline example, run when the ruleset is compiled.
struct Example {
  std::string text;
  int rule = -1;  // evaluation index of the enclosing rule, -1 at top level
  bool counter = false;  // counterexample: the rule must not fire
  std::string band;      // expected band, "" if not given
  std::vector<std::string> categories;  // expected among the assigned categories
  FileId file;
  SourceSpan span;
};

struct Program {
  EngineConfig config;
  std::string digest;
  std::vector<RuleSetSource> sources;

  std::vector<Field> fields;
  int id_field = -1;
  std::vector<Atom> atoms;
  std::vector<FieldMatcher> matchers;
  std::vector<ExprNode> nodes;
  std::vector<CompiledRule> rules;  // evaluation order
  std::vector<std::string> categories;
  std::vector<std::string> category_descriptions;
  int fallback_category = -1;
  std::vector<Example> examples;
};

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_PROGRAM_H_
