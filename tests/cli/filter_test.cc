// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage filter`: one output line per non-blank input line, in order, with
// error lines for records that cannot be triaged; error codes and line numbers; no record text in
// error lines or on stderr; exit codes; output modes; --jobs determinism.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::ErrorCodeOf;
using test_support::ErrorLineNumberOf;
using test_support::IsJson;
using test_support::Jsonl;
using test_support::ProcessResult;
using test_support::RulesetOf;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

// Words that appear only inside bad records: none may reach an error line or stderr.
const char* const kSecretWords[] = {"zebracorn", "marmalade", "quokka",  "twelve",
                                    "wombat",    "platypus",  "axolotl", "narwhal"};

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The input of the mixed test: one entry per physical line (numbered from 1), joined with '\n'.
std::string MixedInput() {
  const std::string lines[] = {
      R"({"id":"r-1","summary":"A 13 yo wants to meet up tonight"})",         // 1 ok
      "",                                                                     // 2 blank
      R"({"id":"r-2","summary":"zebracorn marmalade)",                        // 3 invalid_json
      R"(["quokka","axolotl"])",                                              // 4 not_an_object
      "   \t  ",                                                              // 5 blank
      R"({"id":"r-3","summary":")" + std::string(3000, 'x') + " narwhal\"}",  // 6 too_large
      R"({"id":"r-4","summary":"platypus","victims":[{"age":"twelve"}]})",    // 7 wrong_type
      "{\"id\":\"r-5\",\"summary\":\"caf\xff wombat\"}",                      // 8 invalid_utf8
      std::string(R"({"id":"r-6","summary":"routine question"})") + '\r',     // 9 ok (CRLF)
      "\r",                                                                   // 10 blank
  };
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  return input + R"({"id":"r-7","victims":[{"age":9}]})";  // 11 ok, no final '\n'
}

class FilterTest : public ::testing::Test {
 protected:
  TempRulePack pack_;
};

TEST_F(FilterTest, WritesOneLinePerNonBlankLineInOrder) {
  const ProcessResult result = RunTriage({"filter", "--config", pack_.config()}, MixedInput());
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 8U) << result.out;
  for (const std::string& line : lines) EXPECT_TRUE(IsJson(line)) << line;

  EXPECT_EQ(ErrorCodeOf(lines[0]), "");
  EXPECT_NE(lines[0].find(R"("id":"r-1")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("band":"P1")"), std::string::npos) << lines[0];

  const struct {
    size_t output;
    int64_t line;
    const char* code;
  } kErrors[] = {{1, 3, "invalid_json"},
                 {2, 4, "not_an_object"},
                 {3, 6, "too_large"},
                 {4, 7, "wrong_type"},
                 {5, 8, "invalid_utf8"}};
  for (const auto& expected : kErrors) {
    const std::string& line = lines[expected.output];
    EXPECT_EQ(ErrorCodeOf(line), expected.code) << line;
    EXPECT_EQ(ErrorLineNumberOf(line), expected.line) << line;
  }

  EXPECT_EQ(ErrorCodeOf(lines[6]), "");
  EXPECT_NE(lines[6].find(R"("id":"r-6")"), std::string::npos);
  EXPECT_EQ(ErrorCodeOf(lines[7]), "");
  EXPECT_NE(lines[7].find(R"("id":"r-7")"), std::string::npos);
  EXPECT_NE(lines[7].find(R"("rule":"minor_age_mentioned")"), std::string::npos) << lines[7];
}

TEST_F(FilterTest, ErrorLinesCarryTheIdWhenItCouldBeRead) {
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config()},
                Jsonl({R"({"id":"r-4","summary":"platypus","victims":[{"age":"twelve"}]})"}));
  EXPECT_EQ(result.exit_code, 1);
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(ErrorCodeOf(lines[0]), "wrong_type");
  EXPECT_EQ(lines[0].rfind(R"({"line":1,"id":"r-4","triage":{"error":{"code":"wrong_type",)", 0),
            0U)
      << lines[0];
}

