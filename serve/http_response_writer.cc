// SPDX-License-Identifier: Apache-2.0
// WriteHttpResponse (http_response_writer.h).

#include "http_response_writer.h"

#include <array>
#include <cctype>
#include <ostream>  // before Beast's string_view (boost::string_view's operator<< needs it)
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/status.hpp>

namespace triage::serve {
namespace {

namespace http = boost::beast::http;

using Field = std::pair<std::string_view, std::string_view>;

// ASCII case-insensitive equality, as Beast compares field names.
bool NamesEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// As basic_fields::set: a field of the same name (case-insensitive) is removed, and the new one
// goes at the end.
void Set(std::string_view name, std::string_view value, std::vector<Field>* fields) {
  for (auto it = fields->begin(); it != fields->end();) {
    it = NamesEqual(it->first, name) ? fields->erase(it) : it + 1;
  }
  fields->emplace_back(name, value);
}

}  // namespace

void WriteHttpResponse(const HttpResponseHead& head, std::string_view body, std::string* out) {
  const auto beast_reason = http::obsolete_reason(static_cast<http::status>(head.status));
  const std::string_view reason(beast_reason.data(), beast_reason.size());
  const std::string length = std::to_string(body.size());
  // The fields in the order http::response's set(), keep_alive() and prepare_payload() leave
  // them in.
  std::vector<Field> fields;
  fields.reserve(8);
  fields.emplace_back("Content-Type", head.content_type);
  fields.emplace_back("Cache-Control", "no-store");
  fields.emplace_back("X-Content-Type-Options", "nosniff");
  if (head.headers != nullptr) {
    for (const auto& [name, value] : *head.headers) Set(name, value, &fields);
  }
  if (head.version >= 11 && !head.keep_alive) fields.emplace_back("Connection", "close");
  if (head.version < 11 && head.keep_alive) fields.emplace_back("Connection", "keep-alive");
  fields.emplace_back("Content-Length", length);

  size_t size = 17 + reason.size() + 2 + body.size();
  for (const Field& field : fields) size += field.first.size() + field.second.size() + 4;
  out->reserve(out->size() + size);
  const std::array<char, 13> status_line = {'H',
                                            'T',
                                            'T',
                                            'P',
                                            '/',
                                            static_cast<char>('0' + head.version / 10),
                                            '.',
                                            static_cast<char>('0' + head.version % 10),
                                            ' ',
                                            static_cast<char>('0' + head.status / 100),
                                            static_cast<char>('0' + head.status / 10 % 10),
                                            static_cast<char>('0' + head.status % 10),
                                            ' '};
  out->append(status_line.data(), status_line.size()).append(reason).append("\r\n");
  for (const auto& [name, value] : fields) {
    out->append(name).append(": ").append(value).append("\r\n");
  }
  out->append("\r\n").append(body);
}

}  // namespace triage::serve
