// SPDX-License-Identifier: Apache-2.0
// triage_compare: the engine against the raw multi-pattern baselines, on one workload, in one run.
//
//   triage_compare DIR [--methods naive,set,filtered,hyperscan,engine,process] [--repeat N]
//                  [--json FILE] [--latency] [--naive-limit N] [--jobs N] [--triage PATH]
//
// Every method sees the same records. The raw methods scan the same text values (each record's
// `summary` and `body`) with DIR/patterns.txt and count (record, pattern) matches:
//   naive      one RE2 per pattern, RE2::PartialMatch of every pattern on every text;
//   set        one RE2::Set (unanchored) of every pattern: one pass per text;
//   filtered   RE2's FilteredRE2 (min_atom_len 3): an RE2::Set of the literal atoms it extracts
//              finds candidate patterns, which are then confirmed one by one;
//   hyperscan  one Hyperscan block-mode database of the patterns Hyperscan accepts (each is
//              compiled alone first to find those it rejects), HS_FLAG_SINGLEMATCH;
// and the engine is measured on the whole per-record path, JSONL line in, decision line out:
//   engine     one Scanner: Scanner::ScanJson, then FormatDecisionLine (FormatErrorLine for a
//              record that cannot be triaged), as `triage filter --output decision` does per line;
//   process    `triage filter --jobs N --output decision DIR/records.jsonl > /dev/null`, timed as
//              a whole process (start-up and ruleset compilation included).
// Each method is compiled once (timed), then runs --repeat passes over all records; the median
// pass is reported as records/s and MB/s (MB = 10^6 bytes of text scanned; the engine also gives
// MB/s of JSONL). The raw methods must agree on their per-pattern match counts: set and filtered
// with naive exactly (the tool exits 1 if they do not), hyperscan is compared on the patterns it
// accepted and differences are reported (its `$` and Unicode semantics differ from RE2's in edge
// cases). Only the public API of the engine is used.
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <sys/resource.h>
#include <sys/wait.h>

#ifdef TRIAGE_BENCH_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#include "triage/triage.h"

#include "workload.h"

extern char** environ;

namespace triage::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds (user + system) of this process and of its waited-for children so far. On a
// shared machine the wall time of a pass includes the time other processes held the core; the
// CPU time does not.
double CpuSeconds() {
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  rusage self{};
  rusage children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) +
         seconds(children.ru_stime);
}

constexpr const char* kAllMethods[] = {"naive",     "set",    "filtered",
                                       "hyperscan", "engine", "process"};

struct Options {
  std::string dir;
  std::vector<std::string> methods;
  int repeat = 5;
  std::string json_path;
  bool latency = false;
  size_t naive_limit = 0;  // 0: all records
  int jobs = 1;
  int64_t set_max_mem_mb = 1024;
  std::string triage_binary;
};

// What one method measured. `counts` holds per-pattern (record, pattern) match counts over all
// records and `prefix_counts` over the first `prefix` records (the naive method's records).
struct MethodResult {
  std::string name;
  std::string status = "ok";  // ok | failed | unavailable | skipped
  std::string reason;         // why, when not ok
  double compile_s = -1;      // < 0: not applicable
  std::vector<double> runs_s;
  double median_s = 0;
  std::vector<double> cpu_runs_s;  // CPU time (user + system) of each pass, children included
  double cpu_median_s = 0;
  size_t records = 0;  // records per pass
  size_t bytes = 0;    // text bytes per pass
  bool has_matches = false;
  uint64_t matches = 0;
  std::vector<uint64_t> counts;
  std::vector<uint64_t> prefix_counts;
  // Method-specific figures: JSON members ("\"key\":value") and a note for the text table.
  std::vector<std::string> json_extra;
  std::string note;
  std::string detail;  // printed after the table (the engine's latencies)

  bool ok() const { return status == "ok"; }
  double records_per_s() const {
    return median_s > 0 ? static_cast<double>(records) / median_s : 0;
  }
  double mb_per_s() const { return median_s > 0 ? static_cast<double>(bytes) / 1e6 / median_s : 0; }
};

