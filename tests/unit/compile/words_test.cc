// SPDX-License-Identifier: Apache-2.0
// Phrase compilation (compile/words.h): a PhraseScratch carried from one phrase to the next gives
// exactly what a fresh one gives, whatever the phrases before it were (longer, lossy, with gaps,
// with stems, failing).
#include "compile/words.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"

#include "analysis/analyzer.h"

namespace triage::internal {
namespace {

struct Compiled {
  std::string problem;
  std::vector<TermElement> elements;
  PhraseReading reading;
};

Compiled CompileWith(const Analyzer& analyzer, AnalyzerScratch* scratch, PhraseScratch* buffers,
                     const std::string& phrase, const std::vector<uint32_t>& stem_languages) {
  Compiled c;
  c.problem =
      CompilePhrase(analyzer, scratch, buffers, phrase, stem_languages, &c.elements, &c.reading);
  return c;
}

void ExpectSame(const Compiled& a, const Compiled& b, const std::string& phrase) {
  EXPECT_EQ(a.problem, b.problem) << phrase;
  EXPECT_EQ(a.reading.words, b.reading.words) << phrase;
  EXPECT_EQ(a.reading.dropped, b.reading.dropped) << phrase;
  ASSERT_EQ(a.elements.size(), b.elements.size()) << phrase;
  for (size_t i = 0; i < a.elements.size(); ++i) {
    EXPECT_EQ(a.elements[i].kind, b.elements[i].kind) << phrase;
    EXPECT_EQ(a.elements[i].word, b.elements[i].word) << phrase;
    EXPECT_EQ(a.elements[i].languages, b.elements[i].languages) << phrase;
    EXPECT_EQ(a.elements[i].stems, b.elements[i].stems) << phrase;
    EXPECT_EQ(a.elements[i].gap_min, b.elements[i].gap_min) << phrase;
    EXPECT_EQ(a.elements[i].gap_max, b.elements[i].gap_max) << phrase;
  }
}

TEST(WordsTest, ReusedPhraseScratchGivesWhatAFreshOneGives) {
  AnalysisConfig config;
  config.stem_languages = {"english"};
  auto created = Analyzer::Create(config, Dictionary());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const Analyzer* analyzer = created->get();
  std::unique_ptr<AnalyzerScratch> scratch = analyzer->NewScratch();
  const std::vector<std::string> phrases = {
      "took {0,3} passport away from the workers at night",
      "a",
      "pay #debt",
      "no",
      "Caf\xC3\xA9 con le\xC3\xB1"
      "a",
      "ok",
      "{1,2} leading gap",
      "trailing gap {2}",
      "x {0,25} y",
      "",
      "#",
      "held passports",
      "14 year old",
      "don't tell",
      "it",
      "long phrase with many words that leaves a long token list behind it",
      "b"};
  PhraseScratch reused;
  for (const std::vector<uint32_t>& languages :
       {std::vector<uint32_t>{}, std::vector<uint32_t>{0}}) {
    for (const std::string& phrase : phrases) {
      PhraseScratch fresh;
      ExpectSame(CompileWith(*analyzer, scratch.get(), &reused, phrase, languages),
                 CompileWith(*analyzer, scratch.get(), &fresh, phrase, languages), phrase);
    }
  }
  // And the expected content of two of them, so that both sides cannot be wrong alike.
  PhraseScratch fresh;
  const Compiled lossy = CompileWith(*analyzer, scratch.get(), &fresh, "pay #debt", {});
  EXPECT_EQ(lossy.reading.words, "pay debt");
  EXPECT_EQ(lossy.reading.dropped, std::vector<std::string>{"#"});
  const Compiled after = CompileWith(*analyzer, scratch.get(), &fresh, "a", {});
  EXPECT_TRUE(after.reading.dropped.empty());
  ASSERT_EQ(after.elements.size(), 1u);
  EXPECT_EQ(after.elements[0].word, "a");
}

}  // namespace
}  // namespace triage::internal
