// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage worker`: the real executable against a real `redis-server` that the
// test starts itself on a free loopback port, in a temporary directory (--save '' and an
// append-only file, so that a restarted server keeps its streams). Skipped only when
// redis-server is not installed (tools/setup.sh installs it). No verdict depends on timing: a
// test polls Redis for what the workers must eventually write, with a generous deadline that
// only a hang reaches, and then checks what was written.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "triage/conversation_scanner.h"
#include "triage/diagnostic.h"
#include "triage/options.h"
#include "triage/rule_set.h"
#include "triage/source.h"

#include "redis_connection.h"
#include "redis_conversation_store.h"
#include "support/cli_harness.h"
#include "support/run_process.h"
#include <netinet/in.h>
#include <sys/socket.h>

namespace triage {
namespace {

using std::chrono::seconds;
using test_support::ErrorCodeOf;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::Subprocess;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;
using worker::RedisConnection;
using worker::RedisConversationStore;
using worker::RedisReply;

const std::string kConfig = std::string(TRIAGE_SOURCE_DIR) + "/rules/triage.yaml";

std::string RedisServerBinary() {
  for (const char* path : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

// A port that was free a moment ago (redis-server refuses port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A redis-server process of the test's own.
class RedisServer {
 public:
  RedisServer() : dir_(test_support::MakeTempDir("triage-redis-")), port_(FreePort()) {}
  ~RedisServer() { Stop(); }

  // Starts the server (again: on the same port and directory) and waits until it answers.
  bool Start() {
    const std::vector<std::string> argv = {RedisServerBinary(),
                                           "--port",
                                           std::to_string(port_),
                                           "--bind",
                                           "127.0.0.1",
                                           "--dir",
                                           dir_,
                                           "--save",
                                           "",
                                           "--appendonly",
                                           "yes",
                                           "--appendfsync",
                                           "always",
                                           "--daemonize",
                                           "no",
                                           "--protected-mode",
                                           "yes"};
    process_ = std::make_unique<Subprocess>();
    if (!process_->Start(argv)) return false;
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Connect() != nullptr) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // SIGTERM (the server writes its append-only file) and waits for the exit.
  void Stop() {
    if (process_ == nullptr) return;
    process_->Signal(SIGTERM);
    process_->Wait(seconds(30));
    process_.reset();
  }

  std::unique_ptr<RedisConnection> Connect() const {
    worker::RedisAddress address;
    address.port = port_;
    Result<std::unique_ptr<RedisConnection>> connection =
        RedisConnection::Connect(address, seconds(2), seconds(10));
    if (!connection.ok()) return nullptr;
    return std::move(connection).value();
  }

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int port_;
  std::unique_ptr<Subprocess> process_;
};

RedisReply Call(RedisConnection* redis, const std::vector<std::string>& argv) {
  Result<RedisReply> reply = redis->Command(argv);
  EXPECT_TRUE(reply.ok()) << reply.status().ToString();
  if (!reply.ok()) return {};
  EXPECT_FALSE(reply->is_error()) << argv[0] << ": " << reply->str;
  return std::move(reply).value();
}

// XADDs each line as an entry {record: line} (pipelined); returns their stream ids, in order.
std::vector<std::string> AddRecords(RedisConnection* redis, const std::string& stream,
                                    const std::vector<std::string>& lines) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(lines.size());
  for (const std::string& line : lines) commands.push_back({"XADD", stream, "*", "record", line});
  Result<std::vector<RedisReply>> replies = redis->Pipeline(commands);
  EXPECT_TRUE(replies.ok()) << replies.status().ToString();
  std::vector<std::string> ids;
  if (!replies.ok()) return ids;
  for (const RedisReply& reply : *replies) {
    EXPECT_FALSE(reply.is_error()) << reply.str;
    ids.push_back(reply.str);
  }
  return ids;
}

// An output entry: the input id and the line.
struct Output {
  std::string id;
  std::string line;
};

// Reads a whole stream; `field` is the line's field name.
std::vector<Output> ReadStream(RedisConnection* redis, const std::string& stream,
                               const std::string& field = "decision") {
  std::vector<Output> outputs;
  const RedisReply reply = Call(redis, {"XRANGE", stream, "-", "+"});
  for (const RedisReply& entry : reply.elements) {
    Output output;
    const std::vector<RedisReply>& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "id") output.id = fields[i + 1].str;
      if (fields[i].str == field) output.line = fields[i + 1].str;
    }
    outputs.push_back(output);
  }
  return outputs;
}

int64_t StreamLength(RedisConnection* redis, const std::string& stream) {
  return Call(redis, {"XLEN", stream}).integer;
}

// Polls until `stream` holds at least `count` entries (60 s at most: only a hang reaches it).
bool WaitForLength(RedisConnection* redis, const std::string& stream, int64_t count) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (StreamLength(redis, stream) < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The number of entries of `group` on `stream` not yet acknowledged.
int64_t Pending(RedisConnection* redis, const std::string& stream, const std::string& group) {
  return Call(redis, {"XPENDING", stream, group}).elements.at(0).integer;
}

// A `triage worker` process.
class Worker {
 public:
  bool Start(const RedisServer& redis, const std::string& consumer,
             const std::vector<std::string>& extra = {}, const std::string& config = kConfig) {
    std::vector<std::string> argv = {TriageBinary(), "worker", "--redis",    redis.url(),
                                     "--stream",     "in",     "--group",    "triage",
                                     "--consumer",   consumer, "--out",      "out",
                                     "--config",     config,   "--block-ms", "100"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (!process_.Start(argv, TriageProcessOptions())) return false;
    return process_.WaitForStderr("triage: worker " + consumer, seconds(60));
  }
  ProcessResult Stop() {
    process_.Signal(SIGTERM);
    return process_.WaitWithStdinOpen(seconds(60));
  }
  Subprocess& process() { return process_; }

 private:
  Subprocess process_;
};

// The example records, under fresh ids `copies` times over (reports only, or all).
std::vector<std::string> Records(const std::vector<std::string>& files, int copies) {
  std::vector<std::string> lines;
  for (int copy = 0; copy < copies; ++copy) {
    for (const std::string& file : files) {
      for (std::string line : SplitLines(ReadFile(std::string(TRIAGE_SOURCE_DIR) + "/" + file))) {
        if (line.empty()) continue;
        if (copies > 1) {
          const size_t at = line.find("\"id\":\"");
          line.insert(at + 6, "k" + std::to_string(copy) + "-");
        }
        lines.push_back(line);
      }
    }
  }
  return lines;
}

// What `triage filter --output decision` writes for `lines`, with each error line's number set
// to 1 (the worker's error lines number the one record of their entry).
std::vector<std::string> FilterDecisions(const std::vector<std::string>& lines) {
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  const ProcessResult result =
      RunTriage({"filter", "--output", "decision", "--config", kConfig}, input);
  std::vector<std::string> out;
  for (std::string line : SplitLines(result.out)) {
    if (line.rfind("{\"line\":", 0) == 0) line = "{\"line\":1" + line.substr(line.find(','));
    out.push_back(line);
  }
  return out;
}

#define REQUIRE_REDIS()                                                             \
  if (RedisServerBinary().empty()) GTEST_SKIP() << "redis-server is not installed"; \
  RedisServer server;                                                               \
  ASSERT_TRUE(server.Start());                                                      \
  std::unique_ptr<RedisConnection> redis = server.Connect();                        \
  ASSERT_NE(redis, nullptr)

TEST(WorkerTest, EveryRecordGetsTheFiltersDecisionInItsOutputEntry) {
  REQUIRE_REDIS();
  std::vector<std::string> lines =
      Records({"examples/reports.jsonl", "examples/sms.jsonl", "examples/conversations.jsonl"}, 1);
  lines.push_back("{not json");
  lines.push_back(R"({"id":"bad-1","summary":42})");
  lines.push_back(R"(["an array"])");
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  // An entry without the record field gets an error line too.
  const std::string no_record = Call(redis.get(), {"XADD", "in", "*", "other", "x"}).str;

  Worker worker;
  ASSERT_TRUE(worker.Start(server, "w1", {"--batch", "7"})) << worker.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size() + 1)));
  const ProcessResult stopped = worker.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  const std::vector<std::string> expected = FilterDecisions(lines);
  const std::vector<Output> outputs = ReadStream(redis.get(), "out");
  ASSERT_EQ(outputs.size(), ids.size() + 1);
  ASSERT_EQ(expected.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(outputs[i].id, ids[i]);
    EXPECT_EQ(outputs[i].line, expected[i]) << "record " << i;
  }
  EXPECT_EQ(outputs.back().id, no_record);
  EXPECT_EQ(ErrorCodeOf(outputs.back().line), "missing_record");
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  EXPECT_NE(stopped.err.find("consumed=" + std::to_string(ids.size() + 1) +
                             " acked=" + std::to_string(ids.size() + 1)),
            std::string::npos)
      << stopped.err;
  // The log names no record: no report text, no id.
  EXPECT_EQ(stopped.err.find("motel"), std::string::npos);
  EXPECT_EQ(stopped.err.find("r-01"), std::string::npos);
}

