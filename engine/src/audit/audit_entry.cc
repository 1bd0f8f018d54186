// SPDX-License-Identifier: Apache-2.0
// Audit entries as values (audit.h): making one from a decision or an error, the canonical byte
// layout its hash covers, its JSON export form, and the time format.
//
// The hash. An entry's hash is the lower-case hex SHA-256 of
//
//   "triage-audit-entry-v1\n" F(prev_hash) F(seq) F(time) F(line) F(record_id) F(input_sha256)
//   F(input_bytes) F(decision) F(ruleset) F(engine)
//
// where F(v) is the decimal byte length of v, ':', the bytes of v and '\n' (integers as decimal
// text), and F(null) is "-\n". Length prefixes make the layout unambiguous: no two different
// entries serialise to the same bytes. The record text (`input`) is deliberately not hashed
// itself: it is bound to the chain through input_sha256, which verify checks against it, so that
// an operator can purge report text after a retention period (set input to NULL) and the chain
// still verifies — the same state as an entry written with --audit-input digest.
#include <simdjson.h>
#include <time.h>  // NOLINT(modernize-deprecated-headers): gmtime_r, clock_gettime

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/audit.h"
#include "triage/decision.h"
#include "triage/status.h"
#include "triage/timestamp.h"

#include "audit/audit_store_impl.h"
#include "output/json_strings.h"
#include "util/base64.h"
#include "util/sha256.h"

namespace triage {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void AppendField(std::string* out, std::string_view value) {
  out->append(std::to_string(value.size()));
  out->push_back(':');
  out->append(value);
  out->push_back('\n');
}

void AppendOptionalField(std::string* out, const std::optional<std::string>& value) {
  if (value.has_value()) {
    AppendField(out, *value);
  } else {
    out->append("-\n");
  }
}

void WriteString(JsonWriter* writer, std::string_view text) {
  internal::WriteJsonString(writer, text);
}

void WriteOptionalString(JsonWriter* writer, const std::optional<std::string>& text) {
  if (text.has_value()) {
    WriteString(writer, *text);
  } else {
    writer->Null();
  }
}

bool IsValidJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  return parser.parse(text.data(), text.size()).get(element) == simdjson::SUCCESS;
}

}  // namespace

namespace internal {

std::string AuditNow(const AuditClock* clock) {
  return FormatAuditTime((clock != nullptr ? clock : AuditClock::System())->NowMicros());
}

std::string RuleSetDigestOf(const std::vector<RuleSetSource>& sources) {
  return RuleSetDigest(sources);  // the same serialisation as rule_set.cc, by construction
}

std::string BandOf(std::string_view decision_json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(decision_json.data(), decision_json.size()).get(object) != simdjson::SUCCESS) {
    return {};
  }
  simdjson::dom::element unused;
  if (object.at_key("error").get(unused) == simdjson::SUCCESS) return "error";
  std::string_view band;
  if (object.at_pointer("/urgency/band").get(band) != simdjson::SUCCESS) return {};
  return std::string(band);
}

}  // namespace internal

namespace {

class SystemAuditClock : public AuditClock {
 public:
  int64_t NowMicros() const override {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<int64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  }
};

}  // namespace

AuditClock::~AuditClock() = default;

const AuditClock* AuditClock::System() {
  static const auto* clock = new SystemAuditClock();
  return clock;
}

std::string FormatAuditTime(int64_t micros) {
  // Floor division, so that a time before the epoch still gets milliseconds in [0, 999].
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  const auto time = static_cast<time_t>(seconds);
  tm utc{};
  gmtime_r(&time, &utc);
  char buffer[96];  // ample for any int values (the compiler checks the worst case)
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(rest / 1000));
  return buffer;
}

