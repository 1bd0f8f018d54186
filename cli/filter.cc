// SPDX-License-Identifier: Apache-2.0
// `triage filter [FILE|-]`: JSON Lines in, one line out per non-blank input line, in input order.
//
// A triaged record becomes the record with a "triage" member (--output annotate, the default) or
// {"id":...,"triage":{...}} (--output decision); a line that cannot be triaged becomes an error
// line carrying its physical line number and an error code, so that the output lines up with the
// input and nothing is dropped silently. Blank lines produce nothing. A line over the ruleset's
// limits.max_record_bytes is reported as too_large without being parsed (nor held in memory
// beyond the limit). Neither stdout's error lines nor stderr ever quote a record.
//
// Parallelism: the input is read in batches (up to kBatchLines lines or kBatchBytes bytes, fewer
// when the input goes idle); the batch is cut into small contiguous runs of lines that the
// workers, each with its own Scanner, take from a shared counter; the outputs land in per-line
// slots and are written in order once the batch is done. The output is therefore byte-identical
// for any --jobs. With --line-buffered (the default when stdout is a terminal) lines are processed
// one at a time and stdout is flushed after each; without it, stdout is still flushed whenever the
// input has nothing more to give, so a slow producer never leaves results stranded in a buffer.
//
// SIGHUP reloads the config and rules between batches through triage::Engine: a broken edit is
// reported on stderr and the old ruleset stays; a good one is announced with its digest.
//
// With --audit FILE every line's decision or error is recorded in an audit store (audit_support.h,
// triage/audit.h), and a batch's entries are committed before its output is written.

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/decision.h"
#include "triage/engine.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/status.h"

#include "audit_support.h"
#include "commands.h"
#include "line_io.h"
#include "load_rules.h"
#include "progress.h"
#include "shadow.h"
#include "terminal.h"
#include "worker_pool.h"
#include <sys/stat.h>

namespace triage::cli {
namespace {

// Batch bounds: large enough to amortise the hand-off to the workers, small enough to keep the
// memory of a batch (lines and outputs) in the tens of megabytes.
constexpr size_t kBatchLines = 4096;
constexpr size_t kBatchBytes = size_t{4} << 20;
// Lines per task handed to a worker: at least this many, to keep the counter traffic low.
constexpr size_t kMinLinesPerTask = 16;

volatile std::sig_atomic_t g_reload_requested = 0;

extern "C" void OnSighup(int /*signal*/) { g_reload_requested = 1; }

// Installs the SIGHUP handler and blocks SIGHUP in the calling thread (the worker threads block
// every signal). Returns the mask to wait for input with: the current one with SIGHUP unblocked.
// A SIGHUP is thus handled only while the reader waits (ppoll), so one sent just before a wait
// cannot be lost and interrupts the wait instead; one sent while the filter is busy stays pending
// and is picked up by TakeReloadRequest() between batches.
sigset_t InstallSighupHandler() {
  struct sigaction action {};
  action.sa_handler = OnSighup;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: the wait returns EINTR
  sigaction(SIGHUP, &action, nullptr);
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &hup, &previous);
  sigdelset(&previous, SIGHUP);
  return previous;
}

// Returns true (once) if a SIGHUP was handled or is pending, consuming it.
bool TakeReloadRequest() {
  bool requested = g_reload_requested != 0;
  g_reload_requested = 0;
  sigset_t pending;
  sigemptyset(&pending);
  if (sigpending(&pending) == 0 && sigismember(&pending, SIGHUP) == 1) {
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    const timespec zero{};
    while (sigtimedwait(&hup, nullptr, &zero) == SIGHUP) {
    }
    requested = true;
  }
  return requested;
}

struct FilterOptions {
  std::string input = "-";
  std::string config;
  std::string output = "annotate";
  bool line_buffered = false;
  int jobs = 0;
  FilterAuditOptions audit;
  std::string shadow;      // --shadow CONFIG: a candidate ruleset evaluated beside the live one
  std::string shadow_log;  // --shadow-log FILE: its disagreements, JSONL
  std::string stats;       // --stats FILE: per-rule hits and matcher times at the end
};

class Filter {
 public:
  Filter(std::string config_path, RuleSet rules, OutputMode mode, bool line_buffered, size_t jobs,
         int input_fd, const sigset_t& wait_mask, bool progress)
      : config_path_(std::move(config_path)),
        engine_(rules),
        rules_(std::move(rules)),
        mode_(mode),
        line_buffered_(line_buffered),
        pool_(line_buffered ? 1 : std::max<size_t>(jobs, 1)),
        reader_(input_fd, &wait_mask),
        writer_(STDOUT_FILENO),
        progress_(progress && !line_buffered, InputSize(input_fd)) {
    ResetScanners();
  }

