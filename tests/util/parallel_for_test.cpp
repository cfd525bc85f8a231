// parallel_for: every index runs exactly once whatever the thread count, worker numbers stay in
// range with worker 0 on the calling thread, and a worker's exception reaches the caller.
#include "embeval/util/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "embeval/util/thread_count.h"

namespace embeval {
namespace {

TEST(ParallelWorkers, ResolvesZeroAndCapsAtTheItemCount) {
  EXPECT_EQ(parallel_workers(100, 3), 3u);
  EXPECT_EQ(parallel_workers(2, 8), 2u);  // fewer items than threads
  EXPECT_EQ(parallel_workers(0, 8), 1u);  // nothing to do still has one worker
  EXPECT_EQ(parallel_workers(1, 0), 1u);
  EXPECT_EQ(parallel_workers(1000, 0), std::min<std::size_t>(1000, resolve_thread_count(0)));
}

TEST(ParallelFor, RunsEveryIndexExactlyOnce) {
  const std::thread::id caller = std::this_thread::get_id();
  for (const std::size_t threads : {0, 1, 2, 3, 8}) {
    // 0, 1 and 2 items are fewer than most of these thread counts.
    for (const std::size_t count : {0, 1, 2, 5, 97, 4096}) {
      std::vector<std::atomic<int>> runs(count);
      std::atomic<bool> worker_in_range{true};
      std::atomic<bool> worker0_on_caller{true};
      const std::size_t workers = parallel_workers(count, threads);
      parallel_for(count, threads, [&](std::size_t i, std::size_t worker) {
        runs[i].fetch_add(1);
        if (worker >= workers) worker_in_range = false;
        if ((worker == 0) != (std::this_thread::get_id() == caller)) worker0_on_caller = false;
      });
      for (std::size_t i = 0; i < count; ++i) {
        ASSERT_EQ(runs[i].load(), 1)
            << "index " << i << ", " << count << " items, " << threads << " threads";
      }
      EXPECT_TRUE(worker_in_range) << count << " items, " << threads << " threads";
      EXPECT_TRUE(worker0_on_caller) << count << " items, " << threads << " threads";
    }
  }
}

TEST(ParallelFor, PerWorkerSlotsSumToTheSerialTotal) {
  constexpr std::size_t kCount = 10000;
  const std::size_t workers = parallel_workers(kCount, 4);
  std::vector<std::size_t> partial(workers, 0);
  parallel_for(kCount, 4, [&](std::size_t i, std::size_t worker) { partial[worker] += i; });
  std::size_t total = 0;
  for (const std::size_t p : partial) total += p;
  EXPECT_EQ(total, kCount * (kCount - 1) / 2);
}

TEST(ParallelFor, AnExceptionOnTheCallingThreadReachesTheCaller) {
  std::size_t ran = 0;
  EXPECT_THROW(parallel_for(10, 1,
                            [&](std::size_t i, std::size_t) {
                              ++ran;
                              if (i == 3) throw std::runtime_error("index 3");
                            }),
               std::runtime_error);
  EXPECT_EQ(ran, 4u);  // one worker stops at the throwing index
}

TEST(ParallelFor, AnExceptionOnAnotherWorkerReachesTheCaller) {
  // Worker 0 (the caller) holds its first index until another worker has thrown, so the
  // exception that surfaces must have crossed threads.
  std::atomic<bool> thrown{false};
  try {
    parallel_for(1000, 2, [&](std::size_t, std::size_t worker) {
      if (worker == 0) {
        while (!thrown.load()) std::this_thread::yield();
        return;
      }
      thrown = true;
      throw std::runtime_error("from worker " + std::to_string(worker));
    });
    FAIL() << "no exception reached the caller";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "from worker 1");
  }
}

TEST(ParallelFor, AfterAnExceptionNoFurtherIndexIsHandedOut) {
  // Every body throws: each worker stops at its first index, and exactly one exception (the
  // first) reaches the caller; the others are dropped instead of terminating the process.
  constexpr std::size_t kThreads = 4;
  std::atomic<std::size_t> ran{0};
  EXPECT_THROW(parallel_for(100000, kThreads,
                            [&](std::size_t, std::size_t) {
                              ran.fetch_add(1);
                              throw std::runtime_error("every index fails");
                            }),
               std::runtime_error);
  EXPECT_GE(ran.load(), 1u);
  EXPECT_LE(ran.load(), kThreads);
}

}  // namespace
}  // namespace embeval
