// SPDX-License-Identifier: Apache-2.0
// triage_bench_conversations: SMS conversation throughput and per-message latency in-process, at
// a given number of conversations open at once, with the memory the conversation store holds.
//
//   triage_bench_conversations [--config FILE] [--conversations N] [--messages M]
//                              [--max-open K] [--seed S] [--write FILE] [--json FILE]
//
// The stream: N conversations (default 10,000), M messages each (default 8), sent round-robin
// (message 1 of every conversation, then message 2 of every one, ...), 50 ms apart in received_at,
// so that a round of 10,000 messages spans 500 s, within the 15-minute idle timeout: all N
// conversations are open at once. Two thirds thread by `conversation`, one third by (from, to).
// A conversation's first message is HELP, INFO or AYUDA one time in three, one in fifty ends with
// STOP; the others are short synthetic, clinical texts (EN and ES) picked from a fixed list, some
// of which the default pack scores. Everything depends on --seed only.
//
// Timed: ConversationScanner::ScanJson + FormatDecisionLine (kDecision) per message, one thread,
// steady_clock around each; the first round is reported apart (it opens every conversation and
// warms RE2's DFA caches). Memory: VmRSS and VmHWM of the process before the store exists and at
// the end, and the store's own count of message text held. --max-open (default: the config's
// conversations.max_open) bounds the store below N to show evictions. --write FILE writes the
// stream as JSONL instead of running it (for timing `triage filter` as a process).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/timestamp.h"
#include "triage/triage.h"

namespace triage::bench {
namespace {

struct Options {
  std::string config = "rules/triage.yaml";
  size_t conversations = 10000;
  size_t messages = 8;
  size_t max_open = 0;
  uint32_t seed = 1;
  std::string write;
  std::string json;
};

const char* const kTexts[] = {
    "is this confidential",
    "how does this work",
    "i need to talk to someone",
    "im at a motel off the highway",
    "he has my phone most of the day",
    "my boss keeps my passport",
    "he says i owe him for the trip",
    "i cant leave the house without him",
    "room 12",
    "we work 14 hours and dont get paid",
    "my friend is 15 and he picks her up after school",
    "ok thank u",
    "im safe now",
    "sorry wrong number",
    "tengo 16 años y no me dejan salir",
    "mi patron tiene mi pasaporte",
    "estoy en un hotel",
    "gracias",
    "can someone call me tomorrow",
    "he is coming back tonight",
};
const char* const kKeywords[] = {"HELP", "INFO", "AYUDA"};

// The messages of the stream, in the order they are sent.
std::vector<std::string> Stream(const Options& options) {
  std::mt19937 random(options.seed);
  std::vector<std::string> lines;
  lines.reserve(options.conversations * options.messages);
  const int64_t start = *ParseTimestamp("2026-11-02T20:00:00Z");
  int64_t time = start;
  for (size_t m = 0; m < options.messages; ++m) {
    for (size_t c = 0; c < options.conversations; ++c) {
      std::string body;
      if (m == 0 && c % 3 == 0) {
        body = kKeywords[(c / 3) % 3];
      } else if (m + 1 == options.messages && c % 50 == 7) {
        body = "STOP";
      } else {
        body = kTexts[random() % (sizeof kTexts / sizeof kTexts[0])];
      }
      std::string line =
          "{\"id\":\"m-" + std::to_string(c) + "-" + std::to_string(m) + "\",\"kind\":\"sms\"";
      if (c % 3 != 2) line += ",\"conversation\":\"cv-" + std::to_string(c) + "\"";
      line += ",\"from\":\"h:" + std::to_string(1000003 * (c + 1)) + "\",\"to\":\"233733\"";
      line += ",\"received_at\":\"" + FormatTimestamp(time) + "\",\"body\":\"" + body + "\"}";
      lines.push_back(std::move(line));
      time += 50000;  // 50 ms
    }
  }
  return lines;
}

// VmRSS and VmHWM of this process, in KiB.
void Memory(uint64_t* rss, uint64_t* hwm) {
  *rss = 0;
  *hwm = 0;
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") status >> *rss;
    if (key == "VmHWM:") status >> *hwm;
  }
}

struct Percentiles {
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
};

Percentiles Summarise(std::vector<double> micros) {
  Percentiles p;
  if (micros.empty()) return p;
  std::sort(micros.begin(), micros.end());
  const auto at = [&micros](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))];
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = micros.back();
  return p;
}