std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string out(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  std::vsnprintf(out.data(), out.size() + 1, format, args);
  va_end(args);
  return out;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += Format("\\u%04x", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) { return Format("%.9g", v); }

// Runs `pass` options.repeat times, timing each; a pass returns false (with *reason set) when the
// method fails on the workload.
void TimePasses(int repeat, MethodResult* result, const std::function<bool(std::string*)>& pass) {
  for (int i = 0; i < repeat; ++i) {
    const Clock::time_point start = Clock::now();
    const double cpu_start = CpuSeconds();
    std::string reason;
    if (!pass(&reason)) {
      result->status = "failed";
      result->reason = reason;
      return;
    }
    result->runs_s.push_back(SecondsSince(start));
    result->cpu_runs_s.push_back(CpuSeconds() - cpu_start);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  result->median_s = median(result->runs_s);
  result->cpu_median_s = median(result->cpu_runs_s);
}

// Per-pattern match counting for the raw methods: each (record, pattern) pair counts once, however
// many of the record's text values match.
class MatchCounter {
 public:
  MatchCounter(size_t patterns, size_t prefix)
      : prefix_(prefix), counts_(patterns, 0), last_record_(patterns, SIZE_MAX) {}

  // Call before the record's first text value.
  void StartRecord(size_t record) {
    if (record == prefix_) prefix_counts_ = counts_;
    record_ = record;
  }
  void Add(size_t pattern) {
    if (last_record_[pattern] == record_) return;
    last_record_[pattern] = record_;
    ++counts_[pattern];
  }
  // Stores the counts into *result (after the last record).
  void Finish(MethodResult* result) {
    if (prefix_counts_.empty()) prefix_counts_ = counts_;
    result->has_matches = true;
    result->matches = 0;
    for (uint64_t c : counts_) result->matches += c;
    result->counts = std::move(counts_);
    result->prefix_counts = std::move(prefix_counts_);
  }

 private:
  size_t prefix_;
  size_t record_ = 0;
  std::vector<uint64_t> counts_;
  std::vector<uint64_t> prefix_counts_;
  std::vector<size_t> last_record_;
};

// Times options.repeat passes of a raw method over every text value of every record:
// `scan(record, text, &counter, reason)` counts the patterns found in one value and returns false
// (with *reason set) when the method fails. The last pass's counts go into *result.
template <typename Scan>
void TimeCountedPasses(const Workload& w, size_t patterns, size_t prefix, const Options& options,
                       MethodResult* result, Scan scan) {
  TimePasses(options.repeat, result, [&](std::string* reason) {
    MatchCounter counter(patterns, prefix);
    for (size_t r = 0; r < w.records.size(); ++r) {
      counter.StartRecord(r);
      for (size_t t = 0; t < w.records[r].text_count; ++t) {
        if (!scan(r, w.text(w.records[r], t), &counter, reason)) return false;
      }
    }
    counter.Finish(result);
    return true;
  });
}

RE2::Options RawOptions() {
  RE2::Options options;  // UTF-8, as the engine compiles its atoms
  options.set_log_errors(false);
  return options;
}

// ---- (a) naive -----------------------------------------------------------------------------

MethodResult RunNaive(const Workload& w, const std::vector<std::string>& patterns,
                      const Options& options) {
  MethodResult result;
  result.name = "naive";
  const size_t limit =
      options.naive_limit == 0 ? w.records.size() : std::min(options.naive_limit, w.records.size());
  const Clock::time_point start = Clock::now();
  std::vector<std::unique_ptr<RE2>> regexes;
  regexes.reserve(patterns.size());
  for (const std::string& p : patterns) regexes.push_back(std::make_unique<RE2>(p, RawOptions()));
  result.compile_s = SecondsSince(start);
  result.records = limit;
  for (size_t r = 0; r < limit; ++r) {
    for (size_t t = 0; t < w.records[r].text_count; ++t)
      result.bytes += w.text(w.records[r], t).size();
  }
  if (limit < w.records.size()) result.note = Format("first %zu records", limit);
  TimePasses(options.repeat, &result, [&](std::string*) {
    MatchCounter counter(regexes.size(), limit);
    for (size_t r = 0; r < limit; ++r) {
      const WorkloadRecord& record = w.records[r];
      counter.StartRecord(r);
      for (size_t p = 0; p < regexes.size(); ++p) {
        for (size_t t = 0; t < record.text_count; ++t) {
          const std::string_view text = w.text(record, t);
          if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regexes[p])) {
            counter.Add(p);
            break;
          }
        }
      }
    }
    counter.Finish(&result);
    return true;
  });
  return result;
}

// ---- (b) set -------------------------------------------------------------------------------

MethodResult RunSet(const Workload& w, const std::vector<std::string>& patterns,
                    const Options& options, size_t prefix) {
  MethodResult result;
  result.name = "set";
  result.records = w.records.size();
  result.bytes = w.text_bytes;
  RE2::Options re_options = RawOptions();
  re_options.set_max_mem(options.set_max_mem_mb << 20);
  const Clock::time_point start = Clock::now();
  RE2::Set set(re_options, RE2::UNANCHORED);
  for (const std::string& p : patterns) {
    std::string error;
    if (set.Add(p, &error) < 0) {
      result.status = "failed";
      result.reason = "RE2::Set::Add rejected a pattern: " + error;
      return result;
    }
  }
  if (!set.Compile()) {
    result.status = "failed";
    result.reason = Format("RE2::Set::Compile failed (program over max_mem %" PRId64 " MB)",
                           options.set_max_mem_mb);
    return result;
  }
  result.compile_s = SecondsSince(start);
  result.json_extra.push_back("\"max_mem_mb\":" + std::to_string(options.set_max_mem_mb));
  std::vector<int> hits;
  TimeCountedPasses(w, patterns.size(), prefix, options, &result,
                    [&](size_t r, std::string_view text, MatchCounter* counter,
                        std::string* reason) {
                      hits.clear();
                      RE2::Set::ErrorInfo info{};
                      if (!set.Match(re2::StringPiece(text.data(), text.size()), &hits, &info)) {
                        if (info.kind == RE2::Set::kNoError) return true;
                        *reason = Format(
                            "RE2::Set::Match failed on record %zu: %s (max_mem %" PRId64 " MB)",
                            r + 1,
                            info.kind == RE2::Set::kOutOfMemory ? "DFA out of memory"
                                                                : "inconsistent or not compiled",
                            options.set_max_mem_mb);
                        return false;
                      }
                      for (int hit : hits) counter->Add(static_cast<size_t>(hit));
                      return true;
                    });
  return result;
}