TEST(WorkerTest, TwoWorkersInOneGroupTriageEveryRecordOnce) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = Records({"examples/reports.jsonl"}, 40);
  Worker first;
  Worker second;
  ASSERT_TRUE(first.Start(server, "w1", {"--batch", "10"})) << first.process().err();
  ASSERT_TRUE(second.Start(server, "w2", {"--batch", "10"})) << second.process().err();
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size())));
  EXPECT_EQ(first.Stop().exit_code, 0);
  EXPECT_EQ(second.Stop().exit_code, 0);

  const std::vector<std::string> expected = FilterDecisions(lines);
  std::map<std::string, std::string> by_id;
  for (const Output& output : ReadStream(redis.get(), "out")) {
    EXPECT_TRUE(by_id.emplace(output.id, output.line).second) << "twice: " << output.id;
  }
  ASSERT_EQ(by_id.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(by_id[ids[i]], expected[i]);
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
}

TEST(WorkerTest, AKilledWorkersEntriesAreClaimedAndEveryRecordEndsWithADecision) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = Records({"examples/reports.jsonl"}, 100);
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  // A consumer that read ten entries and died before acknowledging them (deterministically).
  Call(redis.get(), {"XGROUP", "CREATE", "in", "triage", "0"});
  Call(redis.get(),
       {"XREADGROUP", "GROUP", "triage", "ghost", "COUNT", "10", "STREAMS", "in", ">"});
  // And a real worker killed while it works.
  Worker doomed;
  ASSERT_TRUE(doomed.Start(server, "doomed", {"--batch", "50"})) << doomed.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 1));
  doomed.process().Signal(SIGKILL);
  doomed.process().Wait(seconds(30));

  Worker survivor;
  ASSERT_TRUE(survivor.Start(server, "survivor",
                             {"--batch", "50", "--claim-idle", "0.2", "--claim-interval", "0.2"}))
      << survivor.process().err();
  // Every record ends with a decision, and nothing is left pending.
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  std::set<std::string> done;
  std::vector<Output> outputs;
  while (true) {
    outputs = ReadStream(redis.get(), "out");
    done.clear();
    for (const Output& output : outputs) done.insert(output.id);
    if ((done.size() == ids.size() && Pending(redis.get(), "in", "triage") == 0) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const ProcessResult stopped = survivor.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(done, std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  // A duplicate (an output written whose ack was lost with the process) carries the same
  // stream id and the same decision.
  const std::vector<std::string> expected = FilterDecisions(lines);
  std::map<std::string, std::string> by_id;
  for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = expected[i];
  for (const Output& output : outputs) EXPECT_EQ(output.line, by_id[output.id]) << output.id;
  // The ghost's ten at least were claimed.
  const size_t at = stopped.err.find("claimed=");
  ASSERT_NE(at, std::string::npos) << stopped.err;
  EXPECT_GE(std::stoi(stopped.err.substr(at + 8)), 10) << stopped.err;
}

TEST(WorkerTest, ReconnectsWhenRedisRestartsAndLosesNothing) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = Records({"examples/reports.jsonl"}, 10);
  const std::vector<std::string> first_half(lines.begin(), lines.begin() + 110);
  const std::vector<std::string> second_half(lines.begin() + 110, lines.end());
  Worker worker;
  ASSERT_TRUE(worker.Start(server, "w1", {"--batch", "10"})) << worker.process().err();
  std::vector<std::string> ids = AddRecords(redis.get(), "in", first_half);
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size())));

  redis.reset();
  server.Stop();
  ASSERT_TRUE(worker.process().WaitForStderr("reconnecting", seconds(60)));
  ASSERT_TRUE(server.Start());
  redis = server.Connect();
  ASSERT_NE(redis, nullptr);
  ASSERT_TRUE(worker.process().WaitForStderr("reconnected to Redis", seconds(60)))
      << worker.process().err();
  for (const std::string& id : AddRecords(redis.get(), "in", second_half)) ids.push_back(id);
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size())));
  const ProcessResult stopped = worker.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  const std::vector<std::string> expected = FilterDecisions(lines);
  std::map<std::string, std::string> by_id;
  for (const Output& output : ReadStream(redis.get(), "out")) by_id[output.id] = output.line;
  ASSERT_EQ(by_id.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(by_id[ids[i]], expected[i]);
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  EXPECT_NE(stopped.err.find("reconnects=1"), std::string::npos) << stopped.err;
}

