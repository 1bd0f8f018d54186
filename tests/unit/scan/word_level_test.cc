// SPDX-License-Identifier: Apache-2.0
// The word-level language through the public API: terms lists on analysed tokens (dictionary,
// stems, gaps), number(lo..hi), near/ordered/sentence, ConText triggers and filters, N of (...),
// private rules, and the checker's errors for each construct.
#include <algorithm>
#include <random>
#include <tuple>

#include <gtest/gtest.h>

#include "triage/explain.h"
#include "triage/scanner.h"

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr char kConfig[] = R"(
analysis:
  stemmers: [english, spanish]
  dictionaries: [sms.dict]
)";
constexpr char kDict[] = "u => you\nrn => right now\nfourteen => 14\ncatorce => 14\n";

RuleSet MustCompile(const std::string& rules, const std::string& config = kConfig) {
  Compiled c = CompileFiles({{"test.rules", rules}, {"sms.dict", kDict}}, config);
  if (!c.rules) {
    ADD_FAILURE() << c.Rendered();
    std::abort();
  }
  return *c.rules;
}

Strings FiredOn(const RuleSet& rules, const std::string& text) {
  return Fired(Decide(rules, R"({"id":"t","body":")" + text + R"("})"));
}

TEST(WordLevelTest, TermsMatchWholeFoldedTokensAfterTheDictionary) {
  RuleSet rules = MustCompile(R"(
terms now_words = "right now", "tonight"
terms girl = "niña"
rule now { when text ~ now_words }
rule g { when text ~ girl }
)");
  EXPECT_EQ(FiredOn(rules, "come RN please"), Strings{"now"});  // dictionary: rn -> right now
  EXPECT_EQ(FiredOn(rules, "Right   Now!"), Strings{"now"});
  EXPECT_EQ(FiredOn(rules, "rightnow"), Strings{});  // one token, not two
  EXPECT_EQ(FiredOn(rules, "una NINA de 12"), Strings{"g"});  // accents folded both sides
  EXPECT_EQ(FiredOn(rules, "niñas"), Strings{});             // whole tokens only
}

TEST(WordLevelTest, StemListsMatchInflections) {
  RuleSet rules = MustCompile(R"(
terms sell (stem) = "sell", "vender"
rule s { when text ~ sell }
)");
  EXPECT_EQ(FiredOn(rules, "he sells girls"), Strings{"s"});
  EXPECT_EQ(FiredOn(rules, "they were selling her"), Strings{"s"});
  EXPECT_EQ(FiredOn(rules, "la venden en internet"), Strings{"s"});
  EXPECT_EQ(FiredOn(rules, "a quiet street"), Strings{});
}

// (stem english) compares by English stems only, (stem spanish) by Spanish ones, plain (stem) in
// every configured language. "made" and "mad" share only their Spanish stem ("mad"), "selling"
// and "sells" only their English one ("sell"), "vender" and "venden" only their Spanish one
// ("vend"). The same phrase in lists of different languages is kept apart.
TEST(WordLevelTest, AStemListInNamedLanguagesComparesOnlyTheirStems) {
  RuleSet rules = MustCompile(R"(
terms made_en (stem english) = "made"
terms made_es (stem spanish) = "made"
terms made_any (stem) = "made"
terms sell_en (stem english) = "selling"
terms sell_es (stem spanish) = "selling"
terms vender_es (stem spanish) = "vender"
terms vender_en (stem english) = "vender"
terms vender_both (stem spanish english) = "vender {0,2} ninas"
rule made_en { when text ~ made_en }
rule made_es { when text ~ made_es }
rule made_any { when text ~ made_any }
rule sell_en { when text ~ sell_en }
rule sell_es { when text ~ sell_es }
rule vender_es { when text ~ vender_es }
rule vender_en { when text ~ vender_en }
rule vender_both { when text ~ vender_both }
)");
  // Only a Spanish stem is equal.
  EXPECT_EQ(FiredOn(rules, "he gets mad"), (Strings{"made_es", "made_any"}));
  EXPECT_EQ(FiredOn(rules, "la venden"), Strings{"vender_es"});
  // Only an English stem is equal.
  EXPECT_EQ(FiredOn(rules, "he sells"), Strings{"sell_en"});
  // The word as written has equal stems in every language.
  EXPECT_EQ(FiredOn(rules, "he made it"), (Strings{"made_en", "made_es", "made_any"}));
  EXPECT_EQ(FiredOn(rules, "selling"), (Strings{"sell_en", "sell_es"}));
  EXPECT_EQ(FiredOn(rules, "vender"), (Strings{"vender_es", "vender_en"}));
  // Several languages: a stem equal in any of them, in a phrase with a gap.
  EXPECT_EQ(FiredOn(rules, "venden a las ninas"), (Strings{"vender_es", "vender_both"}));
}

TEST(WordLevelTest, StemEnglishSpanishIsPlainStemWithBothConfigured) {
  const std::string text = "he sells them; la venden; he gets mad; a quiet street";
  Strings fired[3];
  const char* options[3] = {"stem", "stem english spanish", "stem spanish english"};
  for (int i = 0; i < 3; ++i) {
    RuleSet rules = MustCompile(std::string("terms a (") + options[i] +
                                ") = \"selling\", \"vender\", \"made\"\n"
                                "rule r { when count(text ~ a) >= 3 }\n");
    fired[i] = FiredOn(rules, text);
  }
  EXPECT_EQ(fired[0], Strings{"r"});
  EXPECT_EQ(fired[1], fired[0]);
  EXPECT_EQ(fired[2], fired[0]);
}

// A pack whose only stem list is Spanish never stems in English (the word pass skips a language
// no list compares in), and an English-only equal stem matches nothing.
TEST(WordLevelTest, AStemLanguageNoListUsesMatchesNothing) {
  RuleSet rules = MustCompile(R"(
terms sell (stem spanish) = "selling", "vender"
terms leet_sell (stem spanish, leet) = "vendiendo"
rule s { when text ~ sell }
rule l { when text ~ leet_sell }
)");
  EXPECT_EQ(FiredOn(rules, "he sells"), Strings{});
  EXPECT_EQ(FiredOn(rules, "la venden"), (Strings{"s", "l"}));
  EXPECT_EQ(FiredOn(rules, "la v3nd3n"), Strings{"l"});
  EXPECT_EQ(FiredOn(rules, "selling"), Strings{"s"});
}

TEST(WordLevelTest, LeetListsReadLeetWordsAsLettersAndNumbersKeepTheirValue) {
  RuleSet rules = MustCompile(R"(
terms sex_word (leet) = "sex", "kill"
terms plain = "sex"
rule l { when text ~ sex_word }
rule p { when text ~ plain }
rule n { when text ~ number(1..10) }
)");
  EXPECT_EQ(FiredOn(rules, "s3x"), Strings{"l"});
  EXPECT_EQ(FiredOn(rules, "S3X!"), Strings{"l"});
  EXPECT_EQ(FiredOn(rules, "$ex"), Strings{"l"});
  EXPECT_EQ(FiredOn(rules, "5ex"), (Strings{"l", "n"}));  // "5" is still the number 5
  EXPECT_EQ(FiredOn(rules, "k1ll"), Strings{"l"});        // 1 reads as i or l
  EXPECT_EQ(FiredOn(rules, "sex"), (Strings{"l", "p"}));  // plain tokens match too
  EXPECT_EQ(FiredOn(rules, "s3xo"), Strings{});           // whole words only
  EXPECT_EQ(FiredOn(rules, "5 ex"), Strings{"n"});        // a space parts words
  EXPECT_EQ(FiredOn(rules, "kiil"), Strings{});
}

