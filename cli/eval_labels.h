// SPDX-License-Identifier: Apache-2.0
// Labels: what analysts say a record's decision should have been, for `triage eval` and
// `triage diff --labels`. A labels file is JSON Lines, one object per record:
//
//   {"id":"r-1","categories":["enticement"],"band":"P1"}
//
// `id` (a non-empty string) is required and unique; `band` names one of the config's bands;
// `categories` is a non-empty array of category names the ruleset declares (or its fallback).
// Either of `band` and `categories` may be left out — the record then counts only for the
// measures the other one feeds — but not both. Other members are ignored (room for notes).
// Blank lines are skipped. Problems are reported on stderr as
//   labels.jsonl:4: error: unknown band 'P5' [unknown_band]
// and the offending line is left out; no label text besides the id is ever quoted.
#ifndef TRIAGE_CLI_EVAL_LABELS_H_
#define TRIAGE_CLI_EVAL_LABELS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "triage/config.h"

namespace triage::cli {

struct Label {
  uint64_t line = 0;  // 1-based line in the labels file
  std::string id;
  std::optional<size_t> band;                          // index into the config's bands
  std::optional<std::vector<std::string>> categories;  // distinct, as written
};

struct LabelSet {
  std::vector<Label> labels;                      // in file order
  std::unordered_map<std::string, size_t> by_id;  // id -> index into labels
  size_t errors = 0;                              // lines reported and left out
};

// Reads the labels file at `path`, checking bands against `config` and categories against
// `categories` (the ruleset's declared categories; the config's fallback is always accepted).
// Returns false (after reporting) if the file cannot be read; bad lines are counted in
// labels->errors and reported, and do not make it return false.
bool LoadLabels(const std::string& path, const EngineConfig& config,
                const std::vector<std::string>& categories, LabelSet* labels);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EVAL_LABELS_H_
