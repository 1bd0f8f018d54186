// SPDX-License-Identifier: Apache-2.0
// Character references for the reserved markup characters (markup_escape.h).

#include "markup_escape.h"

#include <string_view>

namespace triage::cli {

std::string_view MarkupReference(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    default:
      return {};
  }
}

}  // namespace triage::cli
