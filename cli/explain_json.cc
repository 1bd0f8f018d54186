// SPDX-License-Identifier: Apache-2.0
// The JSON reporter of `triage explain` (explain_reporter.h): the library's JSON forms.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "triage/decision.h"
#include "triage/explain_report.h"
#include "triage/status.h"

#include "explain_reporter.h"

namespace triage::cli {
namespace {

class JsonExplainReporter : public ExplainReporter {
 public:
  std::string Record(const ExplainReport& report) const override {
    return ExplainReportToJson(report);
  }
  std::string Error(uint64_t line, const std::optional<std::string>& id,
                    const Status& error) const override {
    return FormatErrorLine(line, id, error);
  }
};

}  // namespace

std::unique_ptr<ExplainReporter> MakeJsonExplainReporter() {
  return std::make_unique<JsonExplainReporter>();
}

}  // namespace triage::cli
