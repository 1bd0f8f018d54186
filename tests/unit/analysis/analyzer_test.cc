// SPDX-License-Identifier: Apache-2.0
// Tests of Analyzer (engine/src/analysis/analyzer.cc, fold.cc): offsets into the original text
// through normalisation, folding on and off, sentences, the dictionary, digit+letter splitting,
// numbers, stems, hostile input, determinism, and the ASCII shortcut against the ICU path on
// random strings.
#include "analysis/analyzer.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage::internal {
namespace {

class AnalyzerTest : public ::testing::Test {
 protected:
  // Builds analyzer_ (and scratch_) for config_ with the dictionary files `dictionaries`.
  void Build(const std::vector<std::string>& dictionaries = {}) {
    Dictionary dictionary;
    for (size_t i = 0; i < dictionaries.size(); ++i) {
      const FileId file = sources_.AddFile("d" + std::to_string(i) + ".dict", dictionaries[i]);
      ASSERT_TRUE(dictionary.AddFile(sources_, file, config_, &diagnostics_))
          << RenderDiagnostics(diagnostics_, sources_);
    }
    Result<std::shared_ptr<const Analyzer>> analyzer =
        Analyzer::Create(config_, std::move(dictionary));
    ASSERT_TRUE(analyzer.ok()) << analyzer.status().ToString();
    analyzer_ = *analyzer;
    scratch_ = analyzer_->NewScratch();
  }

  const AnalyzedText& Analyze(std::string_view text) {
    if (analyzer_ == nullptr) Build();
    analyzer_->Analyze(text, scratch_.get(), &out_);
    return out_;
  }

  std::vector<std::string> Forms(std::string_view text) {
    std::vector<std::string> forms;
    for (const Token& token : Analyze(text).tokens) forms.push_back(token.form);
    return forms;
  }

  // For each token, the text it points at.
  std::vector<std::string> Spans(std::string_view text) {
    std::vector<std::string> spans;
    for (const Token& token : Analyze(text).tokens) {
      EXPECT_LE(token.begin, token.end);
      EXPECT_LE(token.end, text.size());
      spans.emplace_back(text.substr(token.begin, token.end - token.begin));
    }
    return spans;
  }

  std::vector<uint32_t> Sentences(std::string_view text) {
    std::vector<uint32_t> sentences;
    for (const Token& token : Analyze(text).tokens) sentences.push_back(token.sentence);
    return sentences;
  }

