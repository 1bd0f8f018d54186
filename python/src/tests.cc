// SPDX-License-Identifier: Apache-2.0
// Running expectation files from Python (behind triage.test), as `triage test` runs them
// (cli/test_cmd.cc): each file is parsed and checked (expectations.h), its ruleset is the one
// the caller gives, else its `config:` key's, else the default config's (each config loaded
// once per run), and every valid case is run with RunCase. What the CLI prints — diagnostics on
// stderr, a line per case on stdout — comes back as data: per file, per case its name, line,
// status (passed, failed or error), problems, decision and diagnostics. A problem with a whole
// file (unreadable, invalid, no config, a config that does not load) is one case named "(file)"
// with status error, as the CLI counts it.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "triage/diagnostic.h"
#include "triage/expectations.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace triage::python {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFileCaseName = "(file)";

// A config's ruleset, or the diagnostics of its failed load.
struct CachedRuleSet {
  std::shared_ptr<PyRuleSet> rules;  // null when the load failed
  py::list diagnostics;
  std::string rendered;
};

class TestRun {
 public:
  TestRun(std::shared_ptr<PyRuleSet> rules, std::string default_config)
      : override_(std::move(rules)), default_config_(std::move(default_config)) {}

  // Returns {"file": path, "cases": [...]} for one expectation file.
  py::dict RunFile(const std::string& path);

 private:
  const CachedRuleSet& Get(const std::string& config_path);

  static py::dict Case(const std::string& name, uint32_t line, const char* status,
                       std::vector<std::string> problems) {
    py::dict out;
    out["name"] = name;
    out["line"] = line;
    out["status"] = status;
    out["problems"] = std::move(problems);
    out["decision"] = py::none();
    out["diagnostics"] = py::list();
    out["rendered"] = "";
    return out;
  }

  std::shared_ptr<PyRuleSet> override_;
  std::string default_config_;
  std::map<std::string, CachedRuleSet> cache_;
};

const CachedRuleSet& TestRun::Get(const std::string& config_path) {
  std::error_code error;
  fs::path key = fs::weakly_canonical(config_path, error);
  if (error) key = fs::path(config_path).lexically_normal();
  auto it = cache_.find(key.string());
  if (it != cache_.end()) return it->second;
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> loaded = [&] {
    py::gil_scoped_release release;
    return LoadRuleSet(&sources, config_path, LoadOptions(), &diagnostics);
  }();
  CachedRuleSet entry;
  if (!loaded.ok() && !diagnostics.has_errors()) {
    diagnostics.Error("load-failed", loaded.status().message());
  }
  entry.diagnostics = DiagnosticsToList(diagnostics, sources);
  entry.rendered = RenderDiagnostics(diagnostics, sources, /*color=*/false);
  if (loaded.ok())
    entry.rules = std::make_shared<PyRuleSet>(std::move(loaded).value(), config_path);
  return cache_.emplace(key.string(), std::move(entry)).first->second;
}

py::dict TestRun::RunFile(const std::string& path) {
  py::dict suite;
  suite["file"] = path;
  py::list cases;
  suite["cases"] = cases;

  SourceManager sources;
  const Result<FileId> loaded = sources.Load(path);
  if (!loaded.ok()) {
    cases.append(
        Case(kFileCaseName, 0, "error", {"cannot read the file: " + loaded.status().message()}));
    return suite;
  }
  ExpectationFile expectations;
  expectations.path = path;
  ParseExpectationFile(sources, *loaded, &expectations);
  const SourceFile& source = sources.file(*loaded);
  if (!expectations.IsValid()) {
    const Diagnostic& first = expectations.diagnostics.items().front();
    py::dict c =
        Case(kFileCaseName, first.file.valid() ? source.Position(first.span.begin).line : 0,
             "error", {"invalid expectation file: " + first.message});
    c["diagnostics"] = DiagnosticsToList(expectations.diagnostics, sources);
    c["rendered"] = RenderDiagnostics(expectations.diagnostics, sources, false);
    cases.append(std::move(c));
    return suite;
  }

  std::shared_ptr<PyRuleSet> rules = override_;
  if (!rules) {
    const std::string config = expectations.config.empty() ? default_config_ : expectations.config;
    const uint32_t config_line =
        expectations.config.empty() ? 0 : source.Position(expectations.config_span.begin).line;
    if (config.empty()) {
      cases.append(Case(kFileCaseName, config_line, "error", {"no config to run the cases with"}));
      return suite;
    }
    const CachedRuleSet& cached = Get(config);
    if (!cached.rules) {
      py::dict c = Case(kFileCaseName, config_line, "error",
                        {"the ruleset of config '" + config + "' did not load"});
      c["diagnostics"] = cached.diagnostics;
      c["rendered"] = cached.rendered;
      cases.append(std::move(c));
      return suite;
    }
    rules = cached.rules;
  }
  ResolveNames(rules->rules, &expectations);

  ScannerLease lease(rules->scanners.get());
  for (const TestCase& test : expectations.cases) {
    if (!test.IsValid()) {
      std::vector<std::string> problems;
      for (const Diagnostic& d : test.diagnostics.items()) {
        if (d.severity == Severity::kError) problems.push_back("invalid case: " + d.message);
      }
      py::dict c = Case(test.name, test.line, "error", std::move(problems));
      c["diagnostics"] = DiagnosticsToList(test.diagnostics, sources);
      c["rendered"] = RenderDiagnostics(test.diagnostics, sources, false);
      cases.append(std::move(c));
      continue;
    }
    CaseRun run = [&] {
      py::gil_scoped_release release;
      return RunCase(lease.get(), test);
    }();
    if (!run.status.ok()) {
      // Record errors never quote the record; anything else is not the record's fault.
      cases.append(Case(test.name, test.line, "failed",
                        {"the record could not be triaged: " +
                         (run.status.code() == Status::Code::kInvalidRecord
                              ? run.status.record_code() + ": " + run.status.message()
                              : std::string("internal error"))}));
      continue;
    }
    const bool passed = run.passed();
    py::dict c = Case(test.name, test.line, passed ? "passed" : "failed", run.problems);
    c["decision"] = py::cast(PyDecision{std::move(run.decision), py::str(test.record)});
    cases.append(std::move(c));
  }
  return suite;
}

}  // namespace

void RegisterTests(py::module_& m) {
  py::class_<TestRun>(m, "TestRun")
      .def(py::init<std::shared_ptr<PyRuleSet>, std::string>(), py::arg("rules"),
           py::arg("default_config"))
      .def("run_file", &TestRun::RunFile, py::arg("path"));
}

}  // namespace triage::python
