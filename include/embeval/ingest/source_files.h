// The files an import reads: roots walked in name order, every entry either kept (a regular
// file, possibly reached through a symbolic link) or set aside with a reason. Never dropped
// silently, never followed twice: directories are tracked by (device, inode), so a symbolic link
// loop ends the walk of that branch, and a file reached by two paths is read once. FIFOs,
// sockets and devices are never opened. Not thread-safe per call.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace embeval {

struct SourceFile {
  std::filesystem::path path;  // as reached from the root (may pass through links)
  std::string relative;        // '/'-separated path from its root (with the root's name first
                               // when several roots are walked); the document id is made from it
  std::uintmax_t bytes = 0;    // size from stat()
};

struct SetAside {
  std::string relative;  // as SourceFile::relative
  std::string reason;    // a code: not-regular, symlink-loop, broken-link, unreadable, hidden,
                         // duplicate
  std::string detail;    // for people: "a FIFO", "links back to guide/", ...
};

struct SourceWalk {
  std::vector<SourceFile> files;
  std::vector<SetAside> set_aside;
};

struct SourceWalkOptions {
  // Entries whose name starts with '.' (.git, .cache, editor files) are set aside (one entry
  // for a whole folder) unless this is true.
  bool include_hidden = false;
};

// Throws InputError when a root does not exist. A root may be a file or a folder.
[[nodiscard]] SourceWalk walk_sources(const std::vector<std::filesystem::path>& roots,
                                      const SourceWalkOptions& options = {});

}  // namespace embeval
