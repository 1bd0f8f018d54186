// SPDX-License-Identifier: Apache-2.0
// triage_bench_serve: a bounded loopback load benchmark of `triage serve` against the in-process
// engine on the same records.
//
//   triage_bench_serve [--triage BINARY] [--config FILE] [--requests N] [--connections 1,8,64]
//                      [--rate R] [--rate-requests M] [--batch B] [--jobs J] [--json FILE]
//
// Records: N (default 20,000) SMS-size messages (about 60 to 160 bytes of text, synthetic and
// clinical, EN and ES) of 1,000 conversations, one second apart in received_at; every one goes
// through the conversation path (threading, the conversation's text, the store), as a hotline's
// shortcode traffic does. Each run has conversations of its own (the same texts under other
// conversation ids), so every run starts from fresh conversations as the in-process one does.
//
// 1. In-process: one ConversationScanner on one thread, ScanJson + FormatDecisionLine per record
//    (what the service does per request, without HTTP), timed per record.
// 2. The server: `triage serve --listen 127.0.0.1:0 --jobs J` (J default 2) is started, and for
//    each connection count C every one of C threads sends its share of the N records, one
//    POST /v1/triage (application/json) at a time on one keep-alive connection (closed loop):
//    requests/s over the run, p50/p99 of the per-request latency (send to last byte received).
// 3. Batched: the same records as JSON Lines, B (default 100) per request, over 8 connections:
//    records/s, and the latency of a whole batch.
// 4. Paced: M requests (default 5,000) at R requests/s (default 1,000) over 8 connections, each
//    request sent at its scheduled time (open loop); its latency counts from that time, so that a
//    stall delays the requests behind it and shows in p99 (no coordinated omission). Then the same
//    as signed Twilio webhooks (POST /v1/twilio/sms: signature check, form conversion, keyed
//    sender hash, TwiML).
//
// CPU: every run also reports the CPU time spent per record — the in-process thread's, the
// server process's (all its threads, from /proc/PID/stat: 10 ms ticks, so a run should take a
// CPU-second or more to be read to a few percent) and the benchmark client's own (this
// process's, all client threads) — since on a machine with few cores the client's CPU and the
// other load decide the rates as much as the server does. Server CPU per record against
// in-process CPU per record is the fairer ratio of the two; both are printed.
//
// Bounded: fixed request counts, a 60 s timeout per request; the server is stopped with SIGTERM
// at the end. Loopback only. The client threads share the machine with the server: on 2 cores
// they take CPU from it, so the figures are a floor.
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/triage.h"

#include "adapters/hmac.h"
#include "http_client.h"
#include "util/base64.h"
#include <sys/wait.h>

extern char** environ;

namespace triage::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string triage = TRIAGE_BENCH_TRIAGE_BINARY;
  std::string config = "rules/triage.yaml";
  size_t requests = 20000;
  std::vector<size_t> connections = {1, 8, 64};
  double rate = 1000;
  size_t rate_requests = 5000;
  size_t batch = 100;
  int jobs = 2;
  std::string json;
};

const char* const kTexts[] = {
    "is this confidential",
    "i need to talk to someone about my job, they dont pay me what they promised",
    "im at a motel off the highway and i dont know the name of the town",
    "he has my phone most of the day and reads everything i send",
    "my boss keeps my passport and says i owe him 2000 for the trip here",
    "i cant leave the farm, he locks the gate at night and the dogs are out",
    "room 12",
    "my cousin is 15 and a man online keeps asking her for pictures",
    "el patron tiene mi pasaporte y dice que le debo dinero",
    "no puedo salir de la casa sin el",
    "thank you for answering, i will text again tomorrow",
    "she is 14 and he said he will pick her up tonight after school",
    "we sleep in the back of the restaurant and work every day, no days off",
    "what happens after i text you",
};

