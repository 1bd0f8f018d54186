// SPDX-License-Identifier: Apache-2.0
// HttpServer: the HTTP/1.1 transport of `triage serve` (Boost.Beast over Boost.Asio;
// docs/serve.md says why). One thread runs the event loop: it accepts connections, reads each
// request (header, then body) with a read timeout and a body limit, and hands the complete
// request to a fixed pool of worker threads; worker i answers through Router::Handle with worker
// slot i (its own scanners) and gives the response back to the loop, which writes it. Keep-alive
// connections cost the loop a socket, not a worker: a worker is busy only while it decides.
//
// Signals (while Run() runs): SIGHUP reloads the rules (on a thread of its own, so requests go on
// meanwhile); SIGTERM and SIGINT shut down gracefully — the listening socket closes at once,
// idle keep-alive connections are closed, every request already received is answered (with
// `Connection: close`), and Run() returns once the last one is written.
//
// Not copyable. Run() is called once; Shutdown() may be called from any thread.
#ifndef TRIAGE_SERVE_HTTP_SERVER_H_
#define TRIAGE_SERVE_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "triage/service.h"
#include "triage/status.h"

#include "router.h"

namespace triage::serve {

struct HttpServerOptions {
  std::string address = "127.0.0.1";           // an IP address to listen on (loopback by default)
  uint16_t port = 8080;                        // 0: any free port (see HttpServer::port())
  size_t workers = 2;                          // worker threads (and Service worker slots)
  size_t max_body_bytes = size_t{8} << 20;     // a larger body gets 413 (too_large)
  size_t max_header_bytes = size_t{16} << 10;  // larger headers get 431
  size_t max_connections = 1024;               // connections beyond this are closed at once
  // A request's header and body must arrive within this, from its first byte.
  std::chrono::milliseconds read_timeout{10000};
  // A keep-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{60000};
  // Writes one line of the log (startup, signals, shutdown; never record text).
  std::function<void(const std::string&)> log;
};

class HttpServer {
 public:
  // Binds and listens on options.address:options.port. `router` and `service` (the router's)
  // are not owned and must outlive the server. Returns InvalidArgument for an address that is
  // not an IP address, IoError when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Listen(Router* router, Service* service,
                                                    const HttpServerOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port listened on (the one chosen, when options.port was 0).
  uint16_t port() const;

  // Serves until SIGTERM, SIGINT or Shutdown(), then finishes the requests in flight and stops
  // the worker threads. SIGHUP reloads the rules meanwhile.
  void Run();

  // Starts the graceful shutdown, as SIGTERM does. Thread-safe.
  void Shutdown();

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triage::serve

#endif  // TRIAGE_SERVE_HTTP_SERVER_H_
