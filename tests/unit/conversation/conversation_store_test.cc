// SPDX-License-Identifier: Apache-2.0
// Tests of the conversation stores (triage/conversation_store.h), written against the interface
// so that every implementation runs the same suite (one today: MemoryConversationStore): a state
// comes back as it was left, the least recently used conversation lets go of its texts first and
// its next message is told context_lost, keys beyond max_remembered are forgotten but their
// opt-outs kept (within a second bound, past which they are counted), a new config's bounds apply
// at once, and a parallel driver's order of updates gives the same admissions and states as one
// message at a time.
#include "triage/conversation_store.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"
#include "triage/decision.h"

namespace triage {
namespace {

// Makes a store of the implementation under test; `name` names the test instances.
struct StoreFactory {
  const char* name;
  std::unique_ptr<ConversationStore> (*make)(const ConversationConfig&);
  std::unique_ptr<ConversationStore> operator()(const ConversationConfig& config) const {
    return make(config);
  }
};

// Printed as its name (not as an address, which would change the test's name from run to run).
void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

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

  // One message of `key` with text `text`, as a driver that scans one at a time gives it: admit,
  // update (the conversation opens, or continues with one more text; a stop ends it), settle.
  // Returns the admission.
  static ConversationAdmission Touch(ConversationStore* store, const std::string& key,
                                     const std::string& text, int64_t time, bool stop = false) {
    const ConversationAdmission admission =
        store->Admit(key, time, stop ? CarrierKeyword::kStop : CarrierKeyword::kNone);
    EXPECT_TRUE(
        store
            ->Update(key,
                     [&](ThreadState* state) { Apply(state, admission, key, text, time, stop); })
            .ok());
    store->Settle();
    return admission;
  }

  static void Apply(ThreadState* state, const ConversationAdmission& admission,
                    const std::string& key, const std::string& text, int64_t time, bool stop) {
    if (admission.forgotten) *state = ThreadState();
    if (admission.opted_out) state->opted_out = true;
    if (admission.context_lost) state->texts.clear();
    if (state->id.empty()) state->id = key + "@" + std::to_string(time);
    ++state->messages;
    state->last_at = time;
    state->texts.push_back(text);
    if (stop) {
      state->ended = true;
      state->opted_out = true;
      state->texts.clear();
    }
  }

  // Returns a copy of the state of `key` (a fresh one if the store has none). A look is no use:
  // it is not admitted.
  static ThreadState Peek(ConversationStore* store, const std::string& key) {
    ThreadState copy;
    EXPECT_TRUE(store->Update(key, [&](ThreadState* state) { copy = *state; }).ok());
    return copy;
  }
};

TEST_P(ConversationStoreTest, KeepsWhatAnUpdateLeaves) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(10));
  Touch(store.get(), "c-1", "im at a motel", 1);
  const ConversationAdmission second = Touch(store.get(), "c-1", "room 12", 2);
  EXPECT_FALSE(second.context_lost);
  EXPECT_FALSE(second.forgotten);
  const ThreadState state = Peek(store.get(), "c-1");
  EXPECT_EQ(state.id, "c-1@1");
  EXPECT_EQ(state.messages, 2U);
  EXPECT_EQ(state.texts, (std::deque<std::string>{"im at a motel", "room 12"}));
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
  EXPECT_EQ(stats.peak_open, 2U);
  EXPECT_EQ(stats.remembered, 3U);
  EXPECT_EQ(stats.text_bytes, 12U);  // b's text is gone
  const ThreadState b = Peek(store.get(), "b");
  EXPECT_TRUE(b.texts.empty());
  EXPECT_EQ(b.id, "b@2");  // remembered, without its texts
  EXPECT_EQ(Peek(store.get(), "a").texts.size(), 2U);
  EXPECT_TRUE(Touch(store.get(), "b", "five", 5).context_lost);
  EXPECT_FALSE(Touch(store.get(), "b", "six", 6).context_lost);  // said once
}

