#include "support/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
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

TempDir::~TempDir() {
  // Errors are ignored: a destructor must not throw, and a test that left a file it cannot
  // delete has more to report than this.
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace embeval::testing
