// SPDX-License-Identifier: Apache-2.0
// `triage filter --input jsonl|twilio-form|cybertipline-xml`: how an input line becomes a JSON
// record (docs/adapters.md, section 5). The framing is the filter's for every format: one record
// per line, so that every non-blank input line yields exactly one output line and the line
// numbers of error lines point at the input. A Twilio webhook body is one line already (a
// urlencoded body has no raw newline); a CyberTipline document must be written on one line
// (its newlines are white space between elements, or written as &#10; in text). Converting is
// the library's (triage/adapters.h); this is only the choice of adapter and its options.
#ifndef TRIAGE_CLI_INPUT_FORMAT_H_
#define TRIAGE_CLI_INPUT_FORMAT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "triage/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace triage::cli {

enum class InputFormat { kJsonl, kTwilioForm, kCyberTiplineXml };

// The options as given on the command line.
struct InputFormatOptions {
  std::string format = "jsonl";    // --input
  std::string sender_secret_file;  // --sender-secret-file (TRIAGE_SENDER_SECRET_FILE)
};

// Declares --input and --sender-secret-file on `app`, bound to *options (which must outlive the
// parse).
void AddInputFormatOptions(CLI::App* app, InputFormatOptions* options);

// Turns input lines into JSON records. Immutable once made; Convert() is thread-safe.
class RecordConverter {
 public:
  // A converter for `options`. The sender secret of twilio-form comes from the file named by
  // --sender-secret-file (its one line; a trailing newline is not part of it), else from the
  // TRIAGE_SENDER_SECRET environment variable — never from the command line, where every user
  // of the machine can read it. Returns InvalidArgument (a usage error) when twilio-form has no
  // secret, IoError when the file cannot be read.
  static Result<RecordConverter> Make(const InputFormatOptions& options);

  InputFormat format() const { return format_; }
  // True unless the input is JSONL already.
  bool converts() const { return format_ != InputFormat::kJsonl; }

  // Returns the JSON record of one input line (its kept text, without the '\n'), or the
  // InvalidRecord error of the adapter. `max_bytes` is the ruleset's limits.max_record_bytes.
  // REQUIRES: converts().
  Result<std::string> Convert(std::string_view line, size_t max_bytes) const;

 private:
  RecordConverter(InputFormat format, std::string secret)
      : format_(format), sender_secret_(std::move(secret)) {}

  InputFormat format_;
  std::string sender_secret_;
};

}  // namespace triage::cli

#endif  // TRIAGE_CLI_INPUT_FORMAT_H_
