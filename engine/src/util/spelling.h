// SPDX-License-Identifier: Apache-2.0
// Message wording: "Did you mean ...?" suggestions (the closest known name by edit distance) and
// lists of names.
#ifndef TRIAGE_UTIL_SPELLING_H_
#define TRIAGE_UTIL_SPELLING_H_

#include <string>
#include <string_view>
#include <vector>

namespace triage::internal {

// Levenshtein distance between a and b.
size_t EditDistance(std::string_view a, std::string_view b);

// "a", "a and b", "a, b and c": the items of a message's list.
std::string JoinAnd(const std::vector<std::string>& items);

// Returns the candidate closest to `name` within max(2, |name|/3) edits, or "" if none.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace triage::internal

#endif  // TRIAGE_UTIL_SPELLING_H_
