// SPDX-License-Identifier: Apache-2.0
// The lint pass alone (compile/lint.h).
#include "compile/lint.h"

#include <gtest/gtest.h>

#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

TEST(LintTest, WarnsAboutUnusedDeclarationsInSourceOrder) {
  PassFixture f;
  f.Parse(
      "list z_list = \"a\"\npattern a_pattern = /b/\nterms m_terms = \"c\"\ncategory cat\n"
      "pattern used = /d/\n");
  Symbols symbols;
  CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
  symbols.matchers["used"].used = true;
  WarnUnused(symbols, &f.diagnostics);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"unused-list", "unused-pattern", "unused-terms",
                                                 "unused-category"}));
  EXPECT_EQ(f.At(0), "1:6");
  EXPECT_EQ(f.At(3), "4:10");
}

TEST(LintTest, WarnsAboutTermsThatDropTextInSourceOrder) {
  PassFixture f;
  const FileId file = f.sources.AddFile("t.rules", "terms a = \"c/o\"\nterms b = \"wrong #\"\n");
  LossyPhrase later{file, SourceSpan{26, 35}, "wrong #", {"wrong", {"#"}}};
  LossyPhrase earlier{file, SourceSpan{10, 15}, "c/o", {"c o", {"/"}}};
  WarnDroppedText({later, earlier}, &f.diagnostics);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"term-drops-text", "term-drops-text"}));
  EXPECT_EQ(f.At(0), "1:11");
  EXPECT_EQ(f.At(1), "2:11");
  EXPECT_NE(f.Rendered().find("term \"wrong #\" reads as \"wrong\": '#' is not part of any word "
                              "(the analysis drops it)"),
            std::string::npos)
      << f.Rendered();
}

TEST(LintTest, WarnsAboutPatternsRunOnEveryValue) {
  PassFixture f;
  const FileId file = f.sources.AddFile("t.rules", std::string(40, ' '));
  Field text;
  text.name = "text";
  f.program.fields.push_back(text);
  Atom fast;
  fast.field = 0;
  fast.name = "fast";
  Atom slow;
  slow.field = 0;
  slow.name = "slow";
  slow.file = file;
  slow.span = SourceSpan{12, 16};
  slow.strategy = PatternPlan::Strategy::kEveryValue;
  slow.reason = "no literal to filter on";
  f.program.atoms.push_back(std::move(fast));
  f.program.atoms.push_back(std::move(slow));
  WarnSlowPatterns(f.program, &f.diagnostics);
  EXPECT_EQ(f.Codes(), std::vector<std::string>{"slow-pattern"});
  EXPECT_EQ(f.At(0), "1:13");
  EXPECT_NE(f.Rendered().find("'slow' runs on its own on every value of 'text'"),
            std::string::npos);
}

}  // namespace
}  // namespace triage::internal::testing
