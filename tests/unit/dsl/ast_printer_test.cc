// SPDX-License-Identifier: Apache-2.0
// The AST printer: one node a line with its span, children indented, strings re-escaped. The
// whole language is covered by the golden dumps (tests/golden/parse); these pin the format.
#include "dsl/ast_printer.h"

#include <string>

#include <gtest/gtest.h>

#include "dsl/parse.h"

namespace triage::dsl {
namespace {

std::string Printed(const std::string& text) {
  SourceManager sources;
  Diagnostics diagnostics;
  const FileId file = sources.AddFile("t.rules", text);
  auto parsed = Parse(sources, file, ParseOptions{}, &diagnostics);
  EXPECT_TRUE(parsed.ok()) << RenderDiagnostics(diagnostics, sources);
  return parsed.ok() ? PrintAst(*parsed) : "";
}

TEST(AstPrinterTest, PrintsEveryNodeWithItsSpanIndentedUnderItsParent) {
  EXPECT_EQ(Printed("rule r { when text ~ /x/i }"),
            "rule @0..27\n"
            "  name r @5..6\n"
            "  when @9..25\n"
            "    or @14..25\n"
            "      and @14..25\n"
            "        match ~ @14..25\n"
            "          field text @14..18\n"
            "          regex /x/i @21..25\n");
}

TEST(AstPrinterTest, QuotesStringsWithTheirEscapesWrittenBack) {
  EXPECT_EQ(Printed(R"(list l = "a \"b\" \\ \t")"),
            "list @0..24\n"
            "  name l @5..6\n"
            "  string \"a \\\"b\\\" \\\\ \\t\" @9..24\n");
}

TEST(AstPrinterTest, AFileWithoutDeclarationsPrintsNothing) {
  EXPECT_EQ(Printed("# only a comment\n"), "");
}

}  // namespace
}  // namespace triage::dsl
