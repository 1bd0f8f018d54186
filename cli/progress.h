// SPDX-License-Identifier: Apache-2.0
// Progress: the one-line progress report on stderr that long runs show on a terminal (H10):
// records done, records per second and, when the input's size is known, an ETA. It prints
// nothing during the first two seconds, then at most once a second, and erases its line when
// done. It reads the clock, which is fine here: it never touches the output or a decision.
#ifndef TRIAGE_CLI_PROGRESS_H_
#define TRIAGE_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>

namespace triage::cli {

// Not thread-safe; call from one thread.
class Progress {
 public:
  // `enabled` false makes every call a no-op. `total_bytes` is the input's size, 0 if unknown.
  Progress(bool enabled, uint64_t total_bytes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Records that `records` more records and `bytes` more input bytes have been processed.
  void Advance(uint64_t records, uint64_t bytes);
  // Erases the progress line, if one was printed.
  void Finish();

 private:
  using Clock = std::chrono::steady_clock;

  bool enabled_;
  uint64_t total_bytes_;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  Clock::time_point start_;
  Clock::time_point last_print_;
  bool printed_ = false;
};

}  // namespace triage::cli

#endif  // TRIAGE_CLI_PROGRESS_H_
