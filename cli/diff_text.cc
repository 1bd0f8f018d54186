// SPDX-License-Identifier: Apache-2.0
// The text report of `triage diff` (diff_text.h).

#include "diff_text.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "triage/compare.h"
#include "triage/config.h"
#include "triage/scored_record.h"

#include "eval_report.h"

namespace triage::cli {
namespace {

std::vector<std::string> Sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string RecordName(const ScoredRecord& record) {
  return record.id ? *record.id : "line " + std::to_string(record.line);
}

std::string BandScore(const std::vector<UrgencyBand>& bands, const ScoredRecord& record) {
  const std::string band = record.band < bands.size() ? bands[record.band].name : "?";
  return band + " " + std::to_string(record.score);
}

std::string CategoryList(const std::vector<std::string>& categories) {
  return categories.empty() ? "-" : JoinNames(categories, 100);
}

}  // namespace

std::string RenderDiffText(const ComparisonReport& report) {
  std::string out;
  out += FormatTable({{"base", report.base_digest, report.base_config},
                      {"head", report.head_digest, report.head_config}},
                     {});
  out += "records: " + std::to_string(report.records) + " triaged, " +
         std::to_string(report.errors) + " with errors; " + std::to_string(report.changes.size()) +
         " changed: " + std::to_string(report.less_urgent) + " less urgent, " +
         std::to_string(report.more_urgent) + " more urgent, " + std::to_string(report.same_band) +
         " within their band\n";
  if (report.base_digest == report.head_digest) {
    out += "the two rulesets are identical (same digest)\n";
  }

  out += "\nBand transitions (rows: base band, columns: head band)\n";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"base\\head"};
  for (const UrgencyBand& band : report.head_bands) header.push_back(band.name);
  rows.push_back(header);
  for (size_t b = 0; b < report.base_bands.size(); ++b) {
    std::vector<std::string> row = {report.base_bands[b].name};
    for (size_t count : report.transitions[b]) row.push_back(std::to_string(count));
    rows.push_back(row);
  }
  std::vector<bool> right(header.size(), true);
  right[0] = false;
  out += FormatTable(rows, right);

  out += "\nCategory changes (records that gained / lost each category)\n";
  if (report.categories.empty()) {
    out += "  none\n";
  } else {
    std::vector<std::vector<std::string>> category_rows = {{"category", "added", "removed"}};
    for (const CategoryChange& c : report.categories) {
      category_rows.push_back({c.name, std::to_string(c.added), std::to_string(c.removed)});
    }
    out += FormatTable(category_rows, {false, true, true});
  }

  out += "\nChanged records (" + std::to_string(report.changes.size()) +
         "; less urgent first, flagged '!')\n";
  if (report.changes.empty()) out += "  none\n";
  for (const RecordChange& c : report.changes) {
    out += c.move == BandMove::kLessUrgent ? "! " : "  ";
    out += RecordName(c.base) + "  " + BandScore(report.base_bands, c.base) + " -> " +
           BandScore(report.head_bands, c.head);
    if (c.move == BandMove::kLessUrgent) out += "  less urgent";
    if (c.move == BandMove::kMoreUrgent) out += "  more urgent";
    if (c.label_band) {
      out += "  [label " + report.head_bands[*c.label_band].name;
      if (c.relation != LabelRelation::kNone)
        out += std::string(", ") + LabelRelationName(c.relation);
      out += "]";
    }
    out += "\n";
    const std::string base_categories = CategoryList(c.base.categories);
    const std::string head_categories = CategoryList(c.head.categories);
    out += "      categories: " + base_categories;
    if (Sorted(c.base.categories) != Sorted(c.head.categories)) out += " -> " + head_categories;
    out += "\n";
    if (!c.rules_added.empty() || !c.rules_removed.empty()) {
      out += "      rules:";
      for (const std::string& rule : c.rules_added) out += " +" + rule;
      for (const std::string& rule : c.rules_removed) out += " -" + rule;
      out += "\n";
    }
  }
  return out;
}

}  // namespace triage::cli
