#include "embeval/util/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "embeval/util/thread_count.h"

namespace embeval {

std::size_t parallel_workers(std::size_t count, std::size_t threads) {
  return std::max<std::size_t>(1, std::min(resolve_thread_count(threads), count));
}

void parallel_for(std::size_t count, std::size_t threads,
                  const std::function<void(std::size_t index, std::size_t worker)>& body) {
  const std::size_t workers = parallel_workers(count, threads);
  if (workers == 1) {  // no thread to start, and exceptions reach the caller as they are
    for (std::size_t i = 0; i < count; ++i) body(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  const auto work = [&](std::size_t worker) {
    try {
      // Checked before fetch_add so that `next` never passes count + workers (no wrap-around).
      while (next.load(std::memory_order_relaxed) < count) {
        const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= count) break;
        body(i, worker);
      }
    } catch (...) {
      next.store(count, std::memory_order_relaxed);  // the others stop after their current index
      const std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> pool;  // joined when the block ends
    pool.reserve(workers - 1);
    for (std::size_t w = 1; w < workers; ++w) {
      try {
        pool.emplace_back(work, w);
      } catch (const std::system_error&) {
        break;  // out of threads: the ones started, and this one, share the work
      }
    }
    work(0);
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace embeval
