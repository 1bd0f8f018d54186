// SPDX-License-Identifier: Apache-2.0
// The matching plan through the public API (DescribeMatchingPlan, triage/matching_plan.h): which
// strategy each kind of pattern gets, the cost estimate's reasons, splitting, the slow-pattern
// warning, and that the rule results do not depend on the plan. The exhaustive equivalence with the naive loop is
// tests/unit/scan/matcher_property_test.cc.
#include "compile/pattern_cost.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "triage/matching_plan.h"

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

using Strategy = PatternPlan::Strategy;

const PatternPlan* Find(const MatchingPlan& plan, const std::string& name) {
  for (const PatternPlan& p : plan.patterns) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

constexpr char kMixed[] = R"(
pattern age   = /\b1[0-7]\s*(?:yo|y\/o)\b/i
pattern near  = /\bmeet\b.{0,40}\bparking\b/i
pattern blob  = /[a-z]{30,}/
list    terms = "meet up", "pick you up"
list    raw (partial) = "xq", "pq"
rule r_age   { when text ~ age }
rule r_near  { when text ~ near }
rule r_blob  { when text ~ blob }
rule r_terms { when text ~ terms }
rule r_raw   { when text ~ raw }
rule r_lit   { when text ~ /hotel room/ }
)";

TEST(MatcherPlanTest, EachKindOfPatternGetsItsStrategy) {
  Compiled c = CompileText(kMixed);
  ASSERT_TRUE(c.rules) << c.Rendered();
  const MatchingPlan plan = DescribeMatchingPlan(*c.rules);
  ASSERT_EQ(plan.fields.size(), 1u);
  EXPECT_EQ(plan.fields[0].field, "text");
  // One set per kind: the lists, the regexes, the prefilter literals.
  ASSERT_EQ(plan.fields[0].sets.size(), 3u);
  EXPECT_EQ(plan.fields[0].sets[0].entries, 2u);
  EXPECT_EQ(plan.fields[0].sets[1].entries, 2u);
  EXPECT_EQ(plan.fields[0].sets[2].entries, 2u);

  const PatternPlan* age = Find(plan, "age");
  ASSERT_NE(age, nullptr);
  EXPECT_EQ(age->strategy, Strategy::kSet);
  EXPECT_EQ(age->set, 1);
  EXPECT_EQ(age->reason, "");
  EXPECT_EQ(age->location, "test.rules:2:9");

  const PatternPlan* near = Find(plan, "near");
  ASSERT_NE(near, nullptr);
  EXPECT_EQ(near->strategy, Strategy::kPrefiltered);
  EXPECT_EQ(near->repeat_span, 40);
  EXPECT_NE(near->reason.find("40"), std::string::npos) << near->reason;
  EXPECT_EQ(near->literals, (std::vector<std::string>{"parking", "meet"}));

  const PatternPlan* blob = Find(plan, "blob");
  ASSERT_NE(blob, nullptr);
  EXPECT_EQ(blob->strategy, Strategy::kEveryValue);
  EXPECT_NE(blob->reason.find("no literal"), std::string::npos) << blob->reason;

  EXPECT_EQ(Find(plan, "terms")->strategy, Strategy::kSetConfirmed);
  EXPECT_EQ(Find(plan, "raw")->strategy, Strategy::kSet);  // partial: no word edges to confirm
  const PatternPlan* lit = Find(plan, "/hotel room/");
  ASSERT_NE(lit, nullptr);
  EXPECT_EQ(lit->strategy, Strategy::kSet);
  EXPECT_EQ(lit->location, "test.rules:12:28");

  EXPECT_EQ(plan.fields[0].prefiltered, 1u);
  EXPECT_EQ(plan.fields[0].every_value, 1u);
  EXPECT_EQ(plan.fields[0].prefilter_literals, 2u);
}

TEST(MatcherPlanTest, RegexWithNoLiteralIsWarnedAboutAtItsDeclaration) {
  Compiled c = CompileText(kMixed);
  ASSERT_TRUE(c.rules);
  EXPECT_TRUE(c.Has("slow-pattern", 4, 9)) << c.Rendered();
  EXPECT_EQ(c.Codes(), std::vector<std::string>{"slow-pattern"});
}

