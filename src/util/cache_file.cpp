#include "embeval/util/cache_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace embeval {

std::optional<std::string> read_cache_file(const std::filesystem::path& file,
                                           std::uint64_t max_bytes, std::string& bytes) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return errno == ELOOP ? std::string("a symbolic link, not a cache file")
                          : std::string("cannot open: ") + std::strerror(errno);
  }
  struct stat st {};
  std::optional<std::string> why;
  if (::fstat(fd, &st) != 0) {
    why = std::string("cannot stat: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    why = "not a regular file";
  } else if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    why = "larger than any segment embeval writes (" + std::to_string(st.st_size) + " bytes)";
  } else {
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != bytes.size()) why = "shorter than its size (changed while read?)";
  }
  ::close(fd);
  return why;
}

}  // namespace embeval
