// SPDX-License-Identifier: Apache-2.0
// The measures of a labelled corpus (triage/evaluation.h).

#include "triage/evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "triage/band_index.h"
#include "triage/config.h"
#include "triage/decision.h"
#include "triage/decision_policy.h"
#include "triage/labels.h"
#include "triage/rule_set.h"
#include "triage/scored_record.h"
#include "triage/status.h"

namespace triage {
namespace {

std::optional<double> Ratio(size_t numerator, size_t denominator) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A matched record with a categories label, ready for the assign_min sweep.
struct CategoryCase {
  std::vector<CategoryScore> totals;  // every category a fired rule scored (RuleTally::totals)
  std::vector<std::string> expected;  // without the fallback
  std::string fallback;  // the record's fallback: of its field value or band (FallbackCategory)
};

class CategorySweeper {
 public:
  CategorySweeper(std::vector<CategoryCase> cases, int max_labels, std::string fallback)
      : cases_(std::move(cases)), max_labels_(max_labels), fallback_(std::move(fallback)) {}

  // The recall of `only` (all categories when empty) and the load at `threshold`.
  SweepPoint At(int threshold, const std::string& only, size_t* expected) const {
    SweepPoint point;
    point.threshold = threshold;
    size_t total = 0;
    for (const CategoryCase& c : cases_) {
      // The decision policy at this threshold. The fallback plays no part in recall or load; a
      // band's or a field value's fallback (categories.fallback_by_band, fallback_by_field) is a
      // category like the others.
      const std::vector<CategoryScore> assigned =
          DecideCategories(c.totals, threshold, max_labels_, &c.fallback);
      for (const CategoryScore& category : assigned) {
        if (category.name != fallback_) ++point.load;
      }
      for (const std::string& name : c.expected) {
        if (!only.empty() && name != only) continue;
        ++total;
        for (const CategoryScore& category : assigned) {
          if (category.name == name) {
            ++point.reached;
            break;
          }
        }
      }
    }
    point.recall = Ratio(point.reached, total);
    if (expected != nullptr) *expected = total;
    return point;
  }

  // The thresholds at which recall can change, within [0, max]: every total, 0 and max.
  std::vector<int> Candidates(int max) const {
    std::set<int> values = {0, max};
    for (const CategoryCase& c : cases_) {
      for (const CategoryScore& total : c.totals) {
        if (total.score >= 0 && total.score <= max) values.insert(total.score);
      }
    }
    return {values.begin(), values.end()};
  }

 private:
  std::vector<CategoryCase> cases_;
  int max_labels_;
  std::string fallback_;
};

// Band-floor sweep over the band-labelled records.
class BandSweeper {
 public:
  BandSweeper(std::vector<int> expected_scores, std::vector<int> all_scores)
      : expected_(std::move(expected_scores)), all_(std::move(all_scores)) {
    std::sort(expected_.begin(), expected_.end());
    std::sort(all_.begin(), all_.end());
  }

  SweepPoint At(int threshold) const {
    SweepPoint point;
    point.threshold = threshold;
    point.reached = CountAtLeast(expected_, threshold);
    point.recall = Ratio(point.reached, expected_.size());
    point.load = CountAtLeast(all_, threshold);
    return point;
  }

  std::vector<int> Candidates(int max) const {
    std::set<int> values = {0, max};
    for (int score : expected_) {
      if (score >= 0 && score <= max) values.insert(score);
    }
    return {values.begin(), values.end()};
  }

  size_t expected() const { return expected_.size(); }

 private:
  static size_t CountAtLeast(const std::vector<int>& sorted, int threshold) {
    return static_cast<size_t>(sorted.end() -
                               std::lower_bound(sorted.begin(), sorted.end(), threshold));
  }

