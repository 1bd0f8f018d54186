// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the limits and failure paths of issue 13 (docs/robustness.md), run on the
// real executable: special files and over-large files as rule files, the rule-count limit, YAML
// alias expansion, a file size limit (SIGXFSZ) while writing output or the audit store, audit
// stores that are read-only, damaged or not stores at all, and the usage errors of hash and
// digest options.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::ProcessResult;
using test_support::RunProcess;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;

std::string Records(int count) {
  std::string input;
  for (int i = 0; i < count; ++i) {
    input += R"({"id":"n-)" + std::to_string(i) +
             R"(","summary":"Caller reports a 14 yo was asked to meet up, report )" +
             std::to_string(i) + "\"}\n";
  }
  return input;
}

// Runs `triage ARGS` through /bin/sh with `ulimit -f BLOCKS` (512-byte blocks in dash, 1024 in
// bash: either way a small limit) and stdout redirected to `out`.
ProcessResult RunWithFileLimit(int blocks, const std::string& out,
                               const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      "/bin/sh", "-c", "ulimit -f " + std::to_string(blocks) + "; exec \"$0\" \"$@\" > \"" + out + "\"",
      TriageBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, TriageProcessOptions());
}

TEST(RobustnessTest, FifoAndDeviceAsRuleFilesAreRefusedWithoutReading) {
  TempRulePack pack;
  const std::string fifo = pack.dir() + "/pipe.rules";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pack.AddFile("triage.yaml", "rules: [pipe.rules, /dev/zero]\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_FALSE(result.timed_out);
  EXPECT_NE(result.err.find("triage.yaml:1:9: error:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("[not-a-file]"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("triage.yaml:1:21: error:"), std::string::npos) << result.err;
  // The config itself.
  const ProcessResult config = RunTriage({"check", "--config", fifo});
  EXPECT_EQ(config.exit_code, 1);
  EXPECT_NE(config.err.find("[not-a-file]"), std::string::npos) << config.err;
}

// At the limit, byte for byte, the file is read; one byte over, it is refused unread.
TEST(RobustnessTest, RuleFileOverTheSizeLimitIsRefused) {
  const std::string rules =
      "rule r { when text ~ /x/ urgency +5 }\n# " + std::string(300, 'c') + "\n";
  const auto limit = [](size_t bytes) {
    return "rules: [test.rules]\nlimits:\n  max_rule_file_bytes: " + std::to_string(bytes) + "\n";
  };
  TempRulePack pack(rules);
  pack.AddFile("triage.yaml", limit(rules.size() - 1));
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("[file-too-large]"), std::string::npos) << result.err;
  pack.AddFile("triage.yaml", limit(rules.size()));
  const ProcessResult at = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(at.exit_code, 0) << at.err;
}

// max_rules rules compile; one more is an error at the first rule past the limit.
TEST(RobustnessTest, MoreRulesThanTheLimitIsAnErrorAtTheFirstOneOver) {
  std::string rules;
  for (int i = 0; i < 4; ++i) rules += "rule r" + std::to_string(i) + " { when text ~ /x/ }\n";
  TempRulePack pack(rules, "limits:\n  max_rules: 3\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("test.rules:4:1: error:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("[too-many-rules]"), std::string::npos) << result.err;
  pack.AddFile("triage.yaml", "rules: [test.rules]\nlimits:\n  max_rules: 4\n");
  const ProcessResult at = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(at.exit_code, 0) << at.err;
}

TEST(RobustnessTest, NestedYamlAliasesAreRefused) {
  std::string yaml = "rules: [test.rules]\nx0: &a0 [p, p, p, p, p, p, p, p, p, p]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) yaml += ", " + prev;
    yaml += "]\n";
  }
  TempRulePack pack;
  pack.AddFile("triage.yaml", yaml);
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("[alias-expansion]"), std::string::npos) << result.err;
  EXPECT_LT(result.err.size(), 2000U) << result.err;
}

