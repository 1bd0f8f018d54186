// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage serve`: the real executable on an ephemeral loopback port (it picks
// a free port and announces it on stderr), driven over HTTP. Nothing here waits for a time to
// pass: a test waits for something the server says (a stderr line, a metric) or does (an answer),
// with a generous deadline that only a hang reaches.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/hmac.h"
#include "http_client.h"
#include "support/cli_harness.h"
#include "support/run_process.h"
#include "util/base64.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace triage {
namespace {

using serve::HttpClient;
using serve::HttpHeaders;
using serve::HttpResponse;
using std::chrono::seconds;
using test_support::ErrorCodeOf;
using test_support::kBasicRules;
using test_support::ProcessResult;
using test_support::RulesetOf;
using test_support::SplitLines;
using test_support::Subprocess;
using test_support::TempRulePack;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;

constexpr char kRecord[] = R"({"id":"r-1","summary":"A 13 yo wants to meet up tonight"})";
const HttpHeaders kJson = {{"Content-Type", "application/json"}};
const HttpHeaders kJsonLines = {{"Content-Type", "application/x-ndjson"}};

// Conversations for the default-free test pack: SMS messages with a conversation id.
std::string Sms(const std::string& id, const std::string& conversation, const std::string& body,
                const std::string& at) {
  return R"({"id":")" + id + R"(","kind":"sms","conversation":")" + conversation +
         R"(","from":"+15555550123","to":"233733","received_at":")" + at + R"(","body":")" + body +
         "\"}";
}

