// SPDX-License-Identifier: Apache-2.0
// Corpus scanning for the analyst commands (`triage eval`, `triage diff`): a JSONL corpus is read
// in batches, every line is triaged on a WorkerPool (one Scanner per worker) and reduced to a
// ScoredRecord (triage/scored_record.h) — so that a large corpus never holds its text or
// full decisions in memory. Results come back in input order whatever the thread count.
//
// A line that cannot be triaged is reported on stderr as
//   corpus.jsonl:17: error: <message> [invalid_json]
// with the library's message, which never quotes the record, and is left out of the results.
#ifndef TRIAGE_CLI_EVAL_CORPUS_H_
#define TRIAGE_CLI_EVAL_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/scored_record.h"
#include "triage/status.h"

#include "line_io.h"

namespace triage::cli {

// Triages `line` with `scanner` into *out. With `explain`, uses Scanner::Explain and fills
// totals. A line over `max_record_bytes` (or truncated by the reader) is InvalidRecord
// ("too_large"); a non-record failure of the library becomes InvalidRecord("internal"), so that
// the returned status's message can always be shown. out->id is set whenever it could be read.
Status ScoreLine(Scanner* scanner, const InputLine& line, size_t max_record_bytes, bool explain,
                 ScoredRecord* out);

// Writes "<input_name>:<line>: error: <message> [<code>]" (plus the id when known) to stderr.
void ReportRecordError(const std::string& input_name, uint64_t line,
                       const std::optional<std::string>& id, const Status& status);

// Options of a corpus pass.
struct CorpusOptions {
  std::string input = "-";  // a path, or "-" for stdin
  size_t jobs = 1;          // worker threads (at least 1)
};

// Counts of a corpus pass.
struct CorpusStats {
  uint64_t lines = 0;   // non-blank input lines
  uint64_t errors = 0;  // lines that could not be triaged (reported)
  bool read_failed = false;
};

// The most lines in one batch: the `slot` given to ForEachCorpusLine's callbacks is below it.
inline constexpr size_t kCorpusBatchLines = 4096;

// Reads the corpus named by options.input and calls process(worker, slot, line) for every
// non-blank line, in parallel over options.jobs workers (worker in [0, jobs)), then
// consume(slot, line) for every line of the batch in input order, single-threaded, once the batch
// is done. `slot` (< kCorpusBatchLines) is the line's place in its batch, so that a caller can
// keep one result per slot. `max_keep` bounds the bytes kept
// of a line (longer ones arrive truncated). Shows a progress line on a terminal. Returns false
// (after reporting on stderr) if the input cannot be opened or read.
bool ForEachCorpusLine(
    const CorpusOptions& options, size_t max_keep,
    const std::function<void(size_t worker, size_t slot, const InputLine& line)>& process,
    const std::function<void(size_t slot, const InputLine& line)>& consume, CorpusStats* stats);

// Returns the name to use for options.input in messages: the path, or "<stdin>".
std::string InputName(const std::string& input);

// Returns the number of worker threads for a --jobs value (0: one per hardware thread).
size_t ResolveJobs(int jobs);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EVAL_CORPUS_H_
