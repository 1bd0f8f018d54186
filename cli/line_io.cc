// SPDX-License-Identifier: Apache-2.0
// Line-oriented fd I/O (line_io.h).

#include "line_io.h"

#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string_view>

namespace triage::cli {
namespace {

// A blank line is empty or holds only spaces, tabs and carriage returns (docs/filter.md). Any
// other byte, a vertical tab or a form feed included, makes the line a record to triage, so that
// it gets a decision or an error line (one line out per line in).
bool IsBlankByte(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

LineReader::LineReader(int fd, const sigset_t* wait_mask, size_t buffer_size)
    : fd_(fd), buffer_(buffer_size) {
  if (wait_mask != nullptr) {
    has_wait_mask_ = true;
    wait_mask_ = *wait_mask;
  }
}

bool LineReader::Fill(bool may_block, Result* result) {
  for (;;) {
    // Wait (or, with may_block false, only look) for input. Signals the caller unblocks in the
    // wait mask are delivered here and only here, so none is lost between a check and the wait.
    // poll(2) ignores an entry whose descriptor is negative: without a wake descriptor, the
    // second entry costs nothing.
    std::array<pollfd, 2> requests{};
    requests[0].fd = fd_;
    requests[0].events = POLLIN;
    requests[1].fd = wake_fd_;
    requests[1].events = POLLIN;
    const timespec zero{};
    const int ready = ppoll(requests.data(), requests.size(), may_block ? nullptr : &zero,
                            has_wait_mask_ ? &wait_mask_ : nullptr);
    if (ready < 0) {
      if (errno == EINTR) {
        *result = Result::kInterrupted;
        return false;
      }
      error_ = errno;
      *result = Result::kError;
      return false;
    }
    if (requests[1].revents != 0) {
      *result = Result::kInterrupted;
      return false;
    }
    if (ready == 0) {
      *result = Result::kWouldBlock;
      return false;
    }
    // Readable, hung up or in error: the read tells which.
    const ssize_t n = read(fd_, buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      error_ = errno;
      *result = Result::kError;
      return false;
    }
    begin_ = 0;
    end_ = static_cast<size_t>(n);
    if (n == 0) eof_ = true;
    return true;
  }
}

LineReader::Result LineReader::Next(InputLine* line, size_t max_keep, bool may_block) {
  for (;;) {
    if (begin_ < end_) {
      const char* start = buffer_.data() + begin_;
      const size_t available = end_ - begin_;
      const void* newline = std::memchr(start, '\n', available);
      const size_t chunk = newline != nullptr
                               ? static_cast<size_t>(static_cast<const char*>(newline) - start)
                               : available;
      // Append what fits under max_keep; count the rest.
      const size_t kept = partial_.text.size();
      const size_t room = max_keep > kept ? max_keep - kept : 0;
      const size_t take = std::min(chunk, room);
      if (partial_blank_) {
        for (size_t i = 0; i < chunk; ++i) {
          if (!IsBlankByte(start[i])) {
            partial_blank_ = false;
            break;
          }
        }
      }
      partial_.text.append(start, take);
      if (take < chunk) partial_.truncated = true;
      partial_.length += chunk;
      begin_ += chunk;
      if (newline == nullptr) continue;  // buffer exhausted mid-line: refill
      ++begin_;                          // the '\n'
    } else if (eof_) {
      if (partial_.length == 0) return Result::kEnd;
      // A last line without '\n' falls through as a complete line.
    } else {
      Result result = Result::kLine;
      if (!Fill(may_block, &result)) return result;
      continue;
    }

    // A complete line.
    ++line_number_;
    const bool blank = partial_blank_;
    partial_blank_ = true;
    if (blank) {
      partial_.text.clear();
      partial_.length = 0;
      partial_.truncated = false;
      if (eof_ && begin_ >= end_) return Result::kEnd;
      continue;
    }
    partial_.number = line_number_;
    std::swap(*line, partial_);
    partial_.text.clear();
    partial_.length = 0;
    partial_.truncated = false;
    return Result::kLine;
  }
}

OutputWriter::OutputWriter(int fd, size_t buffer_size) : fd_(fd), capacity_(buffer_size) {
  buffer_.reserve(capacity_ + 4096);
}

void OutputWriter::WriteLine(std::string_view text) {
  buffer_.append(text);
  buffer_.push_back('\n');
  if (buffer_.size() >= capacity_) Flush();
}

void OutputWriter::Write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() < capacity_) {
    buffer_.append(bytes);
    return;
  }
  Flush();
  if (bytes.size() >= capacity_ / 2) {
    WriteAll(bytes.data(), bytes.size());
  } else {
    buffer_.append(bytes);
  }
}

void OutputWriter::WriteAll(const char* data, size_t size) {
  size_t written = 0;
  while (written < size && error_ == 0) {
    const ssize_t n = write(fd_, data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      break;
    }
    written += static_cast<size_t>(n);
  }
}

bool OutputWriter::Flush() {
  WriteAll(buffer_.data(), buffer_.size());
  buffer_.clear();
  return error_ == 0;
}

}  // namespace triage::cli
