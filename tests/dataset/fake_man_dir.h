// Test helper: a small man page tree with every case the builder must handle — gzip'ed and
// plain pages, a symlink, a hard link, a .so redirect, pages that share a description, a page
// without a description, corrupt and truncated gzip files, and an mdoc page in man8.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace embeval::testing {

inline std::string read_test_file(const std::string& name) {
  std::ifstream in(std::string(EMBEVAL_TEST_DATA_DIR) + "/dataset/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_plain(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

inline void write_gzip(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  gzFile out = gzopen(path.c_str(), "wb9");
  ASSERT_NE(out, nullptr);
  if (!bytes.empty()) {
    ASSERT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
  }
  ASSERT_EQ(gzclose(out), Z_OK);
}

inline std::string simple_page(const std::string& title, const std::string& name_line,
                               const std::string& see_also) {
  std::string page = ".TH " + title + " 1\n.SH NAME\n" + name_line + "\n.SH DESCRIPTION\n" +
                     "Text of " + title + ".\n";
  if (!see_also.empty()) page += ".SH \"SEE ALSO\"\n" + see_also + "\n";
  return page;
}

// Builds the tree under `root` (which must not exist yet):
//   man1/cp.1.gz         "copy files", SEE ALSO frob(1)
//   man1/dir.1.gz        "list directory contents"  (same description as ls: ambiguous)
//   man1/ls.1.gz         "list directory contents", SEE ALSO dir(1)
//   man1/mv.1.gz         NAME without a description
//   man1/frob.1.gz       tests/data/dataset/frob.1 (SEE ALSO ls, cp, mv, frob.conf(5))
//   man1/frob2.1.gz      hard link to frob.1.gz        -> duplicate
//   man1/frob-alias.1.gz symlink to frob.1.gz          -> skipped link
//   man1/frobnicate.1    ".so man1/frob.1"             -> skipped redirect
//   man1/bad.1.gz        not gzip data                 -> failed
//   man1/trunc.1.gz      truncated gzip                -> failed
//   man8/wobble.8        tests/data/dataset/wobble.8 (mdoc, SEE ALSO frob(1), ifconfig(8))
//   de/man1/ls.1.gz      a German page
inline void make_fake_man_dir(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  const fs::path man1 = root / "man1";
  write_gzip(man1 / "cp.1.gz", simple_page("CP", "cp \\- copy files", ".BR frob (1)"));
  write_gzip(man1 / "dir.1.gz", simple_page("DIR", "dir \\- list directory contents", ""));
  write_gzip(man1 / "ls.1.gz", simple_page("LS", "ls \\- list directory contents", ".BR dir (1)"));
  write_gzip(man1 / "mv.1.gz", simple_page("MV", "mv", ""));
  write_gzip(man1 / "frob.1.gz", read_test_file("frob.1"));
  fs::create_hard_link(man1 / "frob.1.gz", man1 / "frob2.1.gz");
  fs::create_symlink("frob.1.gz", man1 / "frob-alias.1.gz");
  write_plain(man1 / "frobnicate.1", read_test_file("frobnicate.1"));
  write_plain(man1 / "bad.1.gz", "this is not gzip data\n");
  write_gzip(root / "tmp.gz",
             simple_page("TRUNC", "trunc \\- cut short", "") + std::string(2000, 'x'));
  {
    std::ifstream in(root / "tmp.gz", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write_plain(man1 / "trunc.1.gz", bytes.substr(0, bytes.size() / 2));
  }
  fs::remove(root / "tmp.gz");
  write_plain(root / "man8" / "wobble.8", read_test_file("wobble.8"));
  write_gzip(root / "de" / "man1" / "ls.1.gz",
             ".TH LS 1\n.SH BEZEICHNUNG\nls \\- Verzeichnisinhalte auflisten\n"
             ".SH BESCHREIBUNG\nListet Dateien.\n");
}

}  // namespace embeval::testing
