// SPDX-License-Identifier: Apache-2.0
// `triage worker`: a Redis Streams consumer (docs/worker.md). Argument parsing and signals only:
// the loop is triage::worker::StreamWorker (worker/), the triage triage::Service — the request
// handling `triage serve` uses, so decisions, error lines and the audit store are the filter's.
//
// SIGTERM and SIGINT stop it between batches (the batch in hand is written and acknowledged
// first); SIGHUP reloads the rules (a failed reload keeps the old ones, diagnostics on stderr).
// The Redis password comes from --redis-password-file or TRIAGE_REDIS_PASSWORD, never from the
// command line. The options may also come from a file (--worker-config, TOML or INI, the same
// keys as the long options: `redis = "redis://127.0.0.1:6379"`).

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/rule_set.h"
#include "triage/service.h"
#include "triage/status.h"

#include "audit_support.h"
#include "command_options.h"
#include "commands.h"
#include "load_rules.h"
#include "read_secret.h"
#include "report_status.h"
#include "start_service.h"
#include "stream_worker.h"

namespace triage::cli {
namespace {

struct WorkerOptions {
  std::string redis = "redis://127.0.0.1:6379";
  std::string password_file;
  std::string stream;
  std::string group;
  std::string consumer;
  std::string out;
  std::string dead_letter;
  std::string field = "record";
  std::string output = "decision";
  std::string config;
  FilterAuditOptions audit;
  size_t batch = 100;
  int block_ms = 1000;
  double claim_idle = 30;
  double claim_interval = 10;
  uint64_t max_deliveries = 5;
  double stats_interval = 0;
  std::string conversations = "memory";
  std::string conversation_prefix;
  double conversation_ttl = 0;
  std::string worker_config;
};

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

void OnStop(int /*signal*/) { g_stop.store(true); }
void OnReload(int /*signal*/) { g_reload.store(true); }

void InstallSignals() {
  struct sigaction stop {};
  stop.sa_handler = OnStop;
  sigemptyset(&stop.sa_mask);
  sigaction(SIGTERM, &stop, nullptr);
  sigaction(SIGINT, &stop, nullptr);
  struct sigaction reload {};
  reload.sa_handler = OnReload;
  sigemptyset(&reload.sa_mask);
  sigaction(SIGHUP, &reload, nullptr);
  // hiredis writes with write(2): a write to a connection Redis has closed must be an error the
  // worker reconnects after (EPIPE), not the end of the process.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);
}

// Sets the options `app` was not given (on the command line or by the environment) from the
// TOML or INI file at `path` (keys: the long option names, at the top level or under [worker]).
// Returns InvalidArgument for an unreadable file, an unknown key or a value an option refuses.
Status ApplyWorkerConfig(CLI::App* app, const std::string& path) {
  try {
    const std::vector<CLI::ConfigItem> items = CLI::ConfigTOML().from_file(path);
    for (const CLI::ConfigItem& item : items) {
      if (item.name == "++" || item.name == "--") continue;  // section markers
      const bool top =
          item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == "worker");
      CLI::Option* option = top ? app->get_option_no_throw("--" + item.name) : nullptr;
      if (option == nullptr || item.name == "worker-config" || item.name == "help") {
        return Status::InvalidArgument(path + ": unknown key '" + item.fullname() + "'");
      }
      if (option->count() > 0) continue;  // the command line (or the environment) wins
      option->add_result(item.inputs);
      option->run_callback();
    }
  } catch (const CLI::Error& error) {
    return Status::InvalidArgument(path + ": " + error.what());
  }
  return Status::Ok();
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

int RunWorker(const WorkerOptions& options) {
  // Before anything slow, so that an early SIGHUP or SIGTERM is not the end of us.
  InstallSignals();
  worker::StreamWorkerOptions run;
  if (Status parsed = worker::ParseRedisUrl(options.redis, &run.address); !parsed.ok()) {
    return ReportFailure(parsed, kExitUsage);
  }
  if (Status read = ReadSecret(options.password_file, "TRIAGE_REDIS_PASSWORD", "the Redis password",
                               &run.address.password);
      !read.ok()) {
    return ReportFailure(read, kExitUsage);
  }
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;
  Result<RuleSet> rules = LoadRulesReporting(config_path, nullptr);
  if (!rules.ok()) return kExitErrors;

  // With --conversations redis the conversation state lives in Redis, shared by every worker of
  // the group; the service threads SMS messages over it instead of its own in-process store.
  std::unique_ptr<worker::RedisConversationStore> shared;
  if (options.conversations == "redis") {
    worker::RedisConversationOptions store;
    store.prefix = options.conversation_prefix.empty() ? options.stream + ":conv:"
                                                       : options.conversation_prefix;
    store.ttl = Millis(options.conversation_ttl);
    shared = std::make_unique<worker::RedisConversationStore>(std::move(store));
  }
  const std::unique_ptr<Service> service =
      StartServiceReporting(std::move(rules).value(), 1, options.audit, shared.get());
  if (service == nullptr) return kExitErrors;

  run.stream = options.stream;
  run.group = options.group;
  run.consumer = options.consumer;
  run.out = options.out;
  run.dead_letter = options.dead_letter;
  run.field = options.field;
  run.mode = options.output == "annotate" ? OutputMode::kAnnotate : OutputMode::kDecision;
  run.batch = options.batch;
  run.block = std::chrono::milliseconds(options.block_ms);
  run.claim_idle = Millis(options.claim_idle);
  run.claim_interval = Millis(options.claim_interval);
  run.max_deliveries = options.max_deliveries;
  run.stats_interval = Millis(options.stats_interval);
  run.conversations = shared.get();
  run.log = Log;
  run.load = [config_path]() { return LoadRulesReporting(config_path, nullptr); };
  worker::StreamWorker stream_worker(service.get(), std::move(run));
  Log("worker " + options.consumer + " of group " + options.group + " on stream " + options.stream +
      " (ruleset " + service->rules().digest() + ", conversations in " +
      (shared != nullptr ? "Redis" : "this process") + ")");

  const Status status = stream_worker.Run(&g_stop, &g_reload);
  const Status stopped = service->Stop();
  Log("worker stopped: " + stream_worker.StatsLine());
  if (!status.ok()) {
    const int code = status.code() == Status::Code::kInvalidArgument ? kExitUsage : kExitErrors;
    return ReportFailure(status, code);
  }
  if (!stopped.ok()) {
    return ReportFailure(Status::IoError("closing the audit store: " + stopped.message()),
                         kExitErrors);
  }
  return kExitOk;
}

}  // namespace

Command AddWorkerCommand(CLI::App* parent) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* app = parent->add_subcommand(
      "worker",
      "Triage the records of a Redis stream as one consumer of a consumer group, writing one "
      "entry per record to an output stream (docs/worker.md). SIGHUP reloads the rules; SIGTERM "
      "finishes the batch, acknowledges it and exits.");
  // CLI11 2.1 reads no config file for a subcommand (App::set_config is the root's only), so
  // --worker-config is read with CLI11's own TOML/INI parser in ApplyWorkerConfig.
  app->add_option("--worker-config", options->worker_config,
                  "Read options from this file (TOML or INI; keys are the long option names, "
                  "e.g. stream = \"intake\"); the command line and environment win")
      ->envname("TRIAGE_WORKER_CONFIG")
      ->check(CLI::ExistingFile);
  app->add_option("--redis", options->redis,
                  "The server: redis://[USER@]HOST[:PORT][/DB] (no password: see "
                  "--redis-password-file)")
      ->envname("TRIAGE_REDIS_URL")
      ->capture_default_str();
  app->add_option("--redis-password-file", options->password_file,
                  "A file holding the Redis password (AUTH); or set TRIAGE_REDIS_PASSWORD")
      ->check(CLI::ExistingFile);
  app->add_option("--stream", options->stream, "The input stream (records in its 'record' field)");
  app->add_option("--group", options->group, "The consumer group (created if missing)");
  app->add_option("--consumer", options->consumer,
                  "This worker's consumer name, unique in the group and stable across restarts");
  app->add_option("--out", options->out, "The output stream: one entry per input entry");
  app->add_option("--dead-letter", options->dead_letter,
                  "The dead-letter stream (default: the input stream's name + ':dead')");
  app->add_option("--field", options->field, "The input entries' field holding the record")
      ->capture_default_str();
  app->add_option("-o,--output", options->output,
                  "decision: the id and decision; annotate: the record with its decision")
      ->check(CLI::IsMember({"decision", "annotate"}))
      ->capture_default_str();
  AddConfigOption(app, &options->config);
  AddFilterAuditOptions(app, &options->audit);
  app->add_option("--batch", options->batch, "Entries read at once (XREADGROUP COUNT)")
      ->check(CLI::Range(size_t{1}, size_t{100000}))
      ->capture_default_str();
  app->add_option("--block-ms", options->block_ms,
                  "How long one read waits for new entries (XREADGROUP BLOCK), in ms")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  app->add_option("--claim-idle", options->claim_idle,
                  "Claim other consumers' entries pending longer than this, in seconds")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app->add_option("--claim-interval", options->claim_interval,
                  "How often to look for such entries, in seconds")
      ->check(CLI::Range(0.01, 86400.0))
      ->capture_default_str();
  app->add_option("--max-deliveries", options->max_deliveries,
                  "An entry delivered more often goes to the dead-letter stream")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}))
      ->capture_default_str();
  app->add_option("--stats-interval", options->stats_interval,
                  "Write a stats line to stderr this often, in seconds (0: only at exit)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app->add_option("--conversations", options->conversations,
                  "Where SMS conversation state lives: memory (this process: one worker per SMS "
                  "stream) or redis (shared by every worker of the group, in order)")
      ->check(CLI::IsMember({"memory", "redis"}))
      ->capture_default_str();
  app->add_option("--conversation-prefix", options->conversation_prefix,
                  "With --conversations redis: the prefix of the conversation hashes (default: "
                  "the input stream's name + ':conv:')");
  app->add_option("--conversation-ttl", options->conversation_ttl,
                  "With --conversations redis: forget a conversation key this many seconds after "
                  "its last message (0: never)")
      ->check(CLI::Range(0.0, 31622400.0))
      ->capture_default_str();
  return Command{
      app, [app, options] {
        if (!options->worker_config.empty()) {
          if (Status applied = ApplyWorkerConfig(app, options->worker_config); !applied.ok()) {
            return ReportFailure(applied, kExitUsage);
          }
        }
        for (const auto& [value, name] :
             {std::pair{&options->stream, "--stream"}, std::pair{&options->group, "--group"},
              std::pair{&options->consumer, "--consumer"}, std::pair{&options->out, "--out"}}) {
          if (value->empty()) {
            return ReportFailure(Status::InvalidArgument(std::string(name) +
                                                         " is required (on the command line or in "
                                                         "--worker-config)"),
                                 kExitUsage);
          }
        }
        return RunWorker(*options);
      }};
}

}  // namespace triage::cli
