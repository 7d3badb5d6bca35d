// Tests the thread pool of the batched hot loops (src/core/thread_pool.cpp): every chunk runs
// exactly once whatever the pool size, an exception reaches the caller and leaves the pool
// usable, and one pool serves many batches.
#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace shoprl {
namespace {

TEST(ThreadPool, CountsTheCallingThread) {
  for (int threads = 1; threads <= 4; ++threads) EXPECT_EQ(ThreadPool(threads).threads(), threads);
}

TEST(ThreadPool, RunsEveryChunkExactlyOnce) {
  for (int threads = 1; threads <= 4; ++threads) {
    ThreadPool pool(threads);
    for (const std::size_t chunks : {0u, 1u, 2u, 3u, 7u, 64u, 1000u}) {
      std::vector<std::atomic<int>> runs(chunks);
      for (auto& r : runs) r = 0;
      pool.run(chunks, [&](std::size_t chunk) {
        ASSERT_LT(chunk, chunks);
        runs[chunk].fetch_add(1);
      });
      for (std::size_t c = 0; c < chunks; ++c)
        EXPECT_EQ(runs[c].load(), 1) << threads << " threads, chunk " << c << " of " << chunks;
    }
  }
}

TEST(ThreadPool, ReturnsOnlyWhenEveryChunkIsDone) {
  for (int threads = 2; threads <= 4; ++threads) {
    ThreadPool pool(threads);
    std::atomic<int> finished{0};
    pool.run(16, [&](std::size_t) {
      volatile double sink = 0;
      for (int i = 0; i < 20000; ++i) sink = sink + i;  // long enough for workers to join in
      finished.fetch_add(1);
    });
    EXPECT_EQ(finished.load(), 16) << threads << " threads";
  }
}

TEST(ThreadPool, RethrowsAnExceptionFromAChunkAndStaysUsable) {
  for (int threads = 1; threads <= 4; ++threads) {
    ThreadPool pool(threads);
    try {
      pool.run(20, [](std::size_t chunk) {
        if (chunk == 13) throw std::runtime_error("chunk 13 failed");
      });
      ADD_FAILURE() << threads << " threads: nothing was rethrown";
    } catch (const std::runtime_error& error) {
      EXPECT_EQ(std::string(error.what()), "chunk 13 failed");
    }
    // The failure does not leak into the next batch.
    std::atomic<int> runs{0};
    EXPECT_NO_THROW(pool.run(20, [&](std::size_t) { runs.fetch_add(1); }));
    EXPECT_EQ(runs.load(), 20) << threads << " threads";
  }
}

TEST(ThreadPool, RethrowsOneOfSeveralExceptions) {
  ThreadPool pool(3);
  EXPECT_THROW(pool.run(50,
                        [](std::size_t chunk) {
                          if (chunk % 2 == 0) throw std::out_of_range(std::to_string(chunk));
                        }),
               std::out_of_range);
}

TEST(ThreadPool, ServesManyBatchesInARow) {
  for (int threads = 1; threads <= 4; ++threads) {
    ThreadPool pool(threads);
    std::vector<long> sums(2000, 0);
    for (std::size_t batch = 0; batch < sums.size(); ++batch) {
      const std::size_t chunks = 1 + batch % 9;
      std::vector<long> part(chunks, 0);
      pool.run(chunks, [&](std::size_t chunk) { part[chunk] = static_cast<long>(chunk + batch); });
      for (long p : part) sums[batch] += p;
    }
    for (std::size_t batch = 0; batch < sums.size(); ++batch) {
      const long chunks = static_cast<long>(1 + batch % 9);
      ASSERT_EQ(sums[batch], chunks * (chunks - 1) / 2 + chunks * static_cast<long>(batch))
          << threads << " threads, batch " << batch;
    }
  }
}

TEST(ThreadPool, ShutsDownCleanlyWithIdleWorkers) {
  // Pools destroyed right after creation and right after a batch: no hang, no crash.
  for (int threads = 1; threads <= 4; ++threads) {
    { ThreadPool idle(threads); }
    auto pool = std::make_unique<ThreadPool>(threads);
    std::atomic<int> runs{0};
    pool->run(5, [&](std::size_t) { runs.fetch_add(1); });
    pool.reset();
    EXPECT_EQ(runs.load(), 5);
  }
}

}  // namespace
}  // namespace shoprl
