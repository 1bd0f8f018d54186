// SPDX-License-Identifier: Apache-2.0
// Reporting a failed Status, and progress lines, on stderr (report_status.h).

#include "report_status.h"

#include <cstdio>
#include <string>

#include "triage/status.h"

namespace triage::cli {

int ReportFailure(const Status& status, int exit_code) {
  std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
  return exit_code;
}

void Log(const std::string& line) { std::fprintf(stderr, "triage: %s\n", line.c_str()); }

}  // namespace triage::cli
