// SPDX-License-Identifier: Apache-2.0
// Corpus scanning for eval and diff (eval_corpus.h).

#include "eval_corpus.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "triage/decision.h"
#include "triage/scanner.h"
#include "triage/scored_record.h"
#include "triage/status.h"

#include "command_options.h"
#include "commands.h"
#include "line_io.h"
#include "progress.h"
#include "report_status.h"
#include "terminal.h"
#include "worker_pool.h"
#include <sys/stat.h>

namespace triage::cli {
namespace {

// As in `triage filter`: enough lines to amortise the hand-off, a bounded amount of memory.
constexpr size_t kBatchBytes = size_t{4} << 20;
constexpr size_t kMinLinesPerTask = 8;

}  // namespace

std::string InputName(const std::string& input) { return input == "-" ? "<stdin>" : input; }

size_t ResolveJobs(int jobs) {
  if (jobs > 0) return static_cast<size_t>(jobs);
  return std::max(1U, std::thread::hardware_concurrency());
}

Status ScoreLine(Scanner* scanner, const InputLine& line, size_t max_record_bytes, bool explain,
                 ScoredRecord* out) {
  *out = ScoredRecord();
  out->line = line.number;
  if (line.truncated || line.length > max_record_bytes) {
    return RecordTooLarge(line.length, max_record_bytes);
  }
  Status status = ScoreRecord(scanner, line.text, explain, out);
  out->line = line.number;
  if (!status.ok() && status.code() != Status::Code::kInvalidRecord) {
    // Only record errors promise never to quote the record; anything else is not shown.
    return Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  return status;
}

void ReportRecordError(const std::string& input_name, uint64_t line,
                       const std::optional<std::string>& id, const Status& status) {
  std::string where = input_name + ":" + std::to_string(line);
  std::string message = status.message();
  if (id) message += " (id " + *id + ")";
  std::fprintf(stderr, "%s: error: %s [%s]\n", where.c_str(), message.c_str(),
               status.record_code().c_str());
}

bool ForEachCorpusLine(
    const CorpusOptions& options, size_t max_keep,
    const std::function<void(size_t worker, size_t slot, const InputLine& line)>& process,
    const std::function<void(size_t slot, const InputLine& line)>& consume, CorpusStats* stats) {
  const Result<int> opened = OpenInput(options.input);
  if (!opened.ok()) {
    ReportFailure(opened.status(), kExitErrors);
    stats->read_failed = true;
    return false;
  }
  const int fd = *opened;
  uint64_t total_bytes = 0;
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    total_bytes = static_cast<uint64_t>(info.st_size);
  }
  Progress progress(IsTerminal(STDERR_FILENO), total_bytes);
  WorkerPool pool(std::max<size_t>(options.jobs, 1));
  LineReader reader(fd);
  std::vector<InputLine> batch(kCorpusBatchLines);
  bool done = false;
  while (!done) {
    size_t count = 0;
    size_t bytes = 0;
    while (count < kCorpusBatchLines && bytes < kBatchBytes) {
      const LineReader::Result result = reader.Next(&batch[count], max_keep, /*may_block=*/true);
      if (result == LineReader::Result::kLine) {
        bytes += batch[count].text.size();
        ++count;
        continue;
      }
      if (result == LineReader::Result::kInterrupted) continue;
      if (result == LineReader::Result::kError) {
        std::fprintf(stderr, "triage: error: reading input failed: %s\n",
                     std::strerror(reader.error()));
        stats->read_failed = true;
      }
      done = true;
      break;
    }
    if (count == 0) continue;
    if (pool.size() == 1 || count < 2 * kMinLinesPerTask) {
      for (size_t i = 0; i < count; ++i) process(0, i, batch[i]);
    } else {
      const size_t per_task = std::max(kMinLinesPerTask, count / (pool.size() * 8) + 1);
      const size_t tasks = (count + per_task - 1) / per_task;
      pool.Run(tasks, [&](size_t worker, size_t task) {
        const size_t begin = task * per_task;
        const size_t end = std::min(count, begin + per_task);
        for (size_t i = begin; i < end; ++i) process(worker, i, batch[i]);
      });
    }
    uint64_t batch_bytes = 0;
    for (size_t i = 0; i < count; ++i) {
      consume(i, batch[i]);
      batch_bytes += batch[i].length + 1;
    }
    stats->lines += count;
    progress.Advance(count, batch_bytes);
  }
  progress.Finish();
  if (fd != STDIN_FILENO) close(fd);
  return !stats->read_failed;
}

}  // namespace triage::cli
