// SPDX-License-Identifier: Apache-2.0
// Workload: one benchmark workload directory, read into memory (bench/README.md, "Workloads"):
//
//   DIR/triage.yaml + DIR/*.rules   the engine's ruleset (text <- summary or body)
//   DIR/patterns.txt                one RE2 pattern per line, the same matching the rules do
//   DIR/records.jsonl               the records, one JSON object per line
//
// Besides the raw lines (for the engine), each record's text values — its `summary` and `body`
// strings, unescaped — are extracted once, so that the raw baselines scan exactly the texts the
// engine's default mapping scans. Not thread-safe to fill; read-only afterwards.
#ifndef TRIAGE_BENCH_WORKLOAD_H_
#define TRIAGE_BENCH_WORKLOAD_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace triage::bench {

struct WorkloadRecord {
  std::string_view line;  // the JSONL line without its '\n' (a view into Workload::jsonl)
  size_t first_text = 0;  // index of its first value in Workload::texts
  size_t text_count = 0;  // 0 for a line that is not a JSON object or has no text
  bool sms = false;       // kind "sms" (or, without a kind, a body and no summary)
};

struct Workload {
  std::string dir;
  std::string config_path;              // DIR/triage.yaml
  std::string jsonl;                    // records.jsonl as read
  std::vector<WorkloadRecord> records;  // non-empty lines, in file order
  std::vector<std::string> texts;       // every record's text values, record after record
  std::vector<std::string> patterns;    // patterns.txt, empty lines dropped
  size_t text_bytes = 0;                // sum of texts' sizes
  size_t jsonl_bytes = 0;               // sum of the lines' sizes, '\n' included
  size_t sms_records = 0;

  std::string_view text(const WorkloadRecord& record, size_t i) const {
    return texts[record.first_text + i];
  }
};

// Reads the workload in `dir`: records.jsonl always, patterns.txt when `with_patterns`. Returns
// false with a message in *error when a file cannot be read.
bool LoadWorkload(const std::string& dir, bool with_patterns, Workload* workload,
                  std::string* error);

}  // namespace triage::bench

#endif  // TRIAGE_BENCH_WORKLOAD_H_
