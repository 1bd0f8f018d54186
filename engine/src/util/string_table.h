// SPDX-License-Identifier: Apache-2.0
// StringTable: interns strings as dense ids (0, 1, 2, ...) and finds them again from a
// std::string_view without building a std::string (C++17's unordered_map has no heterogeneous
// lookup, so every probe of a std::string-keyed map made a key). The word-level layer looks up
// every token of every record: the normalisation dictionary, the term vocabulary, the scanner's
// cache of the forms it has seen.
//
// Layout: the strings are stored back to back in one buffer; an open-addressing table (linear
// probing, power-of-two capacity, at most half full) holds each string's id and a 32-bit hash
// tag, so that a probe compares bytes only when the tags agree (growing rehashes the strings).
// Ids never change once given; views returned by view() are valid until the next Intern or Clear.
#ifndef TRIAGE_UTIL_STRING_TABLE_H_
#define TRIAGE_UTIL_STRING_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace triage::internal {

// A hash of `s` for tables of words (short keys): 8 bytes at a time, a multiply-xorshift mix.
uint64_t HashWord(std::string_view s);

// Not thread-safe for writing; const methods may be called concurrently.
class StringTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // The id of `s`, or kNone.
  uint32_t Find(std::string_view s) const { return Find(s, HashWord(s)); }
  // The same, given `hash` == HashWord(s).
  uint32_t Find(std::string_view s, uint64_t hash) const {
    if (slots_.empty()) return kNone;
    const auto tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == kNone) return kNone;
      if (slot.tag == tag && view(slot.id) == s) return slot.id;
    }
  }

  // The id of `s`, adding it if it is new (ids are given in order: the first string is 0).
  uint32_t Intern(std::string_view s) { return Intern(s, HashWord(s)); }
  uint32_t Intern(std::string_view s, uint64_t hash);

  // The string of id `id`. REQUIRES: id < size().
  std::string_view view(uint32_t id) const {
    return {chars_.data() + begins_[id], begins_[id + 1] - begins_[id]};
  }

  size_t size() const { return begins_.size() - 1; }
  bool empty() const { return size() == 0; }

  // Forgets every string (keeps the memory).
  void Clear();

 private:
  struct Slot {
    uint32_t id = kNone;
    uint32_t tag = 0;
  };
  void Grow();

  std::string chars_;
  std::vector<uint32_t> begins_{0};  // string i is chars_[begins_[i], begins_[i + 1])
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace triage::internal

#endif  // TRIAGE_UTIL_STRING_TABLE_H_