  // Processes the whole input. Returns the exit code.
  int Run();
  // Records every line in `audit` (not owned; null: no audit trail).
  void set_audit(FilterAudit* audit) { audit_ = audit; }
  // Evaluates every triaged record with `shadow` too (not owned; null: no shadow run).
  void set_shadow(ShadowRun* shadow) { shadow_ = shadow; }
  // Collects ScanStats in every worker's scanner.
  void set_collect_stats(bool on) {
    collect_stats_ = on;
    for (Scanner& scanner : scanners_) scanner.set_collect_stats(on);
  }
  // The statistics of the ruleset in use at the end of the run (a reload starts them afresh).
  ScanStats TakeStats() const {
    ScanStats total;
    for (const Scanner& scanner : scanners_) total.Merge(scanner.stats());
    return total;
  }
  const RuleSet& rules() const { return rules_; }

 private:
  static uint64_t InputSize(int fd) {
    struct stat info {};
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) return static_cast<uint64_t>(info.st_size);
    return 0;
  }

  void ResetScanners() {
    scanners_.clear();
    scanners_.reserve(pool_.size());
    for (size_t i = 0; i < pool_.size(); ++i) {
      scanners_.emplace_back(rules_);
      scanners_.back().set_collect_stats(collect_stats_);
    }
    decisions_.resize(pool_.size());
  }

  void MaybeReload();
  // Reads the next batch into batch_; returns its size. Sets *done at the end of input.
  size_t ReadBatch(bool* done);
  void ProcessBatch(size_t count);
  // Returns the output line for `line`; sets *error if it is an error line.
  std::string ProcessLine(size_t worker, const InputLine& line, bool* error);

  std::string config_path_;
  Engine engine_;
  RuleSet rules_;  // the ruleset of the current batch; changes only between batches
  OutputMode mode_;
  bool line_buffered_;
  WorkerPool pool_;
  LineReader reader_;
  OutputWriter writer_;
  std::vector<Scanner> scanners_;    // one per worker
  std::vector<Decision> decisions_;  // one per worker, reused
  std::vector<InputLine> batch_;
  std::vector<std::string> outputs_;
  std::vector<char> is_error_;  // not vector<bool>: workers write neighbouring slots
  bool read_failed_ = false;
  Progress progress_;
  FilterAudit* audit_ = nullptr;  // --audit; not owned
  ShadowRun* shadow_ = nullptr;   // --shadow; not owned
  bool collect_stats_ = false;    // --stats
};

void Filter::MaybeReload() {
  if (!TakeReloadRequest()) return;
  const Status status = engine_.Reload(
      [this]() -> Result<RuleSet> { return LoadRulesReporting(config_path_, nullptr); });
  if (!status.ok()) {
    std::fprintf(stderr, "triage: reload failed; keeping ruleset %s\n", rules_.digest().c_str());
    return;
  }
  rules_ = engine_.current();
  ResetScanners();
  std::fprintf(stderr, "triage: reloaded ruleset %s\n", rules_.digest().c_str());
}

size_t Filter::ReadBatch(bool* done) {
  // A line over the limit is kept only up to it: enough to know it is over, never all of it.
  size_t keep = rules_.config().max_record_bytes;
  const size_t max_lines = line_buffered_ ? 1 : kBatchLines;
  size_t count = 0;
  size_t bytes = 0;
  while (count < max_lines && bytes < kBatchBytes) {
    if (batch_.size() <= count) batch_.emplace_back();
    InputLine* line = &batch_[count];
    LineReader::Result result = reader_.Next(line, keep, /*may_block=*/false);
    if (result == LineReader::Result::kWouldBlock) {
      if (count > 0) break;  // the input is idle: process what we have
      // Nothing to do until more input arrives: push out what is buffered before waiting.
      writer_.Flush();
      result = reader_.Next(line, keep, /*may_block=*/true);
    }
    switch (result) {
      case LineReader::Result::kLine:
        bytes += line->text.size();
        ++count;
        continue;
      case LineReader::Result::kInterrupted:
        if (count > 0) return count;
        MaybeReload();
        keep = rules_.config().max_record_bytes;
        continue;
      case LineReader::Result::kWouldBlock:
        if (count > 0) return count;
        continue;
      case LineReader::Result::kEnd:
        *done = true;
        return count;
      case LineReader::Result::kError:
        std::fprintf(stderr, "triage: error: reading input failed: %s\n",
                     std::strerror(reader_.error()));
        read_failed_ = true;
        *done = true;
        return count;
    }
  }
  return count;
}

