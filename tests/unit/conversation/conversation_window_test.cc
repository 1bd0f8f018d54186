// SPDX-License-Identifier: Apache-2.0
// Tests of the conversation window's word pass (engine/src/conversation/conversation_scanner.cc,
// step 5; analysis_cache.h; Analyzer::AnalyzeLines) through the public API: the window's
// analysis is put together from its messages' analyses, and must give what analysing the joined
// text gives. Each conversation decision is checked against a plain Scanner run on a record
// whose text is the window joined, combined as the conversation combines decisions (the higher
// of the window's and the message's own; the highest so far). The pack reads words across
// message boundaries (a phrase, near, a context scope that a clause or a sentence stops,
// sentence()), so a wrong offset or sentence index in the put-together analysis changes a
// decision. (A line's first token also starts a sentence, so its clause mark changes no rule:
// analyzer_test.cc compares the analyses themselves, clause marks included.)
#include "triage/conversation_scanner.h"

#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/conversation_store.h"
#include "triage/triage.h"

#include "support/compile_helpers.h"
#include "unit/conversation/conversation_fixture.h"

namespace triage {
namespace {

using conversation_testing::Sms;
using conversation_testing::Thread;

constexpr char kWordRules[] = R"(
category hotline_contact "A contact with no case in it yet"

terms meet_up = "meet up"
terms alpha = "alpha", "niña"
terms beta = "beta", "14"
terms neg = "not"
terms hit = "hit"
terms ok_word = "ok"
terms gap = "pay {0,2} cash"
context negated after 3 = neg

rule phrase { when text ~ meet_up  urgency +7  category hotline_contact +3 }
rule gapped { when text ~ gap  urgency +11  category hotline_contact +5 }
rule floored { when text ~ ok_word and not text ~ hit  urgency >= 20  category hotline_contact +1 }
rule same_sentence { when text ~ sentence(alpha, beta)  urgency +13 }
rule close { when text ~ near(alpha, beta, within 2)  urgency +17 }
rule ordered_pair { when text ~ ordered(beta, alpha, within 1)  urgency +19 }
rule neg_hit { when text ~ negated(hit)  urgency +23 }
rule plain_hit { when text ~ affirmed(hit)  urgency +29 }
rule number_range { when text ~ number(10..20)  urgency +31 }
rule two_alphas { when count(text ~ alpha) >= 2  urgency +37 }
)";

// A decision's hits in full: rule, urgency, floor and category scores of each.
std::string Hits(const Decision& decision) {
  std::string out;
  for (const RuleHit& hit : decision.rules) {
    out += hit.rule + " " + std::to_string(hit.urgency);
    if (hit.floor.has_value()) out += " >=" + std::to_string(*hit.floor);
    for (const CategoryScore& category : hit.categories) {
      out += " " + category.name + "+" + std::to_string(category.score);
    }
    out += "; ";
  }
  return out;
}

// What the conversation offers, from a plain Scanner on the joined window: the rule names, hits
// and urgency of the decision the conversation would hold.
struct Offered {
  int urgency = 0;
  std::vector<std::string> rules;
  std::string hits;
};

Offered Of(const Decision& decision) {
  return {decision.urgency, testing::Fired(decision), Hits(decision)};
}

std::string JsonEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const std::vector<std::string> kWords = {
    "meet", "up", "alpha",    "beta", "not",   "hit",  "pay",  "me", "cash",
    "niña", "14", "fourteen", "the",  "Alpha", "Beta", ",",    ".",  ";",
    " - ",  "12", "ok",       "Niña", "(",     ")",    "hit.", "up,"};

// Random messages over a vocabulary that makes the pack's constructs meet across messages.
// Many messages repeat (the cache then serves one conversation's text to another, and the word
// pass reads a line's phrase matches from its memo). `repeat`: out of 12, how often a message is
// one sent before; messages have 1 to `longest` words.
void CompareWithJoinedText(const std::string& config, uint32_t seed, const char* pack = kWordRules,
                           const std::vector<std::string>& words = kWords, size_t repeat = 3,
                           size_t longest = 5) {
  testing::Compiled compiled = testing::CompileText(pack, config);
  ASSERT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  const RuleSet& rules = *compiled.rules;
  Thread thread(rules);
  Scanner reference(rules);

  std::mt19937 random(seed);
  std::uniform_int_distribution<size_t> pick(0, words.size() - 1);
  std::uniform_int_distribution<size_t> length(1, longest);
  std::uniform_int_distribution<size_t> pool_pick(0, 11);
  std::vector<std::string> pool;  // earlier messages, sent again now and then
  constexpr int kConversations = 6;
  constexpr int kMessages = 14;  // under max_messages (20): the window is every message
  std::vector<std::vector<std::string>> texts(kConversations);
  std::vector<Offered> held(kConversations);
  for (int m = 0; m < kMessages; ++m) {
    for (int c = 0; c < kConversations; ++c) {
      std::string body;
      if (!pool.empty() && pool_pick(random) < repeat) {
        body = pool[random() % pool.size()];
      } else {
        const size_t n = length(random);
        for (size_t i = 0; i < n; ++i) {
          if (i > 0) body.push_back(' ');
          body += words[pick(random)];
        }
        pool.push_back(body);
      }
      texts[c].push_back(body);
      const std::string time = "2026-11-02T10:" + std::string(m < 10 ? "0" : "") +
                               std::to_string(m) + ":00Z";
      const std::string conversation = "c-" + std::to_string(c);
      Decision own;
      const Decision decision = thread.Scan(
          Sms{"s-" + std::to_string(c) + "-" + std::to_string(m), body, time, conversation},
          &own);

      // The reference: the window's text, joined, as one record.
      std::string window;
      for (size_t i = 0; i < texts[c].size(); ++i) {
        if (i > 0) window.push_back('\n');
        window += texts[c][i];
      }
      Decision joined;
      ASSERT_TRUE(reference
                      .ScanJson(Sms{"w", JsonEscape(window), time, conversation}.Json(), &joined)
                      .ok());
      Offered offered = Of(joined);
      if (own.urgency > offered.urgency) offered = Of(own);
      if (m == 0 || offered.urgency >= held[c].urgency) held[c] = offered;
      ASSERT_EQ(testing::Fired(decision), held[c].rules)
          << "seed " << seed << ", conversation " << c << ", window:\n" << window;
      ASSERT_EQ(decision.urgency, held[c].urgency) << "window:\n" << window;
      // Hits of windows dropped or replaced are rewritten for later ones: each in full.
      ASSERT_EQ(Hits(decision), held[c].hits) << "window:\n" << window;
    }
  }
}

TEST(ConversationWindowTest, TheWindowReadsAsItsJoinedText) {
  for (uint32_t seed = 1; seed <= 12; ++seed) CompareWithJoinedText("", seed);
}

TEST(ConversationWindowTest, TheWindowReadsAsItsJoinedTextWithClauseBreaks) {
  const std::string config =
      "analysis:\n  sentences:\n    clause_breaks: true\n    lowercase_after_stop: true\n";
  for (uint32_t seed = 101; seed <= 112; ++seed) CompareWithJoinedText(config, seed);
}

TEST(ConversationWindowTest, TheWindowReadsAsItsJoinedTextWhenLineBreaksDoNotEndSentences) {
  const std::string config = "analysis:\n  sentences:\n    line_breaks: false\n";
  for (uint32_t seed = 201; seed <= 206; ++seed) CompareWithJoinedText(config, seed);
}

// Phrases that reach past the end of a message by up to nine tokens (gaps, four words), from
// messages that mostly repeat: a repeated line's matches come from its memo, and the phrases from
// its last tokens are tested again against the next line's tokens, in their place, so that the
// mentions kept under the 256-a-list bound (near() and count() read them) are the same.
constexpr char kReachRules[] = R"(
category hotline_contact "A contact with no case in it yet"

terms wide = "pay {0,8} cash", "pay me"
terms long = "a b c d", "b c"
terms mixed = "c {1,3} pay", "pay", "d a"
terms last = "z"

rule wide_near_last { when text ~ near(wide, last, within 1)  urgency +7 }
rule long_near_last { when text ~ near(long, last, within 0)  urgency +11 }
rule mixed_then_last { when text ~ ordered(mixed, last, within 2)  urgency +13 }
rule many_long { when count(text ~ long) >= 9  urgency +17 }
rule many_wide { when count(text ~ wide) >= 4  urgency +19 }
)";