TEST(WorkerTest, APoisonEntryIsDeadLetteredAfterMaxDeliveriesWhileOthersFlow) {
  REQUIRE_REDIS();
  const std::string poison_text =
      R"({"id":"p-1","summary":"a record that took down every worker that read it"})";
  const std::string poison = AddRecords(redis.get(), "in", {poison_text}).front();
  // It was delivered five times, and five times the consumer died before acknowledging it.
  Call(redis.get(), {"XGROUP", "CREATE", "in", "triage", "0"});
  Call(redis.get(), {"XREADGROUP", "GROUP", "triage", "ghost", "COUNT", "1", "STREAMS", "in", ">"});
  Call(redis.get(), {"XCLAIM", "in", "triage", "ghost", "0", poison, "RETRYCOUNT", "5"});
  const std::vector<std::string> lines = Records({"examples/reports.jsonl"}, 1);
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);

  Worker worker;
  ASSERT_TRUE(worker.Start(
      server, "w1", {"--max-deliveries", "3", "--claim-idle", "0.05", "--claim-interval", "0.05"}))
      << worker.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size() + 1)));
  const ProcessResult stopped = worker.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  const std::vector<Output> dead = ReadStream(redis.get(), "in:dead", "error");
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].id, poison);
  EXPECT_EQ(ErrorCodeOf(dead[0].line), "max_deliveries");
  EXPECT_EQ(ReadStream(redis.get(), "in:dead", "record")[0].line, poison_text);
  const std::vector<std::string> expected = FilterDecisions(lines);
  std::map<std::string, std::string> by_id;
  for (const Output& output : ReadStream(redis.get(), "out")) by_id[output.id] = output.line;
  EXPECT_EQ(ErrorCodeOf(by_id[poison]), "max_deliveries");
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(by_id[ids[i]], expected[i]);
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  EXPECT_NE(stopped.err.find("dead_lettered=1"), std::string::npos) << stopped.err;
  EXPECT_EQ(stopped.err.find("took down"), std::string::npos) << "record text in the log";
}

TEST(WorkerTest, SighupReloadsAndAFailedReloadKeepsTheRuleset) {
  REQUIRE_REDIS();
  test_support::TempRulePack pack;
  Worker worker;
  ASSERT_TRUE(worker.Start(server, "w1", {}, pack.config())) << worker.process().err();
  AddRecords(redis.get(), "in", {R"({"id":"a","summary":"a 13 yo"})"});
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 1));
  const std::string before = test_support::RulesetOf(ReadStream(redis.get(), "out")[0].line);

  pack.SetRules("rule broken {\n");
  worker.process().Signal(SIGHUP);
  ASSERT_TRUE(worker.process().WaitForStderr("reload failed; keeping ruleset", seconds(60)));
  AddRecords(redis.get(), "in", {R"({"id":"b","summary":"a 13 yo"})"});
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 2));
  EXPECT_EQ(test_support::RulesetOf(ReadStream(redis.get(), "out")[1].line), before);

  pack.SetRules(R"(rule other "Another rule" {
  when    text ~ /yo/
  urgency +5
})");
  worker.process().Signal(SIGHUP);
  ASSERT_TRUE(worker.process().WaitForStderr("reloaded ruleset", seconds(60)));
  AddRecords(redis.get(), "in", {R"({"id":"c","summary":"a 13 yo"})"});
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 3));
  const std::string after = ReadStream(redis.get(), "out")[2].line;
  EXPECT_NE(test_support::RulesetOf(after), before);
  EXPECT_NE(after.find("\"rule\":\"other\""), std::string::npos) << after;
  const ProcessResult stopped = worker.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

