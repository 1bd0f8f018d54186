// SPDX-License-Identifier: Apache-2.0
// The declaration pass alone (compile/symbols.h): the symbol table, duplicates, and the checks of
// patterns and lists where they are written.
#include "compile/symbols.h"

#include <gtest/gtest.h>

#include "compile/atoms.h"
#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

TEST(SymbolsTest, CollectsEveryKindOfDeclarationByName) {
  PassFixture f;
  f.Parse(R"(
category c "a category"
pattern p = /x/
list l = "y"
terms t = "z"
context negated after 3 = t
example "top level"
rule r { when text ~ p example "inside" }
)");
  Symbols symbols;
  CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
  EXPECT_TRUE(f.Codes().empty()) << f.Rendered();
  EXPECT_EQ(symbols.categories.at("c").index, 0);
  EXPECT_EQ(f.program.categories, std::vector<std::string>{"c"});
  EXPECT_EQ(f.program.category_descriptions, std::vector<std::string>{"a category"});
  EXPECT_FALSE(symbols.matchers.at("p").is_list);
  EXPECT_TRUE(symbols.matchers.at("l").is_list);
  EXPECT_EQ(symbols.terms.count("t"), 1u);
  EXPECT_EQ(symbols.contexts.size(), 1u);
  EXPECT_EQ(symbols.rule_index.at("r"), 0);
  ASSERT_EQ(symbols.examples.size(), 1u);  // a rule's own examples join when it is resolved
  EXPECT_EQ(symbols.examples[0].rule, -1);
}

TEST(SymbolsTest, DuplicatesNameBothPlacesWithinEachNamespace) {
  PassFixture f;
  f.Parse(
      "rule a { when x }\npattern a = /x/\nlist a = \"y\"\nterms a = \"z\"\n"
      "category a\ncategory a\nrule a { when y }\n");
  Symbols symbols;
  CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
  // A rule, a pattern and a category may share a name; a list or terms may not take a pattern's.
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"duplicate-name", "duplicate-name",
                                                 "duplicate-name", "duplicate-name"}))
      << f.Rendered();
  EXPECT_EQ(f.At(0), "3:6");  // the list, with a note at the pattern
  EXPECT_EQ(f.At(1), "2:9");
  EXPECT_EQ(f.At(2), "4:7");  // the terms (no note: terms come later)
}

TEST(SymbolsTest, ChecksListOptionsPhrasesAndRegexesWhereWritten) {
  PassFixture f;
  f.Parse(
      "list l (case, stem) = \"a\", \" \"\npattern p = /(x/\npattern q = /x/q\n"
      "pattern ok = /x/\n");
  Symbols symbols;
  CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
  RegexChecker regexes(f.sources, &f.reporter);
  CheckDeclarations(&symbols, &regexes, &f.reporter);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"unknown-option", "empty-phrase", "bad-regex",
                                                 "bad-regex-flag"}))
      << f.Rendered();
  EXPECT_FALSE(symbols.matchers.at("l").valid);
  EXPECT_FALSE(symbols.matchers.at("p").valid);
  EXPECT_FALSE(symbols.matchers.at("q").valid);
  EXPECT_TRUE(symbols.matchers.at("ok").valid);
  EXPECT_NE(regexes.Take(PatternAtomSource("x", "")), nullptr);  // kept for its atom
  EXPECT_EQ(regexes.Take(PatternAtomSource("x", "")), nullptr);  // handed over once
}

}  // namespace
}  // namespace triage::internal::testing
