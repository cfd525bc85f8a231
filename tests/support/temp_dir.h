// The one scratch folder of the tests: a TempDir is a fresh, empty, uniquely named folder under
// the system temp directory (mkdtemp, so parallel test processes never share one), removed with
// everything in it when the object is destroyed. Held as a test fixture's member it is created
// before SetUp and removed after TearDown, also when an assertion fails or the test throws; held
// as a function-local static it lives until the process exits normally. Not thread-safe to
// construct concurrently with a destructor of the same object, like any object.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace embeval::testing {

class TempDir {
 public:
  // `prefix` says which test made the folder (it is named "<prefix>-XXXXXX"), e.g. "embeval-npy".
  // Throws std::filesystem::filesystem_error when the folder cannot be made.
  explicit TempDir(std::string_view prefix = "embeval-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }
  // A TempDir stands wherever a folder path is expected.
  operator const std::filesystem::path&() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& relative) const {
    return path_ / relative;
  }
  // Writes `bytes` to the file `relative` inside the folder (parent folders made, an existing
  // file replaced) and returns its path. Throws std::runtime_error when it cannot.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view bytes) const;

 private:
  std::filesystem::path path_;
};

}  // namespace embeval::testing
