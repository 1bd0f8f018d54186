// SPDX-License-Identifier: Apache-2.0
// Status and Result<T>: how every fallible call of the library reports failure. The library never
// throws, prints or exits; it returns a Status (leveldb style) or a Result<T> holding either a
// value or a non-OK Status. Problems in rule or config text are Diagnostic values (diagnostic.h);
// the Status then only sums them up ("3 errors").
#ifndef TRIAGE_STATUS_H_
#define TRIAGE_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "triage/export.h"

namespace triage {

// The outcome of an operation. Cheap to copy when OK. Thread-compatible.
class TRIAGE_EXPORT [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // rules, config or arguments are wrong (details in Diagnostics)
    kNotFound,         // a file or name does not exist
    kIoError,          // reading or writing failed
    kInvalidRecord,    // one input record cannot be triaged; see record_code()
    kInternal,         // a bug in triage
  };

  // Creates an OK status.
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status IoError(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, std::move(message));
  }
  // A record that cannot be triaged. `record_code` is a stable snake_case id ("invalid_json",
  // "too_large", "not_an_object", "wrong_type", "invalid_utf8") that appears in the output's
  // error line. REQUIRES: `message` does not quote the record's text.
  static Status InvalidRecord(std::string record_code, std::string message) {
    Status s(Code::kInvalidRecord, std::move(message));
    s.record_code_ = std::move(record_code);
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The record error code for kInvalidRecord; empty otherwise.
  const std::string& record_code() const { return record_code_; }
  // Returns "OK" or "<CodeName>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string record_code_;
};

// Either a value of type T or a non-OK Status. Thread-compatible.
template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok().
  Result(Status status) : data_(std::move(status)) {}  // NOLINT(google-explicit-constructor)
  Result(T value) : data_(std::move(value)) {}         // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  // Returns the error, or an OK status when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }
  // REQUIRES: ok().
  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> data_;
};

}  // namespace triage

#define TRIAGE_STATUS_CONCAT_INNER_(a, b) a##b
#define TRIAGE_STATUS_CONCAT_(a, b) TRIAGE_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define TRIAGE_RETURN_IF_ERROR(expr)        \
  do {                                      \
    ::triage::Status triage_status_ = (expr); \
    if (!triage_status_.ok()) return triage_status_; \
  } while (false)

// Evaluates `rexpr` (a Result<T>); returns its Status on error, else moves the value into `lhs`.
#define TRIAGE_ASSIGN_OR_RETURN(lhs, rexpr) \
  TRIAGE_ASSIGN_OR_RETURN_IMPL_(TRIAGE_STATUS_CONCAT_(triage_result_, __LINE__), lhs, rexpr)
#define TRIAGE_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                  \
  if (!result.ok()) return result.status();               \
  lhs = std::move(result).value()

#endif  // TRIAGE_STATUS_H_
