// SPDX-License-Identifier: Apache-2.0
// Golden tests for rendered diagnostics: each tests/golden/diagnostics/<case>.rules is compiled
// with the default config (plus <case>.yaml when present) and everything the compiler reports,
// rendered exactly as `triage check` prints it, must equal <case>.expected byte for byte.
// TRIAGE_UPDATE_GOLDEN=1 rewrites the expectations (review the diff before committing).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "triage/triage.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(TRIAGE_SOURCE_DIR) / "tests" / "golden" / "diagnostics";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kDir)) {
    if (entry.path().extension() == ".rules") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class DiagnosticsGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticsGoldenTest, RenderedOutputMatches) {
  const fs::path rules = kDir / (GetParam() + ".rules");
  const fs::path yaml = kDir / (GetParam() + ".yaml");
  const fs::path expected_path = kDir / (GetParam() + ".expected");
  SourceManager sources;
  Diagnostics diagnostics;
  const std::string config = fs::exists(yaml) ? ReadFile(yaml) : "";
  auto result = CompileRuleSet(&sources, config, {{GetParam() + ".rules", ReadFile(rules)}},
                               LoadOptions(), &diagnostics);
  std::string actual = RenderDiagnostics(diagnostics, sources);
  actual += result.ok() ? "result: ok\n" : "result: " + diagnostics.Summary() + "\n";
  const char* update = std::getenv("TRIAGE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path
                                         << " (run with TRIAGE_UPDATE_GOLDEN=1)";
  EXPECT_EQ(actual, ReadFile(expected_path));
}

INSTANTIATE_TEST_SUITE_P(Golden, DiagnosticsGoldenTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace triage
