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
// The cost of a request (bench/README.md, "triage serve: where a request's time goes"). The
// parse is Beast's (http::request_parser), fed from the session's buffer as bytes arrive: a
// request that arrived whole is parsed whole, without a completion handler per step (Beast's
// async_read_header and async_read posted one per step). The response is written in one piece
// (WriteHttpResponse: Beast's bytes, one string) and at once, from the handler that has it — the
// socket (non-blocking) takes a small answer whole — and waits for the socket only when it
// would block. The timeouts cost a stored deadline per step, not a timer operation
// (Session::SetDeadline). The I/O objects use the io_context's own executor type, not the
// type-erased any_io_executor.
//
// Shutdown: the loop closes the listening socket, stops watching signals, closes the idle
// sessions, and lets the others finish their request; the loop's work guard is released when the
// last session closes, so run() returns exactly when every request received has been answered.

#include "http_server.h"

#include <algorithm>
#include <array>
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

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "triage/service.h"

#include "http_response_writer.h"
#include "router.h"

namespace triage::serve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
// The loop's I/O objects, bound to the io_context's own executor type (not the type-erased
// any_io_executor): no executor is copied through a polymorphic wrapper per operation.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, Executor>;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;

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
        acceptor_(ioc_.get_executor()),
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
  // The shorter of the two timeouts (at least 1 ms): how far ahead a session's timer is armed.
  std::chrono::milliseconds min_timeout() const {
    return std::max(std::chrono::milliseconds(1),
                    std::min(options_.read_timeout, options_.idle_timeout));
  }
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
  Acceptor acceptor_;
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
  Session(Socket socket, Impl* server)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), server_(server) {}

  void Start() {
    server_->sessions_.insert(this);
    // Reads and writes are tried at once, and wait for the socket only when it would block.
    beast::error_code ignored;
    socket_.non_blocking(true, ignored);
    WaitForRequest();
  }

  // The server is shutting down: an idle session closes now; the others after their answer.
  void OnShutdown() {
    if (state_ == State::kIdle) Close();
  }

 private:
  enum class State { kIdle, kReading, kProcessing, kWriting, kDraining, kClosed };

  // Timeouts. The session has one deadline at a time (none while a worker decides) and one timer,
  // which is not re-armed on every change of the deadline: it is armed at most min_timeout ahead
  // (the shorter of read_timeout and idle_timeout), and every deadline set lies at least that far
  // ahead, so the timer always fires at or before the deadline; when it fires early it is armed
  // again. A request thus costs no timer operation (a busy connection's timer fires once every
  // min_timeout), and a deadline that passes closes the connection as Beast's timeouts did.
  void SetDeadline(std::chrono::milliseconds timeout) {
    deadline_ = Clock::now() + timeout;
    if (!timer_armed_) ArmTimer();
  }
  void ClearDeadline() { deadline_ = Clock::time_point::max(); }

  void ArmTimer() {
    timer_armed_ = true;
    timer_.expires_at(std::min(deadline_, Clock::now() + server_->min_timeout()));
    timer_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
      self->timer_armed_ = false;
      if (ec || self->state_ == State::kClosed) return;
      if (self->deadline_ == Clock::time_point::max()) return;  // armed again at the next deadline
      if (Clock::now() >= self->deadline_) return self->Close();  // pending operations: aborted
      self->ArmTimer();
    });
  }

  void WaitForRequest() {
    if (server_->shutting_down()) return Close();
    if (buffer_.size() > 0) {
      // The next request is here already (pipelined). Posted, not called: a long pipeline of
      // requests answered on this thread must not recurse.
      BeginRequest();
      net::post(socket_.get_executor(), [self = shared_from_this()] { self->Read(); });
      return;
    }
    state_ = State::kIdle;
    SetDeadline(server_->options().idle_timeout);
    ReadMore();
  }

  // The first byte of a request has arrived: from now on the read timeout applies.
  void BeginRequest() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options().max_header_bytes));
    parser_->body_limit(server_->options().max_body_bytes);
    header_done_ = false;
    SetDeadline(server_->options().read_timeout);
  }

  // Reads more bytes into the buffer. Asio tries the read at once only when the socket has
  // signalled data since the last read that emptied it (else it waits, with no system call).
  void ReadMore() {
    socket_.async_read_some(buffer_.prepare(beast::read_size(buffer_, 65536)),
                            [self = shared_from_this()](const beast::error_code& ec, size_t got) {
                              self->OnRead(ec, got);
                            });
  }

  void OnRead(beast::error_code ec, size_t got) {
    if (state_ == State::kClosed) return;
    buffer_.commit(got);
    if (state_ == State::kIdle) {
      if (ec) return Close();  // the client went away between requests, or a timeout
      BeginRequest();
    }
    if (ec == net::error::eof) {  // as Beast: within a request, a partial message
      if (!parser_->got_some()) return Close();
      ec = {};
      parser_->put_eof(ec);
      if (ec) return ReadFailed(ec);
      return OnBody();
    }
    if (ec) return ReadFailed(ec);
    Read();
  }

  // Parses what the buffer holds, and reads more while the request is incomplete; then OnBody.
  // What Beast's async_read_header and async_read did — the same parser (request_parser::put)
  // and limits, the same errors, the same end of stream — without a completion handler per
  // step: a request that arrived whole is parsed at once.
  void Read() {
    for (;;) {
      if (buffer_.size() == 0) return ReadMore();
      beast::error_code ec;
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) return ReadMore();
      if (ec) return ReadFailed(ec);
      if (!header_done_ && parser_->is_header_done()) {
        header_done_ = true;
        if (OnHeader()) return;  // refused, or writing `100 Continue` (then reads on)
      }
      if (parser_->is_done()) return OnBody();
      if (used == 0) return ReadMore();
    }
  }

  // Handles a failed read of a request (`ec` is an error): refuses what was too large or
  // malformed, closes on a timeout or a client that went away.
  void ReadFailed(const beast::error_code& ec) {
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
  }

  // The request's header is complete. Returns true if the session goes on elsewhere: the request
  // is refused, or `100 Continue` is being written (and Read() resumes after it).
  bool OnHeader() {
    const auto& request = parser_->get();
    endpoint_ =
        Router::EndpointOf(std::string_view(request.target().data(), request.target().size()));
    const auto length = parser_->content_length();
    if (length.has_value() && *length > server_->options().max_body_bytes) {
      RefuseTooLarge();
      return true;
    }
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      continue_ = http::response<http::empty_body>(http::status::continue_, request.version());
      http::async_write(socket_, continue_,
                        [self = shared_from_this()](const beast::error_code& write_ec, size_t) {
                          if (write_ec) return self->Close();
                          self->Read();
                        });
      return true;
    }
    return false;
  }

  void OnBody() {
    ClearDeadline();
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
      net::post(self->socket_.get_executor(),
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
    write_keep_alive_ = keep_alive_ && !server_->shutting_down();
    HttpResponseHead head;
    head.status = routed.response.status;
    head.version = version_ == 10 ? 10 : 11;
    head.keep_alive = write_keep_alive_;
    head.content_type = routed.response.content_type;
    head.headers = &routed.headers;
    out_.clear();
    WriteHttpResponse(head, routed.response.body, &out_);
    written_ = 0;
    status_ = routed.response.status;
    endpoint_ = std::move(routed.endpoint);
    SetDeadline(server_->options().read_timeout);
    Write();
  }

  // Writes what is left of out_: at once while the socket takes it (a response usually fits in
  // one send), else when the socket can take more.
  void Write() {
    while (written_ < out_.size()) {
      beast::error_code ec;
      const size_t sent =
          socket_.write_some(net::buffer(out_.data() + written_, out_.size() - written_), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) {
        net::async_write(socket_, net::buffer(out_.data() + written_, out_.size() - written_),
                         [self = shared_from_this()](const beast::error_code& write_ec, size_t) {
                           self->OnWritten(write_ec);
                         });
        return;
      }
      if (ec) return OnWritten(ec);
      written_ += sent;
    }
    OnWritten({});
  }

  void OnWritten(const beast::error_code& ec) {
    const double seconds = std::chrono::duration<double>(Clock::now() - received_).count();
    server_->service()->metrics().ObserveRequest(endpoint_, status_, seconds);
    if (in_flight_) {
      server_->service()->metrics().AddInFlight(-1);
      in_flight_ = false;
    }
    endpoint_.clear();
    if (out_.capacity() > kKeptBufferBytes) out_ = std::string();  // after a large answer
    if (ec || state_ == State::kClosed) return Close();
    if (refused_) return Drain();
    if (!write_keep_alive_) {
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      return Close();
    }
    WaitForRequest();
  }

  // After a refusal: stop sending and discard what the client still sends, for a while, so that
  // it reads the answer rather than a connection reset.
  void Drain() {
    state_ = State::kDraining;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.consume(buffer_.size());
    SetDeadline(server_->options().read_timeout);
    DrainSome();
  }

  void DrainSome() {
    socket_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](const beast::error_code& ec, size_t) {
                              if (ec) return self->Close();
                              self->DrainSome();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ignored;
    timer_.cancel(ignored);
    socket_.close(ignored);
    server_->Closed(this);
  }

  // A response buffer larger than this is not kept for the connection's next answer.
  static constexpr size_t kKeptBufferBytes = size_t{64} << 10;

  Socket socket_;
  Timer timer_;
  Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  std::string out_;     // the response being written
  size_t written_ = 0;  // bytes of out_ written
  std::array<char, 4096> discard_{};
  State state_ = State::kIdle;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timer_armed_ = false;
  bool header_done_ = false;
  Clock::time_point received_;
  std::string endpoint_;
  int status_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;        // the request's
  bool write_keep_alive_ = true;  // the response's
  bool refused_ = false;
  bool in_flight_ = false;
};

void HttpServer::Impl::Accept() {
  acceptor_.async_accept([this](const beast::error_code& ec, Socket socket) {
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