TEST_P(ConversationStoreTest, AnEndedConversationHoldsNoPlace) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(1));
  Touch(store.get(), "a", "one", 1, /*stop=*/true);
  Touch(store.get(), "b", "two", 2);
  EXPECT_EQ(store->stats().evicted, 0U);
  EXPECT_TRUE(Peek(store.get(), "a").opted_out);
  EXPECT_FALSE(Touch(store.get(), "a", "three", 3).context_lost);
}

TEST_P(ConversationStoreTest, KeysBeyondTheLimitAreForgottenButTheirOptOutsKept) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(1, 2));
  Touch(store.get(), "a", "stop", 1, /*stop=*/true);
  Touch(store.get(), "b", "two", 2);
  Touch(store.get(), "c", "three", 3);  // a, the least recently used key, is forgotten
  ConversationStoreStats stats = store->stats();
  EXPECT_EQ(stats.forgotten, 1U);
  EXPECT_EQ(stats.opt_outs_held, 1U);
  EXPECT_EQ(stats.opt_outs_forgotten, 0U);
  EXPECT_EQ(stats.remembered, 2U);
  // Once settled, a forgotten key is unknown: its next message finds it new, but opted out.
  const ConversationAdmission again = Touch(store.get(), "a", "four", 4);
  EXPECT_FALSE(again.context_lost);
  EXPECT_TRUE(again.opted_out);
  EXPECT_TRUE(Peek(store.get(), "a").opted_out);
  EXPECT_EQ(Peek(store.get(), "a").messages, 1U);
  EXPECT_EQ(store->stats().opt_outs_held, 0U);  // a is remembered again, its opt-out with it
  // A key that had not opted out comes back as new.
  Touch(store.get(), "d", "five", 5);  // b is forgotten
  const ConversationAdmission b = Touch(store.get(), "b", "six", 6);
  EXPECT_FALSE(b.opted_out);
  EXPECT_FALSE(Peek(store.get(), "b").opted_out);
}

TEST_P(ConversationStoreTest, AStartLetsTheOptOutGoBeforeTheKeyIsForgotten) {
  std::unique_ptr<ConversationStore> store = GetParam()(Config(1, 1));
  Touch(store.get(), "a", "stop", 1, /*stop=*/true);
  ASSERT_EQ(store->Admit("a", 2, CarrierKeyword::kStart).opted_out, false);
  ASSERT_TRUE(store->Update("a", [](ThreadState* state) { state->opted_out = false; }).ok());
  store->Settle();
  Touch(store.get(), "b", "two", 3);  // a is forgotten, opted back in
  EXPECT_EQ(store->stats().opt_outs_held, 0U);
  EXPECT_FALSE(Touch(store.get(), "a", "three", 4).opted_out);
}

TEST_P(ConversationStoreTest, OptOutsBeyondTheSecondBoundAreLostAndCounted) {
  // One key remembered, one forgotten opt-out kept: the oldest opt-out goes.
  std::unique_ptr<ConversationStore> store = GetParam()(Config(1, 1));
  Touch(store.get(), "a", "stop", 1, /*stop=*/true);
  Touch(store.get(), "b", "stop", 2, /*stop=*/true);  // a forgotten: its opt-out kept
  Touch(store.get(), "c", "three", 3);                // b forgotten: a's opt-out lost
  const ConversationStoreStats stats = store->stats();
  EXPECT_EQ(stats.forgotten, 2U);
  EXPECT_EQ(stats.opt_outs_held, 1U);
  EXPECT_EQ(stats.opt_outs_forgotten, 1U);
  EXPECT_TRUE(Touch(store.get(), "b", "four", 4).opted_out);
  EXPECT_FALSE(Touch(store.get(), "a", "five", 5).opted_out);
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
  EXPECT_FALSE(Touch(store.get(), "c", "four", 4).context_lost);
  EXPECT_TRUE(Touch(store.get(), "a", "five", 5).context_lost);
}

