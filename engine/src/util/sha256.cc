// SPDX-License-Identifier: Apache-2.0
// SHA-256 helpers; see sha256.h.
#include "util/sha256.h"

#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <memory>

namespace triage::internal {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

std::string Sha256Hex(std::string_view data) {
  // OpenSSL 3 looks the algorithm up on every EVP_Digest(..., EVP_sha256(), ...) call, which costs
  // more than hashing a short entry: fetch it once, and keep one context per thread.
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = sha256 != nullptr ? sha256 : EVP_sha256();
#else
  const EVP_MD* md = EVP_sha256();
#endif
  thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(),
                                                                                EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (context == nullptr || EVP_DigestInit_ex(context.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  }
  std::string out;
  out.reserve(size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHexDigits[digest[i] >> 4];
    out += kHexDigits[digest[i] & 15];
  }
  return out;
}

std::string RuleSetDigest(const std::vector<RuleSetSource>& sources) {
  std::string data = "triage-ruleset-v1\n";
  for (const RuleSetSource& source : sources) {
    data += source.name;
    data += '\n';
    data += std::to_string(source.text.size());
    data += '\n';
    data += source.text;
    data += '\n';
  }
  return "sha256:" + Sha256Hex(data);
}

}  // namespace triage::internal
