// SPDX-License-Identifier: Apache-2.0
// Shadow runs and per-rule statistics for `triage filter`.
//
// ShadowRun evaluates a candidate ruleset beside the live one on every record: the filter's
// output is unchanged; each record on which the two disagree (band, categories or fired rules;
// the comparison and the log line are the library's, triage/shadow.h) becomes a JSONL line in the
// shadow log, in input order, and a summary goes to stderr at the end.
// Each worker has its own candidate Scanner; per-batch results land in per-line slots and are
// written by the filter's thread, so the log is deterministic for any --jobs.
//
// StatsReport writes the merged ScanStats of every worker (per-rule hits, time per matched field)
// as one JSON document, so a slow or noisy rule can be found on production traffic, with what the
// conversations held and let go.
#ifndef TRIAGE_CLI_SHADOW_H_
#define TRIAGE_CLI_SHADOW_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/shadow.h"
#include "triage/status.h"

namespace triage::cli {

class ShadowRun {
 public:
  // Opens `log_path` for writing ("-" is not allowed: stdout carries the output; empty: no
  // log). Returns IoError if the log cannot be opened.
  static Result<std::unique_ptr<ShadowRun>> Open(RuleSet candidate, const std::string& log_path,
                                                 size_t workers);
  ~ShadowRun();

  // Prepares slots for a batch of `count` lines.
  void StartBatch(size_t count);
  // Evaluates line `index` of the batch (physical line number `line`) with the candidate and
  // compares with the live decision. Called from worker `worker` only for lines the live
  // ruleset triaged. Thread-safe across distinct workers and indices.
  void Compare(size_t worker, size_t index, uint64_t line, std::string_view json,
               const Decision& live);
  // Writes the batch's disagreements in order.
  void FinishBatch();
  // "shadow: N records compared, N disagree (N band, N more urgent, N less urgent), ..."
  std::string Summary() const;
  const RuleSet& candidate() const { return candidate_; }

 private:
  ShadowRun(RuleSet candidate, std::FILE* log, size_t workers);

  RuleSet candidate_;
  std::FILE* log_;
  std::vector<Scanner> scanners_;
  std::vector<Decision> decisions_;      // per worker scratch
  std::vector<std::string> slots_;       // per batch line: "" or a log line
  std::vector<ShadowOutcome> outcomes_;  // per batch line
  std::vector<char> compared_;           // per batch line: 1 if compared
  ShadowTally tally_;
};

// Writes `stats` as JSON to `path`, with a "conversations" object when `counters` and `store`
// are given (docs/conversations.md). Returns IoError if it cannot be written.
Status WriteStatsReport(const ScanStats& stats, const std::string& ruleset_digest,
                        const std::string& path, const ConversationCounters* counters = nullptr,
                        const ConversationStoreStats* store = nullptr);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_SHADOW_H_
