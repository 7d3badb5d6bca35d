#include "core/thread_pool.h"

#include <exception>

namespace shoprl {

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::run(std::size_t chunks, const std::function<void(std::size_t)>& fn) {
  if (chunks == 0) return;
  if (workers_.empty() || chunks == 1) {
    for (std::size_t c = 0; c < chunks; ++c) fn(c);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    chunks_ = chunks;
    next_chunk_ = 0;
    done_chunks_ = 0;
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  drain();
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [this] { return done_chunks_ == chunks_; });
  job_ = nullptr;
  if (error_) std::rethrow_exception(error_);
}

// Takes chunks until none is left; shared by the caller and the workers.
void ThreadPool::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (job_ != nullptr && next_chunk_ < chunks_) {
    const std::size_t chunk = next_chunk_++;
    const auto* job = job_;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job)(chunk);
    } catch (...) {
      error = std::current_exception();  // handed to run(), which rethrows it
    }
    lock.lock();
    if (error && !error_) error_ = error;
    if (++done_chunks_ == chunks_) finished_.notify_all();
  }
}

void ThreadPool::worker_loop() {
  std::size_t seen_generation = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
      if (stopping_) return;
      seen_generation = generation_;
    }
    drain();
  }
}

}  // namespace shoprl
