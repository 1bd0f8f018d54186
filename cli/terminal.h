// SPDX-License-Identifier: Apache-2.0
// Terminal detection for the CLI: line buffering when stdout is a terminal, colour only on a
// terminal and never with NO_COLOR set (https://no-color.org), progress only on a terminal.
#ifndef TRIAGE_CLI_TERMINAL_H_
#define TRIAGE_CLI_TERMINAL_H_

namespace triage::cli {

// Returns true if file descriptor `fd` is a terminal.
bool IsTerminal(int fd);

// Returns true if output to `fd` may be coloured: it is a terminal and NO_COLOR is unset or empty.
bool ColorEnabled(int fd);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_TERMINAL_H_