// A `triage serve` process on 127.0.0.1 and a free port.
class Server {
 public:
  // Starts the server with `extra` arguments and `env` ("NAME=value"); waits until it listens.
  void Start(const std::string& config, const std::vector<std::string>& extra = {},
             const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {TriageBinary(), "serve", "--listen", "127.0.0.1:0",
                                     "--config",     config,  "--jobs",   "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    test_support::ProcessOptions options = TriageProcessOptions();
    options.set_env.insert(options.set_env.end(), env.begin(), env.end());
    ASSERT_TRUE(process_.Start(argv, options));
    constexpr char kListening[] = "listening on http://127.0.0.1:";
    ASSERT_TRUE(process_.WaitForStderr(kListening, seconds(60))) << process_.err();
    const size_t at = process_.err().find(kListening) + sizeof(kListening) - 1;
    port_ = static_cast<uint16_t>(std::stoi(process_.err().substr(at)));
    ASSERT_NE(port_, 0);
  }

  uint16_t port() const { return port_; }
  Subprocess& process() { return process_; }
  HttpResponse Get(const std::string& target, const HttpHeaders& headers = {}) {
    HttpClient client("127.0.0.1", port_);
    HttpResponse response;
    EXPECT_TRUE(client.Get(target, &response, headers)) << target << ": " << client.error();
    return response;
  }
  HttpResponse Post(const std::string& target, const std::string& body,
                    const HttpHeaders& headers = kJson) {
    HttpClient client("127.0.0.1", port_);
    HttpResponse response;
    EXPECT_TRUE(client.Request("POST", target, body, headers, &response))
        << target << ": " << client.error();
    return response;
  }
  // The value of the metric line that starts with `series` (e.g. `triage_ready`), or -1.
  double Metric(const std::string& series) {
    const std::string text = Get("/metrics").body;
    for (const std::string& line : SplitLines(text)) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }
  // Polls /metrics until `series` has `value` (60 s at most: only a hang reaches it).
  bool WaitForMetric(const std::string& series, double value) {
    const auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (Metric(series) != value) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }
  // SIGTERM, then waits for the exit.
  ProcessResult Stop() {
    EXPECT_TRUE(process_.Signal(SIGTERM));
    return process_.WaitWithStdinOpen(seconds(60));
  }

 private:
  Subprocess process_;
  uint16_t port_ = 0;
};

TEST(ServeTest, EveryEndpointAnswers) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config());

  EXPECT_EQ(server.Get("/healthz").body, R"({"status":"ok"})");
  const HttpResponse ready = server.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find(R"("ready":true,"ruleset":"sha256:)"), std::string::npos);

  const HttpResponse one = server.Post("/v1/triage", kRecord);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.Header("content-type"), "application/json");
  EXPECT_EQ(one.Header("cache-control"), "no-store");
  // The same bytes as `triage filter --output decision`.
  const ProcessResult filter = test_support::RunTriage(
      {"filter", "--output", "decision", "--config", pack.config()}, std::string(kRecord) + "\n");
  EXPECT_EQ(one.body + "\n", filter.out);

  const HttpResponse batch =
      server.Post("/v1/triage", std::string(kRecord) + "\n" + kRecord + "\n" + kRecord, kJsonLines);
  EXPECT_EQ(batch.status, 200);
  EXPECT_EQ(batch.body, filter.out + filter.out + filter.out);

  const HttpResponse explain = server.Post("/v1/explain", kRecord);
  EXPECT_EQ(explain.status, 200);
  EXPECT_NE(explain.body.find(R"("counterfactual":)"), std::string::npos) << explain.body;

  const HttpResponse page = server.Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<title>triage"), std::string::npos);
  EXPECT_NE(page.Header("content-security-policy").find("default-src 'none'"), std::string::npos);

  const HttpResponse reload = server.Post("/admin/reload", "");
  EXPECT_EQ(reload.status, 200);
  EXPECT_EQ(reload.body, R"({"reloaded":true,"ruleset":")" + RulesetOf(one.body) + "\"}");

  // The Twilio webhook needs its token, the sender secret and the public URL (ServeTwilioTest).
  const HttpResponse twilio = server.Post("/v1/twilio/sms", "a=1");
  EXPECT_EQ(twilio.status, 501);
  EXPECT_NE(twilio.body.find(R"("code":"not_configured")"), std::string::npos);
  const HttpResponse report =
      server.Post("/v1/cybertipline", "<report/>", {{"Content-Type", "application/xml"}});
  EXPECT_EQ(report.status, 400);
  EXPECT_EQ(ErrorCodeOf(report.body), "missing_field");
  EXPECT_EQ(server.Get("/nothing").status, 404);
  EXPECT_EQ(server.Get("/v1/triage").status, 405);

  const HttpResponse metrics = server.Get("/metrics");
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const std::string& line :
       {std::string("triage_decisions_total{band=\"P1\"} 4\n"),
        std::string("triage_decision_categories_total{category=\"enticement\"} 4\n"),
        std::string("triage_ruleset_info{ruleset=\"") + RulesetOf(one.body) + "\"",
        std::string("triage_requests_total{endpoint=\"triage\",status=\"200\"} 2\n"),
        std::string("triage_request_duration_seconds_count{endpoint=\"triage\"} 3\n"),
        std::string("triage_reloads_total{result=\"ok\"} 1\n"), std::string("triage_ready 1\n")}) {
    EXPECT_NE(metrics.body.find(line), std::string::npos) << line << "\n" << metrics.body;
  }

  const ProcessResult stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.err.find("triage: stopped"), std::string::npos) << stopped.err;
}

TEST(ServeTest, MalformedRequestsGetJsonErrorsAndNoRecordText) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config());

  const HttpResponse bad_json = server.Post("/v1/triage", R"({"summary":"secret words)");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(ErrorCodeOf(bad_json.body), "invalid_json");
  EXPECT_EQ(bad_json.body.find("secret words"), std::string::npos);

  const HttpResponse lines =
      server.Post("/v1/triage", std::string(kRecord) + "\n[1,2]\n\n{\"summary\":7}\n", kJsonLines);
  EXPECT_EQ(lines.status, 200);
  const std::vector<std::string> out = SplitLines(lines.body);
  ASSERT_EQ(out.size(), 3U) << lines.body;
  EXPECT_EQ(ErrorCodeOf(out[0]), "");
  EXPECT_EQ(ErrorCodeOf(out[1]), "not_an_object");
  EXPECT_EQ(test_support::ErrorLineNumberOf(out[1]), 2);
  EXPECT_EQ(ErrorCodeOf(out[2]), "wrong_type");
  EXPECT_EQ(test_support::ErrorLineNumberOf(out[2]), 4);

  EXPECT_EQ(server.Post("/v1/triage", kRecord, {{"Content-Type", "text/csv"}}).status, 415);

  // Not HTTP at all: 400 and the connection closes.
  HttpClient raw("127.0.0.1", server.port());
  HttpResponse response;
  ASSERT_TRUE(raw.SendRaw("HELLO THERE\r\n\r\n"));
  ASSERT_TRUE(raw.ReadResponse(&response)) << raw.error();
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find(R"("code":"bad_request")"), std::string::npos);
  EXPECT_FALSE(raw.connected());

  // Phone numbers (an SMS's `from`, a conversation written like one) stay out of the log.
  EXPECT_EQ(server.Post("/v1/triage", Sms("m-1", "+1 555 555 0199", "HELP", "2026-11-02T10:00:00Z"))
                .status,
            200);
  EXPECT_EQ(server.Post("/v1/triage", R"({"id":"m-2","kind":"sms","from":"+15555550123","body":5})")
                .status,
            400);

  const ProcessResult stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0);
  for (const char* secret : {"secret words", "5555550123", "555 555 0199", "meet up"}) {
    EXPECT_EQ(stopped.err.find(secret), std::string::npos) << secret << " in\n" << stopped.err;
  }
}

