// SPDX-License-Identifier: Apache-2.0
// The JSON form of a ComparisonReport (triage/compare.h), written with rapidjson's Writer.

#include <cstddef>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/compare.h"
#include "triage/config.h"
#include "triage/scored_record.h"

#include "output/json_strings.h"

namespace triage {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter* w, const char* key, const std::string& value) {
  w->Key(key);
  internal::WriteJsonString(w, value);
}

void WriteStrings(JsonWriter* w, const char* key, const std::vector<std::string>& values) {
  w->Key(key);
  internal::WriteStringArray(w, values);
}

void WriteSide(JsonWriter* w, const char* key, const std::vector<UrgencyBand>& bands,
               const ScoredRecord& record) {
  w->Key(key);
  w->StartObject();
  WriteString(w, "band", record.band < bands.size() ? bands[record.band].name : "");
  w->Key("score");
  w->Int(record.score);
  WriteStrings(w, "categories", record.categories);
  w->EndObject();
}

void WriteRuleset(JsonWriter* w, const char* key, const std::string& config,
                  const std::string& digest, const std::vector<UrgencyBand>& bands) {
  w->Key(key);
  w->StartObject();
  WriteString(w, "config", config);
  WriteString(w, "ruleset", digest);
  std::vector<std::string> names;
  for (const UrgencyBand& band : bands) names.push_back(band.name);
  WriteStrings(w, "bands", names);
  w->EndObject();
}

}  // namespace

std::string ComparisonReportToJson(const ComparisonReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteRuleset(&w, "base", report.base_config, report.base_digest, report.base_bands);
  WriteRuleset(&w, "head", report.head_config, report.head_digest, report.head_bands);
  w.Key("lines");
  w.Uint64(report.lines);
  w.Key("records");
  w.Uint64(report.records);
  w.Key("errors");
  w.Uint64(report.errors);
  w.Key("changed");
  w.Uint64(report.changes.size());
  w.Key("less_urgent");
  w.Uint64(report.less_urgent);
  w.Key("more_urgent");
  w.Uint64(report.more_urgent);
  w.Key("same_band");
  w.Uint64(report.same_band);
  w.Key("transitions");
  w.StartArray();
  for (const std::vector<size_t>& row : report.transitions) {
    w.StartArray();
    for (size_t count : row) w.Uint64(count);
    w.EndArray();
  }
  w.EndArray();
  w.Key("categories");
  w.StartArray();
  for (const CategoryChange& c : report.categories) {
    w.StartObject();
    WriteString(&w, "name", c.name);
    w.Key("added");
    w.Uint64(c.added);
    w.Key("removed");
    w.Uint64(c.removed);
    w.EndObject();
  }
  w.EndArray();
  w.Key("changes");
  w.StartArray();
  for (const RecordChange& c : report.changes) {
    w.StartObject();
    w.Key("id");
    if (c.base.id) {
      w.String(c.base.id->c_str(), c.base.id->size());
    } else {
      w.Null();
    }
    w.Key("line");
    w.Uint64(c.base.line);
    WriteSide(&w, "base", report.base_bands, c.base);
    WriteSide(&w, "head", report.head_bands, c.head);
    WriteString(&w, "move", BandMoveName(c.move));
    WriteStrings(&w, "rules_added", c.rules_added);
    WriteStrings(&w, "rules_removed", c.rules_removed);
    if (report.labelled) {
      w.Key("label");
      if (c.label_band) {
        w.StartObject();
        WriteString(&w, "band", report.head_bands[*c.label_band].name);
        w.Key("relation");
        if (c.relation == LabelRelation::kNone) {
          w.Null();
        } else {
          w.String(LabelRelationName(c.relation));
        }
        w.EndObject();
      } else {
        w.Null();
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace triage