int Run(const Options& options) {
  const std::vector<std::string> stream = Stream(options);
  if (!options.write.empty()) {
    std::FILE* out = std::fopen(options.write.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "cannot write %s\n", options.write.c_str());
      return 1;
    }
    for (const std::string& line : stream) std::fprintf(out, "%s\n", line.c_str());
    return std::fclose(out) == 0 ? 0 : 1;
  }

  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> rules = LoadRuleSet(&sources, options.config, {}, &diagnostics);
  if (!rules.ok()) {
    std::fputs(RenderDiagnostics(diagnostics, sources).c_str(), stderr);
    return 1;
  }
  ConversationConfig config = rules->config().conversations;
  if (options.max_open != 0) config.max_open = options.max_open;
  uint64_t rss_before = 0;
  uint64_t hwm_before = 0;
  Memory(&rss_before, &hwm_before);
  MemoryConversationStore store(config);
  ConversationScanner scanner(*rules, &store);

  std::vector<double> first_round;
  std::vector<double> later;
  later.reserve(stream.size());
  Decision decision;
  size_t bytes = 0;
  const auto begin = std::chrono::steady_clock::now();
  auto later_begin = begin;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (i == options.conversations) later_begin = std::chrono::steady_clock::now();
    const auto t0 = std::chrono::steady_clock::now();
    const Status status = scanner.ScanJson(stream[i], &decision);
    const std::string line = status.ok()
                                 ? FormatDecisionLine(stream[i], decision, OutputMode::kDecision)
                                 : FormatErrorLine(i + 1, decision.id, status);
    const auto t1 = std::chrono::steady_clock::now();
    bytes += line.size();
    const double micros = std::chrono::duration<double, std::micro>(t1 - t0).count();
    (i < options.conversations ? first_round : later).push_back(micros);
  }
  const auto end = std::chrono::steady_clock::now();
  uint64_t rss_after = 0;
  uint64_t hwm_after = 0;
  Memory(&rss_after, &hwm_after);

  const double total_s = std::chrono::duration<double>(end - begin).count();
  const double later_s = std::chrono::duration<double>(end - later_begin).count();
  const Percentiles all_p = Summarise([&] {
    std::vector<double> all = first_round;
    all.insert(all.end(), later.begin(), later.end());
    return all;
  }());
  const Percentiles first_p = Summarise(first_round);
  const Percentiles later_p = Summarise(later);
  const ConversationStoreStats stats = store.stats();
  const ConversationCounters& counters = scanner.counters();

  std::printf(
      "triage_bench_conversations: %s, %zu conversations x %zu messages = %zu messages, "
      "max_open %zu (%llu partitions)\n",
      rules->digest().substr(0, 19).c_str(), options.conversations, options.messages, stream.size(),
      config.max_open, static_cast<unsigned long long>(stats.partitions));
  std::printf("  throughput      %.0f messages/s overall, %.0f messages/s after the first round\n",
              stream.size() / total_s, later.size() / std::max(later_s, 1e-9));
  std::printf("  latency (us)    %8s %8s %8s %8s %8s\n", "p50", "p90", "p99", "p99.9", "max");
  const auto row = [](const char* name, const Percentiles& p) {
    std::printf("  %-15s %8.1f %8.1f %8.1f %8.1f %8.1f\n", name, p.p50, p.p90, p.p99, p.p999,
                p.max);
  };
  row("all", all_p);
  row("first round", first_p);
  row("later rounds", later_p);
  std::printf(
      "  conversations   opened %llu, open %llu, evicted %llu, context lost %llu, "
      "keywords %llu, opted out %llu\n",
      static_cast<unsigned long long>(counters.opened), static_cast<unsigned long long>(stats.open),
      static_cast<unsigned long long>(stats.evicted),
      static_cast<unsigned long long>(counters.context_lost),
      static_cast<unsigned long long>(counters.keywords),
      static_cast<unsigned long long>(counters.opted_out));
  std::printf(
      "  memory          RSS %.1f -> %.1f MiB (+%.1f MiB, %.0f bytes per open "
      "conversation); peak %.1f MiB; message text held %.2f MiB\n",
      rss_before / 1024.0, rss_after / 1024.0, (rss_after - rss_before) / 1024.0,
      stats.open == 0 ? 0.0 : (rss_after - rss_before) * 1024.0 / stats.open, hwm_after / 1024.0,
      stats.text_bytes / 1048576.0);
  std::printf("  output          %.1f MB of decision lines\n", bytes / 1e6);
  if (!options.json.empty()) {
    std::FILE* out = std::fopen(options.json.c_str(), "wb");
    if (out == nullptr) return 1;
    const auto percentiles = [out](const Percentiles& p) {
      std::fprintf(out, "{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"p999\":%.2f,\"max\":%.2f}",
                   p.p50, p.p90, p.p99, p.p999, p.max);
    };
    std::fprintf(out,
                 "{\"conversations\":%zu,\"messages\":%zu,\"max_open\":%zu,"
                 "\"messages_per_s\":%.0f,\"latency_us\":{\"all\":",
                 options.conversations, stream.size(), config.max_open, stream.size() / total_s);
    percentiles(all_p);
    std::fprintf(out, ",\"later\":");
    percentiles(later_p);
    std::fprintf(
        out,
        "},\"rss_kib_before\":%llu,\"rss_kib_after\":%llu,\"hwm_kib\":%llu,"
        "\"open\":%llu,\"evicted\":%llu,\"text_bytes\":%llu}\n",
        static_cast<unsigned long long>(rss_before), static_cast<unsigned long long>(rss_after),
        static_cast<unsigned long long>(hwm_after), static_cast<unsigned long long>(stats.open),
        static_cast<unsigned long long>(stats.evicted),
        static_cast<unsigned long long>(stats.text_bytes));
    std::fclose(out);
  }
  return 0;
}

}  // namespace
}  // namespace triage::bench

int main(int argc, char** argv) {
  triage::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--config") {
      options.config = value();
    } else if (arg == "--conversations") {
      options.conversations = std::strtoul(value().c_str(), nullptr, 10);
    } else if (arg == "--messages") {
      options.messages = std::strtoul(value().c_str(), nullptr, 10);
    } else if (arg == "--max-open") {
      options.max_open = std::strtoul(value().c_str(), nullptr, 10);
    } else if (arg == "--seed") {
      options.seed = static_cast<uint32_t>(std::strtoul(value().c_str(), nullptr, 10));
    } else if (arg == "--write") {
      options.write = value();
    } else if (arg == "--json") {
      options.json = value();
    } else {
      std::fprintf(stderr,
                   "usage: triage_bench_conversations [--config FILE] [--conversations N] "
                   "[--messages M] [--max-open K] [--seed S] [--write FILE] [--json FILE]\n");
      return 2;
    }
  }
  if (options.conversations == 0 || options.messages == 0) {
    std::fprintf(stderr, "--conversations and --messages must be at least 1\n");
    return 2;
  }
  return triage::bench::Run(options);
}
