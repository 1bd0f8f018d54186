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
// when the input goes idle). SMS conversations make the order of some lines matter: a message's
// decision depends on the messages before it in its conversation and, through the conversation
// store's memory bound, on the order of all messages (triage/conversation_scanner.h). So a batch
// is scanned in steps. First every line is routed, in parallel (ConversationScanner::Route: a
// cheap byte check, then a parse for SMS records): to a store partition, or to none. Then the
// main thread admits the batch's conversation messages to the store in input order (where the
// memory bound is kept). Then the tasks run: one per partition holding the batch's messages of
// that partition in input order, and small contiguous runs of the other lines; the workers, each
// with its own ConversationScanner over the one shared store, take tasks from a shared counter.
// Last, the store settles (lets go of what the admissions evicted). Every line's output lands in
// the line's own slot, and the slots are written in input order once the batch is done. Nothing
// depends on --jobs, so the output is byte-identical for any --jobs.
//
// With --jobs 2 or more the three stages overlap, as a pipeline over kPipelineBatches reusable
// batches: a reader thread fills batch k+1 while the workers (the main thread among them) scan
// batch k and a writer thread writes batch k-1's output. Each stage takes the batches strictly in
// input order, and a batch's buffer is refilled only once its output has been written, so memory
// is bounded by those few batches whatever the input's size. The main thread alone reloads the
// rules, finishes the shadow comparisons and commits the audit entries, between the scan of a
// batch and its hand-off to the writer. With --jobs 1 and with --line-buffered everything runs
// on the calling thread, one stage after the other, and no thread is started.
//
// Flushing: with --line-buffered (the default when stdout is a terminal) lines are processed one
// at a time and stdout is flushed after each. Without it, stdout is still flushed whenever the
// filter runs out of work (serially: before waiting for input; pipelined: whenever the writer has
// written every batch scanned so far), so a slow producer never leaves results stranded.
//
// SIGHUP reloads the config and rules between batches through triage::Engine: a broken edit is
// reported on stderr and the old ruleset stays; a good one is announced with its digest. Every
// batch is scanned by one ruleset; a signal cuts the batch being read short, so that a long batch
// does not hold the reload back.
//
// With --audit FILE every line's decision or error is recorded in an audit store (audit_support.h,
// triage/audit.h), and a batch's entries are committed before its output is handed to the
// writer.
//
// --input twilio-form|cybertipline-xml (input_format.h, docs/adapters.md): each line is first
// converted to its JSON record, on the workers, as the batch is routed; from there on the
// converted record is the line's text for everything (routing, scanning, the annotated output,
// the shadow run, the audit store's input, which replay re-runs). A line that does not convert
// becomes an error line with the adapter's code, and the audit store keeps only its length: a
// Twilio body holds the sender's number in clear.

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/engine.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/status.h"

#include "audit_support.h"
#include "command_options.h"
#include "commands.h"
#include "input_format.h"
#include "line_io.h"
#include "load_rules.h"
#include "progress.h"
#include "report_status.h"
#include "shadow.h"
#include "terminal.h"
#include "worker_pool.h"
#include <sys/stat.h>

