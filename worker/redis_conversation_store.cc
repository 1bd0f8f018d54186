// SPDX-License-Identifier: Apache-2.0
// RedisConversationStore (redis_conversation_store.h): the hash per conversation, the
// compare-and-set Lua script, and the ThreadState serialisation.
//
// The serialised form is a version line, "triage-thread-1\n", then every member as a netstring
// (`<length>:<bytes>`), numbers in decimal, optionals and lists preceded by their count: plain,
// binary-safe (texts may hold anything), and checked on reading — a truncated or foreign blob is
// an error, never a silently different state.

#include "redis_conversation_store.h"

#include <charconv>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "triage/audit.h"

namespace triage::worker {
namespace {

constexpr std::string_view kVersion = "triage-thread-1\n";

// Stores the new state only if the hash's `id` is still the one the update was computed from.
// KEYS[1] the hash; ARGV: the id read ("" : none), the message's id, the new state, the state
// before it, the expiry in ms (0: none). Returns 1 when stored, 0 when the id had moved.
constexpr char kApplyScript[] = R"lua(
local current = redis.call('HGET', KEYS[1], 'id')
if (current or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'state', ARGV[3], 'prev', ARGV[4])
if tonumber(ARGV[5]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return 1
)lua";

class Writer {
 public:
  void Str(std::string_view value) {
    out_ += std::to_string(value.size());
    out_ += ':';
    out_.append(value);
  }
  void Int(int64_t value) { Str(std::to_string(value)); }
  void Bool(bool value) { Str(value ? "1" : "0"); }
  void OptInt(const std::optional<int64_t>& value) {
    Bool(value.has_value());
    if (value) Int(*value);
  }
  void OptStr(const std::optional<std::string>& value) {
    Bool(value.has_value());
    if (value) Str(*value);
  }
  void Categories(const std::vector<CategoryScore>& categories) {
    Int(static_cast<int64_t>(categories.size()));
    for (const CategoryScore& category : categories) {
      Str(category.name);
      Int(category.score);
    }
  }
  void Strings(const std::vector<std::string>& values) {
    Int(static_cast<int64_t>(values.size()));
    for (const std::string& value : values) Str(value);
  }
  void Decision(const triage::Decision& decision) {
    OptStr(decision.id);
    Int(decision.urgency);
    Str(decision.band);
    Categories(decision.categories);
    Int(static_cast<int64_t>(decision.rules.size()));
    for (const RuleHit& hit : decision.rules) {
      Str(hit.rule);
      Int(hit.urgency);
      Bool(hit.floor.has_value());
      if (hit.floor) Int(*hit.floor);
      Categories(hit.categories);
    }
    Strings(decision.tags);
    Strings(decision.routes);
    Bool(decision.conversation.has_value());
    if (decision.conversation) {
      const ConversationInfo& info = *decision.conversation;
      Str(info.id);
      Int(static_cast<int64_t>(info.index));
      Int(static_cast<int64_t>(info.state));
      OptInt(info.opened_at);
      OptInt(info.at);
      OptInt(info.closes_at);
      Int(static_cast<int64_t>(info.keyword));
      Bool(info.context_lost);
      Int(info.message_urgency);
      Str(info.message_band);
      Categories(info.message_categories);
      Strings(info.message_rules);
    }
    OptStr(decision.reply);
    Str(decision.ruleset);
    Str(decision.engine);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool Str(std::string* value) {
    size_t length = 0;
    const auto [end, error] = std::from_chars(in_.data(), in_.data() + in_.size(), length);
    if (error != std::errc() || end == in_.data() || end == in_.data() + in_.size() ||
        *end != ':') {
      return false;
    }
    const size_t header = static_cast<size_t>(end - in_.data()) + 1;
    if (length > in_.size() - header) return false;
    value->assign(in_.substr(header, length));
    in_.remove_prefix(header + length);
    return true;
  }
  template <typename T>
  bool Int(T* value) {
    std::string text;
    if (!Str(&text) || text.empty()) return false;
    int64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size()) return false;
    *value = static_cast<T>(number);
    return true;
  }
  bool Bool(bool* value) {
    std::string text;
    if (!Str(&text) || (text != "0" && text != "1")) return false;
    *value = text == "1";
    return true;
  }
  bool Count(size_t* count) {
    int64_t number = 0;
    // Each element takes two bytes at least: a count larger than that is not ours.
    if (!Int(&number) || number < 0 || static_cast<uint64_t>(number) > in_.size()) return false;
    *count = static_cast<size_t>(number);
    return true;
  }
  bool OptInt(std::optional<int64_t>* value) {
    bool present = false;
    if (!Bool(&present)) return false;
    value->reset();
    if (!present) return true;
    int64_t number = 0;
    if (!Int(&number)) return false;
    *value = number;
    return true;
  }
  bool OptStr(std::optional<std::string>* value) {
    bool present = false;
    if (!Bool(&present)) return false;
    value->reset();
    if (!present) return true;
    std::string text;
    if (!Str(&text)) return false;
    *value = std::move(text);
    return true;
  }
  bool Categories(std::vector<CategoryScore>* categories) {
    size_t count = 0;
    if (!Count(&count)) return false;
    categories->assign(count, CategoryScore());
    for (CategoryScore& category : *categories) {
      if (!Str(&category.name) || !Int(&category.score)) return false;
    }
    return true;
  }
  bool Strings(std::vector<std::string>* values) {
    size_t count = 0;
    if (!Count(&count)) return false;
    values->assign(count, std::string());
    for (std::string& value : *values) {
      if (!Str(&value)) return false;
    }
    return true;
  }
  bool Decision(triage::Decision* decision) {
    size_t rules = 0;
    if (!OptStr(&decision->id) || !Int(&decision->urgency) || !Str(&decision->band) ||
        !Categories(&decision->categories) || !Count(&rules)) {
      return false;
    }
    decision->rules.assign(rules, RuleHit());
    for (RuleHit& hit : decision->rules) {
      bool floor = false;
      if (!Str(&hit.rule) || !Int(&hit.urgency) || !Bool(&floor)) return false;
      hit.floor.reset();
      if (floor) {
        int value = 0;
        if (!Int(&value)) return false;
        hit.floor = value;
      }
      if (!Categories(&hit.categories)) return false;
    }
    bool conversation = false;
    if (!Strings(&decision->tags) || !Strings(&decision->routes) || !Bool(&conversation)) {
      return false;
    }
    decision->conversation.reset();
    if (conversation) {
      ConversationInfo info;
      int state = 0;
      int keyword = 0;
      if (!Str(&info.id) || !Int(&info.index) || !Int(&state) || !OptInt(&info.opened_at) ||
          !OptInt(&info.at) || !OptInt(&info.closes_at) || !Int(&keyword) ||
          !Bool(&info.context_lost) || !Int(&info.message_urgency) || !Str(&info.message_band) ||
          !Categories(&info.message_categories) || !Strings(&info.message_rules)) {
        return false;
      }
      if (state < 0 || state > static_cast<int>(ConversationState::kOptedOut) || keyword < 0 ||
          keyword > static_cast<int>(CarrierKeyword::kStart)) {
        return false;
      }
      info.state = static_cast<ConversationState>(state);
      info.keyword = static_cast<CarrierKeyword>(keyword);
      decision->conversation = std::move(info);
    }
    return OptStr(&decision->reply) && Str(&decision->ruleset) && Str(&decision->engine);
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

std::string EncodeThreadState(const ThreadState& state) {
  Writer writer;
  writer.Str(state.id);
  writer.Int(static_cast<int64_t>(state.serial));
  writer.Int(static_cast<int64_t>(state.messages));
  writer.OptInt(state.opened_at);
  writer.OptInt(state.last_at);
  writer.Bool(state.ended);
  writer.Bool(state.opted_out);
  writer.Decision(state.decision);
  writer.Int(static_cast<int64_t>(state.texts.size()));
  for (const std::string& text : state.texts) writer.Str(text);
  return std::string(kVersion) + writer.Take();
}

Status DecodeThreadState(std::string_view blob, ThreadState* state) {
  const Status bad = Status::InvalidArgument("not a conversation state this version can read");
  if (blob.substr(0, kVersion.size()) != kVersion) return bad;
  Reader reader(blob.substr(kVersion.size()));
  ThreadState parsed;
  size_t texts = 0;
  if (!reader.Str(&parsed.id) || !reader.Int(&parsed.serial) || !reader.Int(&parsed.messages) ||
      !reader.OptInt(&parsed.opened_at) || !reader.OptInt(&parsed.last_at) ||
      !reader.Bool(&parsed.ended) || !reader.Bool(&parsed.opted_out) ||
      !reader.Decision(&parsed.decision) || !reader.Count(&texts)) {
    return bad;
  }
  for (size_t i = 0; i < texts; ++i) {
    std::string text;
    if (!reader.Str(&text)) return bad;
    parsed.texts.push_back(std::move(text));
  }
  if (!reader.done()) return bad;
  *state = std::move(parsed);
  return Status::Ok();
}

std::optional<std::pair<uint64_t, uint64_t>> ParseStreamId(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) return std::nullopt;
  std::pair<uint64_t, uint64_t> parsed;
  const auto number = [](std::string_view text, uint64_t* value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
    return error == std::errc() && end == text.data() + text.size();
  };
  if (!number(id.substr(0, dash), &parsed.first) || !number(id.substr(dash + 1), &parsed.second)) {
    return std::nullopt;
  }
  return parsed;
}

int CompareStreamIds(std::string_view a, std::string_view b) {
  const auto left = ParseStreamId(a);
  const auto right = ParseStreamId(b);
  if (*left < *right) return -1;
  return *right < *left ? 1 : 0;
}

RedisConversationStore::RedisConversationStore(RedisConversationOptions options)
    : options_(std::move(options)) {}

RedisConversationStore::~RedisConversationStore() = default;

void RedisConversationStore::BeginMessage(std::string stream_id) {
  message_id_ = std::move(stream_id);
  outcome_ = Outcome::kNone;
  failure_ = Status::Ok();
}

std::string RedisConversationStore::HashName(std::string_view prefix, std::string_view key) {
  return std::string(prefix) + AuditSha256Hex(key).substr(0, 32);
}

// The limits of the in-memory store have no meaning here (section comment of the header).
void RedisConversationStore::Configure(const ConversationConfig& /*config*/) {}
size_t RedisConversationStore::partitions() const { return 1; }
size_t RedisConversationStore::PartitionOf(std::string_view /*key*/) const { return 0; }
ConversationAdmission RedisConversationStore::Admit(std::string_view /*key*/,
                                                    std::optional<int64_t> /*time*/,
                                                    CarrierKeyword /*keyword*/) {
  return ConversationAdmission();
}
void RedisConversationStore::Settle() {}

ConversationStoreStats RedisConversationStore::stats() const {
  ConversationStoreStats stats;
  stats.partitions = 1;
  return stats;
}

Status RedisConversationStore::Fail(Status status) {
  outcome_ = Outcome::kFailed;
  failure_ = status;
  return status;
}

Status RedisConversationStore::Update(std::string_view key,
                                      const std::function<void(ThreadState*)>& update) {
  if (connection_ == nullptr) return Fail(Status::IoError("no connection to Redis"));
  if (!ParseStreamId(message_id_)) {
    return Fail(Status::Internal("conversation update without the message's stream id"));
  }
  const std::string name = HashName(options_.prefix, key);
  const std::string where = "conversation state '" + name + "'";
  // Twice at most: a compare-and-set lost to another worker applying the same message is read
  // again, and then finds the message applied.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<RedisReply> read = connection_->Command({"HMGET", name, "id", "state", "prev"});
    if (!read.ok()) return Fail(read.status());
    if (read->is_error()) return Fail(Status::IoError(where + ": " + read->str));
    if (read->type != RedisReply::Type::kArray || read->elements.size() != 3) {
      return Fail(Status::IoError(where + ": unexpected reply to HMGET"));
    }
    const RedisReply& id = read->elements[0];
    const RedisReply& state = read->elements[1];
    const RedisReply& prev = read->elements[2];
    int order = 1;  // no hash: the message is the conversation's first
    if (!id.is_nil()) {
      if (!ParseStreamId(id.str)) {
        return Fail(Status::IoError(where + " cannot be read: its id is not a stream id"));
      }
      order = CompareStreamIds(message_id_, id.str);
    }
    if (order < 0) {
      outcome_ = Outcome::kStale;
      return Status::Internal(
          "a later message of the conversation was applied: this delivery is a stale duplicate");
    }
    ThreadState thread;
    const RedisReply& base = order == 0 ? prev : state;
    if (!base.is_nil() && !base.str.empty()) {
      if (Status decoded = DecodeThreadState(base.str, &thread); !decoded.ok()) {
        return Fail(Status::IoError(where + " cannot be read: " + decoded.message()));
      }
    } else if (!id.is_nil() && order > 0) {
      // A hash with an id but no state is not one this store wrote.
      return Fail(Status::IoError(where + " cannot be read: it has no state"));
    }
    if (order == 0) {
      // Applied before (its output or acknowledgement was lost): the same decision, from the
      // state before it; nothing is written.
      update(&thread);
      outcome_ = Outcome::kRecomputed;
      return Status::Ok();
    }
    update(&thread);
    Result<RedisReply> applied = connection_->Command(
        {"EVAL", kApplyScript, "1", name, id.is_nil() ? std::string() : id.str, message_id_,
         EncodeThreadState(thread), state.is_nil() ? std::string() : state.str,
         std::to_string(options_.ttl.count())});
    if (!applied.ok()) return Fail(applied.status());
    if (applied->is_error()) return Fail(Status::IoError(where + ": " + applied->str));
    if (applied->integer == 1) {
      outcome_ = Outcome::kApplied;
      return Status::Ok();
    }
  }
  return Fail(Status::IoError(where + " keeps changing under this worker"));
}

}  // namespace triage::worker
