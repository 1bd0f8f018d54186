// SPDX-License-Identifier: Apache-2.0
// `triage queue [FILE|-] [--audit STORE] [--at TIME|end] [--format text|json] [--limit N]
//               [--watch]`: the open SMS conversations and the reports of a decision stream (the
// output of `triage filter`) or an audit store, in the order an advocate should take them
// (triage::Queue, triage/queue.h): band first, then time waiting.
//
//   queue at 2026-11-02T23:30:00Z: 2 conversations, 1 report, 0 errors
//     #  band   waiting  kind          id                           msgs  last activity
//     1  P1         14m  conversation  c-204@2026-11-02T23:13:10Z     3  2026-11-02T23:16:30Z ...
//
// The moment is --at (a UTC time, or `end`: the latest record's time), else the clock: a
// conversation past its idle timeout at that moment has closed and is not shown. --watch follows
// a growing file on a terminal (as `tail -f` does) and redraws the queue every second at the
// clock's time; a truncated file is read again from its start. A line that is not a decision
// line is skipped and counted on stderr (exit 1); no line is ever quoted.

#include "triage/queue.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/audit.h"
#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"
#include "triage/timestamp.h"

#include "audit_support.h"
#include "command_options.h"
#include "commands.h"
#include "load_rules.h"
#include "report_status.h"
#include "terminal.h"
#include <sys/ioctl.h>

namespace triage::cli {
namespace {

struct QueueCommandOptions {
  std::string input = "-";
  std::string audit;
  std::string config;
  std::string format = "text";
  std::string at;
  size_t limit = 0;
  bool watch = false;
};

int64_t ClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "45s", "14m", "2h05m", "3d04h".
std::string Waiting(const std::optional<int64_t>& since, int64_t now) {
  if (!since.has_value()) return "-";
  const int64_t s = std::max<int64_t>(0, (now - *since) / 1000000);
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%lldm", static_cast<long long>(s / 60));
  } else if (s < 86400) {
    std::snprintf(text, sizeof text, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  } else {
    std::snprintf(text, sizeof text, "%lldd%02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s / 3600 % 24));
  }
  return text;
}

// An id as a terminal may show it: control characters become '?'.
std::string Printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string RenderText(const std::vector<QueueItem>& items, int64_t now, size_t limit) {
  size_t conversations = 0;
  size_t reports = 0;
  size_t errors = 0;
  for (const QueueItem& item : items) {
    conversations += item.kind == QueueItemKind::kConversation ? 1 : 0;
    reports += item.kind == QueueItemKind::kReport ? 1 : 0;
    errors += item.kind == QueueItemKind::kError ? 1 : 0;
  }
  const auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::string out = "queue at " + FormatTimestamp(now) + ": " +
                    plural(conversations, "conversation") + ", " + plural(reports, "report") +
                    ", " + plural(errors, "error") + "\n";
  if (items.empty()) return out;
  size_t width = 2;
  for (const QueueItem& item : items) width = std::max(width, item.id.size());
  width = std::min<size_t>(width, 48);
  char line[512];
  std::snprintf(line, sizeof line, "  %3s  %-5s %8s  %-12s  %-*s  %4s  %-20s  %s\n", "#", "band",
                "waiting", "kind", static_cast<int>(width), "id", "msgs", "last activity",
                "categories");
  out += line;
  const size_t shown = limit == 0 ? items.size() : std::min(limit, items.size());
  for (size_t i = 0; i < shown; ++i) {
    const QueueItem& item = items[i];
    std::string categories;
    for (const std::string& category : item.categories) {
      categories += (categories.empty() ? "" : ",") + category;
    }
    if (item.kind == QueueItemKind::kError) categories = "error: " + item.error_code;
    if (item.opted_out) categories += "  (opted out: no reply)";
    const std::string messages =
        item.kind == QueueItemKind::kConversation ? std::to_string(item.messages) : "";
    const std::string last = item.last_at.has_value() ? FormatTimestamp(*item.last_at) : "-";
    std::snprintf(line, sizeof line, "  %3zu  %-5s %8s  %-12s  %-*s  %4s  %-20s  %s\n", i + 1,
                  item.band.c_str(), Waiting(item.since, now).c_str(), QueueItemKindName(item.kind),
                  static_cast<int>(width), Printable(item.id).c_str(), messages.c_str(),
                  last.c_str(), Printable(categories).c_str());
    out += line;
  }
  if (shown < items.size()) out += "  ... " + std::to_string(items.size() - shown) + " more\n";
  return out;
}

// Reads a file (or stdin) line by line from where it last stopped; a partial last line waits for
// its end.
class Follower {
 public:
  explicit Follower(int fd) : fd_(fd) {}

  // Calls `on_line(line, number)` for every complete line read until the end of what is there
  // now (and, at the end of the input when `final`, for an unterminated last line). Returns false
  // on a read error.
  template <typename OnLine>
  bool ReadAvailable(bool final, OnLine& on_line) {
    char buffer[1 << 16];
    for (;;) {
      const ssize_t n = read(fd_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) break;
      offset_ += static_cast<uint64_t>(n);
      pending_.append(buffer, static_cast<size_t>(n));
      size_t start = 0;
      for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
        on_line(std::string_view(pending_).substr(start, nl - start), ++number_);
      }
      pending_.erase(0, start);
    }
    if (final && !pending_.empty()) {
      on_line(std::string_view(pending_), ++number_);
      pending_.clear();
    }
    return true;
  }

  // True if the file is now shorter than what was read (it was truncated or replaced).
  bool Truncated() const {
    const off_t size = lseek(fd_, 0, SEEK_END);
    if (size < 0) return false;
    lseek(fd_, static_cast<off_t>(offset_), SEEK_SET);
    return static_cast<uint64_t>(size) < offset_;
  }
  void Restart() {
    lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    number_ = 0;
    pending_.clear();
  }

 private:
  int fd_;
  uint64_t offset_ = 0;
  uint64_t number_ = 0;
  std::string pending_;
};

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Feeds lines to a queue and counts those that are not decision lines.
struct Feeder {
  Queue* queue = nullptr;
  uint64_t bad = 0;
  uint64_t first_bad = 0;
  void operator()(std::string_view line, uint64_t number) {
    if (IsBlank(line)) return;
    if (!queue->AddLine(line).ok()) {
      if (bad++ == 0) first_bad = number;
    }
  }
};

void ReportBadLines(const Feeder& feeder) {
  if (feeder.bad == 0) return;
  std::fprintf(stderr, "triage: queue: %llu line%s not a decision line (first: line %llu)\n",
               static_cast<unsigned long long>(feeder.bad), feeder.bad == 1 ? " is" : "s are",
               static_cast<unsigned long long>(feeder.first_bad));
}

size_t TerminalRows() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 4) return size.ws_row - 4;
  return 20;
}