TEST(MatcherPlanTest, ResultsDoNotDependOnThePlan) {
  const std::vector<std::string> records = {
      R"({"summary":"A 14yo was told to meet him in the parking lot behind the store."})",
      R"({"summary":"Reporter says they agreed to meet up; he said he would pick you up."})",
      R"({"summary":"meetup planned, no parking mentioned, 19 yo adult"})",
      R"({"summary":"xq no contestas pq"})",
      R"({"summary":"abcdefghijklmnopqrstuvwxyzabcdefgh and a hotel room"})",
      R"({"summary":"Hotel Room 12"})",
  };
  LoadOptions split;
  split.matching.max_set_entries = 1;
  LoadOptions all_hard;
  all_hard.matching.hard_program = 1;
  LoadOptions no_prefilter;
  no_prefilter.matching.prefilter = false;
  Compiled base = CompileText(kMixed);
  ASSERT_TRUE(base.rules);
  for (const LoadOptions& options : {split, all_hard, no_prefilter}) {
    Compiled other = CompileText(kMixed, options);
    ASSERT_TRUE(other.rules) << other.Rendered();
    EXPECT_EQ(other.rules->digest(), base.rules->digest());  // the plan is not the ruleset
    for (const std::string& json : records) {
      EXPECT_EQ(Fired(Decide(*other.rules, json)), Fired(Decide(*base.rules, json))) << json;
    }
  }
  // And what the default plan decides is right.
  EXPECT_EQ(Fired(Decide(*base.rules, records[0])), (std::vector<std::string>{"r_age", "r_near"}));
  EXPECT_EQ(Fired(Decide(*base.rules, records[1])), std::vector<std::string>{"r_terms"});
  EXPECT_EQ(Fired(Decide(*base.rules, records[2])), std::vector<std::string>{});
  EXPECT_EQ(Fired(Decide(*base.rules, records[3])), std::vector<std::string>{"r_raw"});
  // "pq" inside the letters: a partial list needs no word edges.
  EXPECT_EQ(Fired(Decide(*base.rules, records[4])),
            (std::vector<std::string>{"r_blob", "r_raw", "r_lit"}));
  EXPECT_EQ(Fired(Decide(*base.rules, records[5])), std::vector<std::string>{});
}

TEST(MatcherPlanTest, ListsMatchKelvinSignAndLongSLikeTheirOwnRegex) {
  // Case folding matches 'k' with KELVIN SIGN (U+212A) and 's' with LONG S (U+017F); the set's
  // ASCII \b cannot see them, so the matcher checks such lists on their own when the text holds
  // one of these letters. The result must be the list's own (Unicode word edges, folded).
  Compiled c = CompileText(R"(
list kids = "kids"
list bus  = "bus stop"
list case_only (case) = "kids"
rule r_kids { when text ~ kids }
rule r_bus  { when text ~ bus }
rule r_case { when text ~ case_only }
)");
  ASSERT_TRUE(c.rules) << c.Rendered();
  EXPECT_EQ(Fired(Decide(*c.rules, "{\"summary\":\"two \u212Aids at the bus stop\"}")),
            (std::vector<std::string>{"r_kids", "r_bus"}));
  EXPECT_EQ(Fired(Decide(*c.rules, "{\"summary\":\"the kidſ, by the bus stoſ\"}")),
            std::vector<std::string>{"r_kids"});
  EXPECT_EQ(Fired(Decide(*c.rules, "{\"summary\":\"BUS STOP, kidſ\"}")),
            (std::vector<std::string>{"r_kids", "r_bus"}));
  // Still whole words: a letter of another script next to it is part of the word.
  EXPECT_EQ(Fired(Decide(*c.rules, "{\"summary\":\"\u212Aidsé\"}")), std::vector<std::string>{});
  EXPECT_EQ(Fired(Decide(*c.rules, "{\"summary\":\"kids\"}")),
            (std::vector<std::string>{"r_kids", "r_case"}));
}

