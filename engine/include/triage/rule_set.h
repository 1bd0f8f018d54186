// SPDX-License-Identifier: Apache-2.0
// RuleSet: a compiled, checked, immutable set of rules with its config. Loading runs the whole
// pipeline — YAML config, parse every rule file (Spirit X3), check names, types and regexes,
// compile the patterns of each field into a matching plan (docs/performance.md) — and either yields a RuleSet
// or reports every problem as a Diagnostic. The digest ("sha256:...") identifies the ruleset: it
// covers the canonical text of the config and of every rule file, so equal digests mean equal
// decisions (for the same engine version).
#ifndef TRIAGE_RULE_SET_H_
#define TRIAGE_RULE_SET_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/export.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {

namespace internal {
struct Program;
class RuleSetAccess;
}  // namespace internal

// How the compiler turns the patterns of each field into matchers (docs/performance.md). Every
// setting gives the same rule results; they change only the speed and memory of matching. Zero
// means the default. The defaults suit any ruleset; the knobs exist for tests and benchmarks.
struct MatchingOptions {
  // A regex with a counted repetition of a non-literal element of this bound or more (`.{0,40}`,
  // `\w{1,30}`) is "hard": it stays out of the sets and runs on its own, after a literal prefilter.
  int hard_repeat = 0;  // default 8
  // A regex with an unbounded repetition of an element that matches nearly everything (`.`, a
  // negated class) after its first element (`foo.*bar`) is hard too, unless this is true: once
  // its prefix is seen, it keeps a DFA thread alive to the end of the line, and a set of many
  // such patterns must track every combination of prefixes seen.
  bool allow_gaps = false;
  // A regex whose RE2 program has this many instructions or more is hard too.
  int hard_program = 0;  // default 3000
  // Most RE2 instructions in one set; a field's patterns are split into as many sets as needed.
  // One set is fastest once its DFA is warm (measured: four sets of a 1,000-rule pack scan 4x
  // slower than one), so the default only splits very large fields.
  size_t max_set_program = 0;  // default 4000000
  // Most regexes in one set (lists and prefilter literals have sets of their own).
  size_t max_set_regexes = 0;  // default 100
  // Most entries in one set (0: no limit). Tests use small values to force splitting.
  size_t max_set_entries = 0;
  // Most memory of one set, program and DFA cache together, in bytes.
  size_t max_set_memory = 0;  // default 64 MiB
  // false: hard regexes run on every value, without the literal prefilter (for measurement).
  bool prefilter = true;
};

struct LoadOptions {
  // Semantic checking stops adding errors after this many (syntax errors stop at one per rule).
  size_t max_errors = 20;
  MatchingOptions matching;
};

// How one pattern or phrase list is matched on one field (RuleSet::matching_plan()).
struct PatternPlan {
  enum class Strategy {
    kSet,           // in one of the field's sets: a set hit is a match
    kSetConfirmed,  // a phrase list: its phrases are in a set, a hit is confirmed (word edges)
                    // by the list's own regex
    kPrefiltered,   // a hard regex: run on its own when the set finds its required literals
    kEveryValue,    // a hard regex with no literal to filter on: run on its own on every value
  };
  std::string field;
  std::string name;      // the pattern or list name, or the regex literal as written
  FileId file;           // where it is declared (or written, for a literal)
  SourceSpan span;
  std::string location;  // "file:line:col"
  Strategy strategy = Strategy::kSet;
  int set = -1;            // the set index within the field, for kSet and kSetConfirmed
  int program_size = 0;    // RE2 instructions of the pattern on its own
  int repeat_span = 0;     // widest counted repetition of a non-literal element
  std::string reason;      // why it is not in a set ("" if it is)
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

// A rule file or config as archived in the ruleset (for audit and replay).
struct RuleSetSource {
  std::string name;  // relative to the config's directory; the config itself first
  std::string text;  // canonical text (line endings normalised to '\n')
};

// Immutable and safe for concurrent use by multiple threads. Copying is cheap (shared state).
class TRIAGE_EXPORT RuleSet {
 public:
  // "sha256:<64 hex digits>".
  const std::string& digest() const;
  size_t rule_count() const;
  // Names of all rules, in evaluation order.
  std::vector<std::string> rule_names() const;
  // Names of all declared categories, in declaration order.
  std::vector<std::string> category_names() const;
  const EngineConfig& config() const;
  // The config and rule files this ruleset was compiled from, canonicalised.
  const std::vector<RuleSetSource>& sources() const;
  // How each field's patterns are matched, with each pattern's cost estimate (check --verbose).
  MatchingPlan matching_plan() const;

 private:
  // Made by LoadRuleSet and its siblings only; the engine reaches the compiled program through
  // internal::RuleSetAccess (engine/src/compile/rule_set_access.h).
  friend class internal::RuleSetAccess;
  explicit RuleSet(std::shared_ptr<const internal::Program> program);

  std::shared_ptr<const internal::Program> program_;
};

// Loads the config at `config_path` and the rule files it lists (relative to the config's
// directory) through `sources` (files already added in memory are used before the disk), then
// checks and compiles them. Errors and warnings are appended to *diagnostics (not null); returns
// InvalidArgument (or NotFound/IoError for an unreadable config) iff there were errors.
TRIAGE_EXPORT Result<RuleSet> LoadRuleSet(SourceManager* sources, const std::string& config_path,
                                          const LoadOptions& options, Diagnostics* diagnostics);

// Compiles rule texts given in memory with a config given as YAML text (an empty string means the
// defaults: default fields and bands, every rule file given). A file whose name the config lists
// under analysis.dictionaries is read as a dictionary, not parsed as rules. For tests and
// embedding; the names are used in diagnostics.
struct NamedText {
  std::string name;
  std::string text;
};
TRIAGE_EXPORT Result<RuleSet> CompileRuleSet(SourceManager* sources, const std::string& config_yaml,
                                             const std::vector<NamedText>& rule_files,
                                             const LoadOptions& options, Diagnostics* diagnostics);

// Recompiles a ruleset from the sources another RuleSet archived (RuleSet::sources(): the config
// first, then the rule files in order, then the analysis dictionaries), as an audit store keeps
// them. The result has the same
// digest as the original. For replay.
TRIAGE_EXPORT Result<RuleSet> CompileArchivedRuleSet(SourceManager* sources,
                                                     const std::vector<RuleSetSource>& archived,
                                                     const LoadOptions& options,
                                                     Diagnostics* diagnostics);

}  // namespace triage

#endif  // TRIAGE_RULE_SET_H_
