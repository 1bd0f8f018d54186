// SPDX-License-Identifier: Apache-2.0
// The text report of `triage diff` (docs/diff.md): the two rulesets, the counts, the band
// transition matrix, category changes and every changed record, less urgent moves first and
// flagged '!'. The JSON form is the library's ComparisonReportToJson.
#ifndef TRIAGE_CLI_DIFF_TEXT_H_
#define TRIAGE_CLI_DIFF_TEXT_H_

#include <string>

#include "triage/compare.h"

namespace triage::cli {

// Returns the text report, ending with '\n'.
std::string RenderDiffText(const ComparisonReport& report);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_DIFF_TEXT_H_
