// SPDX-License-Identifier: Apache-2.0
// WorkerPool (worker_pool.h).

#include "worker_pool.h"

#include <pthread.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API

#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace triage::cli {

std::thread StartBackgroundThread(std::function<void()> body) {
  // A thread inherits its creator's signal mask: set the new thread's while starting it, then
  // restore ours.
  sigset_t blocked;
  sigset_t previous;
  sigfillset(&blocked);
  sigdelset(&blocked, SIGPIPE);
  pthread_sigmask(SIG_SETMASK, &blocked, &previous);
  std::thread thread(std::move(body));
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return thread;
}

WorkerPool::WorkerPool(size_t size) {
  if (size <= 1) return;
  threads_.reserve(size - 1);
  for (size_t worker = 1; worker < size; ++worker) {
    threads_.push_back(StartBackgroundThread([this, worker] { WorkerLoop(worker); }));
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::Drain(size_t worker) {
  for (;;) {
    const size_t task = next_task_.fetch_add(1, std::memory_order_relaxed);
    if (task >= tasks_) return;
    (*fn_)(worker, task);
  }
}

void WorkerPool::WorkerLoop(size_t worker) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    Drain(worker);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }
}

void WorkerPool::Run(size_t tasks, const std::function<void(size_t, size_t)>& fn) {
  if (tasks == 0) return;
  if (threads_.empty() || tasks == 1) {
    for (size_t task = 0; task < tasks; ++task) fn(0, task);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_task_.store(0, std::memory_order_relaxed);
    busy_ = threads_.size();
    ++generation_;
  }
  start_.notify_all();
  Drain(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return busy_ == 0; });
  fn_ = nullptr;
}

}  // namespace triage::cli
