// SPDX-License-Identifier: Apache-2.0
// StringTable; see string_table.h.
#include "util/string_table.h"

#include <algorithm>

namespace triage::internal {
namespace {

uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint64_t HashWord(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (s.size() * 0xC2B2AE3D27D4EB4FULL);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t chunk = 0;
    std::memcpy(&chunk, p, 8);
    h = Mix(h ^ chunk) * 0x9E3779B97F4A7C15ULL;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // The last 1-7 bytes, with fixed-size loads (a variable memcpy is a library call): two
    // overlapping 4-byte loads from 4 bytes on, else the bytes one by one (a hash only: the
    // table compares the bytes of strings whose hashes agree).
    uint64_t chunk = 0;
    if (n >= 4) {
      uint32_t lo = 0;
      uint32_t hi = 0;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      chunk = (uint64_t{hi} << 32) | lo;
    } else {
      for (size_t i = 0; i < n; ++i) {
        chunk |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
      }
    }
    h = Mix(h ^ chunk) * 0x9E3779B97F4A7C15ULL;
  }
  return Mix(h);
}

uint32_t StringTable::Intern(std::string_view s, uint64_t hash) {
  const uint32_t found = Find(s, hash);
  if (found != kNone) return found;
  if ((size() + 1) * 2 > slots_.size()) Grow();
  const auto id = static_cast<uint32_t>(size());
  chars_.append(s.data(), s.size());
  begins_.push_back(static_cast<uint32_t>(chars_.size()));
  const auto tag = static_cast<uint32_t>(hash >> 32);
  size_t i = hash & mask_;
  while (slots_[i].id != kNone) i = (i + 1) & mask_;
  slots_[i] = {id, tag};
  return id;
}

void StringTable::Grow() {
  const size_t capacity = std::max<size_t>(16, slots_.size() * 2);
  slots_.assign(capacity, Slot());
  mask_ = capacity - 1;
  for (uint32_t id = 0; id < size(); ++id) {
    const uint64_t hash = HashWord(view(id));
    size_t i = hash & mask_;
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = {id, static_cast<uint32_t>(hash >> 32)};
  }
}

void StringTable::Clear() {
  chars_.clear();
  begins_.assign(1, 0);
  std::fill(slots_.begin(), slots_.end(), Slot());
}

}  // namespace triage::internal
