// SPDX-License-Identifier: Apache-2.0
// RedisConnection (redis_connection.h) over hiredis's blocking API: redisConnectWithTimeout,
// redisSetTimeout for replies, redisAppendCommandArgv + redisGetReply for commands and pipelines.

#include "redis_connection.h"

#include <charconv>
#include <cstddef>
#include <string>
#include <utility>

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace triage::worker {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply Copy(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) out.elements.push_back(Copy(*reply.element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

bool ParseInt(std::string_view text, int* value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Status ParseRedisUrl(std::string_view url, RedisAddress* address) {
  const auto bad = [](const std::string& why) {
    return Status::InvalidArgument("--redis: " + why +
                                   " (expected redis://[USER@]HOST[:PORT][/DB])");
  };
  if (url.rfind("rediss://", 0) == 0) {
    return Status::InvalidArgument(
        "--redis: rediss:// (TLS) is not supported by hiredis 0.14; run a TLS proxy beside the "
        "worker and point redis:// at it (docs/worker.md)");
  }
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) return bad("not a redis:// URL");
  std::string_view rest = url.substr(kScheme.size());
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view user = rest.substr(0, at);
    if (user.find(':') != std::string_view::npos) {
      return Status::InvalidArgument(
          "--redis: a password must not be given in the URL (the command line is visible to "
          "every user): use --redis-password-file or TRIAGE_REDIS_PASSWORD");
    }
    address->user = std::string(user);
    rest = rest.substr(at + 1);
  }
  std::string_view db;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unbalanced '['");
    address->host = std::string(rest.substr(1, close - 1));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("expected ':' after ']'");
      port = after.substr(1);
    }
  } else {
    const size_t colon = rest.rfind(':');
    address->host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (address->host.empty()) return bad("no host");
  address->port = 6379;
  if (!port.empty() &&
      (!ParseInt(port, &address->port) || address->port < 1 || address->port > 65535)) {
    return bad("the port must be a number from 1 to 65535");
  }
  address->db = 0;
  if (!db.empty() && (!ParseInt(db, &address->db) || address->db < 0)) {
    return bad("the database must be a number");
  }
  return Status::Ok();
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisAddress& address, std::chrono::milliseconds timeout,
    std::chrono::milliseconds reply_timeout) {
  redisContext* context =
      redisConnectWithTimeout(address.host.c_str(), address.port, ToTimeval(timeout));
  const std::string where = address.host + ":" + std::to_string(address.port);
  if (context == nullptr) return Status::IoError("cannot connect to Redis at " + where);
  if (context->err != 0) {
    const std::string reason = context->errstr;
    redisFree(context);
    return Status::IoError("cannot connect to Redis at " + where + ": " + reason);
  }
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
  if (redisSetTimeout(context, ToTimeval(reply_timeout)) != REDIS_OK) {
    return Status::IoError("cannot set the reply timeout of the Redis connection");
  }
  if (!address.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!address.user.empty()) auth.push_back(address.user);
    auth.push_back(address.password);
    Result<RedisReply> reply = connection->Command(auth);
    if (!reply.ok()) return reply.status();
    // The server's message names neither the password nor the user.
    if (reply->is_error()) return Status::IoError("Redis refused the login: " + reply->str);
  }
  if (address.db != 0) {
    Result<RedisReply> reply = connection->Command({"SELECT", std::to_string(address.db)});
    if (!reply.ok()) return reply.status();
    if (reply->is_error()) return Status::IoError("Redis SELECT failed: " + reply->str);
  }
  return connection;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

Status RedisConnection::Failure(const char* what) {
  broken_ = true;
  std::string reason = context_->err != 0 ? context_->errstr : "no reply";
  return Status::IoError(std::string("Redis connection lost (") + what + "): " + reason);
}

Result<RedisReply> RedisConnection::Command(const std::vector<std::string>& argv) {
  Result<std::vector<RedisReply>> replies = Pipeline({argv});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

Result<std::vector<RedisReply>> RedisConnection::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (broken_) return Status::IoError("Redis connection lost earlier");
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const std::vector<std::string>& command : commands) {
    args.clear();
    lengths.clear();
    for (const std::string& arg : command) {
      args.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), args.data(),
                               lengths.data()) != REDIS_OK) {
      return Failure("sending");
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return Failure("reading");
    auto* reply = static_cast<redisReply*>(raw);
    replies.push_back(Copy(*reply));
    freeReplyObject(reply);
  }
  return replies;
}

}  // namespace triage::worker
