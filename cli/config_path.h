// SPDX-License-Identifier: Apache-2.0
// Where the CLI finds its config when neither --config nor TRIAGE_CONFIG names one: the installed
// rule pack next to the executable (<bindir>/../share/triage/triage.yaml, so a relocated install
// finds its own rules), then the configured install prefix, then the source tree's rules/ (for
// running straight from a build directory).
#ifndef TRIAGE_CLI_CONFIG_PATH_H_
#define TRIAGE_CLI_CONFIG_PATH_H_

#include <string>
#include <vector>

namespace triage::cli {

// Returns the default config locations, most preferred first.
std::vector<std::string> DefaultConfigCandidates();

// Returns the config to load: `explicit_path` when non-empty (from --config or TRIAGE_CONFIG),
// else the first default candidate that exists. Returns an empty string when none exists.
std::string ResolveConfigPath(const std::string& explicit_path);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_CONFIG_PATH_H_
