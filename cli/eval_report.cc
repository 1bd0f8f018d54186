// SPDX-License-Identifier: Apache-2.0
// The text rendering of `triage eval` (eval_report.h).

#include "eval_report.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "triage/evaluation.h"

namespace triage::cli {
namespace {

// Display width: UTF-8 continuation bytes do not count.
size_t Width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string Percent(size_t part, size_t whole) {
  if (whole == 0) return "-";
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text.data();
}

std::string BandRange(const EvalReport& report) {
  const std::string& top = report.bands.front().name;
  const std::string& urgent = report.bands[report.urgent_band].name;
  return top == urgent ? top : top + "-" + urgent;
}

void RenderUnderTriage(const EvalReport& report, std::string* out) {
  const std::string& urgent = report.bands[report.urgent_band].name;
  *out += "Under-triage: " + std::to_string(report.under_triage.size()) + " of " +
          std::to_string(report.expected_urgent) + " records labelled " + BandRange(report) +
          " were decided below " + urgent + "\n";
  if (report.under_triage.empty()) return;
  std::vector<std::vector<std::string>> rows = {{"id", "line", "expected", "decided", "score"}};
  for (const UnderTriaged& u : report.under_triage) {
    rows.push_back({u.id, std::to_string(u.line), report.bands[u.expected].name,
                    report.bands[u.decided].name, std::to_string(u.score)});
  }
  *out += FormatTable(rows, {false, true, false, false, true});
}

std::vector<std::string> MetricCells(const std::string& name, const CategoryMetrics& m) {
  return {name,
          std::to_string(m.support),
          std::to_string(m.decided),
          std::to_string(m.tp),
          std::to_string(m.fp),
          std::to_string(m.fn),
          FormatRatio(m.precision),
          FormatRatio(m.recall),
          FormatRatio(m.f1)};
}

void RenderCategories(const EvalReport& report, std::string* out) {
  *out += "\nCategories (" + std::to_string(report.category_labelled) +
          " records with a categories label; the fallback " + report.fallback +
          " counts as a category)\n";
  std::vector<std::vector<std::string>> rows = {
      {"category", "support", "decided", "tp", "fp", "fn", "precision", "recall", "f1"}};
  std::vector<std::string> idle;
  for (const CategoryMetrics& m : report.categories) {
    if (m.support == 0 && m.decided == 0) {
      idle.push_back(m.name);
      continue;
    }
    rows.push_back(MetricCells(m.name, m));
  }
  rows.push_back(MetricCells("micro avg", report.micro));
  rows.push_back({"macro avg", "", "", "", "", "", FormatRatio(report.macro_precision),
                  FormatRatio(report.macro_recall), FormatRatio(report.macro_f1)});
  *out += FormatTable(rows, {false, true, true, true, true, true, true, true, true});
  if (!idle.empty()) *out += "  not labelled, never decided: " + JoinNames(idle, 100) + "\n";
}

void RenderConfusion(const EvalReport& report, std::string* out) {
  *out += "\nBand confusion (rows: labelled band, columns: decided band; " +
          std::to_string(report.band_labelled) + " records)\n";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"labelled"};
  for (const UrgencyBand& band : report.bands) header.push_back(band.name);
  header.emplace_back("total");
  rows.push_back(header);
  for (size_t e = 0; e < report.bands.size(); ++e) {
    std::vector<std::string> row = {report.bands[e].name};
    size_t total = 0;
    for (size_t count : report.confusion[e]) {
      row.push_back(std::to_string(count));
      total += count;
    }
    row.push_back(std::to_string(total));
    rows.push_back(row);
  }
  std::vector<bool> right(header.size(), true);
  right[0] = false;
  *out += FormatTable(rows, right);
}

void RenderRules(const EvalReport& report, std::string* out) {
  *out += "\nRules (" + std::to_string(report.records) + " records triaged)\n";
  std::vector<const RuleHitCount*> sorted;
  for (const RuleHitCount& rule : report.rules) sorted.push_back(&rule);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RuleHitCount* a, const RuleHitCount* b) { return a->hits > b->hits; });
  std::vector<std::vector<std::string>> rows = {{"rule", "hits", "share"}};
  std::vector<std::string> never;
  std::vector<std::string> frequent;
  for (const RuleHitCount* rule : sorted) {
    if (rule->hits == 0) {
      never.push_back(rule->enabled ? rule->name : rule->name + " (disabled)");
      continue;
    }
    rows.push_back({rule->name, std::to_string(rule->hits), Percent(rule->hits, report.records)});
    if (2 * rule->hits > report.records) frequent.push_back(rule->name);
  }
  if (rows.size() > 1) *out += FormatTable(rows, {false, true, true});
  *out += "  never fired (" + std::to_string(never.size()) +
          "): " + (never.empty() ? "none" : JoinNames(never, 1000)) + "\n";
  *out += "  fire on more than half of the records (" + std::to_string(frequent.size()) +
          "): " + (frequent.empty() ? "none" : JoinNames(frequent, 1000)) + "\n";
}

std::string LoadText(const Sweep& sweep, const SweepPoint& point) {
  return sweep.kind == Sweep::Kind::kAssignMin
             ? std::to_string(point.load) + " categories assigned"
             : std::to_string(point.load) + " of " + std::to_string(sweep.population) + " records";
}

