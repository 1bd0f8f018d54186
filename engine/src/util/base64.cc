// SPDX-License-Identifier: Apache-2.0
// Base64Encode (base64.h), with libcrypto's EVP_EncodeBlock.
#include "util/base64.h"

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace triage::internal {

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(written > 0 ? static_cast<size_t>(written) : 0);
  return out;
}

}  // namespace triage::internal
