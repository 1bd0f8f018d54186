// SPDX-License-Identifier: Apache-2.0
// ASCII tests shared by the matcher plan (an all-ASCII value takes the exact set path) and the
// analyzer (an all-ASCII value takes the segmentation shortcut).
#ifndef TRIAGE_UTIL_ASCII_H_
#define TRIAGE_UTIL_ASCII_H_

#include <string_view>

namespace triage::internal {

// True if no byte of `text` has its high bit set.
bool IsAscii(std::string_view text);

}  // namespace triage::internal

#endif  // TRIAGE_UTIL_ASCII_H_
