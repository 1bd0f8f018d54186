// SPDX-License-Identifier: Apache-2.0
// `triage diff --base CONFIG --head CONFIG [FILE|-]`: what a ruleset change does to a corpus.
//
// Every record of FILE (JSONL, default stdin) is triaged by both rulesets, on --jobs workers.
// The report gives the band transition matrix (base band by head band), per category how many
// records gained it and lost it, and the changed records — a different band, score, set of
// categories or set of fired rules — each with base band/score -> head band/score, the
// categories on both sides, and the rules added to and removed from the fired set. Moves toward a
// less urgent band come first (the largest drop first) and are flagged with '!', since a missed
// emergency costs the most; then moves toward a more urgent band, then changes within a band.
// Bands are compared by their position in their own config's list (the first is the most
// urgent), so configs whose bands differ can still be compared. With --labels, every move also
// says whether it goes toward or away from the labelled band (labels are read as by `triage
// eval`, against the head config). --format json writes the same as one JSON object.
//
// Exit 0; 1 when corpus lines could not be triaged (by either ruleset; reported on stderr, left
// out of the report) or label lines were bad; 2 on usage errors.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/status.h"

#include "commands.h"
#include "eval_corpus.h"
#include "eval_labels.h"
#include "eval_report.h"
#include "line_io.h"
#include "load_rules.h"

