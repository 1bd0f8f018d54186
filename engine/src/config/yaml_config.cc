// SPDX-License-Identifier: Apache-2.0
// LoadConfig: reads triage.yaml into an EngineConfig. yaml-cpp turns the text into a node tree;
// a ConfigReader then walks that tree against the fixed schema of docs/config.md, one section at
// a time, and turns every problem it meets (an unknown key, a node of the wrong type, a malformed
// field path, bands in an order that makes no sense) into a Diagnostic at the offending node. It
// does not stop at the first problem: a section that is wrong is skipped and the walk continues,
// so one run reports everything. Values that depend on each other (band minimums against
// `urgency.max`) are checked once the section has been read, since YAML keys may come in any
// order. What needs the rules to judge (an override naming a missing rule or category, an
// override score out of range) is left to the checker, which gets every element's span.
//
// Positions. yaml-cpp marks are 0-based (line, column) with the column counting bytes; they are
// turned into byte offsets with SourceFile::Offset. Two quirks are corrected here: a leading
// UTF-8 byte-order mark is not counted by yaml-cpp on the first line, and an empty value (`max:`)
// carries the mark of the token after it, so such a value is reported at its key instead. The end
// of a span is found by re-scanning the text from the node's start (a quoted scalar to its
// closing quote, a flow collection to its closing bracket, a plain scalar over its text, anything
// else to the end of its line).
//
// yaml-cpp reports syntax errors by throwing; every exception is caught in this file and none
// leaves LoadConfig.

#include <libstemmer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

#include "config/yaml_reader.h"
#include "conversation/keywords.h"

namespace triage {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kIntMin = std::numeric_limits<int>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// The lowest `urgency.max` under which every default band can still be reached.
constexpr int kDefaultBandsMinMax = 80;
// The largest offset a SourceSpan can hold.
constexpr int64_t kMaxSourceBytes = std::numeric_limits<uint32_t>::max();
// How many nodes a config's aliases may add to the ones written out (docs/robustness.md).
constexpr uint64_t kMaxAliasNodes = 1000000;

// The keys each map of the schema accepts, in the order docs/config.md lists them.
const std::vector<std::string_view>& RootKeys() {
  static const auto* keys = new std::vector<std::string_view>{
      "rules",  "fields",   "urgency",      "categories",
      "overrides", "limits", "analysis", "conversations"};
  return *keys;
}
const std::vector<std::string_view>& UrgencyKeys() {
  static const auto* keys = new std::vector<std::string_view>{"max", "bands"};
  return *keys;
}
const std::vector<std::string_view>& BandKeys() {
  static const auto* keys = new std::vector<std::string_view>{"name", "min", "label"};
  return *keys;
}
const std::vector<std::string_view>& CategoriesKeys() {
  static const auto* keys = new std::vector<std::string_view>{
      "assign_min", "max_labels", "fallback", "fallback_by_band", "fallback_by_field"};
  return *keys;
}
const std::vector<std::string_view>& FallbackByFieldKeys() {
  static const auto* keys = new std::vector<std::string_view>{"field", "values"};
  return *keys;
}
const std::vector<std::string_view>& FieldKeys() {
  static const auto* keys = new std::vector<std::string_view>{"path", "type"};
  return *keys;
}
const std::vector<std::string_view>& OverrideKeys() {
  static const auto* keys =
      new std::vector<std::string_view>{"enabled", "urgency", "floor", "categories"};
  return *keys;
}
const std::vector<std::string_view>& LimitsKeys() {
  static const auto* keys = new std::vector<std::string_view>{
      "max_record_bytes", "max_rule_file_bytes", "max_rules", "max_nesting_depth"};
  return *keys;
}
const std::vector<std::string_view>& AnalysisKeys() {
  static const auto* keys =
      new std::vector<std::string_view>{"version", "fold", "sentences", "stemmers", "dictionaries"};
  return *keys;
}
const std::vector<std::string_view>& ConversationKeys() {
  static const auto* keys = new std::vector<std::string_view>{
      "idle_timeout", "max_open",  "max_messages", "max_text_bytes",
      "max_remembered", "keywords", "replies"};
  return *keys;
}
const std::vector<std::string_view>& KeywordListKeys() {
  static const auto* keys = new std::vector<std::string_view>{"help", "stop", "start"};
  return *keys;
}
const std::vector<std::string_view>& FoldKeys() {
  static const auto* keys = new std::vector<std::string_view>{"accents", "confusables"};
  return *keys;
}
const std::vector<std::string_view>& SentencesKeys() {
  static const auto* keys =
      new std::vector<std::string_view>{"line_breaks", "lowercase_after_stop", "clause_breaks"};
  return *keys;
}
// The Snowball stemmers libstemmer provides, by canonical name ("english", "spanish", ...).
const std::vector<std::string_view>& StemmerNames() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string_view>;
    for (const char** name = sb_stemmer_list(); *name != nullptr; ++name) list->emplace_back(*name);
    return list;
  }();
  return *names;
}
// The analysis versions this engine implements.
constexpr int64_t kAnalysisVersion = 1;
// For maps whose keys are names chosen by the user (fields, overrides, category scores).
const std::vector<std::string_view>& AnyKey() {
  static const auto* keys = new std::vector<std::string_view>{};
  return *keys;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// IDENT: [A-Za-z_][A-Za-z0-9_]*
bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(IsAsciiAlpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [](char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '_'; });
}

