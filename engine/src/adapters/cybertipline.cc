// SPDX-License-Identifier: Apache-2.0
// CyberTiplineXmlToRecordJson (adapters.h): a CyberTipline `<report>` document as a report record.
//
// The document is checked before pugixml sees it (size, UTF-8, no NUL byte), parsed with the
// DOCTYPE kept as a node so that it can be refused (a DOCTYPE is where entities and external
// subsets would be declared; pugixml never resolves either, and refusing it leaves nothing to
// resolve), then walked at fixed paths only: no search, no recursion over the document, so its
// depth costs nothing here. Element names are compared by their local name (the part after any
// prefix), which makes the walk indifferent to namespaces: NCMEC's schema declares none, and a
// sender that qualifies its elements still maps the same way.
//
// What is copied is what triage reads (docs/adapters.md, section 3): the incident type and time,
// the free text, victims' ages, suspects' screen names and services, URLs. Names, addresses,
// e-mail addresses and phone numbers of the people in a report are left in the document.
#include <simdjson.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pugixml.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/adapters.h"
#include "triage/status.h"
#include "triage/timestamp.h"

#include "output/json_strings.h"
#include "util/sha256.h"

namespace triage::adapters {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using internal::WriteJsonKey;
using internal::WriteJsonString;

// An age above this is not a person's.
constexpr int kMaxAge = 150;

std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The element children of `parent` whose local name is `name`, in document order.
std::vector<pugi::xml_node> Children(const pugi::xml_node& parent, std::string_view name) {
  std::vector<pugi::xml_node> found;
  for (const pugi::xml_node& child : parent.children()) {
    if (child.type() == pugi::node_element && LocalName(child) == name) found.push_back(child);
  }
  return found;
}

// The one child `name` of `parent`, an empty node if there is none; `duplicate_element` if there
// are several. `where` names the parent in the message ("incidentSummary", "victim 2").
Result<pugi::xml_node> Single(const pugi::xml_node& parent, std::string_view name,
                              const std::string& where) {
  std::vector<pugi::xml_node> found = Children(parent, name);
  if (found.size() > 1) {
    return Status::InvalidRecord(kDuplicateElement,
                                 where + " has more than one <" + std::string(name) + "> element");
  }
  return found.empty() ? pugi::xml_node() : found.front();
}

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The text directly inside `node` (its text and CDATA children, joined), without the white space
// around it. Child elements, comments and processing instructions are not text.
std::string TextOf(const pugi::xml_node& node) {
  std::string text;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text.append(child.value());
    }
  }
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsXmlSpace(text[begin])) ++begin;
  while (end > begin && IsXmlSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

// A date as (year, month, day).
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads "YYYY-MM-DD" at the start of `text` (a real calendar date). Returns nullopt otherwise.
std::optional<Date> ReadDate(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto number = [&text](size_t at, size_t count, int* value) {
    int v = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *value = v;
    return true;
  };
  Date date;
  if (!number(0, 4, &date.year) || !number(5, 2, &date.month) || !number(8, 2, &date.day)) {
    return std::nullopt;
  }
  if (date.month < 1 || date.month > 12 || date.day < 1 ||
      date.day > DaysInMonth(date.year, date.month)) {
    return std::nullopt;
  }
  return date;
}

// Reads an xs:date: "YYYY-MM-DD", optionally followed by a time zone ("Z", "+02:00"), which a
// birthday does not depend on.
std::optional<Date> ReadXsDate(std::string_view text) {
  const std::optional<Date> date = ReadDate(text);
  if (!date.has_value()) return std::nullopt;
  const std::string_view zone = text.substr(10);
  if (zone.empty() || zone == "Z") return date;
  const bool offset = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
                      std::isdigit(static_cast<unsigned char>(zone[1])) != 0 &&
                      std::isdigit(static_cast<unsigned char>(zone[2])) != 0 &&
                      std::isdigit(static_cast<unsigned char>(zone[4])) != 0 &&
                      std::isdigit(static_cast<unsigned char>(zone[5])) != 0;
  return offset ? date : std::nullopt;
}

// Whole years from `birth` to `at`: the birthday counts from its day (born on 29 February: from
// 1 March in a year that has no 29 February). Negative if `at` is before `birth`.
int AgeAt(const Date& birth, const Date& at) {
  int age = at.year - birth.year;
  if (at.month < birth.month || (at.month == birth.month && at.day < birth.day)) --age;
  return age;
}

// The report's parts, as they go into the record.
struct Victim {
  std::optional<int> age;
};
struct Suspect {
  std::string username;
  std::string platform;
};
struct Report {
  std::string incident_type;
  std::string incident_at;  // canonical UTC
  std::string platform;
  std::optional<std::string> escalate;
  std::vector<std::string> annotations;
  std::vector<std::string> text;  // the summary's parts, in order
  std::vector<Victim> victims;
  std::vector<Suspect> suspects;
  std::vector<std::string> urls;
};

void AddText(std::string text, Report* report) {
  if (!text.empty()) report->text.push_back(std::move(text));
}

// Reads <incidentSummary> (and the incident time, which NCMEC's schema puts there; a document
// that has it directly under <report> instead is read too).
Status ReadIncidentSummary(const pugi::xml_node& root, Report* report, Date* incident_date) {
  Result<pugi::xml_node> summary = Single(root, "incidentSummary", "report");
  if (!summary.ok()) return summary.status();
  const pugi::xml_node& s = *summary;
  const std::string where = "incidentSummary";

  Result<pugi::xml_node> type = Single(s, "incidentType", where);
  if (!type.ok()) return type.status();
  report->incident_type = TextOf(*type);
  if (report->incident_type.empty()) {
    return Status::InvalidRecord(kMissingField, "report has no incidentSummary/incidentType");
  }

  Result<pugi::xml_node> time = Single(s, "incidentDateTime", where);
  if (!time.ok()) return time.status();
  if (!*time) {
    time = Single(root, "incidentDateTime", "report");
    if (!time.ok()) return time.status();
  }
  const std::string when = TextOf(*time);
  if (when.empty()) {
    return Status::InvalidRecord(kMissingField, "report has no incidentSummary/incidentDateTime");
  }
  const std::optional<int64_t> micros = ParseTimestamp(when);
  if (!micros.has_value()) {
    return Status::InvalidRecord(kInvalidTimestamp,
                                 "incidentDateTime is not an ISO 8601 date-time with an offset");
  }
  report->incident_at = FormatTimestamp(*micros);
  // The incident's own calendar date (in the sender's time zone): the day ages are counted on.
  const std::optional<Date> date = ReadDate(when);
  if (!date.has_value()) {
    return Status::InvalidRecord(kInvalidTimestamp,
                                 "incidentDateTime is not an ISO 8601 date-time with an offset");
  }
  *incident_date = *date;

  Result<pugi::xml_node> platform = Single(s, "platform", where);
  if (!platform.ok()) return platform.status();
  report->platform = TextOf(*platform);
  Result<pugi::xml_node> escalate = Single(s, "escalateToHighPriority", where);
  if (!escalate.ok()) return escalate.status();
  // An empty reason escalates nothing (NCMEC requires one that is not blank).
  if (std::string reason = TextOf(*escalate); !reason.empty()) report->escalate = std::move(reason);
  Result<pugi::xml_node> annotations = Single(s, "reportAnnotations", where);
  if (!annotations.ok()) return annotations.status();
  for (const pugi::xml_node& flag : annotations->children()) {
    if (flag.type() != pugi::node_element) continue;
    const std::string value = TextOf(flag);
    if (value == "false" || value == "0") continue;  // a flag written as a boolean, and off
    report->annotations.emplace_back(LocalName(flag));
  }
  Result<pugi::xml_node> description = Single(s, "incidentDateTimeDescription", where);
  if (!description.ok()) return description.status();
  // The free text: the reason for escalating, and what the time was described as ("about an hour
  // ago", "tonight"), which may say how urgent it is.
  if (report->escalate.has_value()) AddText(*report->escalate, report);
  AddText(TextOf(*description), report);
  return Status::Ok();
}

Status ReadVictim(const pugi::xml_node& victim, size_t number, const Date& incident_date,
                  Report* report) {
  const std::string where = "victim " + std::to_string(number);
  Result<pugi::xml_node> person = Single(victim, "victimPerson", where);
  if (!person.ok()) return person.status();
  // The age and date of birth are a Person's (victim/victimPerson/age); a document that has them
  // directly under <victim> is read too.
  const auto field = [&](const char* name) -> Result<pugi::xml_node> {
    if (*person) {
      Result<pugi::xml_node> node = Single(*person, name, where + " victimPerson");
      if (!node.ok() || *node) return node;
    }
    return Single(victim, name, where);
  };
  Result<pugi::xml_node> age = field("age");
  if (!age.ok()) return age.status();
  Result<pugi::xml_node> birth = field("dateOfBirth");
  if (!birth.ok()) return birth.status();

  Victim out;
  const std::string age_text = TextOf(*age);
  if (!age_text.empty()) {
    int value = 0;
    bool ok = age_text.size() <= 3;
    for (const char c : age_text) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) value = value * 10 + (c - '0');
    }
    if (!ok || value > kMaxAge) {
      return Status::InvalidRecord(kInvalidValue,
                                   where + ": age is not a whole number from 0 to 150");
    }
    out.age = value;
  } else if (const std::string birth_text = TextOf(*birth); !birth_text.empty()) {
    const std::optional<Date> date = ReadXsDate(birth_text);
    if (!date.has_value()) {
      return Status::InvalidRecord(kInvalidValue,
                                   where + ": dateOfBirth is not a date (YYYY-MM-DD)");
    }
    const int years = AgeAt(*date, incident_date);
    if (years < 0 || years > kMaxAge) {
      return Status::InvalidRecord(kInvalidValue,
                                   where + ": dateOfBirth is after the incident or too early");
    }
    out.age = years;
  }
  report->victims.push_back(out);
  for (const pugi::xml_node& info : Children(victim, "additionalInfo")) {
    AddText(TextOf(info), report);
  }
  return Status::Ok();
}

