// SPDX-License-Identifier: Apache-2.0
#include "support/compile_helpers.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace triage::testing {

bool Compiled::Has(const std::string& code, uint32_t line, uint32_t column) const {
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.code != code || !d.file.valid()) continue;
    const LineColumn pos = sources->file(d.file).Position(d.span.begin);
    if (pos.line == line && pos.column == column) return true;
  }
  return false;
}

std::vector<std::string> Compiled::Codes() const {
  std::vector<std::string> codes;
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity != Severity::kNote) codes.push_back(d.code);
  }
  return codes;
}

namespace {
Compiled CompileWith(const std::vector<NamedText>& files, const std::string& config,
                     const LoadOptions& options) {
  Compiled c;
  auto result = CompileRuleSet(c.sources.get(), config, files, options, &c.diagnostics);
  if (result.ok()) c.rules = *result;
  return c;
}
}  // namespace

Compiled CompileFiles(const std::vector<NamedText>& files, const std::string& config) {
  return CompileWith(files, config, LoadOptions());
}

Compiled CompileText(const std::string& rules, const LoadOptions& options,
                     const std::string& config) {
  return CompileWith({{"test.rules", rules}}, config, options);
}

Compiled CompileText(const std::string& rules, const std::string& config) {
  return CompileFiles({{"test.rules", rules}}, config);
}

RuleSet MustCompile(const std::string& rules, const std::string& config) {
  Compiled c = CompileText(rules, config);
  if (!c.rules) {
    ADD_FAILURE() << c.Rendered();
    std::abort();
  }
  return *c.rules;
}

Decision Decide(const RuleSet& rules, const std::string& json) {
  Scanner scanner(rules);
  Decision decision;
  Status status = scanner.ScanJson(json, &decision);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return decision;
}

std::vector<std::string> Fired(const Decision& decision) {
  std::vector<std::string> names;
  for (const RuleHit& hit : decision.rules) names.push_back(hit.rule);
  return names;
}

std::vector<std::string> ScoreNames(const std::vector<CategoryScore>& categories) {
  std::vector<std::string> names;
  for (const CategoryScore& c : categories) names.push_back(c.name + ":" + std::to_string(c.score));
  return names;
}

}  // namespace triage::testing