// IDENT ('.' IDENT)*
bool IsFieldName(std::string_view s) {
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    if (!IsIdentifier(s.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// A byte that may appear in a key of a field path: ASCII letters and digits, `_ - $ @ :`, and
// any byte of a multi-byte UTF-8 sequence. Whitespace, commas, quotes and `*` are refused so
// that a list written as one string ("summary, body") or a glob ("victims.*.age") is caught.
bool IsPathKeyByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '_' || c == '-' || c == '$' || c == '@' ||
         c == ':' || u >= 0x80;
}

// The longest index [N] a path may hold (9 digits keep N well inside 32 bits).
constexpr size_t kMaxIndexDigits = 9;

// Checks a JSON field path: keys separated by '.', each optionally followed by [*] or [N].
// Returns an empty string when the path is well formed, else what is wrong with it.
std::string FieldPathProblem(std::string_view path) {
  if (path.empty()) return "the path is empty";
  size_t i = 0;
  while (true) {
    const size_t key_begin = i;
    while (i < path.size() && IsPathKeyByte(path[i])) ++i;
    if (i == key_begin) {
      if (i < path.size() && path[i] != '.' && path[i] != '[') {
        return "character " + std::to_string(i + 1) + " cannot appear in a key";
      }
      return "empty key at character " + std::to_string(i + 1);
    }
    if (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) {
        return "unterminated index at character " + std::to_string(i + 1);
      }
      const std::string_view index = path.substr(i + 1, close - i - 1);
      const bool all_digits =
          !index.empty() && index.size() <= kMaxIndexDigits &&
          std::all_of(index.begin(), index.end(), [](char c) { return IsAsciiDigit(c); });
      if (index != "*" && !all_digits) {
        return "an index must be [*] or a number [N] of at most 9 digits, at character " +
               std::to_string(i + 1);
      }
      i = close + 1;
    }
    if (i == path.size()) return {};
    if (path[i] != '.') {
      std::string problem =
          "expected '.' or the end of the path at character " + std::to_string(i + 1);
      if (path[i] == ',') problem += " (several paths are written as a list: [a, b])";
      return problem;
    }
    ++i;
    if (i == path.size()) return "empty key at character " + std::to_string(i + 1);
  }
}

// A scalar that YAML types as a string whatever its text: quoted, a block scalar, or !!str.
bool IsStringOnly(const YAML::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

// The YAML 1.2 core-schema booleans.
std::optional<bool> ParseBool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// The outcome of reading a decimal integer: not one at all, one too large for 64 bits, or a
// value.
struct ParsedInteger {
  bool is_integer = false;
  bool overflow = false;
  int64_t value = 0;
};

// Reads [-+]?[0-9]+ .
ParsedInteger ParseDecimal(std::string_view s) {
  ParsedInteger result;
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) i = 1;
  if (i == s.size()) return result;
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : static_cast<uint64_t>(kInt64Max);
  for (; i < s.size(); ++i) {
    if (!IsAsciiDigit(s[i])) return result;
    const auto digit = static_cast<uint64_t>(s[i] - '0');
    if (magnitude > (limit - digit) / 10) {
      result.overflow = true;
      magnitude = limit;
    } else if (!result.overflow) {
      magnitude = magnitude * 10 + digit;
    }
  }
  result.is_integer = true;
  if (!result.overflow) {
    result.value = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  }
  return result;
}

bool LooksLikeFloat(std::string_view s) {
  if (s == ".inf" || s == "-.inf" || s == "+.inf" || s == ".nan" || s == ".Inf" || s == ".NaN") {
    return true;
  }
  bool digit = false;
  for (char c : s) {
    if (IsAsciiDigit(c)) {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
      return false;
    }
  }
  return digit;
}

// Renders the allowed range of an integer setting for a message.
std::string RangeText(int64_t lo, int64_t hi) {
  if (hi >= kIntMax && lo > kIntMin) return "at least " + std::to_string(lo);
  return "between " + std::to_string(lo) + " and " + std::to_string(hi);
}

// One key/value pair of a YAML map that passed the key checks (config/yaml_reader.h).
using Entry = internal::YamlEntry;

// Walks one parsed config document and fills an EngineConfig, collecting every problem it
// finds; MoveDiagnosticsTo() then hands them over in source order. Not thread-safe; one per
// LoadConfig call.
class ConfigReader {
 public:
  ConfigReader(const SourceFile& source, FileId file)
      : source_(source), text_(source.text()), file_(file) {}

  // Appends the problems found so far to *diagnostics, ordered by position (each note stays
  // after the diagnostic it belongs to), and forgets them. Checks made after the whole file was
  // read (band order, the default bands against urgency.max) would otherwise come out of order.
  void MoveDiagnosticsTo(Diagnostics* diagnostics);

  // Reads the root node of the document into *config. A null root (an empty file) leaves the
  // defaults in place.
  void ReadRoot(const YAML::Node& root, EngineConfig* config);

  // Reports a yaml-cpp exception at its mark.
  void SyntaxError(const YAML::Mark& mark, std::string_view message);
  // Reports a problem of the whole text (a limit) at `mark`, one byte wide.
  void ErrorAtMark(const YAML::Mark& mark, const char* code, std::string message);

  // Reports a second, non-empty YAML document in the file.
  void ExtraDocument(const YAML::Node& document);

 private:
  uint32_t Offset(const YAML::Mark& mark) const;
  SourceSpan Span(const YAML::Node& node, SourceSpan fallback) const;
  uint32_t TokenEnd(const YAML::Node& node, uint32_t begin) const;
  uint32_t LineEnd(uint32_t begin) const;
  SourceSpan ItemSpan(const YAML::Node& item, SourceSpan fallback) const;
  bool IsImplicitNull(const YAML::Node& node) const;
  std::string Describe(const YAML::Node& node) const;

  void Error(const char* code, std::string message, SourceSpan span) {
    found_.Error(code, std::move(message), file_, span);
  }
  void Note(std::string message, SourceSpan span) { found_.Note(std::move(message), file_, span); }
  void WrongType(const YAML::Node& node, SourceSpan span, std::string_view expected,
                 std::string_view what) {
    Error("wrong-type",
          "expected " + std::string(expected) + " for '" + std::string(what) + "', found " +
              Describe(node),
          span);
  }

  // Returns the entries of `map` whose keys are scalars, not repeated and (unless `known` is
  // empty) known; reports the others. `where` names the map in messages ("" for the root).
  std::vector<Entry> Entries(const YAML::Node& map, const std::vector<std::string_view>& known,
                             const std::string& where);

  // Readers of one scalar. Each reports a problem at `span` and returns nullopt.
  std::optional<int64_t> Integer(const YAML::Node& node, SourceSpan span, const std::string& what,
                                 int64_t lo, int64_t hi);
  std::optional<bool> Boolean(const YAML::Node& node, SourceSpan span, const std::string& what);
  std::optional<std::string> String(const YAML::Node& node, SourceSpan span,
                                    const std::string& what);

  // Returns true if the value of section `entry` is a map. A section with no value counts as
  // absent (false, silently); any other value is reported as wrong-type (false).
  bool IsSectionMap(const Entry& entry);

  void ReadRules(const Entry& entry, EngineConfig* config);
  void ReadFileNames(const YAML::Node& value, SourceSpan span, const std::string& what,
                     const std::string& where, std::vector<std::string>* names,
                     std::vector<SourceSpan>* spans);
  void ReadFields(const Entry& entry, EngineConfig* config);
  void ReadFieldMapping(const Entry& entry, EngineConfig* config);
  bool ReadPaths(const YAML::Node& node, SourceSpan span, const std::string& what,
                 std::vector<std::string>* paths);
  void ReadUrgency(const Entry& entry, EngineConfig* config);
  void ReadBands(const Entry& entry, std::optional<int> max, EngineConfig* config);
  void ReadCategories(const Entry& entry, EngineConfig* config);
  void ReadFallbackByBand(const Entry& entry, EngineConfig* config);
  // Reports the keys of categories.fallback_by_band that name no band (unknown-band), once the
  // bands are known, and drops them.
  void CheckFallbackBands(EngineConfig* config);
  // Reads categories.fallback_by_field {field, values}; keeps it only when every part is right.
  void ReadFallbackByField(const Entry& entry, EngineConfig* config);
  // Reports a categories.fallback_by_field field that is no logical field of the config
  // (unknown-field), once `fields:` is known, and drops the setting.
  void CheckFallbackField(EngineConfig* config);
  void ReadOverrides(const Entry& entry, EngineConfig* config);
  void ReadOverride(const Entry& entry, EngineConfig* config);
  void ReadLimits(const Entry& entry, EngineConfig* config);
  void ReadAnalysis(const Entry& entry, EngineConfig* config);
  void ReadStemmers(const YAML::Node& node, SourceSpan span, AnalysisConfig* analysis);
  void ReadDictionaries(const YAML::Node& node, SourceSpan span, AnalysisConfig* analysis);
  void ReadConversations(const Entry& entry, EngineConfig* config);
  std::optional<int64_t> Duration(const YAML::Node& node, SourceSpan span, const std::string& what);
  // Reads conversations.keywords; the spans of every keyword read go to *spans (folded form).
  void ReadKeywords(const Entry& entry, ConversationConfig* conversations,
                    std::vector<std::pair<std::string, SourceSpan>>* spans);
  void ReadReplies(const Entry& entry, ConversationConfig* conversations,
                   std::vector<std::pair<std::string, SourceSpan>>* replies);

  const SourceFile& source_;
  std::string_view text_;
  FileId file_;
  Diagnostics found_;

  bool max_valid_ = true;  // false once `urgency.max` was reported
  SourceSpan max_span_;    // of `urgency.max`'s value, when given
  bool bands_given_ = false;
  // The names of urgency.bands as written (incomplete bands included); unset when the list was
  // not readable at all, so that fallback_by_band is not held to it.
  std::optional<std::vector<std::string>> given_band_names_;
  // The names of the `fields:` entries as written (malformed ones included), and whether the
  // section was there but not a map, so that fallback_by_field is not held to a list it cannot
  // see.
  std::vector<std::string> given_field_names_;
  bool fields_unreadable_ = false;
  // The field categories.fallback_by_field names and where, when it could be read: checked
  // once `fields:` is known, even if the rest of the setting is wrong (all problems at once).
  std::optional<std::pair<std::string, SourceSpan>> fallback_field_;
};

uint32_t ConfigReader::Offset(const YAML::Mark& mark) const {
  return internal::YamlMarkOffset(source_, mark);
}

bool ConfigReader::IsImplicitNull(const YAML::Node& node) const {
  if (!node.IsNull()) return false;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return true;
  const std::string_view rest = text_.substr(std::min<size_t>(Offset(mark), text_.size()));
  const auto starts_with = [&](std::string_view word) {
    return rest.substr(0, word.size()) == word;
  };
  return !(starts_with("~") || starts_with("null") || starts_with("Null") || starts_with("NULL"));
}

uint32_t ConfigReader::LineEnd(uint32_t begin) const {
  size_t end = text_.find_first_of("\r\n", begin);
  if (end == std::string_view::npos) end = text_.size();
  // Drop a trailing comment, then trailing blanks.
  const size_t comment = text_.substr(begin, end - begin).find(" #");
  if (comment != std::string_view::npos) end = begin + comment;
  while (end > begin && (text_[end - 1] == ' ' || text_[end - 1] == '\t')) --end;
  return static_cast<uint32_t>(end);
}

uint32_t ConfigReader::TokenEnd(const YAML::Node& node, uint32_t begin) const {
  if (begin >= text_.size()) return begin;
  const char first = text_[begin];
  if (first == '"') {
    for (size_t i = begin + 1; i < text_.size(); ++i) {
      if (text_[i] == '\\') {
        ++i;
      } else if (text_[i] == '"') {
        return static_cast<uint32_t>(i + 1);
      }
    }
    return LineEnd(begin);
  }
  if (first == '\'') {
    for (size_t i = begin + 1; i < text_.size(); ++i) {
      if (text_[i] != '\'') continue;
      if (i + 1 < text_.size() && text_[i + 1] == '\'') {
        ++i;
      } else {
        return static_cast<uint32_t>(i + 1);
      }
    }
    return LineEnd(begin);
  }
  if ((first == '[' || first == '{') && !node.IsScalar()) {
    int depth = 0;
    char quote = 0;
    for (size_t i = begin; i < text_.size(); ++i) {
      const char c = text_[i];
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (--depth == 0) return static_cast<uint32_t>(i + 1);
      }
    }
    return LineEnd(begin);
  }
  if (node.IsScalar()) {
    const std::string& value = node.Scalar();
    if (!value.empty() && text_.compare(begin, value.size(), value) == 0) {
      return static_cast<uint32_t>(begin + value.size());
    }
  }
  if (node.IsNull()) {
    size_t end = begin;
    while (end < text_.size() && (IsAsciiAlpha(text_[end]) || text_[end] == '~')) ++end;
    return static_cast<uint32_t>(end);
  }
  return std::max(LineEnd(begin), begin + 1);
}