Status ReadSuspect(const pugi::xml_node& person, size_t number, Report* report) {
  const std::string where = "personOrUserReported " + std::to_string(number);
  Result<pugi::xml_node> screen_name = Single(person, "screenName", where);
  if (!screen_name.ok()) return screen_name.status();
  Result<pugi::xml_node> service = Single(person, "espService", where);
  if (!service.ok()) return service.status();
  report->suspects.push_back({TextOf(*screen_name), TextOf(*service)});
  for (const pugi::xml_node& info : Children(person, "additionalInfo")) {
    AddText(TextOf(info), report);
  }
  return Status::Ok();
}

Status ReadReport(const pugi::xml_node& root, Report* report) {
  Date incident_date;
  TRIAGE_RETURN_IF_ERROR(ReadIncidentSummary(root, report, &incident_date));
  // The report's own narrative comes first in the summary.
  Result<pugi::xml_node> info = Single(root, "additionalInfo", "report");
  if (!info.ok()) return info.status();
  report->text.insert(report->text.begin(), TextOf(*info));
  if (report->text.front().empty()) report->text.erase(report->text.begin());

  // <internetDetails>: one incident element each (webPageIncident, chatImIncident, ...), whose
  // URLs, content and additional information are read whatever its kind.
  for (const pugi::xml_node& details : Children(root, "internetDetails")) {
    for (const pugi::xml_node& incident : details.children()) {
      if (incident.type() != pugi::node_element) continue;
      for (const pugi::xml_node& url : Children(incident, "url")) {
        std::string text = TextOf(url);
        if (!text.empty()) report->urls.push_back(std::move(text));
      }
      for (const char* name : {"content", "additionalInfo"}) {
        for (const pugi::xml_node& part : Children(incident, name)) AddText(TextOf(part), report);
      }
    }
  }
  size_t number = 0;
  for (const pugi::xml_node& person : Children(root, "personOrUserReported")) {
    TRIAGE_RETURN_IF_ERROR(ReadSuspect(person, ++number, report));
  }
  number = 0;
  for (const pugi::xml_node& victim : Children(root, "victim")) {
    TRIAGE_RETURN_IF_ERROR(ReadVictim(victim, ++number, incident_date, report));
  }
  return Status::Ok();
}

