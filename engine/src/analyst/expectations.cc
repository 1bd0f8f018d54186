// SPDX-License-Identifier: Apache-2.0
// Expectation files (triage/expectations.h): yaml-cpp reads the text into a node tree, and a
// CaseReader walks it against the schema of docs/test.md, turning every problem into a Diagnostic
// at the offending node, without stopping at the first. A case's record is turned into JSON here,
// typed with the YAML 1.2 core schema (plain 12 is a number, "12" a string, true a boolean), so
// that the engine maps it with the config's field paths exactly as it maps an input line.
//
// Positions: yaml-cpp marks are 0-based (line, column), the column counting bytes; they become
// byte offsets through SourceFile::Offset (+1 each). A leading byte-order mark is not counted by
// yaml-cpp on the first line and is added back. A key with no value gives the value the mark of
// the next token, so problems with a missing value are reported at the key.
//
// yaml-cpp reports syntax errors by throwing; every exception is caught in this file.

#include "triage/expectations.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "triage/band_index.h"
#include "triage/config.h"
#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

#include "config/yaml_reader.h"

namespace triage {
namespace {

const std::vector<std::string_view>& FileKeys() {
  static const auto* keys = new std::vector<std::string_view>{"config", "cases"};
  return *keys;
}
const std::vector<std::string_view>& CaseKeys() {
  static const auto* keys = new std::vector<std::string_view>{
      "name", "text", "kind", "record", "band", "score", "categories", "rules", "tags", "routes"};
  return *keys;
}
const std::vector<std::string_view>& BoundKeys() {
  static const auto* keys = new std::vector<std::string_view>{"at_least", "at_most"};
  return *keys;
}
const std::vector<std::string_view>& SetKeys() {
  static const auto* keys = new std::vector<std::string_view>{"contains", "exactly", "not"};
  return *keys;
}
const std::vector<std::string_view>& RulesKeys() {
  static const auto* keys = new std::vector<std::string_view>{"fired", "not_fired"};
  return *keys;
}

// Returns the candidate closest to `name` (internal::ClosestYamlName), or empty.
template <typename Container>
std::string Suggest(std::string_view name, const Container& candidates) {
  return internal::ClosestYamlName(
      name, std::vector<std::string_view>(candidates.begin(), candidates.end()));
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// A scalar that YAML types as a string whatever its text: quoted, a block scalar, or !!str.
bool IsStringOnly(const YAML::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

// [-+]?[0-9]+
bool IsDecimalInteger(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), IsAsciiDigit);
}

// The YAML 1.2 core schema's float, finite forms:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? Returns its JSON spelling, or nullopt if `s`
// is not one.
std::optional<std::string> CoreFloatAsJson(std::string_view s) {
  std::string json;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    if (s[i] == '-') json += '-';
    ++i;
  }
  const size_t int_begin = i;
  while (i < s.size() && IsAsciiDigit(s[i])) ++i;
  const std::string_view integer = s.substr(int_begin, i - int_begin);
  std::string_view fraction;
  bool has_point = false;
  if (i < s.size() && s[i] == '.') {
    has_point = true;
    const size_t frac_begin = ++i;
    while (i < s.size() && IsAsciiDigit(s[i])) ++i;
    fraction = s.substr(frac_begin, i - frac_begin);
  }
  if (integer.empty() && fraction.empty()) return std::nullopt;
  std::string exponent;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    exponent += 'e';
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exponent += s[i++];
    const size_t exp_begin = i;
    while (i < s.size() && IsAsciiDigit(s[i])) ++i;
    if (i == exp_begin) return std::nullopt;
    exponent += s.substr(exp_begin, i - exp_begin);
  }
  if (i != s.size()) return std::nullopt;
  // JSON: no leading zeros, a digit on both sides of the point.
  size_t zeros = 0;
  while (zeros + 1 < integer.size() && integer[zeros] == '0') ++zeros;
  json += integer.empty() ? std::string("0") : std::string(integer.substr(zeros));
  if (has_point) json += "." + (fraction.empty() ? std::string("0") : std::string(fraction));
  return json + exponent;
}

