// SPDX-License-Identifier: Apache-2.0
// triage_bench_stages: Google Benchmark cases for each hot-path stage of the engine, per record,
// on the workload named by TRIAGE_BENCH_WORKLOAD (default: bench/testdata/tiny). Every case runs
// separately on the workload's SMS records and on its report records (a case whose class has no
// record is not registered); an iteration is one record, the records taken in turn, so items/s is
// records/s and bytes/s counts the records' text (summary, body) as triage_compare's MB/s does.
//
//   ScanJson/<class>   the whole path: Scanner::ScanJson + FormatDecisionLine (kDecision)
//   Parse/<class>      JSON parsing and field extraction
//   Match/<class>      the multi-pattern matching of the text fields
//   Evaluate/<class>   rule evaluation and decision assembly (matching excluded)
//   Serialize/<class>  FormatDecisionLine of a decision computed beforehand
//   Compile            LoadRuleSet of the workload: YAML, parse, check, compile, inline examples
//
// The public API cannot run parsing, matching and evaluation on their own: ScanJson does all
// three. Parse, Match and Evaluate therefore run the real ScanJson with ScanStats on and report,
// as manual time, the slice of each iteration that the Scanner's own stage clocks measured:
// parse_ns; the sum of fields[].ns; evaluate_ns minus that sum (evaluate_ns spans matching and
// rules). The slices exclude the clock reads between stages but each still contains about one
// clock read (~20-30 ns), so very short stages are slightly overstated. Serialize and Compile
// need no approximation. The engine's internal headers are not used.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "triage/triage.h"

#include "workload.h"
#include <benchmark/benchmark.h>