// ---- filtered ------------------------------------------------------------------------------

MethodResult RunFiltered(const Workload& w, const std::vector<std::string>& patterns,
                         const Options& options, size_t prefix) {
  MethodResult result;
  result.name = "filtered";
  result.records = w.records.size();
  result.bytes = w.text_bytes;
  if (patterns.empty()) {
    result.status = "skipped";
    result.reason = "no patterns";
    return result;
  }
  const Clock::time_point start = Clock::now();
  re2::FilteredRE2 filter(3);
  for (const std::string& p : patterns) {
    int id = 0;
    if (filter.Add(p, RawOptions(), &id) != RE2::NoError) {
      result.status = "failed";
      result.reason = "FilteredRE2::Add rejected a pattern";
      return result;
    }
  }
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  // The atoms are lower-case literals to be found in the lower-cased text. Matching them
  // case-insensitively in the original text finds the same atoms (and, with Unicode case
  // folding, possibly a few more candidates, which the confirming match then drops).
  RE2::Options atom_options = RawOptions();
  atom_options.set_case_sensitive(false);
  atom_options.set_max_mem(options.set_max_mem_mb << 20);
  RE2::Set atom_set(atom_options, RE2::UNANCHORED);
  for (const std::string& atom : atoms) {
    std::string error;
    if (atom_set.Add(RE2::QuoteMeta(atom), &error) < 0) {
      result.status = "failed";
      result.reason = "atom set rejected an atom: " + error;
      return result;
    }
  }
  if (!atoms.empty() && !atom_set.Compile()) {
    result.status = "failed";
    result.reason = "the atom RE2::Set failed to compile";
    return result;
  }
  result.compile_s = SecondsSince(start);
  result.json_extra.push_back("\"atoms\":" + std::to_string(atoms.size()));
  result.note = Format("%zu atoms", atoms.size());
  std::vector<int> atom_hits;
  std::vector<int> matched;
  TimeCountedPasses(w, patterns.size(), prefix, options, &result,
                    [&](size_t r, std::string_view text, MatchCounter* counter,
                        std::string* reason) {
                      const re2::StringPiece piece(text.data(), text.size());
                      atom_hits.clear();
                      if (!atoms.empty()) {
                        RE2::Set::ErrorInfo info{};
                        if (!atom_set.Match(piece, &atom_hits, &info) &&
                            info.kind != RE2::Set::kNoError) {
                          *reason = Format("atom RE2::Set::Match failed on record %zu", r + 1);
                          return false;
                        }
                      }
                      matched.clear();
                      filter.AllMatches(piece, atom_hits, &matched);
                      for (int m : matched) counter->Add(static_cast<size_t>(m));
                      return true;
                    });
  return result;
}

// ---- (c) hyperscan -------------------------------------------------------------------------

#ifdef TRIAGE_BENCH_HAVE_HYPERSCAN
// UTF-8 mode for patterns that need it: non-ASCII bytes, Unicode properties or code points.
bool NeedsUtf8(const std::string& pattern) {
  for (char c : pattern) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return pattern.find("\\p") != std::string::npos || pattern.find("\\P") != std::string::npos ||
         pattern.find("\\x{") != std::string::npos;
}

int OnHyperscanMatch(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/,
                     unsigned int /*flags*/, void* context) {
  static_cast<MatchCounter*>(context)->Add(id);
  return 0;
}
#endif

