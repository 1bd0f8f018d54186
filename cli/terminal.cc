// SPDX-License-Identifier: Apache-2.0
// Terminal detection (terminal.h).

#include "terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace triage::cli {

bool IsTerminal(int fd) { return isatty(fd) == 1; }

bool ColorEnabled(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return IsTerminal(fd);
}

}  // namespace triage::cli
