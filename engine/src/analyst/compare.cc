// SPDX-License-Identifier: Apache-2.0
// Two decisions of one record, and two rulesets over one corpus (triage/compare.h).

#include "triage/compare.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "triage/labels.h"
#include "triage/rule_set.h"
#include "triage/scored_record.h"

namespace triage {
namespace {

// Names in `a` and not in `b`, in the order of `a`, each once.
std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const std::string& name : a) {
    if (std::find(b.begin(), b.end(), name) == b.end() &&
        std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  }
  return out;
}

size_t Distance(size_t a, size_t b) { return a > b ? a - b : b - a; }

CategoryChange* FindCategory(std::vector<CategoryChange>* categories, const std::string& name) {
  for (CategoryChange& c : *categories) {
    if (c.name == name) return &c;
  }
  categories->push_back(CategoryChange{name, 0, 0});
  return &categories->back();
}

}  // namespace

DecisionChange CompareDecisions(const std::vector<std::string>& before_categories,
                                const std::vector<std::string>& before_rules,
                                const std::vector<std::string>& after_categories,
                                const std::vector<std::string>& after_rules) {
  DecisionChange change;
  change.categories_added = Minus(after_categories, before_categories);
  change.categories_removed = Minus(before_categories, after_categories);
  change.rules_added = Minus(after_rules, before_rules);
  change.rules_removed = Minus(before_rules, after_rules);
  change.reordered = before_categories != after_categories || before_rules != after_rules;
  if (!change.categories_added.empty() || !change.categories_removed.empty() ||
      !change.rules_added.empty() || !change.rules_removed.empty()) {
    change.reordered = false;  // a change of names, not only of order
  }
  return change;
}

const char* BandMoveName(BandMove move) {
  switch (move) {
    case BandMove::kLessUrgent:
      return "less_urgent";
    case BandMove::kMoreUrgent:
      return "more_urgent";
    case BandMove::kNone:
      break;
  }
  return "none";
}

const char* LabelRelationName(LabelRelation relation) {
  switch (relation) {
    case LabelRelation::kToward:
      return "toward";
    case LabelRelation::kAway:
      return "away";
    case LabelRelation::kNeither:
      return "neither";
    case LabelRelation::kNone:
      break;
  }
  return "none";
}

RulesetComparison::RulesetComparison(const RuleSet& base, const RuleSet& head,
                                     const LabelSet* labels)
    : labels_(labels) {
  report_.base_digest = base.digest();
  report_.head_digest = head.digest();
  report_.base_bands = base.config().bands;
  report_.head_bands = head.config().bands;
  report_.labelled = labels != nullptr;
  report_.transitions.assign(report_.base_bands.size(),
                             std::vector<size_t>(report_.head_bands.size(), 0));
}

void RulesetComparison::Add(ScoredRecord base, ScoredRecord head) {
  ComparisonReport* report = &report_;
  ++report->records;
  if (base.band < report->transitions.size() && head.band < report->transitions[base.band].size()) {
    ++report->transitions[base.band][head.band];
  }
  const DecisionChange delta =
      CompareDecisions(base.categories, base.rules, head.categories, head.rules);
  for (const std::string& name : delta.categories_added) {
    ++FindCategory(&report->categories, name)->added;
  }
  for (const std::string& name : delta.categories_removed) {
    ++FindCategory(&report->categories, name)->removed;
  }
  const bool changed = base.band != head.band || base.score != head.score ||
                       !delta.categories_added.empty() || !delta.categories_removed.empty() ||
                       !delta.rules_added.empty() || !delta.rules_removed.empty();
  if (!changed) return;
  RecordChange change;
  change.rules_added = delta.rules_added;
  change.rules_removed = delta.rules_removed;
  if (head.band > base.band) {
    change.move = BandMove::kLessUrgent;
    ++report->less_urgent;
  } else if (head.band < base.band) {
    change.move = BandMove::kMoreUrgent;
    ++report->more_urgent;
  } else {
    ++report->same_band;
  }
  if (labels_ != nullptr && base.id) {
    const auto found = labels_->by_id.find(*base.id);
    if (found != labels_->by_id.end() && labels_->labels[found->second].band) {
      const size_t expected = *labels_->labels[found->second].band;
      change.label_band = expected;
      if (change.move != BandMove::kNone) {
        const size_t before = Distance(base.band, expected);
        const size_t after = Distance(head.band, expected);
        change.relation = after < before   ? LabelRelation::kToward
                          : after > before ? LabelRelation::kAway
                                           : LabelRelation::kNeither;
      }
    }
  }
  change.base = std::move(base);
  change.head = std::move(head);
  report->changes.push_back(std::move(change));
}

ComparisonReport RulesetComparison::Finish() {
  const auto group = [](const RecordChange& c) {
    return c.move == BandMove::kLessUrgent ? 0 : c.move == BandMove::kMoreUrgent ? 1 : 2;
  };
  std::stable_sort(report_.changes.begin(), report_.changes.end(),
                   [&](const RecordChange& a, const RecordChange& b) {
                     if (group(a) != group(b)) return group(a) < group(b);
                     const size_t da = Distance(a.base.band, a.head.band);
                     const size_t db = Distance(b.base.band, b.head.band);
                     if (da != db) return da > db;
                     return a.base.line < b.base.line;
                   });
  return std::move(report_);
}

}  // namespace triage
