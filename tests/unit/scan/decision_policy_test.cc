// SPDX-License-Identifier: Apache-2.0
// The decision policy (triage/decision_policy.h) on its own, and the scanner's tally agreeing with
// the decision and the explanation made from it.
#include "triage/decision_policy.h"

#include <algorithm>
#include <string>
#include <utility>
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
  EXPECT_EQ(FallbackCategory(config, "P4", {}), "hotline_contact");
  EXPECT_EQ(FallbackCategory(config, "P3", {}), "unclassified");
  EXPECT_EQ(FallbackCategory(config, "", {}), "unclassified");  // no band

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

TEST(DecisionPolicyTest, FallbackByFieldComesBeforeTheBandsFallback) {
  EngineConfig config;
  config.bands = DefaultBands();
  config.fallback_by_band = {{"P4", "hotline_contact", {}, {}}};
  config.fallback_by_field.field = "channel";
  config.fallback_by_field.values = {{"platform", "unclassified", {}, {}},
                                     {"esp", "esp_report", {}, {}}};
  using Values = std::vector<std::string>;
  EXPECT_EQ(FallbackCategory(config, "P4", Values{"platform"}), "unclassified");
  EXPECT_EQ(FallbackCategory(config, "P4", Values{"sms"}), "hotline_contact");  // not listed
  EXPECT_EQ(FallbackCategory(config, "P4", Values{}), "hotline_contact");       // no value
  EXPECT_EQ(FallbackCategory(config, "P3", Values{"sms"}), "unclassified");
  EXPECT_EQ(FallbackCategory(config, "P3", Values{"esp"}), "esp_report");  // whatever the band
  EXPECT_EQ(FallbackCategory(config, "", Values{"esp"}), "esp_report");
  // Compared exactly as written.
  EXPECT_EQ(FallbackCategory(config, "P4", Values{"Platform"}), "hotline_contact");
  EXPECT_EQ(FallbackCategory(config, "P4", Values{"platform "}), "hotline_contact");
  // Several values: the first of the record's that is listed, not the config's first entry.
  EXPECT_EQ(FallbackCategory(config, "P4", Values{"web", "esp", "platform"}), "esp_report");
  EXPECT_EQ(FallbackCategory(config, "P4", Values{"platform", "esp"}), "unclassified");

  RuleTally tally;
  tally.urgency_sum = 10;
  tally.totals = {{"csam", 20}, {"hotline_contact", 12}};
  tally.fallback_field_values = {"platform"};
  Decision decision;
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  tally.fallback_field_values = {"sms"};
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:12"});
  tally.fallback_field_values = {"platform"};
  tally.totals = {{"csam", 30}};  // an assigned category: no fallback at all
  ApplyDecisionPolicy(tally, config, true, &decision);
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"csam:30"});
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

// The default pack's shape: P4 falls back to hotline_contact, but a platform's, an API's or an
// ESP's machine report that no category claims is unclassified.
constexpr const char* kChannelConfig =
    "categories:\n"
    "  fallback_by_band: {P4: hotline_contact}\n"
    "  fallback_by_field:\n"
    "    field: channel\n"
    "    values: {platform: unclassified, api: unclassified, esp: unclassified}\n";
constexpr const char* kChannelRules = R"(
category hotline_contact "A contact with no case in it yet"
category csam "Child sexual abuse material"
rule question { when text ~ /\bhours\b/ urgency +5 category hotline_contact +10 }
rule photos   { when text ~ /\bphotos\b/ urgency +25 category csam +20 }
rule hash     { when text ~ /\bhash match\b/ urgency +5 category csam +40 }
)";

