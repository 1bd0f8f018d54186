// SPDX-License-Identifier: Apache-2.0
// Shadow runs and statistics reports; see shadow.h.
#include "shadow.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace triage::cli {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::vector<std::string> CategoryNames(const Decision& d) {
  std::vector<std::string> names;
  for (const CategoryScore& c : d.categories) names.push_back(c.name);
  return names;
}

std::vector<std::string> RuleNames(const Decision& d) {
  std::vector<std::string> names;
  for (const RuleHit& hit : d.rules) names.push_back(hit.rule);
  return names;
}

void WriteStrings(JsonWriter* w, const std::vector<std::string>& items) {
  w->StartArray();
  for (const std::string& item : items) w->String(item.c_str(), static_cast<unsigned>(item.size()));
  w->EndArray();
}

void WriteSide(JsonWriter* w, const char* key, const Decision& d) {
  w->Key(key);
  w->StartObject();
  w->Key("band");
  w->String(d.band.c_str());
  w->Key("score");
  w->Int(d.urgency);
  w->Key("categories");
  WriteStrings(w, CategoryNames(d));
  w->EndObject();
}

// Position of a band in the ruleset's list (0 = most urgent); -1 if unknown.
int BandIndex(const RuleSet& rules, const std::string& band) {
  const auto& bands = rules.config().bands;
  for (size_t i = 0; i < bands.size(); ++i) {
    if (bands[i].name == band) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

ShadowRun::ShadowRun(RuleSet candidate, std::FILE* log, size_t workers)
    : candidate_(std::move(candidate)), log_(log), decisions_(workers) {
  scanners_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) scanners_.emplace_back(candidate_);
}

ShadowRun::~ShadowRun() {
  if (log_ != nullptr) std::fclose(log_);
}

std::unique_ptr<ShadowRun> ShadowRun::Open(RuleSet candidate, const std::string& log_path,
                                           size_t workers) {
  std::FILE* log = nullptr;
  if (!log_path.empty()) {
    log = std::fopen(log_path.c_str(), "wb");
    if (log == nullptr) {
      std::fprintf(stderr, "triage: error: cannot open shadow log '%s': %s\n", log_path.c_str(),
                   std::strerror(errno));
      return nullptr;
    }
  }
  return std::unique_ptr<ShadowRun>(new ShadowRun(std::move(candidate), log, workers));
}

void ShadowRun::StartBatch(size_t count) {
  slots_.assign(count, std::string());
  moves_.assign(count, 0);
  compared_.assign(count, 0);
}

void ShadowRun::Compare(size_t worker, size_t index, uint64_t line, std::string_view json,
                        const Decision& live) {
  Decision& candidate = decisions_[worker];
  compared_[index] = 1;
  const Status status = scanners_[worker].ScanJson(json, &candidate);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("line");
  w.Uint64(line);
  if (live.id) {
    w.Key("id");
    w.String(live.id->c_str(), static_cast<unsigned>(live.id->size()));
  }
  if (!status.ok()) {
    // The candidate refused a record the live ruleset triaged (a stricter field type).
    WriteSide(&w, "live", live);
    w.Key("candidate");
    w.StartObject();
    w.Key("error");
    w.String(status.record_code().c_str());
    w.EndObject();
    w.EndObject();
    slots_[index] = buffer.GetString();
    moves_[index] = 2;
    return;
  }
  const std::vector<std::string> live_rules = RuleNames(live);
  const std::vector<std::string> candidate_rules = RuleNames(candidate);
  const bool same = live.band == candidate.band && live.urgency == candidate.urgency &&
                    CategoryNames(live) == CategoryNames(candidate) &&
                    live_rules == candidate_rules;
  if (same) return;
  const std::set<std::string> before(live_rules.begin(), live_rules.end());
  const std::set<std::string> after(candidate_rules.begin(), candidate_rules.end());
  std::vector<std::string> added;
  std::vector<std::string> removed;
  for (const std::string& r : candidate_rules) {
    if (before.count(r) == 0) added.push_back(r);
  }
  for (const std::string& r : live_rules) {
    if (after.count(r) == 0) removed.push_back(r);
  }
  WriteSide(&w, "live", live);
  WriteSide(&w, "candidate", candidate);
  w.Key("rules_added");
  WriteStrings(&w, added);
  w.Key("rules_removed");
  WriteStrings(&w, removed);
  const int from = BandIndex(candidate_, live.band);
  const int to = BandIndex(candidate_, candidate.band);
  int8_t move = 0;
  if (live.band != candidate.band) move = (to >= 0 && from >= 0 && to < from) ? 1 : -1;
  w.Key("move");
  w.String(move == 0 ? "same_band" : move > 0 ? "more_urgent" : "less_urgent");
  w.EndObject();
  slots_[index] = buffer.GetString();
  moves_[index] = static_cast<int8_t>(move == 0 ? 3 : move);
}

void ShadowRun::FinishBatch() {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (compared_[i] != 0) ++compared_total_;
    if (slots_[i].empty()) continue;
    ++disagreements_;
    switch (moves_[i]) {
      case 1:
        ++band_changes_;
        ++more_urgent_;
        break;
      case -1:
        ++band_changes_;
        ++less_urgent_;
        break;
      case 2:
        ++candidate_errors_;
        break;
      default:
        break;
    }
    if (log_ != nullptr) {
      std::fwrite(slots_[i].data(), 1, slots_[i].size(), log_);
      std::fputc('\n', log_);
    }
  }
  if (log_ != nullptr) std::fflush(log_);
}

std::string ShadowRun::Summary() const {
  return "shadow: " + std::to_string(compared_total_) + " records compared with " +
         candidate_.digest() + ", " + std::to_string(disagreements_) + " disagree (" +
         std::to_string(band_changes_) + " change band: " + std::to_string(more_urgent_) +
         " more urgent, " + std::to_string(less_urgent_) + " less urgent; " +
         std::to_string(candidate_errors_) + " refused by the candidate)";
}

bool WriteStatsReport(const ScanStats& stats, const std::string& ruleset_digest,
                      const std::string& path) {
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
  w.EndObject();
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "triage: error: cannot write stats '%s': %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  std::fputs(buffer.GetString(), out);
  std::fputc('\n', out);
  return std::fclose(out) == 0;
}

}  // namespace triage::cli
