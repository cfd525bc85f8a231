#include "embeval/ingest/source_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "embeval/core/error.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using FileKey = std::pair<dev_t, ino_t>;

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

class Walker {
 public:
  Walker(SourceWalk& out, const SourceWalkOptions& options) : out_(out), options_(options) {}

  void visit(const fs::path& path, const std::string& relative) {
    struct stat link {};
    if (::lstat(path.c_str(), &link) != 0) {
      set_aside(relative, "unreadable", std::strerror(errno));
      return;
    }
    const bool is_link = S_ISLNK(link.st_mode);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ELOOP) {
        set_aside(relative, "symlink-loop", "a symbolic link that resolves to itself");
      } else if (is_link) {
        set_aside(relative, "broken-link",
                  std::string("a symbolic link to nothing: ") + std::strerror(errno));
      } else {
        set_aside(relative, "unreadable", std::strerror(errno));
      }
      return;
    }
    const FileKey key{st.st_dev, st.st_ino};
    if (S_ISDIR(st.st_mode)) {
      const auto [it, inserted] = directories_.emplace(key, relative);
      if (!inserted) {
        set_aside(relative, "symlink-loop",
                  "the folder " + (it->second.empty() ? std::string(".") : it->second) +
                      " again (reached through a symbolic link)");
        return;
      }
      walk_directory(path, relative);
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      set_aside(relative, "not-regular", kind_of(st.st_mode));
      return;
    }
    const auto [it, inserted] = files_.emplace(key, relative);
    if (!inserted) {
      set_aside(relative, "duplicate", "the same file as " + it->second);
      return;
    }
    out_.files.push_back({path, relative, static_cast<std::uintmax_t>(st.st_size)});
  }

 private:
  void walk_directory(const fs::path& dir, const std::string& relative) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
      set_aside(relative, "unreadable", ec.message());
      return;
    }
    for (fs::directory_iterator end; it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) set_aside(relative, "unreadable", "listing stopped: " + ec.message());
    std::sort(names.begin(), names.end());  // the same order on every machine
    for (const std::string& name : names) {
      const std::string child = relative.empty() ? name : relative + "/" + name;
      if (!options_.include_hidden && name.front() == '.') {
        set_aside(child, "hidden", "its name starts with '.'");
        continue;
      }
      visit(dir / name, child);
    }
  }

  void set_aside(const std::string& relative, const char* reason, std::string detail) {
    out_.set_aside.push_back({relative, reason, std::move(detail)});
  }

  SourceWalk& out_;
  const SourceWalkOptions& options_;
  std::map<FileKey, std::string> directories_;
  std::map<FileKey, std::string> files_;
};

}  // namespace

SourceWalk walk_sources(const std::vector<fs::path>& roots, const SourceWalkOptions& options) {
  SourceWalk out;
  Walker walker(out, options);
  for (const fs::path& root : roots) {
    struct stat st {};
    if (::lstat(root.c_str(), &st) != 0) {
      throw InputError(std::string("cannot read: ") + std::strerror(errno), root.string(), 0,
                       "give existing files or folders to import");
    }
    fs::path clean = root.lexically_normal();
    if (clean.filename().empty()) clean = clean.parent_path();
    std::string name = clean.filename().string();
    if (name.empty() || name == "." || name == "..") {
      name = fs::absolute(clean).lexically_normal().filename().string();
    }
    const bool is_dir = ::stat(root.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    // One folder: ids are relative to it. A file, or several roots: ids start with the root's
    // name, so two roots cannot give two files one id.
    const std::string relative = (is_dir && roots.size() == 1) ? std::string() : name;
    walker.visit(root, relative);
  }
  return out;
}

}  // namespace embeval
