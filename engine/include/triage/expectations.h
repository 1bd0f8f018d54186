// SPDX-License-Identifier: Apache-2.0
// Expectations: the analyst's unit tests for a ruleset, as run by `triage test` (docs/test.md) —
// YAML files of test cases, each a record and
// what its decision must hold — a band (exact or a bound in the config's band order), a score,
// the assigned categories, the rules that fired or did not, tags and routes.
//
// Reading is in two steps, as for rules: ParseExpectationFile checks the YAML against the schema
// (unknown keys, wrong types, a case without a record or without expectations) and turns each
// case's record into JSON text; ResolveNames then checks the names a case uses (bands, categories,
// rules) against the ruleset it runs with, so that a misspelt name is an error rather than an
// expectation that silently always holds. Every problem is a triage::Diagnostic at the offending
// YAML node, rendered like any other (file:line:col, source line, caret). A problem inside a case
// makes that case invalid (it is reported and counted as failed, the others still run); a problem
// outside the cases makes the whole file invalid.
//
// CompareDecision then lists what differs between a case and the decision the engine made, and
// RunCase does both steps for one case.
//
// The functions are pure but for RunCase, which uses the Scanner it is given (not thread-safe:
// one per thread). The structs are thread-compatible.
#ifndef TRIAGE_EXPECTATIONS_H_
#define TRIAGE_EXPECTATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triage/config.h"
#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/export.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {

// A name written in an expectation file (a band, a category, a rule, a tag or a route) and where.
struct NameRef {
  std::string name;
  SourceSpan span;
};

// `band: P1` (exact) or `band: {at_least: P2, at_most: P3}` (bounds in the config's band order,
// the first band the most urgent).
struct BandExpectation {
  std::optional<NameRef> exact;
  std::optional<NameRef> at_least;
  std::optional<NameRef> at_most;
};

// `score: 55` or `score: {at_least: 50, at_most: 79}`.
struct ScoreExpectation {
  std::optional<int> exact;
  std::optional<int> at_least;
  std::optional<int> at_most;
};

// For categories, tags and routes: `[a, b]` (contains) or `{contains: [..], exactly: [..],
// not: [..]}`. `exactly` compares sets (order does not matter).
struct SetExpectation {
  std::vector<NameRef> contains;
  std::optional<std::vector<NameRef>> exactly;
  std::vector<NameRef> excludes;  // `not:`
};

// `rules: [..]` (fired) or `rules: {fired: [..], not_fired: [..]}`.
struct RulesExpectation {
  std::vector<NameRef> fired;
  std::vector<NameRef> not_fired;
};

// One case of an expectation file.
struct TestCase {
  std::string name;    // as written, or "case N" (1-based position in the file)
  uint32_t line = 0;   // 1-based line of the case
  SourceSpan span;     // of the case's first key
  std::string record;  // the record as one line of JSON text
  std::optional<BandExpectation> band;
  std::optional<ScoreExpectation> score;
  std::optional<SetExpectation> categories;
  std::optional<RulesExpectation> rules;
  std::optional<SetExpectation> tags;
  std::optional<SetExpectation> routes;
  // The problems found in this case; a case with errors is not run.
  Diagnostics diagnostics;

  bool IsValid() const { return !diagnostics.has_errors(); }
};

// One expectation file. Thread-compatible.
struct ExpectationFile {
  FileId file;
  std::string path;  // as named on the command line (or found in a directory)
  // The `config:` key resolved against the file's directory; empty when absent.
  std::string config;
  SourceSpan config_span;
  std::vector<TestCase> cases;
  // Problems outside the cases (YAML syntax, the top level, `config:`); with errors, no case runs.
  Diagnostics diagnostics;

  bool IsValid() const { return !diagnostics.has_errors(); }
};

// Parses file `file` of `sources` (named `path`) into *out. The top level is either a list of
// cases or a map {config: PATH, cases: [...]}. Never fails: problems go into out->diagnostics
// and into each case's diagnostics.
TRIAGE_EXPORT void ParseExpectationFile(const SourceManager& sources, FileId file,
                                        ExpectationFile* out);

// Checks every band, category and rule name of every case of *file against `rules` and
// its config (`unknown-name`, with a "did you mean" note where one is close).
TRIAGE_EXPORT void ResolveNames(const RuleSet& rules, ExpectationFile* file);

// Returns what differs between `test` and `decision` under `config` (its bands order the band
// bounds), one message per unmet expectation ("band: expected P1, got P2 (score 55)"); empty
// when the decision meets every expectation. REQUIRES: test.IsValid() and names resolved.
TRIAGE_EXPORT std::vector<std::string> CompareDecision(const TestCase& test,
                                                       const Decision& decision,
                                                       const EngineConfig& config);

// Returns a one-line summary of a decision: band, score, categories with scores, fired rules,
// tags and routes (for -v and the JUnit report).
TRIAGE_EXPORT std::string DescribeDecision(const Decision& decision);

// The outcome of running one case.
struct CaseRun {
  // The scan's status: not OK when the record could not be triaged (then `problems` is empty).
  Status status;
  Decision decision;
  std::vector<std::string> problems;  // CompareDecision's, when the record was triaged

  bool passed() const { return status.ok() && problems.empty(); }
};

// Triages `test`'s record with `scanner` and compares the decision with the case.
// REQUIRES: test.IsValid() and its names resolved against scanner->rules().
TRIAGE_EXPORT CaseRun RunCase(Scanner* scanner, const TestCase& test);

}  // namespace triage

#endif  // TRIAGE_EXPECTATIONS_H_
