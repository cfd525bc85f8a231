#include "support/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace embeval::testing {

namespace fs = std::filesystem;

TempDir::TempDir(std::string_view prefix) {
  std::string pattern = (fs::temp_directory_path() / prefix).string() + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw fs::filesystem_error("TempDir: mkdtemp", pattern,
                               std::error_code(errno, std::generic_category()));
  }
  path_ = pattern;
}

fs::path TempDir::write(const fs::path& relative, std::string_view bytes) const {
  const fs::path file = path_ / relative;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("TempDir: cannot write " + file.string());
  return file;
}

TempDir::~TempDir() {
  // Errors are ignored: a destructor must not throw, and a test that left a file it cannot
  // delete has more to report than this.
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace embeval::testing
