// SPDX-License-Identifier: Apache-2.0
// The reporters of the analyst commands, chosen by format (reporter.h).

#include "reporter.h"

#include <memory>
#include <string>
#include <string_view>

#include "triage/compare.h"
#include "triage/evaluation.h"

#include "diff_text.h"
#include "eval_report.h"
#include "report_html.h"

namespace triage::cli {
namespace {

// A reporter that is one rendering function.
template <typename Report, std::string (*kRender)(const Report&)>
class FunctionReporter : public Reporter<Report> {
 public:
  std::string Render(const Report& report) const override { return kRender(report); }
};

}  // namespace

std::unique_ptr<Reporter<EvalReport>> MakeEvalReporter(std::string_view format) {
  if (format == "json") return std::make_unique<FunctionReporter<EvalReport, EvalReportToJson>>();
  if (format == "html") return std::make_unique<FunctionReporter<EvalReport, RenderEvalHtml>>();
  return std::make_unique<FunctionReporter<EvalReport, RenderEvalText>>();
}

std::unique_ptr<Reporter<ComparisonReport>> MakeDiffReporter(std::string_view format) {
  if (format == "json") {
    return std::make_unique<FunctionReporter<ComparisonReport, ComparisonReportToJson>>();
  }
  return std::make_unique<FunctionReporter<ComparisonReport, RenderDiffText>>();
}

}  // namespace triage::cli