void AppendJsonString(std::string_view s, std::string* out) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out->push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 0xF]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string Bracketed(const std::vector<std::string>& names) {
  return "[" + JoinNames(names) + "]";
}

// One key/value pair of a map that passed the key checks (config/yaml_reader.h).
using Entry = internal::YamlEntry;

// Walks the node tree of one expectation file. Not thread-safe; one per file.
class CaseReader {
 public:
  CaseReader(const SourceFile& source, FileId file)
      : source_(source), text_(source.text()), file_(file) {}

  void ReadFile(ExpectationFile* out);

 private:
  uint32_t Offset(const YAML::Mark& mark) const;
  SourceSpan Span(const YAML::Node& node) const;
  // The span of a value, or `key_span` when the value is missing (it then has the next token's
  // mark).
  SourceSpan ValueSpan(const YAML::Node& value, SourceSpan key_span) const {
    return value.IsNull() ? key_span : Span(value);
  }
  static std::string Describe(const YAML::Node& node);

  void Error(Diagnostics* d, const char* code, std::string message, SourceSpan span) const {
    d->Error(code, std::move(message), file_, span);
  }
  void WrongType(Diagnostics* d, const YAML::Node& node, SourceSpan span, std::string_view expected,
                 std::string_view what) const {
    Error(d, "wrong-type",
          "expected " + std::string(expected) + " for '" + std::string(what) + "', found " +
              Describe(node),
          span);
  }

  // Returns the entries of `map` with scalar, distinct and known keys; reports the others.
  std::vector<Entry> Entries(const YAML::Node& map, const std::vector<std::string_view>& known,
                             const std::string& where, Diagnostics* d) const;

  std::optional<std::string> String(const YAML::Node& node, SourceSpan key_span,
                                    const std::string& what, Diagnostics* d) const;
  std::optional<int> Integer(const YAML::Node& node, SourceSpan key_span, const std::string& what,
                             Diagnostics* d) const;
  std::optional<NameRef> Name(const YAML::Node& node, SourceSpan key_span, const std::string& what,
                              Diagnostics* d) const;
  // A list of names; a single name stands for a list of one.
  std::optional<std::vector<NameRef>> Names(const YAML::Node& node, SourceSpan key_span,
                                            const std::string& what, Diagnostics* d) const;

  void ReadCases(const YAML::Node& list, SourceSpan key_span, ExpectationFile* out) const;
  void ReadCase(const YAML::Node& node, size_t index, TestCase* test) const;
  std::optional<BandExpectation> ReadBand(const Entry& entry, Diagnostics* d) const;
  std::optional<ScoreExpectation> ReadScore(const Entry& entry, Diagnostics* d) const;
  std::optional<SetExpectation> ReadSet(const Entry& entry, Diagnostics* d) const;
  std::optional<RulesExpectation> ReadRules(const Entry& entry, Diagnostics* d) const;
  // Appends the JSON form of `node` to *out. Returns false after reporting a problem.
  bool ToJson(const YAML::Node& node, SourceSpan key_span, const std::string& what,
              std::string* out, Diagnostics* d) const;

  const SourceFile& source_;
  std::string_view text_;
  FileId file_;
};

uint32_t CaseReader::Offset(const YAML::Mark& mark) const {
  return internal::YamlMarkOffset(source_, mark);
}

SourceSpan CaseReader::Span(const YAML::Node& node) const {
  const uint32_t begin = Offset(node.Mark());
  const auto size = static_cast<uint32_t>(text_.size());
  if (begin >= size) return {begin, begin};
  uint32_t end = begin + 1;
  const char first = text_[begin];
  if (node.IsScalar() && (first == '"' || first == '\'')) {
    // A quoted scalar: up to its closing quote on the same line.
    for (size_t i = begin + 1; i < text_.size() && text_[i] != '\n'; ++i) {
      if (first == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == first) {
        end = static_cast<uint32_t>(i + 1);
        break;
      }
    }
  } else if (node.IsScalar() && !node.Scalar().empty() &&
             text_.compare(begin, node.Scalar().size(), node.Scalar()) == 0) {
    end = begin + static_cast<uint32_t>(node.Scalar().size());
  }
  return {begin, std::min(end, size)};
}

