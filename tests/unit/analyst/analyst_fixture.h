// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the analyst unit tests: explain a record through the public API (inline rules
// are compiled with MustCompile, support/compile_helpers.h).
#ifndef TRIAGE_TESTS_UNIT_ANALYST_ANALYST_FIXTURE_H_
#define TRIAGE_TESTS_UNIT_ANALYST_ANALYST_FIXTURE_H_

#include <string>

#include <gtest/gtest.h>

#include "triage/triage.h"

#include "support/compile_helpers.h"

namespace triage::testing {

// Explains `json` with `scanner`, failing the test if it cannot.
inline Explanation MustExplain(Scanner* scanner, const std::string& json) {
  Explanation explanation;
  const Status status = scanner->Explain(json, ScanOptions(), &explanation);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return explanation;
}

}  // namespace triage::testing

#endif  // TRIAGE_TESTS_UNIT_ANALYST_ANALYST_FIXTURE_H_
