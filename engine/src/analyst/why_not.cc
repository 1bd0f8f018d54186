// SPDX-License-Identifier: Apache-2.0
// Condition views, blocking parts and closest-to-firing rules (triage/why_not.h).

#include "triage/why_not.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/diagnostic.h"
#include "triage/explain.h"

namespace triage {

ConditionView ViewCondition(const ConditionTrace& trace) {
  ConditionView view;
  view.trace = &trace;
  switch (trace.op) {
    case ConditionOp::kTest:
      return view;  // a leaf, or one test the compiler expanded: its parts are not shown
    case ConditionOp::kAnd:
      view.kind = ConditionView::Kind::kAnd;
      break;
    case ConditionOp::kOr:
      view.kind = ConditionView::Kind::kOr;
      break;
    case ConditionOp::kNot:
      view.kind = ConditionView::Kind::kNot;
      break;
    case ConditionOp::kAtLeast:
      view.kind = ConditionView::Kind::kAtLeast;
      break;
  }
  for (const ConditionTrace& child : trace.children) view.children.push_back(ViewCondition(child));
  return view;
}

std::vector<BlockingPart> FindBlocking(const ConditionView& view, bool needed) {
  std::vector<BlockingPart> parts;
  if (view.trace == nullptr || view.trace->holds == needed) return parts;
  switch (view.kind) {
    case ConditionView::Kind::kTest:
      parts.push_back({view.trace, needed});
      break;
    case ConditionView::Kind::kNot:
      parts = FindBlocking(view.children[0], !needed);
      break;
    case ConditionView::Kind::kAnd:
    case ConditionView::Kind::kOr:
    case ConditionView::Kind::kAtLeast:
      // A false `and` (needed true) is blocked by its false children; a true one (needed false)
      // by all of them; a false `or` by all of them; a true one (needed false) by its true ones;
      // a false `N of` by its false children, a true one by its true ones: in every case, by
      // the children whose value is not the needed one.
      for (const ConditionView& child : view.children) {
        if (child.trace->holds == needed) continue;
        std::vector<BlockingPart> more = FindBlocking(child, needed);
        parts.insert(parts.end(), more.begin(), more.end());
      }
      break;
  }
  return parts;
}

void CountTests(const ConditionView& view, size_t* holding, size_t* total, bool needed) {
  if (view.trace == nullptr) return;
  switch (view.kind) {
    case ConditionView::Kind::kTest:
      ++*total;
      if (view.trace->holds == needed) ++*holding;
      break;
    case ConditionView::Kind::kNot:
      CountTests(view.children[0], holding, total, !needed);
      break;
    case ConditionView::Kind::kAnd:
    case ConditionView::Kind::kOr:
    case ConditionView::Kind::kAtLeast:
      for (const ConditionView& child : view.children) CountTests(child, holding, total, needed);
      break;
  }
}

std::vector<NearMiss> FindClosest(const Explanation& explanation, size_t count) {
  std::vector<NearMiss> misses;
  if (count == 0) return misses;
  for (const RuleTrace& rule : explanation.rules) {
    if (rule.fired || !rule.enabled || rule.condition.text.empty()) continue;
    const ConditionView view = ViewCondition(rule.condition);
    NearMiss miss;
    miss.rule = &rule;
    CountTests(view, &miss.holding, &miss.total);
    if (miss.holding == 0) continue;
    miss.blocking = FindBlocking(view);
    misses.push_back(std::move(miss));
  }
  std::stable_sort(misses.begin(), misses.end(), [](const NearMiss& a, const NearMiss& b) {
    if (a.holding != b.holding) return a.holding > b.holding;
    return a.blocking.size() < b.blocking.size();
  });
  if (misses.size() > count) misses.resize(count);
  return misses;
}

const RuleTrace* FindRule(const Explanation& explanation, std::string_view name) {
  for (const RuleTrace& rule : explanation.rules) {
    if (rule.rule == name) return &rule;
  }
  return nullptr;
}

std::vector<std::string> SimilarNames(std::string_view name,
                                      const std::vector<std::string>& names) {
  std::vector<std::pair<size_t, std::string>> scored;
  const size_t limit = std::max<size_t>(2, name.size() / 3);
  for (const std::string& candidate : names) {
    const size_t distance = triage::EditDistance(name, candidate);
    const bool contains = name.size() >= 4 && candidate.find(name) != std::string::npos;
    if (distance <= limit || contains) scored.emplace_back(contains ? 0 : distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> similar;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) similar.push_back(scored[i].second);
  return similar;
}

}  // namespace triage