TEST(ServeTest, OversizeBodiesAre413) {
  TempRulePack pack;  // limits.max_record_bytes: 2048
  Server server;
  server.Start(pack.config(), {"--max-body-bytes", "4096"});

  // Content-Length over the limit: refused at the header, before any byte of the body.
  HttpClient early("127.0.0.1", server.port());
  HttpResponse response;
  ASSERT_TRUE(
      early.SendRaw("POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    "application/json\r\nContent-Length: 100000\r\n\r\n"));
  ASSERT_TRUE(early.ReadResponse(&response)) << early.error();
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find(R"("code":"too_large")"), std::string::npos) << response.body;
  EXPECT_EQ(response.Header("connection"), "close");

  // With Expect: 100-continue the refusal comes instead of the 100.
  HttpClient expect("127.0.0.1", server.port());
  ASSERT_TRUE(
      expect.SendRaw("POST /v1/triage HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     "Content-Length: 5000\r\n\r\n"));
  ASSERT_TRUE(expect.ReadResponse(&response)) << expect.error();
  EXPECT_EQ(response.status, 413);

  // A chunked body is refused as soon as it passes the limit.
  HttpClient chunked("127.0.0.1", server.port());
  const std::string chunk(3000, 'a');
  ASSERT_TRUE(
      chunked.SendRaw("POST /v1/triage HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                      "chunked\r\n\r\nbb8\r\n" +
                      chunk + "\r\nbb8\r\n" + chunk + "\r\n"));
  ASSERT_TRUE(chunked.ReadResponse(&response)) << chunked.error();
  EXPECT_EQ(response.status, 413);

  // Under the body limit, over limits.max_record_bytes: the record's too_large error.
  const std::string big = R"({"id":"r-big","summary":")" + std::string(3000, 'b') + "\"}";
  const HttpResponse record = server.Post("/v1/triage", big);
  EXPECT_EQ(record.status, 413);
  EXPECT_EQ(ErrorCodeOf(record.body), "too_large");
  EXPECT_EQ(record.body.find("bbbb"), std::string::npos);

  // Headers over 16 KiB: 431.
  HttpClient header("127.0.0.1", server.port());
  ASSERT_TRUE(header.SendRaw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n"));
  ASSERT_TRUE(header.ReadResponse(&response)) << header.error();
  EXPECT_EQ(response.status, 431);

  EXPECT_EQ(server.Get("/healthz").status, 200);
  EXPECT_NE(server.Get("/metrics").body.find("triage_errors_total{code=\"too_large\"} 4\n"),
            std::string::npos);
  EXPECT_EQ(server.Stop().exit_code, 0);
}

TEST(ServeTest, ARequestThatDoesNotArriveInTimeIsDropped) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config(), {"--read-timeout", "0.2"});
  // Half a request, then nothing: the server closes the connection (the client waits for that,
  // up to its own 60 s; what is asserted is the close, not a time).
  HttpClient slow("127.0.0.1", server.port());
  ASSERT_TRUE(slow.SendRaw("POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"));
  HttpResponse response;
  EXPECT_FALSE(slow.ReadResponse(&response));
  EXPECT_EQ(slow.error(), "connection closed");
  EXPECT_EQ(server.Get("/healthz").status, 200);
  EXPECT_EQ(server.Stop().exit_code, 0);
}

TEST(ServeTest, AnIdleKeepAliveConnectionIsClosed) {
  TempRulePack pack;
  Server server;
  // The read timeout is the shorter: the session's timer fires first at 0.1 s, finds the idle
  // deadline not reached, and fires again at it.
  server.Start(pack.config(), {"--idle-timeout", "0.3", "--read-timeout", "0.1"});
  HttpClient client("127.0.0.1", server.port());
  HttpResponse response;
  ASSERT_TRUE(client.Request("POST", "/v1/triage", kRecord, kJson, &response)) << client.error();
  EXPECT_EQ(response.status, 200);
  // Then nothing: the server closes the connection (what is asserted is the close).
  EXPECT_FALSE(client.ReadResponse(&response));
  EXPECT_EQ(client.error(), "connection closed");
  EXPECT_EQ(server.Get("/healthz").status, 200);
  EXPECT_EQ(server.Stop().exit_code, 0);
}

// Sends `request` on a fresh connection and returns every byte the server sends until it closes.
std::string RawExchange(uint16_t port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string received;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char chunk[4096];
    for (ssize_t got; (got = recv(fd, chunk, sizeof chunk, 0)) > 0;) {
      received.append(chunk, static_cast<size_t>(got));
    }
  }
  close(fd);
  return received;
}

