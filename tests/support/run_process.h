// SPDX-License-Identifier: Apache-2.0
// Running a program from a test: RunProcess() runs a command to completion with the given stdin
// and returns its stdout, stderr and exit status; Subprocess drives a long-running one (write a
// line, read a line, send a signal, wait for text on stderr). Commands are argument vectors
// started with posix_spawn — never a shell string — so test data cannot be mistaken for syntax.
#ifndef TRIAGE_TESTS_SUPPORT_RUN_PROCESS_H_
#define TRIAGE_TESTS_SUPPORT_RUN_PROCESS_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace triage::test_support {

struct ProcessOptions {
  std::string stdin_data;
  // "NAME=value" entries that replace or add to the inherited environment.
  std::vector<std::string> set_env;
  // Names removed from the inherited environment.
  std::vector<std::string> unset_env;
  // The child is killed (SIGKILL) after this long.
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
  // Subprocess only: nobody reads the child's stdout (the read end is closed at start), so its
  // writes fail: with EPIPE if `ignore_sigpipe`, else by SIGPIPE.
  bool discard_stdout = false;
  // The child starts with SIGPIPE ignored instead of at its default action.
  bool ignore_sigpipe = false;
};

struct ProcessResult {
  int exit_code = -1;  // -1 unless the process exited normally
  int signal = 0;      // the signal that ended it, if any
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv[0] (a path, not looked up in PATH) with `argv`, feeds options.stdin_data and closes
// stdin, and collects stdout and stderr until the process exits.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A running child process with pipes on stdin, stdout and stderr. Not thread-safe.
class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();  // kills and reaps a child still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts the process (options.stdin_data and timeout are ignored). Returns false on failure.
  bool Start(const std::vector<std::string>& argv, const ProcessOptions& options = {});
  pid_t pid() const { return pid_; }

  // Writes `data` to the child's stdin. Returns false if the pipe is closed.
  bool Write(std::string_view data);
  void CloseStdin();
  // Reads one line of stdout (without '\n'). Returns false on timeout or end of output.
  bool ReadLine(std::string* line, std::chrono::milliseconds timeout);
  // Waits until the stderr collected so far contains `needle`. Returns false on timeout.
  bool WaitForStderr(std::string_view needle, std::chrono::milliseconds timeout);
  // Sends `signal` to the child.
  bool Signal(int signal);
  // Closes stdin, drains the pipes and waits for the child to exit (SIGKILL after `timeout`).
  // The result holds stdout not yet consumed by ReadLine and all of stderr.
  ProcessResult Wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // The same, with stdin left open: the child must end by itself (then stdin is closed).
  ProcessResult WaitWithStdinOpen(std::chrono::milliseconds timeout);

  const std::string& err() const { return err_; }

 private:
  // Reads whatever is available on stdout/stderr, waiting up to `timeout`. Returns false when
  // both pipes are at their end.
  bool Pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int err_fd_ = -1;
  std::string out_buffer_;
  std::string err_;
};

// Returns a fresh, empty directory under the system temp directory; its name starts with `prefix`.
std::string MakeTempDir(const std::string& prefix);
// Writes `text` to `path` (replacing it atomically through a rename). Returns false on failure.
bool WriteFile(const std::string& path, std::string_view text);
// Splits `text` into lines at '\n' (a final '\n' does not start another line).
std::vector<std::string> SplitLines(std::string_view text);

}  // namespace triage::test_support

#endif  // TRIAGE_TESTS_SUPPORT_RUN_PROCESS_H_