namespace triage::cli {
namespace {

struct DiffOptions {
  std::string input = "-";
  std::string base;
  std::string head;
  std::string labels;
  std::string format = "text";
  int jobs = 0;
};

enum class Move { kNone, kLessUrgent, kMoreUrgent };
enum class Relation { kNone, kToward, kAway, kNeither };

struct Change {
  ScoredRecord base;
  ScoredRecord head;
  Move move = Move::kNone;
  std::vector<std::string> rules_added;
  std::vector<std::string> rules_removed;
  std::optional<size_t> label_band;  // head band index
  Relation relation = Relation::kNone;
};

struct CategoryChange {
  std::string name;
  size_t added = 0;
  size_t removed = 0;
};

struct DiffReport {
  std::string base_config;
  std::string head_config;
  std::string base_digest;
  std::string head_digest;
  std::vector<UrgencyBand> base_bands;
  std::vector<UrgencyBand> head_bands;
  uint64_t lines = 0;
  uint64_t errors = 0;
  size_t records = 0;
  std::vector<std::vector<size_t>> transitions;  // [base band][head band]
  std::vector<CategoryChange> categories;
  std::vector<Change> changes;
  size_t less_urgent = 0;
  size_t more_urgent = 0;
  size_t same_band = 0;
  bool labelled = false;
};

std::vector<std::string> Sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// Names in `a` and not in `b`, in the order of `a`.
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

std::string RecordName(const ScoredRecord& record) {
  return record.id ? *record.id : "line " + std::to_string(record.line);
}

const char* MoveName(Move move) {
  switch (move) {
    case Move::kLessUrgent:
      return "less_urgent";
    case Move::kMoreUrgent:
      return "more_urgent";
    case Move::kNone:
      break;
  }
  return "none";
}

const char* RelationName(Relation relation) {
  switch (relation) {
    case Relation::kToward:
      return "toward";
    case Relation::kAway:
      return "away";
    case Relation::kNeither:
      return "neither";
    case Relation::kNone:
      break;
  }
  return "none";
}

CategoryChange* FindCategory(std::vector<CategoryChange>* categories, const std::string& name) {
  for (CategoryChange& c : *categories) {
    if (c.name == name) return &c;
  }
  categories->push_back(CategoryChange{name, 0, 0});
  return &categories->back();
}

// Adds one record to the report; keeps it if anything changed.
void Compare(ScoredRecord base, ScoredRecord head, const LabelSet* labels, DiffReport* report) {
  ++report->records;
  if (base.band < report->transitions.size() && head.band < report->transitions[base.band].size()) {
    ++report->transitions[base.band][head.band];
  }
  const std::vector<std::string> added_categories = Minus(head.categories, base.categories);
  const std::vector<std::string> removed_categories = Minus(base.categories, head.categories);
  for (const std::string& name : added_categories) {
    ++FindCategory(&report->categories, name)->added;
  }
  for (const std::string& name : removed_categories) {
    ++FindCategory(&report->categories, name)->removed;
  }
  Change change;
  change.rules_added = Minus(head.rules, base.rules);
  change.rules_removed = Minus(base.rules, head.rules);
  const bool changed = base.band != head.band || base.score != head.score ||
                       !added_categories.empty() || !removed_categories.empty() ||
                       !change.rules_added.empty() || !change.rules_removed.empty();
  if (!changed) return;
  if (head.band > base.band) {
    change.move = Move::kLessUrgent;
    ++report->less_urgent;
  } else if (head.band < base.band) {
    change.move = Move::kMoreUrgent;
    ++report->more_urgent;
  } else {
    ++report->same_band;
  }
  if (labels != nullptr && base.id) {
    const auto found = labels->by_id.find(*base.id);
    if (found != labels->by_id.end() && labels->labels[found->second].band) {
      const size_t expected = *labels->labels[found->second].band;
      change.label_band = expected;
      if (change.move != Move::kNone) {
        const size_t before = Distance(base.band, expected);
        const size_t after = Distance(head.band, expected);
        change.relation = after < before   ? Relation::kToward
                          : after > before ? Relation::kAway
                                           : Relation::kNeither;
      }
    }
  }
  change.base = std::move(base);
  change.head = std::move(head);
  report->changes.push_back(std::move(change));
}

void SortChanges(DiffReport* report) {
  const auto group = [](const Change& c) {
    return c.move == Move::kLessUrgent ? 0 : c.move == Move::kMoreUrgent ? 1 : 2;
  };
  std::stable_sort(report->changes.begin(), report->changes.end(),
                   [&](const Change& a, const Change& b) {
                     if (group(a) != group(b)) return group(a) < group(b);
                     const size_t da = Distance(a.base.band, a.head.band);
                     const size_t db = Distance(b.base.band, b.head.band);
                     if (da != db) return da > db;
                     return a.base.line < b.base.line;
                   });
}

std::string BandScore(const std::vector<UrgencyBand>& bands, const ScoredRecord& record) {
  const std::string band = record.band < bands.size() ? bands[record.band].name : "?";
  return band + " " + std::to_string(record.score);
}

std::string CategoryList(const std::vector<std::string>& categories) {
  return categories.empty() ? "-" : JoinNames(categories, 100);
}

std::string RenderText(const DiffReport& report) {
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
  for (const Change& c : report.changes) {
    out += c.move == Move::kLessUrgent ? "! " : "  ";
    out += RecordName(c.base) + "  " + BandScore(report.base_bands, c.base) + " -> " +
           BandScore(report.head_bands, c.head);
    if (c.move == Move::kLessUrgent) out += "  less urgent";
    if (c.move == Move::kMoreUrgent) out += "  more urgent";
    if (c.label_band) {
      out += "  [label " + report.head_bands[*c.label_band].name;
      if (c.relation != Relation::kNone) out += std::string(", ") + RelationName(c.relation);
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

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter* w, const char* key, const std::string& value) {
  w->Key(key);
  w->String(value.c_str(), value.size());
}

void WriteStrings(JsonWriter* w, const char* key, const std::vector<std::string>& values) {
  w->Key(key);
  w->StartArray();
  for (const std::string& value : values) w->String(value.c_str(), value.size());
  w->EndArray();
}

void WriteSide(JsonWriter* w, const char* key, const std::vector<UrgencyBand>& bands,
               const ScoredRecord& record) {
  w->Key(key);
  w->StartObject();
  WriteString(w, "band", record.band < bands.size() ? bands[record.band].name : "");
  w->Key("score");
  w->Int(record.score);
  WriteStrings(w, "categories", record.categories);
  w->EndObject();
}

void WriteRuleset(JsonWriter* w, const char* key, const std::string& config,
                  const std::string& digest, const std::vector<UrgencyBand>& bands) {
  w->Key(key);
  w->StartObject();
  WriteString(w, "config", config);
  WriteString(w, "ruleset", digest);
  w->Key("bands");
  w->StartArray();
  for (const UrgencyBand& band : bands) w->String(band.name.c_str(), band.name.size());
  w->EndArray();
  w->EndObject();
}

std::string RenderJson(const DiffReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteRuleset(&w, "base", report.base_config, report.base_digest, report.base_bands);
  WriteRuleset(&w, "head", report.head_config, report.head_digest, report.head_bands);
  w.Key("lines");
  w.Uint64(report.lines);
  w.Key("records");
  w.Uint64(report.records);
  w.Key("errors");
  w.Uint64(report.errors);
  w.Key("changed");
  w.Uint64(report.changes.size());
  w.Key("less_urgent");
  w.Uint64(report.less_urgent);
  w.Key("more_urgent");
  w.Uint64(report.more_urgent);
  w.Key("same_band");
  w.Uint64(report.same_band);
  w.Key("transitions");
  w.StartArray();
  for (const std::vector<size_t>& row : report.transitions) {
    w.StartArray();
    for (size_t count : row) w.Uint64(count);
    w.EndArray();
  }
  w.EndArray();
  w.Key("categories");
  w.StartArray();
  for (const CategoryChange& c : report.categories) {
    w.StartObject();
    WriteString(&w, "name", c.name);
    w.Key("added");
    w.Uint64(c.added);
    w.Key("removed");
    w.Uint64(c.removed);
    w.EndObject();
  }
  w.EndArray();
  w.Key("changes");
  w.StartArray();
  for (const Change& c : report.changes) {
    w.StartObject();
    w.Key("id");
    if (c.base.id) {
      w.String(c.base.id->c_str(), c.base.id->size());
    } else {
      w.Null();
    }
    w.Key("line");
    w.Uint64(c.base.line);
    WriteSide(&w, "base", report.base_bands, c.base);
    WriteSide(&w, "head", report.head_bands, c.head);
    WriteString(&w, "move", MoveName(c.move));
    WriteStrings(&w, "rules_added", c.rules_added);
    WriteStrings(&w, "rules_removed", c.rules_removed);
    if (report.labelled) {
      w.Key("label");
      if (c.label_band) {
        w.StartObject();
        WriteString(&w, "band", report.head_bands[*c.label_band].name);
        w.Key("relation");
        if (c.relation == Relation::kNone) {
          w.Null();
        } else {
          w.String(RelationName(c.relation));
        }
        w.EndObject();
      } else {
        w.Null();
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

int RunDiff(const DiffOptions& options) {
  Result<RuleSet> base_loaded = LoadRulesReporting(options.base, nullptr);
  Result<RuleSet> head_loaded = LoadRulesReporting(options.head, nullptr);
  if (!base_loaded.ok() || !head_loaded.ok()) return kExitErrors;
  const RuleSet base = std::move(base_loaded).value();
  const RuleSet head = std::move(head_loaded).value();

  LabelSet labels;
  const bool labelled = !options.labels.empty();
  if (labelled && !LoadLabels(options.labels, head.config(), head.category_names(), &labels)) {
    return kExitErrors;
  }

  DiffReport report;
  report.base_config = options.base;
  report.head_config = options.head;
  report.base_digest = base.digest();
  report.head_digest = head.digest();
  report.base_bands = base.config().bands;
  report.head_bands = head.config().bands;
  report.labelled = labelled;
  report.transitions.assign(report.base_bands.size(),
                            std::vector<size_t>(report.head_bands.size(), 0));

  CorpusOptions corpus;
  corpus.input = options.input;
  corpus.jobs = ResolveJobs(options.jobs);
  const std::string input_name = InputName(options.input);
  const size_t base_max = base.config().max_record_bytes;
  const size_t head_max = head.config().max_record_bytes;
  std::vector<Scanner> base_scanners;
  std::vector<Scanner> head_scanners;
  for (size_t i = 0; i < corpus.jobs; ++i) {
    base_scanners.emplace_back(base);
    head_scanners.emplace_back(head);
  }
  struct Slot {
    ScoredRecord base;
    ScoredRecord head;
    Status status;
  };
  std::vector<Slot> slots(kCorpusBatchLines);
  CorpusStats stats;
  ForEachCorpusLine(
      corpus, std::max(base_max, head_max) + 1,
      [&](size_t worker, size_t index, const InputLine& line) {
        Slot& slot = slots[index];
        slot.status = ScoreLine(&base_scanners[worker], line, base_max, false, &slot.base);
        const Status head_status =
            ScoreLine(&head_scanners[worker], line, head_max, false, &slot.head);
        if (slot.status.ok()) slot.status = head_status;
      },
      [&](size_t index, const InputLine& line) {
        Slot& slot = slots[index];
        if (!slot.status.ok()) {
          ReportRecordError(input_name, line.number, slot.base.id ? slot.base.id : slot.head.id,
                            slot.status);
          ++stats.errors;
          return;
        }
        Compare(std::move(slot.base), std::move(slot.head), labelled ? &labels : nullptr, &report);
      },
      &stats);
  report.lines = stats.lines;
  report.errors = stats.errors;
  SortChanges(&report);

  const std::string out = options.format == "json" ? RenderJson(report) : RenderText(report);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "triage: error: writing output failed\n");
    return kExitErrors;
  }
  return stats.errors > 0 || stats.read_failed || labels.errors > 0 ? kExitErrors : kExitOk;
}

}  // namespace

Command AddDiffCommand(CLI::App* parent) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* app = parent->add_subcommand(
      "diff",
      "Run two rulesets over one corpus: band transitions, category changes and every changed "
      "record (less urgent moves first)");
  app->add_option("file", options->input, "Input JSONL records; '-' or omitted reads stdin")
      ->capture_default_str();
  app->add_option("--base", options->base, "Config (triage.yaml) of the ruleset before")
      ->required();
  app->add_option("--head", options->head, "Config (triage.yaml) of the ruleset after")->required();
  app->add_option("-l,--labels", options->labels,
                  "Labels (JSONL, as for eval): say whether each move goes toward or away from "
                  "the labelled band");
  app->add_option("-f,--format", options->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app->add_option("-j,--jobs", options->jobs, "Worker threads; 0 means one per hardware thread")
      ->check(CLI::Range(0, 1024))
      ->envname("TRIAGE_JOBS")
      ->capture_default_str();
  return Command{app, [options] { return RunDiff(*options); }};
}

}  // namespace triage::cli