TEST(WorkerTest, UsageErrorsExitTwoWithoutTouchingRedis) {
  const std::vector<std::string> common = {"worker",     "--stream", "in",    "--group", "g",
                                           "--consumer", "c",        "--out", "out"};
  for (const char* url : {"redis://user:secret@127.0.0.1:6379", "rediss://127.0.0.1:6379",
                          "http://x", "redis://127.0.0.1:99999", "redis://127.0.0.1:6379/x"}) {
    std::vector<std::string> args = common;
    args.push_back("--redis");
    args.push_back(url);
    const ProcessResult result = RunTriage(args);
    EXPECT_EQ(result.exit_code, 2) << url << ": " << result.err;
    EXPECT_EQ(result.err.find("secret"), std::string::npos) << result.err;
  }
  EXPECT_EQ(RunTriage({"worker", "--stream", "in"}).exit_code, 2);
  std::vector<std::string> args = common;
  args.insert(args.end(), {"--conversations", "shared"});
  EXPECT_EQ(RunTriage(args).exit_code, 2);
  args = common;
  args.insert(args.end(), {"--conversations", "redis", "--conversation-ttl", "-1"});
  EXPECT_EQ(RunTriage(args).exit_code, 2);
}

TEST(WorkerTest, AnAuditStoreThatCannotBeOpenedStopsTheWorkerBeforeRedis) {
  // The service starts before the worker connects: a store it cannot open is exit 1, reported
  // once, and no Redis (nothing listens on port 1) is ever tried.
  const std::string dir = test_support::MakeTempDir("triage-worker-audit-");
  const ProcessResult result = RunTriage(
      {"worker", "--redis", "redis://127.0.0.1:1", "--stream", "in", "--group", "g", "--consumer",
       "c", "--out", "out", "--config", kConfig, "--audit", dir + "/no/such/dir/audit.db"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("triage: error: "), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("retrying"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("worker c of group"), std::string::npos) << result.err;
}

TEST(WorkerTest, AnOutputKeyOfAnotherTypeIsAUsageError) {
  REQUIRE_REDIS();
  Call(redis.get(), {"SET", "out", "a string"});
  Worker worker;
  ASSERT_TRUE(worker.process().Start(
      {TriageBinary(), "worker", "--redis", server.url(), "--stream", "in", "--group", "g",
       "--consumer", "c", "--out", "out", "--config", kConfig},
      TriageProcessOptions()));
  const ProcessResult result = worker.process().WaitWithStdinOpen(seconds(60));
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("not a stream"), std::string::npos) << result.err;
}

TEST(WorkerTest, APasswordComesFromAFileOrTheEnvironment) {
  REQUIRE_REDIS();
  Call(redis.get(), {"CONFIG", "SET", "requirepass", "s3cret-pw"});
  const std::string dir = test_support::MakeTempDir("triage-worker-pw-");
  ASSERT_TRUE(test_support::WriteFile(dir + "/pw", "s3cret-pw\n"));
  ASSERT_TRUE(test_support::WriteFile(dir + "/wrong", "nope\n"));
  const std::vector<std::string> base = {
      TriageBinary(), "worker", "--redis", server.url(), "--stream", "in",    "--group",    "g",
      "--consumer",   "c",      "--out",   "out",        "--config", kConfig, "--block-ms", "100"};
  {
    Subprocess process;
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), {"--redis-password-file", dir + "/pw"});
    ASSERT_TRUE(process.Start(argv, TriageProcessOptions()));
    ASSERT_TRUE(process.WaitForStderr("triage: worker c", seconds(60)));
    process.Signal(SIGTERM);
    const ProcessResult result = process.WaitWithStdinOpen(seconds(60));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err.find("retrying"), std::string::npos) << result.err;
  }
  {
    // A wrong password: the worker keeps retrying (the log never shows the password).
    Subprocess process;
    test_support::ProcessOptions options = TriageProcessOptions();
    options.set_env.push_back("TRIAGE_REDIS_PASSWORD=nope-pw");
    ASSERT_TRUE(process.Start(base, options));
    ASSERT_TRUE(process.WaitForStderr("retrying", seconds(60)));
    process.Signal(SIGTERM);
    const ProcessResult result = process.WaitWithStdinOpen(seconds(60));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err.find("nope-pw"), std::string::npos) << result.err;
  }
}

TEST(WorkerTest, OptionsComeFromAWorkerConfigFileAndTheCommandLineWins) {
  REQUIRE_REDIS();
  const std::string dir = test_support::MakeTempDir("triage-worker-config-");
  ASSERT_TRUE(test_support::WriteFile(
      dir + "/worker.toml", "redis = \"" + server.url() + "\"\nstream = \"in\"\n" +
                                "group = \"g\"\nconsumer = \"from-file\"\nout = \"wrong\"\n" +
                                "config = \"" + kConfig + "\"\n[worker]\nblock-ms = 100\n"));
  Subprocess process;
  ASSERT_TRUE(process.Start(
      {TriageBinary(), "worker", "--worker-config", dir + "/worker.toml", "--out", "out"},
      TriageProcessOptions()));
  ASSERT_TRUE(process.WaitForStderr("triage: worker from-file", seconds(60))) << process.err();
  AddRecords(redis.get(), "in", {R"({"id":"a","summary":"a 13 yo"})"});
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 1));
  process.Signal(SIGTERM);
  const ProcessResult result = process.WaitWithStdinOpen(seconds(60));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(StreamLength(redis.get(), "wrong"), 0);

  ASSERT_TRUE(test_support::WriteFile(dir + "/bad.toml", "stream = \"in\"\nnot_an_option = 1\n"));
  const ProcessResult bad = RunTriage({"worker", "--worker-config", dir + "/bad.toml"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("unknown key 'not_an_option'"), std::string::npos) << bad.err;
  const ProcessResult missing = RunTriage({"worker", "--stream", "in", "--group", "g"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--consumer is required"), std::string::npos) << missing.err;
}

TEST(WorkerTest, SigtermMidBatchWritesAndAcknowledgesWhatItReadThenExits) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = Records({"examples/reports.jsonl"}, 150);
  AddRecords(redis.get(), "in", lines);
  Worker worker;
  ASSERT_TRUE(worker.Start(server, "w1", {"--batch", "1000"})) << worker.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 1));
  worker.process().Signal(SIGTERM);
  const ProcessResult stopped = worker.process().WaitWithStdinOpen(seconds(60));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  // Whatever it read has its output and was acknowledged; the rest waits in the stream.
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  const int64_t written = StreamLength(redis.get(), "out");
  EXPECT_GE(written, 1);
  EXPECT_NE(
      stopped.err.find("consumed=" + std::to_string(written) + " acked=" + std::to_string(written)),
      std::string::npos)
      << stopped.err;
}

