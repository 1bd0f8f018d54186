// SPDX-License-Identifier: Apache-2.0
// The examples pass alone (compile/examples.h).
#include "compile/examples.h"

#include <gtest/gtest.h>

#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

TEST(ExamplesTest, ExpectationsAreBandsOrCategoriesAndRulesTakeTheirEvaluationIndex) {
  PassFixture f;
  f.Parse(R"(
category enticement
example "a" => P1 enticement
example "b" => P1 P2
example "c" => nothing
counterexample "d"
rule r { when x }
)");
  Symbols symbols;
  CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
  // As the resolve pass would add it: an example inside rule 0.
  symbols.examples.push_back({symbols.examples[0].decl, symbols.examples[0].file, 0});
  LowerExamples(symbols, /*position=*/{3}, f.config, &f.program, &f.reporter);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"bad-example", "unknown-name", "bad-example"}))
      << f.Rendered();
  ASSERT_EQ(f.program.examples.size(), 4u);  // the counterexample is dropped
  EXPECT_EQ(f.program.examples[0].band, "P1");
  EXPECT_EQ(f.program.examples[0].categories, std::vector<std::string>{"enticement"});
  EXPECT_EQ(f.program.examples[0].rule, -1);
  EXPECT_EQ(f.program.examples[3].rule, 3);  // evaluation index of declaration 0
}

}  // namespace
}  // namespace triage::internal::testing
