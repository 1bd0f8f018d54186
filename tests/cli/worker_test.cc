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

#include "redis_connection.h"
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

}  // namespace
}  // namespace triage