TEST_P(ConversationStoreTest, OnlyTheOrderOfAdmissionsDecides) {
  // The same 3,000 messages over 800 keys, 300 held and 500 remembered at most, given two ways:
  // one at a time, and as a parallel driver gives them — 64 admitted in order, then updated
  // partition by partition (last partition first), then settled. Every message is told the same
  // (context lost or not) and the final states are the same. (`forgotten` is an instruction, not
  // a verdict: a key forgotten and settled is simply new, one forgotten and re-admitted before
  // the store settled is told to start afresh.)
  struct Message {
    std::string key;
    std::string text;
    bool stop;
  };
  std::vector<Message> messages;
  std::mt19937 random(7);
  for (int i = 0; i < 3000; ++i) {
    messages.push_back(
        {"k" + std::to_string(random() % 800), "m" + std::to_string(i), random() % 20 == 0});
  }
  const ConversationConfig config = Config(300, 500);
  std::unique_ptr<ConversationStore> serial = GetParam()(config);
  std::unique_ptr<ConversationStore> batched = GetParam()(config);
  std::vector<std::string> serial_admissions;
  std::vector<std::string> batched_admissions(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    const ConversationAdmission a = Touch(serial.get(), messages[i].key, messages[i].text,
                                          static_cast<int64_t>(i), messages[i].stop);
    serial_admissions.push_back(std::string(a.context_lost ? "L" : "") + (a.opted_out ? "O" : ""));
  }
  for (size_t begin = 0; begin < messages.size(); begin += 64) {
    const size_t end = std::min(messages.size(), begin + 64);
    std::vector<ConversationAdmission> admissions;
    for (size_t i = begin; i < end; ++i) {
      admissions.push_back(
          batched->Admit(messages[i].key, static_cast<int64_t>(i),
                         messages[i].stop ? CarrierKeyword::kStop : CarrierKeyword::kNone));
      const ConversationAdmission& a = admissions.back();
      batched_admissions[i] = std::string(a.context_lost ? "L" : "") + (a.opted_out ? "O" : "");
    }
    for (size_t p = batched->partitions(); p-- > 0;) {
      for (size_t i = begin; i < end; ++i) {
        if (batched->PartitionOf(messages[i].key) != p) continue;
        ASSERT_TRUE(batched
                        ->Update(messages[i].key,
                                 [&](ThreadState* state) {
                                   Apply(state, admissions[i - begin], messages[i].key,
                                         messages[i].text, static_cast<int64_t>(i),
                                         messages[i].stop);
                                 })
                        .ok());
      }
    }
    batched->Settle();
  }
  EXPECT_EQ(batched_admissions, serial_admissions);
  EXPECT_NE(std::count(serial_admissions.begin(), serial_admissions.end(), "L"), 0);
  EXPECT_NE(std::count(serial_admissions.begin(), serial_admissions.end(), "O"), 0);
  EXPECT_NE(serial->stats().forgotten, 0U);
  EXPECT_EQ(serial->stats().forgotten, batched->stats().forgotten);
  for (int k = 0; k < 800; ++k) {
    const std::string key = "k" + std::to_string(k);
    const ThreadState a = Peek(serial.get(), key);
    const ThreadState b = Peek(batched.get(), key);
    EXPECT_EQ(a.texts, b.texts) << key;
    EXPECT_EQ(a.messages, b.messages) << key;
    EXPECT_EQ(a.opted_out, b.opted_out) << key;
  }
  EXPECT_EQ(serial->stats().opt_outs_held, batched->stats().opt_outs_held);
  EXPECT_EQ(serial->stats().evicted, batched->stats().evicted);
  EXPECT_EQ(serial->stats().text_bytes, batched->stats().text_bytes);
  EXPECT_LE(serial->stats().open, 600U);
}

INSTANTIATE_TEST_SUITE_P(Memory, ConversationStoreTest,
                         ::testing::Values(StoreFactory{"memory", &MakeMemoryStore}));

}  // namespace
}  // namespace triage