void RenderSweep(const EvalReport& report, std::string* out) {
  *out += "\nThreshold sweep (recall and load at each candidate value; * marks the config's)\n";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> top = {""};
  std::vector<std::string> header = {"value"};
  for (const Sweep& sweep : report.sweeps) {
    top.push_back(sweep.kind == Sweep::Kind::kAssignMin ? "assign_min" : sweep.name + " min");
    top.emplace_back("");
    header.emplace_back("recall");
    header.emplace_back("load");
  }
  rows.push_back(top);
  rows.push_back(header);
  const size_t points = report.sweeps.empty() ? 0 : report.sweeps.front().points.size();
  for (size_t p = 0; p < points; ++p) {
    std::vector<std::string> row = {std::to_string(report.sweeps.front().points[p].threshold)};
    for (const Sweep& sweep : report.sweeps) {
      const SweepPoint& point = sweep.points[p];
      const bool current = point.threshold == sweep.current;
      row.push_back(FormatRatio(point.recall) + (current ? "*" : " "));
      row.push_back(std::to_string(point.load));
    }
    rows.push_back(row);
  }
  std::vector<bool> right(header.size(), true);
  *out += FormatTable(rows, right);
  for (const Sweep& sweep : report.sweeps) {
    if (sweep.kind == Sweep::Kind::kAssignMin) {
      *out += "  assign_min " + std::to_string(sweep.current) + " (now): recall " +
              FormatRatio(sweep.at_current.recall) + " of " + std::to_string(sweep.expected) +
              " labelled categories (fallback excluded), " + LoadText(sweep, sweep.at_current) +
              " over " + std::to_string(sweep.population) + " records\n";
    } else {
      *out += "  " + sweep.name + " min " + std::to_string(sweep.current) + " (now): recall " +
              FormatRatio(sweep.at_current.recall) + " of " + std::to_string(sweep.expected) +
              " records labelled " + report.bands.front().name +
              (sweep.band == 0 ? "" : "-" + sweep.name) + ", load " +
              LoadText(sweep, sweep.at_current) + "\n";
    }
  }
  if (report.targets.empty()) return;
  *out += "\nTarget recall\n";
  for (const TargetResult& t : report.targets) {
    std::array<char, 32> recall{};
    std::snprintf(recall.data(), recall.size(), "%g", t.target.recall);
    const bool band = t.target.kind == RecallTarget::Kind::kBand;
    const std::string threshold =
        band ? report.bands[t.target.band].name + " min" : std::string("assign_min");
    const Sweep* sweep = nullptr;
    for (const Sweep& s : report.sweeps) {
      if (band ? (s.kind == Sweep::Kind::kBandFloor && s.band == t.target.band)
               : s.kind == Sweep::Kind::kAssignMin) {
        sweep = &s;
      }
    }
    *out += "  " + t.target.key + " recall >= " + recall.data() + ": ";
    if (t.expected == 0) {
      *out += "no labelled records to measure\n";
      continue;
    }
    if (t.best) {
      *out += "highest " + threshold + " " + std::to_string(t.best->threshold) + " (recall " +
              FormatRatio(t.best->recall) + ", load " + LoadText(*sweep, *t.best) + ")";
      // Bands must keep strictly decreasing floors: say when the answer needs the next one moved.
      const size_t next = t.target.band + 1;
      if (band && next < report.bands.size() && t.best->threshold <= report.bands[next].min) {
        *out += " [at or below " + report.bands[next].name + "'s min " +
                std::to_string(report.bands[next].min) + ": lower that too]";
      }
    } else {
      *out += "not reachable by " + threshold + " alone";
    }
    *out += "; now " + std::to_string(t.current) + " (recall " + FormatRatio(t.at_current.recall) +
            ", load " + LoadText(*sweep, t.at_current) + ")\n";
  }
}

void RenderCorpus(const EvalReport& report, std::string* out) {
  *out += "\nCorpus\n";
  *out += "  records: " + std::to_string(report.records) + " triaged, " +
          std::to_string(report.record_errors) + " with errors, " +
          std::to_string(report.without_id) + " without an id";
  if (!report.duplicate_ids.empty()) {
    *out += ", " + std::to_string(report.duplicate_ids.size()) +
            " repeating an earlier id (left out): " + JoinNames(report.duplicate_ids, 20);
  }
  *out += "\n  labels: " + std::to_string(report.labels) + " read, " +
          std::to_string(report.label_errors) +
          " with errors; matched: " + std::to_string(report.matched) + " (" +
          std::to_string(report.band_labelled) + " with a band, " +
          std::to_string(report.category_labelled) + " with categories)\n";
  *out += "  records without a label: " + std::to_string(report.unlabelled.size());
  if (!report.unlabelled.empty()) *out += " (" + JoinNames(report.unlabelled, 20) + ")";
  *out += "\n  labels without a record: " + std::to_string(report.orphans.size());
  if (!report.orphans.empty()) *out += " (" + JoinNames(report.orphans, 20) + ")";
  *out += "\n  ruleset: " + report.ruleset + "\n";
}

}  // namespace

std::string FormatRatio(const std::optional<double>& value) {
  if (!value) return "-";
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.3f", *value);
  return text.data();
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows,
                        const std::vector<bool>& right) {
  std::vector<size_t> widths;
  for (const std::vector<std::string>& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  std::string out;
  for (const std::vector<std::string>& row : rows) {
    std::string line = " ";
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - Width(row[c]), ' ');
      line += " ";
      const bool align_right = c < right.size() && right[c];
      line += align_right ? pad + row[c] : row[c] + pad;
      if (c + 1 < row.size()) line += " ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names, size_t limit) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > limit) out += " and " + std::to_string(names.size() - limit) + " more";
  return out;
}

std::string RenderEvalText(const EvalReport& report) {
  std::string out;
  RenderUnderTriage(report, &out);
  RenderCategories(report, &out);
  RenderConfusion(report, &out);
  RenderRules(report, &out);
  RenderSweep(report, &out);
  RenderCorpus(report, &out);
  return out;
}

}  // namespace triage::cli