int Watch(const QueueCommandOptions& options, const QueueOptions& queue_options, int fd) {
  Follower follower(fd);
  auto queue = std::make_unique<Queue>(queue_options);
  Feeder feeder{queue.get()};
  for (;;) {
    if (follower.Truncated()) {
      follower.Restart();
      queue = std::make_unique<Queue>(queue_options);
      feeder = Feeder{queue.get()};
    }
    if (!follower.ReadAvailable(false, feeder)) {
      return ReportFailure(
          Status::IoError(std::string("reading input failed: ") + std::strerror(errno)),
          kExitErrors);
    }
    const int64_t now = ClockMicros();
    const size_t limit = options.limit != 0 ? options.limit : TerminalRows();
    std::string screen = "\x1b[H\x1b[2J" + RenderText(queue->Items(now), now, limit);
    if (feeder.bad > 0) {
      screen += "(" + std::to_string(feeder.bad) + " lines are not decision lines)\n";
    }
    std::fwrite(screen.data(), 1, screen.size(), stdout);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

int RunQueue(const QueueCommandOptions& options) {
  if (!options.audit.empty() && options.input != "-") {
    return ReportFailure(Status::InvalidArgument("give either FILE or --audit, not both"),
                         kExitUsage);
  }
  if (options.watch) {
    if (!options.at.empty() || !options.audit.empty() || options.format != "text" ||
        options.input == "-") {
      return ReportFailure(
          Status::InvalidArgument("--watch follows a FILE; it takes no --at, --audit or --format"),
          kExitUsage);
    }
    if (!IsTerminal(STDOUT_FILENO)) {
      return ReportFailure(Status::InvalidArgument("--watch needs a terminal on stdout"),
                           kExitUsage);
    }
  }
  std::optional<int64_t> at;
  const bool at_end = options.at == "end";
  if (!options.at.empty() && !at_end) {
    const Result<std::string> parsed = ParseAuditTime(options.at);
    if (!parsed.ok()) return ReportFailure(parsed.status(), kExitUsage);
    at = ParseTimestamp(*parsed);
  }

  // The bands' order comes from the config (the config alone: no rule is compiled).
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;
  SourceManager sources;
  Diagnostics diagnostics;
  const Result<FileId> file = sources.Load(config_path);
  if (!file.ok()) return ReportFailure(file.status(), kExitErrors);
  const Result<EngineConfig> config = LoadConfig(sources, *file, &diagnostics);
  if (!config.ok()) {
    std::fputs(RenderDiagnostics(diagnostics, sources).c_str(), stderr);
    return kExitErrors;
  }
  QueueOptions queue_options;
  for (const UrgencyBand& band : config->bands) queue_options.bands.push_back(band.name);
  queue_options.until = at;

  if (options.watch) {
    const Result<int> input = OpenInput(options.input);
    if (!input.ok()) return ReportFailure(input.status(), kExitErrors);
    return Watch(options, queue_options, *input);
  }

  Queue queue(queue_options);
  Feeder feeder{&queue};
  if (!options.audit.empty()) {
    Result<AuditStore> store = OpenAuditForReading(options.audit);
    if (!store.ok()) return ReportFailure(store.status(), kExitErrors);
    const Status read = store->ForEach({}, [&](const AuditEntry& entry) {
      if (!queue.AddAuditEntry(entry).ok() && feeder.bad++ == 0) {
        feeder.first_bad = static_cast<uint64_t>(entry.seq);
      }
      return Status::Ok();
    });
    if (!read.ok()) return ReportFailure(read, kExitErrors);
  } else {
    const Result<int> input = OpenInput(options.input);
    if (!input.ok()) return ReportFailure(input.status(), kExitErrors);
    Follower follower(*input);
    const bool read = follower.ReadAvailable(true, feeder);
    const int read_errno = errno;
    if (*input != STDIN_FILENO) close(*input);
    if (!read) {
      return ReportFailure(
          Status::IoError(std::string("reading input failed: ") + std::strerror(read_errno)),
          kExitErrors);
    }
  }

  const int64_t now = at.has_value() ? *at : at_end ? queue.latest().value_or(0) : ClockMicros();
  const std::vector<QueueItem> items = queue.Items(now);
  std::string out;
  if (options.format == "json") {
    out = QueueToJson(items, now) + "\n";
  } else {
    out = RenderText(items, now, options.limit);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  ReportBadLines(feeder);
  if (std::fflush(stdout) != 0) return kExitErrors;
  return feeder.bad > 0 ? kExitErrors : kExitOk;
}

}  // namespace

Command AddQueueCommand(CLI::App* parent) {
  auto options = std::make_shared<QueueCommandOptions>();
  CLI::App* app = parent->add_subcommand(
      "queue",
      "Open SMS conversations and reports of a decision stream (filter's output) or an audit "
      "store, in the order to take them: band first, then time waiting");
  AddInputOption(app, &options->input, "file");
  app->add_option("--audit", options->audit, "Read an audit store instead of a decision stream");
  AddConfigOption(app, &options->config,
                  "Config whose bands order the queue (triage.yaml); default: the installed "
                  "rule pack");
  app->add_option("--format", options->format, "text, or json (one document)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app->add_option("--at", options->at,
                  "View the queue as it stood at this UTC time (2026-11-02T23:30:00Z), or at "
                  "`end`, the latest record's time; default: now");
  app->add_option("--limit", options->limit, "Show at most this many items (0: all)")
      ->capture_default_str();
  app->add_flag("--watch", options->watch,
                "Follow a growing FILE on a terminal and redraw the queue every second");
  return Command{app, [options] { return RunQueue(*options); }};
}

}  // namespace triage::cli
