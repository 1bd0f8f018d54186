// SPDX-License-Identifier: Apache-2.0
// WriteHttpResponse (serve/http_response_writer.h): byte for byte what Boost.Beast's serializer
// writes for the http::response<string_body> `triage serve` built before it wrote its responses
// itself — every status the router and the server answer with, HTTP/1.0 and 1.1, keep-alive or
// not, with the router's extra headers, an extra header replacing a fixed one, empty and binary
// bodies.

#include "http_response_writer.h"

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace triage::serve {
namespace {

namespace http = boost::beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;

// What the server did before: a Beast response, serialized by Beast.
std::string BeastBytes(int status, unsigned version, bool keep_alive,
                       const std::string& content_type, const Headers& headers,
                       const std::string& body) {
  http::response<http::string_body> response(static_cast<http::status>(status), version);
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : headers) response.set(name, value);
  response.body() = body;
  response.keep_alive(keep_alive);
  response.prepare_payload();
  std::ostringstream out;
  out << response;
  return out.str();
}

std::string Written(int status, unsigned version, bool keep_alive, const std::string& content_type,
                    const Headers& headers, const std::string& body) {
  HttpResponseHead head;
  head.status = status;
  head.version = version;
  head.keep_alive = keep_alive;
  head.content_type = content_type;
  head.headers = &headers;
  std::string out = "kept:";  // appended to, never replaced
  WriteHttpResponse(head, body, &out);
  EXPECT_EQ(out.rfind("kept:", 0), 0U);
  return out.substr(5);
}

TEST(HttpResponseWriterTest, WritesTheBytesBeastWrote) {
  const std::vector<int> statuses = {200, 400, 401, 403, 404, 405, 413,
                                     415, 422, 431, 500, 501, 503};
  const std::vector<Headers> header_sets = {
      {},
      {{"WWW-Authenticate", "Bearer"}},
      {{"Allow", "POST"}},
      {{"Content-Security-Policy", "default-src 'none'"}, {"Referrer-Policy", "no-referrer"}},
      {{"cache-control", "private"}},  // replaces the fixed field, at the end
      {{"X-One", "1"}, {"X-Two", "2"}, {"x-one", "3"}},
  };
  const std::vector<std::string> bodies = {"", R"({"status":"ok"})",
                                           std::string("a\0b\r\n\xff", 6) + std::string(5000, 'x')};
  int cases = 0;
  for (const int status : statuses) {
    for (const unsigned version : {10U, 11U}) {
      for (const bool keep_alive : {true, false}) {
        for (const Headers& headers : header_sets) {
          for (const std::string& body : bodies) {
            for (const std::string type : {"application/json", "text/xml; charset=utf-8"}) {
              ASSERT_EQ(Written(status, version, keep_alive, type, headers, body),
                        BeastBytes(status, version, keep_alive, type, headers, body))
                  << status << " HTTP/" << version << " keep-alive " << keep_alive << " "
                  << headers.size() << " headers, body of " << body.size();
              ++cases;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 13 * 2 * 2 * 6 * 3 * 2);
}

TEST(HttpResponseWriterTest, AKeptAliveJsonAnswer) {
  const Headers none;
  EXPECT_EQ(Written(200, 11, true, "application/json", none, "{}"),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
            "X-Content-Type-Options: nosniff\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(Written(413, 11, false, "application/json", none, ""),
            "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n"
            "Content-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace triage::serve