TEST(WorkerTest, TheAuditStoreRecordsEveryEntryAndReplays) {
  REQUIRE_REDIS();
  const std::string audit = test_support::MakeTempDir("triage-worker-audit-") + "/audit.db";
  std::vector<std::string> lines =
      Records({"examples/reports.jsonl", "examples/conversations.jsonl"}, 1);
  lines.push_back("{not json");
  AddRecords(redis.get(), "in", lines);
  Worker worker;
  ASSERT_TRUE(worker.Start(server, "w1", {"--audit", audit})) << worker.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(lines.size())));
  const ProcessResult stopped = worker.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  const ProcessResult verify = RunTriage({"audit", "verify", "--audit", audit});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("ok: " + std::to_string(lines.size()) + " entries"), std::string::npos)
      << verify.out;
  const ProcessResult replay = RunTriage({"replay", "--audit", audit});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
}

// ---- Shared conversation state (--conversations redis) ----

// The lines of `file` (examples/...), unchanged.
std::vector<std::string> ExampleLines(const std::string& file) { return Records({file}, 1); }

// Delivers the whole of stream "in" to group "triage" by hand, `chunk` entries at a time to each
// consumer of `consumers` in turn, and returns nothing: the entries wait in those consumers'
// pending lists, so that the workers started with those names read them first, split exactly so
// (no verdict depends on which worker happens to read what).
void DealEntries(RedisConnection* redis, const std::vector<std::string>& consumers, int chunk) {
  Call(redis, {"XGROUP", "CREATE", "in", "triage", "0"});
  for (size_t turn = 0;; ++turn) {
    const RedisReply reply =
        Call(redis, {"XREADGROUP", "GROUP", "triage", consumers[turn % consumers.size()], "COUNT",
                     std::to_string(chunk), "STREAMS", "in", ">"});
    if (reply.is_nil() || reply.elements.empty()) break;
  }
}

// The outputs by input id, every duplicate checked to be identical to the first.
std::map<std::string, std::string> OutputsById(RedisConnection* redis) {
  std::map<std::string, std::string> by_id;
  for (const Output& output : ReadStream(redis, "out")) {
    const auto [at, inserted] = by_id.emplace(output.id, output.line);
    EXPECT_TRUE(inserted || at->second == output.line) << "a duplicate differs: " << output.id;
  }
  return by_id;
}

TEST(WorkerTest, TwoWorkersSharingConversationStateGiveTheFiltersConversationDecisions) {
  REQUIRE_REDIS();
  // Five conversations interleaved with reports, three times over (the copies continue and
  // reopen the same conversations: an order the output depends on), plus the SMS examples.
  const std::vector<std::string> lines =
      Records({"examples/conversations.jsonl", "examples/sms.jsonl"}, 3);
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  // Every conversation's messages are split between the two workers, two entries at a time.
  DealEntries(redis.get(), {"w1", "w2"}, 2);
  Worker first;
  Worker second;
  const std::vector<std::string> shared = {"--conversations", "redis", "--batch", "5"};
  ASSERT_TRUE(first.Start(server, "w1", shared)) << first.process().err();
  ASSERT_TRUE(second.Start(server, "w2", shared)) << second.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size())));
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (Pending(redis.get(), "in", "triage") > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const ProcessResult stopped_first = first.Stop();
  const ProcessResult stopped_second = second.Stop();
  EXPECT_EQ(stopped_first.exit_code, 0) << stopped_first.err;
  EXPECT_EQ(stopped_second.exit_code, 0) << stopped_second.err;

  // Byte for byte the filter's line for each record: the conversation objects (id, index, state,
  // the conversation's urgency that never drops, replies) included; only the stream ids are the
  // worker's own.
  const std::vector<std::string> expected = FilterDecisions(lines);
  const std::map<std::string, std::string> by_id = OutputsById(redis.get());
  ASSERT_EQ(by_id.size(), ids.size());
  size_t conversation_lines = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(by_id.at(ids[i]), expected[i]) << "record " << i;
    if (expected[i].find("\"conversation\":{") != std::string::npos) ++conversation_lines;
  }
  EXPECT_GT(conversation_lines, 40U);
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  for (const ProcessResult* stopped : {&stopped_first, &stopped_second}) {
    EXPECT_NE(stopped->err.find("conversations in Redis"), std::string::npos) << stopped->err;
    EXPECT_NE(stopped->err.find("waits="), std::string::npos) << stopped->err;
    // The log names no record, no conversation and no sender.
    EXPECT_EQ(stopped->err.find("motel"), std::string::npos) << stopped->err;
    EXPECT_EQ(stopped->err.find("c-201"), std::string::npos) << stopped->err;
    EXPECT_EQ(stopped->err.find("h:4d1e9a07"), std::string::npos) << stopped->err;
  }
  // The state is in Redis under digests of the keys, never the keys themselves.
  const RedisReply keys = Call(redis.get(), {"KEYS", "in:conv:*"});
  EXPECT_GE(keys.elements.size(), 5U);
  for (const RedisReply& key : keys.elements) {
    EXPECT_EQ(key.str.find("c-20"), std::string::npos) << key.str;
    EXPECT_EQ(key.str.find("h:"), std::string::npos) << key.str;
  }
}