TEST(ServeTest, AnAnswerIsExactlyTheseBytes) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config());
  const ProcessResult filter = test_support::RunTriage(
      {"filter", "--output", "decision", "--config", pack.config()}, std::string(kRecord) + "\n");
  const std::string decision = filter.out.substr(0, filter.out.size() - 1);
  const std::string request =
      "POST /v1/triage HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(sizeof kRecord - 1) + "\r\n\r\n" + kRecord;
  EXPECT_EQ(RawExchange(server.port(), request),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
            "X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: " +
                std::to_string(decision.size()) + "\r\n\r\n" + decision);
  // HTTP/1.0 closes unless asked to keep the connection.
  EXPECT_EQ(RawExchange(server.port(), "GET /healthz HTTP/1.0\r\n\r\n"),
            "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
            "X-Content-Type-Options: nosniff\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}");
  EXPECT_EQ(server.Stop().exit_code, 0);
}

TEST(ServeTest, ConcurrentKeepAliveConnectionsEachGetTheirOwnAnswersInOrder) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config());
  // Eight connections, each with a conversation of its own and reports between its messages;
  // one more sends its requests pipelined (all in one write), health checks among them.
  constexpr int kConnections = 9;
  constexpr int kRequests = 40;
  const char* const texts[] = {"HELP", "im at a motel room 12", "he has my phone",
                               "she is 13 and he will meet up with her tonight"};
  std::vector<std::vector<std::string>> records(kConnections);
  std::string all;
  for (int c = 0; c < kConnections; ++c) {
    for (int i = 0; i < kRequests; ++i) {
      const std::string id = "m-" + std::to_string(c) + "-" + std::to_string(i);
      std::string record = i % 3 == 2
                               ? R"({"id":")" + id + R"(","summary":")" + texts[(c + i) % 4] + "\"}"
                               : Sms(id, "c-" + std::to_string(c), texts[(c + i) % 4],
                                     "2026-11-02T10:" + std::to_string(10 + i) + ":00Z");
      all += record + "\n";
      records[c].push_back(std::move(record));
    }
  }
  // The conversations are independent, so the filter over all of them, connection after
  // connection, decides each record as the server must.
  const ProcessResult filter =
      test_support::RunTriage({"filter", "--output", "decision", "--config", pack.config()}, all);
  ASSERT_EQ(filter.exit_code, 0) << filter.err;
  const std::vector<std::string> expected = SplitLines(filter.out);
  ASSERT_EQ(expected.size(), static_cast<size_t>(kConnections * kRequests));

  std::vector<std::vector<std::string>> answers(kConnections);
  std::vector<std::string> failures(kConnections);
  std::vector<std::thread> clients;
  for (int c = 0; c + 1 < kConnections; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client("127.0.0.1", server.port());
      for (const std::string& record : records[c]) {
        HttpResponse response;
        if (!client.Request("POST", "/v1/triage", record, kJson, &response)) {
          failures[c] = client.error();
          return;
        }
        answers[c].push_back(response.body);
      }
    });
  }
  clients.emplace_back([&] {
    const int c = kConnections - 1;
    std::string pipeline;
    for (size_t i = 0; i < records[c].size(); ++i) {
      pipeline +=
          "POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          "Content-Length: " +
          std::to_string(records[c][i].size()) + "\r\n\r\n" + records[c][i];
      if (i % 4 == 0) pipeline += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    HttpClient client("127.0.0.1", server.port());
    if (!client.SendRaw(pipeline)) {
      failures[c] = client.error();
      return;
    }
    for (size_t i = 0; i < records[c].size(); ++i) {
      HttpResponse response;
      if (!client.ReadResponse(&response)) {
        failures[c] = client.error();
        return;
      }
      answers[c].push_back(response.body);
      if (i % 4 == 0) {
        if (!client.ReadResponse(&response)) {
          failures[c] = client.error();
          return;
        }
        if (response.body != R"({"status":"ok"})") failures[c] = "not a health answer";
      }
    }
  });
  for (std::thread& client : clients) client.join();
  for (int c = 0; c < kConnections; ++c) {
    EXPECT_EQ(failures[c], "") << "connection " << c;
    ASSERT_EQ(answers[c].size(), static_cast<size_t>(kRequests)) << "connection " << c;
    for (int i = 0; i < kRequests; ++i) {
      EXPECT_EQ(answers[c][i], expected[c * kRequests + i]) << "connection " << c << ", " << i;
    }
  }
  EXPECT_EQ(server.Stop().exit_code, 0);
}

