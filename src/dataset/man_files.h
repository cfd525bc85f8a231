// Internal to the man-page dataset builder: finding page files and reading them into memory.
#pragma once

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

// The page source: gzip members are inflated with zlib, plain files read as is. Returns nullopt
// and sets `error` for unreadable files, corrupt gzip data or unsupported compressions.
std::optional<std::string> read_page_source(const std::filesystem::path& path, std::string& error);

// Inflates gzip data (all members). Returns nullopt and sets `error` when it is corrupt.
std::optional<std::string> gunzip(std::string_view compressed, std::string& error);

}  // namespace embeval::man
