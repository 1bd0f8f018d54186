// SPDX-License-Identifier: Apache-2.0
// End-to-end test of SIGHUP reload in `triage filter`: a broken edit keeps the old ruleset (and
// says why on stderr); a good one swaps the new ruleset in for the following records.

#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using std::chrono::seconds;
using test_support::ErrorCodeOf;
using test_support::kBasicRules;
using test_support::ProcessResult;
using test_support::RulesetOf;
using test_support::Subprocess;
using test_support::TempRulePack;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;

constexpr const char kRecord[] = "{\"id\":\"r-1\",\"summary\":\"A 13 yo wants to meet up\"}\n";

// Runs the reload scenario with the given extra filter arguments.
void ExpectReloads(const std::vector<std::string>& extra_args) {
  TempRulePack pack;
  Subprocess filter;
  std::vector<std::string> argv = {TriageBinary(), "filter", "--config", pack.config()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  ASSERT_TRUE(filter.Start(argv, TriageProcessOptions()));

  std::string line;
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  const std::string first = RulesetOf(line);
  ASSERT_FALSE(first.empty()) << line;

  // A broken edit: reported, and the old ruleset keeps deciding.
  pack.SetRules("rule broken {\n  when text ~ no_such_pattern\n  urgency +5\n}\n");
  ASSERT_TRUE(filter.Signal(SIGHUP));
  ASSERT_TRUE(filter.WaitForStderr("keeping ruleset", seconds(30))) << filter.err();
  EXPECT_NE(filter.err().find("test.rules:2:15: error: "), std::string::npos) << filter.err();
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  EXPECT_EQ(ErrorCodeOf(line), "");
  EXPECT_EQ(RulesetOf(line), first);

  // A good, different edit: swapped in.
  pack.SetRules(std::string(kBasicRules) + "\nrule extra { when text ~ /meet/ urgency +1 }\n");
  ASSERT_TRUE(filter.Signal(SIGHUP));
  ASSERT_TRUE(filter.WaitForStderr("reloaded ruleset sha256:", seconds(30))) << filter.err();
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  const std::string second = RulesetOf(line);
  EXPECT_FALSE(second.empty()) << line;
  EXPECT_NE(second, first);
  EXPECT_NE(line.find(R"("rule":"extra")"), std::string::npos) << line;
  EXPECT_NE(filter.err().find("reloaded ruleset " + second), std::string::npos) << filter.err();

  const ProcessResult result = filter.Wait(seconds(30));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST(ReloadTest, SighupReloadsRulesLineBuffered) { ExpectReloads({"--line-buffered"}); }

// Without --line-buffered the filter still flushes whenever its input goes idle.
TEST(ReloadTest, SighupReloadsRulesWithWorkers) { ExpectReloads({"--jobs", "4"}); }

TEST(ReloadTest, SighupWithNoChangeKeepsTheDigest) {
  TempRulePack pack;
  Subprocess filter;
  ASSERT_TRUE(
      filter.Start({TriageBinary(), "filter", "--config", pack.config()}, TriageProcessOptions()));
  std::string line;
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30)));
  const std::string first = RulesetOf(line);
  ASSERT_TRUE(filter.Signal(SIGHUP));
  ASSERT_TRUE(filter.WaitForStderr("reloaded ruleset " + first, seconds(30))) << filter.err();
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30)));
  EXPECT_EQ(RulesetOf(line), first);
  EXPECT_EQ(filter.Wait(seconds(30)).exit_code, 0);
}

// Issue 13, defect 1: a rule file nested 10,000 levels deep used to overflow the stack and kill
// the running filter on reload. It is now a too-deep error like any broken edit: reported, and
// the old ruleset keeps deciding.
TEST(ReloadTest, SighupWithADeeplyNestedFileKeepsTheRuleset) {
  TempRulePack pack;
  Subprocess filter;
  ASSERT_TRUE(
      filter.Start({TriageBinary(), "filter", "--config", pack.config()}, TriageProcessOptions()));
  std::string line;
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  const std::string first = RulesetOf(line);
  ASSERT_FALSE(first.empty()) << line;

  std::string deep = "rule deep {\n  when ";
  for (int i = 0; i < 10000; ++i) deep += "not (";
  deep += "text ~ /meet/";
  for (int i = 0; i < 10000; ++i) deep += ")";
  pack.SetRules(std::string(kBasicRules) + deep + "\n  urgency +5\n}\n");
  ASSERT_TRUE(filter.Signal(SIGHUP));
  ASSERT_TRUE(filter.WaitForStderr("keeping ruleset", seconds(30))) << filter.err();
  EXPECT_NE(filter.err().find("[too-deep]"), std::string::npos) << filter.err();
  ASSERT_TRUE(filter.Write(kRecord));
  ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << filter.err();
  EXPECT_EQ(ErrorCodeOf(line), "");
  EXPECT_EQ(RulesetOf(line), first);

  const ProcessResult result = filter.Wait(seconds(30));
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

}  // namespace
}  // namespace triage
