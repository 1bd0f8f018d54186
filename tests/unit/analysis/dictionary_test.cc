// SPDX-License-Identifier: Apache-2.0
// Tests of Dictionary (engine/src/analysis/dictionary.cc): the file format, folding of both
// sides, overriding between files, and every "bad-dictionary" error at its line and column. Per
// the house rule the tests assert codes and positions, never the wording of messages.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/position.h"
#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"

#include "analysis/analyzer.h"

namespace triage::internal {
namespace {

using testing::Position;

class DictionaryTest : public ::testing::Test {
 protected:
  // Adds `text` as dictionary file `name` to dictionary_.
  bool Add(std::string text, const std::string& name = "sms.dict") {
    file_ = sources_.AddFile(name, std::move(text));
    return dictionary_.AddFile(sources_, file_, settings_, &diagnostics_);
  }

  std::vector<Position> Positions(Severity severity) const {
    std::vector<Position> positions;
    for (const Diagnostic& d : diagnostics_.items()) {
      if (d.severity != severity) continue;
      EXPECT_EQ(d.file, file_);
      if (severity == Severity::kError) {
        EXPECT_EQ(d.code, "bad-dictionary");
      }
      const LineColumn lc = sources_.file(d.file).Position(d.span.begin);
      positions.push_back({lc.line, lc.column});
    }
    return positions;
  }
  std::vector<Position> Errors() const { return Positions(Severity::kError); }

  // Adds `text` and expects exactly one error, at line:column.
  void ExpectOneError(std::string text, uint32_t line, uint32_t column) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(Add(std::move(text)));
    EXPECT_EQ(Errors(), (std::vector<Position>{{line, column}})) << Rendered();
  }

  // The text the first diagnostic's span covers.
  std::string FirstSpanText() const {
    const Diagnostic& d = diagnostics_.items().at(0);
    return sources_.file(d.file).text().substr(d.span.begin, d.span.end - d.span.begin);
  }

  std::string Rendered() const { return RenderDiagnostics(diagnostics_, sources_); }

  std::vector<std::string> Find(std::string_view form) const {
    const std::vector<std::string>* found = dictionary_.Find(form);
    return found == nullptr ? std::vector<std::string>{"<none>"} : *found;
  }