TEST_F(FilterTest, TooLargeLineIsReportedWithoutBeingParsed) {
  // Over the limit and not even JSON: the size check comes first.
  const std::string input =
      "{" + std::string(5000, '!') + "\n" + Jsonl({R"({"id":"r-2","summary":"fine"})"});
  const ProcessResult result = RunTriage({"filter", "--config", pack_.config()}, input);
  EXPECT_EQ(result.exit_code, 1);
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(ErrorCodeOf(lines[0]), "too_large");
  EXPECT_EQ(ErrorLineNumberOf(lines[0]), 1);
  EXPECT_EQ(lines[0].find(R"("id")"), std::string::npos);
  EXPECT_EQ(ErrorCodeOf(lines[1]), "");
}

TEST_F(FilterTest, LineAtTheLimitIsTriaged) {
  std::string record = R"({"id":"r-1","summary":")";
  record += std::string(2048 - record.size() - 2, 'a') + "\"}";
  ASSERT_EQ(record.size(), 2048U);
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config()}, record + "\n" + record + "b\n");
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(ErrorCodeOf(lines[0]), "");
  EXPECT_EQ(ErrorCodeOf(lines[1]), "too_large");
}

TEST_F(FilterTest, NeverEchoesRecordTextForBadLines) {
  const ProcessResult result = RunTriage({"filter", "--config", pack_.config()}, MixedInput());
  for (const std::string& line : SplitLines(result.out)) {
    if (ErrorCodeOf(line).empty()) continue;
    for (const char* word : kSecretWords) {
      EXPECT_EQ(line.find(word), std::string::npos) << word << " leaked into " << line;
    }
    EXPECT_EQ(line.find("xxxxxxxx"), std::string::npos) << line;
  }
  for (const char* word : kSecretWords) {
    EXPECT_EQ(result.err.find(word), std::string::npos) << word << " leaked into stderr";
  }
  EXPECT_EQ(result.err, "");
}

TEST_F(FilterTest, SkipsBlankLinesAndExitsZeroOnCleanInput) {
  const ProcessResult result = RunTriage({"filter", "--config", pack_.config()},
                                         "\n  \n"
                                         R"({"id":"a","summary":"hello"})"
                                         "\n\t\n"
                                         R"({"id":"b"})"
                                         "\n\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_NE(lines[0].find(R"("id":"a")"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("id":"b")"), std::string::npos);
  EXPECT_EQ(result.err, "");
}

// Blank means empty or only spaces, tabs and CRs: a line of vertical tabs or form feeds is not
// blank, so it gets an error line of its own (one line out per line in).
TEST_F(FilterTest, LinesOfOnlyVerticalTabOrFormFeedGetAnErrorLine) {
  const ProcessResult result = RunTriage({"filter", "--config", pack_.config()},
                                         "\v\n"
                                         "\f\f\n"
                                         " \t\r\n"
                                         R"({"id":"a"})"
                                         "\n\v \f\n");
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 4U) << result.out;
  EXPECT_EQ(ErrorCodeOf(lines[0]), "invalid_json");
  EXPECT_EQ(ErrorLineNumberOf(lines[0]), 1);
  EXPECT_EQ(ErrorCodeOf(lines[1]), "invalid_json");
  EXPECT_EQ(ErrorLineNumberOf(lines[1]), 2);
  EXPECT_EQ(ErrorCodeOf(lines[2]), "");  // line 3 was blank: line 4 is the record
  EXPECT_NE(lines[2].find(R"("id":"a")"), std::string::npos);
  EXPECT_EQ(ErrorLineNumberOf(lines[3]), 5);
}

// A record whose mapped key occurs twice cannot hide one of its values from the rules: it is
// refused with an error line (issue 13, defect 2), and the text is not quoted.
TEST_F(FilterTest, DuplicateKeyOnAMappedPathGivesAnErrorLine) {
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config()},
                Jsonl({R"({"id":"k","body":"HELP","body":"a 13 yo, meet up tonight wombat"})",
                       R"({"id":"m","note":"x","note":"y"})"}));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 2U) << result.out;
  EXPECT_EQ(ErrorCodeOf(lines[0]), "duplicate_key");
  EXPECT_EQ(ErrorLineNumberOf(lines[0]), 1);
  EXPECT_NE(lines[0].find(R"("id":"k")"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("wombat"), std::string::npos) << lines[0];
  EXPECT_EQ(ErrorCodeOf(lines[1]), "");  // `note` is read by no path
  EXPECT_EQ(result.err.find("wombat"), std::string::npos) << result.err;
}

