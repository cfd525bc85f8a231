#include "dataset/man_files.h"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <tuple>
#include <utility>

namespace embeval::man {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

PageListing list_page_files(const std::vector<std::filesystem::path>& section_dirs) {
  PageListing listing;
  std::vector<PageFile> files;
  for (const auto& dir : section_dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      ++listing.entries_seen;
      std::error_code entry_ec;
      if (entry.is_symlink(entry_ec)) {
        ++listing.symlinks;
        continue;
      }
      if (!entry.is_regular_file(entry_ec)) continue;  // subdirectories, sockets, ...
      const std::string file_name = entry.path().filename().string();
      if (file_name.empty() || file_name[0] == '.') continue;
      std::string id = file_name;
      if (ends_with(id, ".gz")) id.resize(id.size() - 3);
      PageFile page;
      page.path = entry.path();
      const std::size_t dot = id.rfind('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == id.size()) {
        page.name = id;
        page.section = dir.filename().string().substr(3);  // "man1" -> "1"
      } else {
        page.name = id.substr(0, dot);
        page.section = id.substr(dot + 1);
      }
      page.id = std::move(id);
      files.push_back(std::move(page));
    }
  }
  // Sorted by id, then by path so that "x.1" wins over "x.1.gz" deterministically.
  std::sort(files.begin(), files.end(), [](const PageFile& a, const PageFile& b) {
    return std::tie(a.id, a.path) < std::tie(b.id, b.path);
  });
  std::set<std::pair<dev_t, ino_t>> inodes;
  for (PageFile& file : files) {
    if (!listing.files.empty() && listing.files.back().id == file.id) {
      ++listing.duplicates;
      continue;
    }
    struct stat st {};
    if (::stat(file.path.c_str(), &st) == 0 && !inodes.insert({st.st_dev, st.st_ino}).second) {
      ++listing.duplicates;  // a hard link to a page we already have
      continue;
    }
    listing.files.push_back(std::move(file));
  }
  return listing;
}

namespace {

std::string mib(std::size_t bytes) {
  if (bytes < (std::size_t{1} << 20)) return std::to_string(bytes) + " bytes";
  return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

std::optional<std::string> gunzip(std::string_view compressed, std::string& error,
                                  std::size_t max_bytes) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (checked by zlib).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    error = "zlib initialisation failed";
    return std::nullopt;
  }
  std::string out;
  out.resize(std::min(max_bytes, std::max<std::size_t>(compressed.size() * 4, 4096)));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::size_t produced = 0;
  while (true) {
    if (produced == out.size()) {
      if (produced >= max_bytes) {
        error = "inflates to more than " + mib(max_bytes) + " (gzip bomb?)";
        inflateEnd(&stream);
        return std::nullopt;
      }
      out.resize(std::min(max_bytes, out.size() * 2));
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(out.size() - produced);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    produced = out.size() - stream.avail_out;
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // another gzip member follows
      continue;
    }
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
      error = "truncated gzip data";
      inflateEnd(&stream);
      return std::nullopt;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = std::string("corrupt gzip data: ") + (stream.msg != nullptr ? stream.msg : "");
      inflateEnd(&stream);
      return std::nullopt;
    }
  }
  inflateEnd(&stream);
  out.resize(produced);
  return out;
}

std::optional<std::string> read_page_source(const std::filesystem::path& path, std::string& error,
                                            std::size_t max_bytes) {
  const std::string name = path.filename().string();
  for (std::string_view unsupported : {".bz2", ".xz", ".lzma", ".zst", ".Z"}) {
    if (ends_with(name, unsupported)) {
      error = "unsupported compression (only gzip and plain pages are read)";
      return std::nullopt;
    }
  }
  std::error_code size_error;
  const std::uintmax_t file_bytes = std::filesystem::file_size(path, size_error);
  if (!size_error && file_bytes > max_bytes) {
    error = "file is larger than " + mib(max_bytes);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open file";
    return std::nullopt;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "read failed";
    return std::nullopt;
  }
  const bool gzip_magic = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                          static_cast<unsigned char>(bytes[1]) == 0x8b;
  if (gzip_magic) return gunzip(bytes, error, max_bytes);
  if (ends_with(name, ".gz")) {
    error = "file name ends in .gz but the data is not gzip";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace embeval::man
