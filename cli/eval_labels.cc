// SPDX-License-Identifier: Apache-2.0
// Labels files (eval_labels.h), parsed with simdjson's DOM API.

#include "eval_labels.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/config.h"

namespace triage::cli {
namespace {

// Blank as `triage filter` defines it: empty or only spaces, tabs and carriage returns.
bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Parses one line into *label. Returns an empty code on success, else the error's code and sets
// *message.
std::string ParseLabel(simdjson::dom::parser* parser, const std::string& text,
                       const EngineConfig& config, const std::vector<std::string>& categories,
                       Label* label, std::string* message) {
  simdjson::dom::element root;
  if (parser->parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    *message = "not valid JSON";
    return "invalid_json";
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    *message = "a label must be a JSON object";
    return "not_an_object";
  }
  simdjson::dom::element value;
  std::string_view string;
  if (object["id"].get(value) != simdjson::SUCCESS) {
    *message = "a label needs an \"id\"";
    return "missing_id";
  }
  if (value.get_string().get(string) != simdjson::SUCCESS || string.empty()) {
    *message = "\"id\" must be a non-empty string";
    return "wrong_type";
  }
  label->id = std::string(string);
  if (object["band"].get(value) == simdjson::SUCCESS) {
    if (value.get_string().get(string) != simdjson::SUCCESS) {
      *message = "\"band\" must be a string (id " + label->id + ")";
      return "wrong_type";
    }
    const std::string band(string);
    size_t index = config.bands.size();
    for (size_t i = 0; i < config.bands.size(); ++i) {
      if (config.bands[i].name == band) index = i;
    }
    if (index == config.bands.size()) {
      *message = "unknown band '" + band + "' (id " + label->id + ")";
      return "unknown_band";
    }
    label->band = index;
  }
  if (object["categories"].get(value) == simdjson::SUCCESS) {
    simdjson::dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      *message = "\"categories\" must be an array of strings (id " + label->id + ")";
      return "wrong_type";
    }
    std::vector<std::string> names;
    for (simdjson::dom::element element : array) {
      if (element.get_string().get(string) != simdjson::SUCCESS) {
        *message = "\"categories\" must be an array of strings (id " + label->id + ")";
        return "wrong_type";
      }
      std::string name(string);
      if (name != config.fallback &&
          std::find(categories.begin(), categories.end(), name) == categories.end()) {
        *message = "unknown category '" + name + "' (id " + label->id + ")";
        return "unknown_category";
      }
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(std::move(name));
      }
    }
    if (names.empty()) {
      *message = R"("categories" is empty; a record with no category is labelled [")" +
                 config.fallback + R"("] (id )" + label->id + ")";
      return "empty_categories";
    }
    label->categories = std::move(names);
  }
  if (!label->band && !label->categories) {
    *message = R"(a label needs "band", "categories" or both (id )" + label->id + ")";
    return "empty_label";
  }
  return {};
}

}  // namespace

bool LoadLabels(const std::string& path, const EngineConfig& config,
                const std::vector<std::string>& categories, LabelSet* labels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "triage: error: cannot open labels '%s': %s\n", path.c_str(),
                 std::strerror(errno));
    return false;
  }
  simdjson::dom::parser parser;
  std::string text;
  uint64_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (IsBlank(text)) continue;
    Label label;
    label.line = number;
    std::string message;
    std::string code = ParseLabel(&parser, text, config, categories, &label, &message);
    if (code.empty() && labels->by_id.count(label.id) != 0) {
      code = "duplicate_id";
      message = "duplicate id " + label.id + " (first on line " +
                std::to_string(labels->labels[labels->by_id[label.id]].line) + ")";
    }
    if (!code.empty()) {
      std::fprintf(stderr, "%s:%llu: error: %s [%s]\n", path.c_str(),
                   static_cast<unsigned long long>(number), message.c_str(), code.c_str());
      ++labels->errors;
      continue;
    }
    labels->by_id.emplace(label.id, labels->labels.size());
    labels->labels.push_back(std::move(label));
  }
  if (in.bad()) {
    std::fprintf(stderr, "triage: error: reading labels '%s' failed\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace triage::cli
