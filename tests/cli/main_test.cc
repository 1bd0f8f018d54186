// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the `triage` executable's top level: --version, --help on every
// subcommand, usage errors (exit 2).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::ProcessResult;
using test_support::RunTriage;

TEST(MainTest, PrintsVersion) {
  const ProcessResult result = RunTriage({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "triage 0.1.0\n");
  EXPECT_EQ(result.err, "");
}

TEST(MainTest, HelpOnEveryCommand) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"filter", "--help"}, {"check", "--help"}, {"filter", "-h"}}) {
    const ProcessResult result = RunTriage(args);
    EXPECT_EQ(result.exit_code, 0) << args[0];
    EXPECT_NE(result.out.find("Usage"), std::string::npos) << result.out;
  }
  EXPECT_NE(RunTriage({"filter", "--help"}).out.find("--jobs"), std::string::npos);
  EXPECT_NE(RunTriage({"check", "--help"}).out.find("--werror"), std::string::npos);
  EXPECT_NE(RunTriage({"--help"}).out.find("filter"), std::string::npos);
}

TEST(MainTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {}, {"--no-such-flag"}, {"no-such-command"}, {"check", "extra-argument"}}) {
    const ProcessResult result = RunTriage(args);
    EXPECT_EQ(result.exit_code, 2) << (args.empty() ? "(no arguments)" : args[0]);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("triage: error:"), std::string::npos) << result.err;
  }
}

// Without --config or TRIAGE_CONFIG, a build-tree binary finds the source tree's rule pack (or an
// installed copy of it).
TEST(MainTest, FindsTheDefaultRulePack) {
  const ProcessResult by_default = RunTriage({"check"});
  const ProcessResult explicit_pack =
      RunTriage({"check", "--config", std::string(TRIAGE_SOURCE_DIR) + "/rules/triage.yaml"});
  EXPECT_EQ(by_default.exit_code, 0) << by_default.err;
  EXPECT_EQ(by_default.out, explicit_pack.out);
}

}  // namespace
}  // namespace triage
