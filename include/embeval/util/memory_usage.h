// Process memory as the kernel reports it (Linux /proc). Used to attribute peak memory to each
// model: reset the high-water mark, run the model, read it back.
#pragma once

#include <cstddef>

namespace embeval {

// Resident set size now, and its high-water mark since start or the last reset. 0 if unknown.
std::size_t current_rss_bytes();
std::size_t peak_rss_bytes();

// Resets the high-water mark to the current RSS (writes "5" to /proc/self/clear_refs).
// Returns false where the kernel does not allow it; peaks then span the whole process.
bool reset_peak_rss();

}  // namespace embeval