std::string CaseReader::Describe(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "no value";
  if (!node.IsScalar()) return "nothing";
  if (IsStringOnly(node)) return "a string";
  const std::string& s = node.Scalar();
  if (IsDecimalInteger(s)) return "an integer";
  if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE") {
    return "a boolean";
  }
  if (CoreFloatAsJson(s)) return "a number";
  return "a string";
}

std::vector<Entry> CaseReader::Entries(const YAML::Node& map,
                                       const std::vector<std::string_view>& known,
                                       const std::string& where, Diagnostics* d) const {
  return internal::ReadYamlMapEntries(
      map, known, where, [this](const YAML::Node& key) { return Span(key); }, &Describe, file_, d);
}

std::optional<std::string> CaseReader::String(const YAML::Node& node, SourceSpan key_span,
                                              const std::string& what, Diagnostics* d) const {
  if (!node.IsScalar()) {
    WrongType(d, node, ValueSpan(node, key_span), "a string", what);
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int> CaseReader::Integer(const YAML::Node& node, SourceSpan key_span,
                                       const std::string& what, Diagnostics* d) const {
  if (!node.IsScalar() || IsStringOnly(node) || !IsDecimalInteger(node.Scalar())) {
    WrongType(d, node, ValueSpan(node, key_span), "an integer", what);
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  errno = 0;
  const int64_t value = std::strtoll(s.c_str(), nullptr, 10);
  if (errno != 0 || value < -1000000 || value > 1000000) {
    Error(d, "bad-value", "'" + what + "' is out of range, found " + s, Span(node));
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<NameRef> CaseReader::Name(const YAML::Node& node, SourceSpan key_span,
                                        const std::string& what, Diagnostics* d) const {
  if (!node.IsScalar() || node.Scalar().empty()) {
    WrongType(d, node, ValueSpan(node, key_span), "a name", what);
    return std::nullopt;
  }
  return NameRef{node.Scalar(), Span(node)};
}

std::optional<std::vector<NameRef>> CaseReader::Names(const YAML::Node& node, SourceSpan key_span,
                                                      const std::string& what,
                                                      Diagnostics* d) const {
  std::vector<NameRef> names;
  if (node.IsScalar()) {
    std::optional<NameRef> name = Name(node, key_span, what, d);
    if (!name) return std::nullopt;
    names.push_back(std::move(*name));
    return names;
  }
  if (!node.IsSequence()) {
    WrongType(d, node, ValueSpan(node, key_span), "a list of names", what);
    return std::nullopt;
  }
  bool ok = true;
  for (const YAML::Node& item : node) {
    std::optional<NameRef> name = Name(item, Span(node), what, d);
    if (name) {
      names.push_back(std::move(*name));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return names;
}

void CaseReader::ReadFile(ExpectationFile* out) {
  Diagnostics* d = &out->diagnostics;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text_));
  } catch (const YAML::Exception& error) {
    std::string message = error.msg;
    while (!message.empty() && (message.back() == '.' || message.back() == ' ')) {
      message.pop_back();
    }
    if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z') {
      message[0] = static_cast<char>(message[0] - 'A' + 'a');
    }
    const uint32_t begin = Offset(error.mark);
    const uint32_t end = begin < text_.size() ? begin + 1 : begin;
    Error(d, "yaml-syntax", "invalid yaml: " + (message.empty() ? "malformed" : message),
          {begin, end});
    return;
  } catch (const std::exception& error) {
    Error(d, "yaml-syntax", std::string("invalid yaml: ") + error.what(), {});
    return;
  }
  if (documents.empty() || documents[0].IsNull()) {
    if (documents.size() > 1) {
      Error(d, "yaml-syntax", "an expectation file holds one yaml document", Span(documents[1]));
    }
    return;  // an empty file: no cases
  }
  if (documents.size() > 1) {
    Error(d, "yaml-syntax", "an expectation file holds one yaml document; remove the extra one",
          Span(documents[1]));
    return;
  }
  const YAML::Node& root = documents[0];
  if (root.IsSequence()) {
    ReadCases(root, Span(root), out);
    return;
  }
  if (!root.IsMap()) {
    Error(d, "wrong-type",
          "expected a list of cases, or a map with 'cases' (and 'config'), found " + Describe(root),
          Span(root));
    return;
  }
  const std::vector<Entry> entries = Entries(root, FileKeys(), "", d);
  const Entry* cases = nullptr;  // into `entries`
  for (const Entry& entry : entries) {
    if (entry.key == "config") {
      std::optional<std::string> config = String(entry.value, entry.key_span, "config", d);
      if (!config) continue;
      if (config->empty()) {
        Error(d, "bad-value", "'config' must name a file", Span(entry.value));
        continue;
      }
      // Relative to the expectation file's directory.
      const size_t slash = out->path.rfind('/');
      out->config = (*config)[0] == '/' || slash == std::string::npos
                        ? *config
                        : out->path.substr(0, slash + 1) + *config;
      out->config_span = Span(entry.value);
    } else {
      cases = &entry;
    }
  }
  if (cases == nullptr) {
    if (!out->diagnostics.has_errors()) {
      Error(d, "missing-key", "missing 'cases': the list of test cases", Span(root));
    }
    return;
  }
  if (cases->value.IsNull()) return;  // `cases:` with every case commented out
  ReadCases(cases->value, cases->key_span, out);
}

void CaseReader::ReadCases(const YAML::Node& list, SourceSpan key_span,
                           ExpectationFile* out) const {
  if (!list.IsSequence()) {
    WrongType(&out->diagnostics, list, ValueSpan(list, key_span), "a list of cases", "cases");
    return;
  }
  size_t index = 0;
  for (const YAML::Node& item : list) {
    TestCase test;
    ReadCase(item, ++index, &test);
    out->cases.push_back(std::move(test));
  }
}

void CaseReader::ReadCase(const YAML::Node& node, size_t index, TestCase* test) const {
  Diagnostics* d = &test->diagnostics;
  test->name = "case " + std::to_string(index);
  test->span = Span(node);
  test->line = source_.Position(test->span.begin).line;
  if (!node.IsMap()) {
    Error(
        d, "wrong-type",
        "expected a case (a map with 'text' or 'record' and expectations), found " + Describe(node),
        test->span);
    return;
  }
  // Pointers into `entries`, which outlives them.
  const Entry* text = nullptr;
  const Entry* kind = nullptr;
  const Entry* record = nullptr;
  bool has_expectation = false;
  const std::vector<Entry> entries = Entries(node, CaseKeys(), "case", d);
  for (const Entry& entry : entries) {
    const std::string& key = entry.key;
    if (key == "name") {
      if (std::optional<std::string> name = String(entry.value, entry.key_span, "name", d)) {
        test->name = *name;
      }
    } else if (key == "text") {
      text = &entry;
    } else if (key == "kind") {
      kind = &entry;
    } else if (key == "record") {
      record = &entry;
    } else if (key == "band") {
      has_expectation = true;
      test->band = ReadBand(entry, d);
    } else if (key == "score") {
      has_expectation = true;
      test->score = ReadScore(entry, d);
    } else if (key == "categories") {
      has_expectation = true;
      test->categories = ReadSet(entry, d);
    } else if (key == "rules") {
      has_expectation = true;
      test->rules = ReadRules(entry, d);
    } else if (key == "tags") {
      has_expectation = true;
      test->tags = ReadSet(entry, d);
    } else if (key == "routes") {
      has_expectation = true;
      test->routes = ReadSet(entry, d);
    }
  }

  // The record: `text` (with an optional `kind`) or `record`.
  if (text != nullptr && record != nullptr) {
    Error(d, "conflicting-keys", "a case has 'text' or 'record', not both", record->key_span);
  } else if (kind != nullptr && text == nullptr) {
    Error(d, "conflicting-keys", "'kind' goes with 'text'; put \"kind\" inside the record",
          kind->key_span);
  } else if (text != nullptr) {
    std::optional<std::string> kind_name;
    if (kind != nullptr) {
      kind_name = String(kind->value, kind->key_span, "kind", d);
      if (kind_name && *kind_name != "sms" && *kind_name != "report") {
        Error(d, "bad-value", "'kind' must be sms or report, found '" + *kind_name + "'",
              Span(kind->value));
        kind_name.reset();
      }
    }
    if (const std::optional<std::string> body = String(text->value, text->key_span, "text", d)) {
      // {"summary": text}, {"kind":"report","summary": text} or {"kind":"sms","body": text}.
      std::string json = "{";
      if (kind_name) {
        json += "\"kind\":";
        AppendJsonString(*kind_name, &json);
        json += ',';
      }
      json += kind_name && *kind_name == "sms" ? "\"body\":" : "\"summary\":";
      AppendJsonString(*body, &json);
      test->record = json + "}";
    }
  } else if (record != nullptr) {
    const YAML::Node& value = record->value;
    if (value.IsScalar() && IsStringOnly(value)) {
      test->record = value.Scalar();  // JSON text, checked by the engine when the case runs
    } else if (!value.IsMap()) {
      WrongType(d, value, ValueSpan(value, record->key_span), "a map (or JSON text)", "record");
    } else {
      std::string json;
      if (ToJson(value, record->key_span, "record", &json, d)) test->record = std::move(json);
    }
  } else {
    Error(d, "missing-record", "a case needs a record: 'text' or 'record'", test->span);
  }
  if (!has_expectation) {
    Error(d, "no-expectations",
          "a case needs at least one expectation (band, score, categories, rules, tags, routes)",
          test->span);
  }
}

std::optional<BandExpectation> CaseReader::ReadBand(const Entry& entry, Diagnostics* d) const {
  BandExpectation band;
  if (entry.value.IsScalar()) {
    band.exact = Name(entry.value, entry.key_span, "band", d);
    if (!band.exact) return std::nullopt;
    return band;
  }
  if (!entry.value.IsMap()) {
    WrongType(d, entry.value, ValueSpan(entry.value, entry.key_span),
              "a band name or {at_least: BAND, at_most: BAND}", "band");
    return std::nullopt;
  }
  const size_t errors = d->error_count();
  for (const Entry& bound : Entries(entry.value, BoundKeys(), "band", d)) {
    const std::string what = "band." + bound.key;
    std::optional<NameRef> name = Name(bound.value, bound.key_span, what, d);
    (bound.key == "at_least" ? band.at_least : band.at_most) = std::move(name);
  }
  if (d->error_count() != errors) return std::nullopt;
  if (!band.at_least && !band.at_most) {
    Error(d, "bad-value", "'band' needs 'at_least' or 'at_most'", Span(entry.value));
    return std::nullopt;
  }
  return band;
}

std::optional<ScoreExpectation> CaseReader::ReadScore(const Entry& entry, Diagnostics* d) const {
  ScoreExpectation score;
  if (entry.value.IsScalar()) {
    score.exact = Integer(entry.value, entry.key_span, "score", d);
    if (!score.exact) return std::nullopt;
    return score;
  }
  if (!entry.value.IsMap()) {
    WrongType(d, entry.value, ValueSpan(entry.value, entry.key_span),
              "an integer or {at_least: N, at_most: N}", "score");
    return std::nullopt;
  }
  const size_t errors = d->error_count();
  for (const Entry& bound : Entries(entry.value, BoundKeys(), "score", d)) {
    std::optional<int> value = Integer(bound.value, bound.key_span, "score." + bound.key, d);
    (bound.key == "at_least" ? score.at_least : score.at_most) = value;
  }
  if (d->error_count() != errors) return std::nullopt;
  if (!score.at_least && !score.at_most) {
    Error(d, "bad-value", "'score' needs 'at_least' or 'at_most'", Span(entry.value));
    return std::nullopt;
  }
  return score;
}

std::optional<SetExpectation> CaseReader::ReadSet(const Entry& entry, Diagnostics* d) const {
  SetExpectation set;
  if (!entry.value.IsMap()) {
    std::optional<std::vector<NameRef>> names = Names(entry.value, entry.key_span, entry.key, d);
    if (!names) return std::nullopt;
    set.contains = std::move(*names);
    return set;
  }
  const size_t errors = d->error_count();
  for (const Entry& part : Entries(entry.value, SetKeys(), entry.key, d)) {
    std::optional<std::vector<NameRef>> names =
        Names(part.value, part.key_span, entry.key + "." + part.key, d);
    if (!names) continue;
    if (part.key == "contains") {
      set.contains = std::move(*names);
    } else if (part.key == "exactly") {
      set.exactly = std::move(*names);
    } else {
      set.excludes = std::move(*names);
    }
  }
  if (d->error_count() != errors) return std::nullopt;
  return set;
}

std::optional<RulesExpectation> CaseReader::ReadRules(const Entry& entry, Diagnostics* d) const {
  RulesExpectation rules;
  if (!entry.value.IsMap()) {
    std::optional<std::vector<NameRef>> names = Names(entry.value, entry.key_span, "rules", d);
    if (!names) return std::nullopt;
    rules.fired = std::move(*names);
    return rules;
  }
  const size_t errors = d->error_count();
  for (const Entry& part : Entries(entry.value, RulesKeys(), "rules", d)) {
    std::optional<std::vector<NameRef>> names =
        Names(part.value, part.key_span, "rules." + part.key, d);
    if (!names) continue;
    (part.key == "fired" ? rules.fired : rules.not_fired) = std::move(*names);
  }
  if (d->error_count() != errors) return std::nullopt;
  return rules;
}

bool CaseReader::ToJson(const YAML::Node& node, SourceSpan key_span, const std::string& what,
                        std::string* out, Diagnostics* d) const {
  if (node.IsMap()) {
    out->push_back('{');
    std::vector<std::pair<std::string, SourceSpan>> seen;
    bool ok = true;
    bool first = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        Error(d, "wrong-type", "expected a key name in '" + what + "', found " + Describe(key),
              Span(key));
        ok = false;
        continue;
      }
      const auto previous = std::find_if(seen.begin(), seen.end(),
                                         [&](const auto& p) { return p.first == key.Scalar(); });
      if (previous != seen.end()) {
        Error(d, "duplicate-key", "duplicate key '" + key.Scalar() + "' in '" + what + "'",
              Span(key));
        d->Note("first given here", file_, previous->second);
        ok = false;
        continue;
      }
      seen.emplace_back(key.Scalar(), Span(key));
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(key.Scalar(), out);
      out->push_back(':');
      ok = ToJson(it->second, Span(key), what + "." + key.Scalar(), out, d) && ok;
    }
    out->push_back('}');
    return ok;
  }
  if (node.IsSequence()) {
    out->push_back('[');
    bool ok = true;
    size_t i = 0;
    for (const YAML::Node& item : node) {
      if (i > 0) out->push_back(',');
      ok = ToJson(item, Span(node), what + "[" + std::to_string(i) + "]", out, d) && ok;
      ++i;
    }
    out->push_back(']');
    return ok;
  }
  if (node.IsNull()) {
    out->append("null");
    return true;
  }
  if (!node.IsScalar()) {
    WrongType(d, node, ValueSpan(node, key_span), "a value", what);
    return false;
  }
  const std::string& s = node.Scalar();
  if (IsStringOnly(node)) {
    AppendJsonString(s, out);
    return true;
  }
  // A plain scalar, typed by the YAML 1.2 core schema.
  if (s == "true" || s == "True" || s == "TRUE") {
    out->append("true");
  } else if (s == "false" || s == "False" || s == "FALSE") {
    out->append("false");
  } else if (s == "null" || s == "Null" || s == "NULL" || s == "~") {
    out->append("null");
  } else if (std::optional<std::string> number = CoreFloatAsJson(s)) {
    out->append(*number);  // integers included: "007" becomes 7
  } else if (s == ".inf" || s == "-.inf" || s == "+.inf" || s == ".nan" || s == ".Inf" ||
             s == ".NaN" || s == ".NAN" || s == ".INF") {
    Error(d, "bad-value", "'" + s + "' has no JSON form; quote it to make it a string", Span(node));
    return false;
  } else {
    AppendJsonString(s, out);
  }
  return true;
}

// Sets of names, for comparisons.
bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void CompareSet(const char* what, const SetExpectation& expected,
                const std::vector<std::string>& actual, const std::string& actual_text,
                std::vector<std::string>* problems) {
  std::vector<std::string> missing;
  for (const NameRef& name : expected.contains) {
    if (!Contains(actual, name.name) && !Contains(missing, name.name)) missing.push_back(name.name);
  }
  if (!missing.empty()) {
    problems->push_back(std::string(what) + ": expected to include " + JoinNames(missing) +
                        ", got " + actual_text);
  }
  if (expected.exactly) {
    std::vector<std::string> want;
    for (const NameRef& name : *expected.exactly) {
      if (!Contains(want, name.name)) want.push_back(name.name);
    }
    std::vector<std::string> sorted_want = want;
    std::vector<std::string> sorted_actual = actual;
    std::sort(sorted_want.begin(), sorted_want.end());
    std::sort(sorted_actual.begin(), sorted_actual.end());
    sorted_actual.erase(std::unique(sorted_actual.begin(), sorted_actual.end()),
                        sorted_actual.end());
    if (sorted_want != sorted_actual) {
      problems->push_back(std::string(what) + ": expected exactly " + Bracketed(want) + ", got " +
                          actual_text);
    }
  }
  std::vector<std::string> unwanted;
  for (const NameRef& name : expected.excludes) {
    if (Contains(actual, name.name) && !Contains(unwanted, name.name)) {
      unwanted.push_back(name.name);
    }
  }
  if (!unwanted.empty()) {
    problems->push_back(std::string(what) + ": expected not to include " + JoinNames(unwanted) +
                        ", got " + actual_text);
  }
}

std::string CategoriesText(const Decision& decision) {
  std::vector<std::string> parts;
  for (const CategoryScore& c : decision.categories) {
    parts.push_back(c.name + " (" + std::to_string(c.score) + ")");
  }
  return Bracketed(parts);
}

std::vector<std::string> FiredRules(const Decision& decision) {
  std::vector<std::string> fired;
  for (const RuleHit& hit : decision.rules) fired.push_back(hit.rule);
  return fired;
}

std::vector<UrgencyBand> BandsOf(const EngineConfig& config) {
  return config.bands.empty() ? DefaultBands() : config.bands;
}

}  // namespace

