// SPDX-License-Identifier: Apache-2.0
// HttpServer (http_server.h): Boost.Beast sessions on one event-loop thread, a fixed pool of
// worker threads, signals through Asio's signal_set.
//
// A session goes through its states on the loop thread only:
//
//   idle ──first byte──► reading (header, then body) ──complete──► processing (a worker) ──►
//   writing ──keep-alive──► idle          (any error, a timeout, or `Connection: close` closes)
//
// Timeouts: an idle keep-alive connection waits for its next request's first byte at most
// idle_timeout; from that byte, the header and body must arrive within read_timeout (so a client
// that trickles bytes cannot hold a connection); a response must be written within read_timeout.
// Limits: a header over max_header_bytes gets 431, a body over max_body_bytes 413 — at the
// header when Content-Length says so (before any byte of the body is read, and before a
// `100 Continue`), or as soon as a chunked body passes it. A refused request is answered with
// `Connection: close`; the server then stops sending, reads and discards what the client still
// sends for at most read_timeout, so that the client reads the answer instead of a reset.
//
// Requests that need no scanner (GET /healthz, /readyz, /metrics, /) are answered on the loop
// thread itself; the others go to the workers and count as in flight.
//
// Shutdown: the loop closes the listening socket, stops watching signals, closes the idle
// sessions, and lets the others finish their request; the loop's work guard is released when the
// last session closes, so run() returns exactly when every request received has been answered.

#include "http_server.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "triage/service.h"

#include "router.h"

namespace triage::serve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Worker threads: a job queue and N threads; job k runs on whichever thread is free, and gets that
// thread's index (its Service worker slot).
class WorkerPool {
 public:
  explicit WorkerPool(size_t threads) : threads_(threads) {}
  ~WorkerPool() { Stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start() {
    for (size_t i = 0; i < threads_; ++i) running_.emplace_back([this, i] { Loop(i); });
  }
  void Post(std::function<void(size_t)> job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
  }
  // Runs the jobs still queued, then joins the threads.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& thread : running_) thread.join();
    running_.clear();
  }

 private:
  void Loop(size_t index) {
    for (;;) {
      std::function<void(size_t)> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job(index);
    }
  }

  size_t threads_;
  std::vector<std::thread> running_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void(size_t)>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                         // guarded by mutex_
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(Router* router, Service* service, const HttpServerOptions& options)
      : router_(router),
        service_(service),
        options_(options),
        acceptor_(ioc_),
        signals_(ioc_, SIGTERM, SIGINT, SIGHUP),
        work_(net::make_work_guard(ioc_)),
        pool_(std::max<size_t>(options.workers, 1)) {}