// An empty list item ("-" and nothing after it) carries the mark of the next token, like an
// empty map value. Its own position is the '-' found by walking back over blank and comment-only
// lines; failing that, `fallback`.
SourceSpan ConfigReader::ItemSpan(const YAML::Node& item, SourceSpan fallback) const {
  if (!IsImplicitNull(item) || item.Mark().is_null()) return Span(item, fallback);
  size_t end = std::min<size_t>(Offset(item.Mark()), text_.size());
  while (true) {
    const size_t newline = end == 0 ? std::string_view::npos : text_.rfind('\n', end - 1);
    const size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    std::string_view line = text_.substr(start, end - start);
    const size_t comment = line.find('#');
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (!line.empty()) {
      if (line.back() != '-') return fallback;
      const auto dash = static_cast<uint32_t>(start + line.size() - 1);
      return {dash, dash + 1};
    }
    if (newline == std::string_view::npos) return fallback;
    end = newline;
  }
}

SourceSpan ConfigReader::Span(const YAML::Node& node, SourceSpan fallback) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || IsImplicitNull(node)) return fallback;
  const uint32_t begin = Offset(mark);
  return {begin, std::min<uint32_t>(std::max(TokenEnd(node, begin), begin),
                                    static_cast<uint32_t>(text_.size()))};
}

std::string ConfigReader::Describe(const YAML::Node& node) const {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return IsImplicitNull(node) ? "no value" : "null";
  if (!node.IsScalar()) return "nothing";
  if (IsStringOnly(node)) return "a string";
  const std::string& s = node.Scalar();
  if (ParseDecimal(s).is_integer) return "an integer";
  if (ParseBool(s)) return "a boolean";
  if (LooksLikeFloat(s)) return "a number";
  return "a string";
}

void ConfigReader::MoveDiagnosticsTo(Diagnostics* diagnostics) {
  // Groups of one error or warning and the notes after it.
  std::vector<std::vector<const Diagnostic*>> groups;
  for (const Diagnostic& d : found_.items()) {
    if (d.severity != Severity::kNote || groups.empty()) groups.emplace_back();
    groups.back().push_back(&d);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return a.front()->span.begin < b.front()->span.begin;
  });
  for (const auto& group : groups) {
    for (const Diagnostic* d : group) diagnostics->Add(*d);
  }
  found_ = Diagnostics();
}

void ConfigReader::SyntaxError(const YAML::Mark& mark, std::string_view message) {
  std::string text(message);
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  if (text.empty()) text = "malformed document";
  const uint32_t begin = Offset(mark);
  const uint32_t end = begin < text_.size() ? begin + 1 : begin;
  Error("yaml-syntax", "invalid yaml: " + text, {begin, end});
}

void ConfigReader::ErrorAtMark(const YAML::Mark& mark, const char* code, std::string message) {
  const uint32_t begin = Offset(mark);
  const uint32_t end = begin < text_.size() ? begin + 1 : begin;
  Error(code, std::move(message), {begin, end});
}

void ConfigReader::ExtraDocument(const YAML::Node& document) {
  Error("yaml-syntax", "a config holds one yaml document; remove the extra document",
        Span(document, {Offset(document.Mark()), Offset(document.Mark())}));
}

std::vector<Entry> ConfigReader::Entries(const YAML::Node& map,
                                         const std::vector<std::string_view>& known,
                                         const std::string& where) {
  const SourceSpan map_span = Span(map, {});
  return internal::ReadYamlMapEntries(
      map, known, where, [&](const YAML::Node& key) { return Span(key, map_span); },
      [this](const YAML::Node& node) { return Describe(node); }, file_, &found_);
}

std::optional<int64_t> ConfigReader::Integer(const YAML::Node& node, SourceSpan span,
                                             const std::string& what, int64_t lo, int64_t hi) {
  const ParsedInteger parsed =
      node.IsScalar() && !IsStringOnly(node) ? ParseDecimal(node.Scalar()) : ParsedInteger{};
  if (!parsed.is_integer) {
    WrongType(node, span, "an integer", what);
    return std::nullopt;
  }
  if (parsed.overflow || parsed.value < lo || parsed.value > hi) {
    Error("bad-value", "'" + what + "' must be " + RangeText(lo, hi) + ", found " + node.Scalar(),
          span);
    return std::nullopt;
  }
  return parsed.value;
}

std::optional<bool> ConfigReader::Boolean(const YAML::Node& node, SourceSpan span,
                                          const std::string& what) {
  std::optional<bool> value;
  if (node.IsScalar() && !IsStringOnly(node)) value = ParseBool(node.Scalar());
  if (!value) WrongType(node, span, "true or false", what);
  return value;
}

std::optional<std::string> ConfigReader::String(const YAML::Node& node, SourceSpan span,
                                                const std::string& what) {
  if (!node.IsScalar()) {
    WrongType(node, span, "a string", what);
    return std::nullopt;
  }
  return node.Scalar();
}

bool ConfigReader::IsSectionMap(const Entry& entry) {
  if (entry.value.IsMap()) return true;
  if (!entry.value.IsNull()) {
    WrongType(entry.value, Span(entry.value, entry.key_span), "a map", entry.key);
  }
  return false;
}

void ConfigReader::ReadRoot(const YAML::Node& root, EngineConfig* config) {
  if (root.IsNull()) return;
  if (!root.IsMap()) {
    const uint32_t end = text_.empty() ? 0 : 1;
    Error("wrong-type",
          "expected a map of sections at the top of the config, found " + Describe(root), {0, end});
    return;
  }
  for (const Entry& entry : Entries(root, RootKeys(), "")) {
    if (entry.key == "rules") {
      ReadRules(entry, config);
    } else if (entry.key == "fields") {
      ReadFields(entry, config);
    } else if (entry.key == "urgency") {
      ReadUrgency(entry, config);
    } else if (entry.key == "categories") {
      ReadCategories(entry, config);
    } else if (entry.key == "overrides") {
      ReadOverrides(entry, config);
    } else if (entry.key == "limits") {
      ReadLimits(entry, config);
    } else if (entry.key == "analysis") {
      ReadAnalysis(entry, config);
    } else if (entry.key == "conversations") {
      ReadConversations(entry, config);
    }
  }

  // A small `urgency.max` without bands of its own would leave default bands out of reach.
  const int max = config->urgency_max;
  if (!bands_given_ && max_valid_ && max < kDefaultBandsMinMax) {
    Error("bad-bands",
          "the default bands need 'urgency.max' of at least " +
              std::to_string(kDefaultBandsMinMax) + "; give 'urgency.bands' for a max of " +
              std::to_string(max),
          max_span_);
  }
  CheckFallbackBands(config);
  CheckFallbackField(config);
}

