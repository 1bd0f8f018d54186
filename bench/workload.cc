// SPDX-License-Identifier: Apache-2.0
// Reading a workload directory; see workload.h. Records are parsed with simdjson once, at load
// time, which no benchmark measures.
#include "workload.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace triage::bench {
namespace {

bool ReadFile(const std::string& path, std::string* text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

// Calls `fn` for every line of `text` (without '\n' or a trailing '\r'), empty ones included.
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    start = end + 1;
  }
}

}  // namespace

bool LoadWorkload(const std::string& dir, bool with_patterns, Workload* workload,
                  std::string* error) {
  Workload& w = *workload;
  w = Workload();
  w.dir = dir;
  w.config_path = dir + "/triage.yaml";
  if (!ReadFile(dir + "/records.jsonl", &w.jsonl, error)) return false;
  if (with_patterns) {
    std::string patterns;
    if (!ReadFile(dir + "/patterns.txt", &patterns, error)) return false;
    ForEachLine(patterns, [&](std::string_view line) {
      if (!line.empty()) w.patterns.emplace_back(line);
    });
  }

  simdjson::dom::parser parser;
  ForEachLine(w.jsonl, [&](std::string_view line) {
    if (line.empty()) return;
    WorkloadRecord record;
    record.line = line;
    record.first_text = w.texts.size();
    w.jsonl_bytes += line.size() + 1;
    simdjson::dom::object object;
    if (parser.parse(line.data(), line.size()).get(object) == simdjson::SUCCESS) {
      bool has_summary = false;
      bool has_body = false;
      for (const char* key : {"summary", "body"}) {
        std::string_view value;
        if (object[key].get(value) != simdjson::SUCCESS) continue;
        w.texts.emplace_back(value);
        w.text_bytes += value.size();
        (key[0] == 's' ? has_summary : has_body) = true;
      }
      std::string_view kind;
      if (object["kind"].get(kind) == simdjson::SUCCESS) {
        record.sms = kind == "sms";
      } else {
        record.sms = has_body && !has_summary;
      }
    }
    record.text_count = w.texts.size() - record.first_text;
    if (record.sms) ++w.sms_records;
    w.records.push_back(record);
  });
  return true;
}

}  // namespace triage::bench