TEST(WordLevelTest, LeetCombinesWithStemsPhrasesGapsAndContexts) {
  RuleSet rules = MustCompile(R"(
terms sell (stem, leet) = "sell"
terms pay (leet) = "pay {0,2} cash"
terms neg (leet) = "not"
terms hit = "hit"
context negated after 2 = neg
rule s { when text ~ sell }
rule c { when text ~ pay }
rule h { when text ~ negated(hit) }
)");
  EXPECT_EQ(FiredOn(rules, "$3lling her"), Strings{"s"});
  EXPECT_EQ(FiredOn(rules, "he s3lls"), Strings{"s"});
  EXPECT_EQ(FiredOn(rules, "p@y me in c4$h"), Strings{"c"});
  EXPECT_EQ(FiredOn(rules, "p@y me now in c4$h"), Strings{});  // three words between
  EXPECT_EQ(FiredOn(rules, "he did n0t hit her"), Strings{"h"});
}

// Phrases that share a first word are told apart by their second (the word pass rejects a
// candidate on its second word before reading it): a word, a stem, a gap, a one-word phrase, and
// a phrase cut short by the end of the text.
TEST(WordLevelTest, PhrasesSharingAFirstWordAreToldApartByTheirSecond) {
  RuleSet rules = MustCompile(R"(
terms meet_up = "meet up"
terms meet_sell (stem) = "meet selling"
terms meet_gap = "meet {0,2} alone"
terms meet_one = "meet"
rule up { when text ~ meet_up }
rule sell { when text ~ meet_sell }
rule gap { when text ~ meet_gap }
rule one { when text ~ meet_one }
)");
  EXPECT_EQ(FiredOn(rules, "we can meet up"), (Strings{"up", "one"}));
  EXPECT_EQ(FiredOn(rules, "meet sells"), (Strings{"sell", "one"}));
  EXPECT_EQ(FiredOn(rules, "meet me alone"), (Strings{"gap", "one"}));
  EXPECT_EQ(FiredOn(rules, "meet alone"), (Strings{"gap", "one"}));
  EXPECT_EQ(FiredOn(rules, "up meet"), Strings{"one"});  // the text ends after the first word
  EXPECT_EQ(FiredOn(rules, "meet down"), Strings{"one"});
}

// Many phrases after one first word: the word pass looks the next token's word up among the
// phrases that need a given second word (sorted by that word) and merges them, in the index's
// order, with those that need no particular word (one word, a stem, a gap). Every kind, several
// phrases needing the same second word, and second words on both sides of the one looked up.
TEST(WordLevelTest, ManyPhrasesAfterOneFirstWordAreEachFoundByTheirSecondWord) {
  std::string source;
  const Strings seconds = {"alpha", "bravo", "charlie", "delta",  "echo", "foxtrot",
                           "golf",  "hotel", "india",   "juliet", "kilo", "lima"};
  for (const std::string& w : seconds) {
    source +=
        "terms go_" + w + " = \"go " + w + "\"\nrule " + w + " { when text ~ go_" + w + " }\n";
  }
  source += R"(
terms go_delta_two = "go delta now", "go delta"
terms go_one = "go"
terms go_sell (stem) = "go selling"
terms go_gap = "go {1,1} alone"
rule delta_two { when text ~ go_delta_two }
rule one { when text ~ go_one }
rule sell { when text ~ go_sell }
rule gap { when text ~ go_gap }
)";
  RuleSet rules = MustCompile(source);
  for (const std::string& w : seconds) {
    Strings expected = {w};
    if (w == "delta") expected.push_back("delta_two");
    expected.push_back("one");
    EXPECT_EQ(FiredOn(rules, "we go " + w + " today"), expected) << w;
  }
  EXPECT_EQ(FiredOn(rules, "go sells"), (Strings{"one", "sell"}));
  EXPECT_EQ(FiredOn(rules, "go kilo alone"), (Strings{"kilo", "one", "gap"}));
  EXPECT_EQ(FiredOn(rules, "go zulu"), Strings{"one"});      // after every second word
  EXPECT_EQ(FiredOn(rules, "go aardvark"), Strings{"one"});  // before every second word
  EXPECT_EQ(FiredOn(rules, "go"), Strings{"one"});
  EXPECT_EQ(FiredOn(rules, "go go lima go alpha"), (Strings{"alpha", "lima", "one"}));
}

// The bounded search of a proximity (4,096 steps a node and record) counts every mention it
// passes over, also those it can tell are too far without looking at each (a sorted part whose
// next mention starts after the chosen ones and too far from them): with 70 "aa" far from every
// "bb" before an adjacent "aa bb", the search ends before reaching the end; with 30 it gets there.
TEST(WordLevelTest, AProximitySpendsItsBoundedSearchOnEveryMentionItPassesOver) {
  RuleSet rules = MustCompile(R"(
terms a = "aa"
terms b = "bb"
rule r { when text ~ near(a, b, within 1) }
)");
  const auto text = [](int a_count) {
    std::string t;
    for (int i = 0; i < a_count; ++i) t += "aa x ";
    t += "x x x x x ";
    for (int i = 0; i < 70; ++i) t += "bb x ";
    return t + "aa bb";
  };
  EXPECT_EQ(FiredOn(rules, text(30)), Strings{"r"});
  EXPECT_EQ(FiredOn(rules, text(70)), Strings{});  // 70 x 72 steps > 4,096
}

// `text ~ near(...)` asks only whether the proximity has a mention, and its search stops at the
// first; an expression that reads the same node's mentions later in the record (a count, a
// filter) still gets every one of them, and a proximity that holds nowhere reads as none.
TEST(WordLevelTest, AProximityAskedWhetherItHoldsStillListsEveryMentionAfterwards) {
  RuleSet rules = MustCompile(R"(
terms a = "aa"
terms b = "bb"
terms neg = "not"
context negated after 2 = neg
rule holds { when text ~ near(a, b, within 1) }
rule three { when count(text ~ near(a, b, within 1)) >= 3 }
rule negated_one { when text ~ negated(near(a, b, within 1)) }
rule none { when count(text ~ near(a, b, within 1)) == 0 and text ~ a }
)");
  EXPECT_EQ(FiredOn(rules, "aa bb, aa x bb, bb aa"), (Strings{"holds", "three"}));
  EXPECT_EQ(FiredOn(rules, "aa bb. then not aa bb"), (Strings{"holds", "negated_one"}));
  EXPECT_EQ(FiredOn(rules, "aa bb"), Strings{"holds"});
  EXPECT_EQ(FiredOn(rules, "aa x x bb"), Strings{"none"});
}