// A file name or a list of them (`rules:`, `analysis.dictionaries:`), each non-empty.
void ConfigReader::ReadFileNames(const YAML::Node& value, SourceSpan span, const std::string& what,
                                 const std::string& where, std::vector<std::string>* names,
                                 std::vector<SourceSpan>* spans) {
  auto add = [&](const YAML::Node& node, SourceSpan node_span) {
    if (!node.IsScalar()) {
      WrongType(node, node_span, "a " + what, where);
      return;
    }
    if (node.Scalar().empty()) {
      Error("bad-value", "empty " + what + " in '" + where + "'", node_span);
      return;
    }
    names->push_back(node.Scalar());
    spans->push_back(node_span);
  };
  if (value.IsNull()) return;
  if (value.IsScalar()) {
    add(value, span);
  } else if (value.IsSequence()) {
    for (const YAML::Node& item : value) add(item, ItemSpan(item, span));
  } else {
    WrongType(value, span, "a file name or a list of file names", where);
  }
}

void ConfigReader::ReadRules(const Entry& entry, EngineConfig* config) {
  const YAML::Node& value = entry.value;
  ReadFileNames(value, Span(value, entry.key_span), "rule file name", "rules",
                &config->rule_files, &config->rule_file_spans);
}

void ConfigReader::ReadFields(const Entry& entry, EngineConfig* config) {
  if (!IsSectionMap(entry)) {
    fields_unreadable_ = !entry.value.IsNull();
    return;
  }
  for (const Entry& field : Entries(entry.value, AnyKey(), "fields")) {
    given_field_names_.push_back(field.key);
    ReadFieldMapping(field, config);
  }
}

void ConfigReader::ReadFieldMapping(const Entry& entry, EngineConfig* config) {
  FieldMapping mapping;
  mapping.name = entry.key;
  mapping.span = entry.key_span;
  const std::string what = "fields." + entry.key;
  bool ok = true;
  if (!IsFieldName(entry.key)) {
    Error("bad-field-name",
          "bad field name '" + entry.key + "': expected identifiers separated by '.'",
          entry.key_span);
    ok = false;
  }
  const YAML::Node& value = entry.value;
  const SourceSpan span = Span(value, entry.key_span);
  if (value.IsScalar() || value.IsSequence()) {
    ok = ReadPaths(value, span, what, &mapping.paths) && ok;
  } else if (value.IsMap()) {
    bool has_path = false;
    for (const Entry& part : Entries(value, FieldKeys(), what)) {
      const SourceSpan part_span = Span(part.value, part.key_span);
      if (part.key == "path") {
        has_path = true;
        ok = ReadPaths(part.value, part_span, what + ".path", &mapping.paths) && ok;
      } else if (part.key == "type") {
        const std::optional<std::string> type = String(part.value, part_span, what + ".type");
        if (!type) {
          ok = false;
        } else if (*type == "text") {
          mapping.type = FieldType::kText;
        } else if (*type == "number") {
          mapping.type = FieldType::kNumber;
        } else if (*type == "bool") {
          mapping.type = FieldType::kBool;
        } else {
          Error("bad-field-type",
                "bad type '" + *type + "' for '" + what + "': expected text, number or bool",
                part_span);
          ok = false;
        }
      }
    }
    if (!has_path) {
      Error("missing-key", "missing key 'path' in '" + what + "'", span);
      ok = false;
    }
  } else {
    WrongType(value, span, "a path, a list of paths or a map", what);
    ok = false;
  }
  if (ok) config->fields.push_back(std::move(mapping));
}

bool ConfigReader::ReadPaths(const YAML::Node& node, SourceSpan span, const std::string& what,
                             std::vector<std::string>* paths) {
  auto add = [&](const YAML::Node& item, SourceSpan item_span) {
    if (!item.IsScalar()) {
      WrongType(item, item_span, "a field path", what);
      return false;
    }
    const std::string problem = FieldPathProblem(item.Scalar());
    if (!problem.empty()) {
      Error("bad-field-path",
            "bad field path '" + item.Scalar() + "' for '" + what + "': " + problem, item_span);
      return false;
    }
    paths->push_back(item.Scalar());
    return true;
  };
  if (node.IsScalar()) return add(node, span);
  if (!node.IsSequence()) {
    WrongType(node, span, "a path or a list of paths", what);
    return false;
  }
  if (node.size() == 0) {
    Error("bad-field-path", "empty list of paths for '" + what + "'", span);
    return false;
  }
  bool ok = true;
  for (const YAML::Node& item : node) ok = add(item, ItemSpan(item, span)) && ok;
  return ok;
}

void ConfigReader::ReadUrgency(const Entry& entry, EngineConfig* config) {
  if (!IsSectionMap(entry)) return;
  const std::vector<Entry> entries = Entries(entry.value, UrgencyKeys(), "urgency");
  for (const Entry& part : entries) {
    if (part.key != "max") continue;
    max_span_ = Span(part.value, part.key_span);
    const std::optional<int64_t> max = Integer(part.value, max_span_, "urgency.max", 1, kIntMax);
    if (max) {
      config->urgency_max = static_cast<int>(*max);
    } else {
      max_valid_ = false;
    }
  }
  for (const Entry& part : entries) {
    if (part.key != "bands") continue;
    ReadBands(part, max_valid_ ? std::optional<int>(config->urgency_max) : std::nullopt, config);
  }
}

void ConfigReader::ReadBands(const Entry& entry, std::optional<int> max, EngineConfig* config) {
  bands_given_ = true;
  const YAML::Node& value = entry.value;
  const SourceSpan span = Span(value, entry.key_span);
  config->bands_span = span;
  if (!value.IsNull() && !value.IsSequence()) {
    WrongType(value, span, "a list of bands", "urgency.bands");
    return;
  }
  if (value.IsNull() || value.size() == 0) {
    Error("bad-bands", "'urgency.bands' must list at least one band", span);
    return;
  }

  struct ParsedBand {
    UrgencyBand band;
    SourceSpan span;
    bool complete = false;
  };
  std::vector<ParsedBand> parsed;
  given_band_names_.emplace();
  size_t index = 0;
  for (const YAML::Node& item : value) {
    const std::string where = "urgency.bands[" + std::to_string(index++) + "]";
    ParsedBand band;
    band.span = ItemSpan(item, span);
    if (!item.IsMap()) {
      WrongType(item, band.span, "a band {name, min, label}", where);
      parsed.push_back(band);
      continue;
    }
    bool has_name = false;
    bool has_min = false;
    bool ok = true;
    for (const Entry& part : Entries(item, BandKeys(), where)) {
      const SourceSpan part_span = Span(part.value, part.key_span);
      if (part.key == "name") {
        has_name = true;
        const std::optional<std::string> name = String(part.value, part_span, where + ".name");
        if (name && name->empty()) {
          Error("bad-bands", "empty band name in '" + where + "'", part_span);
        }
        if (name && !name->empty()) {
          band.band.name = *name;
          given_band_names_->push_back(*name);
        } else {
          ok = false;
        }
      } else if (part.key == "min") {
        has_min = true;
        const std::optional<int64_t> min =
            Integer(part.value, part_span, where + ".min", kIntMin, kIntMax);
        if (min) {
          band.band.min = static_cast<int>(*min);
        } else {
          ok = false;
        }
      } else if (part.key == "label") {
        const std::optional<std::string> label = String(part.value, part_span, where + ".label");
        if (label) {
          band.band.label = *label;
        } else {
          ok = false;
        }
      }
    }
    if (!has_name) Error("missing-key", "missing key 'name' in '" + where + "'", band.span);
    if (!has_min) Error("missing-key", "missing key 'min' in '" + where + "'", band.span);
    band.complete = ok && has_name && has_min;
    parsed.push_back(band);
  }

  // Order and range. Each band is compared with the last band that passed, so that one band out
  // of place is reported once rather than again by each band after it.
  std::optional<int> previous_min;
  std::vector<const ParsedBand*> named;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const ParsedBand& band = parsed[i];
    if (!band.complete) continue;
    const UrgencyBand& b = band.band;
    const auto same_name = std::find_if(
        named.begin(), named.end(), [&](const ParsedBand* p) { return p->band.name == b.name; });
    if (same_name != named.end()) {
      Error("bad-bands", "duplicate band name '" + b.name + "'", band.span);
      Note("first given here", (*same_name)->span);
    } else {
      named.push_back(&band);
    }
    if (b.min < 0 || (max && b.min > *max)) {
      Error("bad-bands",
            "band '" + b.name + "' has min " + std::to_string(b.min) + ", outside [0, " +
                (max ? std::to_string(*max) : std::string("urgency.max")) + "]",
            band.span);
    } else if (previous_min && b.min >= *previous_min) {
      Error("bad-bands",
            "band '" + b.name + "' has min " + std::to_string(b.min) +
                ", not below the previous band's " + std::to_string(*previous_min) +
                ": bands go from the highest min to the lowest",
            band.span);
    } else {
      previous_min = b.min;
      if (i + 1 == parsed.size() && b.min != 0) {
        Error("bad-bands",
              "the last band '" + b.name + "' has min " + std::to_string(b.min) +
                  "; it must be 0 so that every score falls in a band",
              band.span);
      }
    }
  }
  config->bands.clear();
  for (const ParsedBand& band : parsed) {
    if (band.complete) config->bands.push_back(band.band);
  }
}