namespace triage::cli {
namespace {

// Batch bounds: large enough to amortise the hand-off to the workers, small enough to keep the
// memory of a batch (its text and its output) to about ten megabytes.
constexpr size_t kBatchLines = 4096;
constexpr size_t kBatchBytes = size_t{4} << 20;
// Batches in flight when pipelined: one being read, one being scanned, one being written.
constexpr size_t kPipelineBatches = 3;
// A batch is cut into at least this many tasks (or eight per worker, if more), so that the
// workers finish a batch at nearly the same time...
constexpr size_t kMinTasksPerBatch = 64;
// ...but a task has at least this many lines, to keep the counter traffic low.
constexpr size_t kMinLinesPerTask = 16;
// Lines per task of the routing round.
constexpr size_t kRouteLines = 256;

// Set by the SIGHUP handler (on whichever thread waits for input), read by the main thread.
std::atomic<bool> g_reload_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used in a signal handler");

extern "C" void OnSighup(int /*signal*/) {
  g_reload_requested.store(true, std::memory_order_relaxed);
}

// Installs the SIGHUP handler and blocks SIGHUP in the calling thread (the worker, reader and
// writer threads block every signal but SIGPIPE). Returns the mask to wait for input with: the
// current one with SIGHUP unblocked. A SIGHUP is thus handled only while the reader waits (ppoll,
// on the main thread or the reader thread), so one sent just before a wait cannot be lost and
// interrupts the wait instead; one sent while the filter is busy stays pending and is picked up
// by TakeReloadRequest() between batches.
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
  bool requested = g_reload_requested.exchange(false, std::memory_order_relaxed);
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
  InputFormatOptions input_format;  // --input, --sender-secret-file
};

// One line of a batch; its text (the kept prefix of a too-long line) is in Batch::text.
struct BatchLine {
  uint64_t number = 0;  // 1-based physical line number
  size_t offset = 0;    // where its text starts in Batch::text
  size_t size = 0;      // bytes of text kept
  size_t length = 0;    // the full length of the line, without its '\n'
  bool truncated = false;
};

// One batch of input lines and, once scanned, their output. The filter owns a fixed set of
// batches and reuses them in turn: the text of all the lines is one buffer, and so is the output
// of each task, so that a batch costs no allocation once the buffers have grown, and its memory
// is bounded by kBatchBytes (plus one line) in and about as much out, whatever the lines.
struct Batch {
  std::string text;              // the kept text of every line, one after the other
  std::vector<BatchLine> lines;  // in input order
  uint64_t bytes = 0;            // input bytes of the lines, newlines included (progress)
  bool last = false;             // nothing follows: end of input or a read error
  // The scan's tasks: task t scans the lines order[task_begin[t]] .. order[task_begin[t+1] - 1]
  // in that order (see the file comment); line i's output goes to outputs[i], without '\n'.
  std::vector<ConversationTicket> tickets;  // per line: its route (partition -1: none)
  std::vector<uint32_t> order;              // line indices, task by task
  std::vector<size_t> task_begin;           // tasks + 1 offsets into `order`
  std::vector<std::string> outputs;         // per line
  std::vector<char> task_failed;            // per task: the task wrote an error line
  // --input other than jsonl: per line, its JSON record, or why it has none.
  std::vector<std::string> records;
  std::vector<Status> conversions;
  size_t tasks() const { return task_begin.empty() ? 0 : task_begin.size() - 1; }
};

// Runs `triage filter` over one input. Not thread-safe: Run() is called once, from the thread
// that created it; the threads it starts are joined before it returns.
class Filter {
 public:
  Filter(std::string config_path, RuleSet rules, OutputMode mode, bool line_buffered, size_t jobs,
         int input_fd, const sigset_t& wait_mask, bool progress, RecordConverter converter)
      : config_path_(std::move(config_path)),
        engine_(rules),
        rules_(std::move(rules)),
        mode_(mode),
        line_buffered_(line_buffered),
        pipelined_(!line_buffered && jobs > 1),
        pool_(line_buffered ? 1 : std::max<size_t>(jobs, 1)),
        reader_(input_fd, &wait_mask),
        writer_(STDOUT_FILENO),
        store_(rules_.config().conversations),
        batches_(pipelined_ ? kPipelineBatches : 1),
        progress_(progress && !line_buffered, InputSize(input_fd)),
        converter_(std::move(converter)) {
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
    for (ConversationScanner& scanner : scanners_) scanner.set_collect_stats(on);
  }
  // The statistics of the ruleset in use at the end of the run (a reload starts them afresh).
  ScanStats TakeStats() const {
    ScanStats total;
    for (const ConversationScanner& scanner : scanners_) total.Merge(scanner.stats());
    return total;
  }
  // The conversation counters of the ruleset in use (a reload starts them afresh).
  ConversationCounters TakeCounters() const {
    ConversationCounters total;
    for (const ConversationScanner& scanner : scanners_) total.Merge(scanner.counters());
    return total;
  }
  // The conversation store (it outlives reloads).
  const ConversationStore& store() const { return store_; }
  ConversationStore* mutable_store() { return &store_; }
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
      scanners_.emplace_back(rules_, &store_);
      scanners_.back().set_collect_stats(collect_stats_);
    }
    decisions_.resize(pool_.size());
    messages_.resize(pool_.size());
    line_errors_.resize(pool_.size());
    audit_lines_.resize(pool_.size());
    max_keep_.store(rules_.config().max_record_bytes, std::memory_order_relaxed);
  }

  // Everything on one thread: read a batch, scan it, write it (--jobs 1, --line-buffered).
  void RunSerial();
  // Reader and writer threads around the scan on this thread (see the file comment).
  void RunPipelined();
  void ReaderLoop();
  void WriterLoop();

  void MaybeReload();
  // Reads the next batch (fewer lines when the input goes idle or a signal interrupts the wait:
  // possibly none). Sets batch->last at the end of input or on a read error.
  void ReadBatch(Batch* batch);
  // The text line `i` of the batch is scanned as: its JSON record, converted or as read.
  std::string_view RecordText(const Batch& batch, size_t i) const {
    if (converter_.converts() && batch.conversions[i].ok()) return batch.records[i];
    const BatchLine& line = batch.lines[i];
    return {batch.text.data() + line.offset, line.size};
  }
  // Converts (--input other than jsonl) and routes the batch's lines and cuts them into tasks
  // (see the file comment).
  void PlanBatch(Batch* batch);
  // Scans the batch on the worker pool, then finishes its shadow comparisons and commits its
  // audit entries. Returns false if the audit store failed: the filter must stop, and the batch
  // must not be written.
  bool ScanBatch(Batch* batch);
  // Why a line became an error line: its InvalidRecord status (OK for a triaged record) and the
  // record's id when it could be read.
  struct LineError {
    Status status;
    std::optional<std::string> id;
  };
  // Returns the output line for `line`, whose record is `text` (`conversion`: why it has none),
  // and sets *error.
  std::string ProcessLine(size_t worker, const BatchLine& line, std::string_view text,
                          const Status& conversion, const ConversationTicket& ticket,
                          LineError* error);
  // Appends the batch's output to the writer. Returns false if writing failed.
  bool WriteBatch(Batch* batch);

  std::string config_path_;
  Engine engine_;
  RuleSet rules_;  // the ruleset of the current batch; changes only between batches
  OutputMode mode_;
  bool line_buffered_;
  bool pipelined_;
  WorkerPool pool_;
  LineReader reader_;    // used by the reader thread only, while there is one
  OutputWriter writer_;  // used by the writer thread only, while there is one
  // SMS conversations: one store, shared by the workers' scanners (each task holding the lines of
  // one partition), kept across reloads.
  MemoryConversationStore store_;
  std::vector<ConversationScanner> scanners_;  // one per worker
  std::vector<Decision> decisions_;            // one per worker, reused
  std::vector<Decision> messages_;             // one per worker: the message's own decision
  std::vector<LineError> line_errors_;         // one per worker, reused
  std::vector<Batch> batches_;                 // batch number n lives in batches_[n % size()]
  std::vector<std::vector<uint32_t>> partition_lines_;  // PlanBatch's scratch
  InputLine next_line_;                 // the reader's: the line just read, before it is batched
  std::vector<InputLine> audit_lines_;  // one per worker: a line as FilterAudit::Capture takes it
  // The ruleset's limits.max_record_bytes, for the reader thread (set on the main thread).
  std::atomic<size_t> max_keep_{0};
  bool read_failed_ = false;      // written by the reader; read after it is joined
  bool any_error_ = false;        // an error line was produced (main thread)
  Progress progress_;             // used by whichever thread writes
  FilterAudit* audit_ = nullptr;  // --audit; not owned
  ShadowRun* shadow_ = nullptr;   // --shadow; not owned
  bool collect_stats_ = false;    // --stats
  RecordConverter converter_;     // --input

  // The pipeline's hand-offs. Batches are numbered from 0 in input order and pass through the
  // three stages in that order; each counter says how many batches have left a stage.
  std::mutex mutex_;
  std::condition_variable changed_;  // any of the following changed
  uint64_t read_done_ = 0;           // guarded by mutex_
  uint64_t scan_done_ = 0;           // guarded by mutex_; includes the audit commit
  uint64_t write_done_ = 0;          // guarded by mutex_
  bool scan_finished_ = false;       // guarded by mutex_: no batch will be scanned any more
  bool stop_reading_ = false;        // guarded by mutex_
  bool write_failed_ = false;        // guarded by mutex_
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