// `text ~ X` asks only whether X has a mention. A terms list with a mention, a number in range
// and any(...) of them hold as soon as something marks them; a regex whose matches touch no
// token (punctuation between words) has no mention, alone or in any(...), and one whose match
// touches a token has one.
TEST(WordLevelTest, AWordLevelTestHoldsExactlyWhenItsExpressionHasAMention) {
  RuleSet rules = MustCompile(R"(
terms girl = "girl"
terms boy = "boy"
pattern dashes = /-{3}/
pattern dashes_x = /-{3}x/
rule terms_any { when text ~ any(girl, boy) }
rule with_dashes { when text ~ any(boy, dashes) }
rule with_dashes_x { when text ~ any(boy, dashes_x) }
rule teen { when text ~ any(number(13..17), boy) }
rule dashes_alone { when text ~ dashes }
)");
  EXPECT_EQ(FiredOn(rules, "a girl"), Strings{"terms_any"});
  EXPECT_EQ(FiredOn(rules, "a boy"),
            (Strings{"terms_any", "with_dashes", "with_dashes_x", "teen"}));
  EXPECT_EQ(FiredOn(rules, "a --- b"), Strings{"dashes_alone"});  // a character-level test
  EXPECT_EQ(FiredOn(rules, "a ---x"), (Strings{"with_dashes_x", "dashes_alone"}));
  EXPECT_EQ(FiredOn(rules, "age 14"), Strings{"teen"});
  EXPECT_EQ(FiredOn(rules, "age 18"), Strings{});
}

// A stem as the second element is tested on the next token's stems in the element's languages
// only (the word pass rejects the other candidates before reading them): an English-only stem,
// a Spanish-only one and one in both languages after the same first word; a number or the end of
// the text after the first word matches none of them.
TEST(WordLevelTest, AStemSecondElementComparesInItsOwnLanguages) {
  RuleSet rules = MustCompile(R"(
terms they_sell_en (stem english) = "they selling"
terms they_sell_es (stem spanish) = "they vender"
terms they_made_both (stem) = "they made"
terms they_one = "they"
rule en { when text ~ they_sell_en }
rule es { when text ~ they_sell_es }
rule both { when text ~ they_made_both }
rule one { when text ~ they_one }
)");
  EXPECT_EQ(FiredOn(rules, "they sells her"), (Strings{"en", "one"}));      // English stem sell
  EXPECT_EQ(FiredOn(rules, "they venden"), (Strings{"es", "one"}));         // Spanish stem vend
  EXPECT_EQ(FiredOn(rules, "they vendieron"), (Strings{"es", "one"}));
  EXPECT_EQ(FiredOn(rules, "they mades"), (Strings{"both", "one"}));        // English: made
  EXPECT_EQ(FiredOn(rules, "they mad"), (Strings{"both", "one"}));          // Spanish: mad
  EXPECT_EQ(FiredOn(rules, "they 14"), Strings{"one"});
  EXPECT_EQ(FiredOn(rules, "they fourteen"), Strings{"one"});  // the dictionary's number
  EXPECT_EQ(FiredOn(rules, "it was they"), Strings{"one"});
  EXPECT_EQ(FiredOn(rules, "they said"), Strings{"one"});
}

// Three-word phrases that share their first two words are told apart by the third (tested at
// the token after next before the phrase is read); the text may end after two of them, and a
// third element that is a stem or a gap is left to the phrase itself.
TEST(WordLevelTest, ThreeWordPhrasesAreToldApartByTheirThirdWord) {
  RuleSet rules = MustCompile(R"(
terms pick_you_up = "pick you up"
terms pick_you_at = "pick you at"
terms pick_you_sell (stem) = "pick you selling"
terms pick_you_gap = "pick you {0,1} tonight"
rule up { when text ~ pick_you_up }
rule at { when text ~ pick_you_at }
rule sell { when text ~ pick_you_sell }
rule gap { when text ~ pick_you_gap }
)");
  EXPECT_EQ(FiredOn(rules, "i can pick you up"), Strings{"up"});
  EXPECT_EQ(FiredOn(rules, "i can pick you at"), Strings{"at"});
  EXPECT_EQ(FiredOn(rules, "i can pick you"), Strings{});
  EXPECT_EQ(FiredOn(rules, "pick you sells"), Strings{"sell"});
  EXPECT_EQ(FiredOn(rules, "pick you tonight"), Strings{"gap"});
  EXPECT_EQ(FiredOn(rules, "pick you up tonight"), (Strings{"up", "gap"}));
  EXPECT_EQ(FiredOn(rules, "pick me up"), Strings{});
}

// A gap right after the first word: the word after the gap is looked for at the tokens the gap
// can reach (the word pass skips the phrase when it is at none of them), at the narrowest and
// the widest width, at the end of the text, and when it is a number written as a word.
TEST(WordLevelTest, AGapAfterTheFirstWordReachesExactlyItsWidths) {
  RuleSet rules = MustCompile(R"(
terms took_papers = "took {1,2} passport"
terms age_of = "age {0,1} 14"
rule t { when text ~ took_papers }
rule a { when text ~ age_of }
)");
  EXPECT_EQ(FiredOn(rules, "he took passport"), Strings{});          // the gap takes one at least
  EXPECT_EQ(FiredOn(rules, "he took her passport"), Strings{"t"});
  EXPECT_EQ(FiredOn(rules, "he took her old passport"), Strings{"t"});
  EXPECT_EQ(FiredOn(rules, "he took her old blue passport"), Strings{});
  EXPECT_EQ(FiredOn(rules, "he took her"), Strings{});                // the text ends in the gap
  EXPECT_EQ(FiredOn(rules, "took took passport"), Strings{"t"});      // from the first "took"
  EXPECT_EQ(FiredOn(rules, "age 14"), Strings{"a"});
  EXPECT_EQ(FiredOn(rules, "age about fourteen"), Strings{"a"});      // the dictionary's number
  EXPECT_EQ(FiredOn(rules, "age is about 14"), Strings{});
}

TEST(WordLevelTest, GapsInsidePhrasesSkipUpToTheirWidth) {
  RuleSet rules = MustCompile(R"(
terms took_papers = "took {0,3} passport"
rule t { when text ~ took_papers }
)");
  EXPECT_EQ(FiredOn(rules, "he took passport"), Strings{"t"});
  EXPECT_EQ(FiredOn(rules, "he took my old blue passport"), Strings{"t"});
  EXPECT_EQ(FiredOn(rules, "he took my old faded blue passport"), Strings{});
}

TEST(WordLevelTest, NumberRangesReadDigitsWordsAndSplitTokens) {
  RuleSet rules = MustCompile(R"(
terms age_word = "years old", "yo", "años"
rule minor { when text ~ near(number(10..17), age_word, within 1) }
)");
  EXPECT_EQ(FiredOn(rules, "she is 14 years old"), Strings{"minor"});
  EXPECT_EQ(FiredOn(rules, "a fourteen-year-old"), Strings{});  // "year old" is not in the list
  EXPECT_EQ(FiredOn(rules, "she is fourteen years old"), Strings{"minor"});
  EXPECT_EQ(FiredOn(rules, "she is 14yo"), Strings{"minor"});
  EXPECT_EQ(FiredOn(rules, "tiene catorce años"), Strings{"minor"});
  EXPECT_EQ(FiredOn(rules, "she is 34 years old"), Strings{});
  EXPECT_EQ(FiredOn(rules, "14 of them, years old"), Strings{});  // two words apart
}