void ConfigReader::ReadCategories(const Entry& entry, EngineConfig* config) {
  if (!IsSectionMap(entry)) return;
  for (const Entry& part : Entries(entry.value, CategoriesKeys(), "categories")) {
    const SourceSpan span = Span(part.value, part.key_span);
    const std::string what = "categories." + part.key;
    if (part.key == "assign_min") {
      if (auto v = Integer(part.value, span, what, 0, kIntMax)) {
        config->assign_min = static_cast<int>(*v);
      }
    } else if (part.key == "max_labels") {
      if (auto v = Integer(part.value, span, what, 1, kIntMax)) {
        config->max_labels = static_cast<int>(*v);
      }
    } else if (part.key == "fallback") {
      config->fallback_span = span;
      const std::optional<std::string> fallback = String(part.value, span, what);
      if (!fallback) continue;
      if (!IsIdentifier(*fallback)) {
        Error("bad-value",
              "'categories.fallback' must be a category identifier, found '" + *fallback + "'",
              span);
        continue;
      }
      config->fallback = *fallback;
    } else if (part.key == "fallback_by_band") {
      ReadFallbackByBand(part, config);
    } else if (part.key == "fallback_by_field") {
      ReadFallbackByField(part, config);
    }
  }
}

void ConfigReader::ReadFallbackByBand(const Entry& entry, EngineConfig* config) {
  const std::string what = "categories.fallback_by_band";
  if (entry.value.IsNull()) return;  // no value: absent, as a section
  if (!entry.value.IsMap()) {
    WrongType(entry.value, Span(entry.value, entry.key_span), "a map of band name to category",
              what);
    return;
  }
  // The band names are checked once the whole file is read (CheckFallbackBands): urgency.bands
  // may come after this section.
  for (const Entry& band : Entries(entry.value, AnyKey(), what)) {
    const SourceSpan span = Span(band.value, band.key_span);
    const std::optional<std::string> category = String(band.value, span, what + "." + band.key);
    if (!category) continue;
    if (!IsIdentifier(*category)) {
      Error("bad-value",
            "'" + what + "." + band.key + "' must be a category identifier, found '" + *category +
                "'",
            span);
      continue;
    }
    config->fallback_by_band.push_back({band.key, *category, band.key_span, span});
  }
}

void ConfigReader::CheckFallbackBands(EngineConfig* config) {
  if (config->fallback_by_band.empty()) return;
  std::vector<std::string> names;
  if (given_band_names_) {
    names = *given_band_names_;
  } else if (!bands_given_) {
    for (const UrgencyBand& band : config->bands) names.push_back(band.name);
  } else {
    return;  // urgency.bands was reported unreadable: nothing to hold the keys to
  }
  const std::vector<std::string_view> known(names.begin(), names.end());
  std::string list;
  for (std::string_view name : known) list.append(list.empty() ? "" : ", ").append(name);
  std::vector<BandFallback> kept;
  for (BandFallback& entry : config->fallback_by_band) {
    if (std::find(known.begin(), known.end(), entry.band) != known.end()) {
      kept.push_back(std::move(entry));
      continue;
    }
    Error("unknown-band",
          "'categories.fallback_by_band' names unknown band '" + entry.band + "'; the bands are " +
              list,
          entry.band_span);
    const std::string suggestion = internal::ClosestYamlName(entry.band, known);
    if (!suggestion.empty()) Note("did you mean '" + suggestion + "'?", entry.band_span);
  }
  config->fallback_by_band = std::move(kept);
}

void ConfigReader::ReadFallbackByField(const Entry& entry, EngineConfig* config) {
  const std::string what = "categories.fallback_by_field";
  if (entry.value.IsNull()) return;  // no value: absent, as fallback_by_band
  const SourceSpan span = Span(entry.value, entry.key_span);
  if (!entry.value.IsMap()) {
    WrongType(entry.value, span, "a map {field, values}", what);
    return;
  }
  FallbackByField parsed;
  parsed.span = entry.key_span;
  bool has_field = false;
  bool has_values = false;
  bool ok = true;
  for (const Entry& part : Entries(entry.value, FallbackByFieldKeys(), what)) {
    const SourceSpan part_span = Span(part.value, part.key_span);
    const std::string part_what = what + "." + part.key;
    if (part.key == "field") {
      has_field = true;
      // Whether it names a logical field is checked once the whole file is read
      // (CheckFallbackField): `fields:` may come after this section.
      const std::optional<std::string> field = String(part.value, part_span, part_what);
      if (!field) {
        ok = false;
        continue;
      }
      parsed.field = *field;
      parsed.field_span = part_span;
      fallback_field_.emplace(*field, part_span);
    } else if (part.key == "values") {
      has_values = true;
      if (!part.value.IsMap()) {
        WrongType(part.value, part_span, "a map of field value to category", part_what);
        ok = false;
        continue;
      }
      for (const Entry& value : Entries(part.value, AnyKey(), part_what)) {
        const SourceSpan value_span = Span(value.value, value.key_span);
        const std::optional<std::string> category =
            String(value.value, value_span, part_what + "." + value.key);
        if (!category) {
          ok = false;
          continue;
        }
        if (!IsIdentifier(*category)) {
          Error("bad-value",
                "'" + part_what + "." + value.key + "' must be a category identifier, found '" +
                    *category + "'",
                value_span);
          ok = false;
          continue;
        }
        parsed.values.push_back({value.key, *category, value.key_span, value_span});
      }
    }
  }
  if (!has_field) Error("missing-key", "missing key 'field' in '" + what + "'", span);
  if (!has_values) Error("missing-key", "missing key 'values' in '" + what + "'", span);
  // Nothing half-loaded: a setting with any problem is left out whole (the config fails anyway).
  if (!ok || !has_field || !has_values) return;
  config->fallback_by_field = std::move(parsed);
}

void ConfigReader::CheckFallbackField(EngineConfig* config) {
  if (!fallback_field_) return;
  const auto& [field, field_span] = *fallback_field_;
  FallbackByField& setting = config->fallback_by_field;
  std::vector<std::string> names;
  for (const FieldMapping& mapping : DefaultFieldMappings()) names.push_back(mapping.name);
  for (const std::string& name : given_field_names_) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (std::find(names.begin(), names.end(), field) != names.end()) return;
  setting = FallbackByField();
  // `fields:` was reported unreadable: the field may be one of its entries.
  if (fields_unreadable_) return;
  Error("unknown-field",
        "'categories.fallback_by_field' names unknown field '" + field +
            "'; a field is one of the default mapping or of 'fields:'",
        field_span);
  const std::vector<std::string_view> known(names.begin(), names.end());
  const std::string suggestion = internal::ClosestYamlName(field, known);
  if (!suggestion.empty()) Note("did you mean '" + suggestion + "'?", field_span);
}

void ConfigReader::ReadOverrides(const Entry& entry, EngineConfig* config) {
  if (!IsSectionMap(entry)) return;
  for (const Entry& rule : Entries(entry.value, AnyKey(), "overrides")) {
    ReadOverride(rule, config);
  }
}

