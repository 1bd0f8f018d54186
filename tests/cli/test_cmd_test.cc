// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage test`: expectation files in temporary directories run by the real
// executable. A passing file and the summary line; a failing case with its file:line; every kind
// of expectation passing and failing; invalid files and cases (file:line:col diagnostics);
// directories, the default directory and a file's own `config:`; --junit well-formed and counted.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

// With kBasicRules (default bands P1 >= 80, P2 >= 50, P3 >= 20, P4):
//   kMeetTonight: minor_age_mentioned, meeting_a_minor, imminent_danger: P1 (90), enticement,
//                 tags [minor], routes [duty-officer]
//   kMeet:        minor_age_mentioned, meeting_a_minor: P2 (50), enticement, tags [minor]
//   kAgeOnly:     minor_age_mentioned: P4 (15), unclassified, tags [minor]
constexpr char kMeetTonight[] = "A 13 yo wants to meet up tonight";
constexpr char kMeet[] = "A 13 yo wants to meet up";
constexpr char kAgeOnly[] = "A 13 yo says hello";

// Returns the 1-based line of the first line of `text` containing `needle`, or 0.
size_t LineOf(const std::string& text, const std::string& needle) {
  const std::vector<std::string> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos) return i + 1;
  }
  return 0;
}

bool HasLine(const std::string& text, const std::string& line) {
  for (const std::string& l : SplitLines(text)) {
    if (l == line) return true;
  }
  return false;
}

// Returns the output line for case `name` (a PASS or FAIL line), or an empty string.
std::string CaseLine(const std::string& out, const std::string& name) {
  const std::regex re(R"(^[^ ]+:[0-9]+: (PASS|FAIL) )");
  for (const std::string& line : SplitLines(out)) {
    std::smatch match;
    if (!std::regex_search(line, match, re)) continue;
    const std::string rest = line.substr(static_cast<size_t>(match.length(0)));
    if (rest == name || rest.rfind(name + ": ", 0) == 0) return line;
  }
  return {};
}

TEST(TestCommandTest, PassingFileExitsZeroWithSummary) {
  TempRulePack pack;
  const std::string file = pack.AddFile("ok.yaml", std::string(R"(
- name: meeting tonight
  text: ")") + kMeetTonight + R"("
  band: P1
  categories: [enticement]
- text: ")" + kAgeOnly + R"("
  band: P4
  tags: [minor]
)");
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "2 passed, 0 failed\n");
  EXPECT_EQ(result.err, "");
}

TEST(TestCommandTest, VerbosePrintsPassingCases) {
  TempRulePack pack;
  const std::string text = std::string("- name: age only\n  text: \"") + kAgeOnly +
                           "\"\n  band: P4\n- text: \"" + kMeet + "\"\n  band: P2\n";
  const std::string file = pack.AddFile("ok.yaml", text);
  const ProcessResult result = RunTriage({"test", "-v", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(HasLine(result.out, file + ":1: PASS age only")) << result.out;
  // An unnamed case is named by its position.
  EXPECT_TRUE(HasLine(result.out, file + ":4: PASS case 2")) << result.out;
  EXPECT_TRUE(HasLine(result.out, "2 passed, 0 failed")) << result.out;
}

TEST(TestCommandTest, FailingCaseReportsFileLineAndDifference) {
  TempRulePack pack;
  const std::string text = std::string(R"(# a comment
- name: fine
  text: ")") + kMeet + R"("
  band: P2

- name: too low
  text: ")" + kMeet + R"("
  band: P3
)";
  const std::string file = pack.AddFile("fail.yaml", text);
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::string line = std::to_string(LineOf(text, "name: too low"));
  EXPECT_TRUE(HasLine(result.out,
                      file + ":" + line + ": FAIL too low: band: expected P3, got P2 (score 50)"))
      << result.out;
  // Without -v, passing cases are silent; the summary is the last line.
  EXPECT_EQ(CaseLine(result.out, "fine"), "") << result.out;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "1 passed, 1 failed");
  EXPECT_EQ(lines.size(), 2U) << result.out;
}