// The records of one run; `tag` makes its conversations its own, so that every run (and the
// in-process one) starts from fresh conversations and does the same work.
std::vector<std::string> MakeRecords(size_t count, const std::string& tag) {
  std::vector<std::string> records;
  records.reserve(count);
  constexpr size_t kTextCount = sizeof(kTexts) / sizeof(kTexts[0]);
  for (size_t i = 0; i < count; ++i) {
    const size_t seconds = i;  // one second apart: 1,000 conversations stay open
    char at[32];
    std::snprintf(at, sizeof at, "2026-11-02T%02zu:%02zu:%02zuZ", 8 + seconds / 3600 % 12,
                  seconds / 60 % 60, seconds % 60);
    records.push_back(R"({"id":"b-)" + std::to_string(i) + R"(","kind":"sms","conversation":"c-)" +
                      tag + "-" + std::to_string(i % 1000) + R"(","from":"h:)" + tag +
                      std::to_string(i % 1000) + R"(","to":"233733","received_at":")" + at +
                      R"(","body":")" + kTexts[(i * 7 + i / 1000) % kTextCount] + "\"}");
  }
  return records;
}

struct Figures {
  std::string name;
  size_t requests = 0;
  size_t failures = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double server_cpu = -1;  // CPU seconds of the server process over the run (-1: none)
  double client_cpu = -1;  // CPU seconds of this process (the client threads, or in-process)
  size_t records = 0;      // records the run triaged (requests x batch)
  double per_second() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  // CPU microseconds per record (-1 when not measured).
  static double PerRecord(double cpu, size_t records) {
    return cpu >= 0 && records > 0 ? 1e6 * cpu / static_cast<double>(records) : -1;
  }
};

// CPU seconds this process has used (all threads).
double OwnCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// CPU seconds (user + system, all threads) process `pid` has used, from /proc/PID/stat (clock
// ticks); -1 when it cannot be read.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  // After the name: state (3) ... utime (14), stime (15).
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  const long ticks = sysconf(_SC_CLK_TCK);
  return ticks > 0 ? static_cast<double>(utime + stime) / static_cast<double>(ticks) : -1;
}

void Percentiles(std::vector<double>* ms, Figures* figures) {
  if (ms->empty()) return;
  std::sort(ms->begin(), ms->end());
  const auto at = [ms](double q) {
    const auto index = static_cast<size_t>(q * static_cast<double>(ms->size()));
    return (*ms)[std::min(ms->size() - 1, index)];
  };
  figures->p50_ms = at(0.50);
  figures->p99_ms = at(0.99);
}

Figures InProcess(const RuleSet& rules, const std::vector<std::string>& records) {
  MemoryConversationStore store(rules.config().conversations);
  ConversationScanner scanner(rules, &store);
  Decision decision;
  std::vector<double> ms;
  ms.reserve(records.size());
  Figures figures;
  figures.name = "in-process, 1 thread";
  const double cpu_start = OwnCpuSeconds();
  const Clock::time_point start = Clock::now();
  for (const std::string& record : records) {
    const Clock::time_point begin = Clock::now();
    if (!scanner.ScanJson(record, &decision).ok()) ++figures.failures;
    const std::string line = FormatDecisionLine(record, decision, OutputMode::kDecision);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
    if (line.empty()) ++figures.failures;
  }
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figures.client_cpu = OwnCpuSeconds() - cpu_start;
  figures.requests = records.size();
  figures.records = records.size();
  Percentiles(&ms, &figures);
  return figures;
}

// One request to send.
struct Call {
  std::string target;
  std::string body;
  serve::HttpHeaders headers;
};

// POST /v1/triage of each record (JSON Lines when it holds several lines).
std::vector<Call> TriageCalls(const std::vector<std::string>& records) {
  std::vector<Call> calls;
  for (const std::string& record : records) {
    const bool lines = record.find('\n') != std::string::npos;
    calls.push_back({"/v1/triage",
                     record,
                     {{"Content-Type", lines ? "application/x-ndjson" : "application/json"}}});
  }
  return calls;
}

constexpr char kTwilioToken[] = "bench-twilio-auth-token";
constexpr char kPublicUrl[] = "https://triage.bench.example";

