// SPDX-License-Identifier: Apache-2.0
// Labels, parsed with simdjson's DOM API (triage/labels.h).

#include "triage/labels.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/band_index.h"
#include "triage/config.h"
#include "triage/status.h"

namespace triage {
namespace {

// Parses one line into *label. Returns an empty code on success, else the error's code and sets
// *message.
std::string ParseLabel(simdjson::dom::parser* parser, std::string_view text,
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
    const std::optional<size_t> index = FindBand(config.bands, band);
    if (!index) {
      *message = "unknown band '" + band + "' (id " + label->id + ")";
      return "unknown_band";
    }
    label->band = *index;
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

struct LabelParser::Impl {
  EngineConfig config;
  std::vector<std::string> categories;
  simdjson::dom::parser parser;
};

LabelParser::LabelParser(const EngineConfig& config, std::vector<std::string> categories)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->categories = std::move(categories);
}

LabelParser::~LabelParser() = default;

Status LabelParser::Add(std::string_view text, uint64_t line, LabelSet* labels) {
  Label label;
  label.line = line;
  std::string message;
  std::string code =
      ParseLabel(&impl_->parser, text, impl_->config, impl_->categories, &label, &message);
  if (code.empty()) {
    const auto found = labels->by_id.find(label.id);
    if (found != labels->by_id.end()) {
      code = "duplicate_id";
      message = "duplicate id " + label.id + " (first on line " +
                std::to_string(labels->labels[found->second].line) + ")";
    }
  }
  if (!code.empty()) return Status::InvalidRecord(std::move(code), std::move(message));
  labels->by_id.emplace(label.id, labels->labels.size());
  labels->labels.push_back(std::move(label));
  return Status::Ok();
}

}  // namespace triage