void ConfigReader::ReadOverride(const Entry& entry, EngineConfig* config) {
  const std::string where = "overrides." + entry.key;
  const SourceSpan span = Span(entry.value, entry.key_span);
  if (!entry.value.IsMap()) {
    WrongType(entry.value, span, "a map of {enabled, urgency, floor, categories}", where);
    return;
  }
  RuleOverride override_entry;
  override_entry.rule = entry.key;
  override_entry.span = entry.key_span;
  for (const Entry& part : Entries(entry.value, OverrideKeys(), where)) {
    const SourceSpan part_span = Span(part.value, part.key_span);
    const std::string what = where + "." + part.key;
    if (part.key == "enabled") {
      override_entry.enabled = Boolean(part.value, part_span, what);
    } else if (part.key == "urgency" || part.key == "floor") {
      // Only the type is checked here: the checker holds overrides to the ranges of rule scores
      // (`score-range`), against the rules they override.
      const std::optional<int64_t> v = Integer(part.value, part_span, what, kIntMin, kIntMax);
      if (!v) continue;
      (part.key == "urgency" ? override_entry.urgency : override_entry.floor) =
          static_cast<int>(*v);
    } else if (part.key == "categories") {
      if (!part.value.IsMap()) {
        WrongType(part.value, part_span, "a map of category scores", what);
        continue;
      }
      for (const Entry& category : Entries(part.value, AnyKey(), what)) {
        const std::optional<int64_t> score =
            Integer(category.value, Span(category.value, category.key_span),
                    what + "." + category.key, kIntMin, kIntMax);
        if (score) override_entry.categories.emplace_back(category.key, static_cast<int>(*score));
      }
    }
  }
  config->overrides.push_back(std::move(override_entry));
}

void ConfigReader::ReadLimits(const Entry& entry, EngineConfig* config) {
  if (!IsSectionMap(entry)) return;
  for (const Entry& part : Entries(entry.value, LimitsKeys(), "limits")) {
    const SourceSpan span = Span(part.value, part.key_span);
    if (part.key == "max_record_bytes") {
      // Bounded by size_t as well as int64_t (a 32-bit size_t is possible).
      const int64_t hi =
          static_cast<int64_t>(std::min<uint64_t>(std::numeric_limits<size_t>::max(), kInt64Max));
      if (auto v = Integer(part.value, span, "limits.max_record_bytes", 1, hi)) {
        config->max_record_bytes = static_cast<size_t>(*v);
      }
    } else if (part.key == "max_rule_file_bytes") {
      // A source offset is 32-bit: no file can be larger than 4 GiB - 1.
      if (auto v = Integer(part.value, span, "limits.max_rule_file_bytes", 1, kMaxSourceBytes)) {
        config->max_rule_file_bytes = static_cast<size_t>(*v);
      }
    } else if (part.key == "max_rules") {
      if (auto v = Integer(part.value, span, "limits.max_rules", 1, kIntMax)) {
        config->max_rules = static_cast<size_t>(*v);
      }
    } else if (part.key == "max_nesting_depth") {
      // Bounded above: past kMaxNestingDepth a deep condition could overflow a thread's stack.
      if (auto v = Integer(part.value, span, "limits.max_nesting_depth", 1, kMaxNestingDepth)) {
        config->max_nesting_depth = static_cast<uint32_t>(*v);
      }
    }
  }
}

void ConfigReader::ReadAnalysis(const Entry& entry, EngineConfig* config) {
  AnalysisConfig& analysis = config->analysis;
  const SourceSpan value_span = Span(entry.value, entry.key_span);
  analysis.span = {entry.key_span.begin, std::max(entry.key_span.end, value_span.end)};
  if (!IsSectionMap(entry)) return;
  for (const Entry& part : Entries(entry.value, AnalysisKeys(), "analysis")) {
    const SourceSpan span = Span(part.value, part.key_span);
    const std::string what = "analysis." + part.key;
    if (part.key == "version") {
      const std::optional<int64_t> version = Integer(part.value, span, what, kIntMin, kIntMax);
      if (!version) continue;
      if (*version != kAnalysisVersion) {
        Error("bad-value",
              "unknown analysis version " + std::to_string(*version) +
                  "; this engine implements version " + std::to_string(kAnalysisVersion),
              span);
        continue;
      }
      analysis.version = static_cast<int>(*version);
    } else if (part.key == "fold") {
      if (!part.value.IsMap()) {
        WrongType(part.value, span, "a map of {accents, confusables}", what);
        continue;
      }
      for (const Entry& fold : Entries(part.value, FoldKeys(), what)) {
        const std::optional<bool> on =
            Boolean(fold.value, Span(fold.value, fold.key_span), what + "." + fold.key);
        if (!on) continue;
        (fold.key == "accents" ? analysis.fold_accents : analysis.fold_confusables) = *on;
      }
    } else if (part.key == "sentences") {
      if (!part.value.IsMap()) {
        WrongType(part.value, span, "a map of {line_breaks, lowercase_after_stop, clause_breaks}",
                  what);
        continue;
      }
      for (const Entry& sentences : Entries(part.value, SentencesKeys(), what)) {
        const std::optional<bool> on = Boolean(
            sentences.value, Span(sentences.value, sentences.key_span), what + "." + sentences.key);
        if (!on) continue;
        if (sentences.key == "line_breaks") {
          analysis.line_breaks_end_sentences = *on;
        } else if (sentences.key == "lowercase_after_stop") {
          analysis.lowercase_after_stop = *on;
        } else {
          analysis.clause_breaks = *on;
        }
      }
    } else if (part.key == "stemmers") {
      ReadStemmers(part.value, span, &analysis);
    } else if (part.key == "dictionaries") {
      ReadDictionaries(part.value, span, &analysis);
    }
  }
}

void ConfigReader::ReadStemmers(const YAML::Node& node, SourceSpan span, AnalysisConfig* analysis) {
  std::vector<std::pair<std::string, SourceSpan>> seen;
  auto add = [&](const YAML::Node& item, SourceSpan item_span) {
    if (!item.IsScalar()) {
      WrongType(item, item_span, "a stemmer name", "analysis.stemmers");
      return;
    }
    const std::string& name = item.Scalar();
    const std::vector<std::string_view>& known = StemmerNames();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (std::string_view k : known) list.append(list.empty() ? "" : ", ").append(k);
      Error("unknown-stemmer", "unknown stemmer '" + name + "'; the known stemmers are " + list,
            item_span);
      const std::string suggestion = internal::ClosestYamlName(name, known);
      if (!suggestion.empty()) Note("did you mean '" + suggestion + "'?", item_span);
      return;
    }
    const auto previous =
        std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == name; });
    if (previous != seen.end()) {
      Error("bad-value", "stemmer '" + name + "' is listed twice in 'analysis.stemmers'",
            item_span);
      Note("first given here", previous->second);
      return;
    }
    seen.emplace_back(name, item_span);
    analysis->stem_languages.push_back(name);
  };
  if (node.IsNull()) return;
  if (node.IsScalar()) {
    add(node, span);
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) add(item, ItemSpan(item, span));
  } else {
    WrongType(node, span, "a stemmer name or a list of stemmer names", "analysis.stemmers");
  }
}

void ConfigReader::ReadDictionaries(const YAML::Node& node, SourceSpan span,
                                    AnalysisConfig* analysis) {
  ReadFileNames(node, span, "dictionary file name", "analysis.dictionaries",
                &analysis->dictionaries, &analysis->dictionary_spans);
}


// A duration: an integer number of seconds, or a string of digits with a unit: "900s", "15m",
// "2h". At least one second, at most a week.
std::optional<int64_t> ConfigReader::Duration(const YAML::Node& node, SourceSpan span,
                                              const std::string& what) {
  constexpr int64_t kWeek = 7 * 24 * 3600;
  if (!node.IsScalar()) {
    WrongType(node, span, "a duration (seconds, or \"15m\", \"900s\", \"2h\")", what);
    return std::nullopt;
  }
  std::string_view text = node.Scalar();
  int64_t unit = 1;
  if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
    unit = text.back() == 'h' ? 3600 : text.back() == 'm' ? 60 : 1;
    text.remove_suffix(1);
  } else if (IsStringOnly(node)) {
    text = {};  // a quoted number is a string, as everywhere in the config
  }
  const ParsedInteger parsed = ParseDecimal(text);
  if (!parsed.is_integer || text.empty() || text.front() == '+' || text.front() == '-') {
    WrongType(node, span, "a duration (seconds, or \"15m\", \"900s\", \"2h\")", what);
    return std::nullopt;
  }
  if (parsed.overflow || parsed.value < 1 || parsed.value > kWeek / unit) {
    Error("bad-value", "'" + what + "' must be from 1 second to a week, found " + node.Scalar(),
          span);
    return std::nullopt;
  }
  return parsed.value * unit;
}