namespace triage::bench {
namespace {

// The records of one class (SMS or report), as lines for the engine.
struct RecordClass {
  const char* name;
  std::vector<std::string_view> lines;
  size_t text_bytes = 0;
  size_t jsonl_bytes = 0;
};

uint64_t MatchNs(const ScanStats& stats) {
  uint64_t ns = 0;
  for (const ScanStats::FieldStats& field : stats.fields) ns += field.ns;
  return ns;
}

enum class Stage { kParse, kMatch, kEvaluate };

uint64_t StageNs(const ScanStats& stats, Stage stage) {
  switch (stage) {
    case Stage::kParse:
      return stats.parse_ns;
    case Stage::kMatch:
      return MatchNs(stats);
    case Stage::kEvaluate:
      return stats.evaluate_ns - MatchNs(stats);
  }
  return 0;
}

void SetRates(benchmark::State& state, const RecordClass& records) {
  const auto n = static_cast<int64_t>(records.lines.size());
  state.SetItemsProcessed(state.iterations());
  // Bytes of text per record, on average, times the records done.
  state.SetBytesProcessed(static_cast<int64_t>(records.text_bytes) * state.iterations() / n);
  state.counters["text_bytes/record"] =
      static_cast<double>(records.text_bytes) / static_cast<double>(n);
  state.counters["jsonl_bytes/record"] =
      static_cast<double>(records.jsonl_bytes) / static_cast<double>(n);
}

void BM_ScanJson(benchmark::State& state, const RuleSet* rules, const RecordClass* records) {
  Scanner scanner(*rules);
  Decision decision;
  size_t i = 0;
  for (auto _ : state) {
    const std::string_view line = records->lines[i];
    if (++i == records->lines.size()) i = 0;
    std::string out;
    if (scanner.ScanJson(line, &decision).ok()) {
      out = FormatDecisionLine(line, decision, OutputMode::kDecision);
    }
    benchmark::DoNotOptimize(out.data());
  }
  SetRates(state, *records);
}

void BM_Stage(benchmark::State& state, const RuleSet* rules, const RecordClass* records,
              Stage stage) {
  Scanner scanner(*rules);
  scanner.set_collect_stats(true);
  Decision decision;
  size_t i = 0;
  for (auto _ : state) {
    const std::string_view line = records->lines[i];
    if (++i == records->lines.size()) i = 0;
    const uint64_t before = StageNs(scanner.stats(), stage);
    const Status status = scanner.ScanJson(line, &decision);
    benchmark::DoNotOptimize(status.ok());
    state.SetIterationTime(static_cast<double>(StageNs(scanner.stats(), stage) - before) / 1e9);
  }
  SetRates(state, *records);
}

void BM_Serialize(benchmark::State& state, const RuleSet* rules, const RecordClass* records) {
  Scanner scanner(*rules);
  std::vector<Decision> decisions(records->lines.size());
  for (size_t r = 0; r < records->lines.size(); ++r) {
    (void)scanner.ScanJson(records->lines[r], &decisions[r]);
  }
  size_t i = 0;
  for (auto _ : state) {
    std::string out = FormatDecisionLine(records->lines[i], decisions[i], OutputMode::kDecision);
    if (++i == records->lines.size()) i = 0;
    benchmark::DoNotOptimize(out.data());
  }
  SetRates(state, *records);
}

void BM_Compile(benchmark::State& state, const std::string* config_path) {
  for (auto _ : state) {
    SourceManager sources;
    Diagnostics diagnostics;
    Result<RuleSet> rules = LoadRuleSet(&sources, *config_path, LoadOptions(), &diagnostics);
    if (!rules.ok()) {
      state.SkipWithError("the ruleset does not load");
      break;
    }
    benchmark::DoNotOptimize(rules->rule_count());
  }
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  const char* env = std::getenv("TRIAGE_BENCH_WORKLOAD");
  const std::string dir = env != nullptr && *env != '\0' ? env : TRIAGE_BENCH_DEFAULT_WORKLOAD;

  Workload w;
  std::string error;
  if (!LoadWorkload(dir, false, &w, &error)) {
    std::fprintf(stderr, "triage_bench_stages: %s\n", error.c_str());
    return 1;
  }
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> loaded = LoadRuleSet(&sources, w.config_path, LoadOptions(), &diagnostics);
  if (!loaded.ok()) {
    std::fputs(RenderDiagnostics(diagnostics, sources).c_str(), stderr);
    std::fprintf(stderr, "triage_bench_stages: %s: %s\n", w.config_path.c_str(),
                 loaded.status().ToString().c_str());
    return 1;
  }
  const RuleSet rules = *loaded;

  RecordClass sms{"sms", {}, 0, 0};
  RecordClass report{"report", {}, 0, 0};
  for (const WorkloadRecord& record : w.records) {
    RecordClass& c = record.sms ? sms : report;
    c.lines.push_back(record.line);
    c.jsonl_bytes += record.line.size() + 1;
    for (size_t t = 0; t < record.text_count; ++t) c.text_bytes += w.text(record, t).size();
  }
  benchmark::AddCustomContext("workload", dir);
  benchmark::AddCustomContext("rules", std::to_string(rules.rule_count()));
  benchmark::AddCustomContext("records", std::to_string(sms.lines.size()) + " SMS, " +
                                             std::to_string(report.lines.size()) + " reports");

  for (const RecordClass* c : {&sms, &report}) {
    if (c->lines.empty()) continue;
    const std::string suffix = std::string("/") + c->name;
    benchmark::RegisterBenchmark(("ScanJson" + suffix).c_str(), BM_ScanJson, &rules, c);
    benchmark::RegisterBenchmark(("Parse" + suffix).c_str(), BM_Stage, &rules, c, Stage::kParse)
        ->UseManualTime();
    benchmark::RegisterBenchmark(("Match" + suffix).c_str(), BM_Stage, &rules, c, Stage::kMatch)
        ->UseManualTime();
    benchmark::RegisterBenchmark(("Evaluate" + suffix).c_str(), BM_Stage, &rules, c,
                                 Stage::kEvaluate)
        ->UseManualTime();
    benchmark::RegisterBenchmark(("Serialize" + suffix).c_str(), BM_Serialize, &rules, c);
  }
  benchmark::RegisterBenchmark("Compile", BM_Compile, &w.config_path)
      ->Unit(benchmark::kMillisecond);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace triage::bench

int main(int argc, char** argv) { return triage::bench::Main(argc, argv); }
