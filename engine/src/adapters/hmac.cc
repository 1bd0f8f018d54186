// SPDX-License-Identifier: Apache-2.0
// HMAC-SHA1, HMAC-SHA256 and a constant-time comparison (hmac.h), over libcrypto.
#include "adapters/hmac.h"

#include <array>
#include <string>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace triage::internal {
namespace {

std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  // A zero-length key is passed as a valid pointer: HMAC() reads no byte of it.
  static constexpr unsigned char kEmpty = 0;
  const void* key_bytes = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  const auto* data_bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (HMAC(md, key_bytes, static_cast<int>(key.size()), data.empty() ? &kEmpty : data_bytes,
           data.size(), out.data(), &size) == nullptr) {
    return std::string();  // libcrypto failed (out of memory): nothing matches it
  }
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

}  // namespace

std::string HmacSha1(std::string_view key, std::string_view data) {
  return Hmac(EVP_sha1(), key, data);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string raw = Hmac(EVP_sha256(), key, data);
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace triage::internal