  std::vector<int> expected_;
  std::vector<int> all_;
};

std::vector<int> SweepGrid(int max) {
  // Steps of 5; wider (a multiple of 5) when that would make more than about 100 rows.
  const int step = 5 * std::max(1, (max + 499) / 500);
  std::vector<int> grid;
  for (int t = 0; t <= max; t += step) grid.push_back(t);
  if (grid.back() != max) grid.push_back(max);
  return grid;
}

// The highest candidate whose recall reaches `recall`; recall never grows with the threshold, so
// this is the highest such integer threshold in [0, max].
template <typename PointAt>
std::optional<SweepPoint> HighestReaching(const std::vector<int>& candidates, double recall,
                                          const PointAt& point_at) {
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    const SweepPoint point = point_at(*it);
    // A small tolerance so that 2/3 reaches "0.6667" and 1.0 is not missed by rounding.
    if (point.recall && *point.recall + 1e-9 >= recall) return point;
  }
  return std::nullopt;
}

}  // namespace

Result<RecallTarget> ParseRecallTarget(const std::string& text, const EngineConfig& config,
                                       const std::vector<std::string>& categories) {
  RecallTarget result;
  RecallTarget* target = &result;
  const size_t equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
    return Status::InvalidArgument("--target-recall '" + text +
                                   "': expected KEY=RECALL, e.g. P1=0.99 or enticement=0.9");
  }
  target->key = text.substr(0, equals);
  const std::string number = text.substr(equals + 1);
  char* end = nullptr;
  const double recall = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0' || !(recall > 0.0 && recall <= 1.0)) {
    return Status::InvalidArgument("--target-recall '" + text +
                                   "': the recall must be a number in (0, 1]");
  }
  target->recall = recall;
  if (const std::optional<size_t> band = FindBand(config.bands, target->key)) {
    if (*band + 1 == config.bands.size()) {
      return Status::InvalidArgument("--target-recall '" + text + "': " + target->key +
                                     " is the lowest band; its floor is fixed at 0");
    }
    target->kind = RecallTarget::Kind::kBand;
    target->band = *band;
    return result;
  }
  if (target->key == "assign_min") {
    target->kind = RecallTarget::Kind::kAllCategories;
    return result;
  }
  if (target->key == config.fallback) {
    return Status::InvalidArgument("--target-recall '" + text + "': " + target->key +
                                   " is the fallback category; assign_min does not assign it");
  }
  if (Contains(categories, target->key)) {
    target->kind = RecallTarget::Kind::kCategory;
    return result;
  }
  std::string known;
  for (const UrgencyBand& band : config.bands) known += " " + band.name;
  return Status::InvalidArgument("--target-recall '" + text + "': '" + target->key +
                                 "' is neither a band (" + known.substr(known.empty() ? 0 : 1) +
                                 "), a category, nor assign_min");
}

