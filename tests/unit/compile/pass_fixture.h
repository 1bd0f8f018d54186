// SPDX-License-Identifier: Apache-2.0
// Helpers for the tests of single compiler passes: parse rule text into ASTs (failing the test on
// a syntax error), hold the sources, diagnostics, a Reporter and a fresh Program, and read back
// the codes and positions of what a pass reported.
#ifndef TRIAGE_TESTS_UNIT_COMPILE_PASS_FIXTURE_H_
#define TRIAGE_TESTS_UNIT_COMPILE_PASS_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"

#include "compile/program.h"
#include "compile/reporter.h"
#include "dsl/ast.h"
#include "dsl/parse.h"

namespace triage::internal::testing {

struct PassFixture {
  explicit PassFixture(size_t max_errors = 20) : reporter(&diagnostics, max_errors) {
    config.bands = DefaultBands();
    program.config = config;
  }

  // Parses `text` as rule file `name` and keeps its AST; a syntax error fails the test.
  const dsl::ast::RuleFile& Parse(const std::string& text, const std::string& name = "t.rules") {
    const FileId file = sources.AddFile(name, text);
    auto parsed = dsl::Parse(sources, file, dsl::ParseOptions{}, &diagnostics);
    EXPECT_TRUE(parsed.ok()) << RenderDiagnostics(diagnostics, sources);
    files.push_back(parsed.ok() ? std::move(parsed).value() : dsl::ast::RuleFile{});
    return files.back();
  }

  // The codes of the errors and warnings reported so far, in order.
  std::vector<std::string> Codes() const {
    std::vector<std::string> codes;
    for (const Diagnostic& d : diagnostics.items()) {
      if (d.severity != Severity::kNote) codes.push_back(d.code);
    }
    return codes;
  }
  // "line:col" of diagnostic `i` (notes included) in its file.
  std::string At(size_t i) const {
    const Diagnostic& d = diagnostics.items().at(i);
    const LineColumn pos = sources.file(d.file).Position(d.span.begin);
    return std::to_string(pos.line) + ":" + std::to_string(pos.column);
  }
  std::string Rendered() const { return RenderDiagnostics(diagnostics, sources); }

  SourceManager sources;
  Diagnostics diagnostics;
  Reporter reporter;
  EngineConfig config;  // the defaults, with the default bands
  Program program;
  std::vector<dsl::ast::RuleFile> files;
};

}  // namespace triage::internal::testing

#endif  // TRIAGE_TESTS_UNIT_COMPILE_PASS_FIXTURE_H_
