// SPDX-License-Identifier: Apache-2.0
// SHA-256 (OpenSSL) as lower-case hex, and the ruleset digest built on it. One implementation for
// the ruleset identity (rule_set.cc) and the audit store (entries, archive verification).
#ifndef TRIAGE_UTIL_SHA256_H_
#define TRIAGE_UTIL_SHA256_H_

#include <string>
#include <string_view>
#include <vector>

#include "triage/rule_set.h"

namespace triage::internal {

// Returns the SHA-256 of `data` as 64 lower-case hex digits. Thread-safe.
std::string Sha256Hex(std::string_view data);

// Returns "sha256:<hex>" over the canonical serialisation of a ruleset's sources (the config
// first): "triage-ruleset-v1\n" then, per source, "<name>\n<byte length>\n<text>\n".
std::string RuleSetDigest(const std::vector<RuleSetSource>& sources);

}  // namespace triage::internal

#endif  // TRIAGE_UTIL_SHA256_H_