void ParseExpectationFile(const SourceManager& sources, FileId file, ExpectationFile* out) {
  out->file = file;
  CaseReader reader(sources.file(file), file);
  reader.ReadFile(out);
}

void ResolveNames(const RuleSet& rules, ExpectationFile* file) {
  std::vector<std::string> bands;
  for (const UrgencyBand& band : BandsOf(rules.config())) bands.push_back(band.name);
  std::vector<std::string> categories = rules.category_names();
  if (!Contains(categories, rules.config().fallback)) {
    categories.push_back(rules.config().fallback);
  }
  const std::vector<std::string> rule_names = rules.rule_names();

  // Invalid cases too: every problem of a case is reported at once.
  for (TestCase& test : file->cases) {
    Diagnostics* d = &test.diagnostics;
    const auto check = [&](const NameRef& ref, const std::vector<std::string>& known,
                           const char* kind) {
      if (Contains(known, ref.name)) return;
      d->Error("unknown-name", "unknown " + std::string(kind) + " '" + ref.name + "'", file->file,
               ref.span);
      const std::string suggestion = Suggest(ref.name, known);
      if (!suggestion.empty()) d->Note("did you mean '" + suggestion + "'?", file->file, ref.span);
    };
    if (test.band) {
      for (const auto* bound : {&test.band->exact, &test.band->at_least, &test.band->at_most}) {
        if (*bound) check(**bound, bands, "band");
      }
    }
    if (test.categories) {
      for (const NameRef& ref : test.categories->contains) check(ref, categories, "category");
      if (test.categories->exactly) {
        for (const NameRef& ref : *test.categories->exactly) check(ref, categories, "category");
      }
      for (const NameRef& ref : test.categories->excludes) check(ref, categories, "category");
    }
    if (test.rules) {
      for (const NameRef& ref : test.rules->fired) check(ref, rule_names, "rule");
      for (const NameRef& ref : test.rules->not_fired) check(ref, rule_names, "rule");
    }
  }
}

