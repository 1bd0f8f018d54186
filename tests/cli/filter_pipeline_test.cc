// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the pipelined `triage filter` (reading, scanning and writing overlap with
// --jobs 2 or more): on a generated corpus of many batches, with every kind of line, the output
// is byte-identical for --jobs 1 and --jobs 4 and has the expected error lines in the expected
// places; the audit store, the shadow log and the statistics agree across job counts; input that
// arrives slowly, in pieces cut anywhere, gives the same output in the same order, and what has
// been read is written while the input stays open; a reload while records stream switches the
// ruleset once, between batches; and a failed output stops the filter even while its input stays
// open and silent.

#include <signal.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "triage/audit.h"
#include "triage/status.h"

#include "support/cli_harness.h"
#include "support/run_process.h"
#include "unit/audit/audit_fixture.h"

namespace triage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::ErrorCodeOf;
using test_support::ErrorLineNumberOf;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::Subprocess;
using test_support::TempRulePack;
using test_support::TriageBinary;
using test_support::TriageProcessOptions;

// The pack's limit in these tests: large enough for records whose line buffer is not kept for
// reuse (over 64 KiB), small enough for too_large lines of a few hundred kilobytes.
constexpr size_t kMaxRecordBytes = 100000;

// A deterministic pseudo-random sequence (a 64-bit LCG): the corpus is the same on every run.
class Sequence {
 public:
  explicit Sequence(uint64_t seed) : state_(seed) {}
  // Returns a number in [0, bound).
  size_t Next(size_t bound) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((state_ >> 33) % bound);
  }

 private:
  uint64_t state_;
};

// A generated corpus: the input text, and for every non-blank line, in order, its physical line
// number and the error code it must get ("" when it is triaged).
struct Corpus {
  std::string text;
  std::vector<std::pair<int64_t, std::string>> expected;
};