void Filter::ReadBatch(Batch* batch) {
  // A line over the limit is kept only up to it: enough to know it is over, never all of it.
  const size_t keep = max_keep_.load(std::memory_order_relaxed);
  const size_t max_lines = line_buffered_ ? 1 : kBatchLines;
  std::string& text = batch->text;
  std::vector<BatchLine>& lines = batch->lines;
  text.clear();
  lines.clear();
  // Room for a whole batch and the line that crosses the bound (unless it is huge).
  if (!line_buffered_) text.reserve(kBatchBytes + std::min(keep, kBatchBytes));
  batch->bytes = 0;
  batch->last = false;
  while (lines.size() < max_lines && text.size() < kBatchBytes) {
    LineReader::Result result = reader_.Next(&next_line_, keep, /*may_block=*/false);
    if (result == LineReader::Result::kWouldBlock) {
      if (!lines.empty()) break;  // the input is idle: process what we have
      // Nothing to do until more input arrives: push out what is buffered before waiting. (The
      // writer thread of a pipelined run does that by itself whenever it runs out of work.)
      // A failed flush ends the run: nothing will reach the output any more.
      if (!pipelined_ && !writer_.Flush()) break;
      result = reader_.Next(&next_line_, keep, /*may_block=*/true);
    }
    bool stop = false;
    switch (result) {
      case LineReader::Result::kLine:
        lines.push_back(BatchLine{next_line_.number, text.size(), next_line_.text.size(),
                                  next_line_.length, next_line_.truncated});
        text.append(next_line_.text);
        batch->bytes += next_line_.length + 1;
        break;
      case LineReader::Result::kInterrupted:
        // A SIGHUP (or, pipelined, a request to stop): hand over what we have, even nothing, so
        // that the reload happens now and between two batches.
        stop = true;
        break;
      case LineReader::Result::kWouldBlock:
        stop = !lines.empty();
        break;
      case LineReader::Result::kEnd:
        batch->last = true;
        stop = true;
        break;
      case LineReader::Result::kError:
        std::fprintf(stderr, "triage: error: reading input failed: %s\n",
                     std::strerror(reader_.error()));
        read_failed_ = true;
        batch->last = true;
        stop = true;
        break;
    }
    if (stop) break;
  }
}

