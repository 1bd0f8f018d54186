// SPDX-License-Identifier: Apache-2.0
// `triage test [PATH...] [--config PATH] [-v] [--junit FILE]`: runs expectation files (YAML, see
// expectations.h and docs/test.md) against a ruleset and reports like a test runner.
//
// PATH is an expectation file or a directory (every *.yaml and *.yml in it, sorted by name; not
// recursive); the default is the `tests` directory next to the config. A file's `config:` key
// names the ruleset it runs with (relative to the file); otherwise --config, TRIAGE_CONFIG or the
// default config discovery decide. Each config is loaded once.
//
// stdout carries the results: one line per failing case,
//
//   rules/tests/enticement.yaml:12: FAIL meeting tonight: band: expected P1, got P2 (score 55)
//
// (-v adds a PASS line per passing case and the decision under each failure), then exactly one
// summary line, `N passed, M failed`, which CI systems read. An invalid case or file counts as
// failed: its diagnostics go to stderr in the file:line:col format, and stdout gets a FAIL line
// for it. --junit FILE also writes a JUnit XML report. Exit 0 when every case passed, 1 when any
// failed (or an input could not be read), 2 on a usage error.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/expectations.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

#include "command_options.h"
#include "commands.h"
#include "config_path.h"
#include "load_rules.h"
#include "report_status.h"
#include "terminal.h"
#include "test_report.h"

namespace triage::cli {
namespace {

namespace fs = std::filesystem;

struct TestOptions {
  std::vector<std::string> paths;
  std::string config;
  std::string junit;
  bool verbose = false;
};

// The name shown for problems that belong to a file rather than to one of its cases.
constexpr std::string_view kFileCaseName = "(file)";

bool HasExpectationExtension(const fs::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".yaml" || extension == ".yml";
}

// Expands `paths` into expectation files: a directory gives its *.yaml / *.yml files, sorted.
// Reports a path that cannot be read, or a directory without expectation files, on stderr.
// Returns false if any path failed.
bool CollectFiles(const std::vector<std::string>& paths, std::vector<std::string>* files) {
  bool ok = true;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      std::fprintf(stderr, "triage: error: cannot read '%s': %s\n", path.c_str(),
                   error ? error.message().c_str() : std::strerror(ENOENT));
      ok = false;
      continue;
    }
    if (!fs::is_directory(status)) {
      files->push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
      std::error_code type_error;
      if (HasExpectationExtension(it->path()) && !it->is_directory(type_error)) {
        found.push_back((fs::path(path) / it->path().filename()).string());
      }
    }
    if (error) {
      std::fprintf(stderr, "triage: error: cannot read directory '%s': %s\n", path.c_str(),
                   error.message().c_str());
      ok = false;
      continue;
    }
    if (found.empty()) {
      std::fprintf(stderr, "triage: error: no expectation files (*.yaml) in '%s'\n", path.c_str());
      ok = false;
      continue;
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  // The same file named twice (a file and its directory) runs once.
  std::vector<std::string> unique;
  for (const std::string& file : *files) {
    if (std::find(unique.begin(), unique.end(), file) == unique.end()) unique.push_back(file);
  }
  *files = std::move(unique);
  return ok;
}

// Rulesets by config path, each loaded (and its diagnostics reported) once.
class RuleSetCache {
 public:
  // Returns the ruleset of `config_path`, or nullopt if it failed to load (reported on stderr).
  const std::optional<RuleSet>& Get(const std::string& config_path) {
    std::error_code error;
    fs::path key = fs::weakly_canonical(config_path, error);
    if (error) key = fs::path(config_path).lexically_normal();
    auto it = cache_.find(key.string());
    if (it != cache_.end()) return it->second;
    Result<RuleSet> rules = LoadRulesReporting(config_path, nullptr);
    std::optional<RuleSet> value;
    if (rules.ok()) value = std::move(rules).value();
    return cache_.emplace(key.string(), std::move(value)).first->second;
  }

 private:
  std::map<std::string, std::optional<RuleSet>> cache_;
};

// Runs the command; writes the report; returns the exit code.
class TestRun {
 public:
  explicit TestRun(const TestOptions& options)
      : options_(options), color_err_(ColorEnabled(STDERR_FILENO)) {
    reporters_.push_back(MakeConsoleTestReporter(options.verbose, ColorEnabled(STDOUT_FILENO)));
    if (!options.junit.empty()) reporters_.push_back(MakeJUnitTestReporter(options.junit));
  }

  int Run();

 private:
  void RunFile(const std::string& path, const std::string& default_config);
  void PrintCase(const std::string& path, const CaseOutcome& outcome) const;