// Every kind of expectation, once passing and once failing, in one file; each case's line says
// PASS or FAIL with the difference.
TEST(TestCommandTest, EveryKindOfExpectationPassesAndFails) {
  struct Kind {
    const char* name;
    const char* text;
    const char* expectation;  // YAML lines of the case, after the record
    const char* failure;      // empty: must pass; else a substring of the FAIL line
  };
  const Kind kinds[] = {
      {"band exact ok", kMeet, "band: P2", ""},
      {"band exact bad", kMeet, "band: P1", "band: expected P1, got P2 (score 50)"},
      {"band at_least ok", kMeet, "band: {at_least: P3}", ""},
      {"band at_least equal ok", kMeet, "band: {at_least: P2}", ""},
      {"band at_least bad", kAgeOnly, "band: {at_least: P3}",
       "band: expected at least P3, got P4 (score 15)"},
      {"band at_most ok", kAgeOnly, "band: {at_most: P3}", ""},
      {"band at_most bad", kMeetTonight, "band: {at_most: P2}",
       "band: expected at most P2, got P1 (score 90)"},
      {"band range ok", kMeet, "band: {at_least: P3, at_most: P2}", ""},
      {"band range bad", kMeet, "band: {at_least: P4, at_most: P3}",
       "band: expected at most P3, got P2 (score 50)"},
      {"score exact ok", kMeet, "score: 50", ""},
      {"score exact bad", kMeet, "score: 49", "score: expected 49, got 50 (P2)"},
      {"score bounds bad", kMeet, "score: {at_least: 60}", "score: expected at least 60, got 50"},
      {"categories list ok", kMeet, "categories: [enticement]", ""},
      {"categories list bad", kAgeOnly, "categories: [enticement]",
       "categories: expected to include enticement, got [unclassified (0)]"},
      {"categories contains ok", kMeet, "categories: {contains: [enticement]}", ""},
      {"categories contains bad", kAgeOnly, "categories: {contains: [enticement]}",
       "categories: expected to include enticement"},
      {"categories exactly ok", kAgeOnly, "categories: {exactly: [unclassified]}", ""},
      {"categories exactly bad", kMeet, "categories: {exactly: [enticement, unclassified]}",
       "categories: expected exactly [enticement, unclassified], got [enticement (40)]"},
      {"categories not ok", kAgeOnly, "categories: {not: [enticement]}", ""},
      {"categories not bad", kMeet, "categories: {not: [enticement]}",
       "categories: expected not to include enticement, got [enticement (40)]"},
      {"rules list ok", kMeet, "rules: [meeting_a_minor, minor_age_mentioned]", ""},
      {"rules fired ok", kMeet, "rules: {fired: [meeting_a_minor]}", ""},
      {"rules fired bad", kAgeOnly, "rules: {fired: [meeting_a_minor]}",
       "rules: expected meeting_a_minor to fire, fired [minor_age_mentioned]"},
      {"rules not_fired ok", kMeet, "rules: {not_fired: [imminent_danger]}", ""},
      {"rules not_fired bad", kMeetTonight, "rules: {not_fired: [imminent_danger]}",
       "rules: expected imminent_danger not to fire"},
      {"tags ok", kAgeOnly, "tags: [minor]", ""},
      {"tags bad", kMeet, "tags: [imminent]", "tags: expected to include imminent, got [minor]"},
      {"tags exactly none ok", "Two adults met", "tags: {exactly: []}", ""},
      {"tags not bad", kMeet, "tags: {not: [minor]}", "tags: expected not to include minor"},
      {"routes ok", kMeetTonight, "routes: [duty-officer]", ""},
      {"routes bad", kMeet, "routes: [duty-officer]",
       "routes: expected to include duty-officer, got []"},
      {"routes not ok", kMeet, "routes: {not: [duty-officer]}", ""},
  };
  std::string yaml;
  size_t failures = 0;
  for (const Kind& kind : kinds) {
    yaml += std::string("- name: ") + kind.name + "\n  text: \"" + kind.text + "\"\n  " +
            kind.expectation + "\n";
    if (kind.failure[0] != '\0') ++failures;
  }
  TempRulePack pack;
  const std::string file = pack.AddFile("kinds.yaml", yaml);
  const ProcessResult result = RunTriage({"test", "-v", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err, "");
  for (const Kind& kind : kinds) {
    const std::string line = CaseLine(result.out, kind.name);
    const std::string where = file + ":" + std::to_string(LineOf(yaml, kind.name)) + ": ";
    if (kind.failure[0] == '\0') {
      EXPECT_EQ(line, where + "PASS " + kind.name) << result.out;
    } else {
      EXPECT_EQ(line.rfind(where + "FAIL " + std::string(kind.name) + ": ", 0), 0U)
          << kind.name << "\n"
          << result.out;
      EXPECT_NE(line.find(kind.failure), std::string::npos) << line;
    }
  }
  const size_t total = sizeof(kinds) / sizeof(kinds[0]);
  EXPECT_TRUE(HasLine(result.out, std::to_string(total - failures) + " passed, " +
                                      std::to_string(failures) + " failed"))
      << result.out;
}

TEST(TestCommandTest, SeveralDifferencesOnOneLine) {
  TempRulePack pack;
  const std::string file = pack.AddFile(
      "many.yaml", std::string("- name: all wrong\n  text: \"") + kAgeOnly +
                       "\"\n  band: P1\n  categories: [enticement]\n  rules: [meeting_a_minor]\n");
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  const std::string line = CaseLine(result.out, "all wrong");
  EXPECT_NE(line.find("band: expected P1"), std::string::npos) << line;
  EXPECT_NE(line.find("; categories: expected to include enticement"), std::string::npos) << line;
  EXPECT_NE(line.find("; rules: expected meeting_a_minor to fire"), std::string::npos) << line;
}

TEST(TestCommandTest, RecordsAsMapsAndSmsShorthand) {
  // A pack that reads kind, the SMS body and victims[].age.
  TempRulePack pack(R"(category enticement
rule sms_help { when kind == "sms" and text ~ /\bhelp\b/i  urgency +5  tag "sms" }
rule young_victim { when victim.age < 18  urgency +15  tag "minor" }
rule flagged { when url ~ /flagged/  urgency +20 }
)");
  const std::string file = pack.AddFile("records.yaml", R"(
- name: sms shorthand
  text: "HELP"
  kind: sms
  rules: [sms_help]
- name: report text is not sms
  text: "HELP"
  rules: {not_fired: [sms_help]}
- name: kind report
  text: "HELP"
  kind: report
  rules: {not_fired: [sms_help]}
- name: record as a map
  record:
    summary: "Reporter describes an unknown adult."
    victims: [{age: 12}]
    urls: ["http://example.test/flagged"]
  rules: [young_victim, flagged]
  score: 35
- name: quoted numbers are strings
  record: {summary: "x", id: "007", victims: []}
  rules: {not_fired: [young_victim]}
- name: record as JSON text
  record: '{"kind": "sms", "body": "help"}'
  tags: [sms]
)");
  const ProcessResult result = RunTriage({"test", "-v", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(HasLine(result.out, "6 passed, 0 failed")) << result.out;
}

TEST(TestCommandTest, RecordThatCannotBeTriagedFailsWithoutQuotingIt) {
  TempRulePack pack;
  const std::string file = pack.AddFile("bad_record.yaml", R"(
- name: age as text
  record: {summary: "zebracorn", victims: [{age: "twelve"}]}
  band: P4
)");
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  const std::string line = CaseLine(result.out, "age as text");
  EXPECT_NE(line.find("the record could not be triaged: wrong_type"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("zebracorn"), std::string::npos) << result.out;
  EXPECT_EQ(result.err.find("zebracorn"), std::string::npos) << result.err;
}

TEST(TestCommandTest, UnknownKeyIsReportedAtFileLineColumn) {
  TempRulePack pack;
  const std::string text = std::string("- name: good\n  text: \"") + kMeet +
                           "\"\n  band: P2\n- name: typo\n  text: \"" + kMeet +
                           "\"\n  bnad: P2\n  band: P2\n";
  const std::string file = pack.AddFile("typo.yaml", text);
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  // The H4 shape: file:line:col: error: message [code], the source line, a caret.
  EXPECT_NE(result.err.find(file + ":6:3: error: unknown key 'bnad' in 'case' [unknown-key]\n"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("    6 |   bnad: P2\n      |   ^~~~\n"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(file + ":6:3: note: did you mean 'band'?"), std::string::npos)
      << result.err;
  // The invalid case counts as failed; the valid one still runs.
  EXPECT_TRUE(HasLine(result.out, file + ":4: FAIL typo: invalid case: unknown key 'bnad' in "
                                         "'case'"))
      << result.out;
  EXPECT_TRUE(HasLine(result.out, "1 passed, 1 failed")) << result.out;
}

TEST(TestCommandTest, InvalidCasesReportEveryProblem) {
  TempRulePack pack;
  const std::string text = R"(- name: wrong types
  text: [not, a, string]
  band: {at_least: P9}
  score: "high"
  categories: {contains: [enticment]}
  rules: {fired: [no_such_rule]}
  tags: {contains: [a], sometimes: [x]}
- name: no record
  band: P1
- name: no expectations
  text: "hello"
- name: both records
  text: "a"
  record: {summary: "b"}
  band: P4
)";
  const std::string file = pack.AddFile("invalid.yaml", text);
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  const std::string expected[] = {
      file + ":2:9: error: expected a string for 'text', found a list [wrong-type]",
      file + ":3:20: error: unknown band 'P9' [unknown-name]",
      file + ":4:10: error: expected an integer for 'score', found a string [wrong-type]",
      file + ":5:27: error: unknown category 'enticment' [unknown-name]",
      file + ":5:27: note: did you mean 'enticement'?",
      file + ":6:19: error: unknown rule 'no_such_rule' [unknown-name]",
      file + ":7:25: error: unknown key 'sometimes' in 'tags' [unknown-key]",
      file + ":8:3: error: a case needs a record: 'text' or 'record' [missing-record]",
      file + ":10:3: error: a case needs at least one expectation",
      file + ":14:3: error: a case has 'text' or 'record', not both [conflicting-keys]",
  };
  for (const std::string& line : expected) {
    EXPECT_NE(result.err.find(line), std::string::npos) << line << "\n" << result.err;
  }
  EXPECT_TRUE(HasLine(result.out, "0 passed, 4 failed")) << result.out;
}

TEST(TestCommandTest, YamlSyntaxErrorFailsTheFile) {
  TempRulePack pack;
  const std::string file =
      pack.AddFile("syntax.yaml", "- name: unclosed\n  text: \"x\"\n  band: [P1\n");
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(std::regex_search(
      result.err,
      std::regex(std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                 R"(:[0-9]+:[0-9]+: error: invalid yaml: .*\[yaml-syntax\])")))
      << result.err;
  EXPECT_NE(result.out.find(file), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("FAIL (file): invalid expectation file"), std::string::npos)
      << result.out;
  EXPECT_TRUE(HasLine(result.out, "0 passed, 1 failed")) << result.out;
}

TEST(TestCommandTest, UnknownTopLevelKeyFailsTheFile) {
  TempRulePack pack;
  const std::string file = pack.AddFile("top.yaml", "confg: triage.yaml\ncases: []\n");
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(file + ":1:1: error: unknown key 'confg' [unknown-key]"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("did you mean 'config'?"), std::string::npos) << result.err;
  EXPECT_TRUE(HasLine(result.out, "0 passed, 1 failed")) << result.out;
}

TEST(TestCommandTest, DirectoryRunsItsYamlFilesInOrder) {
  TempRulePack pack;
  // Not the pack's own directory: triage.yaml is a *.yaml too.
  const std::string dir = pack.dir() + "/cases";
  ASSERT_TRUE(std::filesystem::create_directory(dir));
  ASSERT_TRUE(test_support::WriteFile(dir + "/b.yaml", "- text: \"x\"\n  band: P4\n"));
  ASSERT_TRUE(test_support::WriteFile(dir + "/a.yaml", "- text: \"y\"\n  band: P4\n"));
  ASSERT_TRUE(test_support::WriteFile(dir + "/c.yml", "- text: \"z\"\n  band: P4\n"));
  ASSERT_TRUE(test_support::WriteFile(dir + "/README.md", "# notes\n"));
  const ProcessResult result = RunTriage({"test", "-v", "--config", pack.config(), dir});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 4U) << result.out;
  EXPECT_EQ(lines[0], dir + "/a.yaml:1: PASS case 1");
  EXPECT_EQ(lines[1], dir + "/b.yaml:1: PASS case 1");
  EXPECT_EQ(lines[2], dir + "/c.yml:1: PASS case 1");
  EXPECT_EQ(lines[3], "3 passed, 0 failed");
}

TEST(TestCommandTest, DefaultDirectoryIsTestsNextToTheConfig) {
  TempRulePack pack;
  const std::string dir = pack.dir() + "/tests";
  ASSERT_TRUE(std::filesystem::create_directory(dir));
  ASSERT_TRUE(test_support::WriteFile(
      dir + "/x.yaml", std::string("- text: \"") + kMeetTonight + "\"\n  band: P1\n"));
  const ProcessResult result = RunTriage({"test", "--config", pack.config()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "1 passed, 0 failed\n");
  // TRIAGE_CONFIG works as --config.
  const ProcessResult env = RunTriage({"test"}, "", {"TRIAGE_CONFIG=" + pack.config()});
  EXPECT_EQ(env.exit_code, 0) << env.out << env.err;
  EXPECT_EQ(env.out, "1 passed, 0 failed\n");
}

TEST(TestCommandTest, FileConfigIsRelativeToTheFile) {
  TempRulePack pack;
  ASSERT_TRUE(std::filesystem::create_directory(pack.dir() + "/sub"));
  const std::string file = pack.dir() + "/sub/own.yaml";
  ASSERT_TRUE(test_support::WriteFile(
      file, std::string("config: ../triage.yaml\ncases:\n  - text: \"") + kMeet +
                "\"\n    band: P2\n    rules: [meeting_a_minor]\n"));
  // No --config: the file's own config is used.
  const ProcessResult result = RunTriage({"test", file});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "1 passed, 0 failed\n");
}

TEST(TestCommandTest, FileConfigThatDoesNotLoadFailsTheFile) {
  TempRulePack pack;
  const std::string file =
      pack.AddFile("own.yaml", "config: missing.yaml\ncases:\n  - text: \"x\"\n    band: P4\n");
  const ProcessResult result = RunTriage({"test", "--config", pack.config(), file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(file + ":1:9: error: "), std::string::npos) << result.err;
  EXPECT_TRUE(HasLine(result.out, "0 passed, 1 failed")) << result.out;
}

TEST(TestCommandTest, MissingPathExitsOne) {
  TempRulePack pack;
  const ProcessResult result =
      RunTriage({"test", "--config", pack.config(), pack.dir() + "/nope.yaml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("nope.yaml"), std::string::npos) << result.err;
}

TEST(TestCommandTest, UnknownFlagExitsTwo) {
  const ProcessResult result = RunTriage({"test", "--frobnicate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
}

// A minimal XML reader for the JUnit report: checks that tags balance, that text and attribute
// values hold no raw '<' or stray '&', and collects elements with their attributes.
struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
};

bool ReadXml(const std::string& xml, std::vector<XmlElement>* elements, std::string* problem) {
  const std::regex entity(R"(^&(amp|lt|gt|quot|apos|#[0-9]+);)");
  const auto check_text = [&](const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '<') return false;
      if (text[i] == '&' && !std::regex_search(text.substr(i, 8), entity)) return false;
    }
    return true;
  };
  std::vector<std::string> open;
  size_t i = 0;
  if (xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) != 0) {
    *problem = "no XML declaration";
    return false;
  }
  i = xml.find('\n') + 1;
  while (i < xml.size()) {
    const size_t lt = xml.find('<', i);
    if (!check_text(xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i))) {
      *problem = "bad text near offset " + std::to_string(i);
      return false;
    }
    if (lt == std::string::npos) break;
    // Find the end of the tag, skipping quoted attribute values.
    size_t gt = lt + 1;
    char quote = 0;
    for (; gt < xml.size(); ++gt) {
      if (quote != 0) {
        if (xml[gt] == quote) quote = 0;
        if (xml[gt] == '<') {
          *problem = "raw '<' in an attribute";
          return false;
        }
      } else if (xml[gt] == '"' || xml[gt] == '\'') {
        quote = xml[gt];
      } else if (xml[gt] == '>') {
        break;
      }
    }
    if (gt >= xml.size()) {
      *problem = "unterminated tag";
      return false;
    }
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (!tag.empty() && tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) {
        *problem = "unbalanced </" + tag.substr(1) + ">";
        return false;
      }
      open.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    XmlElement element;
    std::smatch match;
    if (!std::regex_search(tag, match, std::regex(R"(^[A-Za-z_][A-Za-z0-9_.-]*)"))) {
      *problem = "bad tag name";
      return false;
    }
    element.name = match.str(0);
    const std::regex attribute(R"re(\s+([A-Za-z_:][A-Za-z0-9_.:-]*)="([^"]*)")re");
    std::string rest = match.suffix();
    while (std::regex_search(rest, match, attribute)) {
      if (match.position(0) != 0) break;
      if (!check_text(match.str(2))) {
        *problem = "bad attribute value";
        return false;
      }
      element.attributes[match.str(1)] = match.str(2);
      rest = match.suffix();
    }
    if (rest.find_first_not_of(" \t\n") != std::string::npos) {
      *problem = "junk in tag <" + tag + ">";
      return false;
    }
    elements->push_back(element);
    if (!self_closing) open.push_back(element.name);
  }
  if (!open.empty()) {
    *problem = "unclosed <" + open.back() + ">";
    return false;
  }
  return true;
}

TEST(TestCommandTest, JunitReportIsWellFormedAndCounted) {
  TempRulePack pack;
  pack.AddFile("one.yaml", std::string(R"(- name: passes <&> "quoted" 'too'
  text: ")") + kMeet + R"("
  band: P2
- name: fails
  text: ")" + kMeet + R"("
  band: P1
  categories: {exactly: [unclassified]}
)");
  pack.AddFile("two.yaml", "- name: invalid\n  txt: \"x\"\n  band: P4\n");
  const std::string dir = pack.dir();
  const std::string junit = dir + "/report.xml";
  const ProcessResult result = RunTriage(
      {"test", "--config", pack.config(), "--junit", junit, dir + "/one.yaml", dir + "/two.yaml"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(HasLine(result.out, "1 passed, 2 failed")) << result.out;

  std::ifstream in(junit, std::ios::binary);
  ASSERT_TRUE(in) << "no report at " << junit;
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<XmlElement> elements;
  std::string problem;
  ASSERT_TRUE(ReadXml(xml, &elements, &problem)) << problem << "\n" << xml;

  std::map<std::string, int> counts;
  for (const XmlElement& e : elements) ++counts[e.name];
  EXPECT_EQ(counts["testsuites"], 1);
  EXPECT_EQ(counts["testsuite"], 2);
  EXPECT_EQ(counts["testcase"], 3);
  EXPECT_EQ(counts["failure"], 1);
  EXPECT_EQ(counts["error"], 1);
  ASSERT_FALSE(elements.empty());
  EXPECT_EQ(elements[0].name, "testsuites");
  EXPECT_EQ(elements[0].attributes["tests"], "3");
  EXPECT_EQ(elements[0].attributes["failures"], "1");
  EXPECT_EQ(elements[0].attributes["errors"], "1");
  for (const XmlElement& e : elements) {
    if (e.name == "testsuite" && e.attributes.at("name") == dir + "/one.yaml") {
      EXPECT_EQ(e.attributes.at("tests"), "2");
      EXPECT_EQ(e.attributes.at("failures"), "1");
    }
    if (e.name == "testcase" && e.attributes.at("name").rfind("passes", 0) == 0) {
      EXPECT_EQ(e.attributes.at("name"), "passes &lt;&amp;&gt; &quot;quoted&quot; &apos;too&apos;");
      EXPECT_EQ(e.attributes.at("line"), "1");
    }
    if (e.name == "failure") {
      EXPECT_NE(e.attributes.at("message").find("band: expected P1, got P2 (score 50)"),
                std::string::npos);
      EXPECT_NE(e.attributes.at("message").find("; categories: expected exactly [unclassified]"),
                std::string::npos);
    }
  }
}

TEST(TestCommandTest, JunitUnwritableExitsOne) {
  TempRulePack pack;
  const std::string file =
      pack.AddFile("ok.yaml", std::string("- text: \"") + kMeet + "\"\n  band: P2\n");
  const ProcessResult result = RunTriage(
      {"test", "--config", pack.config(), "--junit", pack.dir() + "/no/such/dir/r.xml", file});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("r.xml"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace triage
