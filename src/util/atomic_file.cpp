#include "embeval/util/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/util/output_paths.h"

namespace embeval {
namespace {

constexpr std::string_view kTempMarker = ".embeval-tmp.";
constexpr std::size_t kBufferBytes = std::size_t{1} << 20;

std::string errno_text() { return std::strerror(errno); }

// The process umask, read without changing it (umask(2) would race with other threads).
mode_t process_umask() {
  static const mode_t mask = [] {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("Umask:", 0) == 0)
        return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    }
    return static_cast<mode_t>(022);
  }();
  return mask;
}

std::string random_hex() {
  unsigned char bytes[8];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // getrandom cannot fail for 8 bytes after boot; O_EXCL keeps a predictable name safe anyway.
    const auto t = static_cast<unsigned long long>(::clock());
    std::memcpy(bytes, &t, sizeof bytes);
  }
  std::string s;
  for (unsigned char b : bytes) {
    s += "0123456789abcdef"[b >> 4];
    s += "0123456789abcdef"[b & 15];
  }
  return s;
}

// The pid inside an atomic temp name, or 0.
pid_t pid_of_temp_name(std::string_view name) {
  const std::size_t at = name.rfind(kTempMarker);
  if (at == std::string_view::npos || name.empty() || name[0] != '.') return 0;
  const std::string_view rest = name.substr(at + kTempMarker.size());
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return 0;
  for (char c : rest.substr(dot + 1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
  }
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + dot, pid);
  if (ec != std::errc() || end != rest.data() + dot || pid <= 0) return 0;
  return pid;
}

// Cleans each folder once per process: a cache folder receives thousands of segments.
void clean_folder_once(const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::set<std::filesystem::path> done;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (!done.insert(dir).second) return;
  }
  (void)remove_stale_temp_files(dir);
}

}  // namespace

bool is_atomic_temp_name(std::string_view filename) { return pid_of_temp_name(filename) != 0; }

std::size_t remove_stale_temp_files(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir.empty() ? "." : dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const pid_t pid = pid_of_temp_name(name);
    if (pid == 0) continue;
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // still running
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // files only
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  if (removed > 0) sync_directory(dir);
  return removed;
}

std::size_t remove_stale_temp_folders(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  std::filesystem::directory_iterator it(dir.empty() ? "." : dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const pid_t pid = pid_of_temp_name(it->path().filename().string());
    if (pid == 0 || pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    stale.push_back(it->path());
  }
  for (const auto& p : stale) {
    std::error_code rm;
    std::filesystem::remove_all(p, rm);  // removes links inside, never what they point to
    if (!rm) ++removed;
  }
  if (removed > 0) sync_directory(dir);
  return removed;
}

std::string atomic_temp_name(std::string_view target_filename) {
  std::string name(1, '.');
  name.append(target_filename).append(kTempMarker);
  name.append(std::to_string(::getpid())).append(1, '.');
  return name + random_hex();
}

void check_output_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw InputError("the output is a folder", path.string(), 0, "give --out a file name");
  }
  prepare_output_directory(path.parent_path().empty() ? std::filesystem::path(".")
                                                      : path.parent_path());
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path, mode_t mode)
    : path_(std::move(path)), mode_(mode) {
  const std::filesystem::path folder = path_.parent_path();
  std::error_code ec;
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  clean_folder_once(folder);
  for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
    tmp_path_ = folder / atomic_temp_name(path_.filename().string());
    fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0) {
    throw InputError("cannot create file: " + errno_text(), path_.string(), 0,
                     "check that the directory exists and is writable");
  }
  buffer_.reserve(kBufferBytes);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_path_.c_str());
}

void AtomicFileWriter::write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

void AtomicFileWriter::write(const void* data, std::size_t bytes) {
  EMBEVAL_CHECK(fd_ >= 0 && !committed_, "AtomicFileWriter::write after commit");
  const char* p = static_cast<const char*>(data);
  if (buffer_.size() + bytes > kBufferBytes) flush_buffer();
  if (bytes >= kBufferBytes) {
    write_all(p, bytes);  // one large write goes straight to the file, without a copy
    return;
  }
  buffer_.append(p, bytes);
}

void AtomicFileWriter::flush_buffer() {
  write_all(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void AtomicFileWriter::write_all(const char* p, std::size_t left) {
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw InputError("write failed: " + errno_text(), path_.string(), 0, "is the disk full?");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void AtomicFileWriter::commit() {
  EMBEVAL_CHECK(fd_ >= 0 && !committed_, "AtomicFileWriter::commit twice");
  // On any failure the temporary file goes at once: the target keeps its old content.
  auto fail = [&](const std::string& what, const char* hint) {
    const std::string message = what + ": " + errno_text();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_path_.c_str());
    throw InputError(message, path_.string(), 0, hint);
  };
  try {
    flush_buffer();
  } catch (const InputError&) {
    fail("write failed", "is the disk full?");
  }
  if (::fchmod(fd_, mode_ & ~process_umask()) != 0 || ::fsync(fd_) != 0) {
    fail("flush failed", "is the disk full?");
  }
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) fail("flush failed", "is the disk full?");
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    fail("cannot rename temporary file", "is the target a folder?");
  }
  committed_ = true;
  sync_directory(path_.parent_path());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes, mode_t mode) {
  AtomicFileWriter writer(path, mode);
  writer.write(bytes);
  writer.commit();
}

}  // namespace embeval
