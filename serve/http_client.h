// SPDX-License-Identifier: Apache-2.0
// HttpClient: a minimal blocking HTTP/1.1 client over one keep-alive TCP connection, for the
// end-to-end tests and the load benchmark of `triage serve` (they need to send exactly the bytes
// they mean, malformed ones included, and to measure one request at a time). Not a general
// client: responses must carry Content-Length (the server always sends it) or end with the
// connection.
//
// Not thread-safe: one per thread.
#ifndef TRIAGE_SERVE_HTTP_CLIENT_H_
#define TRIAGE_SERVE_HTTP_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triage::serve {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  // The value of header `name` (lower case), or "".
  std::string Header(const std::string& name) const;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  // Connects lazily to host:port (an IPv4 or IPv6 address).
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (Content-Length set from `body` for POST) on the connection, connecting
  // first if there is none, and reads the response. Returns false when the connection failed or
  // the response could not be read (see error()); the connection is then closed.
  bool Request(std::string_view method, std::string_view target, std::string_view body,
               const HttpHeaders& headers, HttpResponse* response);
  bool Get(std::string_view target, HttpResponse* response, const HttpHeaders& headers = {}) {
    return Request("GET", target, "", headers, response);
  }

  // Connects if needed and sends `bytes` as they are. Returns false on failure.
  bool SendRaw(std::string_view bytes);
  // Reads one response. Returns false on failure or timeout.
  bool ReadResponse(HttpResponse* response);
  // True if the connection is open.
  bool connected() const { return fd_ >= 0; }
  void Close();

  // How long a read or a connect may wait (default 60 s).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  const std::string& error() const { return error_; }

 private:
  bool Connect();
  bool Fill();  // reads more bytes into buffer_; false at the end or on error

  std::string host_;
  uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
  std::string error_;
  std::chrono::milliseconds timeout_{60000};
};

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_HTTP_CLIENT_H_
