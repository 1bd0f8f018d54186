// SPDX-License-Identifier: Apache-2.0
// The in-memory conversation store (conversation_store.h).
//
// Nodes (a key and its ThreadState) live in 16 partitions, hash maps chosen by FNV-1a of the key,
// each with a lock so that Update() can run for different partitions at once. Over them, two
// least-recently-used lists kept by Admit() alone, in input order, on one thread: `held`, the
// conversations open as far as the store knows (their last message was no stop keyword), bounded
// by max_open; and `keys`, every key remembered, bounded by max_remembered. Both bounds are exact
// and global: the choice of what goes depends only on the order of the Admit calls, never on
// which thread updates what, so the decisions are the same for any number of threads.
//
// Letting go happens in two steps, so that a message admitted before the choice (still to be
// updated, in the same batch) sees the state it should:
// - Admit marks the least recently used conversation `evicted_live` (its next message will say
//   context_lost) or the least recently used key `forget_pending` (its next message starts from a
//   fresh state), and lists it to settle;
// - Settle, once no update runs, drops the texts of what is still evicted and erases what is
//   still forgotten. A key admitted again in between is no longer evicted or forgotten: its
//   message got the admission's verdict and made its own state from it.
//
// Opt-outs outlive forgetting. Admit follows each key's opt-out from the keywords it is given (a
// stop opts out, a start opts back in, as the scanner threads them): when it forgets an opted-out
// key, it keeps a 64-bit fingerprint of the key in a FIFO bounded by max_remembered, and a key
// that comes back to the store finds its opt-out there (ConversationAdmission::opted_out). Only
// past that second bound is an opt-out lost (opt_outs_forgotten). A fingerprint collision can only
// make a sender look opted out: no auto-reply, the safe side.
//
// A conversation let go after its idle timeout had already passed (against the latest time the
// store has been admitted) is counted apart (evicted_idle): its next message opens a new
// conversation anyway, so nothing was lost.
#include "triage/conversation_store.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/status.h"

namespace triage {

size_t ThreadState::text_bytes() const {
  size_t bytes = 0;
  for (const std::string& text : texts) bytes += text.size();
  return bytes;
}

ConversationStore::~ConversationStore() = default;

namespace {

constexpr size_t kPartitions = 16;
constexpr int64_t kMicrosPerSecond = 1000000;

uint64_t Fnv1a(std::string_view key) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// The fingerprint of a forgotten opted-out key: FNV-1a through the splitmix64 finaliser, so that
// its bits do not line up with the partition (FNV-1a modulo 16).
uint64_t Fingerprint(std::string_view key) {
  uint64_t z = Fnv1a(key) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct Node {
  const std::string* key = nullptr;  // the map's key (stable: the map is node-based)
  size_t partition = 0;
  ThreadState state;
  // Kept by Admit (one thread).
  std::optional<int64_t> last_at;  // the latest time admitted for the key
  bool held = false;
  std::list<Node*>::iterator held_at;
  bool kept = false;  // in `keys`
  std::list<Node*>::iterator key_at;
  bool evicted_live = false;    // its texts go; its next message says context_lost
  bool forget_pending = false;  // it goes; its next message starts afresh
  bool to_settle = false;
  bool opted_out = false;  // its sender opted out, as the keywords admitted say
};

struct Partition {
  mutable std::mutex mutex;
  std::unordered_map<std::string, Node> nodes;
  uint64_t text_bytes = 0;  // guarded by mutex
};

}  // namespace

class MemoryConversationStore::Impl {
 public:
  explicit Impl(const ConversationConfig& config) { SetLimits(config); }

  void Configure(const ConversationConfig& config) {
    SetLimits(config);
    MakeRoom(nullptr);
    Settle();
  }

  size_t PartitionOf(std::string_view key) const { return Fnv1a(key) % kPartitions; }

