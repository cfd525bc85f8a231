// A benchmark's scratch folder under the system temp directory, removed however main() is left
// (the benches build reference tools and corpora there; nothing may stay behind).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace embeval::bench {

class WorkDir {
 public:
  // `prefix` names the bench, e.g. "embeval-w2v-bench-": the pid is appended.
  explicit WorkDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace embeval::bench