std::string Filter::ProcessLine(size_t worker, const BatchLine& line, std::string_view text,
                                const Status& conversion, const ConversationTicket& ticket,
                                LineError* error) {
  const size_t max_bytes = rules_.config().max_record_bytes;
  error->id.reset();
  if (line.truncated || line.length > max_bytes) {
    error->status = RecordTooLarge(line.length, max_bytes);
    return FormatErrorLine(line.number, std::nullopt, error->status);
  }
  if (!conversion.ok()) {
    error->status = conversion.code() == Status::Code::kInvalidRecord
                        ? conversion
                        : Status::InvalidRecord("internal",
                                                "the record could not be converted (internal "
                                                "error)");
    return FormatErrorLine(line.number, std::nullopt, error->status);
  }
  Decision& decision = decisions_[worker];  // ScanJson overwrites it
  // The message's own decision only for the shadow run (a copy otherwise saved).
  error->status = scanners_[worker].ScanJson(text, ticket, &decision,
                                             shadow_ != nullptr ? &messages_[worker] : nullptr);
  if (error->status.ok()) return FormatDecisionLine(text, decision, mode_);
  if (error->status.code() != Status::Code::kInvalidRecord) {
    // Not the record's fault. The library's message is not shown: only record errors promise
    // never to quote the record.
    error->status =
        Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  error->id = decision.id;
  return FormatErrorLine(line.number, decision.id, error->status);
}

void Filter::PlanBatch(Batch* batch) {
  const size_t count = batch->lines.size();
  const size_t max_bytes = rules_.config().max_record_bytes;
  // Round one: route every line. Cheap for lines that are no SMS; each worker parses the SMS
  // lines of its runs. With --input other than jsonl, each line is converted to its record
  // first, in the same pass.
  if (batch->tickets.size() < count) batch->tickets.resize(count);
  if (converter_.converts()) {
    if (batch->records.size() < count) batch->records.resize(count);
    if (batch->conversions.size() < count) batch->conversions.resize(count);
  }
  const auto route = [this, batch, count, max_bytes](size_t worker, size_t begin) {
    const size_t end = std::min(count, begin + kRouteLines);
    for (size_t i = begin; i < end; ++i) {
      const BatchLine& line = batch->lines[i];
      batch->tickets[i] = ConversationTicket();
      if (converter_.converts()) {
        batch->records[i].clear();
        batch->conversions[i] = Status::Ok();
      }
      if (line.truncated || line.length > max_bytes) continue;  // too_large: never read
      if (converter_.converts()) {
        Result<std::string> record = converter_.Convert(
            std::string_view(batch->text.data() + line.offset, line.size), max_bytes);
        if (!record.ok()) {
          batch->conversions[i] = record.status();
          continue;
        }
        batch->records[i] = std::move(record).value();
      }
      scanners_[worker].Route(RecordText(*batch, i), &batch->tickets[i]);
    }
  };
  const size_t route_tasks = (count + kRouteLines - 1) / kRouteLines;
  if (route_tasks == 1 || pool_.size() == 1) {
    for (size_t t = 0; t < route_tasks; ++t) route(0, t * kRouteLines);
  } else {
    pool_.Run(route_tasks,
              [&route](size_t worker, size_t task) { route(worker, task * kRouteLines); });
  }

  // Round two's tasks: one per partition with messages (in input order), then runs of the other
  // lines. The cut decides only who does what, never what is written.
  batch->order.clear();
  batch->task_begin.assign(1, 0);
  size_t free_lines = 0;
  size_t partitions = 0;
  for (size_t i = 0; i < count; ++i) {
    const int r = batch->tickets[i].partition;
    if (r < 0) {
      ++free_lines;
    } else {
      partitions = std::max(partitions, static_cast<size_t>(r) + 1);
    }
  }
  if (partitions > 0) {
    // Conversation lines under this batch's ruleset: its limits apply from here (a no-op when
    // they are the store's already). Replay does the same before each message.
    store_.Configure(rules_.config().conversations);
    partition_lines_.resize(partitions);
    for (std::vector<uint32_t>& lines : partition_lines_) lines.clear();
    for (size_t i = 0; i < count; ++i) {
      ConversationTicket& ticket = batch->tickets[i];
      if (ticket.partition < 0) continue;
      // The store's memory bound, kept in input order on this thread.
      scanners_.front().Admit(&ticket);
      partition_lines_[ticket.partition].push_back(static_cast<uint32_t>(i));
    }
    for (size_t p = 0; p < partitions; ++p) {
      if (partition_lines_[p].empty()) continue;
      batch->order.insert(batch->order.end(), partition_lines_[p].begin(),
                          partition_lines_[p].end());
      batch->task_begin.push_back(batch->order.size());
    }
  }
  const size_t min_tasks = std::max(kMinTasksPerBatch, pool_.size() * 8);
  const size_t per_task =
      pool_.size() == 1 ? std::max<size_t>(free_lines, 1)
                        : std::max(kMinLinesPerTask, (free_lines + min_tasks - 1) / min_tasks);
  size_t in_task = 0;
  for (size_t i = 0; i < count; ++i) {
    if (batch->tickets[i].partition >= 0) continue;
    batch->order.push_back(static_cast<uint32_t>(i));
    if (++in_task == per_task) {
      batch->task_begin.push_back(batch->order.size());
      in_task = 0;
    }
  }
  if (in_task > 0) batch->task_begin.push_back(batch->order.size());
}

bool Filter::ScanBatch(Batch* batch) {
  const size_t count = batch->lines.size();
  if (count == 0) return true;
  PlanBatch(batch);
  const size_t tasks = batch->tasks();
  if (batch->outputs.size() < count) batch->outputs.resize(count);
  batch->task_failed.assign(tasks, 0);
  if (audit_ != nullptr) audit_->StartBatch(count);
  if (shadow_ != nullptr) shadow_->StartBatch(count);
  const auto run_task = [this, batch](size_t worker, size_t task) {
    bool failed = false;
    for (size_t k = batch->task_begin[task]; k < batch->task_begin[task + 1]; ++k) {
      const size_t i = batch->order[k];
      const BatchLine& line = batch->lines[i];
      const std::string_view text = RecordText(*batch, i);
      const Status& conversion = converter_.converts() ? batch->conversions[i] : Status::Ok();
      LineError& line_error = line_errors_[worker];
      batch->outputs[i] =
          ProcessLine(worker, line, text, conversion, batch->tickets[i], &line_error);
      const bool error = !line_error.status.ok();
      failed = failed || error;
      if (shadow_ != nullptr && !error) {
        // Line by line, each record on its own: the candidate is compared with the message's
        // own decision, not with the conversation's.
        shadow_->Compare(worker, i, line.number, text, messages_[worker]);
      }
      if (audit_ != nullptr) {
        InputLine& audit_line = audit_lines_[worker];
        audit_line.number = line.number;
        audit_line.text.assign(text);
        audit_line.length = line.length;
        audit_line.truncated = line.truncated;
        if (converter_.converts()) {
          // The store keeps the record that was triaged (replay re-runs it); of an input that
          // did not convert, only its length (it may hold a phone number in clear).
          audit_line.length = conversion.ok() ? text.size() : line.length;
          audit_line.truncated = line.truncated || !conversion.ok();
          if (!conversion.ok()) audit_line.text.clear();
        }
        if (error) {
          audit_->CaptureError(i, audit_line, line_error.id, line_error.status);
        } else {
          audit_->Capture(i, audit_line, decisions_[worker]);
        }
      }
    }
    batch->task_failed[task] = failed ? 1 : 0;
  };
  if (tasks == 1 || pool_.size() == 1) {
    for (size_t t = 0; t < tasks; ++t) run_task(0, t);
  } else {
    pool_.Run(tasks, run_task);
  }
  // What the batch's admissions let go of goes now.
  store_.Settle();
  if (shadow_ != nullptr) shadow_->FinishBatch();
  for (size_t t = 0; t < tasks; ++t) any_error_ = any_error_ || batch->task_failed[t] != 0;
  // Recorded before written: no decision leaves the filter unrecorded.
  if (audit_ == nullptr) return true;
  const Status committed = audit_->Commit(rules_, count);
  if (!committed.ok()) ReportFailure(committed, kExitErrors);
  return committed.ok();
}

bool Filter::WriteBatch(Batch* batch) {
  if (batch->lines.empty()) return !writer_.failed();
  for (size_t i = 0; i < batch->lines.size(); ++i) {
    writer_.WriteLine(batch->outputs[i]);
    // The line's output is written: let its memory go now rather than when the slot is reused.
    std::string().swap(batch->outputs[i]);
  }
  if (line_buffered_) writer_.Flush();
  if (writer_.failed()) return false;
  progress_.Advance(batch->lines.size(), batch->bytes);
  return true;
}

void Filter::RunSerial() {
  Batch& batch = batches_.front();
  do {
    ReadBatch(&batch);
    if (writer_.failed()) return;  // the flush before waiting for input failed
    // A SIGHUP that arrived before or while the batch was read applies to it.
    MaybeReload();
    if (batch.lines.empty()) continue;
    if (!ScanBatch(&batch) || !WriteBatch(&batch)) return;
  } while (!batch.last);
}

void Filter::ReaderLoop() {
  for (uint64_t number = 0;; ++number) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // The batch's buffer is free once the writer is done with the batch that used it before.
      changed_.wait(lock, [&] { return stop_reading_ || number - write_done_ < batches_.size(); });
      if (stop_reading_) return;
    }
    Batch& batch = batches_[number % batches_.size()];
    ReadBatch(&batch);
    // Once handed over, the batch may be scanned, written and refilled before we look again.
    const bool last = batch.last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_reading_) return;
      read_done_ = number + 1;
    }
    changed_.notify_all();
    if (last) return;
  }
}

