// SPDX-License-Identifier: Apache-2.0
// Evaluation: how well a ruleset decides a labelled corpus — the measures of `triage eval`,
// computed from a corpus's decisions (ScoredRecord, triage/scored_record.h) and its labels
// (triage/labels.h), as a plain EvalReport that text, JSON and HTML renderers only format.
//
// Definitions (docs/eval.md is the reference):
// - Matching is by id. Records without an id, records without a label and labels without a
//   record are counted and listed; only matched records enter the measures.
// - Under-triage: the label's band is at or above the urgent band (by default the second band,
//   P2), the decision's below it. It is what costs the most, so it comes first.
// - Categories: a record's decided categories are its assigned ones, the fallback included (it
//   counts as a category). Per category: support = records labelled with it, tp/fp/fn, precision,
//   recall, F1 (absent when undefined: nothing decided, nothing expected); micro averages over
//   all pairs and macro averages over the categories with support.
// - Band confusion: expected band (rows) by decided band (columns).
// - Rules: hits over every record triaged (labelled or not); rules that never fired; rules that
//   fire on more than half of the records.
// - Threshold sweep: for each band floor but the last (fixed at 0), a candidate floor t keeps
//   recall = (records labelled at that band or above scoring >= t) / (records labelled at that
//   band or above) and load = records scoring >= t, over the band-labelled records. For
//   categories.assign_min, a candidate t assigns, per record, the categories whose total (every
//   score fired rules gave it, from Scanner::Explain) reaches t, highest first, at most
//   max_labels, else the fallback of the record's field value or band (the decision policy,
//   triage/decision_policy.h); recall = labelled categories assigned / labelled categories, and
//   load = categories assigned, both leaving categories.fallback out (it is no category to
//   review; a fallback from categories.fallback_by_field or fallback_by_band counts like any
//   other, unless it is categories.fallback's category itself). The table
//   steps by 5 from 0 to urgency.max (wider steps past 100 rows); a --target-recall answer is the
//   highest integer threshold in [0, urgency.max] that reaches the asked recall.
#ifndef TRIAGE_EVALUATION_H_
#define TRIAGE_EVALUATION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triage/config.h"
#include "triage/export.h"
#include "triage/labels.h"
#include "triage/rule_set.h"
#include "triage/scored_record.h"
#include "triage/status.h"

namespace triage {

// A --target-recall request: KEY=RECALL, KEY a band name, a category name or "categories" (all
// categories together, for assign_min).
struct RecallTarget {
  enum class Kind { kBand, kCategory, kAllCategories };
  std::string key;  // as written
  Kind kind = Kind::kBand;
  size_t band = 0;  // kBand: index into the config's bands
  double recall = 0;
};

// Parses "KEY=RECALL" against `config` and `categories` (the ruleset's declared categories).
// Returns InvalidArgument with a message for the user (it names the option, --target-recall) if
// the text is malformed, the recall is not in (0, 1], or KEY is the lowest band, the fallback or
// no band or category at all.
TRIAGE_EXPORT Result<RecallTarget> ParseRecallTarget(const std::string& text,
                                                     const EngineConfig& config,
                                                     const std::vector<std::string>& categories);

struct UnderTriaged {
  std::string id;
  uint64_t line = 0;
  size_t expected = 0;  // band indices
  size_t decided = 0;
  int score = 0;
};

struct CategoryMetrics {
  std::string name;
  size_t support = 0;  // records labelled with it
  size_t decided = 0;  // labelled records it was assigned to
  size_t tp = 0;
  size_t fp = 0;
  size_t fn = 0;
  std::optional<double> precision;
  std::optional<double> recall;
  std::optional<double> f1;
};

struct RuleHitCount {
  std::string name;
  size_t hits = 0;
  bool enabled = true;  // false: disabled by a config override
};

struct SweepPoint {
  int threshold = 0;
  size_t reached = 0;  // labelled records (or categories) kept at or above the threshold
  std::optional<double> recall;
  size_t load = 0;  // records at or above (or categories assigned)
};

// One swept threshold: a band floor or categories.assign_min.
struct Sweep {
  enum class Kind { kBandFloor, kAssignMin };
  Kind kind = Kind::kBandFloor;
  std::string name;       // the band's name, or "assign_min"
  size_t band = 0;        // kBandFloor
  int current = 0;        // the config's value
  size_t expected = 0;    // denominator of recall
  size_t population = 0;  // records considered (band- or category-labelled)
  SweepPoint at_current;
  std::vector<SweepPoint> points;
};

struct TargetResult {
  RecallTarget target;
  std::string category;  // kCategory: the category
  size_t expected = 0;   // denominator of recall
  int current = 0;       // the config's value of the threshold
  SweepPoint at_current;
  std::optional<SweepPoint> best;  // the highest threshold reaching the recall, if any
};

struct EvalReport {
  // Identity.
  std::string ruleset;
  std::string config_path;
  std::string input_name;
  std::string labels_path;
  std::vector<UrgencyBand> bands;
  int urgency_max = 100;
  int assign_min = 30;
  int max_labels = 2;
  std::string fallback;

  // Corpus and matching.
  uint64_t lines = 0;          // non-blank corpus lines
  uint64_t record_errors = 0;  // corpus lines that could not be triaged
  size_t records = 0;          // records triaged
  size_t without_id = 0;
  std::vector<std::string> duplicate_ids;  // records after the first with the same id
  size_t labels = 0;
  size_t label_errors = 0;
  size_t matched = 0;
  size_t band_labelled = 0;             // matched records with a band label
  size_t category_labelled = 0;         // matched records with a categories label
  std::vector<std::string> unlabelled;  // ids of records without a label, input order
  std::vector<std::string> orphans;     // ids of labels without a record, file order

  // Under-triage.
  size_t urgent_band = 1;                  // bands [0, urgent_band] are urgent
  size_t expected_urgent = 0;              // band-labelled records expected urgent
  std::vector<UnderTriaged> under_triage;  // input order

  // Categories.
  std::vector<CategoryMetrics> categories;  // declaration order, the fallback last
  CategoryMetrics micro;
  std::optional<double> macro_precision;
  std::optional<double> macro_recall;
  std::optional<double> macro_f1;

  // Confusion: confusion[expected][decided].
  std::vector<std::vector<size_t>> confusion;

  // Rules, evaluation order.
  std::vector<RuleHitCount> rules;

  // Scores of band-labelled records by expected band (for the histogram), ascending.
  std::vector<std::vector<int>> scores_by_band;

  // Threshold sweep.
  std::vector<Sweep> sweeps;  // band floors (most urgent first), then assign_min
  std::vector<TargetResult> targets;
};

// Settings of one evaluation.
struct EvalSettings {
  size_t urgent_band = 1;
  std::vector<RecallTarget> targets;
};

// Computes the report. `records` are the corpus's triaged records (with totals: ScoreRecord's
// with_totals) in input order; `labels` are the loaded labels. Fills every field but the
// identity strings (config_path, input_name, labels_path) and the error counts. A pure function
// of its arguments: safe to call from several threads at once.
TRIAGE_EXPORT EvalReport ComputeEval(const RuleSet& rules, const std::vector<ScoredRecord>& records,
                                     const LabelSet& labels, const EvalSettings& settings);

// Returns `report` as one JSON object followed by '\n' (docs/eval.md: `triage eval --format
// json`). A pure function.
TRIAGE_EXPORT std::string EvalReportToJson(const EvalReport& report);

}  // namespace triage

#endif  // TRIAGE_EVALUATION_H_
