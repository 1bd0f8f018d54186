// SPDX-License-Identifier: Apache-2.0
// The word-level tables alone (compile/terms.h): terms lists, contexts, word fields, term atoms.
#include "compile/terms.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "compile/words.h"
#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

// Declares `text`, builds the analyzer, and compiles its terms and contexts.
struct Terms {
  explicit Terms(const std::string& text) {
    f.program.analyzer = Analyzer::Create(f.config.analysis, Dictionary()).value();
    f.Parse(text);
    CollectDeclarations(f.files, &symbols, &f.program, &f.reporter);
    table = std::make_unique<TermTable>(f.sources, f.config, &symbols, &f.program, &f.reporter);
    table->CompileTerms();
    FinishTermIndex(&f.program);
    table->CompileContexts();
  }
  PassFixture f;
  Symbols symbols;
  std::unique_ptr<TermTable> table;
};

TEST(TermsTest, CompilesListsAndContextsIntoThePhraseTableAndTriggers) {
  Terms t(R"(
terms negation = "not", "never"
terms breaks = "but"
terms took = "took {0,3} passport"
context negated after 4 = negation
context historical around 6 = took
context terminate = breaks
)");
  EXPECT_TRUE(t.f.Codes().empty()) << t.f.Rendered();
  ASSERT_EQ(t.f.program.terms.size(), 3u);  // in name order: breaks, negation, took
  EXPECT_EQ(t.f.program.terms[0].name, "breaks");
  EXPECT_EQ(t.f.program.phrases.size(), 4u);
  ASSERT_EQ(t.f.program.triggers.size(), 2u);
  EXPECT_EQ(t.f.program.triggers[0].bit, kNegated);
  EXPECT_TRUE(t.f.program.triggers[0].after);
  EXPECT_FALSE(t.f.program.triggers[0].before);
  EXPECT_EQ(t.f.program.triggers[0].window, 4);
  EXPECT_TRUE(t.f.program.triggers[1].after && t.f.program.triggers[1].before);  // around
  EXPECT_EQ(t.f.program.terminators, std::vector<int>{0});
  EXPECT_TRUE(t.symbols.terms.at("negation").used);
}

TEST(TermsTest, TheIndexFindsEveryPhraseWordAndTurnsAwayOthersThroughItsFilters) {
  Terms t(R"(
terms took = "took {0,3} passport", "keeps her papers"
rule r { when text ~ took }
)");
  const TermIndex& index = t.f.program.term_index;
  for (const char* word : {"took", "passport", "keeps", "her", "papers"}) {
    EXPECT_NE(index.FindWord(word), StringTable::kNone) << word;
  }
  EXPECT_TRUE(index.MayHold("took"));  // a phrase's first word is a key
  EXPECT_TRUE(index.MayHold("keeps"));
  EXPECT_EQ(index.FindWord("wallet"), StringTable::kNone);
  EXPECT_EQ(index.FindWord(""), StringTable::kNone);
}

TEST(TermsTest, AHashFilterHoldsWhatWasAddedAndFewOthers) {
  HashFilter empty;
  EXPECT_TRUE(empty.MayHold(42));  // never reset: it may hold anything
  empty.Reset(0);
  EXPECT_TRUE(empty.MayHold(42));
  HashFilter filter;
  filter.Reset(1000);
  const auto key = [](uint64_t i) { return i * 0x2545F4914F6CDD1DULL + 7; };
  for (uint64_t i = 0; i < 1000; ++i) filter.Add(key(i));
  for (uint64_t i = 0; i < 1000; ++i) EXPECT_TRUE(filter.MayHold(key(i))) << i;
  int others = 0;
  for (uint64_t i = 1000; i < 11000; ++i) others += filter.MayHold(key(i)) ? 1 : 0;
  EXPECT_LT(others, 1000) << "about 8 bits a key should turn away over 90% of other keys";
  filter.Reset(10);  // a reset forgets what was added: no bit is set
  int kept = 0;
  for (uint64_t i = 0; i < 1000; ++i) kept += filter.MayHold(key(i)) ? 1 : 0;
  EXPECT_EQ(kept, 0);
}

TEST(TermsTest, ReportsBadOptionsPhrasesAndContexts) {
  Terms t(R"(
terms a (stem, leet, leet, fancy) = "x"
terms b (leet) = "k1ll"
terms c = "{1,2} edge"
terms ok = "not"
context negated = ok
context terminate after 3 = ok
context pseudo around 2 = ok
context negated upward 3 = ok
context sideways after 3 = ok
context negated after 3 = no_such_terms
context negated after 3 = c
)");
  // Lists in name order, then contexts in declaration order; a context over a list that did not
  // compile (c) says nothing more.
  EXPECT_EQ(t.f.Codes(),
            (std::vector<std::string>{"no-stemmer", "duplicate-option", "unknown-option",
                                      "bad-leet", "bad-phrase", "bad-context", "bad-context",
                                      "bad-context", "bad-context", "unknown-context",
                                      "unknown-name"}))
      << t.f.Rendered();
}