  ConversationAdmission Admit(std::string_view key, std::optional<int64_t> time,
                              CarrierKeyword keyword) {
    bool inserted = false;
    Node& node = Find(key, &inserted);
    ConversationAdmission admission;
    if (inserted && TakeOptOut(Fingerprint(key))) {
      node.opted_out = true;
      admission.opted_out = true;
    }
    if (node.forget_pending) {
      // Forgotten in this batch and back before the store settled: its fingerprint goes again.
      if (node.opted_out) TakeOptOut(Fingerprint(key));
      admission.forgotten = true;
      admission.opted_out = node.opted_out;
      node.forget_pending = false;
      node.last_at.reset();
    }
    const bool ends = keyword == CarrierKeyword::kStop;
    if (ends) node.opted_out = true;
    if (keyword == CarrierKeyword::kStart) node.opted_out = false;
    admission.context_lost = node.evicted_live;
    node.evicted_live = false;
    if (time.has_value()) {
      watermark_ = std::max(watermark_.value_or(*time), *time);
      node.last_at = std::max(node.last_at.value_or(*time), *time);
    }
    Touch(&keys_, &node, &Node::kept, &Node::key_at, true);
    Touch(&held_, &node, &Node::held, &Node::held_at, !ends);
    MakeRoom(&node);
    peak_open_ = std::max<uint64_t>(peak_open_, held_.size());
    return admission;
  }

  Status Update(std::string_view key, const std::function<void(ThreadState*)>& update) {
    Partition& partition = partitions_[PartitionOf(key)];
    std::lock_guard<std::mutex> lock(partition.mutex);
    auto found = partition.nodes.find(std::string(key));
    if (found == partition.nodes.end()) found = Insert(&partition, key);
    ThreadState& state = found->second.state;
    partition.text_bytes -= state.text_bytes();
    update(&state);
    partition.text_bytes += state.text_bytes();
    return Status::Ok();
  }

  void Settle() {
    for (Node* node : settle_) {
      node->to_settle = false;
      Partition& partition = partitions_[node->partition];
      std::lock_guard<std::mutex> lock(partition.mutex);
      if (node->forget_pending) {
        partition.text_bytes -= node->state.text_bytes();
        partition.nodes.erase(*node->key);
      } else if (node->evicted_live && !node->held) {
        partition.text_bytes -= node->state.text_bytes();
        std::deque<std::string>().swap(node->state.texts);
      }
    }
    settle_.clear();
  }

  ConversationStoreStats stats() const {
    ConversationStoreStats stats;
    stats.open = held_.size();
    stats.peak_open = peak_open_;
    stats.remembered = keys_.size();
    for (const Partition& partition : partitions_) {
      std::lock_guard<std::mutex> lock(partition.mutex);
      stats.text_bytes += partition.text_bytes;
    }
    stats.evicted = evicted_;
    stats.evicted_idle = evicted_idle_;
    stats.forgotten = forgotten_;
    stats.opt_outs_held = opt_out_order_.size();
    stats.opt_outs_forgotten = opt_outs_forgotten_;
    stats.partitions = kPartitions;
    return stats;
  }

 private:
  void SetLimits(const ConversationConfig& config) {
    max_open_ = std::max<size_t>(config.max_open, 1);
    max_keys_ = std::max(config.remembered_limit(), max_open_);
    TrimOptOuts();
    idle_micros_ = config.idle_timeout_seconds * kMicrosPerSecond;
  }

  std::unordered_map<std::string, Node>::iterator Insert(Partition* partition,
                                                         std::string_view key) {
    auto inserted = partition->nodes.emplace(std::string(key), Node()).first;
    inserted->second.key = &inserted->first;
    inserted->second.partition = static_cast<size_t>(partition - partitions_.data());
    return inserted;
  }

  Node& Find(std::string_view key, bool* inserted) {
    Partition& partition = partitions_[PartitionOf(key)];
    std::lock_guard<std::mutex> lock(partition.mutex);
    auto found = partition.nodes.find(std::string(key));
    *inserted = found == partition.nodes.end();
    if (*inserted) found = Insert(&partition, key);
    return found->second;
  }

  // Keeps the opt-out of a key being forgotten, the oldest going past max_keys_.
  void KeepOptOut(uint64_t fingerprint) {
    if (opt_out_at_.count(fingerprint) != 0) return;
    opt_out_order_.push_front(fingerprint);
    opt_out_at_.emplace(fingerprint, opt_out_order_.begin());
    TrimOptOuts();
  }