EvalReport ComputeEval(const RuleSet& rules, const std::vector<ScoredRecord>& records,
                       const LabelSet& labels, const EvalSettings& settings) {
  const EngineConfig& config = rules.config();
  EvalReport report;
  report.ruleset = rules.digest();
  report.bands = config.bands;
  report.urgency_max = config.urgency_max;
  report.assign_min = config.assign_min;
  report.max_labels = config.max_labels;
  report.fallback = config.fallback;
  report.records = records.size();
  report.labels = labels.labels.size();
  report.urgent_band = std::min(settings.urgent_band, config.bands.size() - 1);
  const size_t band_count = config.bands.size();

  // Category table: declaration order, the fallback last.
  std::vector<std::string> category_names;
  for (const std::string& name : rules.category_names()) {
    if (name != config.fallback) category_names.push_back(name);
  }
  category_names.push_back(config.fallback);
  std::unordered_map<std::string, size_t> category_index;
  for (size_t i = 0; i < category_names.size(); ++i) {
    category_index.emplace(category_names[i], i);
    CategoryMetrics metrics;
    metrics.name = category_names[i];
    report.categories.push_back(metrics);
  }

  // Rules.
  const std::vector<std::string> rule_names = rules.rule_names();
  std::unordered_map<std::string, size_t> rule_index;
  for (size_t i = 0; i < rule_names.size(); ++i) {
    rule_index.emplace(rule_names[i], i);
    RuleHitCount count;
    count.name = rule_names[i];
    report.rules.push_back(count);
  }
  for (const RuleOverride& override : config.overrides) {
    const auto it = rule_index.find(override.rule);
    if (it != rule_index.end() && override.enabled && !*override.enabled) {
      report.rules[it->second].enabled = false;
    }
  }

  report.confusion.assign(band_count, std::vector<size_t>(band_count, 0));
  report.scores_by_band.assign(band_count, {});

  std::vector<char> label_used(labels.labels.size(), 0);
  std::unordered_set<std::string> seen_ids;
  std::vector<std::pair<size_t, int>> band_cases;  // (expected band, score)
  std::vector<CategoryCase> category_cases;

  for (const ScoredRecord& record : records) {
    for (const std::string& rule : record.rules) {
      const auto it = rule_index.find(rule);
      if (it != rule_index.end()) ++report.rules[it->second].hits;
    }
    if (!record.id) {
      ++report.without_id;
      continue;
    }
    if (!seen_ids.insert(*record.id).second) {
      report.duplicate_ids.push_back(*record.id);
      continue;
    }
    const auto found = labels.by_id.find(*record.id);
    if (found == labels.by_id.end()) {
      report.unlabelled.push_back(*record.id);
      continue;
    }
    label_used[found->second] = 1;
    const Label& label = labels.labels[found->second];
    ++report.matched;

    if (label.band && record.band < band_count) {
      ++report.band_labelled;
      const size_t expected = *label.band;
      ++report.confusion[expected][record.band];
      report.scores_by_band[expected].push_back(record.score);
      band_cases.emplace_back(expected, record.score);
      if (expected <= report.urgent_band) {
        ++report.expected_urgent;
        if (record.band > report.urgent_band) {
          report.under_triage.push_back(
              UnderTriaged{*record.id, record.line, expected, record.band, record.score});
        }
      }
    }

    if (label.categories) {
      ++report.category_labelled;
      const std::vector<std::string>& expected = *label.categories;
      for (const std::string& name : expected) {
        CategoryMetrics& metrics = report.categories[category_index.at(name)];
        ++metrics.support;
        if (Contains(record.categories, name)) {
          ++metrics.tp;
        } else {
          ++metrics.fn;
        }
      }
      for (const std::string& name : record.categories) {
        const auto it = category_index.find(name);
        if (it == category_index.end()) continue;
        CategoryMetrics& metrics = report.categories[it->second];
        ++metrics.decided;
        if (!Contains(expected, name)) ++metrics.fp;
      }
      CategoryCase c;
      c.totals = record.totals;
      c.fallback = FallbackCategory(
          config, record.band < band_count ? config.bands[record.band].name : std::string(),
          record.fallback_field_values);
      for (const std::string& name : expected) {
        if (name != config.fallback) c.expected.push_back(name);
      }
      category_cases.push_back(std::move(c));
    }
  }
  for (size_t i = 0; i < labels.labels.size(); ++i) {
    if (label_used[i] == 0) report.orphans.push_back(labels.labels[i].id);
  }
  for (std::vector<int>& scores : report.scores_by_band) std::sort(scores.begin(), scores.end());

  // Precision, recall, F1.
  size_t macro_count = 0;
  double macro_precision = 0;
  double macro_recall = 0;
  double macro_f1 = 0;
  for (CategoryMetrics& metrics : report.categories) {
    metrics.precision = Ratio(metrics.tp, metrics.tp + metrics.fp);
    metrics.recall = Ratio(metrics.tp, metrics.tp + metrics.fn);
    metrics.f1 = Ratio(2 * metrics.tp, 2 * metrics.tp + metrics.fp + metrics.fn);
    report.micro.support += metrics.support;
    report.micro.decided += metrics.decided;
    report.micro.tp += metrics.tp;
    report.micro.fp += metrics.fp;
    report.micro.fn += metrics.fn;
    if (metrics.support > 0) {
      ++macro_count;
      macro_precision += metrics.precision.value_or(0.0);
      macro_recall += metrics.recall.value_or(0.0);
      macro_f1 += metrics.f1.value_or(0.0);
    }
  }
  report.micro.name = "micro";
  report.micro.precision = Ratio(report.micro.tp, report.micro.tp + report.micro.fp);
  report.micro.recall = Ratio(report.micro.tp, report.micro.tp + report.micro.fn);
  report.micro.f1 =
      Ratio(2 * report.micro.tp, 2 * report.micro.tp + report.micro.fp + report.micro.fn);
  if (macro_count > 0) {
    report.macro_precision = macro_precision / static_cast<double>(macro_count);
    report.macro_recall = macro_recall / static_cast<double>(macro_count);
    report.macro_f1 = macro_f1 / static_cast<double>(macro_count);
  }

  // Threshold sweep.
  const std::vector<int> grid = SweepGrid(config.urgency_max);
  std::vector<int> all_scores;
  all_scores.reserve(band_cases.size());
  for (const auto& [expected, score] : band_cases) all_scores.push_back(score);
  std::vector<BandSweeper> band_sweepers;
  for (size_t b = 0; b + 1 < band_count; ++b) {
    std::vector<int> expected_scores;
    for (const auto& [expected, score] : band_cases) {
      if (expected <= b) expected_scores.push_back(score);
    }
    band_sweepers.emplace_back(std::move(expected_scores), all_scores);
    const BandSweeper& sweeper = band_sweepers.back();
    Sweep sweep;
    sweep.kind = Sweep::Kind::kBandFloor;
    sweep.name = config.bands[b].name;
    sweep.band = b;
    sweep.current = config.bands[b].min;
    sweep.expected = sweeper.expected();
    sweep.population = band_cases.size();
    sweep.at_current = sweeper.At(sweep.current);
    for (int t : grid) sweep.points.push_back(sweeper.At(t));
    report.sweeps.push_back(std::move(sweep));
  }
  const size_t category_population = category_cases.size();
  const CategorySweeper category_sweeper(std::move(category_cases), config.max_labels,
                                         config.fallback);
  {
    Sweep sweep;
    sweep.kind = Sweep::Kind::kAssignMin;
    sweep.name = "assign_min";
    sweep.current = config.assign_min;
    sweep.population = category_population;
    sweep.at_current = category_sweeper.At(sweep.current, "", &sweep.expected);
    for (int t : grid) sweep.points.push_back(category_sweeper.At(t, "", nullptr));
    report.sweeps.push_back(std::move(sweep));
  }

  for (const RecallTarget& target : settings.targets) {
    TargetResult result;
    result.target = target;
    if (target.kind == RecallTarget::Kind::kBand) {
      const BandSweeper& sweeper = band_sweepers[target.band];
      result.expected = sweeper.expected();
      result.current = config.bands[target.band].min;
      result.at_current = sweeper.At(result.current);
      result.best = HighestReaching(sweeper.Candidates(config.urgency_max), target.recall,
                                    [&](int t) { return sweeper.At(t); });
    } else {
      const std::string only = target.kind == RecallTarget::Kind::kCategory ? target.key : "";
      result.category = only;
      result.current = config.assign_min;
      result.at_current = category_sweeper.At(result.current, only, &result.expected);
      result.best = HighestReaching(category_sweeper.Candidates(config.urgency_max), target.recall,
                                    [&](int t) { return category_sweeper.At(t, only, nullptr); });
    }
    report.targets.push_back(std::move(result));
  }
  return report;
}

}  // namespace triage
