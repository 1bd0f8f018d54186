// SPDX-License-Identifier: Apache-2.0
// Reporters (google/benchmark's BenchmarkReporter idea): the analyst commands compute their
// results as library data — EvalReport (triage/evaluation.h), ComparisonReport
// (triage/compare.h), ExplainReport (explain_reporter.h) — and a reporter chosen by --format
// turns the data into bytes. Adding a format is adding a reporter; the command does not change.
//
// Where renderers live. The JSON forms are the library's (EvalReportToJson,
// ComparisonReportToJson, ExplainReportToJson): the intake service's analyst page and any
// binding need the same bytes, and the library is where the one JSON writer lives. Text, HTML
// and JUnit are presentation for a terminal, a mailed report and a CI system: they stay here, in
// the CLI, until a second driver needs them.
#ifndef TRIAGE_CLI_REPORTER_H_
#define TRIAGE_CLI_REPORTER_H_

#include <memory>
#include <string>
#include <string_view>

#include "triage/compare.h"
#include "triage/evaluation.h"

namespace triage::cli {

// Renders one report of type `Report`. Implementations are stateless: thread-safe.
template <typename Report>
class Reporter {
 public:
  virtual ~Reporter() = default;
  // Returns the whole rendering of `report` (ending with '\n').
  virtual std::string Render(const Report& report) const = 0;
};

// `triage eval`: "text" (eval_report.cc), "json" (the library's), "html" (report_html.cc).
// REQUIRES: one of those formats.
std::unique_ptr<Reporter<EvalReport>> MakeEvalReporter(std::string_view format);

// `triage diff`: "text" (diff.cc) or "json" (the library's). REQUIRES: one of those formats.
std::unique_ptr<Reporter<ComparisonReport>> MakeDiffReporter(std::string_view format);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_REPORTER_H_
