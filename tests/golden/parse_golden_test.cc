// SPDX-License-Identifier: Apache-2.0
// Golden tests for the parser: each tests/golden/parse/<case>.rules is parsed alone and its AST,
// printed by dsl::PrintAst (every node with its kind, values and byte span), must equal
// <case>.expected byte for byte. A case that does not parse prints its rendered diagnostics
// instead. Together the cases cover every construct of docs/rules.md.
// TRIAGE_UPDATE_GOLDEN=1 rewrites the expectations (tests/golden/README.md; review the diff
// before committing).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "triage/diagnostic.h"
#include "triage/source.h"

#include "dsl/ast_printer.h"
#include "dsl/parse.h"
#include "golden/golden_support.h"

namespace triage::dsl {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(TRIAGE_SOURCE_DIR) / "tests" / "golden" / "parse";

class ParseGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseGoldenTest, PrintedAstMatches) {
  const fs::path rules = kDir / (GetParam() + ".rules");
  const fs::path expected_path = kDir / (GetParam() + ".expected");
  SourceManager sources;
  Diagnostics diagnostics;
  const FileId file = sources.AddFile(GetParam() + ".rules", golden::ReadFile(rules));
  auto parsed = Parse(sources, file, ParseOptions{}, &diagnostics);
  const std::string actual = parsed.ok() ? PrintAst(*parsed)
                                         : RenderDiagnostics(diagnostics, sources) +
                                               "result: " + diagnostics.Summary() + "\n";
  golden::ExpectGolden(actual, expected_path);
}

INSTANTIATE_TEST_SUITE_P(Golden, ParseGoldenTest, ::testing::ValuesIn(golden::Cases(kDir)),
                         golden::CaseName);

}  // namespace
}  // namespace triage::dsl
