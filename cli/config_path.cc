// SPDX-License-Identifier: Apache-2.0
// Default config discovery (config_path.h).

#include "config_path.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#ifndef TRIAGE_INSTALL_DATADIR
#define TRIAGE_INSTALL_DATADIR "/usr/local/share/triage"
#endif
#ifndef TRIAGE_SOURCE_RULES_DIR
#define TRIAGE_SOURCE_RULES_DIR "rules"
#endif

namespace triage::cli {

namespace fs = std::filesystem;

std::vector<std::string> DefaultConfigCandidates() {
  std::vector<std::string> candidates;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error && !exe.empty()) {
    candidates.push_back((exe.parent_path() / ".." / "share" / "triage" / "triage.yaml")
                             .lexically_normal()
                             .string());
  }
  candidates.emplace_back(TRIAGE_INSTALL_DATADIR "/triage.yaml");
  candidates.emplace_back(TRIAGE_SOURCE_RULES_DIR "/triage.yaml");
  return candidates;
}

std::string ResolveConfigPath(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  for (const std::string& candidate : DefaultConfigCandidates()) {
    std::error_code error;
    if (fs::is_regular_file(candidate, error)) return candidate;
  }
  return {};
}

}  // namespace triage::cli
