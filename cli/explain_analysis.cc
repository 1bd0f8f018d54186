// SPDX-License-Identifier: Apache-2.0
// The analysis behind `triage explain` (explain_analysis.h).

#include "explain_analysis.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "triage/diagnostic.h"
#include "triage/decision.h"
#include "triage/explain.h"
#include "triage/scanner.h"
#include "triage/status.h"

namespace triage::cli {
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

Ledger BuildLedger(const Explanation& explanation, const EngineConfig& config) {
  Ledger ledger;
  ledger.max = explanation.urgency_max;
  for (const RuleTrace& rule : explanation.rules) {
    if (!rule.fired) continue;
    ledger.sum += rule.urgency;
    ledger.entries.push_back({&rule, ledger.sum});
    if (rule.floor && (!ledger.floor || *rule.floor > *ledger.floor)) {
      ledger.floor = rule.floor;
      ledger.floor_rule = rule.rule;
    }
  }
  ledger.clamped = std::clamp<int64_t>(ledger.sum, 0, ledger.max);
  ledger.score = explanation.decision.urgency;
  ledger.band = explanation.decision.band;
  for (size_t i = 0; i < config.bands.size(); ++i) {
    if (config.bands[i].name != ledger.band) continue;
    ledger.band_min = config.bands[i].min;
    ledger.band_label = config.bands[i].label;
    if (i > 0) ledger.next_band = config.bands[i - 1];
    break;
  }
  return ledger;
}

CategoryReport BuildCategoryReport(const Explanation& explanation, const EngineConfig& config) {
  CategoryReport report;
  report.assign_min = explanation.assign_min;
  report.max_labels = config.max_labels;
  const std::vector<CategoryScore>& assigned = explanation.decision.categories;
  bool any_reached = false;
  for (const CategoryScore& total : explanation.category_totals) {
    CategoryLine line;
    line.name = total.name;
    line.score = total.score;
    const bool in_decision =
        std::any_of(assigned.begin(), assigned.end(),
                    [&](const CategoryScore& c) { return c.name == total.name; });
    if (total.score < report.assign_min) {
      line.status = CategoryLine::Status::kBelowMin;
    } else {
      any_reached = true;
      line.status =
          in_decision ? CategoryLine::Status::kAssigned : CategoryLine::Status::kOverMaxLabels;
    }
    for (const RuleTrace& rule : explanation.rules) {
      if (!rule.fired) continue;
      for (const CategoryScore& score : rule.categories) {
        if (score.name == total.name) line.contributions.emplace_back(rule.rule, score.score);
      }
    }
    report.lines.push_back(std::move(line));
  }
  std::stable_sort(report.lines.begin(), report.lines.end(),
                   [](const CategoryLine& a, const CategoryLine& b) {
                     return a.score != b.score ? a.score > b.score : a.name < b.name;
                   });
  if (!any_reached && !assigned.empty()) report.fallback = assigned.front().name;
  return report;
}

std::vector<RuleSpan> CollectRuleSpans(const Explanation& explanation) {
  std::vector<RuleSpan> spans;
  for (const RuleTrace& rule : explanation.rules) {
    if (!rule.fired) continue;
    const size_t first = spans.size();
    for (const MatchSpan& span : rule.spans) {
      for (const FieldText& field : explanation.texts) {
        if (field.field != span.field || span.value >= field.values.size()) continue;
        const std::string& value = field.values[span.value];
        if (span.begin > span.end || span.end > value.size()) continue;
        spans.push_back({rule.rule, span, value.substr(span.begin, span.end - span.begin)});
        break;
      }
    }
    // A rule's spans in text order (the library lists them by the part of the condition).
    std::stable_sort(spans.begin() + static_cast<std::ptrdiff_t>(first), spans.end(),
                     [](const RuleSpan& a, const RuleSpan& b) {
                       return std::tie(a.span.field, a.span.value, a.span.begin, a.span.end) <
                              std::tie(b.span.field, b.span.value, b.span.begin, b.span.end);
                     });
  }
  return spans;
}

std::vector<std::pair<uint32_t, uint32_t>> MarkedRanges(const std::vector<RuleSpan>& spans,
                                                        std::string_view field, uint32_t value) {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (const RuleSpan& span : spans) {
    if (span.span.field == field && span.span.value == value && span.span.end > span.span.begin) {
      ranges.emplace_back(span.span.begin, span.span.end);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first < merged.back().second) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

Counterfactual FindCounterfactual(Scanner* scanner, std::string_view json,
                                  const Explanation& explanation,
                                  const CounterfactualLimits& limits) {
  Counterfactual result;
  std::vector<const RuleTrace*> fired;
  for (const RuleTrace& rule : explanation.rules) {
    if (rule.fired) fired.push_back(&rule);
  }
  result.fired = fired.size();
  if (fired.empty() || limits.max_size == 0) return result;

  const std::string& band = explanation.decision.band;
  const int score = explanation.decision.urgency;
  Decision decision;
  // Scans without the rules `set` (indexes into `fired`) into `decision`; false when the budget
  // is spent (or the scan failed, which it cannot for a record that was explained).
  const auto scan = [&](const std::vector<size_t>& set) {
    if (result.scans >= limits.max_scans) {
      result.limited = true;
      return false;
    }
    ScanOptions options;
    for (size_t i : set) options.disabled_rules.push_back(fired[i]->rule);
    ++result.scans;
    return scanner->ScanJson(json, options, &decision).ok();
  };
  const auto fires = [](const Decision& d, const std::string& rule) {
    return std::any_of(d.rules.begin(), d.rules.end(),
                       [&](const RuleHit& hit) { return hit.rule == rule; });
  };
  // Keeps `set` (just scanned) if it is the best so far: the fewest other rules switched off
  // with it (the most specific change), the first one tried on ties.
  size_t best_off = 0;
  const auto consider = [&](const std::vector<size_t>& set) {
    std::vector<size_t> sorted = set;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string> also_off;
    for (size_t i = 0; i < fired.size(); ++i) {
      if (!std::binary_search(sorted.begin(), sorted.end(), i) &&
          !fires(decision, fired[i]->rule)) {
        also_off.push_back(fired[i]->rule);
      }
    }
    if (result.found && also_off.size() >= best_off) return;
    result.found = true;
    best_off = also_off.size();
    result.rules.clear();
    for (size_t i : sorted) result.rules.push_back(fired[i]->rule);
    result.also_off = std::move(also_off);
    result.score = decision.urgency;
    result.band = decision.band;
    result.categories = decision.categories;
  };

  // Sets of one: every fired rule, which also measures each rule's influence and which other
  // rules depend on it (they stop firing with it).
  std::vector<int> impact(fired.size(), 0);
  std::vector<std::vector<char>> switches_off(fired.size(), std::vector<char>(fired.size(), 0));
  for (size_t i = 0; i < fired.size(); ++i) {
    if (!scan({i})) return result;
    if (decision.band != band) consider({i});
    impact[i] = std::abs(decision.urgency - score);
    for (size_t j = 0; j < fired.size(); ++j) {
      if (j != i && !fires(decision, fired[j]->rule)) switches_off[i][j] = 1;
    }
  }
  result.searched_size = 1;
  if (result.found) return result;

  // Larger sets among the most influential rules (ties: evaluation order).
  std::vector<size_t> candidates(fired.size());
  for (size_t i = 0; i < fired.size(); ++i) candidates[i] = i;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](size_t a, size_t b) { return impact[a] > impact[b]; });
  if (candidates.size() > limits.max_candidates) {
    candidates.resize(limits.max_candidates);
    result.limited = true;
  }
  result.candidates = candidates.size();
  for (size_t size = 2; size <= limits.max_size && size <= candidates.size(); ++size) {
    // Combinations of `size` positions in `candidates`, in lexicographic order.
    std::vector<size_t> pick(size);
    for (size_t k = 0; k < size; ++k) pick[k] = k;
    while (true) {
      std::vector<size_t> set(size);
      for (size_t k = 0; k < size; ++k) set[k] = candidates[pick[k]];
      // A set holding a rule and one that depends on it equals a smaller set, already tried.
      bool redundant = false;
      for (size_t a : set) {
        for (size_t b : set) redundant = redundant || (a != b && switches_off[a][b] != 0);
      }
      if (!redundant) {
        if (!scan(set)) return result;
        if (decision.band != band) consider(set);
      }
      // Next combination.
      size_t k = size;
      while (k > 0 && pick[k - 1] == candidates.size() - size + k - 1) --k;
      if (k == 0) break;
      ++pick[k - 1];
      for (size_t m = k; m < size; ++m) pick[m] = pick[m - 1] + 1;
    }
    result.searched_size = size;
    if (result.found) return result;
  }
  return result;
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

}  // namespace triage::cli