MethodResult RunHyperscan(const Workload& w, const std::vector<std::string>& patterns,
                          const Options& options, size_t prefix) {
  MethodResult result;
  result.name = "hyperscan";
  result.records = w.records.size();
  result.bytes = w.text_bytes;
#ifndef TRIAGE_BENCH_HAVE_HYPERSCAN
  (void)w;
  (void)patterns;
  (void)options;
  (void)prefix;
  result.status = "unavailable";
  result.reason =
      "built without Hyperscan (libhs was not found when configuring; "
      "install libhyperscan-dev and reconfigure)";
  return result;
#else
  if (hs_valid_platform() != HS_SUCCESS) {
    result.status = "unavailable";
    result.reason = "Hyperscan does not support this CPU (needs SSSE3)";
    return result;
  }
  // Each pattern alone first, to find the ones Hyperscan rejects.
  std::vector<unsigned> accepted;
  std::vector<unsigned> flags(patterns.size(), 0);
  std::vector<std::string> rejected;
  const Clock::time_point probe_start = Clock::now();
  for (size_t i = 0; i < patterns.size(); ++i) {
    flags[i] = HS_FLAG_SINGLEMATCH | (NeedsUtf8(patterns[i]) ? HS_FLAG_UTF8 : 0U);
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile(patterns[i].c_str(), flags[i], HS_MODE_BLOCK, nullptr, &db, &error) ==
        HS_SUCCESS) {
      accepted.push_back(static_cast<unsigned>(i));
      hs_free_database(db);
    } else {
      rejected.push_back(Format("{\"pattern\":%zu,\"error\":", i + 1) +
                         JsonString(error != nullptr ? error->message : "?") + "}");
      hs_free_compile_error(error);
    }
  }
  const double probe_s = SecondsSince(probe_start);
  result.json_extra.push_back("\"accepted\":" + std::to_string(accepted.size()));
  result.json_extra.push_back("\"rejected\":" + std::to_string(rejected.size()));
  std::string rejected_json = "\"rejected_patterns\":[";
  for (size_t i = 0; i < rejected.size(); ++i) rejected_json += (i ? "," : "") + rejected[i];
  result.json_extra.push_back(rejected_json + "]");
  result.json_extra.push_back("\"probe_s\":" + JsonNumber(probe_s));
  result.note = Format("%zu/%zu patterns accepted", accepted.size(), patterns.size());
  if (accepted.empty()) {
    result.status = "failed";
    result.reason = "Hyperscan accepted none of the patterns";
    return result;
  }

  std::vector<const char*> expressions;
  std::vector<unsigned> accepted_flags;
  for (unsigned i : accepted) {
    expressions.push_back(patterns[i].c_str());
    accepted_flags.push_back(flags[i]);
  }
  const Clock::time_point start = Clock::now();
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), accepted_flags.data(), accepted.data(),
                       static_cast<unsigned>(accepted.size()), HS_MODE_BLOCK, nullptr, &db,
                       &error) != HS_SUCCESS) {
    result.status = "failed";
    result.reason = std::string("hs_compile_multi: ") + (error != nullptr ? error->message : "?");
    hs_free_compile_error(error);
    return result;
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    hs_free_database(db);
    result.status = "failed";
    result.reason = "hs_alloc_scratch failed";
    return result;
  }
  result.compile_s = SecondsSince(start);
  size_t db_bytes = 0;
  if (hs_database_size(db, &db_bytes) == HS_SUCCESS) {
    result.json_extra.push_back("\"database_bytes\":" + std::to_string(db_bytes));
  }
  TimeCountedPasses(w, patterns.size(), prefix, options, &result,
                    [&](size_t r, std::string_view text, MatchCounter* counter,
                        std::string* reason) {
                      if (hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
                                  OnHyperscanMatch, counter) != HS_SUCCESS) {
                        *reason = Format("hs_scan failed on record %zu", r + 1);
                        return false;
                      }
                      return true;
                    });
  hs_free_scratch(scratch);
  hs_free_database(db);
  // Only the accepted patterns can match: record which, for the comparison with naive.
  std::vector<char> is_accepted(patterns.size(), 0);
  for (unsigned i : accepted) is_accepted[i] = 1;
  for (size_t i = 0; i < result.counts.size(); ++i) {
    if (is_accepted[i] == 0) result.counts[i] = result.prefix_counts[i] = UINT64_MAX;
  }
  return result;
#endif
}

// ---- (d) engine ----------------------------------------------------------------------------

// The output line for one record, as `triage filter --output decision` writes it.
std::string ScanLine(Scanner* scanner, Decision* decision, const WorkloadRecord& record,
                     uint64_t line_number, uint64_t* fired, uint64_t* errors) {
  Status status = scanner->ScanJson(record.line, decision);
  if (status.ok()) {
    *fired += decision->rules.size();
    return FormatDecisionLine(record.line, *decision, OutputMode::kDecision);
  }
  ++*errors;
  if (status.code() != Status::Code::kInvalidRecord) {
    status = Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  return FormatErrorLine(line_number, decision->id, status);
}

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // microseconds
  size_t n = 0;
};

