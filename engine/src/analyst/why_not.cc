// SPDX-License-Identifier: Apache-2.0
// Condition views, blocking parts and closest-to-firing rules (triage/why_not.h).

#include "triage/why_not.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/diagnostic.h"
#include "triage/explain.h"

namespace triage {
namespace {

struct LineCol {
  size_t line = 0;
  size_t col = 0;
};

// Parses the "line:col" at the end of a "file:line:col" location (the file name may hold ':').
bool ParseLineCol(std::string_view location, LineCol* out) {
  const size_t col_colon = location.rfind(':');
  if (col_colon == std::string_view::npos || col_colon == 0) return false;
  const size_t line_colon = location.rfind(':', col_colon - 1);
  if (line_colon == std::string_view::npos) return false;
  const auto parse = [](std::string_view digits, size_t* value) {
    if (digits.empty()) return false;
    size_t v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<size_t>(c - '0');
    }
    *value = v;
    return true;
  };
  return parse(location.substr(line_colon + 1, col_colon - line_colon - 1), &out->line) &&
         parse(location.substr(col_colon + 1), &out->col);
}

// Returns the byte offset of `child` within `parent`'s source text, from their locations, or npos.
size_t OffsetInParent(const ConditionTrace& parent, const ConditionTrace& child) {
  LineCol p;
  LineCol c;
  if (!ParseLineCol(parent.location, &p) || !ParseLineCol(child.location, &c)) {
    return std::string::npos;
  }
  if (c.line < p.line || (c.line == p.line && c.col < p.col)) return std::string::npos;
  size_t offset = 0;
  if (c.line == p.line) {
    offset = c.col - p.col;
  } else {
    size_t line_start = 0;
    for (size_t line = p.line; line < c.line; ++line) {
      const size_t newline = parent.text.find('\n', line_start);
      if (newline == std::string::npos) return std::string::npos;
      line_start = newline + 1;
    }
    if (c.col == 0) return std::string::npos;
    offset = line_start + c.col - 1;
  }
  return offset <= parent.text.size() ? offset : std::string::npos;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Returns true if `text`, outside comments, holds the word `word`.
bool HasWord(std::string_view text, std::string_view word) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '#') {
      const size_t newline = text.find('\n', pos);
      if (newline == std::string_view::npos) return false;
      pos = newline + 1;
      continue;
    }
    if (text.compare(pos, word.size(), word) == 0 && (pos == 0 || !IsWordChar(text[pos - 1])) &&
        (pos + word.size() == text.size() || !IsWordChar(text[pos + word.size()]))) {
      return true;
    }
    ++pos;
  }
  return false;
}

// The operator of a node with several children: the word between its first two children, else
// the one its truth value is consistent with.
ConditionView::Kind JunctionKind(const ConditionTrace& trace) {
  const ConditionTrace& first = trace.children[0];
  const ConditionTrace& second = trace.children[1];
  const size_t first_at = OffsetInParent(trace, first);
  const size_t second_at = OffsetInParent(trace, second);
  if (first_at != std::string::npos && second_at != std::string::npos &&
      first_at + first.text.size() <= second_at) {
    const std::string_view text = trace.text;
    const std::string_view between =
        text.substr(first_at + first.text.size(), second_at - first_at - first.text.size());
    const bool has_and = HasWord(between, "and");
    const bool has_or = HasWord(between, "or");
    if (has_and != has_or) return has_and ? ConditionView::Kind::kAnd : ConditionView::Kind::kOr;
  }
  const bool all = std::all_of(trace.children.begin(), trace.children.end(),
                               [](const ConditionTrace& c) { return c.holds; });
  const bool any = std::any_of(trace.children.begin(), trace.children.end(),
                               [](const ConditionTrace& c) { return c.holds; });
  if (trace.holds == any && trace.holds != all) return ConditionView::Kind::kOr;
  return ConditionView::Kind::kAnd;
}

}  // namespace

ConditionView ViewCondition(const ConditionTrace& trace) {
  ConditionView view;
  view.trace = &trace;
  const bool one_test = trace.children.empty() ||
                        std::all_of(trace.children.begin(), trace.children.end(),
                                    [&](const ConditionTrace& c) { return c.text == trace.text; });
  if (one_test) return view;
  if (trace.children.size() == 1) {
    view.kind = ConditionView::Kind::kNot;
  } else {
    view.kind = JunctionKind(trace);
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
      // A false `and` (needed true) is blocked by its false children; a true one (needed false)
      // by all of them; a false `or` by all of them; a true one (needed false) by its true ones:
      // in every case, by the children whose value is not the needed one.
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