  const TestOptions& options_;
  bool color_err_;
  std::vector<std::unique_ptr<TestReporter>> reporters_;  // the console first
  SourceManager sources_;
  RuleSetCache rulesets_;
  std::vector<SuiteOutcome> suites_;
};

int TestRun::Run() {
  // The config used by files without a `config:` key. Needed up front only to find the default
  // directory; otherwise a missing one is reported by the first file that needs it.
  std::string default_config = ResolveConfigPath(options_.config);
  std::vector<std::string> paths = options_.paths;
  if (paths.empty()) {
    default_config = FindConfigOrReport(options_.config);
    if (default_config.empty()) return kExitErrors;
    paths.push_back((fs::path(default_config).parent_path() / "tests").string());
  }
  std::vector<std::string> files;
  if (!CollectFiles(paths, &files)) return kExitErrors;

  for (const std::string& file : files) RunFile(file, default_config);

  bool ok = true;
  for (const SuiteOutcome& suite : suites_) {
    ok = ok && suite.Count(CaseStatus::kPassed) == suite.cases.size();
  }
  for (const std::unique_ptr<TestReporter>& reporter : reporters_) {
    const Status finished = reporter->Finish(suites_);
    if (finished.ok()) continue;
    // The console's failure (stdout closed) has no one to tell; a JUnit file's is reported.
    if (reporter != reporters_.front()) ReportFailure(finished, kExitErrors);
    ok = false;
  }
  return ok ? kExitOk : kExitErrors;
}

void TestRun::RunFile(const std::string& path, const std::string& default_config) {
  suites_.push_back(SuiteOutcome{path, {}});
  SuiteOutcome& suite = suites_.back();
  // A problem with the whole file: reported on stderr and as one failed "(file)" case.
  const auto file_error = [&](uint32_t line, std::string message, std::string detail) {
    CaseOutcome outcome;
    outcome.name = std::string(kFileCaseName);
    outcome.line = line;
    outcome.status = CaseStatus::kError;
    outcome.problems.push_back(std::move(message));
    outcome.detail = std::move(detail);
    PrintCase(path, outcome);
    suite.cases.push_back(std::move(outcome));
  };

  const Result<FileId> loaded = sources_.Load(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "triage: error: cannot read '%s': %s\n", path.c_str(),
                 loaded.status().message().c_str());
    file_error(0, "cannot read the file: " + loaded.status().message(), "");
    return;
  }
  ExpectationFile expectations;
  expectations.path = path;
  ParseExpectationFile(sources_, *loaded, &expectations);
  const SourceFile& source = sources_.file(*loaded);

  if (!expectations.IsValid()) {
    const std::string rendered = RenderDiagnostics(expectations.diagnostics, sources_, false);
    const std::string shown =
        color_err_ ? RenderDiagnostics(expectations.diagnostics, sources_, true) : rendered;
    std::fwrite(shown.data(), 1, shown.size(), stderr);
    const Diagnostic& first = expectations.diagnostics.items().front();
    file_error(first.file.valid() ? source.Position(first.span.begin).line : 0,
               "invalid expectation file: " + first.message, rendered);
    return;
  }

  const std::string config = expectations.config.empty() ? default_config : expectations.config;
  const uint32_t config_line =
      expectations.config.empty() ? 0 : source.Position(expectations.config_span.begin).line;
  if (config.empty()) {
    FindConfigOrReport("");  // explains where it looked
    file_error(config_line, "no config to run the cases with", "");
    return;
  }
  const std::optional<RuleSet>& rules = rulesets_.Get(config);
  if (!rules) {
    if (!expectations.config.empty()) {
      Diagnostics diagnostics;
      diagnostics.Error("config-error", "the ruleset of config '" + config + "' did not load",
                        *loaded, expectations.config_span);
      const std::string rendered = RenderDiagnostics(diagnostics, sources_, color_err_);
      std::fwrite(rendered.data(), 1, rendered.size(), stderr);
    }
    file_error(config_line, "the ruleset of config '" + config + "' did not load", "");
    return;
  }
  ResolveNames(*rules, &expectations);

  Scanner scanner(*rules);
  for (const TestCase& test : expectations.cases) {
    CaseOutcome outcome;
    outcome.name = test.name;
    outcome.line = test.line;
    if (!test.IsValid()) {
      const std::string rendered = RenderDiagnostics(test.diagnostics, sources_, false);
      const std::string shown =
          color_err_ ? RenderDiagnostics(test.diagnostics, sources_, true) : rendered;
      std::fwrite(shown.data(), 1, shown.size(), stderr);
      outcome.status = CaseStatus::kError;
      for (const Diagnostic& d : test.diagnostics.items()) {
        if (d.severity == Severity::kError) {
          outcome.problems.push_back("invalid case: " + d.message);
        }
      }
      outcome.detail = rendered;
    } else {
      const CaseRun run = RunCase(&scanner, test);
      if (!run.status.ok()) {
        outcome.status = CaseStatus::kFailed;
        // Record errors never quote the record; anything else is not the record's fault.
        outcome.problems.push_back("the record could not be triaged: " +
                                   (run.status.code() == Status::Code::kInvalidRecord
                                        ? run.status.record_code() + ": " + run.status.message()
                                        : std::string("internal error")));
      } else {
        outcome.problems = run.problems;
        outcome.status = run.passed() ? CaseStatus::kPassed : CaseStatus::kFailed;
        outcome.detail = "decision: " + DescribeDecision(run.decision);
      }
    }
    PrintCase(path, outcome);
    suite.cases.push_back(std::move(outcome));
  }
}

void TestRun::PrintCase(const std::string& path, const CaseOutcome& outcome) const {
  for (const std::unique_ptr<TestReporter>& reporter : reporters_) {
    reporter->ReportCase(path, outcome);
  }
}

}  // namespace

Command AddTestCommand(CLI::App* parent) {
  auto options = std::make_shared<TestOptions>();
  CLI::App* app = parent->add_subcommand(
      "test",
      "Run expectation files (records with their expected band, categories, rules, tags and "
      "routes) against a ruleset; report failures and a 'N passed, M failed' summary");
  app->add_option("paths", options->paths,
                  "Expectation files or directories (their *.yaml files); default: the tests/ "
                  "directory next to the config");
  AddConfigOption(app, &options->config,
                  "Config file (triage.yaml) for files without a 'config:' key; default: the "
                  "installed rule pack");
  app->add_flag("-v,--verbose", options->verbose,
                "Also print passing cases, and the decision under each failing one");
  app->add_option("--junit", options->junit, "Also write a JUnit XML report to this file");
  return Command{app, [options] { return TestRun(*options).Run(); }};
}

}  // namespace triage::cli
