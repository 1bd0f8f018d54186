// SPDX-License-Identifier: Apache-2.0
// The JSON forms of a decision (decision.h): the `triage` object, the line `triage filter` writes
// for a triaged record (annotate or decision-only) and the error line for a record that could not
// be triaged. All strings go through rapidjson's Writer so that quotes, backslashes and control
// characters are escaped; UTF-8 is written as is (it was validated when the record was parsed).
//
// Annotate mode keeps the input record's bytes and inserts `,"triage":{...}` before its final
// '}'. When the record already has a top-level "triage" member (a record that went through the
// filter before), the object is rebuilt without it. The brief suggested a simdjson DOM parse and
// simdjson::minify of each remaining member; we deviate and split the object into its top-level
// members with a small scanner over the raw text instead, because minify re-serialises numbers
// (1e2 becomes 100.0, integers beyond 64 bits lose digits) and the annotate output should carry
// the input's other members byte for byte. The input is REQUIRED to be a valid JSON object (it has
// been parsed by the scanner), so the splitter only needs to find boundaries, not validate; it
// never reads out of bounds and, should the input be malformed anyway, falls back to a plain
// insertion.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/decision.h"
#include "triage/status.h"
#include "triage/timestamp.h"

#include "output/json_strings.h"

namespace triage {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// A decision line of the default pack is ~1.7 KB (every fired rule with its scores): a buffer of
// that size from the start spares the growth (and its copies) on the way there.
constexpr size_t kLineCapacity = 2048;

void WriteString(JsonWriter* writer, std::string_view text) {
  internal::WriteJsonString(writer, text);
}

void WriteKey(JsonWriter* writer, std::string_view key) { internal::WriteJsonKey(writer, key); }

void WriteUrgency(JsonWriter* writer, int score, const std::string& band) {
  writer->StartObject();
  WriteKey(writer, "score");
  writer->Int(score);
  WriteKey(writer, "band");
  WriteString(writer, band);
  writer->EndObject();
}

void WriteCategories(JsonWriter* writer, const std::vector<CategoryScore>& categories) {
  writer->StartArray();
  for (const CategoryScore& category : categories) {
    writer->StartObject();
    WriteKey(writer, "name");
    WriteString(writer, category.name);
    WriteKey(writer, "score");
    writer->Int(category.score);
    writer->EndObject();
  }
  writer->EndArray();
}

// The `conversation` object (docs/conversations.md): where the message stands, the
// conversation's urgency and categories (those of the decision), and the message's own.
void WriteConversation(JsonWriter* writer, const Decision& decision,
                       const ConversationInfo& info) {
  writer->StartObject();
  WriteKey(writer, "id");
  WriteString(writer, info.id);
  WriteKey(writer, "index");
  writer->Uint64(info.index);
  WriteKey(writer, "state");
  WriteString(writer, ConversationStateName(info.state));
  const auto time = [writer](const char* key, const std::optional<int64_t>& micros) {
    if (!micros.has_value()) return;
    WriteKey(writer, key);
    WriteString(writer, FormatTimestamp(*micros));
  };
  time("opened_at", info.opened_at);
  time("at", info.at);
  time("closes_at", info.closes_at);
  if (info.keyword != CarrierKeyword::kNone) {
    WriteKey(writer, "keyword");
    WriteString(writer, CarrierKeywordName(info.keyword));
  }
  if (info.context_lost) {
    WriteKey(writer, "context_lost");
    writer->Bool(true);
  }
  WriteKey(writer, "urgency");
  WriteUrgency(writer, decision.urgency, decision.band);
  WriteKey(writer, "categories");
  WriteCategories(writer, decision.categories);
  WriteKey(writer, "message");
  writer->StartObject();
  WriteKey(writer, "urgency");
  WriteUrgency(writer, info.message_urgency, info.message_band);
  WriteKey(writer, "categories");
  WriteCategories(writer, info.message_categories);
  WriteKey(writer, "rules");
  internal::WriteStringArray(writer, info.message_rules);
  writer->EndObject();
  writer->EndObject();
}

// A hit's object ({"rule":...,"urgency":...}), written field by field.
void WriteHitObject(JsonWriter* writer, const RuleHit& hit) {
  writer->StartObject();
  WriteKey(writer, "rule");
  WriteString(writer, hit.rule);
  WriteKey(writer, "urgency");
  writer->Int(hit.urgency);
  if (hit.floor.has_value()) {
    WriteKey(writer, "floor");
    writer->Int(*hit.floor);
  }
  if (!hit.categories.empty()) {
    WriteKey(writer, "categories");
    writer->StartObject();
    for (const CategoryScore& category : hit.categories) {
      WriteKey(writer, category.name);
      writer->Int(category.score);
    }
    writer->EndObject();
  }
  writer->EndObject();
}

// Whether two hits of the same rule name write the same object.
bool SameScores(const RuleHit& a, const RuleHit& b) {
  if (a.urgency != b.urgency || a.floor != b.floor || a.categories.size() != b.categories.size()) {
    return false;
  }
  for (size_t i = 0; i < a.categories.size(); ++i) {
    if (a.categories[i].score != b.categories[i].score ||
        a.categories[i].name != b.categories[i].name) {
      return false;
    }
  }
  return true;
}

// A hit's object is a function of the hit alone, and a rule pack's hits are few and come back
// on every record (the default pack fires ~20 a report, ~40% of a decision line's bytes). Each
// thread keeps the text the Writer wrote for the hits it has met, each with the hit it was
// written for, and writes a hit met again as that text once every field is checked equal: the
// bytes are the Writer's own either way. The text goes into the buffer with one copy
// (Writer::RawValue with no text puts the separator before it; the Writer keeps no bytes of its
// own). The cache is a table of kHitSlots slots, a hit's slot chosen by its rule name: a hit that
// differs from its slot's (another rule whose name falls there, another ruleset's overrides) is
// written and takes the slot. Its memory is bounded whatever hits a caller makes, and a lookup
// is a hash of the name and one comparison (a node-based map's lookup took a tenth of the time
// the lines took).
constexpr size_t kHitSlotBits = 11;
constexpr size_t kHitSlots = size_t{1} << kHitSlotBits;

// The slot of a rule name: from its length and its first and last eight bytes (a pack's names
// share prefixes such as "net_" and differ in the rest), mixed so that the top bits depend on
// all of them.
size_t HitSlot(const std::string& name) {
  const size_t n = name.size();
  uint64_t head = 0;
  uint64_t tail = 0;
  std::memcpy(&head, name.data(), n < 8 ? n : 8);
  if (n > 8) std::memcpy(&tail, name.data() + n - 8, 8);
  const uint64_t h = (head * 0x9E3779B97F4A7C15ULL) ^ (tail * 0xC2B2AE3D27D4EB4FULL) ^ n;
  return static_cast<size_t>((h * 0x9E3779B97F4A7C15ULL) >> (64 - kHitSlotBits));
}

struct WrittenHit {
  bool used = false;
  RuleHit hit;
  std::string json;
};

void WriteHit(JsonWriter* writer, rapidjson::StringBuffer* out, const RuleHit& hit) {
  thread_local std::vector<WrittenHit> slots;
  if (slots.empty()) slots.resize(kHitSlots);
  WrittenHit& slot = slots[HitSlot(hit.rule)];
  if (!slot.used || slot.hit.rule != hit.rule || !SameScores(slot.hit, hit)) {
    rapidjson::StringBuffer buffer;
    JsonWriter hit_writer(buffer);
    WriteHitObject(&hit_writer, hit);
    slot.used = true;
    slot.hit = hit;
    slot.json.assign(buffer.GetString(), buffer.GetSize());
  }
  writer->RawValue(slot.json.data(), 0, rapidjson::kObjectType);
  std::memcpy(out->Push(slot.json.size()), slot.json.data(), slot.json.size());
}

// Writes the `triage` object; the key order is part of the output contract (DESIGN.md).
void WriteDecision(JsonWriter* writer, rapidjson::StringBuffer* out, const Decision& decision) {
  writer->StartObject();
  WriteKey(writer, "urgency");
  WriteUrgency(writer, decision.urgency, decision.band);
  WriteKey(writer, "categories");
  WriteCategories(writer, decision.categories);

  WriteKey(writer, "rules");
  writer->StartArray();
  for (const RuleHit& hit : decision.rules) WriteHit(writer, out, hit);
  writer->EndArray();

  WriteKey(writer, "tags");
  internal::WriteStringArray(writer, decision.tags);
  WriteKey(writer, "routes");
  internal::WriteStringArray(writer, decision.routes);
  if (decision.conversation.has_value()) {
    WriteKey(writer, "conversation");
    WriteConversation(writer, decision, *decision.conversation);
  }
  if (decision.reply.has_value()) {
    WriteKey(writer, "reply");
    WriteString(writer, *decision.reply);
  }
  WriteKey(writer, "ruleset");
  WriteString(writer, decision.ruleset);
  WriteKey(writer, "engine");
  WriteString(writer, decision.engine);
  writer->EndObject();
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// --- Top-level member splitter (see the file comment) ---------------------------------------

// A top-level member of an object: the bytes of `"key": value` and whether the key is "triage".
struct MemberSpan {
  size_t begin = 0;
  size_t end = 0;
  bool is_triage = false;
};

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
  return pos;
}

// REQUIRES: text[pos] == '"'. Returns the position just after the closing quote, or npos.
size_t SkipString(std::string_view text, size_t pos) {
  ++pos;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '\\') {
      pos += 2;
    } else if (c == '"') {
      return pos + 1;
    } else {
      ++pos;
    }
  }
  return std::string_view::npos;
}