Status CheckUtf8(const Report& report) {
  // The document was UTF-8, but a character reference (&#xD800;) can still make text that is not.
  const auto ok = [](const std::string& text) {
    return simdjson::validate_utf8(text.data(), text.size());
  };
  bool valid = ok(report.incident_type) && ok(report.platform) &&
               (!report.escalate.has_value() || ok(*report.escalate));
  for (const std::string& text : report.annotations) valid = valid && ok(text);
  for (const std::string& text : report.text) valid = valid && ok(text);
  for (const std::string& text : report.urls) valid = valid && ok(text);
  for (const Suspect& suspect : report.suspects) {
    valid = valid && ok(suspect.username) && ok(suspect.platform);
  }
  if (valid) return Status::Ok();
  return Status::InvalidRecord(kInvalidUtf8, "report text is not valid UTF-8");
}

std::string ToJson(const Report& report, const std::string& id, const std::string& received_at,
                   const std::string& channel) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteJsonKey(&writer, "id");
  WriteJsonString(&writer, id);
  WriteJsonKey(&writer, "kind");
  WriteJsonString(&writer, "report");
  WriteJsonKey(&writer, "channel");
  WriteJsonString(&writer, channel);
  if (!received_at.empty()) {
    WriteJsonKey(&writer, "received_at");
    WriteJsonString(&writer, received_at);
  }
  WriteJsonKey(&writer, "incident_type");
  WriteJsonString(&writer, report.incident_type);
  WriteJsonKey(&writer, "incident_at");
  WriteJsonString(&writer, report.incident_at);
  if (!report.platform.empty()) {
    WriteJsonKey(&writer, "platform");
    WriteJsonString(&writer, report.platform);
  }
  if (report.escalate.has_value()) {
    WriteJsonKey(&writer, "escalate_to_high_priority");
    WriteJsonString(&writer, *report.escalate);
  }
  if (!report.annotations.empty()) {
    WriteJsonKey(&writer, "annotations");
    internal::WriteStringArray(&writer, report.annotations);
  }
  if (!report.text.empty()) {
    std::string summary;
    for (const std::string& part : report.text) {
      if (!summary.empty()) summary.push_back('\n');
      summary.append(part);
    }
    WriteJsonKey(&writer, "summary");
    WriteJsonString(&writer, summary);
  }
  WriteJsonKey(&writer, "victims");
  writer.StartArray();
  for (const Victim& victim : report.victims) {
    writer.StartObject();
    if (victim.age.has_value()) {
      WriteJsonKey(&writer, "age");
      writer.Int(*victim.age);
    }
    writer.EndObject();
  }
  writer.EndArray();
  WriteJsonKey(&writer, "suspects");
  writer.StartArray();
  for (const Suspect& suspect : report.suspects) {
    writer.StartObject();
    if (!suspect.username.empty()) {
      WriteJsonKey(&writer, "username");
      WriteJsonString(&writer, suspect.username);
    }
    if (!suspect.platform.empty()) {
      WriteJsonKey(&writer, "platform");
      WriteJsonString(&writer, suspect.platform);
    }
    writer.EndObject();
  }
  writer.EndArray();
  WriteJsonKey(&writer, "urls");
  internal::WriteStringArray(&writer, report.urls);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<std::string> CyberTiplineXmlToRecordJson(std::string_view xml,
                                                const CyberTiplineOptions& options) {
  std::string received_at;
  if (!options.received_at.empty()) {
    const std::optional<int64_t> micros = ParseTimestamp(options.received_at);
    if (!micros.has_value()) {
      return Status::InvalidArgument("received_at option is not an RFC 3339 date-time");
    }
    received_at = FormatTimestamp(*micros);
  }
  if (xml.size() > options.max_bytes) {
    return Status::InvalidRecord(kTooLarge, "report is " + std::to_string(xml.size()) +
                                                " bytes, over the limit of " +
                                                std::to_string(options.max_bytes));
  }
  const std::string id =
      options.id.empty() ? "ct-" + internal::Sha256Hex(xml).substr(0, 16) : options.id;
  if (!simdjson::validate_utf8(xml.data(), xml.size())) {
    return Status::InvalidRecord(kInvalidUtf8, "report is not valid UTF-8");
  }
  if (std::memchr(xml.data(), '\0', xml.size()) != nullptr) {
    return Status::InvalidRecord(kInvalidXml, "malformed XML: a NUL byte");
  }
  std::string_view body = xml;
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (body.substr(0, kBom.size()) == kBom) body.remove_prefix(kBom.size());

  pugi::xml_document document;
  // parse_doctype keeps a DOCTYPE as a node, to be refused below; entities other than XML's five
  // and character references are never expanded by pugixml in any mode.
  const pugi::xml_parse_result parsed = document.load_buffer(
      body.data(), body.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!parsed) {
    const size_t offset = static_cast<size_t>(parsed.offset) + (xml.size() - body.size());
    return Status::InvalidRecord(kInvalidXml, "malformed XML at byte " + std::to_string(offset) +
                                                  ": " + parsed.description());
  }
  pugi::xml_node root;
  size_t roots = 0;
  for (const pugi::xml_node& node : document.children()) {
    if (node.type() == pugi::node_doctype) {
      return Status::InvalidRecord(kDoctypeRefused,
                                   "report has a DOCTYPE (refused: no entity is ever declared or "
                                   "resolved)");
    }
    if (node.type() == pugi::node_element) {
      root = node;
      ++roots;
    }
  }
  if (roots != 1) {
    return Status::InvalidRecord(kInvalidXml, "malformed XML: not exactly one root element");
  }
  if (LocalName(root) != "report") {
    return Status::InvalidRecord(kNotAReport, "root element is not <report>");
  }
  Report report;
  TRIAGE_RETURN_IF_ERROR(ReadReport(root, &report));
  TRIAGE_RETURN_IF_ERROR(CheckUtf8(report));
  return ToJson(report, id, received_at, options.channel);
}

}  // namespace triage::adapters
