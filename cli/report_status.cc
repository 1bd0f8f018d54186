// SPDX-License-Identifier: Apache-2.0
// Reporting a failed Status on stderr (report_status.h).

#include "report_status.h"

#include <cstdio>

#include "triage/status.h"

namespace triage::cli {

int ReportFailure(const Status& status, int exit_code) {
  std::fprintf(stderr, "triage: error: %s\n", status.message().c_str());
  return exit_code;
}

}  // namespace triage::cli