TEST(ConversationWindowTest, RepeatedMessagesWithPhrasesReachingPastThemReadAsTheirJoinedText) {
  const std::vector<std::string> words = {"pay", "cash", "me", "a", "b", "c", "d", "x", "z"};
  for (uint32_t seed = 301; seed <= 316; ++seed) {
    CompareWithJoinedText("", seed, kReachRules, words, /*repeat=*/9, /*longest=*/12);
  }
  // Long messages of few words: a list's 256 mentions are reached within the window.
  const std::vector<std::string> dense = {"b c", "pay cash", "a b c d", "z", "pay me"};
  for (uint32_t seed = 401; seed <= 406; ++seed) {
    CompareWithJoinedText("", seed, kReachRules, dense, /*repeat=*/10, /*longest=*/40);
  }
}

// The 256 mentions a list keeps are the first the word pass finds, in text order: a phrase that
// reads past its message ("x {0,3} y", from "x z" into "y w") is found in its place, before the
// "z" after it, also when "x z" is read from its memo (the window of its next message).
TEST(ConversationWindowTest, APhraseReadingPastItsMessageKeepsItsPlaceUnderTheMentionBound) {
  constexpr char kPack[] = R"(
category hotline_contact "A contact with no case in it yet"
terms l = "x {0,3} y", "z"
terms w = "w"
rule x_to_w { when text ~ near(l, w, within 0)  urgency +7 }
)";
  testing::Compiled compiled = testing::CompileText(kPack, "");
  ASSERT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  Thread thread(*compiled.rules);
  std::string zs;
  for (int i = 0; i < 255; ++i) zs += i == 0 ? "z" : " z";
  thread.Scan(Sms{"s-1", zs, "2026-11-02T10:00:00Z", "c-1"});
  thread.Scan(Sms{"s-2", "x z", "2026-11-02T10:01:00Z", "c-1"});
  const Decision third = thread.Scan(Sms{"s-3", "y w", "2026-11-02T10:02:00Z", "c-1"});
  EXPECT_EQ(testing::Fired(third), std::vector<std::string>{"x_to_w"});

  // The same window as one text.
  Decision joined;
  ASSERT_TRUE(
      Scanner(*compiled.rules)
          .ScanJson(Sms{"w", zs + "\\nx z\\ny w", "2026-11-02T10:02:00Z", "c-9"}.Json(), &joined)
          .ok());
  EXPECT_EQ(testing::Fired(joined), std::vector<std::string>{"x_to_w"});
}