TEST(WordLevelTest, NearIsUnorderedOrderedIsNotAndBothCountTheWordsBetween) {
  RuleSet rules = MustCompile(R"(
terms a = "alpha"
terms b = "beta"
rule n { when text ~ near(a, b, within 2) }
rule o { when text ~ ordered(a, b, within 2) }
)");
  EXPECT_EQ(FiredOn(rules, "alpha x y beta"), (Strings{"n", "o"}));
  EXPECT_EQ(FiredOn(rules, "beta x alpha"), Strings{"n"});
  EXPECT_EQ(FiredOn(rules, "alpha x y z beta"), Strings{});
}

TEST(WordLevelTest, SentenceKeepsPartsInOneSentence) {
  RuleSet rules = MustCompile(R"(
terms a = "alpha"
terms b = "beta"
rule s { when text ~ sentence(a, b) }
)");
  EXPECT_EQ(FiredOn(rules, "alpha and then a long way later comes beta."), Strings{"s"});
  EXPECT_EQ(FiredOn(rules, "Alpha. Beta."), Strings{});
  EXPECT_EQ(FiredOn(rules, "alpha. beta."), Strings{"s"});  // UAX #29: no break before lower case
  EXPECT_EQ(FiredOn(rules, "alpha\\nbeta"), Strings{});  // a line break ends a sentence
}

TEST(WordLevelTest, AnyTakesWordLevelPartsAndUnitesTheirMentions) {
  RuleSet rules = MustCompile(R"(
terms neg = "not"
context negated after 3 = neg
terms kid = "kid"
terms sell (stem) = "sell"
terms her = "her"
terms hurt = "hurt"
rule r { when text ~ sentence(kid, affirmed(any(hurt, ordered(sell, her, within 1)))) }
rule names { when text ~ any(hurt, sell) }
)");
  EXPECT_EQ(FiredOn(rules, "the kid says he sells her"), (Strings{"r", "names"}));
  EXPECT_EQ(FiredOn(rules, "the kid was hurt"), (Strings{"r", "names"}));
  EXPECT_EQ(FiredOn(rules, "the kid was not hurt"), Strings{"names"});  // negated: not affirmed
  EXPECT_EQ(FiredOn(rules, "the kid\\nwas hurt"), Strings{"names"});    // another sentence
  EXPECT_EQ(FiredOn(rules, "the kid sells old toys to her"), Strings{"names"});  // "her" too far
}

TEST(WordLevelTest, ContextTriggersNegateWithinTheirScopeUntilATerminator) {
  RuleSet rules = MustCompile(R"(
terms neg = "not", "never", "no"
terms but = "but", "pero"
terms past = "years ago"
terms hit = "hit", "hurt"
terms held = "no me deja salir"
context negated after 3 = neg
context historical around 6 = past
context terminate = but
rule yes { when text ~ affirmed(hit) }
rule neg_hit { when text ~ negated(hit) }
rule old { when text ~ historical(hit) }
rule held_now { when text ~ affirmed(held) }
)");
  EXPECT_EQ(FiredOn(rules, "he hit her"), Strings{"yes"});
  EXPECT_EQ(FiredOn(rules, "he did not hit her"), Strings{"neg_hit"});
  EXPECT_EQ(FiredOn(rules, "he never said a thing and hit her"), Strings{"yes"});  // past scope
  EXPECT_EQ(FiredOn(rules, "not him but he hit her"), Strings{"yes"});  // terminator
  EXPECT_EQ(FiredOn(rules, "He did not. He hit her"), Strings{"yes"});  // sentence end
  EXPECT_EQ(FiredOn(rules, "he hit her ten years ago"), Strings{"old"});
  // A mention that contains its trigger is not negated by it.
  EXPECT_EQ(FiredOn(rules, "el patron no me deja salir"), Strings{"held_now"});
}

TEST(WordLevelTest, APseudoTriggerHoldsATriggersWordsWithoutOpeningItsScope) {
  RuleSet rules = MustCompile(R"(
terms neg = "no", "not"
terms school = "homework"
terms pseudo = "no doubt", "not only", "homework app"
terms hit = "hit", "asked"
context negated after 4 = neg
context media around 6 = school
context pseudo = pseudo
rule yes { when text ~ affirmed(hit) }
rule neg_hit { when text ~ negated(hit) }
rule media_hit { when text ~ media(hit) }
)");
  // The pseudo-triggers: no scope.
  EXPECT_EQ(FiredOn(rules, "no doubt he hit her"), Strings{"yes"});
  EXPECT_EQ(FiredOn(rules, "not only did he hit her"), Strings{"yes"});
  EXPECT_EQ(FiredOn(rules, "a man on a homework app asked her age"), Strings{"yes"});
  // The triggers alone, or outside the pseudo mention, still open theirs.
  EXPECT_EQ(FiredOn(rules, "no he did not hit her"), Strings{"neg_hit"});
  EXPECT_EQ(FiredOn(rules, "no doubt, and not hit"), Strings{"neg_hit"});
  EXPECT_EQ(FiredOn(rules, "for homework she asked about it"), Strings{"media_hit"});
  // A pseudo mention that holds only part of a trigger does not cancel it.
  RuleSet partial = MustCompile(R"(
terms neg = "never again"
terms pseudo = "never"
terms hit = "hit"
context negated after 3 = neg
context pseudo = pseudo
rule yes { when text ~ affirmed(hit) }
)");
  EXPECT_EQ(FiredOn(partial, "never again hit"), Strings{});
}

TEST(WordLevelTest, UnnegatedKeepsEveryMentionButTheNegatedOnes) {
  RuleSet rules = MustCompile(R"(
terms neg = "not", "never"
terms past = "years ago"
terms hit = "hit"
context negated after 3 = neg
context historical around 6 = past
rule kept { when text ~ unnegated(hit) }
rule affirmed_only { when text ~ affirmed(hit) }
)");
  EXPECT_EQ(FiredOn(rules, "he hit her"), (Strings{"kept", "affirmed_only"}));
  EXPECT_EQ(FiredOn(rules, "he hit her ten years ago"), Strings{"kept"});  // the past stays
  EXPECT_EQ(FiredOn(rules, "he did not hit her"), Strings{});
}

TEST(WordLevelTest, ClauseBreaksEndContextScopesWhenTheAnalysisSaysSo) {
  constexpr char kRules[] = R"(
terms neg = "no", "never", "not"
terms passport = "passport", "well paid"
context negated after 4 = neg
rule kept { when text ~ affirmed(passport) }
)";
  const RuleSet plain = MustCompile(kRules);
  const RuleSet clauses = MustCompile(kRules, std::string(kConfig) + "  sentences:\n    clause_breaks: true\n");
  // Without clause breaks the negation reaches across the comma.
  EXPECT_EQ(FiredOn(plain, "no pay, keeps my passport"), Strings{});
  EXPECT_EQ(FiredOn(clauses, "no pay, keeps my passport"), Strings{"kept"});
  for (const char* text : {"no pay; passport kept", "no pay: passport kept", "no pay (passport kept)",
                           "no pay - passport kept", "no pay \u2014 passport kept"}) {
    EXPECT_EQ(FiredOn(clauses, text), Strings{"kept"}) << text;
  }
  // Inside a clause the negation holds; a hyphen inside a word is no break; nor is a dictionary
  // expansion (both words of "rn" -> "right now" share one written span).
  EXPECT_EQ(FiredOn(clauses, "she has no passport"), Strings{});
  EXPECT_EQ(FiredOn(clauses, "not a well-paid job, not the passport"), Strings{});
  EXPECT_EQ(FiredOn(clauses, "never rn passport"), Strings{});
}

