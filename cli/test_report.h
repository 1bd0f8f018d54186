// SPDX-License-Identifier: Apache-2.0
// The outcome of a `triage test` run — per expectation file, per case: passed, failed (with what
// differed) or in error (the case or file is invalid) — and its JUnit XML form (--junit), the
// format CI systems (Jenkins, GitLab, GitHub Actions reporters) read: one <testsuite> per file,
// one <testcase> per case, <failure> for an unmet expectation and <error> for an invalid case or
// file. Text is escaped for XML, characters XML 1.0 cannot hold are replaced by U+FFFD, and the
// output is deterministic (no timestamps or durations).
#ifndef TRIAGE_CLI_TEST_REPORT_H_
#define TRIAGE_CLI_TEST_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "triage/status.h"

namespace triage::cli {

enum class CaseStatus { kPassed, kFailed, kError };

struct CaseOutcome {
  std::string name;
  uint32_t line = 0;  // 1-based line of the case in its file
  CaseStatus status = CaseStatus::kPassed;
  // Failed: what differed, one item per unmet expectation. Error: the problems, one per item.
  std::vector<std::string> problems;
  // More context: the decision the engine made (failed), or the rendered diagnostics (error).
  std::string detail;
};

struct SuiteOutcome {
  std::string path;  // the expectation file
  std::vector<CaseOutcome> cases;

  size_t Count(CaseStatus status) const;
};

// Returns the JUnit XML document for `suites`:
//   <testsuites name="triage" tests=.. failures=.. errors=..>
//     <testsuite name=PATH tests=.. failures=.. errors=.. skipped="0">
//       <testcase name=.. classname=.. file=PATH line=..>[<failure|error message=..>..</..>]
// classname is PATH without its extension, '/' turned into '.', so that CI tools group cases by
// directory and file.
std::string RenderJUnitXml(const std::vector<SuiteOutcome>& suites);

// Reports a `triage test` run (google/benchmark's BenchmarkReporter idea): the run hands each
// case's outcome to every reporter as it finishes, then the whole run once at the end. Not
// thread-safe (one run, one thread).
class TestReporter {
 public:
  virtual ~TestReporter() = default;
  // Called once per case of file `path`, as soon as it has run (or was found invalid).
  virtual void ReportCase(const std::string& path, const CaseOutcome& outcome) = 0;
  // Called once, after the last case. Returns IoError if the report could not be written.
  virtual Status Finish(const std::vector<SuiteOutcome>& suites) = 0;
};

// The console: on stdout, a FAIL line per failing case (a PASS line per passing one too when
// `verbose`, and the decision under each failure), then "N passed, M failed". `color`: PASS in
// green, FAIL in red.
std::unique_ptr<TestReporter> MakeConsoleTestReporter(bool verbose, bool color);

// JUnit XML (RenderJUnitXml), written to `path` at the end.
std::unique_ptr<TestReporter> MakeJUnitTestReporter(std::string path);

// Returns `text` escaped for XML: for an attribute value (line breaks and tabs as character
// references, which attribute normalisation would otherwise turn into spaces) or for element
// content (line breaks and tabs kept).
std::string XmlEscape(const std::string& text, bool attribute = true);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_TEST_REPORT_H_