// Returns the position just after the value starting at `pos`, or npos.
size_t SkipValue(std::string_view text, size_t pos) {
  if (pos >= text.size()) return std::string_view::npos;
  const char first = text[pos];
  if (first == '"') return SkipString(text, pos);
  if (first == '{' || first == '[') {
    size_t depth = 0;
    while (pos < text.size()) {
      const char c = text[pos];
      if (c == '"') {
        pos = SkipString(text, pos);
        if (pos == std::string_view::npos) return pos;
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return pos + 1;
      }
      ++pos;
    }
    return std::string_view::npos;
  }
  // A number, true, false or null: runs to the next delimiter.
  while (pos < text.size() && !IsJsonSpace(text[pos]) && text[pos] != ',' && text[pos] != '}' &&
         text[pos] != ']') {
    ++pos;
  }
  return pos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Returns true if the raw (still escaped) key text equals "triage" once unescaped. Only escapes
// that can decode to ASCII matter: any other code point makes the key differ anyway.
bool KeyIsTriage(std::string_view raw) {
  static constexpr std::string_view kTriage = "triage";
  if (raw.find('\\') == std::string_view::npos) return raw == kTriage;
  std::string decoded;
  for (size_t i = 0; i < raw.size() && decoded.size() <= kTriage.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      decoded.push_back(c);
      continue;
    }
    if (++i >= raw.size()) return false;
    c = raw[i];
    if (c != 'u') {
      // \" \\ \/ \b \f \n \r \t: none of them decodes to a letter of "triage".
      return false;
    }
    if (i + 4 >= raw.size()) return false;
    int code = 0;
    for (size_t k = 1; k <= 4; ++k) {
      const int digit = HexValue(raw[i + k]);
      if (digit < 0) return false;
      code = code * 16 + digit;
    }
    if (code == 0 || code > 0x7f) return false;
    decoded.push_back(static_cast<char>(code));
    i += 4;
  }
  return decoded == kTriage;
}

