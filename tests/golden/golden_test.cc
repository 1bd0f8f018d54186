// SPDX-License-Identifier: Apache-2.0
// Golden tests for rendered diagnostics: each tests/golden/diagnostics/<case>.rules is compiled
// with the default config (plus <case>.yaml when present) and everything the compiler reports,
// rendered exactly as `triage check` prints it, must equal <case>.expected byte for byte.
// TRIAGE_UPDATE_GOLDEN=1 rewrites the expectations (review the diff before committing).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "triage/triage.h"

#include "golden/golden_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(TRIAGE_SOURCE_DIR) / "tests" / "golden" / "diagnostics";

class DiagnosticsGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticsGoldenTest, RenderedOutputMatches) {
  const fs::path rules = kDir / (GetParam() + ".rules");
  const fs::path yaml = kDir / (GetParam() + ".yaml");
  const fs::path expected_path = kDir / (GetParam() + ".expected");
  SourceManager sources;
  Diagnostics diagnostics;
  const std::string config = fs::exists(yaml) ? golden::ReadFile(yaml) : "";
  auto result = CompileRuleSet(&sources, config, {{GetParam() + ".rules", golden::ReadFile(rules)}},
                               LoadOptions(), &diagnostics);
  std::string actual = RenderDiagnostics(diagnostics, sources);
  actual += result.ok() ? "result: ok\n" : "result: " + diagnostics.Summary() + "\n";
  golden::ExpectGolden(actual, expected_path);
}

INSTANTIATE_TEST_SUITE_P(Golden, DiagnosticsGoldenTest, ::testing::ValuesIn(golden::Cases(kDir)),
                         golden::CaseName);

}  // namespace
}  // namespace triage