TEST(RobustnessTest, LongLineInARuleFileIsEchoedCut) {
  TempRulePack pack("rule r { when text ~ /x/ urgency +5 " + std::string(100000, ' ') + "oops }\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_LT(result.err.size(), 2000U);
  EXPECT_NE(result.err.find("..."), std::string::npos) << result.err;
}

// ulimit -f: SIGXFSZ would kill the filter silently; it is a write error instead.
TEST(RobustnessTest, FileSizeLimitOnOutputIsAWriteError) {
  TempRulePack pack;
  const std::string out = pack.dir() + "/out.jsonl";
  const std::string input = pack.AddFile("in.jsonl", Records(500));
  const ProcessResult result = RunWithFileLimit(8, out, {"filter", "--config", pack.config(), input});
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("writing output failed"), std::string::npos) << result.err;
}

TEST(RobustnessTest, FileSizeLimitOnTheAuditStoreLeavesItConsistent) {
  TempRulePack pack;
  const std::string store = pack.dir() + "/audit.db";
  const std::string input = pack.AddFile("in.jsonl", Records(3000));
  const ProcessResult result = RunWithFileLimit(
      400, "/dev/null", {"filter", "--config", pack.config(), "--audit", store, input});
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("audit store"), std::string::npos) << result.err;
  const ProcessResult verify = RunTriage({"audit", "verify", "--audit", store});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: ", 0), 0U) << verify.out;
}

// A store in a directory this process cannot write: as root, the commands run as `nobody`.
TEST(RobustnessTest, ReadOnlyStoreIsVerifiedReplayedAndExported) {
  TempRulePack pack;
  const std::string dir = pack.dir() + "/ro";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  const std::string store = dir + "/audit.db";
  ASSERT_EQ(RunTriage({"filter", "--config", pack.config(), "--audit", store}, Records(20)).exit_code,
            0);
  ASSERT_EQ(chmod(pack.dir().c_str(), 0755), 0);
  ASSERT_EQ(chmod(store.c_str(), 0444), 0);
  ASSERT_EQ(chmod(dir.c_str(), 0555), 0);
  std::vector<std::string> prefix;
  if (geteuid() == 0) {
    if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "root without setpriv";
    prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = prefix;
    argv.push_back(TriageBinary());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, TriageProcessOptions());
  };
  const ProcessResult verify = run({"audit", "verify", "--audit", store});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: 20 entries", 0), 0U) << verify.out;
  const ProcessResult replay = run({"replay", "--audit", store, "--summary"});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  const ProcessResult exported = run({"audit", "export", "--audit", store});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(SplitLines(exported.out).size(), 20U);
  const ProcessResult show = run({"audit", "show", "--audit", store, "1"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  // Nothing was written beside it.
  EXPECT_NE(access((store + "-wal").c_str(), F_OK), 0);
  ASSERT_EQ(chmod(dir.c_str(), 0755), 0);
}

TEST(RobustnessTest, DamagedStoreIsReportedAsDamaged) {
  TempRulePack pack;
  const std::string store = pack.dir() + "/audit.db";
  ASSERT_EQ(RunTriage({"filter", "--config", pack.config(), "--audit", store}, Records(200))
                .exit_code,
            0);
  std::FILE* file = std::fopen(store.c_str(), "rb");
  ASSERT_NE(file, nullptr);
  std::string head(5000, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), file));
  std::fclose(file);
  const std::string truncated = pack.AddFile("truncated.db", head);
  const ProcessResult damaged = RunTriage({"audit", "verify", "--audit", truncated});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.err.find("is damaged"), std::string::npos) << damaged.err;
  const ProcessResult text =
      RunTriage({"audit", "verify", "--audit", pack.AddFile("text.db", "hello\n")});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.err.find("is not a triage audit store"), std::string::npos) << text.err;
}

TEST(RobustnessTest, MalformedHashesAndDigestsAreUsageErrors) {
  TempRulePack pack;
  const std::string store = pack.dir() + "/audit.db";
  ASSERT_EQ(RunTriage({"filter", "--config", pack.config(), "--audit", store}, Records(2))
                .exit_code,
            0);
  EXPECT_EQ(RunTriage({"audit", "verify", "--audit", store, "--anchor", "nothex"}).exit_code, 2);
  EXPECT_EQ(RunTriage({"filter", "--config", pack.config(), "--audit", pack.dir() + "/b.db",
                       "--audit-chain-from", "nothex"},
                      Records(1))
                .exit_code,
            2);
  EXPECT_EQ(RunTriage({"replay", "--audit", store, "--ruleset", "sha256:zz"}).exit_code, 2);
  EXPECT_EQ(RunTriage({"audit", "export", "--audit", store, "--ruleset", "zz"}).exit_code, 2);
  EXPECT_EQ(RunTriage({"filter", "--config", pack.config(), "--jobs", "99999999999999999999"},
                      Records(1))
                .exit_code,
            2);
}

