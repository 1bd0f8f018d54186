// SPDX-License-Identifier: Apache-2.0
// Evaluation through the public API: matching by id, under-triage, per-category measures, band
// confusion, rule hits, the threshold sweep and --target-recall answers.
#include "triage/evaluation.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/analyst/analyst_fixture.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr char kRules[] = R"(
category x
category y
rule urgent { when text ~ /urgent/ urgency +85 category x +40 }
rule middle { when text ~ /middle/ urgency +55 category y +35 }
rule weak { when text ~ /weak/ urgency +5 category y +20 }
rule never { when text ~ /never/ }
)";

class EvaluationTest : public ::testing::Test {
 protected:
  EvaluationTest() : rules_(MustCompile(kRules)), scanner_(rules_) {}

  void AddRecord(const std::string& json) {
    ScoredRecord record;
    ASSERT_TRUE(ScoreRecord(&scanner_, json, true, &record).ok());
    record.line = records_.size() + 1;
    records_.push_back(record);
  }
  void AddLabel(const std::string& json) {
    LabelParser parser(rules_.config(), rules_.category_names());
    ASSERT_TRUE(parser.Add(json, labels_.labels.size() + 1, &labels_).ok());
  }

  RuleSet rules_;
  Scanner scanner_;
  std::vector<ScoredRecord> records_;
  LabelSet labels_;
};

TEST_F(EvaluationTest, MatchesByIdAndCountsWhatDoesNotMatch) {
  AddRecord(R"({"id":"a","summary":"urgent"})");
  AddRecord(R"({"id":"a","summary":"urgent"})");  // duplicate id
  AddRecord(R"({"summary":"urgent"})");           // no id
  AddRecord(R"({"id":"b","summary":"weak"})");    // no label
  AddLabel(R"({"id":"a","band":"P1"})");
  AddLabel(R"({"id":"orphan","band":"P4"})");
  const EvalReport report = ComputeEval(rules_, records_, labels_, EvalSettings());
  EXPECT_EQ(report.records, 4u);
  EXPECT_EQ(report.matched, 1u);
  EXPECT_EQ(report.without_id, 1u);
  EXPECT_EQ(report.duplicate_ids, Strings{"a"});
  EXPECT_EQ(report.unlabelled, Strings{"b"});
  EXPECT_EQ(report.orphans, Strings{"orphan"});
  EXPECT_EQ(report.ruleset, rules_.digest());
}

TEST_F(EvaluationTest, UnderTriageAndConfusion) {
  AddRecord(R"({"id":"a","summary":"weak"})");    // P4, labelled P1: under-triaged
  AddRecord(R"({"id":"b","summary":"middle"})");  // P2, labelled P2
  AddRecord(R"({"id":"c","summary":"urgent"})");  // P1, labelled P3: over, not under
  AddLabel(R"({"id":"a","band":"P1"})");
  AddLabel(R"({"id":"b","band":"P2"})");
  AddLabel(R"({"id":"c","band":"P3"})");
  const EvalReport report = ComputeEval(rules_, records_, labels_, EvalSettings());
  EXPECT_EQ(report.expected_urgent, 2u);
  ASSERT_EQ(report.under_triage.size(), 1u);
  EXPECT_EQ(report.under_triage[0].id, "a");
  EXPECT_EQ(report.under_triage[0].expected, 0u);
  EXPECT_EQ(report.under_triage[0].decided, 3u);
  EXPECT_EQ(report.confusion[0][3], 1u);
  EXPECT_EQ(report.confusion[1][1], 1u);
  EXPECT_EQ(report.confusion[2][0], 1u);
  EXPECT_EQ(report.scores_by_band[0], std::vector<int>{5});
}

TEST_F(EvaluationTest, CategoryPrecisionRecallAndFallback) {
  AddRecord(R"({"id":"a","summary":"urgent"})");   // x
  AddRecord(R"({"id":"b","summary":"middle"})");   // y
  AddRecord(R"({"id":"c","summary":"nothing"})");  // unclassified
  AddLabel(R"({"id":"a","categories":["x"]})");
  AddLabel(R"({"id":"b","categories":["x"]})");
  AddLabel(R"({"id":"c","categories":["unclassified"]})");
  const EvalReport report = ComputeEval(rules_, records_, labels_, EvalSettings());
  ASSERT_EQ(report.categories.size(), 3u);  // declaration order, the fallback last
  const CategoryMetrics& x = report.categories[0];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.support, 2u);
  EXPECT_EQ(x.tp, 1u);
  EXPECT_EQ(x.fn, 1u);
  EXPECT_DOUBLE_EQ(*x.precision, 1.0);
  EXPECT_DOUBLE_EQ(*x.recall, 0.5);
  const CategoryMetrics& y = report.categories[1];
  EXPECT_EQ(y.fp, 1u);
  EXPECT_DOUBLE_EQ(*y.precision, 0.0);
  EXPECT_FALSE(y.recall.has_value());  // nothing labelled y
  EXPECT_EQ(report.categories[2].name, "unclassified");
  EXPECT_EQ(report.categories[2].tp, 1u);
  EXPECT_EQ(report.micro.tp, 2u);
}

