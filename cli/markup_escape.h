// SPDX-License-Identifier: Apache-2.0
// The one spelling of the five characters HTML and XML reserve: & < > " ' become &amp; &lt; &gt;
// &quot; &apos;. The HTML report (report_html.cc) and the JUnit XML (test_report.cc) both escape
// through it, so the two cannot drift apart again (they once spelled the apostrophe &#39; and
// &apos;; &apos; is valid in XML 1.0 and in HTML5).
#ifndef TRIAGE_CLI_MARKUP_ESCAPE_H_
#define TRIAGE_CLI_MARKUP_ESCAPE_H_

#include <string_view>

namespace triage::cli {

// Returns the character reference for `c` if it is one of & < > " ', else an empty view.
std::string_view MarkupReference(char c);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_MARKUP_ESCAPE_H_
