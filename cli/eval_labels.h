// SPDX-License-Identifier: Apache-2.0
// Reading a labels file for `triage eval` and `triage diff --labels` (the format and its checks:
// triage/labels.h). A labels file is JSON Lines, one object per record:
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

#include <string>
#include <vector>

#include "triage/config.h"
#include "triage/labels.h"
#include "triage/status.h"

namespace triage::cli {

// Reads the labels file at `path`, checking bands against `config` and categories against
// `categories` (the ruleset's declared categories; the config's fallback is always accepted).
// Returns IoError (not reported; its message names the file) if the file cannot be read; bad
// lines are reported on stderr and counted in labels->errors, and do not make it fail.
Status LoadLabels(const std::string& path, const EngineConfig& config,
                  const std::vector<std::string>& categories, LabelSet* labels);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EVAL_LABELS_H_
