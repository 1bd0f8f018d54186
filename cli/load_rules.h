// SPDX-License-Identifier: Apache-2.0
// Loading a ruleset for a subcommand: resolve the config path, run triage::LoadRuleSet through a
// fresh SourceManager, and write every diagnostic, rendered in the H4 format, to stderr. Shared by
// `check`, `filter` (at start and on SIGHUP) and the other commands that need a ruleset.
#ifndef TRIAGE_CLI_LOAD_RULES_H_
#define TRIAGE_CLI_LOAD_RULES_H_

#include <cstddef>
#include <string>

#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage::cli {

// What a load reported.
struct LoadReport {
  size_t errors = 0;
  size_t warnings = 0;
};

// Returns the config path to use for `explicit_path` (the --config value, TRIAGE_CONFIG already
// applied by CLI11), or an empty string after writing to stderr that no config was found.
std::string FindConfigOrReport(const std::string& explicit_path);

// Loads the ruleset whose config is at `config_path`. Diagnostics are written to stderr, coloured
// when stderr is a terminal and NO_COLOR is unset; a failure without a diagnostic (an unreadable
// config) is written as a one-line error. Fills *report (may be null). Returns the ruleset or the
// load's failure.
Result<RuleSet> LoadRulesReporting(const std::string& config_path, LoadReport* report);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_LOAD_RULES_H_