Percentiles ComputePercentiles(std::vector<uint64_t> ns) {
  Percentiles p;
  p.n = ns.size();
  if (ns.empty()) return p;
  std::sort(ns.begin(), ns.end());
  auto rank = [&](double q) {  // nearest rank
    size_t i = static_cast<size_t>(q * static_cast<double>(ns.size()) + 0.999999);
    i = std::clamp<size_t>(i, 1, ns.size());
    return static_cast<double>(ns[i - 1]) / 1e3;
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.p999 = rank(0.999);
  p.max = static_cast<double>(ns.back()) / 1e3;
  return p;
}

std::string PercentilesJson(const Percentiles& p) {
  return Format(
      "{\"records\":%zu,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}", p.n,
      p.p50, p.p90, p.p99, p.p999, p.max);
}

MethodResult RunEngine(const Workload& w, const Options& options, size_t* rule_count) {
  MethodResult result;
  result.name = "engine";
  result.records = w.records.size();
  result.bytes = w.text_bytes;
  SourceManager sources;
  Diagnostics diagnostics;
  const Clock::time_point start = Clock::now();
  Result<RuleSet> rules = LoadRuleSet(&sources, w.config_path, LoadOptions(), &diagnostics);
  if (!rules.ok()) {
    std::fputs(RenderDiagnostics(diagnostics, sources).c_str(), stderr);
    result.status = "failed";
    result.reason = "the ruleset does not load: " + rules.status().ToString();
    return result;
  }
  result.compile_s = SecondsSince(start);
  *rule_count = rules->rule_count();
  Scanner scanner(*rules);
  Decision decision;
  uint64_t fired = 0;
  uint64_t errors = 0;
  uint64_t output_bytes = 0;
  TimePasses(options.repeat, &result, [&](std::string*) {
    fired = errors = output_bytes = 0;
    for (size_t r = 0; r < w.records.size(); ++r) {
      output_bytes += ScanLine(&scanner, &decision, w.records[r], r + 1, &fired, &errors).size();
    }
    return true;
  });
  if (!result.ok()) return result;
  const double jsonl_mb_s = static_cast<double>(w.jsonl_bytes) / 1e6 / result.median_s;
  result.has_matches = true;
  result.matches = fired;
  result.json_extra.push_back("\"rules\":" + std::to_string(*rule_count));
  result.json_extra.push_back("\"jsonl_mb_per_s\":" + JsonNumber(jsonl_mb_s));
  result.json_extra.push_back("\"rules_fired\":" + std::to_string(fired));
  result.json_extra.push_back("\"errors\":" + std::to_string(errors));
  result.json_extra.push_back("\"output_bytes\":" + std::to_string(output_bytes));
  result.note = Format("JSONL %.1f MB/s; matches = rules fired", jsonl_mb_s);
  if (errors != 0) result.note += Format("; %" PRIu64 " error lines", errors);

  if (options.latency) {
    // A separate pass, so that the clock reads do not weigh on the throughput passes.
    std::vector<uint64_t> all, sms, report;
    all.reserve(w.records.size());
    for (size_t r = 0; r < w.records.size(); ++r) {
      const Clock::time_point t0 = Clock::now();
      const size_t size =
          ScanLine(&scanner, &decision, w.records[r], r + 1, &fired, &errors).size();
      const auto ns = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
      output_bytes += size;
      all.push_back(ns);
      (w.records[r].sms ? sms : report).push_back(ns);
    }
    const Percentiles p_all = ComputePercentiles(all);
    const Percentiles p_sms = ComputePercentiles(std::move(sms));
    const Percentiles p_report = ComputePercentiles(std::move(report));
    result.json_extra.push_back("\"latency_us\":{\"all\":" + PercentilesJson(p_all) +
                                ",\"sms\":" + PercentilesJson(p_sms) +
                                ",\"report\":" + PercentilesJson(p_report) + "}");
    result.detail = "engine latency per record (us, one pass, ScanJson + FormatDecisionLine):\n";
    for (const auto& [label, p] : {std::pair<const char*, const Percentiles&>{"all", p_all},
                                   {"sms", p_sms},
                                   {"report", p_report}}) {
      if (p.n == 0) continue;
      result.detail += Format(
          "  %-7s %8zu records  p50 %8.2f  p90 %8.2f  p99 %8.2f  p99.9 %8.2f"
          "  max %9.2f\n",
          label, p.n, p.p50, p.p90, p.p99, p.p999, p.max);
    }
  }
  return result;
}

// ---- (e) process ---------------------------------------------------------------------------

MethodResult RunProcess(const Workload& w, const Options& options) {
  MethodResult result;
  result.name = "process";
  result.records = w.records.size();
  result.bytes = w.text_bytes;
  if (options.triage_binary.empty() || access(options.triage_binary.c_str(), X_OK) != 0) {
    result.status = "unavailable";
    result.reason = options.triage_binary.empty()
                        ? "no triage binary (built without the CLI; pass --triage PATH)"
                        : "cannot execute " + options.triage_binary;
    return result;
  }
  {
    // `triage filter` exits 1 both for records with errors (a complete run) and for a ruleset
    // that does not load (no run at all): tell them apart before timing anything.
    SourceManager sources;
    Diagnostics diagnostics;
    if (!LoadRuleSet(&sources, w.config_path, LoadOptions(), &diagnostics).ok()) {
      result.status = "failed";
      result.reason = "the ruleset does not load";
      return result;
    }
  }
  const std::string jobs = std::to_string(options.jobs);
  const std::string input = w.dir + "/records.jsonl";
  std::vector<std::string> args = {options.triage_binary,
                                   "filter",
                                   "--config",
                                   w.config_path,
                                   "--jobs",
                                   jobs,
                                   "--output",
                                   "decision",
                                   input};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  char stderr_path[] = "/tmp/triage_compare_stderr_XXXXXX";
  const int stderr_fd = mkstemp(stderr_path);
  if (stderr_fd < 0) {
    result.status = "failed";
    result.reason = "cannot create a temporary file";
    return result;
  }
  close(stderr_fd);
  double user_s = 0;
  int exit_code = 0;
  TimePasses(options.repeat, &result, [&](std::string* reason) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path, O_WRONLY | O_TRUNC, 0);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      *reason = "posix_spawn: " + std::string(std::strerror(spawned));
      return false;
    }
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) < 0) {
      *reason = "wait4 failed";
      return false;
    }
    user_s = static_cast<double>(usage.ru_utime.tv_sec) +
             static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // Exit 1 is "some records had errors" (their error lines were written): a complete run.
    if (exit_code > 1) {
      *reason = Format("triage filter exited with %d (stderr in %s)", exit_code, stderr_path);
      return false;
    }
    return true;
  });
  if (result.ok()) unlink(stderr_path);
  result.json_extra.push_back("\"jobs\":" + std::to_string(options.jobs));
  result.json_extra.push_back("\"exit_code\":" + std::to_string(exit_code));
  result.json_extra.push_back("\"user_s_last_pass\":" + JsonNumber(user_s));
  if (result.ok()) {
    const double jsonl_mb_s = static_cast<double>(w.jsonl_bytes) / 1e6 / result.median_s;
    result.json_extra.push_back("\"jsonl_mb_per_s\":" + JsonNumber(jsonl_mb_s));
    result.note = Format("--jobs %d, JSONL %.1f MB/s, start-up and compile included", options.jobs,
                         jsonl_mb_s);
  }
  return result;
}