// `lines` physical lines: mostly small records of every urgency, with blank and whitespace-only
// lines, CRLF endings, invalid JSON, arrays, wrong types, invalid UTF-8, records of 70-90 KB that
// are triaged and lines of 120-300 KB that are too large. No final '\n'.
Corpus GenerateCorpus(size_t lines, uint64_t seed) {
  static const char* const kTexts[] = {
      "Reporter states a 14 yo was asked to meet up in person",
      "A 9 year old is alone right now, caller says hurry",
      "Question about how to make a report",
      "Tip about a forum; no ages given",
      "HELP",
      "She is 16 yrs and was told to meet in person tonight",
      "Caller asks whether the line is open on weekends",
  };
  Sequence random(seed);
  Corpus corpus;
  for (size_t i = 0; i < lines; ++i) {
    const auto number = static_cast<int64_t>(i + 1);
    const std::string id = "\"id\":\"g-" + std::to_string(i) + "\"";
    const size_t kind = random.Next(1000);
    std::string line;
    std::string code;
    if (kind < 40) {
      line = random.Next(2) == 0 ? "" : std::string(1 + random.Next(6), ' ') + "\t";
      code = "-";  // blank: no output line
    } else if (kind < 60) {
      line = "{" + id + ",\"summary\":\"cut off";
      code = "invalid_json";
    } else if (kind < 70) {
      line = "[1,2," + std::to_string(i) + "]";
      code = "not_an_object";
    } else if (kind < 80) {
      line = "{" + id + ",\"summary\":\"x\",\"victims\":[{\"age\":\"ten\"}]}";
      code = "wrong_type";
    } else if (kind < 85) {
      line = "{" + id + ",\"summary\":\"caf\xff\"}";
      code = "invalid_utf8";
    } else if (kind < 86) {
      line = "{" + id + ",\"summary\":\"" + std::string(120000 + random.Next(180000), 'y') + "\"}";
      code = "too_large";
    } else if (kind < 88) {
      std::string text;
      while (text.size() < 70000 + random.Next(20000))
        text += kTexts[random.Next(7)] + std::string(" ");
      line = "{" + id + ",\"summary\":\"" + text + "\"}";
    } else {
      line = "{" + id + ",\"kind\":\"report\",\"summary\":\"" + kTexts[random.Next(7)] +
             "\",\"victims\":[{\"age\":" + std::to_string(5 + random.Next(30)) + "}]}";
      if (random.Next(10) == 0) line += "\r";
    }
    if (code != "-") corpus.expected.emplace_back(number, code);
    corpus.text += line;
    if (i + 1 < lines) corpus.text += "\n";
  }
  return corpus;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// The statistics report without its times (which differ from run to run).
std::string StatsWithoutTimes(const std::string& path) {
  rapidjson::Document report;
  report.Parse(ReadFile(path).c_str());
  if (!report.IsObject()) return "not a JSON object";
  std::string out = "records " + std::to_string(report["records"].GetUint64());
  for (const rapidjson::Value& field : report["fields"].GetArray()) {
    out += std::string(" field ") + field["field"].GetString() + " " +
           std::to_string(field["values"].GetUint64()) + " " +
           std::to_string(field["bytes"].GetUint64());
  }
  for (const rapidjson::Value& rule : report["rules"].GetArray()) {
    out += std::string(" rule ") + rule["rule"].GetString() + " " +
           std::to_string(rule["hits"].GetUint64());
  }
  return out;
}

class FilterPipelineTest : public ::testing::Test {
 protected:
  TempRulePack pack_{test_support::kBasicRules,
                     "limits:\n  max_record_bytes: " + std::to_string(kMaxRecordBytes) + "\n"};
};

TEST_F(FilterPipelineTest, LargeCorpusIsIdenticalForOneAndFourJobs) {
  // A dozen batches by line count, and batches cut by size where the long records are.
  const Corpus corpus = GenerateCorpus(50000, 20261201);
  ASSERT_GT(corpus.text.size(), size_t{16} << 20);  // four times kBatchBytes
  const std::string path = pack_.AddFile("corpus.jsonl", corpus.text);

  const ProcessResult one =
      RunTriage({"filter", "-c", pack_.config(), "-o", "decision", "-j", "1", path});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(one.err, "");
  const std::vector<std::string> lines = SplitLines(one.out);
  ASSERT_EQ(lines.size(), corpus.expected.size());
  size_t errors = 0;
  size_t triaged = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& [number, code] = corpus.expected[i];
    ASSERT_EQ(ErrorCodeOf(lines[i]), code)
        << "output line " << i + 1 << ": " << lines[i].substr(0, 200);
    if (code.empty()) {
      ++triaged;
    } else {
      ++errors;
      EXPECT_EQ(ErrorLineNumberOf(lines[i]), number) << lines[i];
    }
  }
  EXPECT_GT(errors, 1500U);
  EXPECT_GT(triaged, 40000U);

  const ProcessResult four =
      RunTriage({"filter", "-c", pack_.config(), "-o", "decision", "-j", "4", path});
  EXPECT_EQ(four.exit_code, 1);
  EXPECT_EQ(four.err, "");
  EXPECT_TRUE(four.out == one.out) << "--jobs 4 differs from --jobs 1";

  // Annotated, from a pipe, two workers.
  const ProcessResult annotate_one = RunTriage({"filter", "-c", pack_.config(), "-j", "1", path});
  const ProcessResult annotate_two =
      RunTriage({"filter", "-c", pack_.config(), "-j", "2"}, corpus.text);
  EXPECT_EQ(annotate_two.exit_code, 1);
  EXPECT_EQ(SplitLines(annotate_two.out).size(), corpus.expected.size());
  EXPECT_TRUE(annotate_two.out == annotate_one.out) << "--jobs 2 on stdin differs from --jobs 1";
}

// The audit store, the shadow log and the statistics over several batches: the same entries, in
// the same order, whatever --jobs.
TEST_F(FilterPipelineTest, AuditShadowAndStatsAgreeForOneAndFourJobs) {
  const Corpus corpus = GenerateCorpus(12000, 7);
  const std::string path = pack_.AddFile("corpus.jsonl", corpus.text);
  TempRulePack candidate(test_support::kBasicRules,
                         "limits:\n  max_record_bytes: " + std::to_string(kMaxRecordBytes) +
                             "\noverrides:\n  meeting_a_minor: {urgency: 10}\n");
  const ProcessResult plain = RunTriage({"filter", "-c", pack_.config(), "-j", "1", path});
  std::vector<std::string> shadow_logs;
  std::vector<std::string> stats;
  std::vector<std::vector<std::string>> audits;
  for (const char* jobs : {"1", "4"}) {
    const std::string suffix = std::string("-") + jobs;
    const std::string audit = pack_.dir() + "/audit" + suffix + ".db";
    const std::string shadow_log = pack_.dir() + "/shadow" + suffix + ".jsonl";
    const std::string stats_file = pack_.dir() + "/stats" + suffix + ".json";
    const ProcessResult run =
        RunTriage({"filter", "-c", pack_.config(), "-j", jobs, "--audit", audit, "--shadow",
                   candidate.config(), "--shadow-log", shadow_log, "--stats", stats_file, path});
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_TRUE(run.out == plain.out) << "--jobs " << jobs << " with --audit/--shadow/--stats";
    EXPECT_NE(run.err.find("disagree"), std::string::npos) << run.err;
    shadow_logs.push_back(ReadFile(shadow_log));
    stats.push_back(StatsWithoutTimes(stats_file));
    audits.push_back(audit_testing::EntryDecisions(audit));
  }
  EXPECT_GT(SplitLines(shadow_logs[0]).size(), 100U);
  EXPECT_EQ(shadow_logs[1], shadow_logs[0]);
  EXPECT_EQ(stats[1], stats[0]);
  EXPECT_EQ(audits[0].size(), corpus.expected.size());
  EXPECT_EQ(audits[1], audits[0]);
}

