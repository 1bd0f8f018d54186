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
#include <string>
#include <thread>
#include <utility>
#include <vector>

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
        connection_.reset();
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
           " lag=" + (c.lag < 0 ? std::string("unknown") : std::to_string(c.lag));
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
        connection_.reset();
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

  // Triages `entries` and writes and acknowledges their outputs.
  Status Process(const std::vector<Entry>& entries, bool redelivered) {
    if (entries.empty()) return Status::Ok();
    counters_->consumed += entries.size();
    std::map<std::string, uint64_t> deliveries;
    if (redelivered) {
      // Some of this consumer's other pending entries may lie in the range: ask for room.
      TRIAGE_ASSIGN_OR_RETURN(
          deliveries, Deliveries(entries.front().id, entries.back().id, entries.size() * 2 + 100));
    }
    std::vector<std::vector<std::string>> commands;
    commands.push_back({"MULTI"});
    std::vector<std::string> ack = {"XACK", options_.stream, options_.group};
    for (const Entry& entry : entries) {
      ack.push_back(entry.id);
      ++line_;
      const auto found = deliveries.find(entry.id);
      const uint64_t delivered = found == deliveries.end() ? 1 : found->second;
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
        const std::string error_line = FormatErrorLine(1, std::nullopt, error);
        std::vector<std::string> dead = {
            "XADD",       options_.dead_letter,     "*", "id", entry.id, "error", error_line,
            "deliveries", std::to_string(delivered)};
        if (entry.record) {
          dead.emplace_back(options_.field);
          dead.push_back(*entry.record);
        }
        commands.push_back(std::move(dead));
        commands.push_back({"XADD", options_.out, "*", "id", entry.id, "decision", error_line});
        ++counters_->dead_lettered;
        ++counters_->errors;
        continue;
      }
      std::string output;
      if (const auto written = unacked_.find(entry.id); written != unacked_.end()) {
        // Triaged by this process already, its acknowledgement lost with the connection: the
        // same output again, without applying the record to a conversation a second time.
        commands.push_back(
            {"XADD", options_.out, "*", "id", entry.id, "decision", written->second});
        continue;
      }
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
        const Status status = service_->TriageRecord(0, *entry.record, line_, &decision_);
        if (status.ok()) {
          output = FormatDecisionLine(*entry.record, decision_, options_.mode);
        } else if (status.code() == Status::Code::kInvalidRecord) {
          output = FormatErrorLine(1, decision_.id, status);
          ++counters_->errors;
        } else {
          // The audit store failed: no decision may leave unrecorded; nothing is acknowledged.
          audit_failed_ = true;
          return Status::IoError(status.message());
        }
      }
      commands.push_back({"XADD", options_.out, "*", "id", entry.id, "decision", output});
      unacked_[entry.id] = std::move(output);
    }
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
    // Every output is in Redis: now, and only now, the entries are acknowledged.
    TRIAGE_ASSIGN_OR_RETURN(RedisReply acked, connection_->Command(ack));
    if (acked.is_error()) return Status::Internal("XACK failed: " + acked.str);
    counters_->acked += static_cast<uint64_t>(acked.integer);
    for (const Entry& entry : entries) unacked_.erase(entry.id);
    // Entries given up on (claimed meanwhile by another worker, say) are not kept forever.
    if (unacked_.size() > 4 * options_.batch) unacked_.clear();
    return Status::Ok();
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
};

StreamWorker::StreamWorker(Service* service, StreamWorkerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options), &counters_)) {}

StreamWorker::~StreamWorker() = default;

Status StreamWorker::Run(std::atomic<bool>* stop, std::atomic<bool>* reload) {
  return impl_->Run(stop, reload);
}

std::string StreamWorker::StatsLine() const { return impl_->StatsLine(); }

}  // namespace triage::worker