TEST(WordLevelTest, ATriggerInsideOnePartOfACompositeNegatesNoneOfItsParts) {
  RuleSet rules = MustCompile(R"(
terms neg = "not", "don't", "no"
terms unless = "if i don't", "if she doesn't"
terms sleep_with = "sleep with", "see"
terms friend = "his friend", "his friends"
context negated after 4 = neg
rule coerced { when text ~ affirmed(ordered(unless, sleep_with, friend, within 2)) }
rule negated_coercion { when text ~ negated(ordered(unless, sleep_with, friend, within 2)) }
rule friend_affirmed { when text ~ affirmed(friend) }
)");
  // "don't" belongs to the statement's own wording: the statement is affirmed...
  EXPECT_EQ(FiredOn(rules, "he says if i don't sleep with his friend he will hurt me"),
            (Strings{"coerced"}));
  // ...while the part alone is still in the trigger's scope,
  EXPECT_EQ(FiredOn(rules, "i don't know his friend"), Strings{});
  // and a trigger outside every part still negates the composite.
  EXPECT_EQ(FiredOn(rules, "no, not if i don't sleep with his friend"),
            (Strings{"negated_coercion"}));
  EXPECT_EQ(FiredOn(rules, "his friend"), Strings{"friend_affirmed"});
}

TEST(WordLevelTest, CountOfHoldsWhenEnoughConditionsHold) {
  RuleSet rules = MustCompile(R"(
terms a = "alpha"
terms b = "beta"
terms c = "gamma"
rule two { when 2 of (text ~ a, text ~ b, text ~ c) }
)");
  EXPECT_EQ(FiredOn(rules, "alpha"), Strings{});
  EXPECT_EQ(FiredOn(rules, "alpha gamma"), Strings{"two"});
  EXPECT_EQ(FiredOn(rules, "alpha beta gamma"), Strings{"two"});
}

TEST(WordLevelTest, PrivateRulesTakePartButStayOutOfTheDecision) {
  RuleSet rules = MustCompile(R"(
terms a = "alpha"
private rule block { when text ~ a }
rule uses { when block urgency +30 }
)");
  const Decision d = Decide(rules, R"({"body":"alpha"})");
  EXPECT_EQ(Fired(d), Strings{"uses"});
  EXPECT_EQ(d.urgency, 30);
}

TEST(WordLevelTest, WordLevelCountCountsMentions) {
  RuleSet rules = MustCompile(R"(
terms a = "alpha"
rule many { when count(text ~ a) >= 2 }
)");
  EXPECT_EQ(FiredOn(rules, "alpha"), Strings{});
  EXPECT_EQ(FiredOn(rules, "alpha and alpha"), Strings{"many"});
}

TEST(WordLevelTest, RegexesInsideProximityMapToTheTokensTheyTouch) {
  RuleSet rules = MustCompile(R"(
terms room = "room"
rule r { when text ~ near(room, /\b\d{3}\b/, within 0) }
)");
  EXPECT_EQ(FiredOn(rules, "motel room 214 now"), Strings{"r"});
  EXPECT_EQ(FiredOn(rules, "room is 214"), Strings{});
}

TEST(WordLevelTest, DecisionsAreIdenticalAcrossScannersAndRuns) {
  RuleSet rules = MustCompile(R"(
terms a (stem) = "sell"
terms neg = "not"
context negated after 3 = neg
rule r { when text ~ affirmed(near(a, number(10..17), within 4)) urgency +40 }
)");
  std::mt19937 rng(7);
  const Strings words = {"sell", "selling", "not", "14", "fourteen", "the", "girl", ".", "but"};
  for (int i = 0; i < 200; ++i) {
    std::string text;
    for (int w = 0; w < 12; ++w) text += words[rng() % words.size()] + " ";
    const std::string json = R"({"body":")" + text + R"("})";
    EXPECT_EQ(Fired(Decide(rules, json)), Fired(Decide(rules, json)));
  }
}

// ---- the checker ----------------------------------------------------------------------------

Compiled Check(const std::string& rules, const std::string& config = kConfig) {
  return CompileFiles({{"test.rules", rules}, {"sms.dict", kDict}}, config);
}

TEST(WordLevelCheckTest, ReportsEachMisuseAtItsPosition) {
  EXPECT_TRUE(CompileText("terms a (stem) = \"x\"\nrule r { when text ~ a }").Has("no-stemmer", 1, 10));
  EXPECT_TRUE(Check("terms a (fuzzy) = \"x\"\nrule r { when text ~ a }").Has("unknown-option", 1, 10));
  EXPECT_TRUE(Check("terms a = \"{1,2} x\"\nrule r { when text ~ a }").Has("bad-phrase", 1, 11));
  EXPECT_TRUE(Check("terms a = \"x {3,1} y\"\nrule r { when text ~ a }").Has("bad-phrase", 1, 11));
  EXPECT_TRUE(Check("terms a = \"...\"\nrule r { when text ~ a }").Has("bad-phrase", 1, 11));
  EXPECT_TRUE(Check("rule r { when text ~ number(17..10) }").Has("bad-range", 1, 22));
  EXPECT_TRUE(Check("terms a = \"x\"\nrule r { when text ~ near(a) }").Has("bad-arity", 2, 22));
  EXPECT_TRUE(Check("terms a = \"x\"\nrule r { when text ~ sentence(a, a, within 2) }")
                  .Has("bad-arity", 2, 44));
  EXPECT_TRUE(Check("terms a = \"x\"\nrule r { when text ~ affirmed(a, a) }").Has("bad-arity", 2, 22));
  EXPECT_TRUE(Check("terms a = \"x\"\nrule r { when text ~ any(a, near(a, a), within 2) }")
                  .Has("bad-arity", 2, 48));
  EXPECT_TRUE(Check("terms a = \"x\"\nrule r { when text ~ near(any(\"x\"), a) }").Has("syntax", 2, 31));
  EXPECT_TRUE(Check("terms a = \"x\"\ncontext doubt after 3 = a\nrule r { when text ~ a }")
                  .Has("unknown-context", 2, 9));
  EXPECT_TRUE(Check("terms a = \"x\"\ncontext negated sideways 3 = a\nrule r { when text ~ a }")
                  .Has("bad-context", 2, 17));
  EXPECT_TRUE(Check("terms a = \"x\"\ncontext negated = a\nrule r { when text ~ a }")
                  .Has("bad-context", 2, 9));
  EXPECT_TRUE(Check("list l = \"x\"\ncontext negated after 3 = l\nrule r { when text ~ l }")
                  .Has("unknown-name", 2, 27));
  EXPECT_TRUE(Check("terms a = \"x\"\nrule r { when 4 of (text ~ a, text ~ a) }")
                  .Has("bad-count-of", 2, 15));
  EXPECT_TRUE(Check("terms a = \"x\"\nprivate rule r { when text ~ a urgency +5 }")
                  .Has("private-rule-scores", 2, 32));
  EXPECT_TRUE(Check("terms a = \"x\"\nlist a = \"y\"\nrule r { when text ~ a }")
                  .Has("duplicate-name", 2, 6));
  EXPECT_TRUE(Check("terms a = \"x\"\nterms b = \"y\"\nrule r { when text ~ a }")
                  .Has("unused-terms", 2, 7));
}

