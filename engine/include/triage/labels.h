// SPDX-License-Identifier: Apache-2.0
// Labels: what analysts say a record's decision should have been, for evaluation
// (triage/evaluation.h) and ruleset comparison (triage/compare.h). A labels file is JSON Lines,
// one object per record:
//
//   {"id":"r-1","categories":["enticement"],"band":"P1"}
//
// `id` (a non-empty string) is required and unique; `band` names one of the config's bands;
// `categories` is a non-empty array of category names the ruleset declares (or its fallback).
// Either of `band` and `categories` may be left out — the record then counts only for the
// measures the other one feeds — but not both. Other members are ignored (room for notes).
// A bad line is an InvalidRecord status with a stable code (invalid_json, not_an_object,
// missing_id, wrong_type, unknown_band, unknown_category, empty_categories, empty_label,
// duplicate_id) and a message that quotes no label text besides the id.
//
// A LabelParser is not thread-safe (it keeps parser buffers); use one per thread.
#ifndef TRIAGE_LABELS_H_
#define TRIAGE_LABELS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "triage/config.h"
#include "triage/export.h"
#include "triage/status.h"

namespace triage {

struct Label {
  uint64_t line = 0;  // 1-based line in the labels file
  std::string id;
  std::optional<size_t> band;                          // index into the config's bands
  std::optional<std::vector<std::string>> categories;  // distinct, as written
};

struct LabelSet {
  std::vector<Label> labels;                      // in file order
  std::unordered_map<std::string, size_t> by_id;  // id -> index into labels
  size_t errors = 0;                              // lines that were rejected (counted by callers)
};

// Reads label lines against one config.
class TRIAGE_EXPORT LabelParser {
 public:
  // Checks bands against `config` and categories against `categories` (the ruleset's declared
  // categories; the config's fallback is always accepted). Copies both.
  LabelParser(const EngineConfig& config, std::vector<std::string> categories);
  ~LabelParser();
  LabelParser(const LabelParser&) = delete;
  LabelParser& operator=(const LabelParser&) = delete;

  // Parses `text`, line `line` of a labels file (REQUIRES: not blank), and appends it to
  // *labels. Returns InvalidRecord (see above) and leaves *labels unchanged for a bad line or an
  // id already in *labels.
  Status Add(std::string_view text, uint64_t line, LabelSet* labels);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage

#endif  // TRIAGE_LABELS_H_