TEST(WorkerTest, AKilledWorkersConversationMessagesAreClaimedAndAppliedOnce) {
  REQUIRE_REDIS();
  // The conversations thirty times over: every copy continues (or reopens) the same five, so a
  // message applied twice, or out of order, changes the decisions of those after it.
  const std::vector<std::string> lines =
      Records({"examples/conversations.jsonl", "examples/sms.jsonl"}, 30);
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  // A consumer that read ten entries and died before applying any.
  Call(redis.get(), {"XGROUP", "CREATE", "in", "triage", "0"});
  Call(redis.get(),
       {"XREADGROUP", "GROUP", "triage", "ghost", "COUNT", "10", "STREAMS", "in", ">"});
  const std::vector<std::string> shared = {"--conversations", "redis", "--claim-idle", "0.2",
                                           "--claim-interval", "0.2"};
  // A worker killed while it works: wherever the kill lands (a message applied and not
  // acknowledged, an output written and not acknowledged), the verdict below holds.
  Worker doomed;
  std::vector<std::string> doomed_options = shared;
  doomed_options.insert(doomed_options.end(), {"--batch", "20"});
  ASSERT_TRUE(doomed.Start(server, "doomed", doomed_options)) << doomed.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", 1));
  doomed.process().Signal(SIGKILL);
  doomed.process().Wait(seconds(30));

  Worker first;
  Worker second;
  std::vector<std::string> options = shared;
  options.insert(options.end(), {"--batch", "7"});
  ASSERT_TRUE(first.Start(server, "w1", options)) << first.process().err();
  ASSERT_TRUE(second.Start(server, "w2", options)) << second.process().err();
  const auto deadline = std::chrono::steady_clock::now() + seconds(120);
  while (true) {
    std::set<std::string> done;
    for (const Output& output : ReadStream(redis.get(), "out")) done.insert(output.id);
    if ((done.size() == ids.size() && Pending(redis.get(), "in", "triage") == 0) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(first.Stop().exit_code, 0);
  EXPECT_EQ(second.Stop().exit_code, 0);
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  // Every record has the filter's line (duplicates, of outputs whose acknowledgement died with
  // the worker, identical).
  const std::vector<std::string> expected = FilterDecisions(lines);
  const std::map<std::string, std::string> by_id = OutputsById(redis.get());
  ASSERT_EQ(by_id.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(by_id.at(ids[i]), expected[i]) << "record " << i;
}

// The default pack, loaded as the worker loads it.
RuleSet DefaultRules() {
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> rules = LoadRuleSet(&sources, kConfig, LoadOptions(), &diagnostics);
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  return std::move(rules).value();
}

// Applies `line` as the message of stream id `id` through `scanner`; returns its decision line
// ("" when it could not be triaged).
std::string ApplyMessage(ConversationScanner* scanner, RedisConversationStore* store,
                         const std::string& id, const std::string& line) {
  store->BeginMessage(id);
  Decision decision;
  if (!scanner->ScanJson(line, &decision).ok()) return "";
  return FormatDecisionLine(line, decision, OutputMode::kDecision);
}

TEST(WorkerTest, AClaimedConversationMessageThatWasAppliedIsNotAppliedTwice) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = ExampleLines("examples/conversations.jsonl");
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  // A worker ("ghost") read the first three entries, applied the first to the shared state
  // (c-201's "help"), and died before writing its output or acknowledging anything.
  Call(redis.get(), {"XGROUP", "CREATE", "in", "triage", "0"});
  Call(redis.get(),
       {"XREADGROUP", "GROUP", "triage", "ghost", "COUNT", "3", "STREAMS", "in", ">"});
  const RuleSet rules = DefaultRules();
  worker::RedisConversationOptions options;
  options.prefix = "in:conv:";
  RedisConversationStore ghost_store(options);
  ghost_store.set_connection(redis.get());
  ConversationScanner ghost(rules, &ghost_store);
  const std::vector<std::string> expected = FilterDecisions(lines);
  ASSERT_EQ(ApplyMessage(&ghost, &ghost_store, ids[0], lines[0]), expected[0]);

  // A worker takes over: c-201's later messages wait for the ghost's entries, which it claims
  // once they are idle; the applied one is recomputed from the state before it, not applied again.
  Worker survivor;
  ASSERT_TRUE(survivor.Start(server, "survivor",
                             {"--conversations", "redis", "--batch", "4", "--claim-idle", "0.2",
                              "--claim-interval", "0.2"}))
      << survivor.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size())));
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (Pending(redis.get(), "in", "triage") > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const ProcessResult stopped = survivor.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  const std::map<std::string, std::string> by_id = OutputsById(redis.get());
  ASSERT_EQ(by_id.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(by_id.at(ids[i]), expected[i]) << i;
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  EXPECT_NE(stopped.err.find("repeats=1"), std::string::npos) << stopped.err;
  // c-201 holds five messages, not six.
  const std::string hash = RedisConversationStore::HashName("in:conv:", std::string("c\x1f") + "c-201");
  ThreadState state;
  ASSERT_TRUE(worker::DecodeThreadState(Call(redis.get(), {"HGET", hash, "state"}).str, &state).ok());
  EXPECT_EQ(state.messages, 5U);
}

TEST(WorkerTest, AConversationStateThatCannotBeReadDeadLettersItsMessagesOnly) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = ExampleLines("examples/conversations.jsonl");
  // c-201's hash holds something this version cannot read (another version wrote it, say).
  const std::string hash = RedisConversationStore::HashName("in:conv:", std::string("c\x1f") + "c-201");
  Call(redis.get(), {"HSET", hash, "id", "1-1", "state", "triage-thread-9\nnot ours", "prev", ""});
  // ... and c-203's key holds a string.
  const std::string other = RedisConversationStore::HashName("in:conv:", std::string("c\x1f") + "c-203");
  Call(redis.get(), {"SET", other, "a string"});
  const std::vector<std::string> ids = AddRecords(redis.get(), "in", lines);
  Worker worker;
  ASSERT_TRUE(worker.Start(server, "w1", {"--conversations", "redis"})) << worker.process().err();
  ASSERT_TRUE(WaitForLength(redis.get(), "out", static_cast<int64_t>(ids.size())));
  const ProcessResult stopped = worker.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  const std::vector<std::string> expected = FilterDecisions(lines);
  const std::map<std::string, std::string> by_id = OutputsById(redis.get());
  std::set<std::string> dead_ids;
  for (const Output& dead : ReadStream(redis.get(), "in:dead", "error")) {
    EXPECT_EQ(ErrorCodeOf(dead.line), "conversation_state");
    dead_ids.insert(dead.id);
  }
  size_t failed = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const bool broken = lines[i].find("\"c-201\"") != std::string::npos ||
                        lines[i].find("\"c-203\"") != std::string::npos;
    if (broken) {
      ++failed;
      EXPECT_EQ(ErrorCodeOf(by_id.at(ids[i])), "conversation_state") << i;
      EXPECT_EQ(dead_ids.count(ids[i]), 1U) << i;
    } else {
      // The other conversations and the reports are the filter's, untouched.
      EXPECT_EQ(by_id.at(ids[i]), expected[i]) << i;
    }
  }
  EXPECT_EQ(failed, 9U);
  EXPECT_EQ(dead_ids.size(), failed);
  EXPECT_EQ(Pending(redis.get(), "in", "triage"), 0);
  // Left as they were, for a person to look at; the log names the hash, not the conversation.
  EXPECT_EQ(Call(redis.get(), {"HGET", hash, "state"}).str, "triage-thread-9\nnot ours");
  EXPECT_EQ(Call(redis.get(), {"GET", other}).str, "a string");
  EXPECT_NE(stopped.err.find(hash), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find("WRONGTYPE"), std::string::npos) << stopped.err;
  EXPECT_EQ(stopped.err.find("c-201"), std::string::npos) << stopped.err;
  EXPECT_EQ(stopped.err.find("motel"), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find("dead_lettered=9"), std::string::npos) << stopped.err;
}