TEST_F(FilterTest, EmptyInputGivesNoOutput) {
  ProcessResult result = RunTriage({"filter", "--config", pack_.config()}, "");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  result = RunTriage({"filter", "--config", pack_.config()}, "\n\n   \n");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
}

TEST_F(FilterTest, BrokenRulesExitOneWithoutOutput) {
  pack_.SetRules("rule broken { when text ~ no_such_pattern urgency +5 }\n");
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config()}, Jsonl({R"({"id":"a"})"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("test.rules:1:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("error:"), std::string::npos) << result.err;
}

TEST_F(FilterTest, MissingConfigExitsOne) {
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.dir() + "/missing.yaml"}, Jsonl({R"({"id":"a"})"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("missing.yaml"), std::string::npos) << result.err;
}

TEST_F(FilterTest, ReadsAFileArgumentLikeStdin) {
  const std::string path = pack_.AddFile("input.jsonl", MixedInput());
  const ProcessResult from_stdin =
      RunTriage({"filter", "--config", pack_.config(), "-"}, MixedInput());
  const ProcessResult from_file = RunTriage({"filter", "--config", pack_.config(), path});
  EXPECT_EQ(from_file.exit_code, 1);
  EXPECT_EQ(from_file.out, from_stdin.out);
  EXPECT_EQ(SplitLines(from_file.out).size(), 8U);
}

TEST_F(FilterTest, MissingInputFileExitsOne) {
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config(), pack_.dir() + "/nope.jsonl"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("nope.jsonl"), std::string::npos) << result.err;
}

TEST_F(FilterTest, DecisionModeWritesTheSameTriageObjectAsAnnotate) {
  const std::string input =
      Jsonl({R"({"id":"r-1","summary":"A 13 yo wants to meet up tonight","extra":[1,2]})",
             R"({"summary":"no id here"})"});
  const ProcessResult annotate =
      RunTriage({"filter", "--config", pack_.config(), "--output", "annotate"}, input);
  const ProcessResult decision =
      RunTriage({"filter", "--config", pack_.config(), "--output=decision"}, input);
  EXPECT_EQ(annotate.exit_code, 0);
  EXPECT_EQ(decision.exit_code, 0);
  const std::vector<std::string> annotated = SplitLines(annotate.out);
  const std::vector<std::string> decided = SplitLines(decision.out);
  ASSERT_EQ(annotated.size(), 2U);
  ASSERT_EQ(decided.size(), 2U);
  for (size_t i = 0; i < 2; ++i) {
    rapidjson::Document a;
    rapidjson::Document d;
    a.Parse(annotated[i].c_str());
    d.Parse(decided[i].c_str());
    ASSERT_TRUE(a.IsObject() && d.IsObject());
    ASSERT_TRUE(a.HasMember("triage") && d.HasMember("triage"));
    EXPECT_EQ(Serialize(a["triage"]), Serialize(d["triage"]));
    EXPECT_FALSE(d.HasMember("summary"));
    EXPECT_TRUE(a.HasMember("summary"));
  }
  EXPECT_EQ(decided[0].rfind(R"({"id":"r-1","triage":{"urgency":)", 0), 0U) << decided[0];
  EXPECT_EQ(decided[1].rfind(R"({"triage":{"urgency":)", 0), 0U) << decided[1];
  EXPECT_EQ(
      annotated[0].rfind(
          R"({"id":"r-1","summary":"A 13 yo wants to meet up tonight","extra":[1,2],"triage":{)",
          0),
      0U)
      << annotated[0];
}

TEST_F(FilterTest, AnnotateReplacesAnExistingTriageMember) {
  const ProcessResult first = RunTriage({"filter", "--config", pack_.config()},
                                        Jsonl({R"({"id":"r-1","summary":"A 13 yo"})"}));
  ASSERT_EQ(first.exit_code, 0);
  // Feed the annotated line back in, with a stale decision up front as well.
  const std::string stale =
      R"({"triage":{"urgency":{"score":1,"band":"P4"}},"n":1.50,)" + first.out.substr(1);
  const ProcessResult second = RunTriage({"filter", "--config", pack_.config()}, stale);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  const std::vector<std::string> lines = SplitLines(second.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0], R"({"n":1.50,)" + first.out.substr(1, first.out.size() - 2)) << lines[0];
  size_t count = 0;
  for (size_t at = lines[0].find("\"triage\""); at != std::string::npos;
       at = lines[0].find("\"triage\"", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1U);
}

// A few thousand records of every kind, with errors and blank lines mixed in.
std::string GeneratedInput(size_t count) {
  static const char* const kTexts[] = {
      "Reporter states a 14 yo was asked to meet up in person",
      "A 9 year old is alone right now, caller says hurry",
      "Question about how to make a report",
      "Tip about a forum; no ages given",
      "HELP",
      "She is 16 yrs and was told to meet in person tonight",
  };
  std::string input;
  for (size_t i = 0; i < count; ++i) {
    if (i % 50 == 7) input += "\n";
    if (i % 97 == 3) {
      input += R"({"id":"bad-)" + std::to_string(i) + "\",\"summary\":\n";
      continue;
    }
    if (i % 89 == 5) {
      input += R"({"id":"big-)" + std::to_string(i) + R"(","summary":")" + std::string(2100, 'y') +
               "\"}\n";
      continue;
    }
    input += R"({"id":"r-)" + std::to_string(i) + R"(","kind":"report","summary":")" +
             kTexts[i % 6] + R"(","victims":[{"age":)" + std::to_string(5 + i % 20) + "}]}\n";
  }
  return input;
}

