// SPDX-License-Identifier: Apache-2.0
// ParseForm (adapters.h): application/x-www-form-urlencoded bodies, as the WHATWG URL standard's
// urlencoded parser splits them ('&' between pairs, the first '=' between name and value, empty
// pieces skipped), except that a malformed percent escape is an error instead of being kept as
// written: a form the sender did not mean is not triaged on a guess.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/adapters.h"
#include "triage/status.h"

namespace triage::adapters {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes `text`, which starts at byte `offset` of the body, into *out. Returns false and sets
// *bad_at to the offending '%''s offset in the body on a malformed escape.
bool Decode(std::string_view text, size_t offset, std::string* out, size_t* bad_at) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        *bad_at = offset + i;
        return false;
      }
      out->push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

}  // namespace

Result<std::vector<FormParam>> ParseForm(std::string_view body) {
  std::vector<FormParam> params;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view piece = body.substr(start, end - start);
    if (!piece.empty()) {
      const size_t equals = piece.find('=');
      const std::string_view name = piece.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1);
      FormParam param;
      size_t bad_at = 0;
      if (!Decode(name, start, &param.name, &bad_at) ||
          !Decode(value, start + name.size() + 1, &param.value, &bad_at)) {
        return Status::InvalidRecord(kInvalidForm,
                                     "malformed percent escape at byte " + std::to_string(bad_at) +
                                         " of the form (a '%' must be followed by two hex digits)");
      }
      params.push_back(std::move(param));
    }
    start = end + 1;
  }
  return params;
}

}  // namespace triage::adapters