TEST(WordLevelCheckTest, ReportsLeetMisuseAtItsPosition) {
  EXPECT_TRUE(Check("terms a (leet) = \"k1ll\"\nrule r { when text ~ a }").Has("bad-leet", 1, 18));
  EXPECT_TRUE(Check("terms a (leet) = \"x\", \"b4 school\"\nrule r { when text ~ a }")
                  .Has("bad-leet", 1, 23));
  EXPECT_TRUE(Check("terms a (leet, leet) = \"x\"\nrule r { when text ~ a }")
                  .Has("duplicate-option", 1, 16));
  EXPECT_TRUE(Check("terms a (stem, leet, stem) = \"x\"\nrule r { when text ~ a }")
                  .Has("duplicate-option", 1, 22));
  EXPECT_TRUE(Check("list l (leet) = \"x\"\nrule r { when text ~ l }").Has("unknown-option", 1, 9));
  EXPECT_TRUE(
      Check("terms a (leat) = \"x\"\nrule r { when text ~ a }").Has("unknown-option", 1, 10));
  // Numbers with units and plain words are fine in a leet list; leet spellings elsewhere too.
  EXPECT_TRUE(Check("terms a (leet) = \"14yo\", \"24 hours\", \"sex\"\nrule r { when text ~ a }")
                  .Codes()
                  .empty());
  EXPECT_TRUE(Check("terms a = \"k1ll\"\nrule r { when text ~ a }").Codes().empty());
}

TEST(WordLevelCheckTest, AStemLanguageMustBeAConfiguredStemmer) {
  Compiled french = Check("terms a (stem french) = \"x\"\nrule r { when text ~ a }");
  EXPECT_FALSE(french.rules);
  EXPECT_EQ(french.Codes(), Strings{"unknown-stemmer"});
  EXPECT_TRUE(french.Has("unknown-stemmer", 1, 15)) << french.Rendered();
  EXPECT_NE(french.Rendered().find("terms 'a' asks for stems in 'french', which is not a "
                                   "configured stemmer (analysis.stemmers: english and spanish)"),
            std::string::npos)
      << french.Rendered();
  EXPECT_NE(french.Rendered().find("add 'french' there"), std::string::npos) << french.Rendered();
  EXPECT_NE(french.Rendered().find("| terms a (stem french) = \"x\"\n"), std::string::npos)
      << french.Rendered();
  EXPECT_NE(french.Rendered().find("|               ^~~~~~\n"), std::string::npos)
      << french.Rendered();

  Compiled typo = Check("terms a (stem englsh, leet) = \"x\"\nrule r { when text ~ a }");
  EXPECT_TRUE(typo.Has("unknown-stemmer", 1, 15)) << typo.Rendered();
  EXPECT_NE(typo.Rendered().find("did you mean 'english'?"), std::string::npos) << typo.Rendered();

  // A comma forgotten between two options reads the second as a language.
  Compiled comma = Check("terms a (stem leet) = \"x\"\nrule r { when text ~ a }");
  EXPECT_TRUE(comma.Has("unknown-stemmer", 1, 15)) << comma.Rendered();
  EXPECT_NE(comma.Rendered().find("separate options with a comma: (stem, leet)"), std::string::npos)
      << comma.Rendered();
  EXPECT_TRUE(Check("terms a (leet english) = \"x\"\nrule r { when text ~ a }")
                  .Has("unknown-option", 1, 15));

  // Each language once, in one option.
  EXPECT_TRUE(Check("terms a (stem english spanish english) = \"x\"\nrule r { when text ~ a }")
                  .Has("duplicate-option", 1, 31));
  Compiled twice = Check("terms a (stem english, stem spanish) = \"x\"\nrule r { when text ~ a }");
  EXPECT_TRUE(twice.Has("duplicate-option", 1, 24)) << twice.Rendered();
  EXPECT_NE(twice.Rendered().find("name several languages in one option: (stem english spanish)"),
            std::string::npos)
      << twice.Rendered();

  // No stemmer configured at all: no-stemmer, as for a plain (stem).
  EXPECT_EQ(CompileText("terms a (stem english) = \"x\"\nrule r { when text ~ a }").Codes(),
            Strings{"no-stemmer"});
  // Any configured language is fine, whatever its position in the list.
  EXPECT_TRUE(Check("terms a (stem spanish) = \"x\"\nterms b (stem english, leet) = \"y\"\n"
                    "rule r { when text ~ any(a, b) }")
                  .Codes()
                  .empty());
}

TEST(WordLevelCheckTest, AStemListsLanguagesArePartOfTheDigest) {
  auto digest = [](const std::string& options) {
    Compiled c = Check("terms a " + options + " = \"sell\"\nrule r { when text ~ a }");
    EXPECT_TRUE(c.rules) << c.Rendered();
    return c.rules ? c.rules->digest() : std::string();
  };
  const std::string plain = digest("(stem)");
  EXPECT_EQ(digest("(stem)"), plain);
  EXPECT_NE(digest("(stem english)"), plain);
  EXPECT_NE(digest("(stem spanish)"), plain);
  EXPECT_NE(digest("(stem english)"), digest("(stem spanish)"));
  EXPECT_NE(digest("(stem english spanish)"), plain);
}

// ---- one-word stemmed terms with a short stem (short-stem) -----------------------------------

TEST(WordLevelCheckTest, AStemmedTermWithAShortStemIsWarnedAtItsString) {
  Compiled c = Check("terms live (stem english) = \"camming\"\nrule r { when text ~ live }");
  ASSERT_TRUE(c.rules) << c.Rendered();  // a warning: the ruleset loads
  EXPECT_EQ(c.Codes(), Strings{"short-stem"});
  EXPECT_TRUE(c.Has("short-stem", 1, 29)) << c.Rendered();
  EXPECT_NE(c.Rendered().find("stemmed term \"camming\" reads as the stem \"cam\" in english: it "
                              "matches every word with that stem"),
            std::string::npos)
      << c.Rendered();
  // What it warns about.
  EXPECT_EQ(FiredOn(*c.rules, "she is on cam every night"), Strings{"r"});
}

