// SPDX-License-Identifier: Apache-2.0
// Line-oriented I/O on raw file descriptors for `triage filter`: a buffered reader that splits
// JSON Lines input into physical lines (numbering them, skipping blank ones, keeping at most a
// bounded prefix of an over-long line), and a buffered writer. Both go straight to read(2) and
// write(2) so that the filter controls blocking and signals: the reader can tell "no complete
// line is available right now" from "wait for one", reports EINTR (a SIGHUP reload) to the caller
// instead of retrying it (waiting in ppoll with the caller's signal mask, so that a signal that
// arrives just before the wait is not lost), and the writer retries EINTR so that output is never
// lost to a signal. A reader on its own thread can also be woken from its wait through a second
// descriptor (set_wake_fd), which is how the filter stops a reader that waits on a silent pipe.
#ifndef TRIAGE_CLI_LINE_IO_H_
#define TRIAGE_CLI_LINE_IO_H_

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace triage::cli {

// One non-blank physical line of input.
struct InputLine {
  uint64_t number = 0;  // 1-based physical line number
  std::string text;     // the line without its '\n'; only a prefix if truncated
  size_t length = 0;    // the full length of the line in bytes, without its '\n'
  bool truncated = false;
};

// Reads lines from a file descriptor it does not own. Not thread-safe.
class LineReader {
 public:
  enum class Result {
    kLine,         // *line holds the next non-blank line
    kEnd,          // end of input
    kWouldBlock,   // no complete line buffered and the descriptor has no data ready (may_block
                   // false)
    kInterrupted,  // a signal interrupted the wait, or the wake descriptor is readable; call again
    kError,        // reading failed; error() has errno
  };

  // `wait_mask`, if not null, is the signal mask to hold while waiting for input (ppoll): a
  // caller that keeps a signal blocked and unblocks it only there cannot lose the wake-up of a
  // signal that arrives just before the wait. Copied.
  explicit LineReader(int fd, const sigset_t* wait_mask = nullptr,
                      size_t buffer_size = size_t{1} << 20);

  // Reads the next non-blank line into *line (reusing its capacity). Keeps at most `max_keep`
  // bytes of a line's text and sets truncated for longer lines; their length is still counted.
  // Blank lines (empty, or only spaces, tabs and CRs) are skipped but counted in the line
  // numbers. With may_block false, returns kWouldBlock instead of waiting for input that is not
  // there yet.
  Result Next(InputLine* line, size_t max_keep, bool may_block);

  // Makes every wait for input also watch `fd` (not owned; -1: none, the default): once it is
  // readable, Next() returns kInterrupted instead of reading or waiting, until it is drained or
  // unset. For stopping a reader that runs on another thread. Call between Next() calls.
  void set_wake_fd(int fd) { wake_fd_ = fd; }

  int error() const { return error_; }

 private:
  bool Fill(bool may_block, Result* result);

  int fd_;
  int wake_fd_ = -1;
  bool has_wait_mask_ = false;
  sigset_t wait_mask_{};
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int error_ = 0;
  uint64_t line_number_ = 0;
  // The line being assembled across refills.
  InputLine partial_;
  bool partial_blank_ = true;
};

// Buffers output for a file descriptor it does not own and writes it with write(2), retrying
// EINTR and short writes. Not thread-safe.
class OutputWriter {
 public:
  explicit OutputWriter(int fd, size_t buffer_size = size_t{1} << 20);
  // Appends `text` and a '\n'; writes the buffer out when it is full.
  void WriteLine(std::string_view text);
  // Appends `bytes` as they are (whole lines, say); writes the buffer out when it is full. Large
  // pieces go straight to write(2) after the buffer, without being copied.
  void Write(std::string_view bytes);
  // Writes everything buffered. Returns false (and stays failed) if a write failed.
  bool Flush();
  bool failed() const { return error_ != 0; }
  int error() const { return error_; }

 private:
  // Writes `size` bytes at `data`, retrying EINTR and short writes; records a failure.
  void WriteAll(const char* data, size_t size);

  int fd_;
  size_t capacity_;
  std::string buffer_;
  int error_ = 0;
};

}  // namespace triage::cli

#endif  // TRIAGE_CLI_LINE_IO_H_
