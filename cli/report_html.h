// SPDX-License-Identifier: Apache-2.0
// The HTML page of `triage eval --html FILE`: one self-contained document — inline CSS, charts as
// inline SVG, no script, no network, no external asset — that can be mailed or archived with the
// evaluation. Sections, in the text report's order: under-triage (a table), then one chart per
// section: score distributions by labelled band (histograms), the band confusion matrix (a
// heat-map grid), per-category precision and recall (bars), the threshold sweep (recall and load
// lines per threshold), per-rule hits (bars); then the corpus summary. Every piece of text that
// comes from rules, labels or records (ids, names, paths) is escaped.
#ifndef TRIAGE_CLI_REPORT_HTML_H_
#define TRIAGE_CLI_REPORT_HTML_H_

#include <string>

#include "triage/evaluation.h"

namespace triage::cli {

// Returns the page.
std::string RenderEvalHtml(const EvalReport& report);

// Returns `text` with & < > " ' replaced by character references (markup_escape.h).
std::string EscapeHtml(const std::string& text);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_REPORT_HTML_H_