TEST(WordLevelCheckTest, AShortStemIsWarnedInTheLanguagesOfItsList) {
  // "made" is its own English stem and reads "mad" in Spanish: plain (stem) warns, (stem english)
  // does not; "camming" is its own Spanish stem.
  const std::vector<std::pair<std::string, std::string>> warned = {
      {"(stem) = \"made\"", "\"made\" reads as the stem \"mad\" in spanish"},
      {"(stem spanish) = \"made\"", "\"made\" reads as the stem \"mad\" in spanish"},
      {"(stem) = \"camming\"", "\"camming\" reads as the stem \"cam\" in english"},
      {"(stem) = \"flies\"", "\"flies\" reads as the stem \"fli\" in english and spanish"},
      {"(stem, leet) = \"kids\"", "\"kids\" reads as the stem \"kid\" in english"},
      {"(stem) = \"ads\"", "\"ads\" reads as the stem \"ad\" in english"},
  };
  for (const auto& [decl, message] : warned) {
    Compiled c = Check("terms a " + decl + "\nrule r { when text ~ a }");
    EXPECT_EQ(c.Codes(), Strings{"short-stem"}) << decl << "\n" << c.Rendered();
    EXPECT_NE(c.Rendered().find("stemmed term " + message), std::string::npos) << c.Rendered();
  }
}

TEST(WordLevelCheckTest, NoShortStemForPhrasesLongStemsOrTermsThatAreTheirStem) {
  // Gaps and several words narrow a phrase; a stem of 4 characters or more, a term that is its
  // own stem in every language ("cam", "sex"), a number and a list without stems are not warned.
  Compiled c = Check(R"(terms a (stem) = "camming {0,2} show", "camming show", "girls", "cooking",
  "cam", "sex", "14"
terms b (stem english) = "made", "selling"
terms c (stem spanish) = "camming"
terms d = "camming", "kids"
rule r { when text ~ any(a, b, c, d) })");
  ASSERT_TRUE(c.rules) << c.Rendered();
  EXPECT_TRUE(c.Codes().empty()) << c.Rendered();
}

// ---- terms that read as less than is written (term-drops-text) -------------------------------

TEST(WordLevelCheckTest, ATermWithACharacterTheAnalysisDropsIsWarnedAtItsString) {
  Compiled c = Check("terms close = \"wrong #\", \"wrong number\"\nrule r { when text ~ close }");
  ASSERT_TRUE(c.rules) << c.Rendered();  // a warning: the ruleset loads
  EXPECT_EQ(c.Codes(), Strings{"term-drops-text"});
  EXPECT_TRUE(c.Has("term-drops-text", 1, 15)) << c.Rendered();
  EXPECT_NE(c.Rendered().find("term \"wrong #\" reads as \"wrong\": '#' is not part of any word "
                              "(the analysis drops it)"),
            std::string::npos)
      << c.Rendered();
  // What it warns about: the term is the bare word.
  EXPECT_EQ(FiredOn(*c.rules, "I may be wrong about ages"), Strings{"r"});
}

TEST(WordLevelCheckTest, ATermWarnsWithWhatItReadsAsAndEachCharacterDropped) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"c/o", "reads as \"c o\": '/' is not"},
      {"+18", "reads as \"18\": '+' is not"},
      {"18+", "reads as \"18\": '+' is not"},
      {"n/a", "reads as \"n a\": '/' is not"},
      {"$$$ fast", "reads as \"fast\": '$' is not"},
      {"u @ home", "reads as \"you home\": '@' is not"},  // the dictionary still applies
      {"took # {0,3} passport", "reads as \"took {0,3} passport\": '#' is not"},
      {"a/b+c/d",
       "reads as \"a b c d\": '/' and '+' are not part of any word (the analysis "
       "drops them)"},
      {"who's this?!", "reads as \"who's this\": '?' and '!' are not"},
  };
  for (const auto& [term, reading] : cases) {
    Compiled c = Check("terms a = \"" + term + "\"\nrule r { when text ~ a }");
    ASSERT_TRUE(c.rules) << term << "\n" << c.Rendered();
    EXPECT_TRUE(c.Has("term-drops-text", 1, 11)) << term << "\n" << c.Rendered();
    EXPECT_NE(c.Rendered().find("term \"" + term + "\" " + reading), std::string::npos)
        << c.Rendered();
  }
}

TEST(WordLevelCheckTest, CaseAccentsGapsHyphensApostrophesAndTheDictionaryLoseNothing) {
  // Folding and the dictionary are the analysis's purpose; a hyphen between words reads as a
  // space in the text too; an apostrophe inside a word stays in it ("don't" is not "dont"), and
  // one at a word's edge is a quote mark, never part of a word in the text either.
  Compiled c = Check(R"(terms a = "NIÑA", "Él La Vendió", "took {0,3} passport", "a {0,2} b",
  "keeps {2} papers", "14-year-old", "don't tell", "don’t tell", "rock 'n' roll", "'em", "kids'",
  "call me rn", "u up", "2.5 hours", "e.g this"
rule r { when text ~ a })");
  ASSERT_TRUE(c.rules) << c.Rendered();
  EXPECT_TRUE(c.Codes().empty()) << c.Rendered();
}

TEST(WordLevelCheckTest, ATermOfOnlyDroppedCharactersIsAnError) {
  Compiled c = Check("terms a = \"x\", \"###\", \"+ / +\", \"\"\nrule r { when text ~ a }");
  EXPECT_FALSE(c.rules);
  EXPECT_EQ(c.Codes(), (Strings{"bad-phrase", "bad-phrase", "bad-phrase"})) << c.Rendered();
  EXPECT_TRUE(c.Has("bad-phrase", 1, 16)) << c.Rendered();
  EXPECT_NE(c.Rendered().find("has no word: '#' is not part of any word (the analysis drops it)"),
            std::string::npos)
      << c.Rendered();
  EXPECT_TRUE(c.Has("bad-phrase", 1, 23)) << c.Rendered();
  EXPECT_NE(c.Rendered().find("has no word: '+' and '/' are not part of any word"),
            std::string::npos)
      << c.Rendered();
  EXPECT_TRUE(c.Has("bad-phrase", 1, 32)) << c.Rendered();
}

TEST(WordLevelCheckTest, TermsThatDropTextAreWarnedInSourceOrder) {
  // Lists compile in name order; their warnings come in the order of the files.
  Compiled c =
      Check("terms z = \"x #\"\nterms a = \"y #\", \"w & v\"\nrule r { when text ~ any(a, z) }");
  ASSERT_TRUE(c.rules) << c.Rendered();
  ASSERT_EQ(c.diagnostics.items().size(), 3u) << c.Rendered();
  EXPECT_TRUE(c.Has("term-drops-text", 1, 11)) << c.Rendered();
  EXPECT_TRUE(c.Has("term-drops-text", 2, 11)) << c.Rendered();
  EXPECT_TRUE(c.Has("term-drops-text", 2, 18)) << c.Rendered();
  const std::vector<Diagnostic>& items = c.diagnostics.items();
  EXPECT_LT(items[0].span.begin, items[1].span.begin);
  EXPECT_LT(items[1].span.begin, items[2].span.begin);
}

TEST(WordLevelCheckTest, MissingAndMalformedDictionariesAreErrors) {
  EXPECT_TRUE(Check("rule r { when text ~ /x/ }",
                    "analysis:\n  dictionaries: [absent.dict]\n").Codes() ==
              Strings{"dictionary-not-found"});
  Compiled bad = CompileFiles({{"test.rules", "rule r { when text ~ /x/ }"},
                               {"sms.dict", "u you\n"}}, "analysis:\n  dictionaries: [sms.dict]\n");
  EXPECT_FALSE(bad.rules.has_value());
  EXPECT_EQ(bad.Codes(), Strings{"bad-dictionary"});
}