// ---- checks and output ---------------------------------------------------------------------

// Compares `method`'s per-pattern counts with naive's (over naive's records). Returns the number
// of patterns that differ (patterns marked UINT64_MAX are skipped) and describes the first few.
size_t CompareCounts(const MethodResult& naive, const MethodResult& method,
                     std::string* description) {
  size_t differing = 0;
  for (size_t i = 0; i < naive.counts.size() && i < method.prefix_counts.size(); ++i) {
    const uint64_t theirs = method.prefix_counts[i];
    if (theirs == UINT64_MAX || theirs == naive.counts[i]) continue;
    if (++differing <= 5) {
      *description += Format(" #%zu (naive %" PRIu64 ", %s %" PRIu64 ")", i + 1, naive.counts[i],
                             method.name.c_str(), theirs);
    }
  }
  return differing;
}

std::string Figure(double v) {
  if (v >= 1e6) return Format("%.3g M", v / 1e6);
  if (v >= 1e4) return Format("%.0f k", v / 1e3);
  return Format("%.1f", v);
}

std::string Duration(double s) {
  if (s < 0) return "-";
  if (s < 1e-3) return Format("%.1f us", s * 1e6);
  if (s < 1) return Format("%.1f ms", s * 1e3);
  return Format("%.2f s", s);
}

void Usage(FILE* out) {
  std::fputs(
      "usage: triage_compare DIR [options]\n"
      "  Runs the engine and the raw multi-pattern baselines on the workload in DIR\n"
      "  (DIR/triage.yaml + rules, DIR/patterns.txt, DIR/records.jsonl); see bench/README.md.\n"
      "options:\n"
      "  --methods LIST     comma-separated, in run order (default: all):\n"
      "                     naive,set,filtered,hyperscan,engine,process\n"
      "  --repeat N         timed passes per method, the median is reported (default 5)\n"
      "  --json FILE        also write the figures as JSON to FILE\n"
      "  --latency          per-record latency of the engine (p50/p90/p99/p99.9/max), in a\n"
      "                     separate pass, for all records, SMS and reports\n"
      "  --naive-limit N    naive scans only the first N records (it is by far the slowest)\n"
      "  --set-max-mem MB   max_mem of the RE2::Set and the atom set (default 1024)\n"
      "  --jobs N           --jobs of the `triage filter` process (default 1)\n"
      "  --triage PATH      the triage binary for the process method (default: the build's)\n",
      out);
}

bool ParseCount(const char* text, long min, long* value) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < min) return false;
  *value = v;
  return true;
}

// Returns 0 on success, 2 on a usage error (after printing it), -1 for --help.
int ParseArgs(int argc, char** argv, Options* options) {
#ifdef TRIAGE_BENCH_TRIAGE_BINARY
  options->triage_binary = TRIAGE_BENCH_TRIAGE_BINARY;
#endif
  std::string methods;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char** out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "triage_compare: %s needs a value\n", arg.c_str());
        return false;
      }
      *out = argv[++i];
      return true;
    };
    const char* v = nullptr;
    long n = 0;
    if (arg == "-h" || arg == "--help") {
      Usage(stdout);
      return -1;
    } else if (arg == "--latency") {
      options->latency = true;
    } else if (arg == "--methods") {
      if (!value(&v)) return 2;
      methods = v;
    } else if (arg == "--json") {
      if (!value(&v)) return 2;
      options->json_path = v;
    } else if (arg == "--triage") {
      if (!value(&v)) return 2;
      options->triage_binary = v;
    } else if (arg == "--repeat" || arg == "--naive-limit" || arg == "--jobs" ||
               arg == "--set-max-mem") {
      if (!value(&v)) return 2;
      if (!ParseCount(v, arg == "--naive-limit" ? 0 : 1, &n)) {
        std::fprintf(stderr, "triage_compare: %s expects a positive number\n", arg.c_str());
        return 2;
      }
      if (arg == "--repeat") options->repeat = static_cast<int>(n);
      if (arg == "--naive-limit") options->naive_limit = static_cast<size_t>(n);
      if (arg == "--jobs") options->jobs = static_cast<int>(n);
      if (arg == "--set-max-mem") options->set_max_mem_mb = n;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "triage_compare: unknown option %s\n", arg.c_str());
      Usage(stderr);
      return 2;
    } else if (options->dir.empty()) {
      options->dir = arg;
    } else {
      std::fprintf(stderr, "triage_compare: one workload directory only\n");
      return 2;
    }
  }
  if (options->dir.empty()) {
    Usage(stderr);
    return 2;
  }
  if (methods.empty()) {
    options->methods.assign(std::begin(kAllMethods), std::end(kAllMethods));
  } else {
    size_t start = 0;
    while (start <= methods.size()) {
      size_t end = methods.find(',', start);
      if (end == std::string::npos) end = methods.size();
      const std::string name = methods.substr(start, end - start);
      if (std::find(std::begin(kAllMethods), std::end(kAllMethods), name) ==
          std::end(kAllMethods)) {
        std::fprintf(stderr, "triage_compare: unknown method '%s'\n", name.c_str());
        return 2;
      }
      options->methods.push_back(name);
      start = end + 1;
    }
  }
  return 0;
}