void ConfigReader::ReadConversations(const Entry& entry, EngineConfig* config) {
  ConversationConfig& conversations = config->conversations;
  const SourceSpan value_span = Span(entry.value, entry.key_span);
  conversations.span = {entry.key_span.begin, std::max(entry.key_span.end, value_span.end)};
  if (!IsSectionMap(entry)) return;
  std::vector<std::pair<std::string, SourceSpan>> keyword_spans;
  std::vector<std::pair<std::string, SourceSpan>> reply_spans;
  const Entry* replies = nullptr;
  const std::vector<Entry> parts = Entries(entry.value, ConversationKeys(), "conversations");
  for (const Entry& part : parts) {
    const SourceSpan span = Span(part.value, part.key_span);
    const std::string what = "conversations." + part.key;
    if (part.key == "idle_timeout") {
      if (auto v = Duration(part.value, span, what)) conversations.idle_timeout_seconds = *v;
    } else if (part.key == "max_open") {
      if (auto v = Integer(part.value, span, what, 1, kIntMax)) {
        conversations.max_open = static_cast<size_t>(*v);
      }
    } else if (part.key == "max_messages") {
      if (auto v = Integer(part.value, span, what, 1, 10000)) {
        conversations.max_messages = static_cast<size_t>(*v);
      }
    } else if (part.key == "max_text_bytes") {
      if (auto v = Integer(part.value, span, what, 1, 1 << 24)) {
        conversations.max_text_bytes = static_cast<size_t>(*v);
      }
    } else if (part.key == "max_remembered") {
      if (auto v = Integer(part.value, span, what, 1, kIntMax)) {
        conversations.max_remembered = static_cast<size_t>(*v);
      }
    } else if (part.key == "keywords") {
      ReadKeywords(part, &conversations, &keyword_spans);
    } else if (part.key == "replies") {
      replies = &part;
    }
  }
  if (conversations.max_remembered != 0 &&
      conversations.max_remembered < conversations.max_open) {
    for (const Entry& part : parts) {
      if (part.key != "max_remembered") continue;
      Error("bad-value",
            "'conversations.max_remembered' (" + std::to_string(conversations.max_remembered) +
                ") must be at least 'conversations.max_open' (" +
                std::to_string(conversations.max_open) + ")",
            Span(part.value, part.key_span));
    }
  }
  // Replies are checked against the keyword lists, whichever order the keys come in.
  if (replies != nullptr) ReadReplies(*replies, &conversations, &reply_spans);
}

void ConfigReader::ReadKeywords(const Entry& entry, ConversationConfig* conversations,
                                std::vector<std::pair<std::string, SourceSpan>>* spans) {
  const SourceSpan span = Span(entry.value, entry.key_span);
  if (!entry.value.IsMap()) {
    WrongType(entry.value, span, "a map of {help, stop, start}", "conversations.keywords");
    return;
  }
  for (const Entry& list : Entries(entry.value, KeywordListKeys(), "conversations.keywords")) {
    const std::string what = "conversations.keywords." + list.key;
    std::vector<std::string>* words = list.key == "help"   ? &conversations->help_keywords
                                      : list.key == "stop" ? &conversations->stop_keywords
                                                           : &conversations->start_keywords;
    words->clear();  // a list given replaces the default one
    const auto add = [&](const YAML::Node& item, SourceSpan item_span) {
      if (!item.IsScalar()) {
        WrongType(item, item_span, "a keyword", what);
        return;
      }
      const std::string& word = item.Scalar();
      if (!internal::IsOneWord(word)) {
        Error("bad-value", "a keyword is one word without spaces, found '" + word + "'",
              item_span);
        return;
      }
      const std::string folded = internal::FoldKeyword(word);
      for (const auto& [seen, seen_span] : *spans) {
        if (seen != folded) continue;
        Error("bad-value", "keyword '" + word + "' is given twice", item_span);
        Note("given here first", seen_span);
        return;
      }
      spans->emplace_back(folded, item_span);
      words->push_back(word);
    };
    const SourceSpan list_span = Span(list.value, list.key_span);
    if (list.value.IsSequence()) {
      for (const YAML::Node& item : list.value) add(item, ItemSpan(item, list_span));
    } else if (list.value.IsScalar()) {
      add(list.value, list_span);
    } else {
      WrongType(list.value, list_span, "a keyword or a list of keywords", what);
    }
  }
}

void ConfigReader::ReadReplies(const Entry& entry, ConversationConfig* conversations,
                               std::vector<std::pair<std::string, SourceSpan>>* replies) {
  const SourceSpan span = Span(entry.value, entry.key_span);
  if (!entry.value.IsMap()) {
    WrongType(entry.value, span, "a map of keyword to reply text", "conversations.replies");
    return;
  }
  const auto in = [](const std::vector<std::string>& words, const std::string& folded) {
    return std::any_of(words.begin(), words.end(),
                       [&](const std::string& w) { return internal::FoldKeyword(w) == folded; });
  };
  for (const Entry& reply : Entries(entry.value, AnyKey(), "conversations.replies")) {
    const std::string what = "conversations.replies." + reply.key;
    const std::string folded = internal::FoldKeyword(reply.key);
    if (in(conversations->stop_keywords, folded)) {
      Error("bad-value",
            "'" + reply.key + "' is a stop keyword: nothing may be sent after it, not even a reply",
            reply.key_span);
      continue;
    }
    if (!in(conversations->help_keywords, folded) && !in(conversations->start_keywords, folded)) {
      Error("bad-value",
            "'" + reply.key + "' is not a help or start keyword (conversations.keywords)",
            reply.key_span);
      continue;
    }
    bool repeated = false;
    for (const auto& [seen, seen_span] : *replies) {
      if (seen != folded) continue;
      Error("bad-value", "a reply to '" + reply.key + "' is given twice", reply.key_span);
      Note("given here first", seen_span);
      repeated = true;
    }
    if (repeated) continue;
    const std::optional<std::string> text =
        String(reply.value, Span(reply.value, reply.key_span), what);
    if (!text) continue;
    if (text->empty()) {
      Error("bad-value", "'" + what + "' is empty", Span(reply.value, reply.key_span));
      continue;
    }
    replies->emplace_back(folded, reply.key_span);
    conversations->replies.push_back({reply.key, *text});
  }
}
}  // namespace

std::vector<FieldMapping> DefaultFieldMappings() {
  auto mapping = [](std::string name, std::vector<std::string> paths) {
    FieldMapping m;
    m.name = std::move(name);
    m.paths = std::move(paths);
    return m;
  };
  return {
      mapping("id", {"id"}),
      mapping("kind", {"kind"}),
      mapping("channel", {"channel"}),
      mapping("text", {"summary", "body"}),
      mapping("incident_type", {"incident_type"}),
      mapping("victim.age", {"victims[*].age"}),
      mapping("suspect.username", {"suspects[*].username"}),
      mapping("suspect.platform", {"suspects[*].platform"}),
      mapping("url", {"urls[*]"}),
      mapping("conversation", {"conversation"}),
      mapping("from", {"from"}),
      mapping("to", {"to"}),
      mapping("received_at", {"received_at"}),
      // A CyberTipline report's reason to escalate (docs/adapters.md): rules can test it.
      mapping("escalate_to_high_priority", {"escalate_to_high_priority"}),
  };
}

std::vector<UrgencyBand> DefaultBands() {
  return {
      {"P1", 80, "imminent danger: act now"},
      {"P2", 50, "high"},
      {"P3", 20, "standard"},
      {"P4", 0, "low / informational"},
  };
}

