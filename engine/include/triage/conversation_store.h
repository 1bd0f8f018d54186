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
// records before it, so the order in which messages reach the store decides the output. Two
// orders matter, and a store keeps them apart so that the heavy work can run on several threads:
//
// - Admit() is called for every message in input order, on one thread. It is where the memory
//   bound is kept, exactly: the store decides there which conversation lets go of its texts (the
//   least recently used) and which key it forgets, and tells each message what happened to its
//   own key since the key's last message. Cheap: a hash lookup and list moves.
// - Update() reads and writes a key's state. Keys are divided into a fixed number of partitions
//   (partitions(), never dependent on the thread count); the updates of one partition must come
//   in input order, one at a time, while different partitions may be updated concurrently.
// - Settle(), on one thread when no Update runs, lets go of the memory that Admit() decided to
//   let go of (until then, a conversation being let go may still be read by a message before it).
//
// A driver that scans one message at a time calls Admit, Update and Settle for each in turn; a
// parallel one (`triage filter --jobs N`) admits a batch's messages in order, updates them
// partition by partition, and settles once per batch. Both give the same decisions, byte for
// byte, because every decision the store makes depends only on the order of Admit calls.
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
// a store keeps it, and lets go of `texts` when it needs the room (ConversationStore::Admit).
struct ThreadState {
  std::string id;                    // the current (or last) conversation; "" before the first
  uint64_t serial = 0;               // conversations opened under this key so far
  uint64_t messages = 0;             // messages of the current conversation so far
  std::optional<int64_t> opened_at;  // its first message's received_at (microseconds, UTC)
  std::optional<int64_t> last_at;    // the latest received_at of its messages
  bool ended = false;                // a stop keyword ended it: the next message opens another
  bool opted_out = false;            // the sender opted out (outlives the conversation)
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
  uint64_t opt_outs_held = 0;       // opt-outs of forgotten keys kept now (as fingerprints)
  uint64_t opt_outs_forgotten = 0;  // opt-outs lost for room: beyond max_remembered of those
  uint64_t partitions = 0;          // the partitions
};

// What the memory bound did to a key since its previous message (ConversationStore::Admit).
struct ConversationAdmission {
  // The key's conversation let go of its texts while it was open: if this message continues it,
  // the rules read only what comes from now on, and the message says so.
  bool context_lost = false;
  // The key was forgotten altogether: this message finds it as if it were new (the updater must
  // start from a fresh ThreadState; the store keeps the old one until it settles).
  bool forgotten = false;
  // The key's sender had opted out when the store forgot the key: the state this message starts
  // from (fresh, or the forgotten one) must be opted out. A store keeps the opt-out of a key it
  // forgets for as long as it can (MemoryConversationStore: max_remembered of them), so that a
  // sender who texted STOP gets no reply because of memory pressure.
  bool opted_out = false;
};

// The interface of a conversation store (see the file comment for the ordering contract).
// Implementations say how they may be used from several threads.
class TRIAGE_EXPORT ConversationStore {
 public:
  virtual ~ConversationStore();

  // Applies the limits of `config` (max_open, max_remembered, idle_timeout), letting go of what
  // exceeds them at once. Must not run concurrently with any other call.
  virtual void Configure(const ConversationConfig& config) = 0;

  // The number of partitions (at least 1; fixed for the store's life) and the partition of
  // `key`, in [0, partitions()).
  virtual size_t partitions() const = 0;
  virtual size_t PartitionOf(std::string_view key) const = 0;

  // Records that a message of `key` comes next in input order, received at `time` (microseconds,
  // UTC, when it has one), and its carrier keyword: kStop ends its conversation and opts the key
  // out, kStart opts it back in (as ConversationScanner threads them). Keeps the memory bound
  // (see the file comment) and returns what it did to `key` since its last message.
  // REQUIRES: called in input order, on one thread, with no Update or Settle running.
  virtual ConversationAdmission Admit(std::string_view key, std::optional<int64_t> time,
                                      CarrierKeyword keyword) = 0;

  // Calls `update` on the state of `key` — the one stored, or a fresh ThreadState — and stores
  // what it leaves. Returns the store's failure (then `update` may not have been called).
  // REQUIRES: the message was admitted; messages of one partition come in input order, one at a
  // time (different partitions may run concurrently).
  virtual Status Update(std::string_view key, const std::function<void(ThreadState*)>& update) = 0;

  // Lets go of the memory Admit() decided to let go of. REQUIRES: no Admit or Update running.
  virtual void Settle() = 0;

  // What the store holds and has let go so far.
  virtual ConversationStoreStats stats() const = 0;
};

// The in-memory store: a process's conversations in its own memory, lost when it exits (a filter
// that continues an audit store rebuilds them from it: AuditStore::RestoreConversations). At most
// `max_open` conversations hold their texts and at most `max_remembered` keys are remembered,
// exactly, counted over the whole store; past either bound the least recently used (by input
// order) goes first. A forgotten key whose sender had opted out leaves a 64-bit fingerprint
// behind, so that its next message is still opted out; at most `max_remembered` fingerprints are
// kept (the oldest goes first, counted in opt_outs_forgotten). 16 partitions, by a fixed hash of
// the key.
//
// Thread-safe as the interface requires: Update() may run concurrently for keys of different
// partitions (each partition has a lock); Admit(), Settle() and Configure() run on one thread.
class TRIAGE_EXPORT MemoryConversationStore : public ConversationStore {
 public:
  explicit MemoryConversationStore(const ConversationConfig& config);
  ~MemoryConversationStore() override;
  MemoryConversationStore(const MemoryConversationStore&) = delete;
  MemoryConversationStore& operator=(const MemoryConversationStore&) = delete;

  void Configure(const ConversationConfig& config) override;
  size_t partitions() const override;
  size_t PartitionOf(std::string_view key) const override;
  ConversationAdmission Admit(std::string_view key, std::optional<int64_t> time,
                              CarrierKeyword keyword) override;
  Status Update(std::string_view key, const std::function<void(ThreadState*)>& update) override;
  void Settle() override;
  ConversationStoreStats stats() const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage

#endif  // TRIAGE_CONVERSATION_STORE_H_
