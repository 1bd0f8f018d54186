// SPDX-License-Identifier: Apache-2.0
// RedisConversationStore: the state of SMS conversations in Redis, shared by every `triage
// worker` of a consumer group (`--conversations redis`, docs/worker.md sections 4 and 9), behind
// the engine's ConversationStore interface, so that the ConversationScanner threads messages
// exactly as it does over the in-memory store.
//
// One hash per conversation key, named `<prefix><32 hex digits of the SHA-256 of the key>` (never
// the key itself: a key may be a phone number), holding
//
//   id     the stream id of the last message applied to the state
//   state  the serialised ThreadState after that message (EncodeThreadState)
//   prev   the serialised ThreadState before it ("" : a fresh one)
//
// Update() reads the hash and compares the message's stream id (BeginMessage) with `id`:
//
//   - greater (or no hash yet): the update runs on `state`, and a Lua script stores the result —
//     only if `id` is still what was read (compare-and-set: a second worker applying the same
//     message at once loses, reads again and takes the next case);
//   - equal: the message was applied already (its output or acknowledgement was lost, and it
//     came again): the update runs on `prev`, which gives the same decision, and nothing is
//     written — a redelivered message is never applied twice;
//   - less: a later message of the conversation was applied, which the worker allows only once
//     this message was acknowledged (StreamWorker's ordering rule): this delivery is a stale
//     duplicate whose output exists; the update is not run and outcome() says kStale.
//
// Only the message immediately before `id` can come again, because StreamWorker applies a
// conversation's message only when every earlier entry of that conversation is acknowledged:
// one `prev` is enough.
//
// Failures (a lost connection, an error reply such as WRONGTYPE, a state that does not parse —
// written by a newer version, or by someone else) make Update() return the failure without
// calling the update; outcome() says kFailed and failure() holds it. The messages name the hash
// (a digest), never the key or any text.
//
// The memory bounds of the in-memory store (max_open, max_remembered) do not apply: Admit()
// reports nothing lost, and conversations stay until their hash expires (`ttl`, when set, renewed
// by every message) or is deleted.
//
// Thread-safety: not thread-safe; one worker thread uses it (with the connection it is given).
#ifndef TRIAGE_WORKER_REDIS_CONVERSATION_STORE_H_
#define TRIAGE_WORKER_REDIS_CONVERSATION_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "triage/conversation_store.h"
#include "triage/status.h"

#include "redis_connection.h"

namespace triage::worker {

// Returns the serialised form of `state` (every member, the decision's included).
std::string EncodeThreadState(const ThreadState& state);
// Parses what EncodeThreadState wrote into *state. Returns InvalidArgument for anything else
// (the message quotes none of the input).
Status DecodeThreadState(std::string_view blob, ThreadState* state);

// A stream id "<ms>-<seq>" as two numbers; nullopt when `id` is not one.
std::optional<std::pair<uint64_t, uint64_t>> ParseStreamId(std::string_view id);
// -1, 0 or 1 as stream id `a` is before, the same as, or after `b`. REQUIRES: both parse.
int CompareStreamIds(std::string_view a, std::string_view b);

struct RedisConversationOptions {
  std::string prefix = "triage:conv:";  // hash names: prefix + digest of the key
  std::chrono::milliseconds ttl{0};     // expire a hash this long after its last message (0: never)
};

class RedisConversationStore : public ConversationStore {
 public:
  // What Update() did for the message since BeginMessage().
  enum class Outcome {
    kNone,        // not called (the record is no conversation message, or failed before)
    kApplied,     // the message was applied and stored
    kRecomputed,  // applied before: its decision was recomputed from the state before it
    kStale,       // a later message was applied: not run (the output exists)
    kFailed,      // Redis or the stored state failed: failure()
  };

  explicit RedisConversationStore(RedisConversationOptions options);
  ~RedisConversationStore() override;
  RedisConversationStore(const RedisConversationStore&) = delete;
  RedisConversationStore& operator=(const RedisConversationStore&) = delete;

  // The connection to use from now on (not owned; null while there is none).
  void set_connection(RedisConnection* connection) { connection_ = connection; }
  // Sets the stream id of the message the next Update() is for, and resets outcome().
  void BeginMessage(std::string stream_id);
  Outcome outcome() const { return outcome_; }
  // The failure of the last Update() (OK unless outcome() is kFailed).
  const Status& failure() const { return failure_; }

  // The hash holding `key`'s state.
  static std::string HashName(std::string_view prefix, std::string_view key);

  void Configure(const ConversationConfig& config) override;
  size_t partitions() const override;
  size_t PartitionOf(std::string_view key) const override;
  ConversationAdmission Admit(std::string_view key, std::optional<int64_t> time,
                              CarrierKeyword keyword) override;
  Status Update(std::string_view key, const std::function<void(ThreadState*)>& update) override;
  void Settle() override;
  ConversationStoreStats stats() const override;

 private:
  Status Fail(Status status);

  RedisConversationOptions options_;
  RedisConnection* connection_ = nullptr;
  std::string message_id_;
  Outcome outcome_ = Outcome::kNone;
  Status failure_;
};

}  // namespace triage::worker

#endif  // TRIAGE_WORKER_REDIS_CONVERSATION_STORE_H_
