// SPDX-License-Identifier: Apache-2.0
// ConversationStore: where the state of SMS conversations lives between messages — for each
// conversation key (a `conversation` id, or a (from, to) pair), the key's current conversation,
// its text so far, the decision it has reached, and whether the sender opted out. The
// ConversationScanner (conversation_scanner.h) reads and writes it, one message at a time; the
// store owns the state and bounds its memory. It is the one owner of conversation state, behind a
// small interface, so that the in-memory store below and a shared one (Redis, for several
// processes) are interchangeable.
//
// Order and determinism. Conversation state is the only thing in a decision that depends on
// records before it, so the order in which messages reach the store decides the output. A store
// divides keys into partitions: the messages of one partition must be given in input order, by
// one thread at a time; different partitions may be worked on concurrently. A store's behaviour
// (which conversation loses its messages when memory is full) must depend only on the order of
// the messages within each partition, never on timing, so that `triage filter --jobs N` writes
// the same bytes for every N and `triage replay` reproduces them.
//
//   triage::MemoryConversationStore store(rules.config().conversations);
//   triage::ConversationScanner scanner(rules, &store);
//   scanner.ScanJson(line, &decision);
#ifndef TRIAGE_CONVERSATION_STORE_H_
#define TRIAGE_CONVERSATION_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "triage/config.h"
#include "triage/decision.h"
#include "triage/export.h"
#include "triage/status.h"

namespace triage {

// What is remembered about one conversation key between its messages: its current (or last)
// conversation and whether the sender opted out. Plain data, written by the ConversationScanner;
// a store only moves it around, and lets go of `texts` (setting `context_lost`) when it needs the
// room.
struct ThreadState {
  std::string id;                    // the current (or last) conversation; "" before the first
  uint64_t serial = 0;               // conversations opened under this key so far
  uint64_t messages = 0;             // messages of the current conversation so far
  std::optional<int64_t> opened_at;  // its first message's received_at (microseconds, UTC)
  std::optional<int64_t> last_at;    // the latest received_at of its messages
  bool ended = false;                // a stop keyword ended it: the next message opens another
  bool opted_out = false;            // the sender opted out (outlives the conversation)
  bool context_lost = false;         // its texts were let go while it was open
  Decision decision;                 // the conversation's decision: the highest it has reached
  std::deque<std::string> texts;     // its latest messages' texts (keywords aside), oldest first

  // Bytes of text held.
  size_t text_bytes() const;
};

// What a store holds and has let go. Counts since the store was made.
struct ConversationStoreStats {
  uint64_t open = 0;                // conversations held now (not ended by a stop keyword)
  uint64_t peak_open = 0;           // the most held at once
  uint64_t remembered = 0;          // keys remembered now (open or not)
  uint64_t text_bytes = 0;          // bytes of message text held now
  uint64_t evicted = 0;             // open conversations whose texts were let go for room
  uint64_t evicted_idle = 0;        // ... of which were already idle past the timeout
  uint64_t forgotten = 0;           // keys forgotten entirely for room (max_remembered)
  uint64_t opt_outs_forgotten = 0;  // ... of which had opted out
  uint64_t partitions = 0;          // the partitions now
};

// The interface of a conversation store (see the file comment for the ordering contract).
// Implementations say how they may be used from several threads.
class TRIAGE_EXPORT ConversationStore {
 public:
  virtual ~ConversationStore();

  // Applies the limits of `config` (max_open, max_remembered, idle_timeout), letting go of what
  // exceeds them. Must not run concurrently with any other call.
  virtual void Configure(const ConversationConfig& config) = 0;

  // The number of partitions (at least 1) and the partition of `key`, in [0, partitions()).
  virtual size_t partitions() const = 0;
  virtual size_t PartitionOf(std::string_view key) const = 0;

  // Calls `update` on the state of `key` — the one stored, or a fresh ThreadState — and stores
  // what it leaves. `time` is the message's received_at (microseconds, UTC), when it has one: the
  // store's notion of how late it is in the stream of its partition. Returns the store's failure
  // (then `update` may not have been called). REQUIRES: messages of one partition are given in
  // input order, one call at a time.
  virtual Status Update(std::string_view key, std::optional<int64_t> time,
                        const std::function<void(ThreadState*)>& update) = 0;

  // What the store holds and has let go so far.
  virtual ConversationStoreStats stats() const = 0;
};

// The in-memory store: a process's conversations in its own memory, lost when it exits. At most
// `max_open` conversations hold their texts, at most `max_remembered` keys are remembered; past
// either bound the least recently used goes first. Keys are divided into partitions (one per 256
// of max_open, at most 16) by a fixed hash of the key, each with its own share of both bounds and
// its own least-recently-used order, so that the choice of what goes depends on nothing but the
// order of the messages within the partition.
//
// Thread-safe: Update() may run concurrently for keys of different partitions (calls for one
// partition are serialised by a lock, but must also come in input order, which the lock cannot
// see to). Configure() must run alone.
class TRIAGE_EXPORT MemoryConversationStore : public ConversationStore {
 public:
  explicit MemoryConversationStore(const ConversationConfig& config);
  ~MemoryConversationStore() override;
  MemoryConversationStore(const MemoryConversationStore&) = delete;
  MemoryConversationStore& operator=(const MemoryConversationStore&) = delete;

  void Configure(const ConversationConfig& config) override;
  size_t partitions() const override;
  size_t PartitionOf(std::string_view key) const override;
  Status Update(std::string_view key, std::optional<int64_t> time,
                const std::function<void(ThreadState*)>& update) override;
  ConversationStoreStats stats() const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage

#endif  // TRIAGE_CONVERSATION_STORE_H_
