// Reading one file of an on-disk cache (the embedding cache, the BGE-M3 output cache) as a
// whole, defensively: a cache folder is outside embeval's control, so a link, a FIFO or a
// file larger than any segment embeval writes is refused with a reason instead of being
// followed, blocked on or read into memory. The caller turns the reason into "cache corrupt:
// FILE: why (recomputed)". Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace embeval {

// Reads `file` into `bytes` when it is a regular file of at most `max_bytes`, opened without
// following a symbolic link and without blocking. Returns the reason it was not read (a link,
// not a regular file, too large, unreadable, shorter than its size), or nullopt on success.
[[nodiscard]] std::optional<std::string> read_cache_file(const std::filesystem::path& file,
                                                         std::uint64_t max_bytes,
                                                         std::string& bytes);

}  // namespace embeval