TEST(DecisionPolicyTest, ScannerFallsBackByTheRecordsChannelBeforeItsBand) {
  const RuleSet rules = MustCompile(kChannelRules, kChannelConfig);
  // P4, no category: the channel decides.
  Decision decision = Decide(rules, R"({"channel":"platform","summary":"nothing to say"})");
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  decision = Decide(rules, R"({"channel":"sms","summary":"nothing to say"})");
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:0"});
  decision = Decide(rules, R"({"channel":"esp","summary":"what are your hours"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});  // 10 is below 30
  decision = Decide(rules, R"({"channel":"sms","summary":"what are your hours"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:10"});
  // Compared exactly as written.
  decision = Decide(rules, R"({"channel":"Platform","summary":"nothing to say"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:0"});
  // A record without the field (or with null there): the band's fallback, or the fallback.
  decision = Decide(rules, R"({"summary":"nothing to say"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:0"});
  decision = Decide(rules, R"({"channel":null,"summary":"he asked for photos"})");
  EXPECT_EQ(decision.band, "P3");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  // A record that has a category keeps it, whatever its channel.
  decision = Decide(rules, R"({"channel":"platform","summary":"a hash match"})");
  EXPECT_EQ(decision.band, "P4");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"csam:40"});
  decision = Decide(rules, R"({"channel":"sms","summary":"a hash match"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"csam:40"});

  // A Record given field by field decides the same.
  Scanner scanner(rules);
  Record record;
  record.Add("channel", "api").Add("text", "nothing to say");
  ASSERT_TRUE(scanner.Scan(record, &decision).ok());
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});

  // Explain makes the same decision, and its category report names the fallback that applied.
  Explanation explanation;
  ASSERT_TRUE(scanner
                  .Explain(R"({"channel":"platform","summary":"what are your hours"})",
                           ScanOptions(), &explanation)
                  .ok());
  EXPECT_EQ(ScoreNames(explanation.decision.categories), Strings{"unclassified:0"});
  CategoryReport report = BuildCategoryReport(explanation, rules.config());
  EXPECT_EQ(report.fallback, "unclassified");
  using FieldValue = std::pair<std::string, std::string>;
  EXPECT_EQ(report.fallback_field_value, FieldValue("channel", "platform"));  // why
  ASSERT_TRUE(scanner
                  .Explain(R"({"channel":"sms","summary":"what are your hours"})", ScanOptions(),
                           &explanation)
                  .ok());
  report = BuildCategoryReport(explanation, rules.config());
  EXPECT_EQ(report.fallback, "hotline_contact");
  EXPECT_FALSE(report.fallback_field_value.has_value());  // the band's
  ASSERT_TRUE(scanner
                  .Explain(R"({"channel":"platform","summary":"a hash match"})", ScanOptions(),
                           &explanation)
                  .ok());
  report = BuildCategoryReport(explanation, rules.config());
  EXPECT_FALSE(report.fallback.has_value());  // csam assigned: no fallback, no reason
  EXPECT_FALSE(report.fallback_field_value.has_value());

  // The tally carries the values the fallback was decided from, and only the last scan's.
  ASSERT_TRUE(scanner.ScanJson(R"({"channel":"platform","summary":"x"})", &decision).ok());
  EXPECT_EQ(scanner.tally().fallback_field_values, Strings{"platform"});
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"x"})", &decision).ok());
  EXPECT_TRUE(scanner.tally().fallback_field_values.empty());
}

TEST(DecisionPolicyTest, FallbackByFieldOverSeveralValuesTakesTheFirstListed) {
  // channel fed by a list: the first value of the record's that the config lists decides.
  const RuleSet rules = MustCompile(
      kChannelRules, std::string(kChannelConfig) + "fields:\n  channel: \"channels[*]\"\n");
  Decision decision = Decide(rules, R"({"channels":["web","platform"],"summary":"x"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"unclassified:0"});
  decision = Decide(rules, R"({"channels":["web","sms"],"summary":"x"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:0"});
  decision = Decide(rules, R"({"channels":[],"summary":"x"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"hotline_contact:0"});

  const RuleSet ordered = MustCompile(kChannelRules,
                                      "categories:\n"
                                      "  fallback_by_field:\n"
                                      "    field: channel\n"
                                      "    values: {esp: esp_report, platform: platform_report}\n"
                                      "fields:\n  channel: \"channels[*]\"\n");
  decision = Decide(ordered, R"({"channels":["sms","platform","esp"],"summary":"x"})");
  EXPECT_EQ(ScoreNames(decision.categories), Strings{"platform_report:0"});
}

TEST(DecisionPolicyTest, FallbackByFieldOnAFieldNoRuleReadsIsStillRead) {
  // No rule of kContactRules reads `kind`; the fallback does.
  const RuleSet rules =
      MustCompile(kContactRules,
                  "categories:\n  fallback_by_field: {field: kind, values: {test: test_only}}\n");
  EXPECT_EQ(ScoreNames(Decide(rules, R"({"kind":"test","summary":"x"})").categories),
            Strings{"test_only:0"});
  EXPECT_EQ(ScoreNames(Decide(rules, R"({"kind":"report","summary":"x"})").categories),
            Strings{"unclassified:0"});
  // The implicitly declared fallback is a category of the ruleset.
  const std::vector<std::string> names = rules.category_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "test_only"), names.end());
}

TEST(DecisionPolicyTest, FallbackByFieldOnANumberFieldIsATypeConflict) {
  // Declared a number in the config: its values are never text to compare.
  const Compiled declared = CompileText(kContactRules,
                                        "fields:\n"
                                        "  channel: {path: channel, type: number}\n"
                                        "categories:\n"
                                        "  fallback_by_field: {field: channel, values: {a: b}}\n");
  EXPECT_FALSE(declared.rules.has_value());
  EXPECT_TRUE(declared.Has("field-type-conflict", 4, 30)) << declared.Rendered();
  // Used as a number by a rule.
  const Compiled used =
      CompileText(std::string(kContactRules) + "rule odd { when channel > 3 urgency +1 }\n",
                  "categories:\n  fallback_by_field: {field: channel, values: {a: b}}\n");
  EXPECT_FALSE(used.rules.has_value());
  EXPECT_TRUE(used.Has("field-type-conflict", 2, 30)) << used.Rendered();
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