TEST_F(FilterTest, OutputIsIdenticalForAnyJobCount) {
  const std::string path = pack_.AddFile("generated.jsonl", GeneratedInput(5000));
  const ProcessResult one = RunTriage({"filter", "--config", pack_.config(), "--jobs", "1", path});
  const ProcessResult four = RunTriage({"filter", "--config", pack_.config(), "--jobs", "4", path});
  const ProcessResult three_stdin =
      RunTriage({"filter", "--config", pack_.config(), "-j", "3"}, GeneratedInput(5000));
  const ProcessResult default_jobs = RunTriage({"filter", "--config", pack_.config(), path});
  const ProcessResult line_buffered =
      RunTriage({"filter", "--config", pack_.config(), "--line-buffered", path});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(SplitLines(one.out).size(), 5000U);
  EXPECT_TRUE(one.out == four.out) << "--jobs 4 differs from --jobs 1";
  EXPECT_TRUE(one.out == three_stdin.out) << "--jobs 3 on stdin differs from --jobs 1";
  EXPECT_TRUE(one.out == default_jobs.out) << "default --jobs differs from --jobs 1";
  EXPECT_TRUE(one.out == line_buffered.out) << "--line-buffered differs from --jobs 1";
  EXPECT_EQ(four.exit_code, 1);
  EXPECT_EQ(line_buffered.exit_code, 1);
}

TEST_F(FilterTest, ConfigFromEnvironment) {
  const std::string input = Jsonl({R"({"id":"a","summary":"A 13 yo"})"});
  const ProcessResult by_flag = RunTriage({"filter", "--config", pack_.config()}, input);
  const ProcessResult by_env = RunTriage({"filter"}, input, {"TRIAGE_CONFIG=" + pack_.config()});
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_EQ(by_env.out, by_flag.out);
  EXPECT_FALSE(RulesetOf(SplitLines(by_env.out).at(0)).empty());
}

TEST_F(FilterTest, EveryDecisionCarriesTheRulesetDigest) {
  const ProcessResult check = RunTriage({"check", "--config", pack_.config()});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  const size_t at = check.out.find("sha256:");
  ASSERT_NE(at, std::string::npos);
  const std::string digest = check.out.substr(at, check.out.find('\n', at) - at);
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config()}, Jsonl({R"({"id":"a"})", R"({"id":"b"})"}));
  for (const std::string& line : SplitLines(result.out)) EXPECT_EQ(RulesetOf(line), digest);
}

TEST(FilterUsageTest, BadArgumentsExitTwo) {
  TempRulePack pack;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"filter", "--no-such-flag"},
           {"filter", "--config", pack.config(), "--output", "xml"},
           {"filter", "--config", pack.config(), "--jobs", "-1"},
           {"filter", "--config", pack.config(), "--jobs", "many"},
           {"filter", "--config", pack.config(), "a.jsonl", "b.jsonl"},
       }) {
    const ProcessResult result = RunTriage(args, Jsonl({R"({"id":"a"})"}));
    EXPECT_EQ(result.exit_code, 2) << args[1] << ": " << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_FALSE(result.err.empty());
  }
}

}  // namespace
}  // namespace triage
