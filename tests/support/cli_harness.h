// SPDX-License-Identifier: Apache-2.0
// Helpers for the end-to-end tests of the `triage` executable (tests/cli): running it with a
// clean environment, small rule packs in temporary directories, and reading JSON output lines.
#ifndef TRIAGE_TESTS_SUPPORT_CLI_HARNESS_H_
#define TRIAGE_TESTS_SUPPORT_CLI_HARNESS_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "support/run_process.h"

namespace triage::test_support {

// A small pack in the rule language: a minor's age (text or victim.age, compared numerically),
// a meeting, imminence. Three rules, category `enticement` (plus the fallback).
extern const char kBasicRules[];

// Returns the path of the triage executable under test.
std::string TriageBinary();

// Runs the triage executable with `args`, `stdin_data` on stdin, NO_COLOR set and the TRIAGE_*
// variables unset (plus `set_env`, "NAME=value").
ProcessResult RunTriage(const std::vector<std::string>& args, const std::string& stdin_data = "",
                        const std::vector<std::string>& set_env = {});

// The options RunTriage uses, for starting a Subprocess the same way.
ProcessOptions TriageProcessOptions();

// A rule pack in a fresh temporary directory: triage.yaml listing test.rules, with
// limits.max_record_bytes = 2048 unless `yaml_extra` says otherwise. Removed when destroyed.
class TempRulePack {
 public:
  explicit TempRulePack(std::string_view rules = kBasicRules, std::string_view yaml_extra = "");
  ~TempRulePack();
  TempRulePack(const TempRulePack&) = delete;
  TempRulePack& operator=(const TempRulePack&) = delete;

  const std::string& dir() const { return dir_; }
  // The path of triage.yaml.
  std::string config() const { return dir_ + "/triage.yaml"; }
  // Replaces test.rules (atomically).
  void SetRules(std::string_view rules);
  // Writes another file into the pack's directory; returns its path.
  std::string AddFile(const std::string& name, std::string_view text);

 private:
  std::string dir_;
};

// Returns the value of the string member "ruleset" of the "triage" object of an output line, or
// an empty string.
std::string RulesetOf(const std::string& line);
// Returns the "code" of an error line, or an empty string if `line` is not an error line.
std::string ErrorCodeOf(const std::string& line);
// Returns the "line" member of an error line, or -1.
int64_t ErrorLineNumberOf(const std::string& line);
// Returns the lines joined as JSON Lines text, each ended by '\n'.
std::string Jsonl(std::initializer_list<std::string_view> lines);
// Returns true if `line` is one valid JSON value.
bool IsJson(const std::string& line);

}  // namespace triage::test_support

#endif  // TRIAGE_TESTS_SUPPORT_CLI_HARNESS_H_
