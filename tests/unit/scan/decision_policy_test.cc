// SPDX-License-Identifier: Apache-2.0
// The decision policy (triage/decision_policy.h) on its own, and the scanner's tally agreeing with
// the decision and the explanation made from it.
#include "triage/decision_policy.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/explain.h"
#include "triage/ledger.h"
#include "triage/scanner.h"

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(DecisionPolicyTest, UrgencyIsTheClampedSumRaisedToTheFloor) {
  EXPECT_EQ(ClampUrgency(-30, 100), 0);
  EXPECT_EQ(ClampUrgency(250, 100), 100);
  EXPECT_EQ(ClampUrgency(42, 100), 42);
  RuleTally tally;
  tally.urgency_sum = 30;
  EXPECT_EQ(DecideUrgency(tally, 100), 30);
  tally.floor = 80;
  EXPECT_EQ(DecideUrgency(tally, 100), 80);
  tally.urgency_sum = 95;
  EXPECT_EQ(DecideUrgency(tally, 100), 95);  // a floor never lowers
  tally.urgency_sum = -500;
  tally.floor = 50;
  EXPECT_EQ(DecideUrgency(tally, 100), 50);
}

TEST(DecisionPolicyTest, BandIsTheFirstWhoseMinTheUrgencyReaches) {
  const std::vector<UrgencyBand> bands = DefaultBands();
  EXPECT_EQ(DecideBand(80, bands)->name, "P1");
  EXPECT_EQ(DecideBand(79, bands)->name, "P2");
  EXPECT_EQ(DecideBand(20, bands)->name, "P3");
  EXPECT_EQ(DecideBand(0, bands)->name, "P4");
  const std::vector<UrgencyBand> high_only = {{"hot", 50, ""}};
  EXPECT_EQ(DecideBand(49, high_only), nullptr);
}

TEST(DecisionPolicyTest, CategoriesReachAssignMinHighestFirstTiesByNameCapped) {
  const std::vector<CategoryScore> totals = {
      {"zeta", 40}, {"alpha", 40}, {"mid", 60}, {"low", 29}, {"neg", -10}};
  EXPECT_EQ(ScoreNames(AssignCategories(totals, 30, 2)), (Strings{"mid:60", "alpha:40"}));
  EXPECT_EQ(ScoreNames(AssignCategories(totals, 30, 5)),
            (Strings{"mid:60", "alpha:40", "zeta:40"}));
  EXPECT_EQ(ScoreNames(AssignCategories(totals, 0, 10)),
            (Strings{"mid:60", "alpha:40", "zeta:40", "low:29"}));
  EXPECT_TRUE(AssignCategories(totals, 61, 2).empty());
  EXPECT_TRUE(AssignCategories(totals, 30, 0).empty());
}

TEST(DecisionPolicyTest, FallbackWhenNothingReachesAssignMinWithItsOwnTotal) {
  EngineConfig config;
  config.bands = DefaultBands();
  RuleTally tally;
  tally.urgency_sum = 25;
  tally.totals = {{"csam", 20}, {"unclassified", 5}};
  Decision decision;
  ApplyDecisionPolicy(tally, config, /*fallback_declared=*/true, &decision);
  EXPECT_EQ(decision.urgency, 25);
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:5"});

  tally.totals = {{"csam", 20}};
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  ApplyDecisionPolicy(tally, config, /*fallback_declared=*/false, &decision);
  EXPECT_TRUE(decision.categories.empty());

  tally.totals = {{"csam", 30}};
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"csam:30"});
}

TEST(DecisionPolicyTest, FallbackByBandGivesTheDecidedBandsFallbackWithItsTotal) {
  EngineConfig config;
  config.bands = DefaultBands();
  config.fallback_by_band = {{"P4", "hotline_contact", {}, {}}};
  EXPECT_EQ(FallbackCategory(config, "P4"), "hotline_contact");
  EXPECT_EQ(FallbackCategory(config, "P3"), "unclassified");
  EXPECT_EQ(FallbackCategory(config, ""), "unclassified");  // no band

  RuleTally tally;
  tally.urgency_sum = 10;
  tally.totals = {{"csam", 20}, {"hotline_contact", 12}};
  Decision decision;
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:12"});

  tally.urgency_sum = 25;  // P3: not listed, the fallback
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});

  tally.urgency_sum = 10;  // a floor decides the band, and so the fallback
  tally.floor = 20;
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});

  tally.floor.reset();
  tally.totals = {{"csam", 30}};  // an assigned category: no fallback at all
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"csam:30"});
  tally.totals = {};
  ApplyDecisionPolicy(tally, config, /*fallback_declared=*/false, &decision);
  EXPECT_TRUE(decision.categories.empty());

  EXPECT_EQ(ScoreNames(DecideCategories({{"a", 10}}, 30, 2, nullptr)), Strings{});
  const std::string fallback = "a";
  EXPECT_EQ(ScoreNames(DecideCategories({{"a", 10}}, 30, 2, &fallback)), Strings{"a:10"});
  EXPECT_EQ(ScoreNames(DecideCategories({{"a", 10}}, 10, 2, &fallback)), Strings{"a:10"});
}

// A pack with a contact rule (P4) and a rule that makes a record P3 without assigning a
// category.
constexpr const char* kContactRules = R"(
category hotline_contact "A contact with no case in it yet"
category csam "Child sexual abuse material"
rule question { when text ~ /\bhours\b/ urgency +5 category hotline_contact +10 }
rule photos   { when text ~ /\bphotos\b/ urgency +25 category csam +20 }
)";
constexpr const char* kContactConfig = "categories:\n  fallback_by_band: {P4: hotline_contact}\n";