// Writes `input` to the filter in pieces of 1 to 4000 bytes, cut anywhere (inside lines, between
// '\r' and '\n'), pausing now and then, and returns everything it wrote.
ProcessResult FeedSlowly(const std::vector<std::string>& args, const std::string& input) {
  Subprocess filter;
  std::vector<std::string> argv = {TriageBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  EXPECT_TRUE(filter.Start(argv, TriageProcessOptions()));
  Sequence random(99);
  size_t at = 0;
  while (at < input.size()) {
    const size_t piece = std::min(input.size() - at, 1 + random.Next(4000));
    EXPECT_TRUE(filter.Write(std::string_view(input).substr(at, piece)));
    at += piece;
    if (random.Next(4) == 0) std::this_thread::sleep_for(milliseconds(1 + random.Next(3)));
  }
  return filter.Wait(seconds(60));
}

TEST_F(FilterPipelineTest, SlowInputInPiecesKeepsOrderAndCount) {
  const Corpus corpus = GenerateCorpus(3000, 3);
  const ProcessResult whole = RunTriage({"filter", "-c", pack_.config(), "-j", "1"}, corpus.text);
  ASSERT_EQ(SplitLines(whole.out).size(), corpus.expected.size());
  for (const char* jobs : {"1", "2", "4"}) {
    const ProcessResult slow =
        FeedSlowly({"filter", "-c", pack_.config(), "-j", jobs}, corpus.text);
    EXPECT_EQ(slow.exit_code, 1) << slow.err;
    EXPECT_EQ(SplitLines(slow.out).size(), corpus.expected.size()) << "--jobs " << jobs;
    EXPECT_TRUE(slow.out == whole.out) << "--jobs " << jobs << " fed slowly differs";
  }
}

// Lines are answered while the input stays open, including one that arrived in two pieces.
TEST_F(FilterPipelineTest, WritesWhatItHasReadWhileTheInputStaysOpen) {
  for (const char* jobs : {"1", "2", "4"}) {
    Subprocess filter;
    ASSERT_TRUE(filter.Start({TriageBinary(), "filter", "-c", pack_.config(), "-j", jobs},
                             TriageProcessOptions()));
    std::string line;
    ASSERT_TRUE(filter.Write(R"({"id":"a","summary":"A 13 yo"})"
                             "\n\n"
                             R"({"id":"b","summary":"hello"})"
                             "\n"
                             R"({"id":"c","summ)"));
    ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << "--jobs " << jobs << ": " << filter.err();
    EXPECT_NE(line.find(R"("id":"a")"), std::string::npos) << line;
    ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << "--jobs " << jobs << ": " << filter.err();
    EXPECT_NE(line.find(R"("id":"b")"), std::string::npos) << line;
    // No wait for "nothing arrives": had the half line been answered, its error line would be
    // the next one read below (and an extra line would follow), failing the checks on "c".
    ASSERT_TRUE(filter.Write("ary\":\"meet up\"}\n"));
    ASSERT_TRUE(filter.ReadLine(&line, seconds(30))) << "--jobs " << jobs << ": " << filter.err();
    EXPECT_NE(line.find(R"("id":"c")"), std::string::npos) << line;
    EXPECT_EQ(ErrorCodeOf(line), "") << line;
    const ProcessResult result = filter.Wait(seconds(30));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");
  }
}

// A reload while records stream through the pipeline: no line is lost, the ruleset changes once
// (every batch is decided by one ruleset, and batches are decided in order), and the lines
// written after the reload was announced are decided by the new ruleset.
TEST_F(FilterPipelineTest, ReloadWhileStreamingSwitchesRulesetsOnce) {
  Subprocess filter;
  ASSERT_TRUE(
      filter.Start({TriageBinary(), "filter", "-c", pack_.config(), "-o", "decision", "-j", "2"},
                   TriageProcessOptions()));
  constexpr int kChunks = 12;
  constexpr int kLinesPerChunk = 2000;
  int written = 0;
  int written_before_announcement = -1;
  for (int chunk = 0; chunk < kChunks; ++chunk) {
    std::string input;
    for (int i = 0; i < kLinesPerChunk; ++i, ++written) {
      input += R"({"id":"s-)" + std::to_string(written) +
               R"(","summary":"A 15 yo was asked to meet up"})" + "\n";
    }
    ASSERT_TRUE(filter.Write(input));
    if (chunk == kChunks / 2) {
      pack_.SetRules(std::string(test_support::kBasicRules) +
                     "\nrule extra { when text ~ /meet/ urgency +1 }\n");
      ASSERT_TRUE(filter.Signal(SIGHUP));
      ASSERT_TRUE(filter.WaitForStderr("reloaded ruleset", seconds(60))) << filter.err();
      written_before_announcement = written;
    }
  }
  const ProcessResult result = filter.Wait(seconds(60));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), static_cast<size_t>(written));
  const std::string first = test_support::RulesetOf(lines.front());
  const std::string last = test_support::RulesetOf(lines.back());
  EXPECT_NE(first, last);
  size_t switches = 0;
  size_t first_new = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_NE(lines[i].find("\"id\":\"s-" + std::to_string(i) + "\""), std::string::npos)
        << lines[i];
    const std::string ruleset = test_support::RulesetOf(lines[i]);
    if (i > 0 && ruleset != test_support::RulesetOf(lines[i - 1])) {
      ++switches;
      first_new = i;
    }
  }
  EXPECT_EQ(switches, 1U);
  EXPECT_LE(first_new, static_cast<size_t>(written_before_announcement));
}

