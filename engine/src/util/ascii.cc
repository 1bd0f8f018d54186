// SPDX-License-Identifier: Apache-2.0
#include "util/ascii.h"

#include <cstdint>
#include <cstring>

namespace triage::internal {

bool IsAscii(std::string_view text) {
  // Eight bytes at a time; the compiler vectorises the loop.
  const char* p = text.data();
  size_t n = text.size();
  uint64_t any = 0;
  while (n >= 8) {
    uint64_t word = 0;
    std::memcpy(&word, p, 8);
    any |= word;
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    any |= static_cast<unsigned char>(*p);
    ++p;
    --n;
  }
  return (any & 0x8080808080808080ULL) == 0;
}

}  // namespace triage::internal
