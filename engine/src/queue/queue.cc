// SPDX-License-Identifier: Apache-2.0
// The advocates' queue (queue.h). Each line of a decision stream is parsed (simdjson) for what the
// queue shows: the `triage` object's band, score and categories; its `conversation` object, if
// any (id, index, state, times); its error, if it is an error line; and the record's id and
// received_at when the record is there (annotated output, an audit entry's input). A conversation
// is kept once, as its latest line left it; reports and errors are kept in arrival order.
#include "triage/queue.h"

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/audit.h"
#include "triage/status.h"
#include "triage/timestamp.h"

#include "output/json_strings.h"

namespace triage {

const char* QueueItemKindName(QueueItemKind kind) {
  switch (kind) {
    case QueueItemKind::kConversation:
      return "conversation";
    case QueueItemKind::kReport:
      return "report";
    case QueueItemKind::kError:
      return "error";
  }
  return "report";
}

namespace {

using simdjson::dom::element;

std::optional<std::string> StringAt(const element& object, const char* key) {
  std::string_view value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return std::string(value);
}

// A record id as the filter writes it: a string, or a number as written.
std::optional<std::string> IdAt(const element& object, const char* key) {
  element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  if (value.is_number()) return simdjson::minify(value);
  return std::nullopt;
}

std::optional<int64_t> TimeAt(const element& object, const char* key) {
  const std::optional<std::string> text = StringAt(object, key);
  return text.has_value() ? ParseTimestamp(*text) : std::nullopt;
}

Status NotADecision(const char* why) {
  return Status::InvalidArgument(std::string("not a decision line: ") + why);
}

}  // namespace

Queue::Queue(QueueOptions options) : options_(std::move(options)) {}

size_t Queue::Rank(const std::string& band) const {
  // The most urgent band, then what could not be triaged, then the other bands in order.
  if (band == "error") return 1;
  for (size_t i = 0; i < options_.bands.size(); ++i) {
    if (options_.bands[i] == band) return i == 0 ? 0 : i + 1;
  }
  return options_.bands.size() + 1;
}

Status Queue::AddLine(std::string_view line, std::optional<int64_t> fallback_time) {
  return Add(line, fallback_time, std::nullopt);
}

Status Queue::AddAuditEntry(const AuditEntry& entry) {
  // The entry's decision is the `triage` object; its input, the record. Put them together as the
  // filter's annotated line would have them.
  std::string line = "{\"triage\":" + entry.decision;
  std::optional<int64_t> received;
  if (entry.input.has_value()) {
    simdjson::dom::parser parser;
    element record;
    if (parser.parse(*entry.input).get(record) == simdjson::SUCCESS && record.is_object()) {
      received = TimeAt(record, "received_at");
    }
  }
  if (received.has_value()) line += ",\"received_at\":\"" + FormatTimestamp(*received) + "\"";
  line += ",\"line\":" + std::to_string(entry.line) + "}";
  return Add(line, ParseTimestamp(entry.time), entry.record_id);
}

Status Queue::Add(std::string_view line, std::optional<int64_t> fallback_time,
                  const std::optional<std::string>& audit_id) {
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) {
    return NotADecision("not JSON");
  }
  element triage;
  if (!root.is_object() || root.at_key("triage").get(triage) != simdjson::SUCCESS ||
      !triage.is_object()) {
    return NotADecision("no \"triage\" object");
  }
  QueueItem item;
  item.arrival = arrivals_++;
  const std::optional<std::string> id = audit_id.has_value() ? audit_id : IdAt(root, "id");
  item.record_id = id.value_or("");

  element error;
  if (triage.at_key("error").get(error) == simdjson::SUCCESS) {
    item.kind = QueueItemKind::kError;
    item.band = "error";
    item.error_code = error.is_object() ? StringAt(error, "code").value_or("") : "";
    uint64_t number = 0;
    const bool has_line = root.at_key("line").get(number) == simdjson::SUCCESS;
    item.id = id.has_value() ? *id : has_line ? "line " + std::to_string(number) : "";
    item.since = fallback_time;
    item.last_at = item.since;
    if (Seen(item.since)) records_.push_back(std::move(item));
    return Status::Ok();
  }

