// SPDX-License-Identifier: Apache-2.0
// StreamWorker (stream_worker.h): the read-triage-write-ack loop, recovery and reconnection.
//
// The loop has three sources of entries, taken in this order: the worker's own pending entries
// (after a start or a reconnect: read with XREADGROUP ... 0 until none is left), idle entries of
// other consumers (XAUTOCLAIM, on start and then every claim_interval, cursor by cursor until the
// pending list has been walked), and new entries (XREADGROUP ... >, blocking). Entries from the
// first two have been delivered before, so their delivery counts are read (XPENDING of this
// consumer over the batch's id range) and those over max_deliveries are dead-lettered instead of
// triaged. Every batch ends the same way, in WriteAndAck().

#include "stream_worker.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "triage/conversation_scanner.h"

namespace triage::worker {
namespace {

using Clock = std::chrono::steady_clock;

// One stream entry as read.
struct Entry {
  std::string id;
  bool deleted = false;  // the id is pending but the entry is gone from the stream (XDEL, trim)
  std::optional<std::string> record;
};

// Parses the entries of an XREADGROUP or XAUTOCLAIM reply: [[id, [field, value, ...] | nil], ...].
std::vector<Entry> ParseEntries(const RedisReply& list, const std::string& field) {
  std::vector<Entry> entries;
  for (const RedisReply& item : list.elements) {
    if (item.type != RedisReply::Type::kArray || item.elements.empty()) continue;
    Entry entry;
    entry.id = item.elements[0].str;
    if (item.elements.size() < 2 || item.elements[1].type != RedisReply::Type::kArray) {
      entry.deleted = true;
    } else {
      const std::vector<RedisReply>& fields = item.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str == field) {
          entry.record = fields[i + 1].str;
          break;
        }
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// True for the error replies of a server that cannot serve for now (loading its data after a
// restart, busy with a script, a replica without its master, a cluster re-sharding).
bool IsTransient(const std::string& error) {
  for (const char* prefix : {"LOADING", "BUSY ", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (error.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Returns the entries of an XREADGROUP reply (nil: none).
std::vector<Entry> ParseReadGroup(const RedisReply& reply, const std::string& field) {
  if (reply.type != RedisReply::Type::kArray || reply.elements.empty()) return {};
  const RedisReply& stream = reply.elements[0];
  if (stream.elements.size() < 2) return {};
  return ParseEntries(stream.elements[1], field);
}

}  // namespace

class StreamWorker::Impl {
 public:
  Impl(Service* service, StreamWorkerOptions options, StreamWorkerCounters* counters)
      : service_(service), options_(std::move(options)), counters_(counters) {
    if (options_.dead_letter.empty()) options_.dead_letter = options_.stream + ":dead";
    options_.batch = std::max<size_t>(options_.batch, 1);
    options_.max_deliveries = std::max<uint64_t>(options_.max_deliveries, 1);
  }

  Status Run(std::atomic<bool>* stop, std::atomic<bool>* reload) {
    stop_ = stop;
    Clock::time_point next_stats = Clock::now() + options_.stats_interval;
    while (!stop->load()) {
      if (connection_ == nullptr) {
        const Status connected = ConnectWithBackoff(*stop);
        if (!connected.ok()) return connected;
        if (connection_ == nullptr) break;  // stopped while waiting
      }
      if (reload->exchange(false)) Reload();
      const Status step = Step();
      if (!step.ok()) {
        if (audit_failed_) return step;
        // Anything else is Redis's: a lost connection, or a server that cannot serve now
        // (LOADING after a restart, a replica promoted, a key changed under us). The batch in
        // hand stays pending; connect again (with backoff) and start over from it.
        options_.log(step.message() + "; reconnecting");
        Disconnect();
        continue;
      }
      if (options_.stats_interval.count() > 0 && Clock::now() >= next_stats) {
        UpdateLag();
        options_.log("worker: " + StatsLine());
        next_stats = Clock::now() + options_.stats_interval;
      }
    }
    if (connection_ != nullptr) UpdateLag();
    return Status::Ok();
  }

  std::string StatsLine() const {
    const StreamWorkerCounters& c = *counters_;
    return "consumed=" + std::to_string(c.consumed) + " acked=" + std::to_string(c.acked) +
           " claimed=" + std::to_string(c.claimed) +
           " dead_lettered=" + std::to_string(c.dead_lettered) +
           " errors=" + std::to_string(c.errors) + " reconnects=" + std::to_string(c.reconnects) +
           " lag=" + (c.lag < 0 ? std::string("unknown") : std::to_string(c.lag)) +
           (options_.conversations == nullptr
                ? std::string()
                : " waits=" + std::to_string(c.waits) + " repeats=" + std::to_string(c.repeats));
  }

 private:
  // Connects (retrying with backoff until *stop) and makes sure the group exists. Leaves
  // connection_ null when stopped. Returns InvalidArgument when the keys cannot be used.
  Status ConnectWithBackoff(const std::atomic<bool>& stop) {
    std::chrono::milliseconds backoff(100);
    bool first_failure = true;
    while (!stop.load()) {
      Result<std::unique_ptr<RedisConnection>> connected = RedisConnection::Connect(
          options_.address, options_.connect_timeout, options_.block + std::chrono::seconds(10));
      Status status = connected.status();
      if (connected.ok()) {
        connection_ = std::move(connected).value();
        if (options_.conversations != nullptr) {
          options_.conversations->set_connection(connection_.get());
        }
        status = Prepare();
        if (status.ok()) {
          if (ever_connected_) {
            ++counters_->reconnects;
            options_.log("reconnected to Redis");
          }
          ever_connected_ = true;
          // Whatever this consumer had read and not acknowledged is read again first, and the
          // pending entries of others are looked at.
          own_pending_ = true;
          claim_cursor_ = "0-0";
          next_claim_ = Clock::now();
          return Status::Ok();
        }
        // A wrong type: retrying will not help.
        if (status.code() == Status::Code::kInvalidArgument) return status;
        Disconnect();
      }
      if (first_failure || backoff >= std::chrono::milliseconds(5000)) {
        options_.log(status.message() + "; retrying in " + std::to_string(backoff.count()) + " ms");
      }
      first_failure = false;
      const Clock::time_point until = Clock::now() + backoff;
      while (!stop.load() && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
    return Status::Ok();
  }

  void Disconnect() {
    if (options_.conversations != nullptr) options_.conversations->set_connection(nullptr);
    connection_.reset();
  }

  // Creates the group (and the stream) if missing; checks that OUT and the dead-letter key are
  // streams or absent.
  Status Prepare() {
    Result<RedisReply> created = connection_->Command(
        {"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"});
    if (!created.ok()) return created.status();
    if (created->is_error() && IsTransient(created->str)) {
      return Status::IoError("Redis cannot serve yet: " + created->str);
    }
    if (created->is_error() && created->str.rfind("BUSYGROUP", 0) != 0) {
      return Status::InvalidArgument("cannot create group '" + options_.group + "' on stream '" +
                                     options_.stream + "': " + created->str);
    }
    for (const std::string* key : {&options_.out, &options_.dead_letter}) {
      Result<RedisReply> type = connection_->Command({"TYPE", *key});
      if (!type.ok()) return type.status();
      if (type->str != "stream" && type->str != "none") {
        return Status::InvalidArgument("'" + *key + "' holds a " + type->str + ", not a stream");
      }
    }
    return Status::Ok();
  }

  void Reload() {
    const Status status = service_->Reload(options_.load);
    if (status.ok()) {
      options_.log("reloaded ruleset " + service_->rules().digest());
    } else {
      options_.log("reload failed; keeping ruleset " + service_->rules().digest());
    }
  }

  // One batch from the first source that has entries.
  Status Step() {
    if (own_pending_) {
      Result<RedisReply> reply =
          connection_->Command({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT",
                                std::to_string(options_.batch), "STREAMS", options_.stream, "0"});
      if (!reply.ok()) return reply.status();
      if (reply->is_error()) return Status::Internal("XREADGROUP failed: " + reply->str);
      std::vector<Entry> entries = ParseReadGroup(*reply, options_.field);
      if (entries.empty()) {
        own_pending_ = false;
        return Status::Ok();
      }
      return Process(entries, /*redelivered=*/true);
    }
    if (Clock::now() >= next_claim_) {
      Result<RedisReply> reply =
          connection_->Command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                                std::to_string(options_.claim_idle.count()), claim_cursor_, "COUNT",
                                std::to_string(options_.batch)});
      if (!reply.ok()) return reply.status();
      if (reply->is_error()) return Status::Internal("XAUTOCLAIM failed: " + reply->str);
      if (reply->elements.size() < 2) return Status::Internal("unexpected XAUTOCLAIM reply");
      claim_cursor_ = reply->elements[0].str;
      if (claim_cursor_ == "0-0") next_claim_ = Clock::now() + options_.claim_interval;
      std::vector<Entry> entries = ParseEntries(reply->elements[1], options_.field);
      counters_->claimed += entries.size();
      if (!entries.empty()) {
        options_.log("claimed " + std::to_string(entries.size()) +
                     " idle entries of other consumers");
      }
      return Process(entries, /*redelivered=*/true);
    }
    Result<RedisReply> reply = connection_->Command(
        {"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT",
         std::to_string(options_.batch), "BLOCK", std::to_string(options_.block.count()), "STREAMS",
         options_.stream, ">"});
    if (!reply.ok()) return reply.status();
    if (reply->is_error()) {
      // The group is gone (the stream was deleted, or Redis restarted without persistence):
      // make it again and carry on.
      if (reply->str.rfind("NOGROUP", 0) == 0) return Prepare();
      return Status::Internal("XREADGROUP failed: " + reply->str);
    }
    return Process(ParseReadGroup(*reply, options_.field), /*redelivered=*/false);
  }

  // The delivery counts of this consumer's pending entries in [first, last].
  Result<std::map<std::string, uint64_t>> Deliveries(const std::string& first,
                                                     const std::string& last, size_t count) {
    Result<RedisReply> reply =
        connection_->Command({"XPENDING", options_.stream, options_.group, first, last,
                              std::to_string(count), options_.consumer});
    if (!reply.ok()) return reply.status();
    std::map<std::string, uint64_t> deliveries;
    for (const RedisReply& item : reply->elements) {
      if (item.elements.size() >= 4) {
        deliveries[item.elements[0].str] = static_cast<uint64_t>(item.elements[3].integer);
      }
    }
    return deliveries;
  }

  // Outputs computed and not yet written, and the entries they answer.
  struct Segment {
    std::vector<std::vector<std::string>> xadds;  // XADD commands, in entry order
    std::vector<std::string> ids;                 // the entries to acknowledge
    std::set<std::string> keys;                   // conversation keys of its messages
  };

  // Writes the segment's outputs in one transaction and, once EXEC said every XADD was written,
  // acknowledges its entries; then empties it.
  Status Flush(Segment* segment) {
    if (segment->ids.empty()) return Status::Ok();
    if (!segment->xadds.empty()) {
      std::vector<std::vector<std::string>> commands;
      commands.reserve(segment->xadds.size() + 2);
      commands.push_back({"MULTI"});
      for (std::vector<std::string>& xadd : segment->xadds) commands.push_back(std::move(xadd));
      commands.push_back({"EXEC"});
      TRIAGE_ASSIGN_OR_RETURN(std::vector<RedisReply> replies, connection_->Pipeline(commands));
      const RedisReply& exec = replies.back();
      if (exec.type != RedisReply::Type::kArray) {
        return Status::Internal("writing the outputs failed: " +
                                (exec.is_error() ? exec.str : std::string("transaction aborted")));
      }
      for (const RedisReply& reply : exec.elements) {
        if (reply.is_error()) return Status::Internal("writing an output failed: " + reply.str);
      }
    }
    // Every output is in Redis: now, and only now, the entries are acknowledged.
    std::vector<std::string> ack = {"XACK", options_.stream, options_.group};
    ack.insert(ack.end(), segment->ids.begin(), segment->ids.end());
    TRIAGE_ASSIGN_OR_RETURN(RedisReply acked, connection_->Command(ack));
    if (acked.is_error()) return Status::Internal("XACK failed: " + acked.str);
    counters_->acked += static_cast<uint64_t>(acked.integer);
    for (const std::string& id : segment->ids) unacked_.erase(id);
    // Entries given up on (claimed meanwhile by another worker, say) are not kept forever.
    if (unacked_.size() > 4 * options_.batch) unacked_.clear();
    *segment = Segment();
    return Status::Ok();
  }

  // The conversation key of a record ("" : no conversation message), as the service threads it.
  std::string ConversationKey(const std::string& record) {
    const RuleSet rules = service_->rules();
    if (!router_.has_value() || router_digest_ != rules.digest()) {
      router_.emplace(rules, options_.conversations);
      router_digest_ = rules.digest();
      key_cache_.clear();
    }
    ConversationTicket ticket;
    return router_->Route(record, &ticket) >= 0 ? ticket.key : std::string();
  }

  // An entry pending in the group, outside the batch in hand, before its last entry.
  struct Other {
    std::string id;
    bool acknowledged = false;  // seen acknowledged since
  };

  // Fills *others with the entries pending in the group — of any consumer — that come before the
  // batch's last entry and are not in the batch, by conversation key, for the keys in `keys`.
  // Entries before a batch entry were all delivered before it (XREADGROUP delivers in stream
  // order), so this list can only shrink: what is not in it was acknowledged already.
  Status FindEarlierPending(const std::vector<Entry>& entries, const std::vector<std::string>& keys,
                            std::map<std::string, std::vector<Other>>* others) {
    std::set<std::string> batch;
    std::string last = entries.front().id;
    for (const Entry& entry : entries) {
      batch.insert(entry.id);
      if (CompareStreamIds(entry.id, last) > 0) last = entry.id;
    }
    const std::set<std::string> wanted(keys.begin(), keys.end());
    std::vector<std::string> pending;
    constexpr int kPage = 1000;
    std::string start = "-";
    while (true) {
      TRIAGE_ASSIGN_OR_RETURN(
          RedisReply reply, connection_->Command({"XPENDING", options_.stream, options_.group,
                                                  start, last, std::to_string(kPage)}));
      if (reply.is_error()) return Status::Internal("XPENDING failed: " + reply.str);
      for (const RedisReply& item : reply.elements) {
        if (item.elements.empty()) continue;
        if (batch.count(item.elements[0].str) == 0) pending.push_back(item.elements[0].str);
      }
      if (reply.elements.size() < static_cast<size_t>(kPage)) break;
      start = "(" + reply.elements.back().elements[0].str;
    }
    // The keys of entries not seen before: their records, read in one pipeline.
    std::vector<std::vector<std::string>> reads;
    std::vector<const std::string*> read_ids;
    for (const std::string& id : pending) {
      if (key_cache_.count(id) == 0) {
        reads.push_back({"XRANGE", options_.stream, id, id});
        read_ids.push_back(&id);
      }
    }
    if (!reads.empty()) {
      TRIAGE_ASSIGN_OR_RETURN(std::vector<RedisReply> replies, connection_->Pipeline(reads));
      for (size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].is_error()) return Status::Internal("XRANGE failed: " + replies[i].str);
        const std::vector<Entry> read = ParseEntries(replies[i], options_.field);
        // A deleted entry has no key: nothing can wait for it.
        key_cache_[*read_ids[i]] =
            read.size() == 1 && read[0].record ? ConversationKey(*read[0].record) : std::string();
      }
    }
    for (const std::string& id : pending) {
      const std::string& key = key_cache_[id];
      if (!key.empty() && wanted.count(key) > 0) (*others)[key].push_back(Other{id});
    }
    if (key_cache_.size() > 100000) key_cache_.clear();  // ids are cheap to read again
    return Status::Ok();
  }

  // How a wait for an earlier entry ended.
  enum class Waited { kAcknowledged, kClaimed, kStopped };

  // Waits until entry `id` (another consumer's, or one of this consumer's outside the batch in
  // hand) is acknowledged. When its consumer has been idle for claim_idle (dead), or it is this
  // consumer's own, claims it into *claimed (with its delivery count) instead, for the caller to
  // triage before the entry that waits. Returns kStopped when asked to stop.
  Result<Waited> AwaitAcknowledged(const std::string& id, Entry* claimed, uint64_t* delivered) {
    std::chrono::milliseconds pause(2);
    while (true) {
      TRIAGE_ASSIGN_OR_RETURN(RedisReply reply, connection_->Command({"XPENDING", options_.stream,
                                                                      options_.group, id, id, "1"}));
      if (reply.is_error()) return Status::Internal("XPENDING failed: " + reply.str);
      if (reply.elements.empty()) return Waited::kAcknowledged;
      const RedisReply& item = reply.elements[0];
      if (item.elements.size() < 4) return Status::Internal("unexpected XPENDING reply");
      const bool own = item.elements[1].str == options_.consumer;
      if (own || item.elements[2].integer >= options_.claim_idle.count()) {
        // XCLAIM (without JUSTID) counts a delivery and returns the entry.
        TRIAGE_ASSIGN_OR_RETURN(
            RedisReply taken,
            connection_->Command({"XCLAIM", options_.stream, options_.group, options_.consumer,
                                  own ? "0" : std::to_string(options_.claim_idle.count()), id}));
        if (taken.is_error()) return Status::Internal("XCLAIM failed: " + taken.str);
        if (!taken.elements.empty()) {
          std::vector<Entry> entries = ParseEntries(taken, options_.field);
          if (entries.empty()) return Status::Internal("unexpected XCLAIM reply");
          *claimed = std::move(entries.front());
          *delivered = static_cast<uint64_t>(item.elements[3].integer) + 1;
          if (!own) {
            ++counters_->claimed;
            options_.log("claimed an idle entry of another consumer that a conversation waits for");
          }
          ++counters_->consumed;
          return Waited::kClaimed;
        }
        // Claimed by another worker meanwhile (its idle time starts again): wait on.
      }
      if (stop_->load()) return Waited::kStopped;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(100));
    }
  }

  // Adds to *segment the dead-letter entry of `entry` (with its record) and its output, the error
  // line of `error`; `delivered` is its delivery count (0: not counted).
  void DeadLetter(const Entry& entry, uint64_t delivered, const Status& error, Segment* segment) {
    const std::string error_line = FormatErrorLine(1, std::nullopt, error);
    std::vector<std::string> dead = {"XADD", options_.dead_letter, "*", "id", entry.id, "error",
                                     error_line};
    if (delivered > 0) {
      dead.emplace_back("deliveries");
      dead.push_back(std::to_string(delivered));
    }
    if (entry.record) {
      dead.emplace_back(options_.field);
      dead.push_back(*entry.record);
    }
    segment->xadds.push_back(std::move(dead));
    segment->xadds.push_back({"XADD", options_.out, "*", "id", entry.id, "decision", error_line});
    segment->ids.push_back(entry.id);
    ++counters_->dead_lettered;
    ++counters_->errors;
  }

  // Triages one entry (or dead-letters it, or writes its earlier output again) into *segment.
  // `key` is its conversation key ("" : none), `delivered` its delivery count. REQUIRES, for a
  // conversation message: every earlier entry of its conversation outside *segment was
  // acknowledged.
  Status Handle(const Entry& entry, const std::string& key, uint64_t delivered, Segment* segment) {
    // An earlier message of the conversation waits in the segment: written and acknowledged
    // first, so that at most one message of a conversation is ever applied and unacknowledged.
    if (!key.empty() && segment->keys.count(key) > 0) TRIAGE_RETURN_IF_ERROR(Flush(segment));
    if (!key.empty()) segment->keys.insert(key);
    ++line_;
    if (delivered > options_.max_deliveries) {
      const Status error = Status::InvalidRecord(
          "max_deliveries", "the entry was delivered " + std::to_string(delivered) +
                                " times without a decision; it is in the dead-letter stream");
      if (Status recorded =
              service_->RecordFailure(line_, entry.record ? entry.record->size() : 0, error);
          !recorded.ok()) {
        audit_failed_ = true;
        return recorded;
      }
      DeadLetter(entry, delivered, error, segment);
      return Status::Ok();
    }
    if (const auto written = unacked_.find(entry.id); written != unacked_.end()) {
      // Triaged by this process already, its acknowledgement lost with the connection: the
      // same output again, without applying the record to a conversation a second time.
      segment->xadds.push_back(
          {"XADD", options_.out, "*", "id", entry.id, "decision", written->second});
      segment->ids.push_back(entry.id);
      return Status::Ok();
    }
    std::string output;
    if (!entry.record) {
      const Status error =
          entry.deleted
              ? Status::InvalidRecord("missing_entry",
                                      "the entry was deleted from the stream before it was read")
              : Status::InvalidRecord("missing_record",
                                      "the entry has no '" + options_.field + "' field");
      if (Status recorded = service_->RecordFailure(line_, 0, error); !recorded.ok()) {
        audit_failed_ = true;
        return recorded;
      }
      output = FormatErrorLine(1, std::nullopt, error);
      ++counters_->errors;
    } else {
      if (!key.empty()) options_.conversations->BeginMessage(entry.id);
      const Status status = service_->TriageRecord(0, *entry.record, line_, &decision_);
      if (status.code() != Status::Code::kOk && status.code() != Status::Code::kInvalidRecord) {
        // The audit store failed: no decision may leave unrecorded; nothing is acknowledged.
        audit_failed_ = true;
        return Status::IoError(status.message());
      }
      if (!key.empty()) {
        switch (options_.conversations->outcome()) {
          case RedisConversationStore::Outcome::kFailed: {
            const Status failure = options_.conversations->failure();
            if (connection_->broken()) {
              // Redis went away: as any lost connection, the entry stays pending and is triaged
              // again after the reconnect.
              return Status::IoError("conversation state: " + failure.message());
            }
            // Redis answered, but the conversation's state cannot be used (it does not parse:
            // written by another version or by someone else; the key holds another type).
            // Trying again gives the same answer: the entry goes to the dead-letter stream, with
            // the record, for a person to look at, and its output is the error line.
            options_.log("dead-lettered a conversation message: " + failure.message());
            DeadLetter(entry, 0,
                       Status::InvalidRecord("conversation_state",
                                             "the conversation's shared state cannot be used; "
                                             "the entry is in the dead-letter stream"),
                       segment);
            return Status::Ok();
          }
          case RedisConversationStore::Outcome::kStale:
            // A later message of its conversation was applied, which happens only once this
            // entry was acknowledged (with its output) by another delivery: nothing to write.
            ++counters_->repeats;
            segment->ids.push_back(entry.id);
            return Status::Ok();
          case RedisConversationStore::Outcome::kRecomputed:
            ++counters_->repeats;
            break;
          case RedisConversationStore::Outcome::kNone:
          case RedisConversationStore::Outcome::kApplied:
            break;
        }
      }
      if (status.ok()) {
        output = FormatDecisionLine(*entry.record, decision_, options_.mode);
      } else {
        output = FormatErrorLine(1, decision_.id, status);
        ++counters_->errors;
      }
    }
    segment->xadds.push_back({"XADD", options_.out, "*", "id", entry.id, "decision", output});
    segment->ids.push_back(entry.id);
    unacked_[entry.id] = std::move(output);
    return Status::Ok();
  }

  // Triages `entries` and writes and acknowledges their outputs.
  //
  // With shared conversation state, a conversation message is applied only when every earlier
  // entry of its conversation is acknowledged: one of this batch is written and acknowledged
  // first (Handle), one of another consumer is waited for — after writing what is done, so that
  // no worker waits while holding outputs another may wait for — or, its consumer dead, claimed
  // and triaged first. A worker takes its batch in stream order and waits only for earlier
  // entries, so waits form no cycle.
  Status Process(const std::vector<Entry>& entries, bool redelivered) {
    if (entries.empty()) return Status::Ok();
    counters_->consumed += entries.size();
    std::map<std::string, uint64_t> deliveries;
    if (redelivered) {
      // Some of this consumer's other pending entries may lie in the range: ask for room.
      TRIAGE_ASSIGN_OR_RETURN(
          deliveries, Deliveries(entries.front().id, entries.back().id, entries.size() * 2 + 100));
    }
    std::vector<std::string> keys(entries.size());
    std::map<std::string, std::vector<Other>> earlier;
    if (options_.conversations != nullptr) {
      bool any = false;
      for (size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].record) keys[i] = ConversationKey(*entries[i].record);
        any = any || !keys[i].empty();
      }
      if (any) TRIAGE_RETURN_IF_ERROR(FindEarlierPending(entries, keys, &earlier));
    }
    Segment segment;
    for (size_t i = 0; i < entries.size(); ++i) {
      const Entry& entry = entries[i];
      const std::string& key = keys[i];
      const auto found = deliveries.find(entry.id);
      const uint64_t delivered = found == deliveries.end() ? 1 : found->second;
      if (!key.empty() && delivered <= options_.max_deliveries) {
        bool waited = false;
        if (const auto others = earlier.find(key); others != earlier.end()) {
          // In stream order: when one is reached, those before it are done.
          for (Other& other : others->second) {
            if (other.acknowledged || CompareStreamIds(other.id, entry.id) >= 0) continue;
            TRIAGE_RETURN_IF_ERROR(Flush(&segment));
            Entry claimed;
            uint64_t claimed_deliveries = 0;
            TRIAGE_ASSIGN_OR_RETURN(const Waited how,
                                    AwaitAcknowledged(other.id, &claimed, &claimed_deliveries));
            // Asked to stop: the rest of the batch stays pending (for the next start, or
            // another worker).
            if (how == Waited::kStopped) return Status::Ok();
            if (how == Waited::kClaimed) {
              TRIAGE_RETURN_IF_ERROR(Handle(claimed, key, claimed_deliveries, &segment));
            }
            other.acknowledged = true;
            waited = true;
          }
        }
        if (waited) ++counters_->waits;
      }
      TRIAGE_RETURN_IF_ERROR(Handle(entry, key, delivered, &segment));
    }
    return Flush(&segment);
  }

  void UpdateLag() {
    Result<RedisReply> reply = connection_->Command({"XINFO", "GROUPS", options_.stream});
    if (!reply.ok() || reply->type != RedisReply::Type::kArray) return;
    for (const RedisReply& group : reply->elements) {
      bool ours = false;
      for (size_t i = 0; i + 1 < group.elements.size(); i += 2) {
        const std::string& key = group.elements[i].str;
        const RedisReply& value = group.elements[i + 1];
        if (key == "name") ours = value.str == options_.group;
        if (ours && key == "lag") {
          counters_->lag = value.type == RedisReply::Type::kInteger ? value.integer : -1;
        }
      }
    }
  }

  Service* service_;
  StreamWorkerOptions options_;
  const std::atomic<bool>* stop_ = nullptr;
  StreamWorkerCounters* counters_;
  std::unique_ptr<RedisConnection> connection_;
  bool ever_connected_ = false;
  bool audit_failed_ = false;  // the audit store failed: stop
  bool own_pending_ = true;
  std::string claim_cursor_ = "0-0";
  Clock::time_point next_claim_;
  uint64_t line_ = 0;  // records handled by this process (the audit entries' line numbers)
  Decision decision_;
  // The outputs of entries triaged but not yet acknowledged (the batch in hand, or one whose
  // acknowledgement was lost with the connection), by stream id.
  std::map<std::string, std::string> unacked_;
  // With shared conversation state: the records' router (the live ruleset's fields), and the
  // conversation keys of other consumers' pending entries read so far, by stream id.
  std::optional<ConversationScanner> router_;
  std::string router_digest_;
  std::map<std::string, std::string> key_cache_;
};

StreamWorker::StreamWorker(Service* service, StreamWorkerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options), &counters_)) {}

StreamWorker::~StreamWorker() = default;

Status StreamWorker::Run(std::atomic<bool>* stop, std::atomic<bool>* reload) {
  return impl_->Run(stop, reload);
}

std::string StreamWorker::StatsLine() const { return impl_->StatsLine(); }

}  // namespace triage::worker