TEST_F(EvaluationTest, RuleHitsCountEveryRecord) {
  AddRecord(R"({"id":"a","summary":"urgent weak"})");
  AddRecord(R"({"summary":"weak"})");
  const EvalReport report = ComputeEval(rules_, records_, labels_, EvalSettings());
  ASSERT_EQ(report.rules.size(), 4u);
  EXPECT_EQ(report.rules[0].hits, 1u);
  EXPECT_EQ(report.rules[2].hits, 2u);
  EXPECT_EQ(report.rules[3].hits, 0u);
}

TEST_F(EvaluationTest, SweepAndTargetRecallFindTheHighestThreshold) {
  AddRecord(R"({"id":"a","summary":"urgent"})");  // 85
  AddRecord(R"({"id":"b","summary":"middle"})");  // 55
  AddLabel(R"({"id":"a","band":"P1","categories":["x"]})");
  AddLabel(R"({"id":"b","band":"P1","categories":["y"]})");
  EvalSettings settings;
  Result<RecallTarget> p1 = ParseRecallTarget("P1=1", rules_.config(), rules_.category_names());
  ASSERT_TRUE(p1.ok());
  settings.targets.push_back(*p1);
  Result<RecallTarget> y = ParseRecallTarget("y=1", rules_.config(), rules_.category_names());
  ASSERT_TRUE(y.ok());
  settings.targets.push_back(*y);
  const EvalReport report = ComputeEval(rules_, records_, labels_, settings);
  ASSERT_EQ(report.sweeps.size(), 4u);  // P1, P2, P3 floors, then assign_min
  EXPECT_EQ(report.sweeps[0].name, "P1");
  EXPECT_EQ(report.sweeps[0].current, 80);
  EXPECT_DOUBLE_EQ(*report.sweeps[0].at_current.recall, 0.5);
  EXPECT_EQ(report.sweeps[3].kind, Sweep::Kind::kAssignMin);
  EXPECT_EQ(report.sweeps[3].points.front().threshold, 0);
  EXPECT_EQ(report.sweeps[3].points.back().threshold, 100);
  ASSERT_EQ(report.targets.size(), 2u);
  ASSERT_TRUE(report.targets[0].best.has_value());
  EXPECT_EQ(report.targets[0].best->threshold, 55);  // P1's floor must drop to 55
  ASSERT_TRUE(report.targets[1].best.has_value());
  EXPECT_EQ(report.targets[1].best->threshold, 35);  // y's total
}

TEST(EvaluationFallbackByBandTest, ABandsFallbackIsDecidedAndSweptLikeTheEngineDoes) {
  // P4's fallback is y: a P4 record in which no category reaches assign_min is decided y.
  const RuleSet rules = MustCompile(kRules, "categories:\n  fallback_by_band: {P4: y}\n");
  Scanner scanner(rules);
  std::vector<ScoredRecord> records;
  for (const char* json : {R"({"id":"a","summary":"weak"})",      // P4, y 20: y by fallback
                           R"({"id":"b","summary":"middle"})",    // P2, y 35: y assigned
                           R"({"id":"c","summary":"nothing"})"})  // P4, nothing: y by fallback
  {
    ScoredRecord record;
    ASSERT_TRUE(ScoreRecord(&scanner, json, true, &record).ok());
    records.push_back(record);
  }
  LabelSet labels;
  LabelParser parser(rules.config(), rules.category_names());
  ASSERT_TRUE(parser.Add(R"({"id":"a","categories":["y"]})", 1, &labels).ok());
  ASSERT_TRUE(parser.Add(R"({"id":"b","categories":["y"]})", 2, &labels).ok());
  ASSERT_TRUE(parser.Add(R"({"id":"c","categories":["unclassified"]})", 3, &labels).ok());
  const EvalReport report = ComputeEval(rules, records, labels, EvalSettings());
  const CategoryMetrics& y = report.categories[1];
  ASSERT_EQ(y.name, "y");
  EXPECT_EQ(y.tp, 2u);
  EXPECT_EQ(y.fp, 1u);  // c
  EXPECT_EQ(report.categories.back().name, "unclassified");
  EXPECT_EQ(report.categories.back().fn, 1u);

  // The assign_min sweep applies the same policy: at 30 (now) a's y comes from its band.
  const Sweep& sweep = report.sweeps.back();
  ASSERT_EQ(sweep.kind, Sweep::Kind::kAssignMin);
  EXPECT_EQ(sweep.at_current.reached, 2u);
  EXPECT_DOUBLE_EQ(*sweep.at_current.recall, 1.0);
  EXPECT_EQ(sweep.at_current.load, 3u);  // y on every record
  for (const SweepPoint& point : sweep.points) {
    if (point.threshold != 40) continue;
    // b's 35 no longer reaches: b is P2, whose fallback is unclassified (no category, no load).
    EXPECT_EQ(point.reached, 1u);
    EXPECT_EQ(point.load, 2u);
  }
}

