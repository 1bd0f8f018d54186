// SPDX-License-Identifier: Apache-2.0
// The YAML-with-positions pieces that the config reader (yaml_config.cc) and the expectation-file
// reader (analyst/expectations.cc) share: yaml-cpp marks turned into byte offsets of the source
// file, the key checks of a map (scalar, not repeated, known — each problem a Diagnostic at the
// key, with a "did you mean" note), and the closest known name for such a note.
//
// Positions: yaml-cpp marks are 0-based (line, column), the column counting bytes; they become
// byte offsets through SourceFile::Offset (+1 each). A leading byte-order mark is not counted by
// yaml-cpp on the first line and is added back.
//
// Pure functions of their arguments; thread-compatible.
#ifndef TRIAGE_CONFIG_YAML_READER_H_
#define TRIAGE_CONFIG_YAML_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "triage/diagnostic.h"
#include "triage/source.h"

namespace triage::internal {

// Unknown keys and names within this many edits of a known one get a "did you mean" note.
inline constexpr size_t kMaxYamlSuggestionDistance = 2;

// One key/value pair of a YAML map that passed the key checks.
struct YamlEntry {
  std::string key;
  YAML::Node value;
  SourceSpan key_span;
};

// Returns the byte offset in `source` of yaml-cpp's `mark` (0 for a null mark).
uint32_t YamlMarkOffset(const SourceFile& source, const YAML::Mark& mark);

// Returns the candidate closest to `name` within kMaxYamlSuggestionDistance edits, or "" if
// none; ties go to the candidate listed first.
std::string ClosestYamlName(std::string_view name, const std::vector<std::string_view>& candidates);

// Returns the entries of `map` whose keys are scalars, not repeated and (unless `known` is
// empty) known; reports the others into *diagnostics against `file`: wrong-type (a key that is
// not a scalar, described by `describe`), duplicate-key (with a note at the first), unknown-key
// (with a "did you mean" note when one is close). `where` names the map in messages ("" for the
// root); `key_span` gives a key's span.
std::vector<YamlEntry> ReadYamlMapEntries(
    const YAML::Node& map, const std::vector<std::string_view>& known, const std::string& where,
    const std::function<SourceSpan(const YAML::Node&)>& key_span,
    const std::function<std::string(const YAML::Node&)>& describe, FileId file,
    Diagnostics* diagnostics);

}  // namespace triage::internal

#endif  // TRIAGE_CONFIG_YAML_READER_H_
