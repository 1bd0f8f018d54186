// SPDX-License-Identifier: Apache-2.0
// The analyst page (GET /): serve/analyst_page.html, compiled into the binary so that the service
// needs no file beside it. CMake writes the definition from the HTML file (analyst_page.cc.in).
#ifndef TRIAGE_SERVE_ANALYST_PAGE_H_
#define TRIAGE_SERVE_ANALYST_PAGE_H_

#include <string_view>

namespace triage::serve {

// Returns the page's HTML (UTF-8). Static storage.
std::string_view AnalystPage();

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_ANALYST_PAGE_H_
