// A fixed pool of worker threads that runs one batch of independent chunks at a time, for the
// batched hot loops (the environment's step). Work is split by the caller into chunks whose
// results do not depend on which thread runs them, so outputs are identical for any size.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shoprl {

class ThreadPool {
 public:
  // `threads` >= 1 counts the calling thread: ThreadPool(1) starts no worker.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(chunk) for every chunk in [0, chunks) and returns when all are done. The calling
  // thread takes part. An exception thrown by fn is rethrown here (the first one).
  void run(std::size_t chunks, const std::function<void(std::size_t)>& fn);

 private:
  void worker_loop();
  void drain();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t chunks_ = 0;
  std::size_t next_chunk_ = 0;
  std::size_t done_chunks_ = 0;
  std::size_t generation_ = 0;
  std::exception_ptr error_;
  bool stopping_ = false;
};

}  // namespace shoprl