// Issue 13, defect 1: `triage check` on a condition nested 10,000 levels deep (parentheses, `not`)
// used to die of a stack overflow (exit 139, no message). It is a too-deep error at the construct
// one level past limits.max_nesting_depth (100), exit 1, with the source line cut around the caret.
TEST(RobustnessTest, DeeplyNestedConditionIsAnErrorNotACrash) {
  for (const std::string& open : {std::string("("), std::string("not ")}) {
    SCOPED_TRACE(open);
    std::string condition;
    for (int i = 0; i < 10000; ++i) condition += open;
    condition += "text ~ /x/";
    if (open == "(") condition += std::string(10000, ')');
    TempRulePack pack("rule deep {\n  when " + condition + "\n}\n");
    const ProcessResult result = RunTriage({"check", "--config", pack.config()});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    const size_t column = 8 + 100 * open.size();
    EXPECT_NE(result.err.find("test.rules:2:" + std::to_string(column) + ": error: "),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("[too-deep]"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("^"), std::string::npos) << result.err;
    EXPECT_LT(result.err.size(), 2000U) << result.err;
  }
}

// The same for the config: past kMaxConfigNesting (64) levels of maps and lists, too-deep where
// the collection one level too deep opens, before yaml-cpp's own recursion goes deeper.
TEST(RobustnessTest, DeeplyNestedConfigIsAnErrorNotACrash) {
  TempRulePack pack;
  pack.AddFile("triage.yaml", "rules: [test.rules]\nfields:\n  text: " + std::string(10000, '[') +
                                  "summary" + std::string(10000, ']') + "\n");
  const ProcessResult flow = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(flow.exit_code, 1) << flow.err;
  // The root map and `fields` are two levels: the 63rd [ is the 65th collection; in the block
  // form the root map and x's list are two, and line 66 opens the 65th.
  EXPECT_NE(flow.err.find("triage.yaml:3:71: error: "), std::string::npos) << flow.err;
  EXPECT_NE(flow.err.find("[too-deep]"), std::string::npos) << flow.err;
  EXPECT_LT(flow.err.size(), 2000U) << flow.err;

  std::string block = "rules: [test.rules]\nx:\n";
  for (int i = 1; i <= 2500; ++i) block += std::string(i, ' ') + "- \n";
  pack.AddFile("triage.yaml", block);
  const ProcessResult nested = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(nested.exit_code, 1) << nested.err;
  EXPECT_NE(nested.err.find("triage.yaml:66:65: error: "), std::string::npos) << nested.err;
  EXPECT_NE(nested.err.find("[too-deep]"), std::string::npos) << nested.err;
}

// simdjson refuses a record nested past 1024 levels: an error line in its place, and the next
// record is triaged.
TEST(RobustnessTest, DeeplyNestedRecordGetsAnErrorLine) {
  TempRulePack pack(test_support::kBasicRules, "limits:\n  max_record_bytes: 100000\n");
  const std::string deep = R"({"id":"d","summary":"x","other":)" + std::string(10000, '[') +
                           std::string(10000, ']') + "}\n";
  const ProcessResult result = RunTriage({"filter", "--config", pack.config()},
                                         deep + R"({"id":"ok","summary":"x"})" + "\n");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 2U) << result.out;
  EXPECT_EQ(test_support::ErrorCodeOf(lines[0]), "invalid_json") << lines[0];
  EXPECT_EQ(test_support::ErrorCodeOf(lines[1]), "") << lines[1];
}

// Issue 13, defect 3: a byte >= 0x80 outside a string, regex or comment tripped Spirit's
// strict_ischar assertion (exit 134). It is a syntax error at that byte, exit 1.
TEST(RobustnessTest, NonAsciiByteOutsideTextIsASyntaxError) {
  TempRulePack pack("# ¿comentario? fine\nrule caf\xC3\xA9 {\n  when text ~ /años/\n}\n");
  const ProcessResult result = RunTriage({"check", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("test.rules:2:9: error: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("[syntax]"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace triage
