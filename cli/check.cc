// SPDX-License-Identifier: Apache-2.0
// `triage check [--config PATH] [--werror]`: loads the config and every rule file it lists,
// checks and compiles them, and reports every diagnostic on stderr in the file:line:col format
// with the source line and a caret. On success stdout gets one line for scripts and CI:
//
//   ok: 42 rules, 12 categories, sha256:<hex>
//
// With --verbose, stdout also gets the time the load and compile took and the matching plan
// (docs/performance.md): per field, its sets and prefilter, and per pattern its strategy, program
// size and, for hard regexes, why they are kept out of the sets. Regexes that will run on their
// own on every value are also warned about (slow-pattern) whether or not --verbose is given.
//
// Exit 1 on errors, or on warnings with --werror; 0 otherwise.

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/matching_plan.h"
#include "triage/rule_set.h"
#include "triage/status.h"

#include "command_options.h"
#include "commands.h"
#include "load_rules.h"

namespace triage::cli {
namespace {

struct CheckOptions {
  std::string config;
  bool werror = false;
  bool verbose = false;
};

const char* Plural(size_t count) { return count == 1 ? "" : "s"; }

std::string Quoted(const std::vector<std::string>& literals) {
  std::string out;
  for (const std::string& l : literals) {
    if (!out.empty()) out += ", ";
    out += '"' + l + '"';
  }
  return out;
}

void PrintPlan(const MatchingPlan& plan) {
  std::printf("matching plan:\n");
  for (const FieldPlan& f : plan.fields) {
    size_t entries = 0;
    size_t program = 0;
    for (const FieldPlan::Set& s : f.sets) {
      entries += s.entries;
      program += s.program_size;
    }
    std::printf("  field %s: %zu set%s (%zu entries, %zu instructions)", f.field.c_str(),
                f.sets.size(), Plural(f.sets.size()), entries, program);
    if (f.prefiltered > 0 || f.prefilter_literals > 0) {
      std::printf(", %zu prefiltered regex%s (%zu literals)", f.prefiltered,
                  f.prefiltered == 1 ? "" : "es", f.prefilter_literals);
    }
    if (f.every_value > 0) {
      std::printf(", %zu regex%s on every value", f.every_value, f.every_value == 1 ? "" : "es");
    }
    std::printf("\n");
    for (const PatternPlan& p : plan.patterns) {
      if (p.field != f.field) continue;
      std::printf("    %s: %s %s", p.location.c_str(), p.name.c_str(), StrategyName(p.strategy));
      if (p.set >= 0 && f.sets.size() > 1) std::printf(" #%d", p.set + 1);
      std::printf(", %d instructions", p.program_size);
      if (p.repeat_span > 0) std::printf(", repeat %d", p.repeat_span);
      if (!p.literals.empty()) std::printf(", literals %s", Quoted(p.literals).c_str());
      if (!p.reason.empty()) std::printf(" (%s)", p.reason.c_str());
      std::printf("\n");
    }
  }
}

int RunCheck(const CheckOptions& options) {
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;

  LoadReport report;
  const auto start = std::chrono::steady_clock::now();
  const Result<RuleSet> rules = LoadRulesReporting(config_path, &report);
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
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
  if (options.verbose) {
    std::printf("loaded, checked and compiled in %.1f ms\n", load_ms);
    PrintPlan(DescribeMatchingPlan(*rules));
  }
  return std::fflush(stdout) == 0 ? kExitOk : kExitErrors;
}

}  // namespace

Command AddCheckCommand(CLI::App* parent) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* app = parent->add_subcommand(
      "check", "Parse, check and compile a ruleset and its config; report every problem");
  AddConfigOption(app, &options->config);
  // No TRIAGE_WERROR fallback: CI environments use that name for the CMake option.
  app->add_flag("--werror", options->werror, "Treat warnings as errors (exit 1)");
  app->add_flag("-v,--verbose", options->verbose,
                "Also print the compile time and the matching plan (sets, prefilter, costs)");
  return Command{app, [options] { return RunCheck(*options); }};
}

}  // namespace triage::cli
