// Every file embeval writes goes through here. The guarantees (docs/file-safety.md):
//  * All or nothing: bytes go to a temporary file beside the target, are fsync'ed, then renamed
//    over the target, and the folder is fsync'ed, so an interrupted run (kill -9, power loss)
//    leaves either the old file or the new one, never a half file that looks whole.
//  * No planted-link attack: the temporary file is created exclusively (O_CREAT | O_EXCL |
//    O_NOFOLLOW) under an unpredictable name, so a symlink or file someone placed in the output
//    folder is never followed or overwritten; rename() replaces a symlink at the target itself,
//    never the file it points to.
//  * Nothing left behind: temporary files are named `.<target>.embeval-tmp.<pid>.<random>`; the
//    writer removes its own on failure, and the first writer into a folder removes the ones a
//    killed process left there (regular files only, of processes no longer running).
//  * Permissions: the temporary file is private (0600) while written; commit() gives it
//    `mode` minus the process umask, as a plain open() would have.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace embeval {

class AtomicFileWriter {
 public:
  // Creates the temporary file in the target's folder (creating missing parent folders). Throws
  // InputError naming `path` on failure. `mode` is the final file's mode before the umask.
  explicit AtomicFileWriter(std::filesystem::path path, mode_t mode = 0644);
  ~AtomicFileWriter();  // removes the temporary file unless commit() succeeded
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view bytes);
  void write(const void* data, std::size_t bytes);
  // Flushes, fsyncs, renames onto the target and fsyncs the folder. Throws InputError on any I/O
  // error (the target is then unchanged).
  void commit();

  const std::filesystem::path& temporary_path() const { return tmp_path_; }

 private:
  void flush_buffer();
  void write_all(const char* data, std::size_t bytes);

  std::filesystem::path path_;
  std::filesystem::path tmp_path_;
  int fd_ = -1;
  mode_t mode_;
  std::string buffer_;
  bool committed_ = false;
};

// Convenience: the whole file at once.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                       mode_t mode = 0644);

// True for names AtomicFileWriter gives its temporary files (`.X.embeval-tmp.<pid>.<hex>`).
[[nodiscard]] bool is_atomic_temp_name(std::string_view filename);

// Removes, in `dir` only (not below), the temporary files of writers that no longer run: regular
// files with an atomic temp name whose pid is not alive. Symlinks, folders and anything else are
// left alone; errors are ignored. Returns how many files were removed.
std::size_t remove_stale_temp_files(const std::filesystem::path& dir);

// The early check for a command that will write the file `path`, done before any work: its
// folder is created and proven writable (prepare_output_directory) and `path` is not a folder.
// Throws InputError naming `path`.
void check_output_file(const std::filesystem::path& path);

// A fresh temporary name for `target_filename` in the pattern above (random part included), for
// callers that build something else than a file beside its target (e.g. a whole folder).
[[nodiscard]] std::string atomic_temp_name(std::string_view target_filename);

// Removes, in `dir` only, the temporary folders (same name pattern) of processes that no longer
// run, with everything inside them (links inside are removed, never followed). A link with such
// a name is left alone. Returns how many folders were removed.
std::size_t remove_stale_temp_folders(const std::filesystem::path& dir);

// fsync()s a folder so that a rename or unlink in it survives a crash. Errors are ignored (some
// file systems cannot sync a folder).
void sync_directory(const std::filesystem::path& dir);

}  // namespace embeval