std::vector<std::string> CompareDecision(const TestCase& test, const Decision& decision,
                                         const EngineConfig& config) {
  std::vector<std::string> problems;
  const std::string got_band = decision.band + " (score " + std::to_string(decision.urgency) + ")";
  if (test.band) {
    const std::vector<UrgencyBand> bands = BandsOf(config);
    const std::optional<size_t> actual = FindBand(bands, decision.band);
    if (test.band->exact && decision.band != test.band->exact->name) {
      problems.push_back("band: expected " + test.band->exact->name + ", got " + got_band);
    }
    // A band of lower index is more urgent. An unknown bound (unresolved names) fails at_least
    // and holds for at_most.
    if (test.band->at_least) {
      const std::optional<size_t> bound = FindBand(bands, test.band->at_least->name);
      if (!actual || !bound || *actual > *bound) {
        problems.push_back("band: expected at least " + test.band->at_least->name + ", got " +
                           got_band);
      }
    }
    if (test.band->at_most) {
      const std::optional<size_t> bound = FindBand(bands, test.band->at_most->name);
      if (!actual || (bound && *actual < *bound)) {
        problems.push_back("band: expected at most " + test.band->at_most->name + ", got " +
                           got_band);
      }
    }
  }
  if (test.score) {
    const std::string got =
        ", got " + std::to_string(decision.urgency) + " (" + decision.band + ")";
    if (test.score->exact && decision.urgency != *test.score->exact) {
      problems.push_back("score: expected " + std::to_string(*test.score->exact) + got);
    }
    if (test.score->at_least && decision.urgency < *test.score->at_least) {
      problems.push_back("score: expected at least " + std::to_string(*test.score->at_least) + got);
    }
    if (test.score->at_most && decision.urgency > *test.score->at_most) {
      problems.push_back("score: expected at most " + std::to_string(*test.score->at_most) + got);
    }
  }
  if (test.categories) {
    std::vector<std::string> assigned;
    for (const CategoryScore& c : decision.categories) assigned.push_back(c.name);
    CompareSet("categories", *test.categories, assigned, CategoriesText(decision), &problems);
  }
  if (test.rules) {
    const std::vector<std::string> fired = FiredRules(decision);
    std::vector<std::string> missing;
    std::vector<std::string> unwanted;
    for (const NameRef& ref : test.rules->fired) {
      if (!Contains(fired, ref.name) && !Contains(missing, ref.name)) missing.push_back(ref.name);
    }
    for (const NameRef& ref : test.rules->not_fired) {
      if (Contains(fired, ref.name) && !Contains(unwanted, ref.name)) unwanted.push_back(ref.name);
    }
    if (!missing.empty()) {
      problems.push_back("rules: expected " + JoinNames(missing) + " to fire, fired " +
                         Bracketed(fired));
    }
    if (!unwanted.empty()) {
      problems.push_back("rules: expected " + JoinNames(unwanted) + " not to fire, fired " +
                         Bracketed(fired));
    }
  }
  if (test.tags) CompareSet("tags", *test.tags, decision.tags, Bracketed(decision.tags), &problems);
  if (test.routes) {
    CompareSet("routes", *test.routes, decision.routes, Bracketed(decision.routes), &problems);
  }
  return problems;
}

std::string DescribeDecision(const Decision& decision) {
  return decision.band + " (score " + std::to_string(decision.urgency) + "), categories " +
         CategoriesText(decision) + ", rules " + Bracketed(FiredRules(decision)) + ", tags " +
         Bracketed(decision.tags) + ", routes " + Bracketed(decision.routes);
}

CaseRun RunCase(Scanner* scanner, const TestCase& test) {
  CaseRun run;
  run.status = scanner->ScanJson(test.record, &run.decision);
  if (run.status.ok()) {
    run.problems = CompareDecision(test, run.decision, scanner->rules().config());
  }
  return run;
}

}  // namespace triage