  AnalysisConfig settings_;
  SourceManager sources_;
  Diagnostics diagnostics_;
  Dictionary dictionary_;
  FileId file_;
};

TEST_F(DictionaryTest, ReadsEntriesCommentsAndBlankLines) {
  ASSERT_TRUE(
      Add("# SMS shorthand\n"
          "\n"
          "u => you\n"
          "  rn   =>  right   now   # one word to two\n"
          "\tfourteen\t=>\t14\r\n"
          "   \n"
          "catorce => 14"))
      << Rendered();
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_EQ(dictionary_.size(), 4u);
  EXPECT_EQ(Find("u"), (std::vector<std::string>{"you"}));
  EXPECT_EQ(Find("rn"), (std::vector<std::string>{"right", "now"}));
  EXPECT_EQ(Find("fourteen"), (std::vector<std::string>{"14"}));
  EXPECT_EQ(Find("catorce"), (std::vector<std::string>{"14"}));
  EXPECT_EQ(Find("you"), (std::vector<std::string>{"<none>"}));
}

TEST_F(DictionaryTest, EmptyDictionaryFindsNothing) {
  EXPECT_EQ(dictionary_.size(), 0u);
  EXPECT_EQ(dictionary_.Find("u"), nullptr);
  ASSERT_TRUE(Add(""));
  ASSERT_TRUE(Add("# only a comment\n"));
  EXPECT_EQ(dictionary_.size(), 0u);
}

TEST_F(DictionaryTest, FoldsBothSides) {
  ASSERT_TRUE(Add("NIÑO => Chico\nＵ => YOU\ndon’t => do not\n")) << Rendered();
  EXPECT_EQ(Find("nino"), (std::vector<std::string>{"chico"}));
  EXPECT_EQ(Find("u"), (std::vector<std::string>{"you"}));
  EXPECT_EQ(Find("don't"), (std::vector<std::string>{"do", "not"}));
}

TEST_F(DictionaryTest, FoldingFollowsTheSettings) {
  settings_.fold_accents = false;
  ASSERT_TRUE(Add("NIÑO => Chico\n")) << Rendered();
  EXPECT_EQ(Find("niño"), (std::vector<std::string>{"chico"}));
  EXPECT_EQ(Find("nino"), (std::vector<std::string>{"<none>"}));
}

TEST_F(DictionaryTest, LaterFileOverridesEarlier) {
  ASSERT_TRUE(Add("u => you\nrn => right now\n", "shared.dict"));
  ASSERT_TRUE(Add("rn => now\n", "pack.dict"));
  EXPECT_EQ(Find("u"), (std::vector<std::string>{"you"}));
  EXPECT_EQ(Find("rn"), (std::vector<std::string>{"now"}));
}

TEST_F(DictionaryTest, ErrorForALineWithoutArrow) {
  ExpectOneError("u => you\n  gonna going to\n", 2, 3);
  EXPECT_EQ(FirstSpanText(), "gonna going to");
}

TEST_F(DictionaryTest, ErrorForAMissingWordBeforeTheArrow) {
  ExpectOneError("  => you\n", 1, 3);
  EXPECT_EQ(FirstSpanText(), "=>");
}

TEST_F(DictionaryTest, ErrorForSeveralWordsBeforeTheArrow) {
  ExpectOneError("pick up => collect\n", 1, 1);
  EXPECT_EQ(FirstSpanText(), "pick up");
}

TEST_F(DictionaryTest, ErrorForMissingReplacementWords) {
  ExpectOneError("u =>   # nothing\n", 1, 3);
}

TEST_F(DictionaryTest, ErrorForAWordTheAnalysisWouldSplit) {
  ExpectOneError("y/o => years old\n", 1, 1);
  EXPECT_EQ(FirstSpanText(), "y/o");
}

TEST_F(DictionaryTest, ErrorForAReplacementThatIsNotOneWord) {
  ExpectOneError("yo => years-old\n", 1, 7);
  EXPECT_EQ(FirstSpanText(), "years-old");
}

TEST_F(DictionaryTest, ErrorForAWordWithoutLetterOrDigit) {
  ExpectOneError("u => you !!\n", 1, 10);
}

TEST_F(DictionaryTest, ErrorForASecondArrow) { ExpectOneError("a => b => c\n", 1, 8); }

TEST_F(DictionaryTest, ErrorForADuplicateEntryWithANote) {
  ExpectOneError("u => you\nrn => now\nU => ewe\n", 3, 1);
  EXPECT_EQ(Positions(Severity::kNote), (std::vector<Position>{{1, 1}}));
  EXPECT_EQ(Find("u"), (std::vector<std::string>{"you"}));
}

TEST_F(DictionaryTest, ErrorForInvalidUtf8AtTheByte) {
  ExpectOneError("u => you\nni\xF1o => child\n", 2, 3);
}

TEST_F(DictionaryTest, ReportsEveryErrorOfTheFileAndKeepsGoodLines) {
  EXPECT_FALSE(
      Add("u => you\n"
          "bad line\n"
          "rn => right now\n"
          " => x\n"
          "a b => c\n"
          "y/o => years old\n"
          "k => \n"));
  EXPECT_EQ(Errors(), (std::vector<Position>{{2, 1}, {4, 2}, {5, 1}, {6, 1}, {7, 3}}))
      << Rendered();
  EXPECT_EQ(Find("rn"), (std::vector<std::string>{"right", "now"}));
  EXPECT_EQ(dictionary_.size(), 2u);
}

TEST_F(DictionaryTest, TrailingCommentAfterAnEntry) {
  ASSERT_TRUE(Add("2day => today #SMS\n")) << Rendered();
  EXPECT_EQ(Find("2day"), (std::vector<std::string>{"today"}));
}

}  // namespace
}  // namespace triage::internal