TEST(EvaluationFallbackByFieldTest, AFieldValuesFallbackIsDecidedAndSweptLikeTheEngineDoes) {
  // P4 falls back to y, but a platform's report to unclassified: the field's value comes first.
  const RuleSet rules = MustCompile(kRules,
                                    "categories:\n"
                                    "  fallback_by_band: {P4: y}\n"
                                    "  fallback_by_field: {field: channel, values: {platform: "
                                    "unclassified, esp: x}}\n");
  Scanner scanner(rules);
  std::vector<ScoredRecord> records;
  for (const char* json : {
           R"({"id":"a","channel":"sms","summary":"weak"})",         // P4, y 20: y by its band
           R"({"id":"b","channel":"platform","summary":"weak"})",    // P4, y 20: unclassified
           R"({"id":"c","channel":"platform","summary":"middle"})",  // P2, y 35: y assigned
           R"({"id":"d","channel":"esp","summary":"nothing"})",      // P4: x by its channel
       }) {
    ScoredRecord record;
    ASSERT_TRUE(ScoreRecord(&scanner, json, true, &record).ok());
    records.push_back(record);
  }
  EXPECT_EQ(records[0].categories, Strings{"y"});
  EXPECT_EQ(records[1].categories, Strings{"unclassified"});
  EXPECT_EQ(records[1].fallback_field_values, Strings{"platform"});
  EXPECT_EQ(records[2].categories, Strings{"y"});
  EXPECT_EQ(records[3].categories, Strings{"x"});
  LabelSet labels;
  LabelParser parser(rules.config(), rules.category_names());
  ASSERT_TRUE(parser.Add(R"({"id":"a","categories":["y"]})", 1, &labels).ok());
  ASSERT_TRUE(parser.Add(R"({"id":"b","categories":["unclassified"]})", 2, &labels).ok());
  ASSERT_TRUE(parser.Add(R"({"id":"c","categories":["y"]})", 3, &labels).ok());
  ASSERT_TRUE(parser.Add(R"({"id":"d","categories":["y"]})", 4, &labels).ok());
  const EvalReport report = ComputeEval(rules, records, labels, EvalSettings());
  const CategoryMetrics& x = report.categories[0];
  const CategoryMetrics& y = report.categories[1];
  const CategoryMetrics& unclassified = report.categories.back();
  ASSERT_EQ(x.name, "x");
  ASSERT_EQ(y.name, "y");
  ASSERT_EQ(unclassified.name, "unclassified");
  EXPECT_EQ(y.tp, 2u);             // a, c
  EXPECT_EQ(y.fn, 1u);             // d: decided x by its channel
  EXPECT_EQ(y.fp, 0u);             // b's y is not decided: its channel's fallback is unclassified
  EXPECT_EQ(x.fp, 1u);             // d
  EXPECT_EQ(unclassified.tp, 1u);  // b

  // The assign_min sweep applies the same policy: at 30 (now) a's y comes from its band, b gets
  // unclassified (no load), d gets x.
  const Sweep& sweep = report.sweeps.back();
  ASSERT_EQ(sweep.kind, Sweep::Kind::kAssignMin);
  EXPECT_EQ(sweep.at_current.reached, 2u);  // a's and c's y
  EXPECT_EQ(sweep.at_current.load, 3u);     // y, y, x
  for (const SweepPoint& point : sweep.points) {
    if (point.threshold != 20) continue;
    // b's 20 now reaches: y is assigned to b too, its channel no longer matters.
    EXPECT_EQ(point.reached, 2u);
    EXPECT_EQ(point.load, 4u);
  }
}

TEST_F(EvaluationTest, ParseRecallTargetRejectsWhatCannotBeSwept) {
  const EngineConfig& config = rules_.config();
  const Strings categories = rules_.category_names();
  EXPECT_EQ(ParseRecallTarget("P1", config, categories).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_FALSE(ParseRecallTarget("P1=0", config, categories).ok());
  EXPECT_FALSE(ParseRecallTarget("P1=1.5", config, categories).ok());
  EXPECT_FALSE(ParseRecallTarget("P4=0.9", config, categories).ok());  // the lowest band
  EXPECT_FALSE(ParseRecallTarget("unclassified=0.9", config, categories).ok());
  EXPECT_FALSE(ParseRecallTarget("zzz=0.9", config, categories).ok());
  Result<RecallTarget> all = ParseRecallTarget("assign_min=0.8", config, categories);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->kind, RecallTarget::Kind::kAllCategories);
  EXPECT_DOUBLE_EQ(all->recall, 0.8);
}

}  // namespace
}  // namespace triage::testing
