// SPDX-License-Identifier: Apache-2.0
// The in-memory conversation store (conversation_store.h).
//
// Each partition is a hash map from key to node and two least-recently-used lists threaded
// through the nodes: `held`, the conversations that are open as far as the store knows (not ended
// by a stop keyword), bounded by the partition's share of max_open; and `keys`, every key the
// partition remembers, bounded by its share of max_remembered. An update moves its node to the
// front of both. When `held` is over its bound, the conversation at its back lets go of its texts
// and is marked context_lost, so that its next message (if it continues the conversation) says
// so; its decision and times stay, so the conversation's urgency still never drops. When `keys`
// is over its bound, the key at its back is forgotten altogether, an opt-out with it (counted:
// the messaging platform's opt-out list, not this cache, is the record of opt-outs).
//
// A conversation let go after its idle timeout had already passed (against the latest time its
// partition has seen) is counted apart (evicted_idle): its next message opens a new conversation
// anyway, so nothing was lost.
//
// Partitions: max_open / 256 of them, at least 1 and at most 16, chosen by FNV-1a of the key. The
// number depends only on the config, never on the thread count; when a new config changes it
// (Configure), the nodes are moved into the new partitions in a fixed order (old partition by
// old partition, least recently used first), so the result is deterministic too.
#include "triage/conversation_store.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
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

constexpr size_t kConversationsPerPartition = 256;
constexpr size_t kMaxPartitions = 16;

size_t PartitionCount(const ConversationConfig& config) {
  return std::clamp<size_t>(config.max_open / kConversationsPerPartition, 1, kMaxPartitions);
}

// Partition p's share of `total` over `count` partitions (the shares add up to total).
size_t Share(size_t total, size_t count, size_t p) {
  return total / count + (p < total % count ? 1 : 0);
}

uint64_t Fnv1a(std::string_view key) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

struct Node {
  const std::string* key = nullptr;  // the map's key (stable: the map is node-based)
  ThreadState state;
  bool held = false;
  std::list<Node*>::iterator held_at;
  std::list<Node*>::iterator key_at;
};

struct Totals {
  uint64_t evicted = 0;
  uint64_t evicted_idle = 0;
  uint64_t forgotten = 0;
  uint64_t opt_outs_forgotten = 0;
  uint64_t peak_open = 0;
};

class Partition {
 public:
  Partition(size_t max_held, size_t max_keys, int64_t idle_micros)
      : max_held_(std::max<size_t>(max_held, 1)),
        max_keys_(std::max<size_t>(max_keys, 1)),
        idle_micros_(idle_micros) {}

  std::mutex& mutex() { return mutex_; }

  void Update(std::string_view key, std::optional<int64_t> time,
              const std::function<void(ThreadState*)>& update) {
    if (time.has_value()) watermark_ = std::max(watermark_.value_or(*time), *time);
    auto found = nodes_.find(std::string(key));
    if (found == nodes_.end()) {
      found = nodes_.emplace(std::string(key), Node()).first;
      Node& node = found->second;
      node.key = &found->first;
      keys_.push_front(&node);
      node.key_at = keys_.begin();
    } else {
      keys_.splice(keys_.begin(), keys_, found->second.key_at);
    }
    Node& node = found->second;
    text_bytes_ -= node.state.text_bytes();
    update(&node.state);
    text_bytes_ += node.state.text_bytes();
    if (node.state.id.empty() && !node.state.opted_out) {
      Forget(found);
      return;
    }
    Hold(&node, !node.state.ended);
    MakeRoom(&node);
  }

  // Inserts a node moved from another partition, as the most recently used.
  void Adopt(std::string key, ThreadState state, bool held) {
    auto inserted = nodes_.emplace(std::move(key), Node()).first;
    Node& node = inserted->second;
    node.key = &inserted->first;
    node.state = std::move(state);
    text_bytes_ += node.state.text_bytes();
    keys_.push_front(&node);
    node.key_at = keys_.begin();
    Hold(&node, held);
  }