// Splits the object whose '{' is at `open` into its top-level members. Returns false if the text
// does not have the expected shape (the caller then falls back to plain insertion).
bool SplitMembers(std::string_view text, size_t open, std::vector<MemberSpan>* members) {
  size_t pos = SkipSpace(text, open + 1);
  if (pos < text.size() && text[pos] == '}') return true;
  while (pos < text.size()) {
    if (text[pos] != '"') return false;
    MemberSpan member;
    member.begin = pos;
    const size_t key_end = SkipString(text, pos);
    if (key_end == std::string_view::npos) return false;
    member.is_triage = KeyIsTriage(text.substr(pos + 1, key_end - pos - 2));
    pos = SkipSpace(text, key_end);
    if (pos >= text.size() || text[pos] != ':') return false;
    pos = SkipSpace(text, pos + 1);
    member.end = SkipValue(text, pos);
    if (member.end == std::string_view::npos) return false;
    members->push_back(member);
    pos = SkipSpace(text, member.end);
    if (pos >= text.size()) return false;
    if (text[pos] == '}') return true;
    if (text[pos] != ',') return false;
    pos = SkipSpace(text, pos + 1);
  }
  return false;
}

// True if `text` might have a "triage" key anywhere: the literal word, or a \u escape that could
// spell it. A cheap filter that spares the splitter for almost every record.
bool MightHaveTriageKey(std::string_view text) {
  return text.find("triage") != std::string_view::npos ||
         text.find("\\u") != std::string_view::npos;
}