namespace {

// Walks a YAML text's events once, without building anything, and stops at the first of three
// things that would make loading it unbounded (docs/robustness.md):
//
// - Aliases that expand too far. yaml-cpp's tree shares an aliased node, but every walk over the
//   tree (the reader's, or a copy) visits each use: a few lines of aliases of aliases ("billion
//   laughs") would take exponential time and memory, and an alias inside the node it names would
//   never end. Each alias counts the nodes of the node it names; the walk stops at the first that
//   makes the expansion exceed the budget, or that names a node still open.
// - Nesting deeper than kMaxConfigNesting. yaml-cpp parses recursively and only refuses past its
//   own guard (500 levels in 0.7, with "bad file" and a position past the node); a config needs
//   a handful of levels, so the walk stops at the first collection one level too deep, where it
//   opens.
// - A parser that makes no progress. yaml-cpp 0.7 (Debian 12's) neither consumes nor refuses a
//   ',' where a document would begin (`,` alone, or `a: b` then `,` on the next line): every call
//   of HandleNextDocument yields one more empty document at the same place, and YAML::LoadAll
//   never returns (jbeder/yaml-cpp#1040, fixed upstream after 0.8 by #1318 and #1319; the fuzz
//   finding tests/fuzz/regressions/config/timeout-eb928fd7...). A document that begins where the
//   previous one began has consumed nothing: the walk stops there.
//
// Linear in the text; a syntax error throws (yaml-cpp's way), which the caller catches.
class ConfigWalk : public YAML::EventHandler {
 public:
  enum class Stop { kNone, kExpansion, kCycle, kTooDeep, kStuck };

  // `budget`: how many nodes aliases may add to the ones written out.
  explicit ConfigWalk(uint64_t budget) : budget_(budget) {}

  bool stopped() const { return stop_ != Stop::kNone; }
  Stop stop() const { return stop_; }
  // Where the walk stopped.
  const YAML::Mark& mark() const { return mark_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ != 0 && mark.pos == last_document_) Halt(mark, Stop::kStuck);
    last_document_ = mark.pos;
  }
  void OnDocumentEnd() override { sizes_.clear(); }  // anchors belong to one document
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& /*value*/) override {
    Leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (stopped()) return;
    const auto it = sizes_.find(anchor);
    if (it == sizes_.end()) {  // the anchored node is still open: the alias is inside it
      Halt(mark, Stop::kCycle);
      return;
    }
    Add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t anchor, YAML::EmitterStyle::value /*style*/) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct OpenNode {
    YAML::anchor_t anchor;
    uint64_t expanded_before;
  };

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) sizes_[anchor] = 1;
    Add(mark, 1);
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= kMaxConfigNesting) Halt(mark, Stop::kTooDeep);
    open_.push_back(OpenNode{anchor, expanded_});
    Add(mark, 1);
  }
  void Close() {
    if (open_.empty()) return;
    const OpenNode node = open_.back();
    open_.pop_back();
    if (node.anchor != YAML::NullAnchor) sizes_[node.anchor] = expanded_ - node.expanded_before;
  }
  // Counts `nodes` more expanded nodes, one of them written out.
  void Add(const YAML::Mark& mark, uint64_t nodes) {
    if (stopped()) return;
    ++written_;
    expanded_ += nodes;  // no overflow: both stay within the budget plus one alias's size
    if (expanded_ - written_ > budget_) Halt(mark, Stop::kExpansion);
  }
  // Records the first reason to stop; later ones (the rest of the document) are ignored.
  void Halt(const YAML::Mark& mark, Stop stop) {
    if (stopped()) return;
    stop_ = stop;
    mark_ = mark;
  }

  uint64_t budget_;
  uint64_t written_ = 0;
  uint64_t expanded_ = 0;
  std::vector<OpenNode> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> sizes_;  // of each closed anchored node, expanded
  uint64_t documents_ = 0;
  int last_document_ = -1;  // YAML::Mark::pos of the last document's start
  Stop stop_ = Stop::kNone;
  YAML::Mark mark_;
};

// Returns true if `source` can be loaded within the bounds ConfigWalk checks; else reports where
// it cannot through *reader. A syntax error found before any of those is left to YAML::LoadAll,
// which reports it with its position: returns true then.
bool WithinBounds(const SourceFile& source, ConfigReader* reader) {
  ConfigWalk walk(kMaxAliasNodes);
  try {
    std::istringstream in(source.text());
    YAML::Parser parser(in);
    while (!walk.stopped() && parser.HandleNextDocument(walk)) {
    }
  } catch (const std::exception&) {
    // yaml-cpp finishes the document it is in after the walk stopped, and may throw in it (its
    // own depth guard past ours): what stopped the walk comes first.
    if (!walk.stopped()) return true;
  }
  switch (walk.stop()) {
    case ConfigWalk::Stop::kNone:
      return true;
    case ConfigWalk::Stop::kStuck: {
      const size_t at = static_cast<size_t>(std::max(walk.mark().pos, 0));
      const std::string found =
          at < source.text().size() ? "'" + std::string(1, source.text()[at]) + "'" : "this";
      reader->ErrorAtMark(walk.mark(), "yaml-syntax",
                          "invalid yaml: a document cannot begin with " + found);
      break;
    }
    case ConfigWalk::Stop::kTooDeep:
      reader->ErrorAtMark(walk.mark(), "too-deep",
                          "the config nests more than " + std::to_string(kMaxConfigNesting) +
                              " levels of maps and lists here");
      break;
    case ConfigWalk::Stop::kCycle:
      reader->ErrorAtMark(walk.mark(), "alias-expansion",
                          "this alias is inside the node its anchor names: it never ends");
      break;
    case ConfigWalk::Stop::kExpansion:
      reader->ErrorAtMark(walk.mark(), "alias-expansion",
                          "aliases expand the config by more than " +
                              std::to_string(kMaxAliasNodes) + " nodes here; write it out");
      break;
  }
  return false;
}

}  // namespace

Result<EngineConfig> LoadConfig(const SourceManager& sources, FileId file,
                                Diagnostics* diagnostics) {
  const size_t errors_before = diagnostics->error_count();
  if (!file.valid() || file.value > sources.size()) {
    diagnostics->Error("bad-file-id", "the config file id does not name a loaded file");
    return Status::InvalidArgument(diagnostics->Summary());
  }
  const SourceFile& source = sources.file(file);
  EngineConfig config;
  config.file = file;
  config.bands = DefaultBands();
  ConfigReader reader(source, file);

  // Bounded before anything is built (docs/robustness.md): the size, then what aliases add.
  if (source.text().size() > kMaxConfigBytes) {
    diagnostics->Error("config-too-large",
                       "the config is " + std::to_string(source.text().size()) +
                           " bytes; the limit is " + std::to_string(kMaxConfigBytes),
                       file, SourceSpan{0, 0});
    return Status::InvalidArgument(diagnostics->Summary());
  }
  std::vector<YAML::Node> documents;
  bool parsed = false;
  if (!WithinBounds(source, &reader)) {
    reader.MoveDiagnosticsTo(diagnostics);
    return Status::InvalidArgument(diagnostics->Summary());
  }
  try {
    documents = YAML::LoadAll(source.text());
    parsed = true;
  } catch (const YAML::Exception& e) {
    reader.SyntaxError(e.mark, e.msg);
  } catch (const std::exception& e) {
    reader.SyntaxError(YAML::Mark::null_mark(), e.what());
  } catch (...) {
    reader.SyntaxError(YAML::Mark::null_mark(), "unreadable document");
  }

  if (parsed) {
    try {
      for (size_t i = 1; i < documents.size(); ++i) {
        if (!documents[i].IsNull()) {
          reader.ExtraDocument(documents[i]);
          break;
        }
      }
      reader.ReadRoot(documents.empty() ? YAML::Node() : documents[0], &config);
    } catch (const std::exception& e) {
      reader.MoveDiagnosticsTo(diagnostics);
      return Status::Internal(std::string("unexpected failure while reading the config: ") +
                              e.what());
    } catch (...) {
      reader.MoveDiagnosticsTo(diagnostics);
      return Status::Internal("unexpected failure while reading the config");
    }
  }

  reader.MoveDiagnosticsTo(diagnostics);
  if (diagnostics->error_count() > errors_before) {
    return Status::InvalidArgument(diagnostics->Summary());
  }
  return config;
}

}  // namespace triage
