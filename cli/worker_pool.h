// SPDX-License-Identifier: Apache-2.0
// WorkerPool: a fixed set of threads that run one parallel loop at a time, for the batch-parallel
// commands (filter; later eval and diff). The caller's thread takes part as worker 0, so a pool of
// size 1 starts no thread at all. Tasks are handed out through an atomic counter, so a slow task
// does not hold up the others; what a task writes is decided by its index, never by which worker
// ran it, which keeps results independent of the thread count.
//
// StartBackgroundThread() starts the other long-lived threads of those commands (the filter's
// reader and writer) with the same signal discipline as the pool's threads.
#ifndef TRIAGE_CLI_WORKER_POOL_H_
#define TRIAGE_CLI_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace triage::cli {

// Returns a thread running `body`, started with every signal blocked except SIGPIPE: signals
// sent to the process (SIGHUP, SIGINT, SIGTERM) thus reach the threads that leave them unblocked
// (the command's main thread, or a reader's wait mask), while a write to a closed pipe still ends
// the process quietly, as it does for any filter in a shell pipeline. The caller's mask is
// unchanged. `body` must not throw.
std::thread StartBackgroundThread(std::function<void()> body);

// Run() may only be called from the thread that created the pool, one call at a time.
class WorkerPool {
 public:
  // Creates a pool of `size` workers (at least 1), starting size - 1 threads with
  // StartBackgroundThread(), so process signals (SIGHUP, SIGINT) reach the calling thread.
  explicit WorkerPool(size_t size);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t size() const { return threads_.size() + 1; }

  // Calls fn(worker, task) once for every task in [0, tasks), spread over the workers (worker is
  // in [0, size())), and returns when all have finished. `fn` must not throw.
  void Run(size_t tasks, const std::function<void(size_t worker, size_t task)>& fn);

 private:
  void WorkerLoop(size_t worker);
  void Drain(size_t worker);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  uint64_t generation_ = 0;  // guarded by mutex_
  size_t busy_ = 0;          // guarded by mutex_
  bool stop_ = false;        // guarded by mutex_
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  size_t tasks_ = 0;
  std::atomic<size_t> next_task_{0};
};

}  // namespace triage::cli

#endif  // TRIAGE_CLI_WORKER_POOL_H_