  AnalysisConfig config_;
  SourceManager sources_;
  Diagnostics diagnostics_;
  std::shared_ptr<const Analyzer> analyzer_;
  std::unique_ptr<AnalyzerScratch> scratch_;
  AnalyzedText out_;
};

using Strings = std::vector<std::string>;
using Indices = std::vector<uint32_t>;

TEST_F(AnalyzerTest, WordsArePointedAtInTheOriginalText) {
  const std::string text = "The man, 40, said: \"Meet me at 9.\"  OK?";
  EXPECT_EQ(Forms(text), (Strings{"the", "man", "40", "said", "meet", "me", "at", "9", "ok"}));
  EXPECT_EQ(Spans(text), (Strings{"The", "man", "40", "said", "Meet", "me", "at", "9", "OK"}));
}

TEST_F(AnalyzerTest, OffsetsStayRightAfterMultiByteCharacters) {
  const std::string text = "Él — 😀 vendió  «niña» café";
  EXPECT_EQ(Forms(text), (Strings{"el", "vendio", "nina", "cafe"}));
  EXPECT_EQ(Spans(text), (Strings{"Él", "vendió", "niña", "café"}));
  EXPECT_EQ(out_.tokens[3].begin, text.find("café"));
  EXPECT_EQ(out_.tokens[3].end, text.size());
}

TEST_F(AnalyzerTest, CompatibilityFormsFoldButSpansKeepTheWrittenText) {
  const std::string text = "ﬁne １４ ＡＢＣ";
  EXPECT_EQ(Forms(text), (Strings{"fine", "14", "abc"}));
  EXPECT_EQ(Spans(text), (Strings{"ﬁne", "１４", "ＡＢＣ"}));
  EXPECT_TRUE(out_.tokens[1].is_number);
  EXPECT_EQ(out_.tokens[1].number, 14);
}

TEST_F(AnalyzerTest, FullCaseFolding) {
  EXPECT_EQ(Forms("STRASSE Straße strasse"), (Strings{"strasse", "strasse", "strasse"}));
  EXPECT_EQ(Spans("STRASSE Straße"), (Strings{"STRASSE", "Straße"}));
}

TEST_F(AnalyzerTest, AccentFoldingOn) {
  EXPECT_EQ(Forms("Niña AÑOS médico"), (Strings{"nina", "anos", "medico"}));
}

TEST_F(AnalyzerTest, AccentFoldingOff) {
  config_.fold_accents = false;
  Build();
  EXPECT_EQ(Forms("Niña AÑOS médico"), (Strings{"niña", "años", "médico"}));
}

TEST_F(AnalyzerTest, DecomposedAccentsFoldToo) {
  EXPECT_EQ(Forms("nin\xCC\x83"
                  "a"),
            (Strings{"nina"}));  // n + U+0303 COMBINING TILDE
}

TEST_F(AnalyzerTest, ConfusableLettersReadAsLatin) {
  // "pаssport" with U+0430 CYRILLIC SMALL LETTER A.
  const std::string text = "p\xD0\xB0ssport";
  EXPECT_EQ(Forms(text), (Strings{"passport"}));
  EXPECT_EQ(Spans(text), (Strings{text}));
  EXPECT_EQ(Forms("P\xD0\x90SSPORT"), (Strings{"passport"}));  // U+0410 capital А
}

TEST_F(AnalyzerTest, ConfusableFoldingLeavesDigitsAndGenuineWords) {
  // "0" stays a digit while U+043E reads as "o".
  EXPECT_EQ(Forms("14 \xD0\xBE"
                  "0"),
            (Strings{"14", "o0"}));
  // "привет": п and в have no ASCII reading, so the word stays as it is, р and е included.
  EXPECT_EQ(Forms("Привет"), (Strings{"привет"}));
  // A Greek word: λ has no ASCII reading.
  EXPECT_EQ(Forms("καλό"), (Strings{"καλο"}));
}

TEST_F(AnalyzerTest, ConfusableFoldingOff) {
  config_.fold_confusables = false;
  Build();
  EXPECT_EQ(Forms("p\xD0\xB0ssport"), (Strings{"p\xD0\xB0ssport"}));
}

TEST_F(AnalyzerTest, ApostrophesKeepAWordWhole) {
  EXPECT_EQ(Forms("don't DON’T can't"), (Strings{"don't", "don't", "can't"}));
  EXPECT_EQ(Spans("DON’T"), (Strings{"DON’T"}));
}

TEST_F(AnalyzerTest, SentencesEndAtPunctuation) {
  const std::string text = "He left. She stayed! Where? ok... Mr. Smith said no";
  EXPECT_EQ(Forms(text),
            (Strings{"he", "left", "she", "stayed", "where", "ok", "mr", "smith", "said", "no"}));
  EXPECT_EQ(Sentences(text), (Indices{0, 0, 1, 1, 2, 3, 4, 5, 5, 5}));
  EXPECT_EQ(out_.sentence_starts, (Indices{0, 2, 4, 5, 6, 7}));
}

TEST_F(AnalyzerTest, LowerCaseAfterAFullStopContinuesTheSentence) {
  EXPECT_EQ(Sentences("see e.g. the file. then more"), (Indices{0, 0, 0, 0, 0, 0}));
}

TEST_F(AnalyzerTest, LineBreaksEndSentences) {
  const std::string text = "need help\nnow\n\n\nplease  \r\n  come";
  EXPECT_EQ(Sentences(text), (Indices{0, 0, 1, 2, 3}));
  EXPECT_EQ(out_.sentence_starts, (Indices{0, 2, 3, 4}));
}

TEST_F(AnalyzerTest, LineBreaksDoNotEndSentencesWhenOff) {
  config_.line_breaks_end_sentences = false;
  Build();
  EXPECT_EQ(Sentences("need help\nnow\n\nplease"), (Indices{0, 0, 0, 0}));
  EXPECT_EQ(Sentences("Stop.\nNow\xE2\x80\xA8then"), (Indices{0, 1, 1}));  // with U+2028
  EXPECT_EQ(out_.sentence_starts, (Indices{0, 1}));
}

TEST_F(AnalyzerTest, LineBreaksOffStillUsesThePunctuation) {
  config_.line_breaks_end_sentences = false;
  Build();
  EXPECT_EQ(Sentences("He left.\nShe stayed"), (Indices{0, 0, 1, 1}));
}

TEST_F(AnalyzerTest, ALowercaseWordAfterAStopStaysInTheSentenceByDefault) {
  // UAX #29 (SB8): "e.g. this" and "he left. she stayed" are one sentence.
  EXPECT_EQ(Sentences("he hit me. ahorita estoy bien"), (Indices{0, 0, 0, 0, 0, 0}));
}

TEST_F(AnalyzerTest, LowercaseAfterStopEndsTheSentenceWhenOn) {
  config_.lowercase_after_stop = true;
  Build();
  EXPECT_EQ(Sentences("he hit me. ahorita estoy bien"), (Indices{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(out_.sentence_starts, (Indices{0, 3}));
  EXPECT_EQ(Sentences("help!  now? no"), (Indices{0, 1, 2}));
  // Not without a space, not before a digit or a capital (ICU decides those), not at the end.
  EXPECT_EQ(Sentences("see example.com now"), (Indices{0, 0, 0}));
  EXPECT_EQ(Sentences("approx. 13 yrs"), (Indices{0, 0, 0}));
  EXPECT_EQ(Sentences("it ended. "), (Indices{0, 0}));
  // The same on the ICU path (non-ASCII text) as on the ASCII one.
  EXPECT_EQ(Sentences("me pegó. ahorita estoy"), (Indices{0, 0, 1, 1}));
}

// The stops are found kind by kind (memchr for '.', '!' and '?'): mixed and repeated kinds, in
// any order, each ends its sentence before a lowercase word; a stop in the last two bytes has no
// word after it.
TEST_F(AnalyzerTest, LowercaseAfterStopFindsEveryStopInOrder) {
  config_.lowercase_after_stop = true;
  Build();
  EXPECT_EQ(Sentences("a? b. c! d. e? f! g"), (Indices{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Sentences("one. two. three. four"), (Indices{0, 1, 2, 3}));
  EXPECT_EQ(Sentences("why?! no\tmore. \tok"), (Indices{0, 1, 1, 2}));
  EXPECT_EQ(Sentences("go. a"), (Indices{0, 1}));
  EXPECT_EQ(Sentences("go.a"), (Indices{0}));  // one token
  EXPECT_EQ(Sentences("go a."), (Indices{0, 0}));
}

TEST_F(AnalyzerTest, TextWithoutPunctuationIsOneSentence) {
  EXPECT_EQ(Sentences("he said he would pick her up after school"), Indices(9, 0));
  EXPECT_EQ(out_.sentence_starts, (Indices{0}));
}

TEST_F(AnalyzerTest, EmptyTextAndTextWithoutWords) {
  EXPECT_TRUE(Analyze("").tokens.empty());
  EXPECT_TRUE(out_.sentence_starts.empty());
  EXPECT_TRUE(Analyze(" ... !?\n\n -- 😀 ").tokens.empty());
  EXPECT_TRUE(out_.sentence_starts.empty());
}

TEST_F(AnalyzerTest, OutIsClearedFirst) {
  Analyze("one two. three");
  EXPECT_EQ(Forms("four"), (Strings{"four"}));
  EXPECT_EQ(out_.sentence_starts, (Indices{0}));
}

TEST_F(AnalyzerTest, DictionaryReplacesOneWordByMany) {
  Build({"u => you\nrn => right now\n"});
  const std::string text = "Can u come rn?";
  EXPECT_EQ(Forms(text), (Strings{"can", "you", "come", "right", "now"}));
  EXPECT_EQ(Spans(text), (Strings{"Can", "u", "come", "rn", "rn"}));
  EXPECT_EQ(out_.tokens[3].sentence, out_.tokens[4].sentence);
}

// Every token carries the hash of its own form (the word pass looks the form up with it): a
// word kept as it is, a dictionary replacement's words, the parts of a split "14yo", a number,
// and a non-ASCII word (the ICU path).
TEST_F(AnalyzerTest, TokensCarryTheHashOfTheirForm) {
  Build({"u => you\nrn => right now\nyo => years old\n"});
  for (const std::string text : {"Can u come rn? she is 14yo", "niña de 12 años, ayúdame rn"}) {
    Analyze(text);
    ASSERT_FALSE(out_.tokens.empty());
    for (const Token& token : out_.tokens) {
      EXPECT_EQ(token.hash, HashWord(token.form)) << token.form;
    }
  }
}

TEST_F(AnalyzerTest, DictionaryMatchesFoldedWords) {
  Build({"nino => child\n"});
  EXPECT_EQ(Forms("NIÑO niño"), (Strings{"child", "child"}));
}

TEST_F(AnalyzerTest, LaterDictionaryOverridesEarlier) {
  Build({"rn => right now\nu => you\n", "rn => now\n"});
  EXPECT_EQ(Forms("u rn"), (Strings{"you", "now"}));
}

TEST_F(AnalyzerTest, NumberWordsFromTheDictionaryCarryTheirValue) {
  Build({"catorce => 14\nfourteen => 14\n"});
  const AnalyzedText& out = Analyze("Tiene catorce años, fourteen");
  ASSERT_EQ(out.tokens.size(), 4u);
  EXPECT_EQ(out.tokens[1].form, "14");
  EXPECT_TRUE(out.tokens[1].is_number);
  EXPECT_EQ(out.tokens[1].number, 14);
  EXPECT_FALSE(out.tokens[2].is_number);
  EXPECT_TRUE(out.tokens[3].is_number);
  EXPECT_EQ(out.tokens[3].number, 14);
}

TEST_F(AnalyzerTest, NumbersCarryTheirValue) {
  const AnalyzedText& out = Analyze("14 3.5 2,5 007 1.2.3 abc 1e5");
  ASSERT_EQ(out.tokens.size(), 7u) << testing::PrintToString(Forms("14 3.5 2,5 007 1.2.3 abc 1e5"));
  const std::vector<std::pair<bool, double>> expected = {
      {true, 14}, {true, 3.5}, {true, 2.5}, {true, 7}, {false, 0}, {false, 0}, {false, 0}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(out.tokens[i].is_number, expected[i].first) << out.tokens[i].form;
    EXPECT_EQ(out.tokens[i].number, expected[i].second) << out.tokens[i].form;
  }
}

TEST_F(AnalyzerTest, DigitsFollowedByLettersSplit) {
  const std::string text = "she is 14yo, 12YRS";
  EXPECT_EQ(Forms(text), (Strings{"she", "is", "14", "yo", "12", "yrs"}));
  EXPECT_EQ(Spans(text), (Strings{"she", "is", "14", "yo", "12", "YRS"}));
  const AnalyzedText& out = Analyze("14yo");
  ASSERT_EQ(out.tokens.size(), 2u);
  EXPECT_EQ(out.tokens[0].begin, 0u);
  EXPECT_EQ(out.tokens[0].end, 2u);
  EXPECT_EQ(out.tokens[1].begin, 2u);
  EXPECT_EQ(out.tokens[1].end, 4u);
  EXPECT_TRUE(out.tokens[0].is_number);
  EXPECT_EQ(out.tokens[0].number, 14);
}

TEST_F(AnalyzerTest, SplitPartsGoThroughTheDictionary) {
  Build({"yo => years old\n"});
  const std::string text = "14yo";
  EXPECT_EQ(Forms(text), (Strings{"14", "years", "old"}));
  EXPECT_EQ(Spans(text), (Strings{"14", "yo", "yo"}));
}

TEST_F(AnalyzerTest, ADictionaryWordIsNotSplit) {
  Build({"2day => today\n"});
  EXPECT_EQ(Forms("2day 3days"), (Strings{"today", "3", "days"}));
}

TEST_F(AnalyzerTest, SplitOffsetsFollowTheWrittenDigits) {
  const std::string text = "１４años";  // fullwidth digits: 3 bytes each
  EXPECT_EQ(Forms(text), (Strings{"14", "anos"}));
  EXPECT_EQ(Spans(text), (Strings{"１４", "años"}));
}

TEST_F(AnalyzerTest, MixedWordsAreNotSplit) {
  EXPECT_EQ(Forms("b4 a1b 1a2 4x4"), (Strings{"b4", "a1b", "1a2", "4x4"}));
}

TEST_F(AnalyzerTest, StemsEnglishAndSpanish) {
  config_.stem_languages = {"english", "spanish"};
  Build();
  EXPECT_EQ(analyzer_->Stem("selling", 0, scratch_.get()), "sell");
  EXPECT_EQ(analyzer_->Stem("passports", 0, scratch_.get()), "passport");
  EXPECT_EQ(analyzer_->Stem("vendiendo", 1, scratch_.get()), "vend");
  EXPECT_EQ(analyzer_->Stem("", 0, scratch_.get()), "");
}

TEST_F(AnalyzerTest, FoldIsStepTwoAlone) {
  Build({"u => you\n"});
  EXPECT_EQ(analyzer_->Fold("NIÑA", scratch_.get()), "nina");
  EXPECT_EQ(analyzer_->Fold("U", scratch_.get()), "u");        // no dictionary
  EXPECT_EQ(analyzer_->Fold("14yo", scratch_.get()), "14yo");  // no split
  EXPECT_EQ(analyzer_->Fold("p\xD0\xB0ss", scratch_.get()), "pass");
}

TEST_F(AnalyzerTest, InvalidUtf8NeverBecomesAWord) {
  const std::string text =
      "ab\xFF"
      "cd \xC3 ok \xE2\x82 x\xF0\x9F";
  const AnalyzedText& out = Analyze(text);
  EXPECT_EQ(Forms(text), (Strings{"ab", "cd", "ok", "x"}));
  for (const Token& token : out.tokens) {
    EXPECT_EQ(token.form.find('\xFF'), std::string::npos);
  }
  // Only invalid bytes.
  EXPECT_TRUE(Analyze("\xFF\xFE\xC0\x80").tokens.empty());
}

TEST_F(AnalyzerTest, ConfigIsKept) {
  config_.stem_languages = {"spanish"};
  config_.line_breaks_end_sentences = false;
  Build();
  EXPECT_EQ(analyzer_->config().stem_languages, (Strings{"spanish"}));
  EXPECT_FALSE(analyzer_->config().line_breaks_end_sentences);
}

TEST_F(AnalyzerTest, CreateRefusesWhatItCannotProvide) {
  AnalysisConfig config;
  config.stem_languages = {"klingon"};
  EXPECT_EQ(Analyzer::Create(config, Dictionary()).status().code(), Status::Code::kInvalidArgument);
  config.stem_languages.clear();
  config.version = 2;
  EXPECT_EQ(Analyzer::Create(config, Dictionary()).status().code(), Status::Code::kInvalidArgument);
}

// Comparable rendering of an analysis.
std::string Dump(const AnalyzedText& out) {
  std::string s;
  for (const Token& t : out.tokens) {
    s += std::to_string(t.begin) + "-" + std::to_string(t.end) + ":" + t.form + "@" +
         std::to_string(t.sentence) + (t.is_number ? "#" + std::to_string(t.number) : "") + " ";
  }
  s += "|";
  for (uint32_t start : out.sentence_starts) s += " " + std::to_string(start);
  return s;
}

TEST_F(AnalyzerTest, DeterministicAcrossRunsScratchesAndThreads) {
  config_.stem_languages = {"english"};
  Build({"u => you\n"});
  const std::string text =
      "U said: meet at 9.30 rn? Ella tiene 14años.\nNo sé... p\xD0\xB0ssport STRASSE ﬁne";
  const std::string first = Dump(Analyze(text));
  EXPECT_EQ(Dump(Analyze(text)), first);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::string& result : results) {
    threads.emplace_back([&] {
      std::unique_ptr<AnalyzerScratch> scratch = analyzer_->NewScratch();
      AnalyzedText out;
      for (int i = 0; i < 50; ++i) analyzer_->Analyze(text, scratch.get(), &out);
      result = Dump(out);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& result : results) EXPECT_EQ(result, first);
}

// The ASCII shortcut gives exactly what the ICU path gives.
void CompareAsciiShortcutWithIcu(const AnalysisConfig& config, uint32_t seed) {
  Result<std::shared_ptr<const Analyzer>> analyzer = Analyzer::Create(config, Dictionary());
  ASSERT_TRUE(analyzer.ok());
  std::unique_ptr<AnalyzerScratch> fast = (*analyzer)->NewScratch();
  std::unique_ptr<AnalyzerScratch> icu = (*analyzer)->NewScratch();
  SetAsciiFastPathForTesting(icu.get(), false);
  // Letters and digits weighted up so that words, numbers and their joiners meet often.
  const std::string alphabet =
      "abcxyzAEIMRTZ0123456789aeiouXY019     ...,,,''':;-/!!??\n\n\r\"()_\t";
  std::mt19937 random(seed);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 40);
  AnalyzedText a;
  AnalyzedText b;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const size_t n = length(random);
    for (size_t j = 0; j < n; ++j) text.push_back(alphabet[pick(random)]);
    (*analyzer)->Analyze(text, fast.get(), &a);
    (*analyzer)->Analyze(text, icu.get(), &b);
    ASSERT_EQ(Dump(a), Dump(b)) << "text: " << testing::PrintToString(text);
  }
}

TEST_F(AnalyzerTest, AsciiShortcutMatchesIcuOnRandomText) {
  CompareAsciiShortcutWithIcu(AnalysisConfig(), 1);
}

TEST_F(AnalyzerTest, AsciiShortcutMatchesIcuOnRandomTextWithoutLineBreakSentences) {
  AnalysisConfig config;
  config.line_breaks_end_sentences = false;
  CompareAsciiShortcutWithIcu(config, 2);
}

// The ASCII sentence pass looks for the next stop or line break sixteen bytes at a time: each of
// '.', '!', '?', '\n' and '\r' at every position of texts longer than a few blocks (alone,
// and two of them a block apart), with and without line breaks ending sentences, gives ICU's
// sentences.
TEST_F(AnalyzerTest, AsciiShortcutFindsEveryStopWhereverItFallsInTheText) {
  for (const bool line_breaks : {true, false}) {
    AnalysisConfig config;
    config.line_breaks_end_sentences = line_breaks;
    Result<std::shared_ptr<const Analyzer>> analyzer = Analyzer::Create(config, Dictionary());
    ASSERT_TRUE(analyzer.ok());
    std::unique_ptr<AnalyzerScratch> fast = (*analyzer)->NewScratch();
    std::unique_ptr<AnalyzerScratch> icu = (*analyzer)->NewScratch();
    SetAsciiFastPathForTesting(icu.get(), false);
    const std::string base =
        "we went to see Her at the shop and then Some more words came after that one ok";
    AnalyzedText a;
    AnalyzedText b;
    for (const char stop : {'.', '!', '?', '\n', '\r'}) {
      for (size_t at = 0; at < base.size(); ++at) {
        for (const size_t second : {size_t{0}, size_t{16}}) {
          std::string text = base;
          text[at] = stop;
          if (second != 0 && at + second < text.size()) text[at + second] = stop;
          (*analyzer)->Analyze(text, fast.get(), &a);
          (*analyzer)->Analyze(text, icu.get(), &b);
          ASSERT_EQ(Dump(a), Dump(b)) << "text: " << testing::PrintToString(text);
        }
      }
    }
  }
}

// The shortcut lower-cases a word of up to 32 bytes on the stack and a longer one in the
// scratch string: words of every length around that bound, in mixed case, with digits and
// inner joiners, and two long words in a row, give ICU's tokens.
TEST_F(AnalyzerTest, AsciiShortcutMatchesIcuOnWordsOfEveryLength) {
  Result<std::shared_ptr<const Analyzer>> analyzer =
      Analyzer::Create(AnalysisConfig(), Dictionary());
  ASSERT_TRUE(analyzer.ok());
  std::unique_ptr<AnalyzerScratch> fast = (*analyzer)->NewScratch();
  std::unique_ptr<AnalyzerScratch> icu = (*analyzer)->NewScratch();
  SetAsciiFastPathForTesting(icu.get(), false);
  const std::string letters = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  AnalyzedText a;
  AnalyzedText b;
  for (size_t size = 1; size <= 80; ++size) {
    std::string word;
    for (size_t i = 0; i < size; ++i) word.push_back(letters[(i * 7 + size) % letters.size()]);
    for (const std::string& text :
         {word, "Hello " + word + ". NEXT " + word + word + "!", word + "'S " + word + ".Z"}) {
      (*analyzer)->Analyze(text, fast.get(), &a);
      (*analyzer)->Analyze(text, icu.get(), &b);
      ASSERT_EQ(Dump(a), Dump(b)) << "text: " << text;
    }
  }
}

// Dump with every member of a token (AnalyzeLines must give Analyze's tokens exactly).
std::string FullDump(const AnalyzedText& out) {
  std::string s = Dump(out);
  for (const Token& t : out.tokens) {
    s += (t.clause_start ? " c" : " -") + std::to_string(t.hash);
  }
  return s;
}

// AnalyzeLines over random lines (ASCII, and with letters of other scripts, so that the joined
// text takes the ICU path where a line alone takes the ASCII shortcut) gives Analyze's result on
// the joined text.
void CompareLinesWithWhole(const AnalysisConfig& config, uint32_t seed) {
  Dictionary dictionary;
  SourceManager sources;
  Diagnostics diagnostics;
  const FileId file = sources.AddFile("d.dict", "rn => right now\nfourteen => 14\n");
  ASSERT_TRUE(dictionary.AddFile(sources, file, config, &diagnostics));
  Result<std::shared_ptr<const Analyzer>> analyzer = Analyzer::Create(config, std::move(dictionary));
  ASSERT_TRUE(analyzer.ok());
  std::unique_ptr<AnalyzerScratch> scratch = (*analyzer)->NewScratch();
  const std::vector<std::string> pieces = {
      "a", "Bc", "rn", "14yo", "fourteen", "9.5", " ", " ", " ", ".", ". ", "!", "?", ",", ";",
      ":", " - ", "(", ")", "\r", "\n", "\t", "ni\xC3\xB1" "a", "\xC3\x89l", "\xE2\x80\x94",
      "\xD0\xB0", "\xCC\x81", "\xE2\x80\xA8", "x", "e", "Q"};
  std::mt19937 random(seed);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 12);
  std::uniform_int_distribution<size_t> count(1, 5);
  std::vector<AnalyzedText> analyzed(5);
  AnalyzedText joined;
  AnalyzedText whole;
  for (int i = 0; i < 5000; ++i) {
    const size_t n = count(random);
    std::string text;
    std::vector<Analyzer::Line> lines;
    for (size_t l = 0; l < n; ++l) {
      std::string line;
      const size_t k = length(random);
      for (size_t j = 0; j < k; ++j) line += pieces[pick(random)];
      (*analyzer)->Analyze(line, scratch.get(), &analyzed[l]);
      if (l > 0) text.push_back('\n');
      lines.push_back({static_cast<uint32_t>(text.size()), &analyzed[l]});
      text += line;
    }
    ASSERT_TRUE((*analyzer)->AnalyzeLines(text, lines, &joined));
    (*analyzer)->Analyze(text, scratch.get(), &whole);
    ASSERT_EQ(FullDump(joined), FullDump(whole)) << "text: " << testing::PrintToString(text);
  }
}

TEST_F(AnalyzerTest, AnalyzeLinesGivesWhatAnalyzeGivesOnTheJoinedText) {
  CompareLinesWithWhole(AnalysisConfig(), 11);
}

TEST_F(AnalyzerTest, AnalyzeLinesGivesWhatAnalyzeGivesWithClausesAndLowercaseStops) {
  AnalysisConfig config;
  config.clause_breaks = true;
  config.lowercase_after_stop = true;
  CompareLinesWithWhole(config, 12);
}

TEST_F(AnalyzerTest, AnalyzeLinesDeclinesWhenLineBreaksDoNotEndSentences) {
  config_.line_breaks_end_sentences = false;
  Build();
  AnalyzedText line;
  analyzer_->Analyze("alpha", scratch_.get(), &line);
  AnalyzedText joined;
  EXPECT_FALSE(analyzer_->AnalyzeLines("alpha\nalpha", {{0, &line}, {6, &line}}, &joined));
}

}  // namespace
}  // namespace triage::internal
