// SPDX-License-Identifier: Apache-2.0
// Twilio's inbound SMS webhook (adapters.h): the request signature and the SMS record.
//
// The signature is Twilio's documented scheme for POST requests: the full URL, then every POST
// parameter's name and value concatenated, sorted by name; HMAC-SHA1 with the account's auth
// token; Base64. It is compared as Base64 text, in constant time, so a malformed header value is
// simply one that does not match (no decoder sees it).
//
// The record carries what triage reads and no more. The sender's number becomes a keyed hash
// before anything else sees it (the record, an error message, a log line), and the parameters
// the record does not take are dropped unread beyond their names: some of them identify the
// sender too (WhatsApp's WaId and ProfileName).
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/adapters.h"
#include "triage/status.h"
#include "triage/timestamp.h"

#include "adapters/hmac.h"
#include "output/json_strings.h"
#include "util/base64.h"

namespace triage::adapters {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using internal::WriteJsonKey;
using internal::WriteJsonString;

// Twilio sends at most 10 media per message; a larger count is not a Twilio form.
constexpr uint64_t kMaxMedia = 100;

// The parameters the record takes (besides MediaContentType<N>), each at most once.
enum Slot : size_t {
  kMessageSid,
  kFrom,
  kTo,
  kBody,
  kNumMedia,
  kReceivedAt,
  kFromCity,
  kFromState,
  kFromZip,
  kFromCountry,
  kToCity,
  kToState,
  kToZip,
  kToCountry,
  kLatitude,
  kLongitude,
  kSlotCount,
};

struct SlotName {
  const char* param;  // the form parameter
  const char* key;    // its key in the record (the geo parameters: in "geo")
};

constexpr std::array<SlotName, kSlotCount> kSlots = {{
    {"MessageSid", "id"},
    {"From", "from"},
    {"To", "to"},
    {"Body", "body"},
    {"NumMedia", "count"},
    {"received_at", "received_at"},
    {"FromCity", "from_city"},
    {"FromState", "from_state"},
    {"FromZip", "from_zip"},
    {"FromCountry", "from_country"},
    {"ToCity", "to_city"},
    {"ToState", "to_state"},
    {"ToZip", "to_zip"},
    {"ToCountry", "to_country"},
    {"Latitude", "latitude"},
    {"Longitude", "longitude"},
}};
constexpr size_t kFirstGeoSlot = kFromCity;

constexpr std::string_view kMediaContentType = "MediaContentType";

// The index N of a "MediaContentType<N>" name (one to three digits), or nullopt.
std::optional<size_t> MediaIndex(std::string_view name) {
  if (name.substr(0, kMediaContentType.size()) != kMediaContentType) return std::nullopt;
  const std::string_view digits = name.substr(kMediaContentType.size());
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  size_t index = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

bool IsUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

Status NotUtf8(std::string_view param) {
  return Status::InvalidRecord(kInvalidUtf8,
                               "form parameter '" + std::string(param) + "' is not valid UTF-8");
}

}  // namespace

bool TwilioSignatureValid(std::string_view auth_token, std::string_view full_url,
                          const std::vector<FormParam>& params, std::string_view signature) {
  if (auth_token.empty() || signature.empty()) return false;
  std::vector<const FormParam*> sorted;
  sorted.reserve(params.size());
  size_t size = full_url.size();
  for (const FormParam& param : params) {
    sorted.push_back(&param);
    size += param.name.size() + param.value.size();
  }
  std::sort(sorted.begin(), sorted.end(), [](const FormParam* a, const FormParam* b) {
    return a->name != b->name ? a->name < b->name : a->value < b->value;
  });
  std::string data;
  data.reserve(size);
  data.append(full_url);
  for (const FormParam* param : sorted) {
    data.append(param->name);
    data.append(param->value);
  }
  const std::string digest = internal::HmacSha1(auth_token, data);
  if (digest.empty()) return false;
  return internal::ConstantTimeEquals(internal::Base64Encode(digest), signature);
}

std::string SenderHash(std::string_view secret, std::string_view sender) {
  return "h:" + internal::HmacSha256Hex(secret, sender);
}

Result<std::string> TwilioToRecordJson(const std::vector<FormParam>& params,
                                       const TwilioOptions& options) {
  if (options.sender_secret.empty()) {
    return Status::InvalidArgument("no sender secret: the sender's number cannot be hashed");
  }
  std::optional<int64_t> stamped;
  if (!options.received_at.empty()) {
    stamped = ParseTimestamp(options.received_at);
    if (!stamped.has_value()) {
      return Status::InvalidArgument("received_at option is not an RFC 3339 date-time");
    }
  }

  std::array<const std::string*, kSlotCount> values{};
  std::vector<std::pair<size_t, const std::string*>> media;  // (N, MediaContentType<N>)
  for (const FormParam& param : params) {
    if (const std::optional<size_t> index = MediaIndex(param.name)) {
      for (const auto& seen : media) {
        if (seen.first == *index) {
          return Status::InvalidRecord(kDuplicateKey,
                                       "form parameter '" + param.name + "' is given twice");
        }
      }
      media.emplace_back(*index, &param.value);
      continue;
    }
    for (size_t slot = 0; slot < kSlotCount; ++slot) {
      if (param.name != kSlots[slot].param) continue;
      if (values[slot] != nullptr) {
        return Status::InvalidRecord(
            kDuplicateKey,
            "form parameter '" + std::string(kSlots[slot].param) + "' is given twice");
      }
      values[slot] = &param.value;
      break;
    }
  }

  if (values[kMessageSid] == nullptr || values[kMessageSid]->empty()) {
    return Status::InvalidRecord(kMissingField, "form has no MessageSid");
  }
  if (values[kFrom] == nullptr || values[kFrom]->empty()) {
    return Status::InvalidRecord(kMissingField, "form has no From");
  }
  if (!stamped.has_value()) {
    if (values[kReceivedAt] == nullptr) {
      return Status::InvalidRecord(kMissingField,
                                   "form has no received_at (the time the message was received)");
    }
    stamped = ParseTimestamp(*values[kReceivedAt]);
    if (!stamped.has_value()) {
      return Status::InvalidRecord(kInvalidTimestamp,
                                   "form parameter 'received_at' is not an RFC 3339 date-time");
    }
  }
  uint64_t media_count = 0;
  if (values[kNumMedia] != nullptr) {
    const std::string& text = *values[kNumMedia];
    bool ok = !text.empty() && text.size() <= 3;
    for (const char c : text) ok = ok && c >= '0' && c <= '9';
    if (ok) media_count = std::stoull(text);
    if (!ok || media_count > kMaxMedia) {
      return Status::InvalidRecord(kInvalidValue,
                                   "form parameter 'NumMedia' is not a number from 0 to 100");
    }
  }
  // Every value the record writes as it is must be UTF-8. (From is hashed as bytes, whatever
  // they are; NumMedia and received_at were checked above and are written in their own form.)
  for (size_t slot = 0; slot < kSlotCount; ++slot) {
    if (slot == kFrom || slot == kNumMedia || slot == kReceivedAt || values[slot] == nullptr) {
      continue;
    }
    if (!IsUtf8(*values[slot])) return NotUtf8(kSlots[slot].param);
  }
  std::sort(media.begin(), media.end());
  std::vector<const std::string*> content_types;
  for (const auto& [index, type] : media) {
    if (index >= media_count) break;
    if (!IsUtf8(*type)) return NotUtf8("MediaContentType" + std::to_string(index));
    content_types.push_back(type);
  }

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  WriteJsonKey(&writer, "id");
  WriteJsonString(&writer, *values[kMessageSid]);
  WriteJsonKey(&writer, "kind");
  WriteJsonString(&writer, "sms");
  WriteJsonKey(&writer, "channel");
  WriteJsonString(&writer, "sms");
  WriteJsonKey(&writer, "from");
  WriteJsonString(&writer, SenderHash(options.sender_secret, *values[kFrom]));
  if (values[kTo] != nullptr) {
    WriteJsonKey(&writer, "to");
    WriteJsonString(&writer, *values[kTo]);
  }
  WriteJsonKey(&writer, "received_at");
  WriteJsonString(&writer, FormatTimestamp(*stamped));
  WriteJsonKey(&writer, "body");
  WriteJsonString(&writer, values[kBody] != nullptr ? std::string_view(*values[kBody]) : "");
  WriteJsonKey(&writer, "media");
  writer.StartObject();
  WriteJsonKey(&writer, "count");
  writer.Uint64(media_count);
  WriteJsonKey(&writer, "content_types");
  writer.StartArray();
  for (const std::string* type : content_types) WriteJsonString(&writer, *type);
  writer.EndArray();
  writer.EndObject();
  bool geo = false;
  for (size_t slot = kFirstGeoSlot; slot < kSlotCount; ++slot) {
    if (values[slot] == nullptr) continue;
    if (!geo) {
      WriteJsonKey(&writer, "geo");
      writer.StartObject();
      geo = true;
    }
    WriteJsonKey(&writer, kSlots[slot].key);
    WriteJsonString(&writer, *values[slot]);
  }
  if (geo) writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace triage::adapters