  element urgency;
  int64_t score = 0;
  std::string_view band;
  if (triage.at_key("urgency").get(urgency) != simdjson::SUCCESS ||
      urgency.at_key("score").get(score) != simdjson::SUCCESS ||
      urgency.at_key("band").get(band) != simdjson::SUCCESS) {
    return NotADecision("no urgency");
  }
  item.band = std::string(band);
  item.urgency = static_cast<int>(score);
  simdjson::dom::array categories;
  if (triage.at_key("categories").get(categories) == simdjson::SUCCESS) {
    for (const element category : categories) {
      std::string_view name;
      if (category.at_key("name").get(name) == simdjson::SUCCESS) {
        item.categories.emplace_back(name);
      }
    }
  }
  const std::optional<int64_t> received = TimeAt(root, "received_at");

  element conversation;
  if (triage.at_key("conversation").get(conversation) == simdjson::SUCCESS &&
      conversation.is_object()) {
    item.kind = QueueItemKind::kConversation;
    item.id = StringAt(conversation, "id").value_or("");
    uint64_t index = 1;
    if (conversation.at_key("index").get(index) == simdjson::SUCCESS) item.messages = index;
    const std::optional<int64_t> at = TimeAt(conversation, "at");
    const std::optional<int64_t> time = at.has_value() ? at : received ? received : fallback_time;
    if (!Seen(time)) return Status::Ok();
    item.since = TimeAt(conversation, "opened_at");
    if (!item.since.has_value()) item.since = time;
    item.closes_at = TimeAt(conversation, "closes_at");
    Conversation& kept = conversations_[item.id];
    item.last_at = time.has_value() ? time : kept.item.last_at;
    item.opted_out = StringAt(conversation, "state").value_or("open") == "opted_out";
    kept.open = StringAt(conversation, "keyword").value_or("") != "stop";
    kept.item = std::move(item);
    return Status::Ok();
  }

  item.kind = QueueItemKind::kReport;
  item.id = item.record_id;
  item.since = received.has_value() ? received : fallback_time;
  item.last_at = item.since;
  if (Seen(item.since)) records_.push_back(std::move(item));
  return Status::Ok();
}

bool Queue::Seen(const std::optional<int64_t>& time) {
  if (!time.has_value()) return true;
  latest_ = std::max(latest_.value_or(*time), *time);
  return !options_.until.has_value() || *time <= *options_.until;
}

std::vector<QueueItem> Queue::Items(int64_t now) const {
  std::vector<QueueItem> items;
  for (const auto& [id, conversation] : conversations_) {
    const QueueItem& item = conversation.item;
    if (!conversation.open || (item.closes_at.has_value() && *item.closes_at <= now)) continue;
    items.push_back(item);
  }
  items.insert(items.end(), records_.begin(), records_.end());
  std::stable_sort(items.begin(), items.end(), [this](const QueueItem& a, const QueueItem& b) {
    const size_t ra = Rank(a.band);
    const size_t rb = Rank(b.band);
    if (ra != rb) return ra < rb;
    if (a.since.has_value() != b.since.has_value()) return a.since.has_value();
    if (a.since.has_value() && *a.since != *b.since) return *a.since < *b.since;
    return a.arrival < b.arrival;
  });
  return items;
}

std::string QueueToJson(const std::vector<QueueItem>& items, int64_t now) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto key = [&w](std::string_view k) { internal::WriteJsonKey(&w, k); };
  const auto time = [&](const char* k, const std::optional<int64_t>& micros) {
    if (!micros.has_value()) return;
    key(k);
    internal::WriteJsonString(&w, FormatTimestamp(*micros));
  };
  w.StartObject();
  key("at");
  internal::WriteJsonString(&w, FormatTimestamp(now));
  key("items");
  w.StartArray();
  for (const QueueItem& item : items) {
    w.StartObject();
    key("kind");
    internal::WriteJsonString(&w, QueueItemKindName(item.kind));
    key("id");
    internal::WriteJsonString(&w, item.id);
    if (!item.record_id.empty() && item.record_id != item.id) {
      key("record_id");
      internal::WriteJsonString(&w, item.record_id);
    }
    key("band");
    internal::WriteJsonString(&w, item.band);
    if (item.kind == QueueItemKind::kError) {
      key("error");
      internal::WriteJsonString(&w, item.error_code);
    } else {
      key("score");
      w.Int(item.urgency);
      key("categories");
      internal::WriteStringArray(&w, item.categories);
    }
    if (item.kind == QueueItemKind::kConversation) {
      key("messages");
      w.Uint64(item.messages);
      if (item.opted_out) {
        key("opted_out");
        w.Bool(true);
      }
    }
    time("since", item.since);
    if (item.since.has_value()) {
      key("waiting_seconds");
      w.Int64(std::max<int64_t>(0, (now - *item.since) / 1000000));
    }
    time("last_at", item.last_at);
    time("closes_at", item.closes_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace triage
