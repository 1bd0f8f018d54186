// SPDX-License-Identifier: Apache-2.0
// Test helpers: compile rules from strings, scan records, and assert diagnostics by code and
// position (never by wording).
#ifndef TRIAGE_TESTS_SUPPORT_COMPILE_HELPERS_H_
#define TRIAGE_TESTS_SUPPORT_COMPILE_HELPERS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "triage/triage.h"

namespace triage::testing {

// The result of compiling rules from strings; keeps the sources alive for rendering.
struct Compiled {
  std::unique_ptr<SourceManager> sources = std::make_unique<SourceManager>();
  Diagnostics diagnostics;
  std::optional<RuleSet> rules;

  // Rendered diagnostics, for failure messages.
  std::string Rendered() const { return RenderDiagnostics(diagnostics, *sources); }
  // True if a diagnostic of `code` sits at 1-based line:column of its file.
  bool Has(const std::string& code, uint32_t line, uint32_t column) const;
  // The codes of all errors and warnings, in order.
  std::vector<std::string> Codes() const;
};

// Compiles one rule file named "test.rules" with config YAML `config` ("" = defaults).
Compiled CompileText(const std::string& rules, const std::string& config = "");
Compiled CompileFiles(const std::vector<NamedText>& files, const std::string& config = "");
// The same with explicit load options (matching plan knobs).
Compiled CompileText(const std::string& rules, const LoadOptions& options,
                     const std::string& config = "");

// CompileText that must succeed: aborts the test binary with the rendered diagnostics otherwise
// (every caller needs a ruleset to go on).
RuleSet MustCompile(const std::string& rules, const std::string& config = "");

// Compiles (asserting success) and scans one JSON record; returns the decision.
Decision Decide(const RuleSet& rules, const std::string& json);
// Names of the rules that fired.
std::vector<std::string> Fired(const Decision& decision);
// "name:score" of each category, in order.
std::vector<std::string> ScoreNames(const std::vector<CategoryScore>& categories);

}  // namespace triage::testing

#endif  // TRIAGE_TESTS_SUPPORT_COMPILE_HELPERS_H_
