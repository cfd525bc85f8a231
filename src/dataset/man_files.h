// Internal to the man-page dataset builder: finding page files and reading them into memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace embeval::man {

struct PageFile {
  std::filesystem::path path;
  std::string id;       // file name without ".gz": "cp.1"
  std::string name;     // "cp"
  std::string section;  // "1" (from the file name; "1ssl" for openssl pages)
};

struct PageListing {
  std::vector<PageFile> files;        // real page files, sorted by id, unique ids and inodes
  std::size_t entries_seen = 0;       // directory entries looked at
  std::size_t symlinks = 0;           // skipped: aliases of another page
  std::size_t duplicates = 0;         // skipped: same inode or same id as an earlier file
  std::vector<std::string> failures;  // "file: reason" for entries that cannot be pages
};

// Lists <dir>/man<section>/ for each section. Directories that do not exist are skipped; the
// caller decides whether an empty result is an error.
PageListing list_page_files(const std::vector<std::filesystem::path>& section_dirs);

// Largest page accepted, compressed or inflated: real pages stay below 2 MiB; a 14 MB gzip
// bomb that inflates to 3 GB is refused after reading 64 MiB of it.
inline constexpr std::size_t kMaxPageBytes = std::size_t{64} << 20;

// The page source: gzip members are inflated with zlib, plain files read as is. Returns nullopt
// and sets `error` for unreadable files, corrupt gzip data, unsupported compressions, or a page
// larger than `max_bytes` (before or after inflating).
std::optional<std::string> read_page_source(const std::filesystem::path& path, std::string& error,
                                            std::size_t max_bytes = kMaxPageBytes);

// Inflates gzip data (all members). Returns nullopt and sets `error` when it is corrupt or would
// inflate to more than `max_bytes` (it stops there: memory stays bounded).
std::optional<std::string> gunzip(std::string_view compressed, std::string& error,
                                  std::size_t max_bytes = kMaxPageBytes);

}  // namespace embeval::man
