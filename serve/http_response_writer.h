// SPDX-License-Identifier: Apache-2.0
// WriteHttpResponse: the bytes of one response of `triage serve`, status line to body, in one
// string — so that the server answers with one write instead of walking Boost.Beast's
// serializer. The bytes are those Beast writes for the http::response<string_body> the server
// built before (tests/unit/serve/http_response_writer_test.cc holds the two equal):
//
//   HTTP/<1.0|1.1> <code> <Beast's reason phrase>
//   Content-Type: <content_type>
//   Cache-Control: no-store
//   X-Content-Type-Options: nosniff
//   <the extra headers, in order; one with the name of an earlier field replaces it, at the end>
//   Connection: close         (HTTP/1.1 without keep-alive)
//   Connection: keep-alive    (HTTP/1.0 with keep-alive)
//   Content-Length: <body size>
//
//   <body>
//
// Thread-safe (a pure function).
#ifndef TRIAGE_SERVE_HTTP_RESPONSE_WRITER_H_
#define TRIAGE_SERVE_HTTP_RESPONSE_WRITER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triage::serve {

// What a response says besides its body.
struct HttpResponseHead {
  int status = 200;        // REQUIRES: 200-599 (a response with a body)
  unsigned version = 11;   // 10 or 11: HTTP/1.0 or HTTP/1.1
  bool keep_alive = true;  // false: the connection closes after this response
  std::string_view content_type;
  // Extra headers (the router's). REQUIRES: none named Connection, Content-Length or
  // Transfer-Encoding (this function writes those).
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
};

// Appends the response `head` with `body` to *out.
void WriteHttpResponse(const HttpResponseHead& head, std::string_view body, std::string* out);

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_HTTP_RESPONSE_WRITER_H_
