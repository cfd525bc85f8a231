#include "embeval/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "embeval/error.h"

namespace embeval {

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  tmp_path_ = path_;
  tmp_path_ += ".tmp." + std::to_string(::getpid());
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw InputError(std::string("cannot create file: ") + std::strerror(errno), path_.string(), 0,
                     "check that the directory exists and is writable");
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(tmp_path_, ec);
  }
}

void AtomicFileWriter::write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

void AtomicFileWriter::write(const void* data, std::size_t bytes) {
  if (bytes == 0) return;
  if (std::fwrite(data, 1, bytes, file_) != bytes) {
    throw InputError(std::string("write failed: ") + std::strerror(errno), path_.string(), 0,
                     "is the disk full?");
  }
}

void AtomicFileWriter::commit() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    throw InputError(std::string("flush failed: ") + std::strerror(errno), path_.string());
  }
  std::fclose(file_);
  file_ = nullptr;
  std::error_code ec;
  std::filesystem::rename(tmp_path_, path_, ec);
  if (ec) throw InputError("cannot rename temporary file: " + ec.message(), path_.string());
  committed_ = true;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFileWriter writer(path);
  writer.write(bytes);
  writer.commit();
}

}  // namespace embeval
