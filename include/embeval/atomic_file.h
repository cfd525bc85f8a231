// Every file embeval writes goes through here: it is written to a temporary file beside the
// target, flushed and fsync'ed, then renamed over the target, so an interrupted run never
// leaves a half-written file that looks whole.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string_view>

namespace embeval {

class AtomicFileWriter {
 public:
  // Opens `<path>.tmp.<pid>`; creates missing parent directories. Throws InputError on failure.
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();  // removes the temporary file unless commit() succeeded
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view bytes);
  void write(const void* data, std::size_t bytes);
  // Flushes, fsyncs and renames onto the target. Throws InputError on any I/O error.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path tmp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Convenience: the whole file at once.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace embeval
