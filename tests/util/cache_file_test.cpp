// read_cache_file: a cache folder is outside embeval's control, so each kind of file that is not
// a segment embeval wrote is refused with its own reason, and a good one is read byte for byte.
#include "embeval/util/cache_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace embeval {
namespace {

TEST(CacheFile, ReadsARegularFileWholeAndRefusesLinksFifosFoldersAndOversizedFiles) {
  testing::TempDir dir{"embeval-cache-file"};
  const std::string content("seg\0ment", 8);  // binary: an embedded NUL survives
  const auto file = dir.write("a.bin", content);
  std::string bytes;
  EXPECT_EQ(read_cache_file(file, 8, bytes), std::nullopt);
  EXPECT_EQ(bytes, content);

  EXPECT_EQ(read_cache_file(file, 7, bytes),
            std::optional<std::string>("larger than any segment embeval writes (8 bytes)"));

  std::filesystem::create_symlink(file, dir / "link.bin");
  EXPECT_EQ(read_cache_file(dir / "link.bin", 100, bytes),
            std::optional<std::string>("a symbolic link, not a cache file"));

  ASSERT_EQ(::mkfifo((dir / "fifo.bin").c_str(), 0600), 0);
  EXPECT_EQ(read_cache_file(dir / "fifo.bin", 100, bytes),
            std::optional<std::string>("not a regular file"));  // and it did not block

  std::filesystem::create_directory(dir / "folder.bin");
  EXPECT_EQ(read_cache_file(dir / "folder.bin", 100, bytes),
            std::optional<std::string>("not a regular file"));

  const auto missing = read_cache_file(dir / "missing.bin", 100, bytes);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->rfind("cannot open: ", 0), 0u) << *missing;
}

}  // namespace
}  // namespace embeval
