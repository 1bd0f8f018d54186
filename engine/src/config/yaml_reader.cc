// SPDX-License-Identifier: Apache-2.0
// Positions and key checks shared by the YAML readers (yaml_reader.h).

#include "config/yaml_reader.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "triage/diagnostic.h"
#include "triage/source.h"

#include "util/spelling.h"

namespace triage::internal {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

uint32_t YamlMarkOffset(const SourceFile& source, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return 0;
  auto column = static_cast<uint32_t>(mark.column) + 1;
  // yaml-cpp skips a byte-order mark without counting it.
  if (mark.line == 0 &&
      std::string_view(source.text()).substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    column += static_cast<uint32_t>(kByteOrderMark.size());
  }
  return source.Offset(static_cast<uint32_t>(mark.line) + 1, column);
}

std::string ClosestYamlName(std::string_view name,
                            const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_distance = kMaxYamlSuggestionDistance + 1;
  for (std::string_view candidate : candidates) {
    const size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return std::string(best);
}

std::vector<YamlEntry> ReadYamlMapEntries(
    const YAML::Node& map, const std::vector<std::string_view>& known, const std::string& where,
    const std::function<SourceSpan(const YAML::Node&)>& key_span,
    const std::function<std::string(const YAML::Node&)>& describe, FileId file,
    Diagnostics* diagnostics) {
  std::vector<YamlEntry> entries;
  // Hashed, so that a map of many keys (100,000 fields) is read in linear time.
  std::unordered_map<std::string, SourceSpan> seen;
  const std::string in = where.empty() ? std::string() : " in '" + where + "'";
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key_node = it->first;
    const SourceSpan span = key_span(key_node);
    if (!key_node.IsScalar()) {
      diagnostics->Error("wrong-type", "expected a key name" + in + ", found " + describe(key_node),
                         file, span);
      continue;
    }
    const std::string& key = key_node.Scalar();
    const auto [previous, inserted] = seen.emplace(key, span);
    if (!inserted) {
      std::string message = "duplicate key '" + key + "'";
      diagnostics->Error("duplicate-key", message.append(in), file, span);
      diagnostics->Note("first given here", file, previous->second);
      continue;
    }
    if (!known.empty() && std::find(known.begin(), known.end(), key) == known.end()) {
      std::string message = "unknown key '" + key + "'";
      diagnostics->Error("unknown-key", message.append(in), file, span);
      const std::string suggestion = ClosestYamlName(key, known);
      if (!suggestion.empty()) {
        diagnostics->Note("did you mean '" + suggestion + "'?", file, span);
      }
      continue;
    }
    entries.push_back(YamlEntry{key, it->second, span});
  }
  return entries;
}

}  // namespace triage::internal
