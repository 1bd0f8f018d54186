// SPDX-License-Identifier: Apache-2.0
// JsonOut: a compact JSON writer into a std::string, with the part of rapidjson's Writer
// interface the decision lines use (StartObject, EndObject, StartArray, EndArray, Key, String,
// Int, Uint64, Bool) and byte for byte its output: the same separators, the same escapes
// (\" \\ \b \t \n \f \r, other bytes below 0x20 as \u00XX with upper-case hex digits, every
// other byte as is, UTF-8 included, as rapidjson's UTF-8 to UTF-8 Writer without validation
// writes them) and the same decimal integers.
//
// Why not rapidjson: `triage filter` writes a line of ~1.7 KB per report for the default pack
// (every fired rule with its scores), and rapidjson's Writer tests and copies each byte through
// its stream one at a time, behind a reserve per string; that was a tenth of the filter's CPU.
// JsonOut grows its string ahead of the bytes and writes them in place. The output contract
// (decision.h) is rapidjson's, so json_out_test.cc compares the two on every byte value.
//
// Not thread-safe; cheap, one per line. No validation: a caller that ends more than it starts,
// or writes a value where a key is due, gets what it wrote (as with rapidjson in release builds).
#ifndef TRIAGE_OUTPUT_JSON_OUT_H_
#define TRIAGE_OUTPUT_JSON_OUT_H_

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace triage::internal {

class JsonOut {
 public:
  // Writes into *out, appending (the caller clears it if it wants). *out holds the bytes written
  // once Finish has been called; until then it is larger, its tail unspecified.
  explicit JsonOut(std::string* out) : out_(out), size_(out->size()) {}

  // Trims *out to what was written. REQUIRES: called once, after the last write.
  void Finish() { out_->resize(size_); }

  bool StartObject() {
    Prefix();
    Put('{');
    levels_.push_back({false, 0});
    return true;
  }
  bool EndObject() {
    levels_.pop_back();
    Put('}');
    return true;
  }
  bool StartArray() {
    Prefix();
    Put('[');
    levels_.push_back({true, 0});
    return true;
  }
  bool EndArray() {
    levels_.pop_back();
    Put(']');
    return true;
  }
  bool Key(const char* text, size_t length) { return String(text, length); }
  bool String(const char* text, size_t length) {
    Prefix();
    WriteString(text, length);
    return true;
  }
  bool Int(int value) { return Integer(value); }
  bool Uint64(uint64_t value) { return Integer(value); }
  bool Bool(bool value) {
    Prefix();
    if (value) {
      Put("true", 4);
    } else {
      Put("false", 5);
    }
    return true;
  }

 private:
  struct Level {
    bool array = false;
    uint32_t values = 0;
  };

  // Room for `n` more bytes at out_->data() + size_: *out grows (doubling) ahead of the bytes
  // written, so that a write is a store and a string a memcpy.
  char* Room(size_t n) {
    if (size_ + n > out_->size()) {
      out_->resize(std::max({out_->size() * 2, size_ + n, size_t{256}}));
    }
    return out_->data() + size_;
  }
  void Put(char c) {
    *Room(1) = c;
    ++size_;
  }
  void Put(const char* text, size_t n) {
    std::memcpy(Room(n), text, n);
    size_ += n;
  }

  // rapidjson's Writer::Prefix: a ',' between the values of an array and before each key of an
  // object but the first, a ':' between a key and its value.
  void Prefix() {
    if (levels_.empty()) return;
    Level& level = levels_.back();
    if (level.values > 0) Put(level.array || level.values % 2 == 0 ? ',' : ':');
    ++level.values;
  }

  template <typename T>
  bool Integer(T value) {
    Prefix();
    char* at = Room(24);
    size_ = static_cast<size_t>(std::to_chars(at, at + 24, value).ptr - out_->data());
    return true;
  }

  void WriteString(const char* text, size_t length) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    // At most six bytes a byte (\u00XX) and the quotes: one check of the room.
    char* const start = Room(length * 6 + 2);
    char* at = start;
    *at++ = '"';
    for (size_t i = 0; i < length; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') {
        *at++ = static_cast<char>(c);
        continue;
      }
      *at++ = '\\';
      switch (c) {
        case '"':
          *at++ = '"';
          break;
        case '\\':
          *at++ = '\\';
          break;
        case '\b':
          *at++ = 'b';
          break;
        case '\t':
          *at++ = 't';
          break;
        case '\n':
          *at++ = 'n';
          break;
        case '\f':
          *at++ = 'f';
          break;
        case '\r':
          *at++ = 'r';
          break;
        default:
          *at++ = 'u';
          *at++ = '0';
          *at++ = '0';
          *at++ = kHex[c >> 4];
          *at++ = kHex[c & 0xF];
          break;
      }
    }
    *at++ = '"';
    size_ += static_cast<size_t>(at - start);
  }

  std::string* out_;
  size_t size_;  // the bytes of *out written so far
  std::vector<Level> levels_;
};

}  // namespace triage::internal

#endif  // TRIAGE_OUTPUT_JSON_OUT_H_
