// SPDX-License-Identifier: Apache-2.0
// HttpClient (http_client.h).

#include "http_client.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace triage::serve {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool HttpClient::Connect() {
  if (fd_ >= 0) return true;
  sockaddr_storage address{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (inet_pton(AF_INET, host_.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port_);
    length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host_.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port_);
    length = sizeof(sockaddr_in6);
  } else {
    error_ = "not an IP address: " + host_;
    return false;
  }
  fd_ = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    error_ = std::string("connect: ") + std::strerror(errno);
    Close();
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

bool HttpClient::SendRaw(std::string_view bytes) {
  if (!Connect()) return false;
  while (!bytes.empty()) {
    const ssize_t sent = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("send: ") + std::strerror(errno);
      Close();
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

bool HttpClient::Fill() {
  pollfd poll_fd{fd_, POLLIN, 0};
  const int ready = poll(&poll_fd, 1, static_cast<int>(timeout_.count()));
  if (ready <= 0) {
    error_ = ready == 0 ? "timed out" : std::string("poll: ") + std::strerror(errno);
    return false;
  }
  char chunk[16384];
  const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) {
    error_ = got == 0 ? "connection closed" : std::string("recv: ") + std::strerror(errno);
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(got));
  return true;
}

bool HttpClient::ReadResponse(HttpResponse* response) {
  *response = HttpResponse();
  if (fd_ < 0) {
    error_ = "not connected";
    return false;
  }
  size_t header_end = 0;
  for (;;) {
    header_end = buffer_.find("\r\n\r\n");
    if (header_end != std::string::npos) break;
    if (!Fill()) {
      Close();
      return false;
    }
  }
  const std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  const size_t space = status_line.find(' ');
  if (status_line.rfind("HTTP/1.", 0) != 0 || space == std::string::npos) {
    error_ = "not an HTTP response";
    Close();
    return false;
  }
  response->status = std::atoi(status_line.c_str() + space + 1);
  while (line_end != std::string::npos) {
    const size_t begin = line_end + 2;
    line_end = head.find("\r\n", begin);
    const std::string line =
        head.substr(begin, line_end == std::string::npos ? std::string::npos : line_end - begin);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t value = colon + 1;
    while (value < line.size() && line[value] == ' ') ++value;
    response->headers[Lower(line.substr(0, colon))] = line.substr(value);
  }
  // An interim answer (100 Continue) has no body; the caller reads the next one.
  const std::string length = response->Header("content-length");
  const bool closes = Lower(response->Header("connection")) == "close";
  if (!length.empty()) {
    const size_t want = std::stoul(length);
    while (buffer_.size() < want) {
      if (!Fill()) {
        Close();
        return false;
      }
    }
    response->body = buffer_.substr(0, want);
    buffer_.erase(0, want);
  } else if (closes) {
    while (Fill()) {
    }
    response->body = std::move(buffer_);
    buffer_.clear();
  }
  if (closes) Close();
  return true;
}

bool HttpClient::Request(std::string_view method, std::string_view target, std::string_view body,
                         const HttpHeaders& headers, HttpResponse* response) {
  std::string request;
  request.reserve(256 + body.size());
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
  request.append(host_).append(":").append(std::to_string(port_)).append("\r\n");
  for (const auto& [name, value] : headers)
    request.append(name).append(": ").append(value).append("\r\n");
  if (method != "GET" || !body.empty()) {
    request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  request.append("\r\n").append(body);
  // A kept-alive connection the server closed meanwhile: one retry on a fresh connection.
  const bool reused = fd_ >= 0;
  if (SendRaw(request) && ReadResponse(response)) return true;
  if (!reused) return false;
  return SendRaw(request) && ReadResponse(response);
}

}  // namespace triage::serve