std::string Filter::ProcessLine(size_t worker, const InputLine& line, bool* error) {
  const size_t max_bytes = rules_.config().max_record_bytes;
  if (line.truncated || line.length > max_bytes) {
    *error = true;
    return FormatErrorLine(
        line.number, std::nullopt,
        Status::InvalidRecord(
            "too_large", "record is " + std::to_string(line.length) + " bytes, over the limit of " +
                             std::to_string(max_bytes) + " bytes (limits.max_record_bytes)"));
  }
  Decision& decision = decisions_[worker];  // ScanJson overwrites it
  Status status = scanners_[worker].ScanJson(line.text, &decision);
  if (status.ok()) {
    *error = false;
    return FormatDecisionLine(line.text, decision, mode_);
  }
  *error = true;
  if (status.code() != Status::Code::kInvalidRecord) {
    // Not the record's fault. The library's message is not shown: only record errors promise
    // never to quote the record.
    status = Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  return FormatErrorLine(line.number, decision.id, status);
}

void Filter::ProcessBatch(size_t count) {
  if (outputs_.size() < count) outputs_.resize(count);
  is_error_.assign(count, 0);
  if (audit_ != nullptr) audit_->StartBatch(count);
  if (shadow_ != nullptr) shadow_->StartBatch(count);
  const auto run_range = [this](size_t worker, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      bool error = false;
      outputs_[i] = ProcessLine(worker, batch_[i], &error);
      is_error_[i] = error ? 1 : 0;
      if (shadow_ != nullptr && !error) {
        shadow_->Compare(worker, i, batch_[i].number, batch_[i].text, decisions_[worker]);
      }
      if (audit_ != nullptr) {
        audit_->Capture(i, batch_[i], error ? nullptr : &decisions_[worker], outputs_[i]);
      }
    }
  };
  if (pool_.size() == 1 || count < 2 * kMinLinesPerTask) {
    run_range(0, 0, count);
    return;
  }
  // About eight tasks per worker, so that uneven lines even out.
  const size_t per_task = std::max(kMinLinesPerTask, count / (pool_.size() * 8) + 1);
  const size_t tasks = (count + per_task - 1) / per_task;
  pool_.Run(tasks, [&](size_t worker, size_t task) {
    const size_t begin = task * per_task;
    run_range(worker, begin, std::min(count, begin + per_task));
  });
}

int Filter::Run() {
  bool any_error = false;
  bool done = false;
  while (!done) {
    MaybeReload();
    const size_t count = ReadBatch(&done);
    if (count == 0) continue;
    // A SIGHUP that arrived while the batch was read applies to it.
    MaybeReload();
    ProcessBatch(count);
    if (shadow_ != nullptr) shadow_->FinishBatch();
    // Recorded before written: no decision leaves the filter unrecorded.
    if (audit_ != nullptr && !audit_->Commit(rules_, count)) break;
    uint64_t bytes = 0;
    for (size_t i = 0; i < count; ++i) {
      writer_.WriteLine(outputs_[i]);
      any_error = any_error || is_error_[i] != 0;
      bytes += batch_[i].length + 1;
    }
    if (line_buffered_) writer_.Flush();
    if (writer_.failed()) break;
    progress_.Advance(count, bytes);
  }
  writer_.Flush();
  progress_.Finish();
  if (shadow_ != nullptr) std::fprintf(stderr, "triage: %s\n", shadow_->Summary().c_str());
  if (writer_.failed()) {
    std::fprintf(stderr, "triage: error: writing output failed: %s\n",
                 std::strerror(writer_.error()));
    return kExitErrors;
  }
  return any_error || read_failed_ ? kExitErrors : kExitOk;
}

