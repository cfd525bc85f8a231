// One place that turns a requested thread count into a real one. "0" means "what this machine
// does best": its physical cores. Hyper-threads share one core's floating-point units, and the
// compute-bound loops here (llama.cpp, SGEMM, word2vec) measured 2.5x slower with two threads on
// one core than with one.
#pragma once

#include <cstddef>

namespace embeval {

// Physical cores this process may run on (distinct core ids among the CPUs of its affinity
// mask, per socket); falls back to the hardware thread count, and is at least 1.
[[nodiscard]] std::size_t physical_core_count();

// `requested` when > 0, else physical_core_count().
[[nodiscard]] std::size_t resolve_thread_count(std::size_t requested);

}  // namespace embeval
