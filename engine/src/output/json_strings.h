// SPDX-License-Identifier: Apache-2.0
// The one way the library writes strings and arrays of strings with a rapidjson Writer: with
// their length (a name is never cut at an embedded NUL). Header-only templates, so that any
// Writer type (compact or pretty) can use them.
#ifndef TRIAGE_OUTPUT_JSON_STRINGS_H_
#define TRIAGE_OUTPUT_JSON_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/rapidjson.h>

namespace triage::internal {

// Writes `text` as a JSON string.
template <typename Writer>
void WriteJsonString(Writer* writer, std::string_view text) {
  writer->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// Writes `key` as an object key.
template <typename Writer>
void WriteJsonKey(Writer* writer, std::string_view key) {
  writer->Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

// Writes `values` as a JSON array of strings.
template <typename Writer>
void WriteStringArray(Writer* writer, const std::vector<std::string>& values) {
  writer->StartArray();
  for (const std::string& value : values) WriteJsonString(writer, value);
  writer->EndArray();
}

}  // namespace triage::internal

#endif  // TRIAGE_OUTPUT_JSON_STRINGS_H_
