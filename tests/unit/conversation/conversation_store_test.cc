// SPDX-License-Identifier: Apache-2.0
// Tests of the conversation stores (triage/conversation_store.h), written against the interface
// so that every implementation runs the same suite (one today: MemoryConversationStore): a state
// comes back as it was left, the least recently used conversation lets go of its texts first and
// is marked context_lost, keys beyond max_remembered are forgotten (opt-outs counted), a new
// config's bounds apply at once, and re-partitioning gives the same result whatever the order in
// which the keys' partitions were filled.
#include "triage/conversation_store.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"

namespace triage {
namespace {

// Makes a store of the implementation under test.
using StoreFactory = std::unique_ptr<ConversationStore> (*)(const ConversationConfig&);

std::unique_ptr<ConversationStore> MakeMemoryStore(const ConversationConfig& config) {
  return std::make_unique<MemoryConversationStore>(config);
}

class ConversationStoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  static ConversationConfig Config(size_t max_open, size_t max_remembered = 0) {
    ConversationConfig config;
    config.max_open = max_open;
    config.max_remembered = max_remembered;
    return config;
  }

  // Opens (or continues) the conversation of `key` with one message of text `text`.
  static void Touch(ConversationStore* store, const std::string& key, const std::string& text,
                    int64_t time, bool stop = false) {
    ASSERT_TRUE(store
                    ->Update(key, time,
                             [&](ThreadState* state) {
                               if (state->id.empty()) state->id = key + "@" + std::to_string(time);
                               ++state->messages;
                               state->last_at = time;
                               state->texts.push_back(text);
                               if (stop) {
                                 state->ended = true;
                                 state->opted_out = true;
                                 state->texts.clear();
                               }
                             })
                    .ok());
  }

  // Returns a copy of the state of `key` (a fresh one if the store has none), leaving it as is
  // but for being the most recently used.
  static ThreadState Peek(ConversationStore* store, const std::string& key) {
    ThreadState copy;
    EXPECT_TRUE(store->Update(key, std::nullopt, [&](ThreadState* state) { copy = *state; }).ok());
    return copy;
  }
};

TEST_P(ConversationStoreTest, KeepsWhatAnUpdateLeaves) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(10));
  Touch(store.get(), "c-1", "im at a motel", 1);
  Touch(store.get(), "c-1", "room 12", 2);
  const ThreadState state = Peek(store.get(), "c-1");
  EXPECT_EQ(state.id, "c-1@1");
  EXPECT_EQ(state.messages, 2U);
  EXPECT_EQ(state.texts, (std::deque<std::string>{"im at a motel", "room 12"}));
  EXPECT_FALSE(state.context_lost);
  EXPECT_EQ(store->stats().text_bytes, 20U);
  EXPECT_EQ(store->stats().open, 1U);
}

TEST_P(ConversationStoreTest, TheLeastRecentlyUsedConversationLetsGoFirst) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(2));
  Touch(store.get(), "a", "one", 1);
  Touch(store.get(), "b", "two", 2);
  Touch(store.get(), "a", "three", 3);  // b is now the least recently used
  Touch(store.get(), "c", "four", 4);
  const ConversationStoreStats stats = store->stats();
  EXPECT_EQ(stats.evicted, 1U);
  EXPECT_EQ(stats.open, 2U);
  EXPECT_EQ(stats.remembered, 3U);
  // (A look is a use: it comes after the counts.)
  const ThreadState a = Peek(store.get(), "a");
  EXPECT_FALSE(a.context_lost);
  EXPECT_EQ(a.texts.size(), 2U);
  const ThreadState b = Peek(store.get(), "b");
  EXPECT_TRUE(b.context_lost);
  EXPECT_TRUE(b.texts.empty());
  EXPECT_EQ(b.id, "b@2");  // remembered, without its texts
  EXPECT_EQ(b.messages, 1U);
}

TEST_P(ConversationStoreTest, AnEndedConversationHoldsNoPlace) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(1));
  Touch(store.get(), "a", "one", 1, /*stop=*/true);
  Touch(store.get(), "b", "two", 2);
  EXPECT_EQ(store->stats().evicted, 0U);
  EXPECT_TRUE(Peek(store.get(), "a").opted_out);
}

TEST_P(ConversationStoreTest, KeysBeyondTheLimitAreForgottenAndOptOutsCounted) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(1, 2));
  Touch(store.get(), "a", "stop", 1, /*stop=*/true);
  Touch(store.get(), "b", "two", 2);
  Touch(store.get(), "c", "three", 3);  // a, the least recently used key, is forgotten
  const ConversationStoreStats stats = store->stats();
  EXPECT_EQ(stats.forgotten, 1U);
  EXPECT_EQ(stats.opt_outs_forgotten, 1U);
  EXPECT_EQ(stats.remembered, 2U);
  EXPECT_FALSE(Peek(store.get(), "a").opted_out);
}

TEST_P(ConversationStoreTest, AConversationLetGoWhenIdleIsCountedApart) {
  ConversationConfig config = Config(1);
  config.idle_timeout_seconds = 60;
  std::unique_ptr<ConversationStore> store = GetParam()(config);
  Touch(store.get(), "a", "one", 0);
  Touch(store.get(), "b", "two", 60 * 1000000);    // a was idle for the whole timeout
  Touch(store.get(), "a", "three", 61 * 1000000);  // b was not
  const ConversationStoreStats stats = store->stats();
  EXPECT_EQ(stats.evicted, 2U);
  EXPECT_EQ(stats.evicted_idle, 1U);
}

TEST_P(ConversationStoreTest, ANewConfigAppliesItsBoundsAtOnce) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(3));
  Touch(store.get(), "a", "one", 1);
  Touch(store.get(), "b", "two", 2);
  Touch(store.get(), "c", "three", 3);
  store->Configure(Config(1));
  EXPECT_EQ(store->stats().open, 1U);
  EXPECT_FALSE(Peek(store.get(), "c").context_lost);
  EXPECT_TRUE(Peek(store.get(), "a").context_lost);
}

TEST_P(ConversationStoreTest, RepartitioningIsDeterministic) {
  // 4096 conversations: 16 partitions; then 512: 2 partitions. Two stores given the same
  // messages end with the same states.
  const auto run = [](ConversationStore* store) {
    for (int i = 0; i < 3000; ++i) {
      Touch(store, "k" + std::to_string(i % 700), "m" + std::to_string(i), i);
    }
    store->Configure(Config(512));
    std::vector<std::string> seen;
    for (int k = 0; k < 700; ++k) {
      const ThreadState state = Peek(store, "k" + std::to_string(k));
      seen.push_back(std::to_string(state.texts.size()) + (state.context_lost ? "L" : ""));
    }
    return seen;
  };
  std::unique_ptr<ConversationStore> first = GetParam()(Config(4096));
  std::unique_ptr<ConversationStore> second = GetParam()(Config(4096));
  EXPECT_EQ(first->partitions(), 16U);
  const std::vector<std::string> a = run(first.get());
  const std::vector<std::string> b = run(second.get());
  EXPECT_EQ(a, b);
  EXPECT_EQ(first->partitions(), 2U);
  EXPECT_LE(first->stats().open, 512U);
}

INSTANTIATE_TEST_SUITE_P(Memory, ConversationStoreTest, ::testing::Values(&MakeMemoryStore));

}  // namespace
}  // namespace triage