int Main(int argc, char** argv) {
  Options options;
  if (const int parsed = ParseArgs(argc, argv, &options); parsed != 0) {
    return parsed < 0 ? 0 : parsed;
  }
  Workload w;
  std::string error;
  const bool need_patterns =
      std::any_of(options.methods.begin(), options.methods.end(),
                  [](const std::string& m) { return m != "engine" && m != "process"; });
  if (!LoadWorkload(options.dir, need_patterns, &w, &error)) {
    std::fprintf(stderr, "triage_compare: %s\n", error.c_str());
    return 1;
  }
  // Patterns RE2 rejects are reported and left out of every raw method.
  std::vector<std::string> patterns;
  size_t invalid_patterns = 0;
  for (size_t i = 0; i < w.patterns.size(); ++i) {
    RE2 re(w.patterns[i], RawOptions());
    if (re.ok()) {
      patterns.push_back(w.patterns[i]);
    } else {
      ++invalid_patterns;
      std::fprintf(stderr, "triage_compare: patterns.txt:%zu: RE2 rejects it (%s); left out\n",
                   i + 1, re.error().c_str());
    }
  }
  const size_t prefix =
      options.naive_limit == 0 ? w.records.size() : std::min(options.naive_limit, w.records.size());

  std::printf(
      "workload  %s: %zu records (%zu SMS, %zu reports), %.3f MB of text, %.3f MB JSONL;"
      " %zu patterns\n",
      options.dir.c_str(), w.records.size(), w.sms_records, w.records.size() - w.sms_records,
      static_cast<double>(w.text_bytes) / 1e6, static_cast<double>(w.jsonl_bytes) / 1e6,
      patterns.size());
  std::fflush(stdout);

  std::vector<MethodResult> results;
  size_t rule_count = 0;
  for (const std::string& method : options.methods) {
    std::fprintf(stderr, "triage_compare: running %s\n", method.c_str());
    if (method == "naive") results.push_back(RunNaive(w, patterns, options));
    if (method == "set") results.push_back(RunSet(w, patterns, options, prefix));
    if (method == "filtered") results.push_back(RunFiltered(w, patterns, options, prefix));
    if (method == "hyperscan") results.push_back(RunHyperscan(w, patterns, options, prefix));
    if (method == "engine") results.push_back(RunEngine(w, options, &rule_count));
    if (method == "process") results.push_back(RunProcess(w, options));
  }
  auto find = [&](const char* name) -> const MethodResult* {
    for (const MethodResult& r : results) {
      if (r.name == name && r.ok()) return &r;
    }
    return nullptr;
  };
  const MethodResult* naive = find("naive");
  const MethodResult* engine = find("engine");

  // The table.
  std::printf("passes    %d per method, median reported; MB = 10^6 bytes of text scanned%s\n\n",
              options.repeat, rule_count != 0 ? Format("; %zu rules", rule_count).c_str() : "");
  std::printf("%-10s %-7s %10s %11s %11s %12s %9s %9s %9s  %s\n", "method", "status", "compile",
              "median", "cpu median", "records/s", "MB/s", "matches", "x naive", "notes");
  for (const MethodResult& r : results) {
    if (!r.ok()) {
      std::printf("%-10s %-7s %s\n", r.name.c_str(), r.status.c_str(), r.reason.c_str());
      continue;
    }
    const std::string vs_naive = naive != nullptr && r.records_per_s() > 0
                                     ? Format("%.2f", r.records_per_s() / naive->records_per_s())
                                     : "-";
    std::printf("%-10s %-7s %10s %11s %11s %12s %9.2f %9s %9s  %s\n", r.name.c_str(), "ok",
                Duration(r.compile_s).c_str(), Duration(r.median_s).c_str(),
                Duration(r.cpu_median_s).c_str(), Figure(r.records_per_s()).c_str(), r.mb_per_s(),
                r.has_matches ? std::to_string(r.matches).c_str() : "-", vs_naive.c_str(),
                r.note.c_str());
  }

  // Ratios: records/s of the engine (and the process) over each baseline's.
  // The engine against every baseline; the process against naive and the in-process engine.
  std::vector<std::pair<std::string, double>> ratios;
  const std::pair<const char*, const char*> pairs[] = {
      {"engine", "naive"},     {"engine", "set"},    {"engine", "filtered"},
      {"engine", "hyperscan"}, {"process", "naive"}, {"process", "engine"}};
  for (const auto& [who, base] : pairs) {
    const MethodResult* a = find(who);
    const MethodResult* b = find(base);
    if (a == nullptr || b == nullptr || b->records_per_s() <= 0) continue;
    ratios.emplace_back(std::string(who) + "_vs_" + base, a->records_per_s() / b->records_per_s());
  }
  if (!ratios.empty()) {
    std::printf("\nratios (records/s of the first over the second):\n");
    for (const auto& [name, value] : ratios) std::printf("  %-20s %10.3fx\n", name.c_str(), value);
  }
  if (engine != nullptr && !engine->detail.empty()) {
    std::printf("\n%s", engine->detail.c_str());
  }

  // The engine and the process must run; a baseline that fails (a set out of memory) is a result.
  int exit_code = 0;
  for (const MethodResult& r : results) {
    if ((r.name == "engine" || r.name == "process") && r.status == "failed") exit_code = 1;
  }

  // Agreement of the raw methods with naive.
  std::vector<std::pair<std::string, bool>> agreement;
  if (naive != nullptr) {
    std::printf("\n");
    for (const char* name : {"set", "filtered", "hyperscan"}) {
      const MethodResult* r = find(name);
      if (r == nullptr) continue;
      std::string description;
      const size_t differing = CompareCounts(*naive, *r, &description);
      agreement.emplace_back(name, differing == 0);
      const char* scope = std::string(name) == "hyperscan" ? " (on the patterns it accepted)" : "";
      if (differing == 0) {
        std::printf("agreement %s = naive on every pattern's match count%s\n", name, scope);
      } else {
        std::printf("DISAGREEMENT %s vs naive%s: %zu patterns differ:%s%s\n", name, scope,
                    differing, description.c_str(), differing > 5 ? " ..." : "");
        if (std::string(name) != "hyperscan") exit_code = 1;
      }
    }
  }

  if (!options.json_path.empty()) {
    std::string json = "{\"tool\":\"triage_compare\",\"format\":1";
    json += ",\"workload\":" + JsonString(options.dir);
    json +=
        Format(",\"records\":%zu,\"sms_records\":%zu,\"report_records\":%zu,\"text_values\":%zu",
               w.records.size(), w.sms_records, w.records.size() - w.sms_records, w.texts.size());
    json += Format(
        ",\"text_bytes\":%zu,\"jsonl_bytes\":%zu,\"patterns\":%zu,"
        "\"invalid_patterns\":%zu,\"rules\":%zu,\"repeat\":%d,\"engine_version\":",
        w.text_bytes, w.jsonl_bytes, patterns.size(), invalid_patterns, rule_count, options.repeat);
    json += JsonString(EngineVersion());
    json += ",\"methods\":{";
    for (size_t i = 0; i < results.size(); ++i) {
      const MethodResult& r = results[i];
      json += (i ? "," : "") + JsonString(r.name) + ":{\"status\":" + JsonString(r.status);
      if (!r.ok()) json += ",\"reason\":" + JsonString(r.reason);
      if (r.ok()) {
        json +=
            ",\"compile_s\":" + (r.compile_s < 0 ? std::string("null") : JsonNumber(r.compile_s));
        json += ",\"median_s\":" + JsonNumber(r.median_s) + ",\"runs_s\":[";
        for (size_t k = 0; k < r.runs_s.size(); ++k)
          json += (k ? "," : "") + JsonNumber(r.runs_s[k]);
        json += "],\"cpu_median_s\":" + JsonNumber(r.cpu_median_s) + ",\"cpu_runs_s\":[";
        for (size_t k = 0; k < r.cpu_runs_s.size(); ++k)
          json += (k ? "," : "") + JsonNumber(r.cpu_runs_s[k]);
        json += Format("],\"records\":%zu,\"text_bytes\":%zu", r.records, r.bytes);
        json += ",\"records_per_s\":" + JsonNumber(r.records_per_s());
        json += ",\"mb_per_s\":" + JsonNumber(r.mb_per_s());
        json += ",\"matches\":" + (r.has_matches ? std::to_string(r.matches) : std::string("null"));
      }
      for (const std::string& extra : r.json_extra) json += "," + extra;
      json += "}";
    }
    json += "},\"ratios\":{";
    for (size_t i = 0; i < ratios.size(); ++i) {
      json += (i ? "," : "") + JsonString(ratios[i].first) + ":" + JsonNumber(ratios[i].second);
    }
    json += "},\"agreement_with_naive\":{";
    for (size_t i = 0; i < agreement.size(); ++i) {
      json += (i ? "," : "") + JsonString(agreement[i].first) + ":" +
              (agreement[i].second ? "true" : "false");
    }
    json += "}}\n";
    FILE* out = std::fopen(options.json_path.c_str(), "w");
    if (out == nullptr || std::fputs(json.c_str(), out) < 0 || std::fclose(out) != 0) {
      std::fprintf(stderr, "triage_compare: cannot write %s\n", options.json_path.c_str());
      return 1;
    }
  }
  return exit_code;
}

}  // namespace
}  // namespace triage::bench

int main(int argc, char** argv) { return triage::bench::Main(argc, argv); }