  // Moves every node out, least recently used first, calling `take(key, state, held)`.
  void Drain(const std::function<void(std::string, ThreadState, bool)>& take) {
    for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
      Node* node = *it;
      take(*node->key, std::move(node->state), node->held);
    }
    keys_.clear();
    held_.clear();
    nodes_.clear();
    text_bytes_ = 0;
  }

  void SetLimits(size_t max_held, size_t max_keys, int64_t idle_micros) {
    max_held_ = std::max<size_t>(max_held, 1);
    max_keys_ = std::max<size_t>(max_keys, 1);
    idle_micros_ = idle_micros;
    MakeRoom(nullptr);
  }

  std::optional<int64_t> watermark() const { return watermark_; }
  void set_watermark(std::optional<int64_t> watermark) { watermark_ = watermark; }
  size_t held() const { return held_.size(); }
  size_t keys() const { return nodes_.size(); }
  uint64_t text_bytes() const { return text_bytes_; }
  const Totals& totals() const { return totals_; }

 private:
  void Hold(Node* node, bool held) {
    if (held && node->held) {
      held_.splice(held_.begin(), held_, node->held_at);
    } else if (held) {
      held_.push_front(node);
      node->held_at = held_.begin();
      node->held = true;
      totals_.peak_open = std::max<uint64_t>(totals_.peak_open, held_.size());
    } else if (node->held) {
      held_.erase(node->held_at);
      node->held = false;
    }
  }

  // Lets go of the least recently used conversations and keys beyond the bounds, never `keep`
  // (the one just updated).
  void MakeRoom(const Node* keep) {
    while (held_.size() > max_held_ && held_.back() != keep) {
      Node* victim = held_.back();
      ++totals_.evicted;
      const ThreadState& state = victim->state;
      if (watermark_.has_value() && state.last_at.has_value() &&
          *watermark_ - *state.last_at >= idle_micros_) {
        ++totals_.evicted_idle;
      }
      text_bytes_ -= victim->state.text_bytes();
      victim->state.texts.clear();
      victim->state.texts.shrink_to_fit();
      victim->state.context_lost = true;
      Hold(victim, false);
    }
    while (nodes_.size() > max_keys_ && keys_.back() != keep) {
      auto victim = nodes_.find(*keys_.back()->key);
      ++totals_.forgotten;
      if (victim->second.state.opted_out) ++totals_.opt_outs_forgotten;
      if (victim->second.held) ++totals_.evicted;
      Forget(victim);
    }
  }

  void Forget(std::unordered_map<std::string, Node>::iterator it) {
    Node& node = it->second;
    text_bytes_ -= node.state.text_bytes();
    Hold(&node, false);
    keys_.erase(node.key_at);
    nodes_.erase(it);
  }

  std::mutex mutex_;
  size_t max_held_;
  size_t max_keys_;
  int64_t idle_micros_;
  std::unordered_map<std::string, Node> nodes_;
  std::list<Node*> held_;  // most recently used first
  std::list<Node*> keys_;  // most recently used first
  std::optional<int64_t> watermark_;
  uint64_t text_bytes_ = 0;
  Totals totals_;
};

}  // namespace

class MemoryConversationStore::Impl {
 public:
  explicit Impl(const ConversationConfig& config) { Build(config); }

  void Build(const ConversationConfig& config) {
    config_ = config;
    const size_t count = PartitionCount(config);
    partitions_.clear();
    for (size_t p = 0; p < count; ++p) {
      partitions_.push_back(std::make_unique<Partition>(Share(config.max_open, count, p),
                                                        Share(config.remembered_limit(), count, p),
                                                        config.idle_timeout_seconds * 1000000));
    }
  }