int RunFilter(const FilterOptions& options) {
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;

  int input_fd = STDIN_FILENO;
  if (options.input != "-") {
    input_fd = open(options.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (input_fd < 0) {
      std::fprintf(stderr, "triage: error: cannot open input '%s': %s\n", options.input.c_str(),
                   std::strerror(errno));
      return kExitErrors;
    }
  }
  // Before loading, so that a SIGHUP sent meanwhile is a reload rather than the end of us, and
  // before the worker threads start.
  const sigset_t wait_mask = InstallSighupHandler();

  Result<RuleSet> rules = LoadRulesReporting(config_path, nullptr);
  if (!rules.ok()) {
    if (input_fd != STDIN_FILENO) close(input_fd);
    return kExitErrors;
  }

  auto jobs = static_cast<size_t>(options.jobs);
  if (jobs == 0) jobs = std::max(1U, std::thread::hardware_concurrency());
  const bool line_buffered = options.line_buffered || IsTerminal(STDOUT_FILENO);
  const OutputMode mode =
      options.output == "decision" ? OutputMode::kDecision : OutputMode::kAnnotate;
  const bool progress = IsTerminal(STDERR_FILENO) && !IsTerminal(STDOUT_FILENO);

  bool audit_failed = false;
  const std::unique_ptr<FilterAudit> audit = FilterAudit::Open(options.audit, &audit_failed);
  if (audit_failed) {
    if (input_fd != STDIN_FILENO) close(input_fd);
    return kExitErrors;
  }

  std::unique_ptr<ShadowRun> shadow;
  if (!options.shadow.empty()) {
    Result<RuleSet> candidate = LoadRulesReporting(options.shadow, nullptr);
    if (candidate.ok()) {
      shadow = ShadowRun::Open(std::move(candidate).value(), options.shadow_log,
                               line_buffered ? 1 : jobs);
    }
    if (shadow == nullptr) {
      if (input_fd != STDIN_FILENO) close(input_fd);
      return kExitErrors;
    }
  }

  int exit_code = kExitOk;
  {
    Filter filter(config_path, std::move(rules).value(), mode, line_buffered, jobs, input_fd,
                  wait_mask, progress);
    filter.set_audit(audit.get());
    filter.set_shadow(shadow.get());
    filter.set_collect_stats(!options.stats.empty());
    exit_code = filter.Run();
    if (!options.stats.empty() &&
        !WriteStatsReport(filter.TakeStats(), filter.rules().digest(), options.stats)) {
      exit_code = kExitErrors;
    }
    if (audit != nullptr && !audit->Close()) exit_code = kExitErrors;
  }
  if (input_fd != STDIN_FILENO) close(input_fd);
  return exit_code;
}

}  // namespace

Command AddFilterCommand(CLI::App* parent) {
  auto options = std::make_shared<FilterOptions>();
  CLI::App* app = parent->add_subcommand(
      "filter",
      "Triage JSON Lines records: one annotated record, decision or error line out per input "
      "line, in input order. SIGHUP reloads the rules.");
  app->add_option("file", options->input, "Input JSONL file; '-' or omitted reads stdin")
      ->capture_default_str();
  app->add_option("-c,--config", options->config,
                  "Config file (triage.yaml); default: the installed rule pack")
      ->envname("TRIAGE_CONFIG");
  app->add_option("-o,--output", options->output,
                  "annotate: the record with a \"triage\" member; decision: the decision alone")
      ->check(CLI::IsMember({"annotate", "decision"}))
      ->capture_default_str();
  app->add_flag("--line-buffered", options->line_buffered,
                "Process one line at a time and flush after each (default on a terminal)");
  app->add_option("-j,--jobs", options->jobs, "Worker threads; 0 means one per hardware thread")
      ->check(CLI::Range(0, 1024))
      ->envname("TRIAGE_JOBS")
      ->capture_default_str();
  AddFilterAuditOptions(app, &options->audit);
  app->add_option("--shadow", options->shadow,
                  "Candidate config evaluated beside the live one; output is unchanged");
  app->add_option("--shadow-log", options->shadow_log,
                  "Write the records on which the candidate disagrees here (JSONL)")
      ->needs(app->get_option("--shadow"));
  app->add_option("--stats", options->stats,
                  "At the end, write per-rule hits and per-field matcher time here (JSON)");
  return Command{app, [options] { return RunFilter(*options); }};
}

}  // namespace triage::cli