TEST(RedisConversationStoreTest, AppliesInStreamOrderOnceAndRecomputesARedelivery) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = ExampleLines("examples/conversations.jsonl");
  const std::vector<std::string> expected = FilterDecisions(lines);
  const RuleSet rules = DefaultRules();
  RedisConversationStore store(worker::RedisConversationOptions{});
  store.set_connection(redis.get());
  ConversationScanner scanner(rules, &store);
  // c-201: "help" (line 0), "im at a motel" (2), "he has my phone, hes coming back" (6).
  EXPECT_EQ(ApplyMessage(&scanner, &store, "5-0", lines[0]), expected[0]);
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kApplied);
  EXPECT_EQ(ApplyMessage(&scanner, &store, "5-2", lines[2]), expected[2]);
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kApplied);
  // Delivered again: the same decision, from the state before it; nothing written.
  EXPECT_EQ(ApplyMessage(&scanner, &store, "5-2", lines[2]), expected[2]);
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kRecomputed);
  EXPECT_EQ(ApplyMessage(&scanner, &store, "5-6", lines[6]), expected[6]);
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kApplied);
  // An earlier message after a later one was applied: a stale duplicate, not run.
  EXPECT_EQ(ApplyMessage(&scanner, &store, "5-2", lines[2]), "");
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kStale);
  // A record of no conversation does not touch the store.
  EXPECT_NE(ApplyMessage(&scanner, &store, "5-4", lines[4]), "");
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kNone);

  const std::string hash = RedisConversationStore::HashName("triage:conv:", std::string("c\x1f") + "c-201");
  EXPECT_EQ(Call(redis.get(), {"HGET", hash, "id"}).str, "5-6");
  EXPECT_EQ(Call(redis.get(), {"TTL", hash}).integer, -1);  // no expiry unless asked
  ThreadState state;
  ASSERT_TRUE(worker::DecodeThreadState(Call(redis.get(), {"HGET", hash, "state"}).str, &state).ok());
  EXPECT_EQ(state.messages, 3U);
  EXPECT_EQ(state.texts.size(), 2U);  // "help" is a keyword: not text

  // With a ttl, every message renews the expiry.
  worker::RedisConversationOptions expiring;
  expiring.ttl = std::chrono::hours(1);
  RedisConversationStore expiring_store(expiring);
  expiring_store.set_connection(redis.get());
  ConversationScanner expiring_scanner(rules, &expiring_store);
  EXPECT_EQ(ApplyMessage(&expiring_scanner, &expiring_store, "6-0", lines[3]), expected[3]);
  const std::string c203 = RedisConversationStore::HashName("triage:conv:", std::string("c\x1f") + "c-203");
  EXPECT_GT(Call(redis.get(), {"TTL", c203}).integer, 3500);
}

