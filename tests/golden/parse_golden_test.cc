// SPDX-License-Identifier: Apache-2.0
// Golden tests for the parser: each tests/golden/parse/<case>.rules is parsed alone and its AST,
// printed by dsl::PrintAst (every node with its kind, values and byte span), must equal
// <case>.expected byte for byte. A case that does not parse prints its rendered diagnostics
// instead. Together the cases cover every construct of docs/rules.md.
// TRIAGE_UPDATE_GOLDEN=1 rewrites the expectations (tests/golden/README.md; review the diff
// before committing).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/diagnostic.h"
#include "triage/source.h"

#include "dsl/ast_printer.h"
#include "dsl/parse.h"

namespace triage::dsl {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(TRIAGE_SOURCE_DIR) / "tests" / "golden" / "parse";

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

class ParseGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseGoldenTest, PrintedAstMatches) {
  const fs::path rules = kDir / (GetParam() + ".rules");
  const fs::path expected_path = kDir / (GetParam() + ".expected");
  SourceManager sources;
  Diagnostics diagnostics;
  const FileId file = sources.AddFile(GetParam() + ".rules", ReadFile(rules));
  auto parsed = Parse(sources, file, ParseOptions{}, &diagnostics);
  const std::string actual = parsed.ok() ? PrintAst(*parsed)
                                         : RenderDiagnostics(diagnostics, sources) +
                                               "result: " + diagnostics.Summary() + "\n";
  const char* update = std::getenv("TRIAGE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << "missing " << expected_path << " (run with TRIAGE_UPDATE_GOLDEN=1)";
  EXPECT_EQ(actual, ReadFile(expected_path));
}

INSTANTIATE_TEST_SUITE_P(Golden, ParseGoldenTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace triage::dsl
