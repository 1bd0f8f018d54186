// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the analyst unit tests: compile inline rules (failing the test on errors) and
// explain a record through the public API.
#ifndef TRIAGE_TESTS_UNIT_ANALYST_ANALYST_FIXTURE_H_
#define TRIAGE_TESTS_UNIT_ANALYST_ANALYST_FIXTURE_H_

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "triage/triage.h"

#include "support/compile_helpers.h"

namespace triage::testing {

// Compiles `rules` with config YAML `config` ("" = defaults); aborts the test binary with the
// rendered diagnostics if they do not compile (every caller needs a ruleset to go on).
inline RuleSet MustCompile(const std::string& rules, const std::string& config = "") {
  Compiled c = CompileText(rules, config);
  if (!c.rules) {
    ADD_FAILURE() << c.Rendered();
    std::abort();
  }
  return *c.rules;
}

// Explains `json` with `scanner`, failing the test if it cannot.
inline Explanation MustExplain(Scanner* scanner, const std::string& json) {
  Explanation explanation;
  const Status status = scanner->Explain(json, ScanOptions(), &explanation);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return explanation;
}

}  // namespace triage::testing

#endif  // TRIAGE_TESTS_UNIT_ANALYST_ANALYST_FIXTURE_H_