std::optional<std::string> DecisionJsonMember(std::string_view decision_json,
                                              std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  simdjson::dom::element value;
  if (parser.parse(decision_json.data(), decision_json.size()).get(object) != simdjson::SUCCESS ||
      object.at_key(key).get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return simdjson::minify(value);
}

std::string AuditSha256Hex(std::string_view data) { return internal::Sha256Hex(data); }

std::string AuditErrorJson(const Status& error) {
  const Status recorded =
      error.code() == Status::Code::kInvalidRecord
          ? error
          : Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  // The `triage` member of the filter's own error line, cut out of it, so that the two can never
  // drift apart: {"line":0,"triage":<this>}.
  const std::string line = FormatErrorLine(0, std::nullopt, recorded);
  constexpr std::string_view kPrefix = R"({"line":0,"triage":)";
  if (line.size() > kPrefix.size() + 1 && line.compare(0, kPrefix.size(), kPrefix) == 0 &&
      line.back() == '}') {
    return line.substr(kPrefix.size(), line.size() - kPrefix.size() - 1);
  }
  // Not reached while FormatErrorLine keeps its documented shape; written the same way.
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.StartObject();
  writer.Key("code");
  WriteString(&writer, recorded.record_code());
  writer.Key("message");
  WriteString(&writer, recorded.message());
  writer.EndObject();
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

AuditEntry MakeAuditEntry(uint64_t line, std::string_view input, const Decision& decision,
                          const AuditClock* clock) {
  AuditEntry entry;
  entry.time = internal::AuditNow(clock);
  entry.line = line;
  entry.record_id = decision.id;
  entry.input = std::string(input);
  entry.input_sha256 = AuditSha256Hex(input);
  entry.input_bytes = input.size();
  entry.decision = DecisionToJson(decision);
  entry.ruleset = decision.ruleset;
  entry.engine = decision.engine;
  return entry;
}

AuditEntry MakeAuditErrorEntry(uint64_t line, std::optional<std::string_view> input,
                               uint64_t input_bytes, const std::optional<std::string>& record_id,
                               const Status& error, const AuditClock* clock) {
  AuditEntry entry;
  entry.time = internal::AuditNow(clock);
  entry.line = line;
  entry.record_id = record_id;
  if (input.has_value()) {
    entry.input = std::string(*input);
    entry.input_sha256 = AuditSha256Hex(*input);
  }
  entry.input_bytes = input_bytes;
  entry.decision = AuditErrorJson(error);
  return entry;
}

std::string AuditEntryHash(const AuditEntry& entry) {
  std::string data = "triage-audit-entry-v1\n";
  data.reserve(256 + entry.decision.size());
  AppendField(&data, entry.prev_hash);
  AppendField(&data, std::to_string(entry.seq));
  AppendField(&data, entry.time);
  AppendField(&data, std::to_string(entry.line));
  AppendOptionalField(&data, entry.record_id);
  AppendOptionalField(&data, entry.input_sha256);
  AppendField(&data, std::to_string(entry.input_bytes));
  AppendField(&data, entry.decision);
  AppendField(&data, entry.ruleset);
  AppendField(&data, entry.engine);
  return AuditSha256Hex(data);
}

std::string AuditEntryToJson(const AuditEntry& entry) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("seq");
  writer.Int64(entry.seq);
  writer.Key("time");
  WriteString(&writer, entry.time);
  writer.Key("line");
  writer.Uint64(entry.line);
  writer.Key("id");
  WriteOptionalString(&writer, entry.record_id);
  if (entry.input.has_value() &&
      !simdjson::validate_utf8(entry.input->data(), entry.input->size())) {
    writer.Key("input_base64");
    WriteString(&writer, internal::Base64Encode(*entry.input));
  } else {
    writer.Key("input");
    WriteOptionalString(&writer, entry.input);
  }
  writer.Key("input_sha256");
  WriteOptionalString(&writer, entry.input_sha256);
  writer.Key("input_bytes");
  writer.Uint64(entry.input_bytes);
  writer.Key("decision");
  if (IsValidJson(entry.decision)) {
    writer.RawValue(entry.decision.data(), entry.decision.size(), rapidjson::kObjectType);
  } else {
    WriteString(&writer, entry.decision);  // a damaged store: keep the line valid JSON
  }
  writer.Key("ruleset");
  WriteString(&writer, entry.ruleset);
  writer.Key("engine");
  WriteString(&writer, entry.engine);
  writer.Key("prev_hash");
  WriteString(&writer, entry.prev_hash);
  writer.Key("hash");
  WriteString(&writer, entry.hash);
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<std::string> ParseAuditTime(std::string_view text) {
  const auto invalid = [&text]() {
    return Status::InvalidArgument("invalid time '" + std::string(text) +
                                   "': expected UTC RFC 3339, e.g. 2026-11-02 or "
                                   "2026-11-02T10:00:00Z");
  };
  // The command line's shorter forms are completed into a full RFC 3339 date-time, which
  // ParseTimestamp (the one reader of timestamps) then checks: a date alone is midnight, a space
  // may stand for the 'T', seconds may be left out. Only UTC is accepted, so that the stored
  // form (UTC, milliseconds) compares with stored times as a string.
  constexpr size_t kDate = 10;            // 2026-11-02
  constexpr size_t kMinutes = kDate + 6;  // 2026-11-02T10:05
  std::string full(text);
  if (full.size() == kDate) full += "T00:00:00Z";
  if (full.size() > kDate && full[kDate] == ' ') full[kDate] = 'T';
  if (full.size() > kMinutes && full[kMinutes] != ':') {
    full.insert(kMinutes, ":00");
  }
  const auto ends_with = [&full](std::string_view suffix) {
    return full.size() >= suffix.size() && full.compare(full.size() - suffix.size(), suffix.size(),
                                                         suffix.data(), suffix.size()) == 0;
  };
  if (!ends_with("Z") && !ends_with("z") && !ends_with("+00:00")) return invalid();
  const std::optional<int64_t> micros = ParseTimestamp(full);
  if (!micros.has_value()) return invalid();
  return FormatAuditTime(*micros);
}

}  // namespace triage