TEST(MatcherPlanTest, SetsSplitByEntriesAndByProgramSize) {
  std::string rules;
  for (int i = 0; i < 7; ++i) {
    rules += "rule r" + std::to_string(i) + " { when text ~ /word" + std::to_string(i) + "x/ }\n";
  }
  LoadOptions by_entries;
  by_entries.matching.max_set_entries = 3;
  Compiled a = CompileText(rules, by_entries);
  ASSERT_TRUE(a.rules);
  const MatchingPlan plan = DescribeMatchingPlan(*a.rules);
  ASSERT_EQ(plan.fields[0].sets.size(), 3u);
  EXPECT_EQ(plan.fields[0].sets[0].entries, 3u);
  EXPECT_EQ(plan.fields[0].sets[2].entries, 1u);
  EXPECT_EQ(Find(plan, "/word6x/")->set, 2);

  // max_set_regexes counts the regexes not led by a literal: /[w]ord0x/ is one, /word0x/ not.
  std::string unled;
  for (int i = 0; i < 7; ++i) {
    unled += "rule r" + std::to_string(i) + " { when text ~ /[w]ord" + std::to_string(i) + "x/ }\n";
  }
  LoadOptions by_regexes;
  by_regexes.matching.max_set_regexes = 2;
  Compiled r = CompileText(unled, by_regexes);
  ASSERT_TRUE(r.rules);
  EXPECT_EQ(DescribeMatchingPlan(*r.rules).fields[0].sets.size(), 4u);
  Compiled led = CompileText(rules, by_regexes);
  ASSERT_TRUE(led.rules);
  EXPECT_EQ(DescribeMatchingPlan(*led.rules).fields[0].sets.size(), 1u);
  EXPECT_EQ(Fired(Decide(*led.rules, R"({"summary":"word3x and word5x"})")),
            (std::vector<std::string>{"r3", "r5"}));

  LoadOptions by_program;
  by_program.matching.max_set_program = 1;  // every entry alone
  Compiled b = CompileText(rules, by_program);
  ASSERT_TRUE(b.rules);
  EXPECT_EQ(DescribeMatchingPlan(*b.rules).fields[0].sets.size(), 7u);
  EXPECT_EQ(Fired(Decide(*b.rules, R"({"summary":"word3x and word5x"})")),
            (std::vector<std::string>{"r3", "r5"}));
}

TEST(MatcherPlanTest, EveryFieldHasItsOwnMatcher) {
  Compiled c = CompileText(R"(
rule a { when text ~ /alpha/ }
rule b { when url ~ /beta\.example/ }
)");
  ASSERT_TRUE(c.rules);
  const MatchingPlan plan = DescribeMatchingPlan(*c.rules);
  ASSERT_EQ(plan.fields.size(), 2u);
  EXPECT_EQ(Find(plan, "/beta\\.example/")->field, "url");
}

