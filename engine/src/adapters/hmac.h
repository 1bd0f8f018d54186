// SPDX-License-Identifier: Apache-2.0
// The keyed hashes the adapters need, over OpenSSL's libcrypto: HMAC-SHA1 (Twilio's request
// signature) and HMAC-SHA256 (the keyed hash of a sender), plus a constant-time comparison.
// Kept here rather than in util/ because only the adapters sign anything.
#ifndef TRIAGE_ADAPTERS_HMAC_H_
#define TRIAGE_ADAPTERS_HMAC_H_

#include <string>
#include <string_view>

namespace triage::internal {

// Returns the 20 raw bytes of HMAC-SHA1(key, data). Thread-safe.
std::string HmacSha1(std::string_view key, std::string_view data);

// Returns HMAC-SHA256(key, data) as 64 lower-case hex digits. Thread-safe.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// True iff a and b are equal; the time taken depends on their lengths only, not on where they
// differ. Thread-safe.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace triage::internal

#endif  // TRIAGE_ADAPTERS_HMAC_H_