  void Configure(const ConversationConfig& config) {
    const size_t count = PartitionCount(config);
    if (count == partitions_.size()) {
      config_ = config;
      for (size_t p = 0; p < count; ++p) {
        partitions_[p]->SetLimits(Share(config.max_open, count, p),
                                  Share(config.remembered_limit(), count, p),
                                  config.idle_timeout_seconds * 1000000);
      }
      return;
    }
    // Re-partition: every node moves, in a fixed order, with the limits of the new config
    // applied once all are in. The counts carry over.
    std::vector<std::unique_ptr<Partition>> old = std::move(partitions_);
    Totals carried;
    std::optional<int64_t> watermark;
    for (const auto& partition : old) {
      const Totals& t = partition->totals();
      carried.evicted += t.evicted;
      carried.evicted_idle += t.evicted_idle;
      carried.forgotten += t.forgotten;
      carried.opt_outs_forgotten += t.opt_outs_forgotten;
      carried.peak_open += t.peak_open;
      if (partition->watermark().has_value()) {
        watermark = std::max(watermark.value_or(*partition->watermark()), *partition->watermark());
      }
    }
    carried_.evicted += carried.evicted;
    carried_.evicted_idle += carried.evicted_idle;
    carried_.forgotten += carried.forgotten;
    carried_.opt_outs_forgotten += carried.opt_outs_forgotten;
    carried_.peak_open = std::max(carried_.peak_open, carried.peak_open);
    // Unbounded while filling, then bounded.
    for (size_t p = 0; p < count; ++p) {
      partitions_.push_back(std::make_unique<Partition>(SIZE_MAX / 2, SIZE_MAX / 2,
                                                        config.idle_timeout_seconds * 1000000));
      partitions_.back()->set_watermark(watermark);
    }
    config_ = config;
    for (const auto& partition : old) {
      partition->Drain([this](std::string key, ThreadState state, bool held) {
        partitions_[PartitionOf(key)]->Adopt(std::move(key), std::move(state), held);
      });
    }
    for (size_t p = 0; p < count; ++p) {
      partitions_[p]->SetLimits(Share(config.max_open, count, p),
                                Share(config.remembered_limit(), count, p),
                                config.idle_timeout_seconds * 1000000);
    }
  }

  size_t PartitionOf(std::string_view key) const { return Fnv1a(key) % partitions_.size(); }

  Status Update(std::string_view key, std::optional<int64_t> time,
                const std::function<void(ThreadState*)>& update) {
    Partition& partition = *partitions_[PartitionOf(key)];
    std::lock_guard<std::mutex> lock(partition.mutex());
    partition.Update(key, time, update);
    return Status::Ok();
  }

  ConversationStoreStats stats() const {
    ConversationStoreStats stats;
    stats.evicted = carried_.evicted;
    stats.evicted_idle = carried_.evicted_idle;
    stats.forgotten = carried_.forgotten;
    stats.opt_outs_forgotten = carried_.opt_outs_forgotten;
    uint64_t peak = 0;
    for (const auto& partition : partitions_) {
      std::lock_guard<std::mutex> lock(partition->mutex());
      stats.open += partition->held();
      stats.remembered += partition->keys();
      stats.text_bytes += partition->text_bytes();
      const Totals& t = partition->totals();
      stats.evicted += t.evicted;
      stats.evicted_idle += t.evicted_idle;
      stats.forgotten += t.forgotten;
      stats.opt_outs_forgotten += t.opt_outs_forgotten;
      peak += t.peak_open;
    }
    // Each partition's peak may come at a different moment: their sum bounds the true peak,
    // which is at most max_open.
    stats.peak_open = std::min<uint64_t>(std::max(peak, carried_.peak_open), config_.max_open);
    stats.peak_open = std::max<uint64_t>(stats.peak_open, stats.open);
    stats.partitions = partitions_.size();
    return stats;
  }

  size_t partitions() const { return partitions_.size(); }

 private:
  ConversationConfig config_;
  std::vector<std::unique_ptr<Partition>> partitions_;
  Totals carried_;  // counts of partitions replaced by a re-partition
};

MemoryConversationStore::MemoryConversationStore(const ConversationConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}
MemoryConversationStore::~MemoryConversationStore() = default;

void MemoryConversationStore::Configure(const ConversationConfig& config) {
  impl_->Configure(config);
}
size_t MemoryConversationStore::partitions() const { return impl_->partitions(); }
size_t MemoryConversationStore::PartitionOf(std::string_view key) const {
  return impl_->PartitionOf(key);
}
Status MemoryConversationStore::Update(std::string_view key, std::optional<int64_t> time,
                                       const std::function<void(ThreadState*)>& update) {
  return impl_->Update(key, time, update);
}
ConversationStoreStats MemoryConversationStore::stats() const { return impl_->stats(); }

}  // namespace triage
