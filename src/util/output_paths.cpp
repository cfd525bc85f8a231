#include "embeval/util/output_paths.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "embeval/core/error.h"

namespace embeval {

void prepare_output_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec)) && !fs::is_directory(dir, ec)) {
    throw InputError("output path exists and is not a directory", dir.string(), 0,
                     "choose another --out, or remove that file");
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw InputError("cannot create output directory: " + ec.message(), dir.string(), 0,
                     "check the path and its permissions");
  }
  // O_TMPFILE: an unnamed file, so a kill here leaves nothing behind. File systems without it
  // get a named probe that is removed at once.
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    const fs::path probe = dir / (".embeval-write-probe." + std::to_string(::getpid()));
    fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) ::unlink(probe.c_str());
  }
  if (fd < 0) {
    throw InputError(std::string("output directory is not writable: ") + std::strerror(errno),
                     dir.string(), 0, "choose a writable --out");
  }
  ::close(fd);
}

void refuse_overwriting_input(const std::filesystem::path& input,
                              const std::filesystem::path& output, std::string_view flag) {
  std::error_code ec;
  if (std::filesystem::equivalent(input, output, ec) && !ec) {
    throw InputError("the output would overwrite the input", output.string(), 0,
                     "give " + std::string(flag) + " a different path than the input");
  }
}

}  // namespace embeval