TEST(WordLevelCheckTest, TheDictionaryIsPartOfTheDigest) {
  const std::string rules = "terms a = \"x\"\nrule r { when text ~ a }";
  Compiled one = CompileFiles({{"test.rules", rules}, {"sms.dict", "u => you\n"}}, kConfig);
  Compiled two = CompileFiles({{"test.rules", rules}, {"sms.dict", "u => yo\n"}}, kConfig);
  ASSERT_TRUE(one.rules && two.rules);
  EXPECT_NE(one.rules->digest(), two.rules->digest());
  EXPECT_EQ(one.rules->sources().back().name, "sms.dict");
}

}  // namespace
}  // namespace triage::testing

namespace triage::testing {
namespace {

TEST(WordLevelExplainTest, ExplainShowsTheMentionsTheirContextAndSpans) {
  Compiled c = CompileText(R"(
terms neg = "not"
terms hit = "hit"
context negated after 3 = neg
rule n { when text ~ negated(hit) }
)");
  ASSERT_TRUE(c.rules) << c.Rendered();
  Scanner scanner(*c.rules);
  Explanation e;
  ASSERT_TRUE(scanner.Explain(R"({"body":"he did not hit her"})", ScanOptions(), &e).ok());
  ASSERT_EQ(e.rules.size(), 1u);
  EXPECT_TRUE(e.rules[0].fired);
  EXPECT_EQ(e.rules[0].condition.detail, "\"hit\" (negated)");
  ASSERT_EQ(e.rules[0].spans.size(), 1u);
  EXPECT_EQ(e.rules[0].spans[0].begin, 11u);
  EXPECT_EQ(e.rules[0].spans[0].end, 14u);
  ASSERT_EQ(e.texts.size(), 1u);  // the word field's text, for highlighting
  EXPECT_EQ(e.texts[0].field, "text");
}

}  // namespace
}  // namespace triage::testing

namespace triage::testing {
namespace {

// The spans of rule `rule` in an explanation, sorted, and whether it fired.
std::vector<std::tuple<std::string, uint32_t, uint32_t, uint32_t>> SpansOf(const Explanation& e,
                                                                           const std::string& rule,
                                                                           bool* fired) {
  std::vector<std::tuple<std::string, uint32_t, uint32_t, uint32_t>> out;
  *fired = false;
  for (const RuleTrace& trace : e.rules) {
    if (trace.rule != rule) continue;
    *fired = trace.fired;
    for (const MatchSpan& s : trace.spans) out.emplace_back(s.field, s.value, s.begin, s.end);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A list that includes others by name holds their phrases, each compiled with its own list's
// options (stems in one language, leet), as if any(...) of them were written: the same records
// fire with the same mention spans, also under a context filter and in a context trigger.
TEST(WordLevelTest, AComposedListMatchesAsAnyOfItsParts) {
  RuleSet rules = MustCompile(R"(
terms sell_en (stem english) = "selling"
terms sell_es (stem spanish) = "vender"
terms kill_leet (leet) = "kill"
terms neg_en = "not"
terms neg_es = "no"
terms neg = neg_en, neg_es
terms sell_all = sell_en, sell_es, kill_leet, "right now"
context negated after 3 = neg
rule composed { when text ~ sell_all }
rule spelled { when text ~ any(sell_en, sell_es, kill_leet, now_plain) }
rule composed_aff { when text ~ affirmed(sell_all) }
rule spelled_aff { when text ~ affirmed(any(sell_en, sell_es, kill_leet, now_plain)) }
terms now_plain = "right now"
)");
  Scanner scanner(rules);
  const Strings texts = {"he sells girls",
                         "la venden rn en internet",
                         "i will k1ll u",
                         "he does not sell, la vende ahora",
                         "no venden right now",
                         "a quiet street",
                         "selling selling vendemos k1ll kill right now"};
  for (const std::string& text : texts) {
    Explanation e;
    ASSERT_TRUE(scanner.Explain(R"({"body":")" + text + R"("})", ScanOptions(), &e).ok());
    bool composed = false;
    bool spelled = false;
    EXPECT_EQ(SpansOf(e, "composed", &composed), SpansOf(e, "spelled", &spelled)) << text;
    EXPECT_EQ(composed, spelled) << text;
    EXPECT_EQ(SpansOf(e, "composed_aff", &composed), SpansOf(e, "spelled_aff", &spelled)) << text;
    EXPECT_EQ(composed, spelled) << text;
  }
  EXPECT_EQ(FiredOn(rules, "he sells girls"),
            (Strings{"composed", "spelled", "composed_aff", "spelled_aff"}));
  EXPECT_EQ(FiredOn(rules, "no venden"), (Strings{"composed", "spelled"}));  // negated by neg_es
  EXPECT_EQ(FiredOn(rules, "a quiet street"), Strings{});
}

TEST(WordLevelTest, ComposedListErrorsAreReportedAtTheName) {
  Compiled c = CompileText(R"(
terms a = "x"
pattern p = /y/
terms bad = a, nope, p, a
terms loop1 = loop2
terms loop2 = loop1
rule r { when text ~ bad or text ~ loop1 }
)");
  EXPECT_FALSE(c.rules);
  const std::string rendered = c.Rendered();
  EXPECT_NE(rendered.find("test.rules:4:16: error: unknown terms 'nope' [unknown-name]"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("[include-cycle]"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("[duplicate-include]"), std::string::npos) << rendered;
}

}  // namespace
}  // namespace triage::testing

namespace triage::testing {
namespace {

// Rules that share a word-level subexpression (one span node after compilation) each see its
// mentions, whichever of them is evaluated first and whether or not the others fire; a part
// written twice in one near(...) needs two mentions; a part shared by a near(...) and an
// any(...) completes both.
TEST(WordLevelTest, SharedSubexpressionsHoldForEveryRuleThatReadsThem) {
  RuleSet rules = MustCompile(R"(
terms girl = "girl", "nina"
terms sold = "sold", "vendida"
terms now = "now", "ahora"
terms hit = "hit"
rule a { when text ~ near(girl, sold, within 2) }
rule b { when text ~ near(girl, sold, within 2) and text ~ now }
rule c { when text ~ any(near(girl, sold, within 2), hit) }
rule d { when text ~ sentence(near(girl, sold, within 2), now) }
rule twice { when text ~ near(girl, girl, within 3) }
rule e { when a and not text ~ near(girl, sold, within 2) }
)");
  EXPECT_EQ(FiredOn(rules, "the girl was sold"), (Strings{"a", "c"}));
  EXPECT_EQ(FiredOn(rules, "the girl was sold now"), (Strings{"a", "b", "c", "d"}));
  EXPECT_EQ(FiredOn(rules, "the girl was sold. Now"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(FiredOn(rules, "he hit a girl"), Strings{"c"});
  EXPECT_EQ(FiredOn(rules, "girl and nina"), Strings{"twice"});
  EXPECT_EQ(FiredOn(rules, "a girl sold the girl"), (Strings{"a", "c", "twice"}));
  EXPECT_EQ(FiredOn(rules, "girl a b c d sold now"), Strings{});
  EXPECT_EQ(FiredOn(rules, "now"), Strings{});
}

}  // namespace
}  // namespace triage::testing
