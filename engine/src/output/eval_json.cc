// SPDX-License-Identifier: Apache-2.0
// The JSON form of an EvalReport (triage/evaluation.h), written with rapidjson's Writer.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/config.h"
#include "triage/evaluation.h"

#include "output/json_strings.h"

namespace triage {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteRatio(JsonWriter* w, const std::optional<double>& value) {
  if (value) {
    w->Double(*value);
  } else {
    w->Null();
  }
}

void WriteStrings(JsonWriter* w, const std::vector<std::string>& names) {
  internal::WriteStringArray(w, names);
}

void WriteKey(JsonWriter* w, const char* key) { w->Key(key); }

void WriteMetrics(JsonWriter* w, const CategoryMetrics& m) {
  w->StartObject();
  WriteKey(w, "name");
  w->String(m.name.c_str(), m.name.size());
  WriteKey(w, "support");
  w->Uint64(m.support);
  WriteKey(w, "decided");
  w->Uint64(m.decided);
  WriteKey(w, "tp");
  w->Uint64(m.tp);
  WriteKey(w, "fp");
  w->Uint64(m.fp);
  WriteKey(w, "fn");
  w->Uint64(m.fn);
  WriteKey(w, "precision");
  WriteRatio(w, m.precision);
  WriteKey(w, "recall");
  WriteRatio(w, m.recall);
  WriteKey(w, "f1");
  WriteRatio(w, m.f1);
  w->EndObject();
}

void WritePoint(JsonWriter* w, const SweepPoint& p) {
  w->StartObject();
  WriteKey(w, "value");
  w->Int(p.threshold);
  WriteKey(w, "reached");
  w->Uint64(p.reached);
  WriteKey(w, "recall");
  WriteRatio(w, p.recall);
  WriteKey(w, "load");
  w->Uint64(p.load);
  w->EndObject();
}

void WriteString(JsonWriter* w, const char* key, const std::string& value) {
  w->Key(key);
  w->String(value.c_str(), value.size());
}

void WriteCount(JsonWriter* w, const char* key, uint64_t value) {
  w->Key(key);
  w->Uint64(value);
}

}  // namespace

std::string EvalReportToJson(const EvalReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteString(&w, "ruleset", report.ruleset);
  WriteString(&w, "config", report.config_path);
  WriteString(&w, "input", report.input_name);
  WriteString(&w, "labels", report.labels_path);
  w.Key("bands");
  w.StartArray();
  for (const UrgencyBand& band : report.bands) {
    w.StartObject();
    WriteString(&w, "name", band.name);
    w.Key("min");
    w.Int(band.min);
    w.EndObject();
  }
  w.EndArray();

  w.Key("under_triage");
  w.StartObject();
  WriteString(&w, "urgent_band", report.bands[report.urgent_band].name);
  WriteCount(&w, "expected_urgent", report.expected_urgent);
  WriteCount(&w, "count", report.under_triage.size());
  w.Key("records");
  w.StartArray();
  for (const UnderTriaged& u : report.under_triage) {
    w.StartObject();
    WriteString(&w, "id", u.id);
    WriteCount(&w, "line", u.line);
    WriteString(&w, "expected", report.bands[u.expected].name);
    WriteString(&w, "decided", report.bands[u.decided].name);
    w.Key("score");
    w.Int(u.score);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  w.Key("categories");
  w.StartObject();
  WriteCount(&w, "records", report.category_labelled);
  WriteString(&w, "fallback", report.fallback);
  w.Key("per_category");
  w.StartArray();
  for (const CategoryMetrics& m : report.categories) WriteMetrics(&w, m);
  w.EndArray();
  w.Key("micro");
  WriteMetrics(&w, report.micro);
  w.Key("macro");
  w.StartObject();
  w.Key("precision");
  WriteRatio(&w, report.macro_precision);
  w.Key("recall");
  WriteRatio(&w, report.macro_recall);
  w.Key("f1");
  WriteRatio(&w, report.macro_f1);
  w.EndObject();
  w.EndObject();

  w.Key("confusion");
  w.StartObject();
  WriteCount(&w, "records", report.band_labelled);
  w.Key("matrix");
  w.StartArray();
  for (const std::vector<size_t>& row : report.confusion) {
    w.StartArray();
    for (size_t count : row) w.Uint64(count);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();

  w.Key("rules");
  w.StartObject();
  WriteCount(&w, "records", report.records);
  w.Key("hits");
  w.StartArray();
  std::vector<std::string> never;
  std::vector<std::string> frequent;
  for (const RuleHitCount& rule : report.rules) {
    w.StartObject();
    WriteString(&w, "rule", rule.name);
    WriteCount(&w, "hits", rule.hits);
    w.Key("enabled");
    w.Bool(rule.enabled);
    w.EndObject();
    if (rule.hits == 0) never.push_back(rule.name);
    if (2 * rule.hits > report.records) frequent.push_back(rule.name);
  }
  w.EndArray();
  w.Key("never_fired");
  WriteStrings(&w, never);
  w.Key("frequent");
  WriteStrings(&w, frequent);
  w.EndObject();

  w.Key("sweep");
  w.StartArray();
  for (const Sweep& sweep : report.sweeps) {
    w.StartObject();
    WriteString(&w, "threshold",
                sweep.kind == Sweep::Kind::kAssignMin ? "assign_min" : sweep.name + ".min");
    if (sweep.kind == Sweep::Kind::kBandFloor) WriteString(&w, "band", sweep.name);
    w.Key("current");
    w.Int(sweep.current);
    WriteCount(&w, "expected", sweep.expected);
    WriteCount(&w, "population", sweep.population);
    w.Key("at_current");
    WritePoint(&w, sweep.at_current);
    w.Key("points");
    w.StartArray();
    for (const SweepPoint& point : sweep.points) WritePoint(&w, point);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();

  w.Key("targets");
  w.StartArray();
  for (const TargetResult& t : report.targets) {
    w.StartObject();
    WriteString(&w, "key", t.target.key);
    w.Key("recall");
    w.Double(t.target.recall);
    const bool band = t.target.kind == RecallTarget::Kind::kBand;
    WriteString(&w, "threshold",
                band ? report.bands[t.target.band].name + ".min" : std::string("assign_min"));
    WriteCount(&w, "expected", t.expected);
    w.Key("current");
    w.Int(t.current);
    w.Key("at_current");
    WritePoint(&w, t.at_current);
    w.Key("best");
    if (t.best) {
      WritePoint(&w, *t.best);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();

  w.Key("corpus");
  w.StartObject();
  WriteCount(&w, "lines", report.lines);
  WriteCount(&w, "records", report.records);
  WriteCount(&w, "errors", report.record_errors);
  WriteCount(&w, "without_id", report.without_id);
  w.Key("duplicate_ids");
  WriteStrings(&w, report.duplicate_ids);
  WriteCount(&w, "labels", report.labels);
  WriteCount(&w, "label_errors", report.label_errors);
  WriteCount(&w, "matched", report.matched);
  WriteCount(&w, "band_labelled", report.band_labelled);
  WriteCount(&w, "category_labelled", report.category_labelled);
  w.Key("records_without_label");
  WriteStrings(&w, report.unlabelled);
  w.Key("labels_without_record");
  WriteStrings(&w, report.orphans);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace triage