// A list that includes others holds each of their phrases under its own index too, compiled
// with the options of the list that wrote it; its own options cover its own phrases only.
TEST(TermsTest, AComposedListHoldsThePhrasesOfItsPartsWithTheirOptions) {
  Terms t(R"(
terms all = en, more, "plain words"
terms en (leet) = "kill"
terms more = es, "x y"
terms es = "matar"
)");
  EXPECT_TRUE(t.f.Codes().empty()) << t.f.Rendered();
  ASSERT_EQ(t.f.program.terms.size(), 4u);  // all, en, es, more
  const int all = t.symbols.terms.at("all").index;
  const int en = t.symbols.terms.at("en").index;
  EXPECT_EQ(t.symbols.terms.at("all").includes, (std::vector<std::string>{"en", "more"}));
  EXPECT_FALSE(t.f.program.terms[all].leet);
  EXPECT_EQ(t.f.program.phrases.size(), 4u);  // each phrase stored once
  for (const TermPhrase& phrase : t.f.program.phrases) {
    EXPECT_NE(std::find(phrase.lists.begin(), phrase.lists.end(), all), phrase.lists.end());
    ASSERT_EQ(phrase.lists.size(), phrase.leet_lists.size());
    const bool is_kill = phrase.elements[0].word == "kill";
    EXPECT_EQ(phrase.leet, is_kill);
    for (size_t k = 0; k < phrase.lists.size(); ++k) {
      // "kill" is matched on leet readings for en and for all, which includes it from en.
      EXPECT_EQ(phrase.leet_lists[k] != 0, is_kill) << phrase.elements[0].word;
    }
    if (is_kill) {
      EXPECT_EQ(phrase.lists, (std::vector<int>{en, all}));
    }
  }
  // Used through a composition counts as used.
  EXPECT_TRUE(t.symbols.terms.at("en").used);
  EXPECT_TRUE(t.symbols.terms.at("es").used);
  EXPECT_FALSE(t.symbols.terms.at("all").used);
}

TEST(TermsTest, ReportsBadIncludes) {
  Terms t(R"(
terms a = b_list, self, c, "x"
list b_list = "y"
terms c = "z"
terms d = c, "w", c, ee
terms ee = f
terms f = g
terms g = ee
terms self = self
)");
  // Each list's names in name order (a: a character-level list; d: c twice; self: itself),
  // then the cycles through others (ee -> f -> g -> ee), reported once.
  EXPECT_EQ(t.f.Codes(), (std::vector<std::string>{"unknown-name", "duplicate-include",
                                                   "include-cycle", "include-cycle"}))
      << t.f.Rendered();
  EXPECT_FALSE(t.symbols.terms.at("a").valid);
  EXPECT_FALSE(t.symbols.terms.at("ee").valid);
  EXPECT_FALSE(t.symbols.terms.at("g").valid);
  EXPECT_FALSE(t.symbols.terms.at("self").valid);
  EXPECT_TRUE(t.symbols.terms.at("c").valid);
}

TEST(TermsTest, AnUnknownIncludeSuggestsTheClosestTermsName) {
  Terms t(R"(
terms sexual_en = "x"
terms all = sexual_em
)");
  EXPECT_EQ(t.f.Codes(), (std::vector<std::string>{"unknown-name"})) << t.f.Rendered();
  EXPECT_NE(t.f.Rendered().find("did you mean 'sexual_en'?"), std::string::npos) << t.f.Rendered();
}

TEST(TermsTest, WordFieldsAndTermAtomsAreEnteredOnceAndFinished) {
  Terms t(R"(
terms negation = "not"
terms minor = "girl"
context negated after 4 = negation
)");
  Field text;
  text.name = "text";
  t.f.program.fields = {Field(), text};
  const int list = t.table->Index(dsl::ast::Identifier{{}, "minor"}, FileId{});
  ASSERT_GE(list, 0);
  EXPECT_EQ(t.table->EnsureWordField(1), 0);
  EXPECT_EQ(t.table->EnsureWordField(1), 0);
  const int atom = t.table->TermAtomFor(1, list);
  EXPECT_EQ(t.table->TermAtomFor(1, list), atom);
  t.table->MarkContextRead(1);
  t.table->FinishWordFields();
  EXPECT_EQ(t.f.program.word_field_of, (std::vector<int>{-1, 0}));
  const WordField& wf = t.f.program.word_fields[0];
  EXPECT_TRUE(wf.context);
  EXPECT_EQ(wf.term_atom[list], atom);
  EXPECT_GE(wf.term_atom[t.f.program.triggers[0].list], 0);  // the trigger list is looked for
  EXPECT_TRUE(t.f.Codes().empty()) << t.f.Rendered();
}

TEST(TermsTest, FiltersWithoutTriggersAreWarnedAbout) {
  Terms t("terms minor = \"girl\"\n");
  t.table->MarkContextRead(-1);
  t.table->FinishWordFields();
  EXPECT_EQ(t.f.Codes(), std::vector<std::string>{"no-context-triggers"});
}

}  // namespace
}  // namespace triage::internal::testing
