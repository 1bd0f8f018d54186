// SPDX-License-Identifier: Apache-2.0
// Progress line on stderr (progress.h).

#include "progress.h"

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>

namespace triage::cli {
namespace {

constexpr auto kQuiet = std::chrono::seconds(2);
constexpr auto kInterval = std::chrono::seconds(1);

}  // namespace

Progress::Progress(bool enabled, uint64_t total_bytes)
    : enabled_(enabled), total_bytes_(total_bytes), start_(Clock::now()), last_print_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(uint64_t records, uint64_t bytes) {
  if (!enabled_) return;
  records_ += records;
  bytes_ += bytes;
  const Clock::time_point now = Clock::now();
  if (now - start_ < kQuiet || now - last_print_ < kInterval) return;
  last_print_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(records_) / seconds : 0.0;
  std::fprintf(stderr, "\r\033[Ktriage: %" PRIu64 " records, %.0f records/s", records_, rate);
  if (total_bytes_ > 0 && bytes_ > 0 && bytes_ < total_bytes_) {
    const double byte_rate = static_cast<double>(bytes_) / seconds;
    const auto eta = static_cast<uint64_t>(static_cast<double>(total_bytes_ - bytes_) / byte_rate);
    std::fprintf(stderr, ", %" PRIu64 "%%, ETA %" PRIu64 ":%02" PRIu64, bytes_ * 100 / total_bytes_,
                 eta / 60, eta % 60);
  }
  std::fflush(stderr);
  printed_ = true;
}

void Progress::Finish() {
  if (!printed_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  printed_ = false;
}

}  // namespace triage::cli
