// SPDX-License-Identifier: Apache-2.0
// Tests of the leetspeak readings (engine/src/analysis/leet.cc): the character table, the
// ambiguity of 1, which runs of a text are leet words (glued over '$', '@' and '!', never a
// number), and the checker's test for phrase words spelled in leet.
#include "analysis/leet.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"

namespace triage::internal {
namespace {

using Strings = std::vector<std::string>;

Strings Readings(std::string_view folded) {
  Strings out;
  LeetReadings(folded, &out);
  return out;
}

class LeetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::shared_ptr<const Analyzer>> analyzer =
        Analyzer::Create(AnalysisConfig(), Dictionary());
    ASSERT_TRUE(analyzer.ok()) << analyzer.status().ToString();
    analyzer_ = *analyzer;
    scratch_ = analyzer_->NewScratch();
  }

  // Each leet word of `text`: the text its tokens cover, then its readings.
  std::vector<std::pair<std::string, Strings>> Words(std::string_view text) {
    AnalyzedText analyzed;
    analyzer_->Analyze(text, scratch_.get(), &analyzed);
    std::vector<LeetWord> words;
    FindLeetWords(*analyzer_, scratch_.get(), text, analyzed, &words);
    std::vector<std::pair<std::string, Strings>> out;
    for (const LeetWord& w : words) {
      EXPECT_LT(w.first, w.last);
      const uint32_t begin = analyzed.tokens[w.first].begin;
      const uint32_t end = analyzed.tokens[w.last - 1].end;
      out.emplace_back(std::string(text.substr(begin, end - begin)), w.readings);
    }
    return out;
  }

  std::string Spelling(std::string_view word) {
    return LeetSpelling(*analyzer_, scratch_.get(), word);
  }

  std::shared_ptr<const Analyzer> analyzer_;
  std::unique_ptr<AnalyzerScratch> scratch_;
};

TEST(LeetReadingsTest, EachLeetCharacterReadsAsItsLetter) {
  EXPECT_EQ(Readings("h3ll0"), Strings{"hello"});
  EXPECT_EQ(Readings("4$$@57!0"), Strings{"assastio"});
  EXPECT_EQ(Readings("plain"), Strings{"plain"});
}

TEST(LeetReadingsTest, OneReadsAsIOrL) {
  EXPECT_EQ(Readings("k1ll"), (Strings{"kill", "klll"}));
  EXPECT_EQ(Readings("1o1"), (Strings{"ioi", "loi", "iol", "lol"}));
  // Only the first four 1s branch: at most 16 readings.
  const Strings many = Readings("1111111");
  EXPECT_EQ(many.size(), 16u);
  EXPECT_EQ(many.front(), "iiiiiii");
  EXPECT_EQ(many.back(), "lllliii");
}

TEST_F(LeetTest, WordsGlueOverLeetSymbolsAndSplitDigits) {
  using Found = std::vector<std::pair<std::string, Strings>>;
  EXPECT_EQ(Words("S3X now"), (Found{{"S3X", {"sex"}}}));
  EXPECT_EQ(Words("$ex"), (Found{{"ex", {"sex"}}}));    // '$' breaks the token
  EXPECT_EQ(Words("5ex"), (Found{{"5ex", {"sex"}}}));   // "5" "ex" in the analysis
  EXPECT_EQ(Words("p@$$"), (Found{{"p@", {"pass"}}}));  // '@' is a word letter for ICU
  EXPECT_EQ(Words("f!ne"), (Found{{"f!ne", {"fine"}}}));
  EXPECT_EQ(Words("nud3$!"), (Found{{"nud3", {"nudes"}}}));  // a final '!' is punctuation
}

TEST_F(LeetTest, NumbersAndPlainWordsAreNotLeetWords) {
  EXPECT_TRUE(Words("she is 14, paid $100 for 2.5 hours").empty());
  EXPECT_TRUE(Words("help! now").empty());
  EXPECT_TRUE(Words("s 3 x").empty());  // spaces keep words apart
  EXPECT_TRUE(Words("").empty());
}

TEST_F(LeetTest, SpellingFlagsLeetWordsButNotNumbersWithUnits) {
  EXPECT_EQ(Spelling("k1ll"), "kill");
  EXPECT_EQ(Spelling("p@ss"), "pass");
  EXPECT_EQ(Spelling("a$$"), "ass");
  EXPECT_EQ(Spelling("B4"), "ba");
  EXPECT_EQ(Spelling("14yo"), "");  // "14" "yo": a number and a word
  EXPECT_EQ(Spelling("24"), "");
  EXPECT_EQ(Spelling("passport"), "");
}

}  // namespace
}  // namespace triage::internal
