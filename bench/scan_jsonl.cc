// SPDX-License-Identifier: Apache-2.0
// triage_bench_scan: the in-process C++ engine on a JSON Lines file — the reference the Python
// binding's scan_many is measured against (bench/python_bench.py, bench/README.md).
//
//   triage_bench_scan --config rules/triage.yaml [--jobs N] [--repeat R] FILE
//
// Loads the ruleset, reads FILE's non-blank lines into memory, then 1 + R times (the first pass
// warms up and is not counted) scans every line
// with Scanner::ScanJson into its own Decision (kept, as scan_many keeps its results), on N
// threads each with its own Scanner taking runs of lines from a shared counter. Prints one JSON
// line: records, jobs, the best and the median pass in seconds, the least CPU time of a pass
// (every thread, CLOCK_PROCESS_CPUTIME_ID), and records/s of the best pass.

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"

namespace {

int Usage() {
  std::fprintf(stderr, "usage: triage_bench_scan --config PATH [--jobs N] [--repeat R] FILE\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config;
  std::string input;
  size_t jobs = 1;
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = std::max(1L, std::strtol(argv[++i], nullptr, 10));
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (!arg.empty() && arg[0] != '-' && input.empty()) {
      input = arg;
    } else {
      return Usage();
    }
  }
  if (config.empty() || input.empty()) return Usage();

  triage::SourceManager sources;
  triage::Diagnostics diagnostics;
  auto rules = triage::LoadRuleSet(&sources, config, {}, &diagnostics);
  if (!rules.ok()) {
    std::fputs(triage::RenderDiagnostics(diagnostics, sources).c_str(), stderr);
    return 1;
  }
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "triage_bench_scan: cannot open %s\n", input.c_str());
    return 1;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  }

  std::vector<triage::Scanner> scanners;
  for (size_t i = 0; i < jobs; ++i) scanners.emplace_back(*rules);
  // CPU time of the whole process (every thread): on a shared machine, the measure that load
  // from other processes disturbs least.
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  std::vector<double> passes;
  std::vector<double> cpu_passes;
  size_t errors = 0;
  // Pass 0 warms the matchers' DFA caches (as the Python side warms up) and is not counted.
  for (int pass = 0; pass <= repeat; ++pass) {
    std::vector<triage::Decision> decisions(lines.size());
    std::atomic<size_t> next{0};
    std::atomic<size_t> failed{0};
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_now();
    const auto work = [&](size_t worker) {
      constexpr size_t kRun = 64;
      for (;;) {
        const size_t begin = next.fetch_add(kRun);
        if (begin >= lines.size()) return;
        const size_t end = std::min(lines.size(), begin + kRun);
        for (size_t i = begin; i < end; ++i) {
          if (!scanners[worker].ScanJson(lines[i], &decisions[i]).ok()) ++failed;
        }
      }
    };
    std::vector<std::thread> threads;
    for (size_t w = 1; w < jobs; ++w) threads.emplace_back(work, w);
    work(0);
    for (std::thread& t : threads) t.join();
    if (pass == 0) continue;
    cpu_passes.push_back(cpu_now() - cpu_start);
    passes.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    errors = failed.load();
  }
  std::vector<double> sorted = passes;
  std::sort(sorted.begin(), sorted.end());
  const double best_cpu = *std::min_element(cpu_passes.begin(), cpu_passes.end());
  std::printf(
      "{\"records\":%zu,\"errors\":%zu,\"jobs\":%zu,\"best_s\":%.6f,\"median_s\":%.6f,"
      "\"best_cpu_s\":%.6f,\"records_per_s\":%.1f}\n",
      lines.size(), errors, jobs, sorted.front(), sorted[sorted.size() / 2], best_cpu,
      static_cast<double>(lines.size()) / sorted.front());
  return 0;
}
