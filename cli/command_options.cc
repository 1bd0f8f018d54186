// SPDX-License-Identifier: Apache-2.0
// Options and helpers shared by the subcommands (command_options.h).

#include "command_options.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>

#include "triage/status.h"

namespace triage::cli {

void AddInputOption(CLI::App* app, std::string* input, const char* noun) {
  app->add_option("file", *input,
                  std::string("Input JSONL ") + noun + "; '-' or omitted reads stdin")
      ->capture_default_str();
}

void AddConfigOption(CLI::App* app, std::string* config, const char* help) {
  app->add_option("-c,--config", *config, help)->envname("TRIAGE_CONFIG");
}

void AddJobsOption(CLI::App* app, int* jobs) {
  app->add_option("-j,--jobs", *jobs, "Worker threads; 0 means one per hardware thread")
      ->check(CLI::Range(0, 1024))
      ->envname("TRIAGE_JOBS")
      ->capture_default_str();
}

Result<int> OpenInput(const std::string& input) {
  if (input == "-") return STDIN_FILENO;
  const int fd = open(input.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open input '" + input + "': " + std::strerror(errno));
  return fd;
}

Status RecordTooLarge(uint64_t length, size_t max_bytes) {
  return Status::InvalidRecord(
      "too_large", "record is " + std::to_string(length) + " bytes, over the limit of " +
                       std::to_string(max_bytes) + " bytes (limits.max_record_bytes)");
}

}  // namespace triage::cli