TEST(ServeTest, ABearerTokenFromTheEnvironmentOrAFileGuardsV1AndAdmin) {
  TempRulePack pack;
  for (const bool from_file : {false, true}) {
    SCOPED_TRACE(from_file ? "token file" : "environment");
    Server server;
    if (from_file) {
      const std::string file = pack.AddFile("token", "file-token-123\n");
      chmod(file.c_str(), 0600);
      server.Start(pack.config(), {"--token-file", file});
    } else {
      server.Start(pack.config(), {}, {"TRIAGE_SERVE_TOKEN=file-token-123"});
    }
    EXPECT_NE(server.process().err().find("bearer token required"), std::string::npos);
    const HttpResponse missing = server.Post("/v1/triage", kRecord);
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(missing.Header("www-authenticate"), "Bearer");
    EXPECT_NE(missing.body.find(R"("code":"unauthorized")"), std::string::npos);
    EXPECT_EQ(server
                  .Post("/v1/triage", kRecord,
                        {{"Content-Type", "application/json"},
                         {"Authorization", "Bearer file-token-124"}})
                  .status,
              401);
    EXPECT_EQ(server.Post("/admin/reload", "", {{"Authorization", "Bearer nope"}}).status, 401);
    EXPECT_EQ(server
                  .Post("/v1/triage", kRecord,
                        {{"Content-Type", "application/json"},
                         {"Authorization", "Bearer file-token-123"}})
                  .status,
              200);
    EXPECT_EQ(server.Get("/healthz").status, 200);
    EXPECT_EQ(server.Get("/metrics").status, 200);
    const ProcessResult stopped = server.Stop();
    EXPECT_EQ(stopped.exit_code, 0);
    EXPECT_EQ(stopped.err.find("file-token"), std::string::npos) << stopped.err;
  }
  // Never on the command line.
  EXPECT_EQ(test_support::RunTriage({"serve", "--token", "x", "--config", pack.config()}).exit_code,
            2);
}

