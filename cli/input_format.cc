// SPDX-License-Identifier: Apache-2.0
// The filter's input formats (input_format.h).
#include "input_format.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "triage/adapters.h"
#include "triage/status.h"

namespace triage::cli {
namespace {

// A secret longer than this is not a secret but a mistake (a wrong file).
constexpr size_t kMaxSecretBytes = 4096;

Result<std::string> ReadSecretFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rbe");
  if (file == nullptr) {
    return Status::IoError("cannot open sender secret file '" + path +
                           "': " + std::strerror(errno));
  }
  std::string secret(kMaxSecretBytes + 1, '\0');
  const size_t read = std::fread(secret.data(), 1, secret.size(), file);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Status::IoError("cannot read sender secret file '" + path + "'");
  if (read > kMaxSecretBytes) {
    return Status::InvalidArgument("sender secret file '" + path + "' is over " +
                                   std::to_string(kMaxSecretBytes) + " bytes");
  }
  secret.resize(read);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

}  // namespace

void AddInputFormatOptions(CLI::App* app, InputFormatOptions* options) {
  app->add_option("--input", options->format,
                  "Input records: jsonl; twilio-form (one Twilio SMS webhook body per line); "
                  "cybertipline-xml (one CyberTipline report document per line)")
      ->check(CLI::IsMember({"jsonl", "twilio-form", "cybertipline-xml"}))
      ->capture_default_str();
  app->add_option("--sender-secret-file", options->sender_secret_file,
                  "twilio-form: the file holding the key senders are hashed with (else "
                  "TRIAGE_SENDER_SECRET)")
      ->envname("TRIAGE_SENDER_SECRET_FILE");
}

Result<RecordConverter> RecordConverter::Make(const InputFormatOptions& options) {
  if (options.format == "cybertipline-xml") {
    return RecordConverter(InputFormat::kCyberTiplineXml, "");
  }
  if (options.format != "twilio-form") return RecordConverter(InputFormat::kJsonl, "");
  std::string secret;
  if (!options.sender_secret_file.empty()) {
    Result<std::string> read = ReadSecretFile(options.sender_secret_file);
    if (!read.ok()) return read.status();
    secret = std::move(read).value();
  } else if (const char* env = std::getenv("TRIAGE_SENDER_SECRET"); env != nullptr) {
    secret = env;
  }
  if (secret.empty()) {
    return Status::InvalidArgument(
        "--input twilio-form needs the key senders are hashed with: --sender-secret-file FILE "
        "or TRIAGE_SENDER_SECRET (the sender's number never reaches a record in clear)");
  }
  return RecordConverter(InputFormat::kTwilioForm, std::move(secret));
}

Result<std::string> RecordConverter::Convert(std::string_view line, size_t max_bytes) const {
  if (format_ == InputFormat::kCyberTiplineXml) {
    adapters::CyberTiplineOptions options;
    options.max_bytes = max_bytes;
    return adapters::CyberTiplineXmlToRecordJson(line, options);
  }
  // A body logged with CRLF line ends: the CR is not part of the last value.
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Result<std::vector<adapters::FormParam>> params = adapters::ParseForm(line);
  if (!params.ok()) return params.status();
  adapters::TwilioOptions options;
  options.sender_secret = sender_secret_;
  // No received_at of our own: the filter has no clock in its decisions; each body carries the
  // time it was received as a `received_at` parameter (docs/adapters.md).
  return adapters::TwilioToRecordJson(*params, options);
}

}  // namespace triage::cli
