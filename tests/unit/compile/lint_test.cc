// SPDX-License-Identifier: Apache-2.0
// The lint pass alone (compile/lint.h).
#include "compile/lint.h"

#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "compile/terms.h"
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

// A list used only through a list that includes it is used; the including list, if no rule
// uses it, is not.
TEST(LintTest, AListIncludedByAnotherIsUsed) {
  PassFixture f;
  f.Parse("terms part = \"a\"\nterms whole = part, \"b\"\n");
  Symbols symbols;
  CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
  f.program.analyzer = Analyzer::Create(f.config.analysis, Dictionary()).value();
  TermTable table(f.sources, f.config, &symbols, &f.program, &f.reporter);
  table.CompileTerms();
  WarnUnused(symbols, &f.diagnostics);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"unused-terms"})) << f.Rendered();
  EXPECT_EQ(f.At(0), "2:7");
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

TEST(LintTest, WarnsAboutShortStemsThatAreNotTheTermInSourceOrder) {
  PassFixture f;
  const FileId file = f.sources.AddFile(
      "t.rules", "terms a (stem) = \"flies\", \"cam\"\nterms b (stem) = \"camming\"\n");
  const StemmedTerm camming{
      file, SourceSpan{49, 58}, "camming", "camming", {{"english", "cam"}, {"spanish", "camming"}}};
  const StemmedTerm flies{
      file, SourceSpan{17, 24}, "flies", "flies", {{"english", "fli"}, {"spanish", "fli"}}};
  const StemmedTerm cam{file, SourceSpan{26, 31}, "cam", "cam", {{"english", "cam"}}};
  const StemmedTerm four{file, SourceSpan{26, 31}, "girls", "girls", {{"english", "girl"}}};
  const StemmedTerm two{file, SourceSpan{26, 31}, "Ads", "ads", {{"english", "ad"}, {"x", "a"}}};
  WarnShortStems({camming, flies, cam, four, two}, &f.diagnostics);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"short-stem", "short-stem", "short-stem"}));
  // Each warning with its note.
  ASSERT_EQ(f.diagnostics.items().size(), 6u);
  EXPECT_EQ(f.At(0), "1:18");
  EXPECT_EQ(f.At(1), "1:18");
  EXPECT_EQ(f.At(2), "1:27");
  EXPECT_EQ(f.At(4), "2:18");
  const std::string rendered = f.Rendered();
  EXPECT_NE(
      rendered.find("stemmed term \"flies\" reads as the stem \"fli\" in english and spanish: "
                    "it matches every word with that stem"),
      std::string::npos)
      << rendered;
  EXPECT_NE(
      rendered.find("stemmed term \"Ads\" reads as the stem \"ad\" in english and \"a\" in x: "
                    "it matches every word with those stems"),
      std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("stemmed term \"camming\" reads as the stem \"cam\" in english: it "
                          "matches every word with that stem"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("note: write the forms it should match in a list without (stem)"),
            std::string::npos)
      << rendered;
}

TEST(LintTest, AShortStemIsAtMostThreeCharacters) {
  PassFixture f;
  const FileId file = f.sources.AddFile("t.rules", std::string(40, ' '));
  // Characters, not bytes: "niñ" is three.
  const StemmedTerm three{file, SourceSpan{0, 5}, "niña", "niña", {{"spanish", "niñ"}}};
  const StemmedTerm four{file, SourceSpan{6, 9}, "niñas", "niñas", {{"spanish", "niña"}}};
  WarnShortStems({three, four}, &f.diagnostics);
  EXPECT_EQ(f.Codes(), std::vector<std::string>{"short-stem"});
  EXPECT_EQ(f.At(0), "1:1");
  EXPECT_EQ(kShortStemMax, 3u);
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