TEST(DecisionPolicyTest, ScannerGivesTheBandFallbackForP4AndNotForP3) {
  const RuleSet rules = MustCompile(kContactRules, kContactConfig);
  Decision decision = Decide(rules, R"({"summary":"what are your hours"})");
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:10"});
  decision = Decide(rules, R"({"summary":"nothing to say"})");
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:0"});
  decision = Decide(rules, R"({"summary":"he asked for photos"})");
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  decision = Decide(rules, R"({"summary":"photos and your hours"})");
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});

  // Explain makes the same decision, and its category report names the fallback that applied.
  Scanner scanner(rules);
  Explanation explanation;
  ASSERT_TRUE(
      scanner.Explain(R"({"summary":"what are your hours"})", ScanOptions(), &explanation).ok());
  EXPECT_EQ(ScoreNames(explanation.decision.categories), Strings{"hotline_contact:10"});
  EXPECT_EQ(BuildCategoryReport(explanation, rules.config()).fallback, "hotline_contact");
  ASSERT_TRUE(
      scanner.Explain(R"({"summary":"he asked for photos"})", ScanOptions(), &explanation).ok());
  EXPECT_EQ(BuildCategoryReport(explanation, rules.config()).fallback, "unclassified");
}

TEST(DecisionPolicyTest, WithoutFallbackByBandEveryBandGetsTheFallback) {
  const RuleSet rules = MustCompile(kContactRules);
  Decision decision = Decide(rules, R"({"summary":"what are your hours"})");
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  decision = Decide(rules, R"({"summary":"he asked for photos"})");
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
}

constexpr const char* kRules = R"(
category a "A"
category b "B"
category c "C"
rule one   { when text ~ /x/ urgency +40 category a +20 category b +35 }
rule two   { when text ~ /y/ urgency +70 urgency >= 50 category a +20 }
rule three { when text ~ /z/ urgency -100 category c +10 }
)";

TEST(DecisionPolicyTest, ScannerTallyIsWhatTheDecisionAndExplanationWereMadeFrom) {
  RuleSet rules = MustCompile(kRules);
  Scanner scanner(rules);
  Decision decision;
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"x y z"})", &decision).ok());
  const RuleTally& tally = scanner.tally();
  EXPECT_EQ(tally.urgency_sum, 40 + 70 - 100);
  EXPECT_EQ(tally.floor, 50);
  EXPECT_EQ(ScoreNames(tally.totals), (Strings{"a:40", "b:35", "c:10"}));  // declaration order
  EXPECT_EQ(decision.urgency, 50);  // 10, raised to the floor
  EXPECT_EQ(decision.band, "P2");
  EXPECT_EQ(ScoreNames(decision.categories), (Strings{"a:40", "b:35"}));

  Decision applied;
  ApplyDecisionPolicy(tally, rules.config(), true, &applied);
  EXPECT_EQ(applied.urgency, decision.urgency);
  EXPECT_EQ(applied.band, decision.band);
  EXPECT_EQ(ScoreNames(applied.categories), ScoreNames(decision.categories));

  Explanation explanation;
  ASSERT_TRUE(scanner.Explain(R"({"summary":"x y z"})", ScanOptions(), &explanation).ok());
  EXPECT_EQ(explanation.urgency_sum, tally.urgency_sum);
  EXPECT_EQ(explanation.floor, tally.floor);
  EXPECT_EQ(ScoreNames(explanation.category_totals), ScoreNames(tally.totals));

  // The tally follows the last scan.
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"nothing"})", &decision).ok());
  EXPECT_EQ(scanner.tally().urgency_sum, 0);
  EXPECT_FALSE(scanner.tally().floor.has_value());
  EXPECT_TRUE(scanner.tally().totals.empty());
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
}

TEST(DecisionPolicyTest, RecordScansTakeOptionsAndExplainLikeJson) {
  RuleSet rules = MustCompile(kRules);
  Scanner scanner(rules);
  Record record;
  record.Add("id", "r1").Add("text", "x y");
  ScanOptions without_two;
  without_two.disabled_rules = {"two"};
  Decision decision;
  ASSERT_TRUE(scanner.Scan(record, without_two, &decision).ok());
  EXPECT_EQ(decision.urgency, 40);
  ASSERT_EQ(decision.rules.size(), 1u);
  EXPECT_EQ(decision.rules[0].rule, "one");
  ASSERT_TRUE(scanner.Scan(record, &decision).ok());  // the options were for that scan only
  EXPECT_EQ(decision.rules.size(), 2u);

  Explanation from_record;
  ASSERT_TRUE(scanner.Explain(record, without_two, &from_record).ok());
  Explanation from_json;
  ASSERT_TRUE(scanner.Explain(R"({"id":"r1","summary":"x y"})", without_two, &from_json).ok());
  EXPECT_EQ(DecisionToJson(from_record.decision), DecisionToJson(from_json.decision));
  EXPECT_EQ(from_record.urgency_sum, from_json.urgency_sum);
  ASSERT_EQ(from_record.rules.size(), from_json.rules.size());
  for (size_t i = 0; i < from_record.rules.size(); ++i) {
    EXPECT_EQ(from_record.rules[i].fired, from_json.rules[i].fired) << from_record.rules[i].rule;
    EXPECT_EQ(from_record.rules[i].enabled, from_json.rules[i].enabled);
    EXPECT_EQ(from_record.rules[i].spans.size(), from_json.rules[i].spans.size());
  }
  EXPECT_FALSE(from_record.rules[1].enabled);  // "two", disabled for this explanation

  Record wrong;
  wrong.Add("text", 3.0);
  const Status status = scanner.Explain(wrong, ScanOptions(), &from_record);
  EXPECT_EQ(status.code(), Status::Code::kInvalidRecord);
}

}  // namespace
}  // namespace triage::testing
