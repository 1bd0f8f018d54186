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
// JsonOut appends runs of bytes that need no escape with one append each. The output contract
// (decision.h) is rapidjson's, so json_out_test.cc compares the two on every byte value.
//
// Not thread-safe; cheap, one per line. No validation: a caller that ends more than it starts,
// or writes a value where a key is due, gets what it wrote (as with rapidjson in release builds).
#ifndef TRIAGE_OUTPUT_JSON_OUT_H_
#define TRIAGE_OUTPUT_JSON_OUT_H_

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace triage::internal {

class JsonOut {
 public:
  // Writes into *out, appending (the caller clears it if it wants).
  explicit JsonOut(std::string* out) : out_(out) {}

  bool StartObject() {
    Prefix();
    out_->push_back('{');
    levels_.push_back({false, 0});
    return true;
  }
  bool EndObject() {
    levels_.pop_back();
    out_->push_back('}');
    return true;
  }
  bool StartArray() {
    Prefix();
    out_->push_back('[');
    levels_.push_back({true, 0});
    return true;
  }
  bool EndArray() {
    levels_.pop_back();
    out_->push_back(']');
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
    out_->append(value ? "true" : "false");
    return true;
  }

 private:
  struct Level {
    bool array = false;
    uint32_t values = 0;
  };

  // rapidjson's Writer::Prefix: a ',' between the values of an array and before each key of an
  // object but the first, a ':' between a key and its value.
  void Prefix() {
    if (levels_.empty()) return;
    Level& level = levels_.back();
    if (level.values > 0) {
      out_->push_back(level.array || level.values % 2 == 0 ? ',' : ':');
    }
    ++level.values;
  }

  template <typename T>
  bool Integer(T value) {
    Prefix();
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out_->append(digits, result.ptr);
    return true;
  }

  void WriteString(const char* text, size_t length) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out_->push_back('"');
    size_t run = 0;  // start of the bytes not yet written
    for (size_t i = 0; i < length; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_->append(text + run, i - run);
      run = i + 1;
      char escape[6] = {'\\', 0, 0, 0, 0, 0};
      size_t size = 2;
      switch (c) {
        case '"':
          escape[1] = '"';
          break;
        case '\\':
          escape[1] = '\\';
          break;
        case '\b':
          escape[1] = 'b';
          break;
        case '\t':
          escape[1] = 't';
          break;
        case '\n':
          escape[1] = 'n';
          break;
        case '\f':
          escape[1] = 'f';
          break;
        case '\r':
          escape[1] = 'r';
          break;
        default:
          escape[1] = 'u';
          escape[2] = '0';
          escape[3] = '0';
          escape[4] = kHex[c >> 4];
          escape[5] = kHex[c & 0xF];
          size = 6;
          break;
      }
      out_->append(escape, size);
    }
    out_->append(text + run, length - run);
    out_->push_back('"');
  }

  std::string* out_;
  std::vector<Level> levels_;
};

}  // namespace triage::internal

#endif  // TRIAGE_OUTPUT_JSON_OUT_H_