void Filter::WriterLoop() {
  for (uint64_t number = 0;; ++number) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (number == scan_done_ && !scan_finished_) {
        // Nothing to write until the workers finish another batch: push out what is buffered,
        // so that a slow producer never leaves results stranded (and a fast one pays one write
        // per batch at most).
        lock.unlock();
        const bool flushed = writer_.Flush();
        lock.lock();
        if (!flushed) {
          write_failed_ = true;
          changed_.notify_all();
          return;
        }
      }
      changed_.wait(lock, [&] { return number < scan_done_ || scan_finished_; });
      if (number == scan_done_) return;  // every batch that will be scanned has been written
    }
    const bool written = WriteBatch(&batches_[number % batches_.size()]);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (written) {
        write_done_ = number + 1;
      } else {
        write_failed_ = true;
      }
    }
    changed_.notify_all();
    if (!written) return;
  }
}

void Filter::RunPipelined() {
  // The reader may be waiting on a silent pipe when the filter has to stop early (the audit store
  // or the output failed): a byte on this pipe wakes it.
  std::array<int, 2> wake = {-1, -1};
  if (pipe2(wake.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    RunSerial();
    return;
  }
  reader_.set_wake_fd(wake[0]);
  std::thread reader = StartBackgroundThread([this] { ReaderLoop(); });
  std::thread writer = StartBackgroundThread([this] { WriterLoop(); });

  for (uint64_t number = 0;; ++number) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return number < read_done_ || write_failed_; });
      if (write_failed_) break;
    }
    Batch& batch = batches_[number % batches_.size()];
    // A SIGHUP that arrived before or while the batch was read applies to it, and to all of it.
    MaybeReload();
    if (!ScanBatch(&batch)) break;
    // Once handed over, the batch may be written and refilled before we look again.
    const bool last = batch.last;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      scan_done_ = number + 1;
    }
    changed_.notify_all();
    if (last) break;
  }

  {
    std::lock_guard<std::mutex> lock(mutex_);
    scan_finished_ = true;
    stop_reading_ = true;
  }
  changed_.notify_all();
  const char byte = 1;
  while (write(wake[1], &byte, 1) < 0 && errno == EINTR) {
  }
  reader.join();
  writer.join();
  reader_.set_wake_fd(-1);
  close(wake[0]);
  close(wake[1]);
}

