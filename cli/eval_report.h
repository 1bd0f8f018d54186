// SPDX-License-Identifier: Apache-2.0
// Rendering an EvalReport as text (for people, the default on stdout) and as JSON (for tools,
// --format json or --json FILE). Both keep the report's order: under-triage first, then
// categories, the band confusion, rules, the threshold sweep and the corpus summary. The HTML
// page is report_html.h. Also the small text-table helper the analyst commands share.
#ifndef TRIAGE_CLI_EVAL_REPORT_H_
#define TRIAGE_CLI_EVAL_REPORT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "triage/evaluation.h"

namespace triage::cli {

// Returns the report as text, ending with '\n'.
std::string RenderEvalText(const EvalReport& report);

// A plain-text table: columns separated by two spaces, indented by two, each column as wide as
// its widest cell; `right[i]` right-aligns column i. Returns the lines, each ending with '\n'.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows,
                        const std::vector<bool>& right);

// Returns "0.667"-style text for a ratio, "-" when absent.
std::string FormatRatio(const std::optional<double>& value);

// Returns "a, b, c" for at most `limit` names, then " and N more".
std::string JoinNames(const std::vector<std::string>& names, size_t limit);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_EVAL_REPORT_H_