  Status Listen() {
    beast::error_code ec;
    const net::ip::address address = net::ip::make_address(options_.address, ec);
    if (ec) {
      return Status::InvalidArgument("--listen: '" + options_.address +
                                     "' is not an IP address (e.g. 127.0.0.1 or ::1)");
    }
    const tcp::endpoint endpoint(address, options_.port);
    if (acceptor_.open(endpoint.protocol(), ec) ||
        acceptor_.set_option(net::socket_base::reuse_address(true), ec) ||
        acceptor_.bind(endpoint, ec) ||
        acceptor_.listen(net::socket_base::max_listen_connections, ec)) {
      return Status::IoError("cannot listen on " + options_.address + ":" +
                             std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  uint16_t port() const { return port_; }

  void Run() {
    pool_.Start();
    std::thread reloader([this] { ReloadLoop(); });
    WaitForSignal();
    Accept();
    ioc_.run();
    pool_.Stop();
    {
      std::lock_guard<std::mutex> lock(reload_mutex_);
      reload_stop_ = true;
    }
    reload_wanted_.notify_all();
    reloader.join();
  }

  void Shutdown() {
    net::post(ioc_, [this] { BeginShutdown(); });
  }

  // For the sessions (loop thread).
  Router* router() const { return router_; }
  Service* service() const { return service_; }
  const HttpServerOptions& options() const { return options_; }
  bool shutting_down() const { return shutting_down_; }
  void Dispatch(std::function<void(size_t)> job) { pool_.Post(std::move(job)); }
  void Log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  class Session;
  void Closed(Session* session) {
    sessions_.erase(session);
    MaybeFinish();
  }

 private:
  void Accept();
  void BeginShutdown();
  void MaybeFinish() {
    if (shutting_down_ && sessions_.empty()) work_.reset();
  }

  void WaitForSignal() {
    signals_.async_wait([this](const beast::error_code& ec, int signal) {
      if (ec) return;  // cancelled: shutting down
      if (signal == SIGHUP) {
        {
          std::lock_guard<std::mutex> lock(reload_mutex_);
          reload_pending_ = true;
        }
        reload_wanted_.notify_all();
        WaitForSignal();
        return;
      }
      // Logged once the listening socket is closed: a reader of the log may rely on it.
      BeginShutdown();
      Log(std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
          ": stopped accepting; finishing " + std::to_string(service_->metrics().in_flight()) +
          " requests in flight");
    });
  }

  // Reloads on SIGHUP, off the loop thread (a reload compiles the rules: seconds, not
  // microseconds). Several SIGHUPs during one reload make one more reload.
  void ReloadLoop() {
    std::unique_lock<std::mutex> lock(reload_mutex_);
    for (;;) {
      reload_wanted_.wait(lock, [this] { return reload_stop_ || reload_pending_; });
      if (reload_stop_) return;
      reload_pending_ = false;
      lock.unlock();
      (void)router_->Reload("SIGHUP");
      lock.lock();
    }
  }

  Router* router_;
  Service* service_;
  HttpServerOptions options_;
  net::io_context ioc_{1};
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  WorkerPool pool_;
  uint16_t port_ = 0;
  bool shutting_down_ = false;             // loop thread
  std::unordered_set<Session*> sessions_;  // loop thread: the open sessions

  std::mutex reload_mutex_;
  std::condition_variable reload_wanted_;
  bool reload_pending_ = false;  // guarded by reload_mutex_
  bool reload_stop_ = false;     // guarded by reload_mutex_
};

class HttpServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl* server) : stream_(std::move(socket)), server_(server) {}

  void Start() {
    server_->sessions_.insert(this);
    WaitForRequest();
  }

  // The server is shutting down: an idle session closes now; the others after their answer.
  void OnShutdown() {
    if (state_ == State::kIdle) Close();
  }

 private:
  enum class State { kIdle, kReading, kProcessing, kWriting, kDraining, kClosed };

  void WaitForRequest() {
    if (server_->shutting_down()) return Close();
    state_ = State::kIdle;
    if (buffer_.size() > 0) return ReadHeader();  // the next request is here already
    stream_.expires_after(server_->options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](const beast::error_code& ec, size_t bytes) {
                              if (ec) return self->Close();
                              self->buffer_.commit(bytes);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options().max_header_bytes));
    parser_->body_limit(server_->options().max_body_bytes);
    stream_.expires_after(server_->options().read_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](const beast::error_code& ec, size_t) { self->OnHeader(ec); });
  }

  // Handles a failed read of a request: refuses what was too large or malformed, closes on a
  // timeout or a client that went away. Returns false when `ec` is no error.
  bool ReadFailed(const beast::error_code& ec) {
    if (!ec) return false;
    if (ec == http::error::header_limit) {
      Refuse(431, "header_too_large", "the request's header is too large");
    } else if (ec == http::error::body_limit) {
      RefuseTooLarge();
    } else if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
               ec == net::error::operation_aborted || ec == net::error::eof ||
               ec == net::error::connection_reset) {
      Close();
    } else {
      Refuse(400, "bad_request", "the request is not valid HTTP/1.1");
    }
    return true;
  }

  void OnHeader(const beast::error_code& ec) {
    if (ReadFailed(ec)) return;
    const auto& request = parser_->get();
    endpoint_ = Router::EndpointOf(std::string(request.target()));
    const auto length = parser_->content_length();
    if (length.has_value() && *length > server_->options().max_body_bytes) {
      return RefuseTooLarge();
    }
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      continue_ = http::response<http::empty_body>(http::status::continue_, request.version());
      http::async_write(stream_, continue_,
                        [self = shared_from_this()](const beast::error_code& write_ec, size_t) {
                          if (write_ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](const beast::error_code& ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(const beast::error_code& ec) {
    if (ReadFailed(ec)) return;
    stream_.expires_never();
    state_ = State::kProcessing;
    received_ = Clock::now();
    http::request<http::string_body> message = parser_->release();
    parser_.reset();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    auto request = std::make_shared<HttpRequest>();
    request->method = std::string(message.method_string());
    request->target = std::string(message.target());
    request->content_type = std::string(message[http::field::content_type]);
    request->authorization = std::string(message[http::field::authorization]);
    request->twilio_signature = std::string(message["X-Twilio-Signature"]);
    request->body = std::move(message.body());
    if (!Router::NeedsWorker(endpoint_)) {
      // Health, readiness, metrics and the page are answered here at once: they must answer
      // while every worker waits (on a slow audit store, say).
      return Respond(server_->router()->Handle(0, *request));
    }
    server_->service()->metrics().AddInFlight(1);
    in_flight_ = true;
    server_->Dispatch([self = shared_from_this(), request](size_t worker) {
      RoutedResponse routed = self->server_->router()->Handle(worker, *request);
      // Back to the loop thread, which alone touches the session.
      net::post(self->stream_.get_executor(),
                [self, routed = std::move(routed)]() mutable { self->Respond(std::move(routed)); });
    });
  }

  void RefuseTooLarge() {
    Refuse(413, "too_large",
           "the request body is over the limit of " +
               std::to_string(server_->options().max_body_bytes) + " bytes (--max-body-bytes)");
  }

  // Answers a request that was not read in full, and closes the connection.
  void Refuse(int status, const std::string& code, const std::string& message) {
    server_->service()->metrics().CountError(code);
    if (endpoint_.empty()) endpoint_ = "other";
    received_ = Clock::now();
    keep_alive_ = false;
    refused_ = true;
    RoutedResponse routed;
    routed.response = ServiceError(status, code, message);
    routed.endpoint = endpoint_;
    Respond(std::move(routed));
  }

  void Respond(RoutedResponse routed) {
    state_ = State::kWriting;
    const bool keep_alive = keep_alive_ && !server_->shutting_down();
    response_ = http::response<http::string_body>(static_cast<http::status>(routed.response.status),
                                                  version_ == 10 ? 10 : 11);
    response_.set(http::field::content_type, routed.response.content_type);
    response_.set(http::field::cache_control, "no-store");
    response_.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : routed.headers) response_.set(name, value);
    response_.body() = std::move(routed.response.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    status_ = routed.response.status;
    endpoint_ = std::move(routed.endpoint);
    stream_.expires_after(server_->options().read_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](const beast::error_code& ec, size_t) {
                        self->OnWritten(ec, keep_alive);
                      });
  }

  void OnWritten(const beast::error_code& ec, bool keep_alive) {
    const double seconds = std::chrono::duration<double>(Clock::now() - received_).count();
    server_->service()->metrics().ObserveRequest(endpoint_, status_, seconds);
    if (in_flight_) {
      server_->service()->metrics().AddInFlight(-1);
      in_flight_ = false;
    }
    endpoint_.clear();
    response_ = {};
    if (ec) return Close();
    if (refused_) return Drain();
    if (!keep_alive) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return Close();
    }
    WaitForRequest();
  }

  // After a refusal: stop sending and discard what the client still sends, for a while, so that
  // it reads the answer rather than a connection reset.
  void Drain() {
    state_ = State::kDraining;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.consume(buffer_.size());
    stream_.expires_after(server_->options().read_timeout);
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](const beast::error_code& ec, size_t) {
                              if (ec) return self->Close();
                              self->DrainSome();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    server_->Closed(this);
  }

  beast::tcp_stream stream_;
  Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  http::response<http::string_body> response_;
  std::array<char, 4096> discard_{};
  State state_ = State::kIdle;
  Clock::time_point received_;
  std::string endpoint_;
  int status_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool refused_ = false;
  bool in_flight_ = false;
};

void HttpServer::Impl::Accept() {
  acceptor_.async_accept([this](const beast::error_code& ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || shutting_down_) return;
      Accept();  // a failed accept (no descriptor left...) is not the end of the server
      return;
    }
    if (shutting_down_) return;
    if (sessions_.size() >= options_.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), this)->Start();
    }
    Accept();
  });
}

void HttpServer::Impl::BeginShutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  signals_.cancel(ignored);
  const std::vector<Session*> open(sessions_.begin(), sessions_.end());
  for (Session* session : open) session->OnShutdown();
  MaybeFinish();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(Router* router, Service* service,
                                                       const HttpServerOptions& options) {
  auto impl = std::make_unique<Impl>(router, service, options);
  TRIAGE_RETURN_IF_ERROR(impl->Listen());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Run() { impl_->Run(); }
void HttpServer::Shutdown() { impl_->Shutdown(); }

}  // namespace triage::serve
