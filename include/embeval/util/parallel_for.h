// The one thread fan-out: runs a loop body over [0, count) on several threads, with the thread
// count resolved by resolve_thread_count() (thread_count.h: 0 means the physical cores).
//
// Indices are handed out one at a time to whichever worker is free, so uneven items (a long man
// page, a query with long posting lists) balance themselves; an index's worker and the order in
// which indices run vary from run to run. A body therefore writes only the output of its own
// index or the state of its own worker (per-worker slots sized with parallel_workers()); results
// that must not depend on the thread count are combined after parallel_for returns.
//
// Worker 0 is the calling thread, so state that is not thread-safe (a Progress line) may be
// touched from worker 0 alone. Every worker has finished when parallel_for returns or throws.
#pragma once

#include <cstddef>
#include <functional>

namespace embeval {

// How many workers parallel_for(count, threads, ...) uses: resolve_thread_count(threads), at
// most `count`, at least 1. Workers are numbered 0 .. parallel_workers() - 1.
[[nodiscard]] std::size_t parallel_workers(std::size_t count, std::size_t threads);

// Calls body(index, worker) exactly once for every index in [0, count); `threads` 0 uses the
// physical cores. The first exception a body throws stops the handing out of further indices
// (bodies already running finish) and is rethrown here on the calling thread; later ones are
// dropped. If the system cannot start a thread, the workers already running do the work.
void parallel_for(std::size_t count, std::size_t threads,
                  const std::function<void(std::size_t index, std::size_t worker)>& body);

}  // namespace embeval
