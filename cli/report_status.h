// SPDX-License-Identifier: Apache-2.0
// The CLI's one error convention: library and CLI helpers return Status / Result<T> (never bool
// plus a message already printed, never "an empty string means ok"); a command that gives up on
// a Status reports it here, as "triage: error: <message>" on stderr, and exits with a code.
#ifndef TRIAGE_CLI_REPORT_STATUS_H_
#define TRIAGE_CLI_REPORT_STATUS_H_

#include <string>

#include "triage/status.h"

namespace triage::cli {

// Writes "triage: error: <status.message()>\n" to stderr and returns `exit_code`.
// REQUIRES: !status.ok().
int ReportFailure(const Status& status, int exit_code);

// Writes "triage: <line>\n" to stderr: the progress lines of the long-running commands (serve,
// worker).
void Log(const std::string& line);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_REPORT_STATUS_H_