std::string AnnotateLine(std::string_view record, std::string_view triage_json) {
  // Trim the surrounding whitespace (a CRLF line's '\r', a pretty-printer's trailing newline)
  // and a UTF-8 byte order mark, should the parser have accepted one.
  if (record.substr(0, 3) == "\xEF\xBB\xBF") record.remove_prefix(3);
  size_t first = 0;
  while (first < record.size() && IsJsonSpace(record[first])) ++first;
  size_t last = record.size();
  while (last > first && IsJsonSpace(record[last - 1])) --last;
  record = record.substr(first, last - first);

  std::string line;
  line.reserve(record.size() + triage_json.size() + 16);

  if (record.size() >= 2 && record.front() == '{' && record.back() == '}') {
    if (MightHaveTriageKey(record)) {
      std::vector<MemberSpan> members;
      if (SplitMembers(record, 0, &members)) {
        bool has_triage = false;
        for (const MemberSpan& member : members) has_triage = has_triage || member.is_triage;
        if (has_triage) {
          line.push_back('{');
          for (const MemberSpan& member : members) {
            if (member.is_triage) continue;
            line.append(record.substr(member.begin, member.end - member.begin));
            line.push_back(',');
          }
          line.append("\"triage\":");
          line.append(triage_json);
          line.push_back('}');
          return line;
        }
      }
    }
    // Insert before the final '}'. The object is empty iff the last non-space byte before that
    // brace is the opening one: no JSON value ends in '{'.
    size_t close = record.size() - 1;
    size_t before = close;
    while (before > 0 && IsJsonSpace(record[before - 1])) --before;
    const bool empty = before == 1;
    line.append(record.substr(0, empty ? 1 : before));
    if (!empty) line.push_back(',');
    line.append("\"triage\":");
    line.append(triage_json);
    line.push_back('}');
    return line;
  }

  // Not an object (a violated precondition): never fail, never echo the input.
  line.append("{\"triage\":");
  line.append(triage_json);
  line.push_back('}');
  return line;
}

}  // namespace

const char* ConversationStateName(ConversationState state) {
  switch (state) {
    case ConversationState::kOpen:
      return "open";
    case ConversationState::kClosed:
      return "closed";
    case ConversationState::kOptedOut:
      return "opted_out";
  }
  return "open";
}

const char* CarrierKeywordName(CarrierKeyword keyword) {
  switch (keyword) {
    case CarrierKeyword::kNone:
      return "";
    case CarrierKeyword::kHelp:
      return "help";
    case CarrierKeyword::kStop:
      return "stop";
    case CarrierKeyword::kStart:
      return "start";
  }
  return "";
}

std::string DecisionToJson(const Decision& decision) {
  rapidjson::StringBuffer buffer(nullptr, kLineCapacity);
  JsonWriter writer(buffer);
  WriteDecision(&writer, &buffer, decision);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string FormatDecisionLine(std::string_view record_json, const Decision& decision,
                               OutputMode mode) {
  if (mode == OutputMode::kAnnotate) return AnnotateLine(record_json, DecisionToJson(decision));
  rapidjson::StringBuffer buffer(nullptr, kLineCapacity);
  JsonWriter writer(buffer);
  writer.StartObject();
  if (decision.id.has_value()) {
    WriteKey(&writer, "id");
    WriteString(&writer, *decision.id);
  }
  WriteKey(&writer, "triage");
  WriteDecision(&writer, &buffer, decision);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string FormatErrorLine(uint64_t line, const std::optional<std::string>& id,
                            const Status& error) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteKey(&writer, "line");
  writer.Uint64(line);
  if (id.has_value()) {
    WriteKey(&writer, "id");
    WriteString(&writer, *id);
  }
  WriteKey(&writer, "triage");
  writer.StartObject();
  WriteKey(&writer, "error");
  writer.StartObject();
  WriteKey(&writer, "code");
  std::string_view code = error.record_code();
  if (code.empty()) code = "internal";  // a caller breaking the precondition still gets a line
  WriteString(&writer, code);
  WriteKey(&writer, "message");
  WriteString(&writer, error.message());
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace triage
