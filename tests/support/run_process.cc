// SPDX-License-Identifier: Apache-2.0
// Child processes for end-to-end tests (run_process.h).

#include "support/run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace triage::test_support {
namespace {

using Clock = std::chrono::steady_clock;

// Writing to a child that already exited must be an error (EPIPE), not the end of the tests.
void IgnoreSigpipeOnce() {
  static const bool done = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

std::vector<std::string> BuildEnvironment(const ProcessOptions& options) {
  std::vector<std::string> names_to_drop = options.unset_env;
  for (const std::string& entry : options.set_env) {
    names_to_drop.push_back(entry.substr(0, entry.find('=')));
  }
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (std::find(names_to_drop.begin(), names_to_drop.end(), name) != names_to_drop.end()) {
      continue;
    }
    env.emplace_back(text);
  }
  env.insert(env.end(), options.set_env.begin(), options.set_env.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

int Remaining(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<int64_t>(0, left));
}

}  // namespace

Subprocess::~Subprocess() {
  CloseFd(&in_);
  CloseFd(&out_);
  CloseFd(&err_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool Subprocess::Start(const std::vector<std::string>& argv, const ProcessOptions& options) {
  IgnoreSigpipeOnce();
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return false;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return false;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return false;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);

  // The child starts with no blocked signals and default handlers for the ones tests use, even
  // though this process ignores SIGPIPE.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGQUIT}) sigaddset(&defaults, sig);
  if (!options.ignore_sigpipe) sigaddset(&defaults, SIGPIPE);  // else inherited: ignored
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = argv;
  std::vector<std::string> env = BuildEnvironment(options);
  std::vector<char*> arg_pointers = CStrings(args);
  std::vector<char*> env_pointers = CStrings(env);
  const int rc = posix_spawn(&pid_, args.at(0).c_str(), &actions, &attributes, arg_pointers.data(),
                             env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  in_ = in_pipe[1];
  out_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (options.discard_stdout) CloseFd(&out_);
  if (rc != 0) {
    pid_ = -1;
    CloseFd(&in_);
    CloseFd(&out_);
    CloseFd(&err_fd_);
    return false;
  }
  // Writes never block: Write() interleaves them with reading the child's output.
  fcntl(in_, F_SETFL, fcntl(in_, F_GETFL) | O_NONBLOCK);
  return true;
}

bool Subprocess::Pump(std::chrono::milliseconds timeout) {
  pollfd fds[3];
  int count = 0;
  if (out_ >= 0) fds[count++] = pollfd{out_, POLLIN, 0};
  if (err_fd_ >= 0) fds[count++] = pollfd{err_fd_, POLLIN, 0};
  if (count == 0) return false;
  const int ready = poll(fds, static_cast<nfds_t>(count), static_cast<int>(timeout.count()));
  if (ready <= 0) return true;
  for (int i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    char buffer[65536];
    const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    const bool is_out = fds[i].fd == out_;
    if (n <= 0) {
      CloseFd(is_out ? &out_ : &err_fd_);
      continue;
    }
    (is_out ? out_buffer_ : err_).append(buffer, static_cast<size_t>(n));
  }
  return true;
}

bool Subprocess::Write(std::string_view data) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(60);
  while (!data.empty()) {
    if (in_ < 0) return false;
    const ssize_t n = write(in_, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;  // EPIPE: the child is gone
    if (Clock::now() > deadline) return false;
    // The pipe is full: wait for room, draining the child's output meanwhile so that a child
    // blocked on writing can make progress.
    pollfd fds[3] = {{in_, POLLOUT, 0}, {out_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    poll(fds, 3, 100);  // negative descriptors are ignored by poll
    if (fds[1].revents != 0 || fds[2].revents != 0) Pump(std::chrono::milliseconds(0));
  }
  return true;
}

void Subprocess::CloseStdin() { CloseFd(&in_); }

bool Subprocess::ReadLine(std::string* line, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    const size_t newline = out_buffer_.find('\n');
    if (newline != std::string::npos) {
      line->assign(out_buffer_, 0, newline);
      out_buffer_.erase(0, newline + 1);
      return true;
    }
    if (out_ < 0 || Clock::now() >= deadline) return false;
    Pump(std::chrono::milliseconds(std::min(Remaining(deadline), 100)));
  }
}

bool Subprocess::WaitForStderr(std::string_view needle, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    if (err_.find(needle) != std::string::npos) return true;
    if (err_fd_ < 0 || Clock::now() >= deadline) return false;
    Pump(std::chrono::milliseconds(std::min(Remaining(deadline), 100)));
  }
}

bool Subprocess::Signal(int signal) { return pid_ > 0 && kill(pid_, signal) == 0; }

ProcessResult Subprocess::Wait(std::chrono::milliseconds timeout) {
  CloseStdin();
  return WaitWithStdinOpen(timeout);
}

ProcessResult Subprocess::WaitWithStdinOpen(std::chrono::milliseconds timeout) {
  ProcessResult result;
  const Clock::time_point deadline = Clock::now() + timeout;
  while ((out_ >= 0 || err_fd_ >= 0) && Clock::now() < deadline) {
    Pump(std::chrono::milliseconds(std::min(Remaining(deadline), 100)));
  }
  if (out_ >= 0 || err_fd_ >= 0) {
    result.timed_out = true;
    kill(pid_, SIGKILL);
  }
  int status = 0;
  if (pid_ > 0) {
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  CloseStdin();
  CloseFd(&out_);
  CloseFd(&err_fd_);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = std::move(out_buffer_);
  result.err = err_;
  out_buffer_.clear();
  return result;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  Subprocess process;
  if (!process.Start(argv, options)) {
    ProcessResult failed;
    failed.err = "cannot start " + argv.at(0) + ": " + std::strerror(errno);
    return failed;
  }
  process.Write(options.stdin_data);  // a child that exits early simply stops reading
  return process.Wait(options.timeout);
}

std::string MakeTempDir(const std::string& prefix) {
  std::string path = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (mkdtemp(path.data()) == nullptr) return {};
  return path;
}

bool WriteFile(const std::string& path, std::string_view text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) return false;
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!file) return false;
  }
  return std::rename(temp.c_str(), path.c_str()) == 0;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      lines.emplace_back(text);
      break;
    }
    lines.emplace_back(text.substr(0, newline));
    text.remove_prefix(newline + 1);
  }
  return lines;
}

}  // namespace triage::test_support