// POST /v1/twilio/sms of each record's body as a signed Twilio webhook form (the signature
// computed here, before the run: the server's check is what is measured).
std::vector<Call> TwilioCalls(size_t count, const std::string& tag) {
  std::vector<Call> calls;
  constexpr size_t kTextCount = sizeof(kTexts) / sizeof(kTexts[0]);
  for (size_t i = 0; i < count; ++i) {
    const std::string sid = "SM" + tag + "x" + std::to_string(i);
    const std::string from = "+1555" + tag + std::to_string(1000000 + i % 1000);
    std::string text = kTexts[(i * 7 + i / 1000) % kTextCount];
    // Sorted by name for the signature: Body, From, MessageSid, NumMedia, To.
    const std::string data = std::string(kPublicUrl) + "/v1/twilio/sms" + "Body" + text + "From" +
                             from + "MessageSid" + sid + "NumMedia0To+15555550100";
    std::string form_text;
    for (const char c : text) form_text += c == ' ' ? '+' : c;
    std::string body = "MessageSid=" + sid + "&From=%2B" + from.substr(1) +
                       "&To=%2B15555550100&NumMedia=0&Body=" + form_text;
    calls.push_back(
        {"/v1/twilio/sms",
         std::move(body),
         {{"Content-Type", "application/x-www-form-urlencoded"},
          {"X-Twilio-Signature", internal::Base64Encode(internal::HmacSha1(kTwilioToken, data))}}});
  }
  return calls;
}

// Sends calls[i] for the i this connection owns; records latencies in *ms.
void Connection(uint16_t port, const std::vector<Call>& calls, size_t first, size_t step,
                std::vector<double>* ms, std::atomic<size_t>* failures,
                const std::vector<Clock::time_point>* schedule) {
  serve::HttpClient client("127.0.0.1", port);
  serve::HttpResponse response;
  for (size_t i = first; i < calls.size(); i += step) {
    Clock::time_point begin = Clock::now();
    if (schedule != nullptr) {
      std::this_thread::sleep_until((*schedule)[i]);
      begin = (*schedule)[i];
    }
    const Call& call = calls[i];
    if (!client.Request("POST", call.target, call.body, call.headers, &response) ||
        response.status != 200) {
      ++*failures;
    }
    ms->push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
  }
}

// Sends `calls` over `connections` keep-alive connections to the server `pid` listening on
// `port`; `records` is the number of records the calls hold.
Figures OverHttp(pid_t pid, uint16_t port, const std::vector<Call>& calls, size_t records,
                 size_t connections, const std::vector<Clock::time_point>* schedule,
                 const std::string& name) {
  std::vector<std::vector<double>> ms(connections);
  std::atomic<size_t> failures{0};
  std::vector<std::thread> threads;
  const double server_start = ProcessCpuSeconds(pid);
  const double client_start = OwnCpuSeconds();
  const Clock::time_point start = Clock::now();
  for (size_t c = 0; c < connections; ++c) {
    threads.emplace_back(Connection, port, std::cref(calls), c, connections, &ms[c], &failures,
                         schedule);
  }
  for (std::thread& thread : threads) thread.join();
  Figures figures;
  figures.name = name;
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double server_end = ProcessCpuSeconds(pid);
  if (server_start >= 0 && server_end >= 0) figures.server_cpu = server_end - server_start;
  figures.client_cpu = OwnCpuSeconds() - client_start;
  figures.records = records;
  figures.requests = calls.size();
  figures.failures = failures.load();
  std::vector<double> all;
  for (const std::vector<double>& one : ms) all.insert(all.end(), one.begin(), one.end());
  Percentiles(&all, &figures);
  return figures;
}

bool ParseArgs(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--triage") {
      options->triage = value();
    } else if (arg == "--config") {
      options->config = value();
    } else if (arg == "--requests") {
      options->requests = std::stoul(value());
    } else if (arg == "--connections") {
      options->connections.clear();
      std::stringstream list(value());
      for (std::string item; std::getline(list, item, ',');) {
        options->connections.push_back(std::stoul(item));
      }
    } else if (arg == "--rate") {
      options->rate = std::stod(value());
    } else if (arg == "--rate-requests") {
      options->rate_requests = std::stoul(value());
    } else if (arg == "--batch") {
      options->batch = std::max<size_t>(1, std::stoul(value()));
    } else if (arg == "--jobs") {
      options->jobs = std::stoi(value());
    } else if (arg == "--json") {
      options->json = value();
    } else {
      std::fprintf(stderr,
                   "usage: triage_bench_serve [--triage BINARY] [--config FILE] "
                   "[--requests N] [--connections 1,8,64] [--rate R] [--rate-requests M] "
                   "[--batch B] [--jobs J] [--json FILE]\n");
      return false;
    }
  }
  return true;
}

