// SPDX-License-Identifier: Apache-2.0
// Every input a fuzzer once crashed or hung on (tests/fuzz/regressions/<target>/), replayed in the
// normal build through the real executable, the way the fuzz target feeds it to the library:
// a rule file to `triage check`, a config to `triage check --config`, JSON Lines to `triage
// filter` under the shipped pack. Each must end on its own (no signal, no timeout) with a
// reported outcome (exit 0 or 1), and the filter must keep one output line per input line. The
// fuzz build replays the same files under the sanitizers (tests/fuzz/run.sh).
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::ProcessOptions;
using test_support::ProcessResult;
using test_support::RunProcess;
using test_support::TempRulePack;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;

// The regression inputs of one fuzz target, sorted (".keep" and other dot files excluded).
std::vector<std::string> Inputs(const std::string& target) {
  const std::string dir = std::string(TRIAGE_SOURCE_DIR) + "/tests/fuzz/regressions/" + target;
  std::vector<std::string> paths;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* entry = readdir(d)) {
      if (entry->d_name[0] != '.') paths.push_back(dir + "/" + entry->d_name);
    }
    closedir(d);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ProcessResult RunBounded(const std::vector<std::string>& args, const std::string& stdin_data = "") {
  ProcessOptions options = TriageProcessOptions();
  options.stdin_data = stdin_data;
  options.timeout = std::chrono::seconds(60);
  std::vector<std::string> argv = {TriageBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, options);
}

void ExpectReported(const ProcessResult& result) {
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.signal, 0) << result.err;
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << "exit " << result.exit_code << "\n"
                                                              << result.err;
}

TEST(FuzzRegressionsTest, RuleFilesAreCheckedToAnOutcome) {
  for (const std::string& path : Inputs("rules")) {
    SCOPED_TRACE(path);
    TempRulePack pack(Slurp(path), "");
    ExpectReported(RunBounded({"check", "--config", pack.config()}));
  }
}

TEST(FuzzRegressionsTest, ConfigsAreCheckedToAnOutcome) {
  const std::vector<std::string> inputs = Inputs("config");
  EXPECT_FALSE(inputs.empty());
  for (const std::string& path : inputs) {
    SCOPED_TRACE(path);
    TempRulePack pack;
    pack.AddFile("triage.yaml", Slurp(path));
    ExpectReported(RunBounded({"check", "--config", pack.config()}));
  }
}

// Runs the inputs of `target` through `triage filter` under the shipped pack with `extra`
// options: each must end with an outcome and one output line per non-blank input line.
void ExpectFilteredToOneLineEach(const std::string& target, const std::vector<std::string>& extra,
                                 const std::vector<std::string>& set_env = {}) {
  const std::vector<std::string> inputs = Inputs(target);
  EXPECT_FALSE(inputs.empty());
  const std::string config = std::string(TRIAGE_SOURCE_DIR) + "/rules/triage.yaml";
  for (const std::string& path : inputs) {
    SCOPED_TRACE(path);
    const std::string input = Slurp(path);
    std::vector<std::string> argv = {TriageBinary(), "filter", "--config", config};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessOptions options = TriageProcessOptions();
    options.stdin_data = input;
    options.timeout = std::chrono::seconds(60);
    options.set_env.insert(options.set_env.end(), set_env.begin(), set_env.end());
    const ProcessResult result = RunProcess(argv, options);
    ExpectReported(result);
    size_t lines = 0;
    std::istringstream in(input);
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") != std::string::npos) ++lines;
    }
    EXPECT_EQ(static_cast<size_t>(std::count(result.out.begin(), result.out.end(), '\n')), lines);
  }
}

TEST(FuzzRegressionsTest, RecordsAreFilteredToOneLineEach) {
  ExpectFilteredToOneLineEach("record", {});
}

TEST(FuzzRegressionsTest, TwilioFormsAreFilteredToOneLineEach) {
  ExpectFilteredToOneLineEach("twilio", {"--input", "twilio-form"},
                              {"TRIAGE_SENDER_SECRET=fuzz-key"});
}

TEST(FuzzRegressionsTest, CyberTiplineReportsAreFilteredToOneLineEach) {
  ExpectFilteredToOneLineEach("cybertipline", {"--input", "cybertipline-xml"});
}

}  // namespace
}  // namespace triage
