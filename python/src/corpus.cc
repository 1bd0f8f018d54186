// SPDX-License-Identifier: Apache-2.0
// Scoring a batch of corpus records for eval and compare (bindings.h: ScoreAll), as the CLI's
// eval_corpus.cc scores a line: the record limit first, then ScoreRecord, and any failure that is
// not the record's fault reported as an `internal` record error.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "triage/scored_record.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>

namespace triage::python {
namespace {

Status ScoreText(Scanner* scanner, const RecordText& text, size_t max_record_bytes,
                 bool with_totals, ScoredRecord* out) {
  *out = ScoredRecord();
  if (!text.valid) return StrNotUtf8();
  if (text.text.size() > max_record_bytes) {
    return RecordTooLarge(text.text.size(), max_record_bytes);
  }
  Status status = ScoreRecord(scanner, text.text, with_totals, out);
  if (!status.ok() && status.code() != Status::Code::kInvalidRecord) {
    return Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  return status;
}

}  // namespace

std::vector<RecordText> RecordTexts(const py::list& records) {
  std::vector<RecordText> texts;
  texts.reserve(records.size());
  for (py::handle record : records) texts.push_back(GetRecordText(record));
  return texts;
}

void ScoreAll(const PyRuleSet& rules, const std::vector<RecordText>& texts,
              const std::vector<uint64_t>& lines, size_t jobs, bool with_totals,
              std::vector<ScoredRecord>* records, std::vector<Status>* statuses) {
  const size_t count = texts.size();
  records->assign(count, ScoredRecord());
  statuses->assign(count, Status());
  const size_t max_bytes = rules.rules.config().max_record_bytes;
  ScanInParallel(rules, count, jobs, [&](Scanner* scanner, size_t i) {
    (*statuses)[i] = ScoreText(scanner, texts[i], max_bytes, with_totals, &(*records)[i]);
    (*records)[i].line = lines[i];
  });
}

}  // namespace triage::python
