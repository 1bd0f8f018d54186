// SPDX-License-Identifier: Apache-2.0
// RedisConnection: one blocking connection to a Redis server, over hiredis (Debian's
// libhiredis-dev, 0.14). It is the only place hiredis is used: its replies are copied into
// RedisReply values, so no hiredis type leaves this file pair, and every failure of the
// connection (refused, reset, timed out, a protocol error) is a Status, after which the
// connection is broken and the caller reconnects (StreamWorker does, with backoff).
//
// Addresses are URLs as Redis clients take them, `redis://[USER@]HOST[:PORT][/DB]`; a password is
// never part of one (it would show in `ps`): it comes from a file or the environment and is sent
// with AUTH. hiredis 0.14 has no TLS; `rediss://` is refused (docs/worker.md: use a TLS proxy
// such as stunnel or spiped next to the worker).
//
// Thread-safety: a RedisConnection is not thread-safe; use one per thread.
#ifndef TRIAGE_WORKER_REDIS_CONNECTION_H_
#define TRIAGE_WORKER_REDIS_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/status.h"

struct redisContext;  // hiredis

namespace triage::worker {

// Where a Redis server is and how to log in to it.
struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;      // ACL user for AUTH (Redis 6+); "" with a password: AUTH password
  std::string password;  // never from the URL
};

// Parses `url`, redis://[USER@]HOST[:PORT][/DB] (HOST may be [v6]), into *address (its
// password untouched). Returns InvalidArgument for anything else, for a password in the URL and
// for rediss:// (no TLS in hiredis 0.14).
Status ParseRedisUrl(std::string_view url, RedisAddress* address);

// A reply, copied out of hiredis. An error reply ("-ERR ...") is a reply of type kError, not a
// failed call: the connection still works.
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kError, kInteger, kArray };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  int64_t integer = 0;
  std::vector<RedisReply> elements;  // kArray

  bool is_error() const { return type == Type::kError; }
  bool is_nil() const { return type == Type::kNil; }
};

class RedisConnection {
 public:
  // Connects to `address` within `timeout`, sends AUTH when a password is given and SELECT for a
  // DB other than 0. Every later reply must arrive within `reply_timeout` (a BLOCKing read needs
  // more than its BLOCK time). Returns IoError when the server cannot be reached or refuses the
  // login (the message never holds the password).
  static Result<std::unique_ptr<RedisConnection>> Connect(const RedisAddress& address,
                                                          std::chrono::milliseconds timeout,
                                                          std::chrono::milliseconds reply_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (argument vector, binary-safe) and returns its reply. Returns IoError when
  // the connection failed; it is then broken and every later call fails.
  Result<RedisReply> Command(const std::vector<std::string>& argv);
  // Sends `commands` in one write and returns their replies, in order (a pipeline). Returns
  // IoError as Command does.
  Result<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);

  // True once a call failed.
  bool broken() const { return broken_; }

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  Status Failure(const char* what);

  redisContext* context_;  // owned
  bool broken_ = false;
};

}  // namespace triage::worker

#endif  // TRIAGE_WORKER_REDIS_CONNECTION_H_