// Runs triage with `args`, its stdout a pipe nobody reads and its stdin a pipe that stays open
// and silent after `input`: the filter has to notice the failed output by itself. With
// `ignore_sigpipe` its writes fail with EPIPE; otherwise SIGPIPE has its default action.
ProcessResult RunWithClosedOutput(const std::vector<std::string>& args, const std::string& input,
                                  bool ignore_sigpipe) {
  std::vector<std::string> argv = {test_support::TriageBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  test_support::ProcessOptions options = test_support::TriageProcessOptions();
  options.discard_stdout = true;
  options.ignore_sigpipe = ignore_sigpipe;
  test_support::Subprocess process;
  if (!process.Start(argv, options)) {
    ADD_FAILURE() << "cannot start triage";
    return {};
  }
  EXPECT_TRUE(process.Write(input));
  return process.WaitWithStdinOpen(seconds(30));
}

TEST_F(FilterPipelineTest, FailedOutputStopsTheFilterWhileItsInputStaysOpen) {
  const std::string input =
      test_support::Jsonl({R"({"id":"a","summary":"A 13 yo"})", R"({"id":"b","summary":"hello"})"});
  for (const char* jobs : {"1", "2", "4"}) {
    const ProcessResult ignored = RunWithClosedOutput(
        {"filter", "-c", pack_.config(), "-j", jobs}, input, /*ignore_sigpipe=*/true);
    EXPECT_FALSE(ignored.timed_out) << "--jobs " << jobs << " hangs after its output failed";
    EXPECT_EQ(ignored.exit_code, 1) << "--jobs " << jobs << ": " << ignored.err;
    EXPECT_NE(ignored.err.find("writing output failed"), std::string::npos) << ignored.err;

    // As for any filter in a shell pipeline, SIGPIPE ends it quietly.
    const ProcessResult killed = RunWithClosedOutput(
        {"filter", "-c", pack_.config(), "-j", jobs}, input, /*ignore_sigpipe=*/false);
    EXPECT_FALSE(killed.timed_out) << "--jobs " << jobs << " hangs after its output failed";
    EXPECT_EQ(killed.signal, SIGPIPE) << "--jobs " << jobs << ": " << killed.err;
    EXPECT_EQ(killed.err, "");
  }
}

}  // namespace
}  // namespace triage