TEST(RedisConversationStoreTest, FailuresLeaveTheStateAloneAndNameNoKey) {
  REQUIRE_REDIS();
  const std::vector<std::string> lines = ExampleLines("examples/conversations.jsonl");
  const RuleSet rules = DefaultRules();
  RedisConversationStore store(worker::RedisConversationOptions{});
  ConversationScanner scanner(rules, &store);
  // No connection.
  EXPECT_EQ(ApplyMessage(&scanner, &store, "1-0", lines[0]), "");
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kFailed);
  EXPECT_EQ(store.failure().code(), Status::Code::kIoError);

  store.set_connection(redis.get());
  const std::string hash = RedisConversationStore::HashName("triage:conv:", std::string("c\x1f") + "c-201");
  for (const std::string& bad : {std::string("garbage"), std::string("triage-thread-1\n3:abc"),
                                 std::string("triage-thread-1\n99999:x")}) {
    Call(redis.get(), {"HSET", hash, "id", "1-0", "state", bad, "prev", ""});
    EXPECT_EQ(ApplyMessage(&scanner, &store, "1-1", lines[0]), "") << bad;
    EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kFailed);
    EXPECT_NE(store.failure().message().find("cannot be read"), std::string::npos)
        << store.failure().ToString();
    EXPECT_NE(store.failure().message().find(hash), std::string::npos);
    EXPECT_EQ(store.failure().message().find("c-201"), std::string::npos);
    EXPECT_EQ(Call(redis.get(), {"HGET", hash, "state"}).str, bad);
    EXPECT_EQ(Call(redis.get(), {"HGET", hash, "id"}).str, "1-0");
  }
  // An id that is no stream id.
  Call(redis.get(), {"HSET", hash, "id", "yesterday"});
  EXPECT_EQ(ApplyMessage(&scanner, &store, "1-1", lines[0]), "");
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kFailed);

  // The key of a (from, to) conversation, a phone number, is never in the hash's name.
  const std::string sender =
      R"({"id":"p-1","kind":"sms","from":"+15555550123","to":"233733","received_at":"2026-11-02T23:10:00Z","body":"help"})";
  EXPECT_NE(ApplyMessage(&scanner, &store, "2-0", sender), "");
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kApplied);
  for (const RedisReply& key : Call(redis.get(), {"KEYS", "*"}).elements) {
    EXPECT_EQ(key.str.find("5555"), std::string::npos) << key.str;
  }

  // Redis gone: a failure of the connection, which the worker answers by reconnecting.
  server.Stop();
  EXPECT_EQ(ApplyMessage(&scanner, &store, "2-1", sender), "");
  EXPECT_EQ(store.outcome(), RedisConversationStore::Outcome::kFailed);
  EXPECT_EQ(store.failure().code(), Status::Code::kIoError);
  EXPECT_TRUE(redis->broken());
}

TEST(RedisConversationStoreTest, TheStateRoundTripsAndATruncatedOneIsRefused) {
  ThreadState state;
  state.id = "c-201@2026-11-02T23:10:00Z";
  state.serial = 2;
  state.messages = 3;
  state.opened_at = 1796252600000000;
  state.last_at = -5;
  state.ended = true;
  state.opted_out = true;
  state.decision.id = "m-06";
  state.decision.urgency = 85;
  state.decision.band = "P1";
  state.decision.categories = {{"enticement", 40}, {"hotline_contact", 0}};
  RuleHit hit;
  hit.rule = "meeting_a_minor";
  hit.urgency = 35;
  hit.floor = 90;
  hit.categories = {{"enticement", 40}};
  state.decision.rules = {hit, RuleHit{"other", 0, std::nullopt, {}}};
  state.decision.tags = {"minor", ""};
  state.decision.routes = {"duty-officer"};
  ConversationInfo info;
  info.id = "c-201@x";
  info.index = 3;
  info.state = ConversationState::kOptedOut;
  info.at = 7;
  info.keyword = CarrierKeyword::kStart;
  info.context_lost = true;
  info.message_urgency = 5;
  info.message_band = "P4";
  info.message_categories = {{"hotline_contact", 50}};
  info.message_rules = {"sms_keyword_only"};
  state.decision.conversation = info;
  state.decision.reply = "a reply\nwith: colons 3:x";
  state.decision.ruleset = "sha256:abc";
  state.decision.engine = "0.1.0";
  state.texts = {"help", std::string("bytes \0\x1f and 12:34", 18), ""};

  const std::string blob = worker::EncodeThreadState(state);
  ThreadState back;
  ASSERT_TRUE(worker::DecodeThreadState(blob, &back).ok());
  EXPECT_EQ(worker::EncodeThreadState(back), blob);
  EXPECT_EQ(back.texts, state.texts);
  EXPECT_EQ(DecisionToJson(back.decision), DecisionToJson(state.decision));
  EXPECT_EQ(back.last_at, state.last_at);
  EXPECT_TRUE(back.opted_out);
  // Every truncation, and anything appended, is refused (and leaves the output alone).
  for (size_t size = 0; size < blob.size(); ++size) {
    ThreadState untouched;
    untouched.id = "kept";
    EXPECT_FALSE(worker::DecodeThreadState(blob.substr(0, size), &untouched).ok()) << size;
    EXPECT_EQ(untouched.id, "kept");
  }
  EXPECT_FALSE(worker::DecodeThreadState(blob + "0:", &back).ok());
  EXPECT_TRUE(worker::DecodeThreadState(worker::EncodeThreadState(ThreadState()), &back).ok());
  EXPECT_EQ(back.id, "");

  EXPECT_EQ(worker::CompareStreamIds("1-2", "1-10"), -1);
  EXPECT_EQ(worker::CompareStreamIds("10-0", "9-99"), 1);
  EXPECT_EQ(worker::CompareStreamIds("3-3", "3-3"), 0);
  EXPECT_FALSE(worker::ParseStreamId("3").has_value());
  EXPECT_FALSE(worker::ParseStreamId("-3").has_value());
  EXPECT_FALSE(worker::ParseStreamId("3-x").has_value());
}

}  // namespace
}  // namespace triage
