// SPDX-License-Identifier: Apache-2.0
// End-to-end test helpers (cli_harness.h).

#include "support/cli_harness.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support/run_process.h"

#ifndef TRIAGE_BINARY
#error "TRIAGE_BINARY must name the triage executable"
#endif

namespace triage::test_support {

const char kBasicRules[] = R"(# A small pack for the end-to-end tests.
category enticement "Online enticement of children for sexual acts"

pattern minor_age = /\b(?:[5-9]|1[0-7])\s*(?:yo|y\/o|yrs?|years?[ -]old)\b/i
list    meet_up   = "meet up", "meet in person"

rule minor_age_mentioned "A minor's age appears in the text" {
  when    text ~ minor_age or victim.age < 18
  urgency +15
  tag     "minor"
}

rule meeting_a_minor "Arranging to meet a minor in person" {
  when     minor_age_mentioned and text ~ any(meet_up)
  urgency  +35
  category enticement +40
}

rule imminent_danger {
  when    text ~ /\b(right now|tonight|hurry)\b/i and minor_age_mentioned
  urgency >= 90
  route   "duty-officer"
}
)";

std::string TriageBinary() { return TRIAGE_BINARY; }

ProcessOptions TriageProcessOptions() {
  ProcessOptions options;
  options.set_env = {"NO_COLOR=1"};
  options.unset_env = {"TRIAGE_CONFIG",
                       "TRIAGE_JOBS",
                       "TRIAGE_SENDER_SECRET",
                       "TRIAGE_SENDER_SECRET_FILE",
                       "TRIAGE_LISTEN",
                       "TRIAGE_SERVE_TOKEN",
                       "TRIAGE_TWILIO_AUTH_TOKEN",
                       "TRIAGE_PUBLIC_URL"};
  return options;
}

ProcessResult RunTriage(const std::vector<std::string>& args, const std::string& stdin_data,
                        const std::vector<std::string>& set_env) {
  std::vector<std::string> argv = {TriageBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options = TriageProcessOptions();
  options.stdin_data = stdin_data;
  options.set_env.insert(options.set_env.end(), set_env.begin(), set_env.end());
  ProcessResult result = RunProcess(argv, options);
  EXPECT_FALSE(result.timed_out) << "triage timed out";
  return result;
}

TempRulePack::TempRulePack(std::string_view rules, std::string_view yaml_extra) {
  dir_ = MakeTempDir("triage-cli-test-");
  EXPECT_FALSE(dir_.empty()) << "cannot create a temporary directory";
  std::string yaml = "rules: [test.rules]\n";
  if (yaml_extra.find("limits:") == std::string_view::npos) {
    yaml += "limits:\n  max_record_bytes: 2048\n";
  }
  yaml += yaml_extra;
  AddFile("triage.yaml", yaml);
  SetRules(rules);
}

TempRulePack::~TempRulePack() {
  if (dir_.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

void TempRulePack::SetRules(std::string_view rules) { AddFile("test.rules", rules); }

std::string TempRulePack::AddFile(const std::string& name, std::string_view text) {
  const std::string path = dir_ + "/" + name;
  EXPECT_TRUE(WriteFile(path, text)) << "cannot write " << path;
  return path;
}

namespace {

bool ParseObject(const std::string& line, rapidjson::Document* document) {
  document->Parse(line.c_str(), line.size());
  return !document->HasParseError() && document->IsObject();
}

const rapidjson::Value* Member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

std::string RulesetOf(const std::string& line) {
  rapidjson::Document document;
  if (!ParseObject(line, &document)) return {};
  const rapidjson::Value* triage = Member(document, "triage");
  const rapidjson::Value* ruleset = triage != nullptr ? Member(*triage, "ruleset") : nullptr;
  return ruleset != nullptr && ruleset->IsString() ? ruleset->GetString() : "";
}

std::string ErrorCodeOf(const std::string& line) {
  rapidjson::Document document;
  if (!ParseObject(line, &document)) return {};
  const rapidjson::Value* triage = Member(document, "triage");
  const rapidjson::Value* error = triage != nullptr ? Member(*triage, "error") : nullptr;
  const rapidjson::Value* code = error != nullptr ? Member(*error, "code") : nullptr;
  return code != nullptr && code->IsString() ? code->GetString() : "";
}

int64_t ErrorLineNumberOf(const std::string& line) {
  rapidjson::Document document;
  if (!ParseObject(line, &document)) return -1;
  const rapidjson::Value* number = Member(document, "line");
  return number != nullptr && number->IsInt64() ? number->GetInt64() : -1;
}

std::string Jsonl(std::initializer_list<std::string_view> lines) {
  std::string text;
  for (std::string_view line : lines) {
    text.append(line);
    text.push_back('\n');
  }
  return text;
}

bool IsJson(const std::string& line) {
  rapidjson::Document document;
  document.Parse(line.c_str(), line.size());
  return !document.HasParseError();
}

}  // namespace triage::test_support