// A window's token keys come from its messages' memos while the scanner's lexicon lasts; a
// message of more than 65,536 distinct words makes the scanner forget it (at its next record),
// and the keys kept before are read no more: "go delta" and "x", kept by the window of "x",
// then "now" still read "go delta x now".
TEST(ConversationWindowTest, KeysKeptBeforeTheLexiconIsForgottenAreNotReadAfter) {
  constexpr char kPack[] = R"(
category hotline_contact "A contact with no case in it yet"
terms three = "go delta {0,1} now"
terms sells (stem) = "selling"
rule r_three { when text ~ three  urgency +7 }
rule r_sells { when text ~ sells  urgency +1 }
)";
  testing::Compiled compiled = testing::CompileText(kPack, "analysis:\n  stemmers: [english]\n");
  ASSERT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  std::string many;  // 70,000 distinct words of letters
  for (int i = 0; i < 70000; ++i) {
    for (int n = i, k = 0; k < 4; ++k, n /= 26) many.push_back(static_cast<char>('a' + n % 26));
    many.push_back(' ');
  }
  for (const bool forget : {false, true}) {
    Thread thread(*compiled.rules);
    thread.Scan(Sms{"s-1", "go delta", "2026-11-02T10:00:00Z", "c-1"});
    thread.Scan(Sms{"s-2", "x", "2026-11-02T10:01:00Z", "c-1"});
    thread.Scan(Sms{"s-3", forget ? many : "w", "2026-11-02T10:02:00Z", "c-2"});
    thread.Scan(Sms{"s-4", "sells", "2026-11-02T10:03:00Z", "c-3"});  // a new lexicon here
    const Decision fifth = thread.Scan(Sms{"s-5", "now", "2026-11-02T10:04:00Z", "c-1"});
    EXPECT_EQ(testing::Fired(fifth), std::vector<std::string>{"r_three"}) << forget;
  }
}

// A phrase and a proximity across two messages hold in the window; sentence() does not, a line
// break ending the sentence; a negation scope does not reach into the next message.
TEST(ConversationWindowTest, WhatCrossesAMessageBoundary) {
  testing::Compiled compiled = testing::CompileText(kWordRules, "");
  ASSERT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  Thread thread(*compiled.rules);
  Decision own;
  thread.Scan(Sms{"s-1", "can we meet", "2026-11-02T10:00:00Z", "c-1"}, &own);
  EXPECT_EQ(testing::Fired(own), std::vector<std::string>{});
  const Decision second =
      thread.Scan(Sms{"s-2", "up by the alpha", "2026-11-02T10:01:00Z", "c-1"}, &own);
  EXPECT_EQ(testing::Fired(own), std::vector<std::string>{});
  EXPECT_EQ(testing::Fired(second), std::vector<std::string>{"phrase"});
  const Decision third = thread.Scan(Sms{"s-3", "beta", "2026-11-02T10:02:00Z", "c-1"}, &own);
  EXPECT_EQ(testing::Fired(third), (std::vector<std::string>{"phrase", "close"}));

  Thread negation(*compiled.rules);
  negation.Scan(Sms{"s-1", "i did not", "2026-11-02T10:00:00Z", "c-2"});
  const Decision hit = negation.Scan(Sms{"s-2", "hit him", "2026-11-02T10:01:00Z", "c-2"});
  EXPECT_EQ(testing::Fired(hit), std::vector<std::string>{"plain_hit"});
}

}  // namespace
}  // namespace triage
