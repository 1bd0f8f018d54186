// SPDX-License-Identifier: Apache-2.0
// Base64 (RFC 4648, section 4, with padding) over OpenSSL's libcrypto: one encoder for the audit
// store's export (a record that is not valid JSON) and Twilio's request signature (adapters/).
#ifndef TRIAGE_UTIL_BASE64_H_
#define TRIAGE_UTIL_BASE64_H_

#include <string>
#include <string_view>

namespace triage::internal {

// Returns `bytes` in standard Base64 with padding. REQUIRES: bytes.size() < 1.5 GiB (libcrypto
// counts in int). Thread-safe.
std::string Base64Encode(std::string_view bytes);

}  // namespace triage::internal

#endif  // TRIAGE_UTIL_BASE64_H_
