// SPDX-License-Identifier: Apache-2.0
// Tests of Engine: the live ruleset, reloads that fail (old ruleset kept) or succeed (swapped,
// generation counted), and readers racing a reloading thread (each sees a whole ruleset).
#include "triage/engine.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {
namespace {

constexpr const char* kOneRule = R"(
rule help_keyword { when text ~ /\bhelp\b/i  urgency +10 }
)";

constexpr const char* kTwoRules = R"(
rule help_keyword { when text ~ /\bhelp\b/i  urgency +10 }
rule tonight { when text ~ /\btonight\b/i  urgency +20 }
)";

constexpr const char* kBroken = R"(
rule broken { when text ~ /(unclosed/  urgency +10 }
)";

class EngineTest : public ::testing::Test {
 protected:
  // Compiles `rules` with the default config. The SourceManager is kept alive for the test.
  Result<RuleSet> Compile(const std::string& rules) {
    sources_.push_back(std::make_unique<SourceManager>());
    Diagnostics diagnostics;
    return CompileRuleSet(sources_.back().get(), "", {{"test.rules", rules}}, LoadOptions{},
                          &diagnostics);
  }

  RuleSet MustCompile(const std::string& rules) {
    Result<RuleSet> result = Compile(rules);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return std::move(result).value();
  }

  std::vector<std::unique_ptr<SourceManager>> sources_;
};

TEST_F(EngineTest, CurrentReturnsInitialRuleSet) {
  const RuleSet initial = MustCompile(kOneRule);
  Engine engine(initial);
  EXPECT_EQ(engine.current().digest(), initial.digest());
  EXPECT_EQ(engine.current().rule_count(), 1U);
  EXPECT_EQ(engine.generation(), 0U);
}

TEST_F(EngineTest, FailedReloadKeepsOldRuleSet) {
  const RuleSet initial = MustCompile(kOneRule);
  Engine engine(initial);
  const Status status = engine.Reload([this] { return Compile(kBroken); });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << status.ToString();
  EXPECT_EQ(engine.current().digest(), initial.digest());
  EXPECT_EQ(engine.generation(), 0U);
}

TEST_F(EngineTest, FailedReloadReturnsLoaderStatus) {
  Engine engine(MustCompile(kOneRule));
  const Status status =
      engine.Reload([]() -> Result<RuleSet> { return Status::NotFound("no triage.yaml"); });
  EXPECT_EQ(status.ToString(), "NotFound: no triage.yaml");
  EXPECT_EQ(engine.generation(), 0U);
}

TEST_F(EngineTest, SuccessfulReloadSwapsAndCountsGeneration) {
  const RuleSet initial = MustCompile(kOneRule);
  Engine engine(initial);
  const RuleSet before = engine.current();
  const Status status = engine.Reload([this] { return Compile(kTwoRules); });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_NE(engine.current().digest(), initial.digest());
  EXPECT_EQ(engine.current().rule_count(), 2U);
  EXPECT_EQ(engine.generation(), 1U);
  // A copy taken before the reload stays usable and unchanged.
  EXPECT_EQ(before.digest(), initial.digest());
  EXPECT_EQ(before.rule_count(), 1U);
}

TEST_F(EngineTest, SwapReplacesRuleSet) {
  Engine engine(MustCompile(kOneRule));
  const RuleSet next = MustCompile(kTwoRules);
  engine.Swap(next);
  EXPECT_EQ(engine.current().digest(), next.digest());
  EXPECT_EQ(engine.generation(), 1U);
}

TEST_F(EngineTest, ConcurrentReadersSeeWholeRuleSets) {
  const RuleSet one = MustCompile(kOneRule);
  const RuleSet two = MustCompile(kTwoRules);
  ASSERT_NE(one.digest(), two.digest());
  Engine engine(one);

  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  readers.reserve(4);
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const RuleSet seen = engine.current();
        const bool is_one = seen.digest() == one.digest() && seen.rule_count() == 1;
        const bool is_two = seen.digest() == two.digest() && seen.rule_count() == 2;
        if (!is_one && !is_two) bad.fetch_add(1);
        reads.fetch_add(1);
      }
    });
  }
  // Each reload waits until the readers have made progress since the previous one, so reads and
  // swaps really interleave however the threads are scheduled (no timing involved).
  constexpr int kReloads = 50;
  for (int i = 0; i < kReloads; ++i) {
    const int64_t before = reads.load();
    while (reads.load() < before + 4) std::this_thread::yield();
    const RuleSet& next = (i % 2 == 0) ? two : one;
    ASSERT_TRUE(engine.Reload([&next]() -> Result<RuleSet> { return next; }).ok());
  }
  stop.store(true);
  for (std::thread& reader : readers) reader.join();

  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(engine.generation(), static_cast<uint64_t>(kReloads));
  EXPECT_EQ(engine.current().digest(), one.digest());
}

TEST_F(EngineTest, ConcurrentReloadsAreSerialised) {
  const RuleSet one = MustCompile(kOneRule);
  Engine engine(one);
  std::atomic<int> inside{0};
  std::atomic<int> overlap{0};
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&] {
      for (int j = 0; j < 20; ++j) {
        const Status status = engine.Reload([&]() -> Result<RuleSet> {
          if (inside.fetch_add(1) != 0) overlap.fetch_add(1);
          std::this_thread::yield();
          inside.fetch_sub(1);
          return one;
        });
        EXPECT_TRUE(status.ok());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(overlap.load(), 0);
  EXPECT_EQ(engine.generation(), 80U);
}

}  // namespace
}  // namespace triage