int Filter::Run() {
  if (pipelined_) {
    RunPipelined();
  } else {
    RunSerial();
  }
  writer_.Flush();
  progress_.Finish();
  if (shadow_ != nullptr) std::fprintf(stderr, "triage: %s\n", shadow_->Summary().c_str());
  if (writer_.failed()) {
    std::fprintf(stderr, "triage: error: writing output failed: %s\n",
                 std::strerror(writer_.error()));
    return kExitErrors;
  }
  return any_error_ || read_failed_ ? kExitErrors : kExitOk;
}

int RunFilter(const FilterOptions& options) {
  Result<RecordConverter> converter = RecordConverter::Make(options.input_format);
  if (!converter.ok()) {
    return ReportFailure(
        converter.status(),
        converter.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitErrors);
  }
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;

  const Result<int> input = OpenInput(options.input);
  if (!input.ok()) return ReportFailure(input.status(), kExitErrors);
  const int input_fd = *input;
  // Before loading, so that a SIGHUP sent meanwhile is a reload rather than the end of us, and
  // before the worker threads start.
  const sigset_t wait_mask = InstallSighupHandler();

  Result<RuleSet> rules = LoadRulesReporting(config_path, nullptr);
  if (!rules.ok()) {
    if (input_fd != STDIN_FILENO) close(input_fd);
    return kExitErrors;
  }
  // The loaded ruleset is kept until the process ends rather than freed on the way out: a large
  // pack's program is hundreds of thousands of allocations, and freeing them one by one was 5% of
  // a cold run over 2,000 records at 1,000 rules (bench/README.md, branch h13). The operating
  // system takes the memory back at exit; a ruleset reloaded meanwhile is freed as usual.
  static const RuleSet* const kept_until_exit = new RuleSet(*rules);
  (void)kept_until_exit;

  auto jobs = static_cast<size_t>(options.jobs);
  if (jobs == 0) jobs = std::max(1U, std::thread::hardware_concurrency());
  const bool line_buffered = options.line_buffered || IsTerminal(STDOUT_FILENO);
  const OutputMode mode =
      options.output == "decision" ? OutputMode::kDecision : OutputMode::kAnnotate;
  const bool progress = IsTerminal(STDERR_FILENO) && !IsTerminal(STDOUT_FILENO);

  Result<std::unique_ptr<FilterAudit>> audit_opened = FilterAudit::Open(options.audit);
  if (!audit_opened.ok()) {
    if (input_fd != STDIN_FILENO) close(input_fd);
    return ReportFailure(audit_opened.status(), kExitErrors);
  }
  const std::unique_ptr<FilterAudit> audit = std::move(audit_opened).value();

  std::unique_ptr<ShadowRun> shadow;
  if (!options.shadow.empty()) {
    Result<RuleSet> candidate = LoadRulesReporting(options.shadow, nullptr);
    if (candidate.ok()) {
      Result<std::unique_ptr<ShadowRun>> opened = ShadowRun::Open(
          std::move(candidate).value(), options.shadow_log, line_buffered ? 1 : jobs);
      if (opened.ok()) {
        shadow = std::move(opened).value();
      } else {
        ReportFailure(opened.status(), kExitErrors);
      }
    }
    if (shadow == nullptr) {
      if (input_fd != STDIN_FILENO) close(input_fd);
      return kExitErrors;
    }
  }

  int exit_code = kExitOk;
  {
    Filter filter(config_path, std::move(rules).value(), mode, line_buffered, jobs, input_fd,
                  wait_mask, progress, std::move(converter).value());
    filter.set_audit(audit.get());
    if (audit != nullptr) {
      // The store's earlier runs: their open conversations carry on in this one.
      uint64_t restored = 0;
      const Status status = audit->RestoreConversations(filter.mutable_store(), &restored);
      if (!status.ok()) {
        if (input_fd != STDIN_FILENO) close(input_fd);
        return ReportFailure(status, kExitErrors);
      }
      if (restored > 0) {
        std::fprintf(stderr,
                     "triage: conversations: %llu earlier messages re-run from the audit store\n",
                     static_cast<unsigned long long>(restored));
      }
    }
    filter.set_shadow(shadow.get());
    filter.set_collect_stats(!options.stats.empty());
    exit_code = filter.Run();
    if (!options.stats.empty()) {
      const ConversationCounters counters = filter.TakeCounters();
      const ConversationStoreStats store = filter.store().stats();
      const Status written = WriteStatsReport(filter.TakeStats(), filter.rules().digest(),
                                              options.stats, &counters, &store);
      if (!written.ok()) exit_code = ReportFailure(written, kExitErrors);
    }
    if (audit != nullptr) {
      const Status closed = audit->Close();
      if (!closed.ok()) ReportFailure(closed, kExitErrors);
      if (audit->failed()) exit_code = kExitErrors;
    }
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
  AddInputOption(app, &options->input, "file");
  AddInputFormatOptions(app, &options->input_format);
  AddConfigOption(app, &options->config);
  app->add_option("-o,--output", options->output,
                  "annotate: the record with a \"triage\" member; decision: the decision alone")
      ->check(CLI::IsMember({"annotate", "decision"}))
      ->capture_default_str();
  app->add_flag("--line-buffered", options->line_buffered,
                "Process one line at a time and flush after each (default on a terminal)");
  AddJobsOption(app, &options->jobs);
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