TEST(ServeTest, ReloadsUnderLoadFailNoRequest) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config());
  const std::string first = RulesetOf(server.Post("/v1/triage", kRecord).body);

  // Clients triage until the reloads are over (and at least 50 requests each).
  std::atomic<bool> reloads_done{false};
  std::atomic<int> failures{0};
  std::vector<std::set<std::string>> seen(4);
  std::vector<int> counts(4, 0);
  std::vector<std::thread> clients;
  for (size_t c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client("127.0.0.1", server.port());
      while ((!reloads_done.load() || counts[c] < 50) && counts[c] < 20000) {
        HttpResponse response;
        const bool batch = counts[c] % 5 == 0;
        const std::string body =
            batch ? std::string(kRecord) + "\n" + kRecord + "\n" : std::string(kRecord);
        if (!client.Request("POST", "/v1/triage", body, batch ? kJsonLines : kJson, &response) ||
            response.status != 200 || ErrorCodeOf(response.body) != "") {
          ++failures;
        } else {
          for (const std::string& line : SplitLines(response.body)) seen[c].insert(RulesetOf(line));
        }
        ++counts[c];
      }
    });
  }
  std::set<std::string> digests = {first};
  for (int i = 0; i < 4; ++i) {
    pack.SetRules(std::string(kBasicRules) + "\nrule extra" + std::to_string(i) +
                  " { when text ~ /meet/ urgency +1 }\n");
    if (i % 2 == 0) {
      const HttpResponse reloaded = server.Post("/admin/reload", "");
      EXPECT_EQ(reloaded.status, 200) << reloaded.body;
    } else {
      ASSERT_TRUE(server.process().Signal(SIGHUP));
      ASSERT_TRUE(server.WaitForMetric("triage_reloads_total{result=\"ok\"}", i + 1));
    }
    digests.insert(RulesetOf(server.Post("/v1/triage", kRecord).body));
  }
  reloads_done = true;
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(digests.size(), 5U);
  for (const std::set<std::string>& client_seen : seen) {
    for (const std::string& digest : client_seen) EXPECT_EQ(digests.count(digest), 1U) << digest;
  }
  EXPECT_EQ(server.Metric("triage_reloads_total{result=\"ok\"}"), 4);
  EXPECT_EQ(server.Stop().exit_code, 0);
}

TEST(ServeTest, AFailedReloadKeepsTheOldRuleset) {
  TempRulePack pack;
  Server server;
  server.Start(pack.config());
  const std::string first = RulesetOf(server.Post("/v1/triage", kRecord).body);
  ASSERT_FALSE(first.empty());

  pack.SetRules("rule broken {\n  when text ~ no_such_pattern\n  urgency +5\n}\n");
  const HttpResponse failed = server.Post("/admin/reload", "");
  EXPECT_EQ(failed.status, 422);
  EXPECT_NE(failed.body.find(R"("code":"reload_failed")"), std::string::npos);
  EXPECT_NE(failed.body.find("keeping ruleset " + first), std::string::npos) << failed.body;
  ASSERT_TRUE(server.process().Signal(SIGHUP));
  ASSERT_TRUE(server.process().WaitForStderr("reload failed (SIGHUP); keeping ruleset " + first,
                                             seconds(60)))
      << server.process().err();
  // The diagnostics went to stderr, in the usual form.
  EXPECT_NE(server.process().err().find("test.rules:2:15: error: "), std::string::npos);

  const HttpResponse ready = server.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find(first), std::string::npos);
  const std::string metrics = server.Get("/metrics").body;
  EXPECT_NE(metrics.find("triage_ruleset_info{ruleset=\"" + first + "\""), std::string::npos);
  EXPECT_NE(metrics.find("triage_reloads_total{result=\"failed\"} 2\n"), std::string::npos);
  EXPECT_EQ(RulesetOf(server.Post("/v1/triage", kRecord).body), first);
  EXPECT_EQ(server.Stop().exit_code, 0);
}

