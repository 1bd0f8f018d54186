// SPDX-License-Identifier: Apache-2.0
// Shadow runs and statistics reports; see shadow.h.
#include "shadow.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace triage::cli {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

}  // namespace

ShadowRun::ShadowRun(RuleSet candidate, std::FILE* log, size_t workers)
    : candidate_(std::move(candidate)), log_(log), decisions_(workers) {
  scanners_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) scanners_.emplace_back(candidate_);
}

ShadowRun::~ShadowRun() {
  if (log_ != nullptr) std::fclose(log_);
}

Result<std::unique_ptr<ShadowRun>> ShadowRun::Open(RuleSet candidate, const std::string& log_path,
                                                   size_t workers) {
  std::FILE* log = nullptr;
  if (!log_path.empty()) {
    log = std::fopen(log_path.c_str(), "wb");
    if (log == nullptr) {
      return Status::IoError("cannot open shadow log '" + log_path + "': " + std::strerror(errno));
    }
  }
  return std::unique_ptr<ShadowRun>(new ShadowRun(std::move(candidate), log, workers));
}

void ShadowRun::StartBatch(size_t count) {
  slots_.assign(count, std::string());
  outcomes_.assign(count, ShadowOutcome::kAgree);
  compared_.assign(count, 0);
}

void ShadowRun::Compare(size_t worker, size_t index, uint64_t line, std::string_view json,
                        const Decision& live) {
  Decision& candidate = decisions_[worker];
  compared_[index] = 1;
  const Status status = scanners_[worker].ScanJson(json, &candidate);
  ShadowComparison comparison = CompareShadow(candidate_, line, live, status, candidate);
  outcomes_[index] = comparison.outcome;
  slots_[index] = std::move(comparison.log_line);
}

void ShadowRun::FinishBatch() {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (compared_[i] == 0) continue;
    tally_.Add(outcomes_[i]);
    if (slots_[i].empty() || log_ == nullptr) continue;
    std::fwrite(slots_[i].data(), 1, slots_[i].size(), log_);
    std::fputc('\n', log_);
  }
  if (log_ != nullptr) std::fflush(log_);
}

std::string ShadowRun::Summary() const {
  return "shadow: " + std::to_string(tally_.compared) + " records compared with " +
         candidate_.digest() + ", " + std::to_string(tally_.disagreements) + " disagree (" +
         std::to_string(tally_.band_changes) +
         " change band: " + std::to_string(tally_.more_urgent) + " more urgent, " +
         std::to_string(tally_.less_urgent) + " less urgent; " +
         std::to_string(tally_.candidate_errors) + " refused by the candidate)";
}

Status WriteStatsReport(const ScanStats& stats, const std::string& ruleset_digest,
                        const std::string& path, const ConversationCounters* counters,
                        const ConversationStoreStats* store) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("ruleset");
  w.String(ruleset_digest.c_str());
  w.Key("records");
  w.Uint64(stats.records);
  w.Key("parse_ns");
  w.Uint64(stats.parse_ns);
  w.Key("evaluate_ns");
  w.Uint64(stats.evaluate_ns);
  w.Key("fields");
  w.StartArray();
  for (const ScanStats::FieldStats& f : stats.fields) {
    w.StartObject();
    w.Key("field");
    w.String(f.field.c_str());
    w.Key("values");
    w.Uint64(f.values);
    w.Key("bytes");
    w.Uint64(f.bytes);
    w.Key("ns");
    w.Uint64(f.ns);
    w.Key("set_failures");
    w.Uint64(f.set_failures);
    w.EndObject();
  }
  w.EndArray();
  w.Key("rules");
  w.StartArray();
  for (const ScanStats::RuleStats& r : stats.rules) {
    w.StartObject();
    w.Key("rule");
    w.String(r.rule.c_str());
    w.Key("hits");
    w.Uint64(r.hits);
    w.Key("hit_rate");
    w.Double(stats.records == 0 ? 0.0
                                : static_cast<double>(r.hits) / static_cast<double>(stats.records));
    w.EndObject();
  }
  w.EndArray();
  if (counters != nullptr && store != nullptr) {
    const auto count = [&w](const char* key, uint64_t value) {
      w.Key(key);
      w.Uint64(value);
    };
    w.Key("conversations");
    w.StartObject();
    count("messages", counters->messages);
    count("unthreaded", counters->unthreaded);
    count("opened", counters->opened);
    count("keywords", counters->keywords);
    count("opted_out", counters->opted_out);
    count("opted_in", counters->opted_in);
    count("replies", counters->replies);
    count("context_lost", counters->context_lost);
    count("untimed", counters->untimed);
    count("open", store->open);
    count("peak_open", store->peak_open);
    count("remembered", store->remembered);
    count("text_bytes", store->text_bytes);
    count("evicted", store->evicted);
    count("evicted_idle", store->evicted_idle);
    count("forgotten", store->forgotten);
    count("opt_outs_held", store->opt_outs_held);
    count("opt_outs_forgotten", store->opt_outs_forgotten);
    count("partitions", store->partitions);
    w.EndObject();
  }
  w.EndObject();
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    return Status::IoError("cannot write stats '" + path + "': " + std::strerror(errno));
  }
  std::fputs(buffer.GetString(), out);
  std::fputc('\n', out);
  if (std::fclose(out) != 0) return Status::IoError("writing stats '" + path + "' failed");
  return Status::Ok();
}

}  // namespace triage::cli