// Rules are skipped when a condition they cannot fire without is false (RuleGate); conditions
// that 0 matches satisfy, negations and alternatives must not be taken for such a condition.
TEST(MatcherPlanTest, GatesOnlySkipRulesThatCannotFire) {
  Compiled c = CompileText(R"(
pattern x = /xx/
pattern y = /yy/
rule none_of_x  { when count(text ~ x) == 0 }
rule few_x      { when count(text ~ x) < 2 }
rule two_x      { when count(text ~ x) >= 2 }
rule not_y      { when not text ~ y }
rule x_or_y     { when text ~ x or text ~ y }
rule x_and_y    { when text ~ x and text ~ y }
rule after_two  { when two_x and text ~ y }
rule after_none { when none_of_x }
rule y_not_ref  { when text ~ y and not two_x }
)");
  ASSERT_TRUE(c.rules) << c.Rendered();
  auto fired = [&](const char* text) {
    return Fired(Decide(*c.rules, std::string(R"({"summary":")") + text + R"("})"));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(fired("nothing"), (V{"none_of_x", "few_x", "not_y", "after_none"}));
  EXPECT_EQ(fired("xx"), (V{"few_x", "not_y", "x_or_y"}));
  EXPECT_EQ(fired("xx xx yy"), (V{"two_x", "x_or_y", "x_and_y", "after_two"}));
  EXPECT_EQ(fired("yy"), (V{"none_of_x", "few_x", "x_or_y", "after_none", "y_not_ref"}));
}

// The cost estimate itself (internal).
TEST(PatternCostTest, CountedRepetitionOfNonLiteralsIsHard) {
  const MatchingOptions defaults;
  struct Case {
    const char* pattern;
    int span;
    bool hard;
  };
  const Case cases[] = {
      {"abc", 0, false},
      {"a{20}", 0, false},                 // a literal repeated: no thread per position
      {"(?:ab){1,20}", 0, false},          // a literal group
      {"\\d{4,12}", 0, false},            // digits: a narrow class
      {"[0-9]{1,20}", 0, false},
      {"\\s{0,20}", 0, false},
      {"[ -]{0,2}", 0, false},             // a small class counts as literal
      {"[a-f0-9]{8,}", 8, true},           // 16 characters: wide
      {"[a-z]{2,10}", 10, true},
      {".{0,40}", 40, true},
      {"(?:\\w+\\s+){0,3}x", 3, false},
      {"(?:\\w+\\s+){0,8}x", 8, true},
      {"\\p{L}{8,}", 8, true},
      {"[^\\]]{12}", 12, true},            // an escaped bracket inside a class
      {"x{,5}", 0, false},                 // not a repetition in RE2: literal braces
      {"(?i)a\\.b{3,}", 0, false},
      {"(?P<n>[a-z]{4,9})", 9, true},
  };
  for (const Case& c : cases) {
    const internal::PatternCost cost = internal::EstimatePatternCost(c.pattern, 10, defaults);
    EXPECT_EQ(cost.repeat_span, c.span) << c.pattern;
    EXPECT_EQ(cost.hard, c.hard) << c.pattern;
    EXPECT_EQ(cost.reason.empty(), !c.hard) << c.pattern;
  }
  EXPECT_TRUE(internal::EstimatePatternCost("abc", 5000, defaults).hard);  // program size

  // Unbounded gaps: a repetition of nearly anything after the start keeps a thread alive.
  struct Gap {
    const char* pattern;
    bool gap;
  };
  const Gap gaps[] = {
      {"foo.*bar", true},          {"a[^>]*b", true},      {"x(?:.|\\n)+y", true},
      {"a[\\s\\S]*b", true},       {"a.{3,}b", true},      {".*foo", false},
      {"^.*foo", false},           {"a\\S+b", false},       {"a\\w+b", false},
      {"a[^\\s]*b", false},        {"a\\s+b", false},       {"a.?b", false},
  };
  for (const Gap& g : gaps) {
    const internal::PatternCost cost = internal::EstimatePatternCost(g.pattern, 10, defaults);
    EXPECT_EQ(cost.unbounded_gap, g.gap) << g.pattern;
    EXPECT_EQ(cost.hard, g.gap) << g.pattern;
  }
  MatchingOptions gaps_allowed;
  gaps_allowed.allow_gaps = true;
  EXPECT_FALSE(internal::EstimatePatternCost("foo.*bar", 10, gaps_allowed).hard);
  MatchingOptions strict;
  strict.hard_repeat = 3;
  EXPECT_TRUE(internal::EstimatePatternCost("\\w{1,3}", 10, strict).hard);
}

TEST(MatcherPlanTest, RulesWokenByAFiredRuleFireAcrossBitmapWords) {
  // A chain of 150 rules, each referring to the one before (three 64-bit words of woken rules):
  // the first is woken by its match, every other by the rule it refers to firing.
  std::string rules = "rule c0 { when text ~ /start/ }\n";
  for (int i = 1; i < 150; ++i) {
    rules += "rule c" + std::to_string(i) + " { when c" + std::to_string(i - 1) + " }\n";
  }
  Compiled chain = CompileText(rules);
  ASSERT_TRUE(chain.rules);
  EXPECT_EQ(Fired(Decide(*chain.rules, R"({"summary":"start here"})")).size(), 150u);
  EXPECT_TRUE(Fired(Decide(*chain.rules, R"({"summary":"nothing"})")).empty());
}

TEST(PatternCostTest, LedByLiteralWhenEveryMatchStartsWithALiteral) {
  struct Case {
    const char* pattern;
    bool led;
  };
  const Case cases[] = {
      {"(?i)(\\bfoo\\s+bar)", true},
      {"(?i)(\\b(?:kaguvi|nemar)\\s+(?:\\w+\\s+){0,2}(?:sevane|famarpi)\\b)", true},
      {"(\\bMEV-?\\d{4,8}\\b)", true},
      {"(^abc)", true},
      {"((?:abc\\d|xyz)+q)", true},
      {"(fo?x)", false},       // "f" is all that is required
      {"(abc?)", false},
      {"(?:ab|abc)", false},   // one alternative too short
      {"(?:abc|[xy]z)", false},
      {"((?:abc)?def)", false},  // the group may be skipped
      {"(\\d+ years)", false},
      {"(.*abc)", false},
      {"((?=abc)abc)", false},
      {"(\\Babc)", false},
      {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(internal::LedByLiteral(c.pattern), c.led) << c.pattern;
}

}  // namespace
}  // namespace triage::testing
