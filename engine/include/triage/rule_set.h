// SPDX-License-Identifier: Apache-2.0
// RuleSet: a compiled, checked, immutable set of rules with its config. Loading runs the whole
// pipeline — YAML config, parse every rule file (Spirit X3), check names, types and regexes,
// compile the patterns of each field into a matching plan (options.h tunes it, matching_plan.h
// describes it) — and either yields a RuleSet or reports every problem as a Diagnostic. The digest ("sha256:...") identifies the ruleset: it
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
#include "triage/options.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {

namespace internal {
struct Program;
class RuleSetAccess;
}  // namespace internal

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
