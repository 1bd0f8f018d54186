// SPDX-License-Identifier: Apache-2.0
// Status text: the one place that names the status codes. ToString() is what logs and the CLI
// print for a failed call, so the code names are stable ("InvalidArgument", "NotFound", ...);
// an invalid record also shows its record code, which is what the output's error line carries.
#include "triage/status.h"

#include <string>

namespace triage {
namespace {

// Returns the CamelCase name of `code` as it appears in ToString().
const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kIoError:
      return "IoError";
    case Status::Code::kInvalidRecord:
      return "InvalidRecord";
    case Status::Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = CodeName(code_);
  if (code_ == Code::kInvalidRecord) {
    out += '(';
    out += record_code_;
    out += ')';
  }
  out += ": ";
  out += message_;
  return out;
}

}  // namespace triage
