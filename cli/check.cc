// SPDX-License-Identifier: Apache-2.0
// `triage check [--config PATH] [--werror]`: loads the config and every rule file it lists,
// checks and compiles them, and reports every diagnostic on stderr in the file:line:col format
// with the source line and a caret. On success stdout gets one line for scripts and CI:
//
//   ok: 42 rules, 12 categories, sha256:<hex>
//
// Exit 1 on errors, or on warnings with --werror; 0 otherwise.

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "triage/rule_set.h"
#include "triage/status.h"

#include "commands.h"
#include "load_rules.h"

namespace triage::cli {
namespace {

struct CheckOptions {
  std::string config;
  bool werror = false;
};

const char* Plural(size_t count) { return count == 1 ? "" : "s"; }

int RunCheck(const CheckOptions& options) {
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;

  LoadReport report;
  const Result<RuleSet> rules = LoadRulesReporting(config_path, &report);
  if (report.errors > 0 || report.warnings > 0) {
    std::fprintf(stderr, "triage: %zu error%s, %zu warning%s\n", report.errors,
                 Plural(report.errors), report.warnings, Plural(report.warnings));
  }
  if (!rules.ok()) return kExitErrors;
  if (options.werror && report.warnings > 0) {
    std::fprintf(stderr, "triage: warnings are errors with --werror\n");
    return kExitErrors;
  }
  std::printf("ok: %zu rules, %zu categories, %s\n", rules->rule_count(),
              rules->category_names().size(), rules->digest().c_str());
  return std::fflush(stdout) == 0 ? kExitOk : kExitErrors;
}

}  // namespace

Command AddCheckCommand(CLI::App* parent) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* app = parent->add_subcommand(
      "check", "Parse, check and compile a ruleset and its config; report every problem");
  app->add_option("-c,--config", options->config,
                  "Config file (triage.yaml); default: the installed rule pack")
      ->envname("TRIAGE_CONFIG");
  // No TRIAGE_WERROR fallback: CI environments use that name for the CMake option.
  app->add_flag("--werror", options->werror, "Treat warnings as errors (exit 1)");
  return Command{app, [options] { return RunCheck(*options); }};
}

}  // namespace triage::cli