// Holds SQLite's write lock on a store, as another writer would: the server's commits wait.
class StoreLock {
 public:
  explicit StoreLock(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~StoreLock() { Release(); }
  void Release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(ServeTest, SigtermAnswersEveryRequestInFlightAndTheStoreVerifies) {
  TempRulePack pack;
  const std::string audit = pack.dir() + "/audit.db";
  Server server;
  server.Start(pack.config(), {"--audit", audit});
  ASSERT_EQ(server.Post("/v1/triage", kRecord).status, 200);  // one entry before

  // Every commit waits on the lock, so the requests stay in flight until it is released.
  StoreLock lock(audit);
  constexpr int kClients = 6;
  constexpr int kBatch = 40;
  std::vector<HttpResponse> responses(kClients);
  std::vector<bool> answered(kClients, false);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client("127.0.0.1", server.port());
      std::string body;
      for (int i = 0; i < kBatch; ++i) {
        const std::string conversation = "c-" + std::to_string(c);
        body += i % 2 == 0 ? Sms("m-" + std::to_string(c) + "-" + std::to_string(i), conversation,
                                 i == 0 ? "HELP" : "im at a motel room 12",
                                 "2026-11-02T10:" + std::to_string(10 + i) + ":00Z")
                           : std::string(kRecord);
        body += "\n";
      }
      answered[c] = client.Request("POST", "/v1/triage", body, kJsonLines, &responses[c]);
    });
  }
  // Wait until the server holds all of them (a metric, polled: no sleep decides anything).
  ASSERT_TRUE(server.WaitForMetric("triage_requests_in_flight", kClients));

  ASSERT_TRUE(server.process().Signal(SIGTERM));
  ASSERT_TRUE(server.process().WaitForStderr("stopped accepting; finishing 6 requests in flight",
                                             seconds(60)))
      << server.process().err();
  // No new connection is accepted once it said so.
  HttpClient late("127.0.0.1", server.port());
  HttpResponse refused;
  EXPECT_FALSE(late.Get("/healthz", &refused));

  lock.Release();
  for (std::thread& client : clients) client.join();
  for (int c = 0; c < kClients; ++c) {
    ASSERT_TRUE(answered[c]) << "request " << c << " was lost";
    EXPECT_EQ(responses[c].status, 200);
    EXPECT_EQ(responses[c].Header("connection"), "close");
    EXPECT_EQ(SplitLines(responses[c].body).size(), static_cast<size_t>(kBatch));
  }
  const ProcessResult stopped = server.process().WaitWithStdinOpen(seconds(60));
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;

  const ProcessResult verify = test_support::RunTriage({"audit", "verify", "--audit", audit});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("ok: " + std::to_string(1 + kClients * kBatch) + " entries"),
            std::string::npos)
      << verify.out;
  const ProcessResult replay = test_support::RunTriage({"replay", "--audit", audit});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
}

// A Twilio inbound SMS webhook as Twilio sends it: the form and its X-Twilio-Signature.
struct Webhook {
  std::vector<std::pair<std::string, std::string>> params;

  std::string Body() const {
    std::string body;
    for (const auto& [name, value] : params) {
      if (!body.empty()) body += '&';
      body += name + '=';
      for (const char c : value) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
          body += c;
        } else {
          char escaped[4];
          std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
          body += escaped;
        }
      }
    }
    return body;
  }
  // Base64(HMAC-SHA1(token, url + the parameters sorted by name, name and value concatenated)).
  std::string Signature(const std::string& token, const std::string& url) const {
    std::vector<std::pair<std::string, std::string>> sorted = params;
    std::sort(sorted.begin(), sorted.end());
    std::string data = url;
    for (const auto& [name, value] : sorted) data += name + value;
    return internal::Base64Encode(internal::HmacSha1(token, data));
  }
};

constexpr char kKeywordRules[] = R"(
category hotline_contact "A contact with no case in it yet"
rule keyword_only "A carrier keyword alone" {
  when     kind == "sms" and text ~ /^\s*(?:help|info)\s*$/i
  urgency  +5
  category hotline_contact +50
}
)";