  // Returns whether an opt-out was kept for `fingerprint`, and lets go of it.
  bool TakeOptOut(uint64_t fingerprint) {
    if (opt_out_at_.empty()) return false;
    const auto found = opt_out_at_.find(fingerprint);
    if (found == opt_out_at_.end()) return false;
    opt_out_order_.erase(found->second);
    opt_out_at_.erase(found);
    return true;
  }

  void TrimOptOuts() {
    while (opt_out_order_.size() > max_keys_) {
      opt_out_at_.erase(opt_out_order_.back());
      opt_out_order_.pop_back();
      ++opt_outs_forgotten_;
    }
  }

  // Puts `node` at the front of `list` (in: true) or takes it out (in: false).
  static void Touch(std::list<Node*>* list, Node* node, bool Node::*member,
                    std::list<Node*>::iterator Node::*at, bool in) {
    if (in && node->*member) {
      list->splice(list->begin(), *list, node->*at);
    } else if (in) {
      list->push_front(node);
      node->*at = list->begin();
      node->*member = true;
    } else if (node->*member) {
      list->erase(node->*at);
      node->*member = false;
    }
  }

  void ToSettle(Node* node) {
    if (node->to_settle) return;
    node->to_settle = true;
    settle_.push_back(node);
  }

  // Lets go of the least recently used conversations and keys beyond the bounds, never `keep`
  // (the key just admitted).
  void MakeRoom(const Node* keep) {
    while (held_.size() > max_open_ && held_.back() != keep) {
      Node* victim = held_.back();
      Evict(victim);
    }
    while (keys_.size() > max_keys_ && keys_.back() != keep) {
      Node* victim = keys_.back();
      if (victim->held) Evict(victim);
      Touch(&keys_, victim, &Node::kept, &Node::key_at, false);
      if (victim->opted_out) KeepOptOut(Fingerprint(*victim->key));
      victim->evicted_live = false;
      victim->forget_pending = true;
      ++forgotten_;
      ToSettle(victim);
    }
  }

  void Evict(Node* victim) {
    Touch(&held_, victim, &Node::held, &Node::held_at, false);
    victim->evicted_live = true;
    ++evicted_;
    if (watermark_.has_value() && victim->last_at.has_value() &&
        *watermark_ - *victim->last_at >= idle_micros_) {
      ++evicted_idle_;
    }
    ToSettle(victim);
  }

  std::array<Partition, kPartitions> partitions_;
  size_t max_open_ = 1;
  size_t max_keys_ = 1;
  int64_t idle_micros_ = 0;
  // Kept by Admit, Settle and Configure (one thread).
  std::list<Node*> held_;  // most recently used first
  std::list<Node*> keys_;  // most recently used first
  std::vector<Node*> settle_;
  std::optional<int64_t> watermark_;
  uint64_t peak_open_ = 0;
  uint64_t evicted_ = 0;
  uint64_t evicted_idle_ = 0;
  uint64_t forgotten_ = 0;
  uint64_t opt_outs_forgotten_ = 0;
  // The opt-outs of forgotten keys, newest first (Admit, one thread).
  std::list<uint64_t> opt_out_order_;
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> opt_out_at_;
};

MemoryConversationStore::MemoryConversationStore(const ConversationConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}
MemoryConversationStore::~MemoryConversationStore() = default;

void MemoryConversationStore::Configure(const ConversationConfig& config) {
  impl_->Configure(config);
}
size_t MemoryConversationStore::partitions() const { return kPartitions; }
size_t MemoryConversationStore::PartitionOf(std::string_view key) const {
  return impl_->PartitionOf(key);
}
ConversationAdmission MemoryConversationStore::Admit(std::string_view key,
                                                     std::optional<int64_t> time,
                                                     CarrierKeyword keyword) {
  return impl_->Admit(key, time, keyword);
}
Status MemoryConversationStore::Update(std::string_view key,
                                       const std::function<void(ThreadState*)>& update) {
  return impl_->Update(key, update);
}
void MemoryConversationStore::Settle() { impl_->Settle(); }
ConversationStoreStats MemoryConversationStore::stats() const { return impl_->stats(); }

}  // namespace triage
