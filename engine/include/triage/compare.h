// SPDX-License-Identifier: Apache-2.0
// Compare: what a ruleset change does to a corpus, the analysis behind `triage diff` (docs/
// diff.md). Every record is triaged by both rulesets (ScoreRecord, triage/scored_record.h) and
// the two ScoredRecords go into a RulesetComparison, which keeps the band transition matrix
// (base band by head band), per category how many records gained and lost it, and every changed
// record — a different band, score, set of categories or set of fired rules — with the rules
// added to and removed from the fired set. Bands are compared by their position in their own
// config's list (the first is the most urgent), so configs whose bands differ can still be
// compared. With labels, every move also says whether it goes toward or away from the labelled
// band.
//
// CompareDecisions is the one comparison of two decisions of one record; the shadow run
// (triage/shadow.h) uses it too.
//
// CompareDecisions is a pure function. A RulesetComparison is not thread-safe (one writer);
// Add records in input order from one thread.
#ifndef TRIAGE_COMPARE_H_
#define TRIAGE_COMPARE_H_

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

namespace triage {

// What differs between two decisions of one record, by name. Added and removed lists keep the
// order of the side they come from and hold each name once.
struct DecisionChange {
  std::vector<std::string> categories_added;
  std::vector<std::string> categories_removed;
  std::vector<std::string> rules_added;
  std::vector<std::string> rules_removed;
  // The same names on both sides but in another order (categories or rules).
  bool reordered = false;
};

// Returns what changed from (`before_categories`, `before_rules`) to (`after_categories`,
// `after_rules`): assigned categories and fired rules as Decision and ScoredRecord list them.
TRIAGE_EXPORT DecisionChange CompareDecisions(const std::vector<std::string>& before_categories,
                                              const std::vector<std::string>& before_rules,
                                              const std::vector<std::string>& after_categories,
                                              const std::vector<std::string>& after_rules);

// The direction of a band change: by position, the first band the most urgent.
enum class BandMove { kNone, kLessUrgent, kMoreUrgent };

// How a move relates to the record's labelled band.
enum class LabelRelation { kNone, kToward, kAway, kNeither };

// Returns "none", "less_urgent", "more_urgent" / "none", "toward", "away", "neither".
TRIAGE_EXPORT const char* BandMoveName(BandMove move);
TRIAGE_EXPORT const char* LabelRelationName(LabelRelation relation);

// One record whose decision changed.
struct RecordChange {
  ScoredRecord base;
  ScoredRecord head;
  BandMove move = BandMove::kNone;
  std::vector<std::string> rules_added;
  std::vector<std::string> rules_removed;
  std::optional<size_t> label_band;  // the labelled band (head config index), if labelled
  LabelRelation relation = LabelRelation::kNone;
};

struct CategoryChange {
  std::string name;
  size_t added = 0;    // records that gained it
  size_t removed = 0;  // records that lost it
};

struct ComparisonReport {
  // Identity, filled by the caller but for the digests and bands.
  std::string base_config;
  std::string head_config;
  std::string base_digest;
  std::string head_digest;
  std::vector<UrgencyBand> base_bands;
  std::vector<UrgencyBand> head_bands;
  uint64_t lines = 0;   // corpus lines read (caller)
  uint64_t errors = 0;  // corpus lines either ruleset could not triage (caller)

  size_t records = 0;                            // records compared
  std::vector<std::vector<size_t>> transitions;  // [base band][head band]
  std::vector<CategoryChange> categories;        // in order of first change
  std::vector<RecordChange> changes;             // after Finish(): less urgent first
  size_t less_urgent = 0;
  size_t more_urgent = 0;
  size_t same_band = 0;
  bool labelled = false;
};

// Accumulates the comparison of two rulesets, one record at a time.
class TRIAGE_EXPORT RulesetComparison {
 public:
  // `labels` (may be null; not owned, must outlive this) are checked against the head config.
  RulesetComparison(const RuleSet& base, const RuleSet& head, const LabelSet* labels);

  // Adds one record as triaged by the base and the head ruleset.
  void Add(ScoredRecord base, ScoredRecord head);

  // Sorts the changed records — moves toward a less urgent band first (the largest drop first),
  // then toward a more urgent band, then changes within a band; input order on ties — and
  // returns the report. Call once, after the last Add.
  ComparisonReport Finish();

 private:
  const LabelSet* labels_;
  ComparisonReport report_;
};

// Returns `report` as one JSON object followed by '\n' (docs/diff.md: `triage diff --format
// json`). A pure function.
TRIAGE_EXPORT std::string ComparisonReportToJson(const ComparisonReport& report);

}  // namespace triage

#endif  // TRIAGE_COMPARE_H_