int Run(int argc, char** argv) {
  Options options;
  if (!ParseArgs(argc, argv, &options)) return 2;
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> rules = LoadRuleSet(&sources, options.config, {}, &diagnostics);
  if (!rules.ok()) {
    std::fprintf(stderr, "%s", RenderDiagnostics(diagnostics, sources).c_str());
    return 1;
  }
  const std::vector<std::string> records = MakeRecords(options.requests, "0");
  size_t bytes = 0;
  for (const std::string& record : records) bytes += record.size();
  std::vector<Figures> results;
  results.push_back(InProcess(*rules, records));

  // The server, on a port it picks.
  char dir_template[] = "/tmp/triage-bench-serve-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string port_file = dir + "/port";
  const std::string jobs = std::to_string(options.jobs);
  std::vector<std::string> args = {options.triage, "serve",        "--listen",     "127.0.0.1:0",
                                   "--config",     options.config, "--jobs",       jobs,
                                   "--port-file",  port_file,      "--public-url", kPublicUrl};
  std::vector<char*> argv_server;
  for (std::string& arg : args) argv_server.push_back(arg.data());
  argv_server.push_back(nullptr);
  std::vector<std::string> env = {std::string("TRIAGE_TWILIO_AUTH_TOKEN=") + kTwilioToken,
                                  "TRIAGE_SENDER_SECRET=bench-sender-secret"};
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0].c_str(), nullptr, nullptr, argv_server.data(), envp.data()) != 0) {
    std::fprintf(stderr, "cannot start %s\n", args[0].c_str());
    return 1;
  }
  uint16_t port = 0;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(120);
  while (port == 0 && Clock::now() < deadline) {
    std::ifstream in(port_file);
    int value = 0;
    if (in >> value) port = static_cast<uint16_t>(value);
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port == 0) {
    kill(pid, SIGKILL);
    std::fprintf(stderr, "the server did not start\n");
    return 1;
  }

  size_t run = 0;
  for (const size_t connections : options.connections) {
    results.push_back(OverHttp(pid, port,
                               TriageCalls(MakeRecords(options.requests, std::to_string(++run))),
                               options.requests, connections, nullptr,
                               "HTTP keep-alive, " + std::to_string(connections) + " conn."));
  }
  // Batched: B records per request (JSON Lines), 8 connections; counted in records.
  std::vector<std::string> batches;
  const std::vector<std::string> batch_records =
      MakeRecords(options.requests, std::to_string(++run));
  for (size_t i = 0; i < batch_records.size(); i += options.batch) {
    std::string body;
    for (size_t j = i; j < std::min(batch_records.size(), i + options.batch); ++j) {
      body += batch_records[j] + "\n";
    }
    batches.push_back(std::move(body));
  }
  Figures batched = OverHttp(pid, port, TriageCalls(batches), batch_records.size(), 8, nullptr,
                             "HTTP JSON Lines x" + std::to_string(options.batch) + ", 8 conn.");
  batched.requests = records.size();  // records/s; the latencies are per batch
  results.push_back(batched);
  // Paced: R/s over 8 connections, each request at its scheduled time.
  // Paced, and paced Twilio webhooks (signature check, form conversion, keyed sender hash).
  const size_t paced_count = std::min(options.rate_requests, records.size());
  const auto schedule = [&]() {
    std::vector<Clock::time_point> times(paced_count);
    const Clock::time_point start = Clock::now() + std::chrono::milliseconds(100);
    for (size_t i = 0; i < paced_count; ++i) {
      times[i] = start + std::chrono::nanoseconds(
                             static_cast<int64_t>(1e9 * static_cast<double>(i) / options.rate));
    }
    return times;
  };
  char name[64];
  std::snprintf(name, sizeof name, "HTTP paced %.0f req/s, 8 conn.", options.rate);
  const std::vector<Clock::time_point> json_times = schedule();
  results.push_back(OverHttp(pid, port,
                             TriageCalls(MakeRecords(paced_count, std::to_string(++run))),
                             paced_count, 8, &json_times, name));
  std::snprintf(name, sizeof name, "Twilio paced %.0f req/s, 8 conn.", options.rate);
  const std::vector<Call> twilio = TwilioCalls(paced_count, std::to_string(++run));
  const std::vector<Clock::time_point> twilio_times = schedule();
  results.push_back(OverHttp(pid, port, twilio, paced_count, 8, &twilio_times, name));

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::remove(port_file.c_str());
  rmdir(dir.c_str());

  std::printf(
      "triage serve load: %zu SMS records (%.0f bytes on average), server --jobs %d, %u "
      "hardware threads\n",
      records.size(), static_cast<double>(bytes) / static_cast<double>(records.size()),
      options.jobs, std::thread::hardware_concurrency());
  // CPU per record: the server's (in-process: the thread's) and the client's.
  const auto cpu_cell = [](double us) {
    char cell[16];
    if (us < 0) return std::string("-");
    std::snprintf(cell, sizeof cell, "%.1f", us);
    return std::string(cell);
  };
  std::printf("%-34s %10s %9s %9s %9s %10s %10s %8s\n", "run", "records", "rec/s", "p50 ms",
              "p99 ms", "cpu us/rec", "client us", "failed");
  for (const Figures& f : results) {
    const bool local = &f == &results.front();
    const double cpu = Figures::PerRecord(local ? f.client_cpu : f.server_cpu, f.records);
    const double client = local ? -1 : Figures::PerRecord(f.client_cpu, f.records);
    std::printf("%-34s %10zu %9.0f %9.3f %9.3f %10s %10s %8zu\n", f.name.c_str(), f.requests,
                f.per_second(), f.p50_ms, f.p99_ms, cpu_cell(cpu).c_str(), cpu_cell(client).c_str(),
                f.failures);
  }
  const double in_process = results.front().per_second();
  size_t best = 1;
  for (size_t i = 1; i + 3 < results.size(); ++i) {
    if (results[i].per_second() > results[best].per_second()) best = i;
  }
  std::printf(
      "best HTTP throughput: %.0f%% of in-process one record a request, %.0f%% in "
      "batches (target >= 50%%); paced p99 %.3f ms, Twilio %.3f ms (target < 10 ms)\n",
      100 * results[best].per_second() / in_process, 100 * batched.per_second() / in_process,
      results[results.size() - 2].p99_ms, results.back().p99_ms);
  // The same comparison in CPU time: in-process CPU per record over the server's, for the run
  // above and the batches (independent of the client's CPU and of other load on the machine).
  const double local_cpu = Figures::PerRecord(results.front().client_cpu, records.size());
  const double best_cpu = Figures::PerRecord(results[best].server_cpu, results[best].records);
  const double batch_cpu = Figures::PerRecord(batched.server_cpu, batched.records);
  if (local_cpu > 0 && best_cpu > 0 && batch_cpu > 0) {
    std::printf(
        "server CPU per record: %.1f us one record a request (%s), %.1f us in batches; "
        "in-process %.1f us: %.0f%% and %.0f%%\n",
        best_cpu, results[best].name.c_str(), batch_cpu, local_cpu, 100 * local_cpu / best_cpu,
        100 * local_cpu / batch_cpu);
  }
  if (!options.json.empty()) {
    std::ofstream out(options.json);
    out << "{\"records\":" << records.size() << ",\"runs\":[";
    for (size_t i = 0; i < results.size(); ++i) {
      const Figures& f = results[i];
      const double cpu = Figures::PerRecord(i == 0 ? f.client_cpu : f.server_cpu, f.records);
      const double client = i == 0 ? -1 : Figures::PerRecord(f.client_cpu, f.records);
      out << (i ? "," : "") << "{\"run\":\"" << f.name << "\",\"requests\":" << f.requests
          << ",\"per_second\":" << f.per_second() << ",\"p50_ms\":" << f.p50_ms
          << ",\"p99_ms\":" << f.p99_ms << ",\"cpu_us_per_record\":" << cpu
          << ",\"client_cpu_us_per_record\":" << client << ",\"failed\":" << f.failures << "}";
    }
    out << "]}\n";
  }
  size_t failed = 0;
  for (const Figures& f : results) failed += f.failures;
  return failed == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace triage::bench

int main(int argc, char** argv) { return triage::bench::Run(argc, argv); }
