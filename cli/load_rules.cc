// SPDX-License-Identifier: Apache-2.0
// Ruleset loading with diagnostics on stderr (load_rules.h).

#include "load_rules.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/source.h"
#include "triage/status.h"

#include "config_path.h"
#include "terminal.h"

namespace triage::cli {

std::string FindConfigOrReport(const std::string& explicit_path) {
  std::string path = ResolveConfigPath(explicit_path);
  if (path.empty()) {
    std::string looked;
    for (const std::string& candidate : DefaultConfigCandidates()) {
      looked += "\n  ";
      looked += candidate;
    }
    std::fprintf(stderr,
                 "triage: error: no config found; pass --config PATH or set TRIAGE_CONFIG "
                 "(looked in:%s)\n",
                 looked.c_str());
  }
  return path;
}

Result<RuleSet> LoadRulesReporting(const std::string& config_path, LoadReport* report) {
  // A fresh manager per load: a SourceManager serves files it already holds before the disk,
  // and a reload must see the files as they are now.
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> rules = LoadRuleSet(&sources, config_path, LoadOptions(), &diagnostics);
  if (!diagnostics.empty()) {
    const std::string rendered =
        RenderDiagnostics(diagnostics, sources, ColorEnabled(STDERR_FILENO));
    std::fwrite(rendered.data(), 1, rendered.size(), stderr);
  }
  if (!rules.ok() && !diagnostics.has_errors()) {
    std::fprintf(stderr, "%s: error: %s\n", config_path.c_str(), rules.status().message().c_str());
  }
  if (report != nullptr) {
    report->errors = diagnostics.error_count();
    if (!rules.ok() && report->errors == 0) report->errors = 1;
    report->warnings = diagnostics.warning_count();
  }
  return rules;
}

}  // namespace triage::cli