TEST(ServeTwilioTest, OnlySignedWebhooksAreTriagedAndAKeywordGetsItsReply) {
  TempRulePack pack(kKeywordRules,
                    "conversations:\n  replies:\n    HELP: \"Hotline: an advocate will answer "
                    "here. Reply STOP to opt out.\"\n");
  const std::string audit = pack.dir() + "/audit.db";
  Server server;
  server.Start(pack.config(), {"--audit", audit, "--public-url", "https://triage.example.org"},
               {"TRIAGE_TWILIO_AUTH_TOKEN=twilio-auth-12345", "TRIAGE_SENDER_SECRET=k-5f1c",
                "TRIAGE_SERVE_TOKEN=bearer-token"});
  const std::string url = "https://triage.example.org/v1/twilio/sms";
  const HttpHeaders form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  Webhook help{{{"MessageSid", "SM0001"},
                {"AccountSid", "AC0001"},
                {"From", "+15555550123"},
                {"To", "+15555550100"},
                {"Body", "HELP"},
                {"NumMedia", "0"}}};

  // Unsigned, signed with another token, and a signed body changed on the way: 403.
  HttpHeaders unsigned_form = form;
  EXPECT_EQ(server.Post("/v1/twilio/sms", help.Body(), unsigned_form).status, 403);
  HttpHeaders wrong = form;
  wrong.emplace_back("X-Twilio-Signature", help.Signature("another-token", url));
  EXPECT_EQ(server.Post("/v1/twilio/sms", help.Body(), wrong).status, 403);
  HttpHeaders signed_form = form;
  signed_form.emplace_back("X-Twilio-Signature", help.Signature("twilio-auth-12345", url));
  Webhook tampered = help;
  tampered.params[4].second = "I am at the motel";
  const HttpResponse refused = server.Post("/v1/twilio/sms", tampered.Body(), signed_form);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find(R"("code":"invalid_signature")"), std::string::npos);

  // Signed: triaged (no bearer token: Twilio sends none), and the keyword's reply comes back.
  const HttpResponse answered = server.Post("/v1/twilio/sms", help.Body(), signed_form);
  EXPECT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(answered.Header("content-type"), "text/xml; charset=utf-8");
  EXPECT_EQ(answered.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Hotline: an advocate "
            "will answer here. Reply STOP to opt out.</Message></Response>");
  Webhook story = help;
  story.params[0].second = "SM0002";
  story.params[4].second = "can we talk";
  HttpHeaders story_form = form;
  story_form.emplace_back("X-Twilio-Signature", story.Signature("twilio-auth-12345", url));
  const HttpResponse empty = server.Post("/v1/twilio/sms", story.Body(), story_form);
  EXPECT_EQ(empty.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
  EXPECT_NE(server.Get("/metrics").body.find("triage_errors_total{code=\"invalid_signature\"} 3"),
            std::string::npos);

  const ProcessResult stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  // Only the two signed webhooks were triaged and recorded; the number is nowhere in clear; the
  // stamped received_at is in the record, so replay reproduces both decisions.
  const ProcessResult verify = test_support::RunTriage({"audit", "verify", "--audit", audit});
  EXPECT_NE(verify.out.find("ok: 2 entries"), std::string::npos) << verify.out << verify.err;
  const ProcessResult shown = test_support::RunTriage({"audit", "export", "--audit", audit});
  EXPECT_NE(shown.out.find(R"(\"received_at\":\")"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(R"(\"from\":\"h:)"), std::string::npos) << shown.out;
  for (const std::string& text : {shown.out, stopped.err}) {
    EXPECT_EQ(text.find("5555550123"), std::string::npos) << text;
  }
  const ProcessResult replay = test_support::RunTriage({"replay", "--audit", audit});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
}

TEST(ServeTwilioTest, AReportXmlGetsItsDecisionLine) {
  TempRulePack pack(kBasicRules, "limits:\n  max_record_bytes: 65536\n");
  Server server;
  server.Start(pack.config());
  // The example file holds one report per line (`triage filter --input cybertipline-xml`).
  std::ifstream in(std::string(TRIAGE_SOURCE_DIR) + "/examples/adapters/cybertipline.xml");
  std::string xml;
  ASSERT_TRUE(std::getline(in, xml));
  const HttpHeaders type = {{"Content-Type", "application/xml"}};
  const HttpResponse decided = server.Post("/v1/cybertipline", xml, type);
  EXPECT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(decided.body.rfind(R"({"id":"ct-)", 0), 0U) << decided.body;
  EXPECT_EQ(ErrorCodeOf(decided.body), "");
  const HttpResponse broken = server.Post("/v1/cybertipline", "<report><incidentSummary>", type);
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(ErrorCodeOf(broken.body), "invalid_xml");
  const HttpResponse doctype = server.Post(
      "/v1/cybertipline", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"x\">]><report/>", type);
  EXPECT_EQ(ErrorCodeOf(doctype.body), "doctype_refused");
  EXPECT_EQ(server.Stop().exit_code, 0);
}

}  // namespace
}  // namespace triage
