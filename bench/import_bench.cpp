// Import throughput per format on real files of this machine: HTML and Markdown from
// /usr/share/doc and the llama.cpp source tree, PDFs rendered from man pages by groff, plain
// text from /usr/share/common-licenses. For each format: files, MB of source, MB/s of
// import_documents (walk, read, decompress, extract, build metadata), and the same bytes read
// with plain read(2) in the same run, so the ratio says what extraction costs over I/O.
//   import_bench [--pdf-pages N]   (default 40 man pages rendered to PDF)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_work_dir.h"
#include "embeval/ingest/import.h"
#include "embeval/util/stopwatch.h"

namespace {

namespace fs = std::filesystem;

// Copies up to `limit` files under `root` whose name ends with one of `suffixes` into `dest`.
std::size_t collect(const fs::path& root, const std::vector<std::string>& suffixes,
                    const fs::path& dest, std::size_t limit) {
  std::size_t copied = 0;
  std::error_code ec;
  if (!fs::exists(root, ec)) return 0;
  fs::create_directories(dest);
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
       end;
       it != end && copied < limit; it.increment(ec)) {
    if (ec || !it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string name = it->path().filename().string();
    for (const std::string& suffix : suffixes) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        fs::copy_file(it->path(), dest / (std::to_string(copied) + "-" + name), ec);
        if (!ec) ++copied;
        break;
      }
    }
  }
  return copied;
}

double read_seconds(const fs::path& dir, std::uintmax_t& bytes) {
  embeval::Stopwatch clock;
  bytes = 0;
  std::vector<char> buffer(1 << 16);
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      bytes += static_cast<std::uintmax_t>(in.gcount());
    }
  }
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  int pdf_pages = 40;
  if (argc == 3 && std::strcmp(argv[1], "--pdf-pages") == 0) pdf_pages = std::atoi(argv[2]);
  embeval::bench::WorkDir work("embeval-import-bench-");
  const fs::path root = work.path();

  collect("/usr/share/doc", {".html", ".htm"}, root / "html", 400);
  collect("/usr/share/doc", {".md", ".md.gz"}, root / "markdown", 400);
  if (const char* home = std::getenv("HOME")) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(home) / ".cache/embeval", ec)) {
      collect(e.path() / "src", {".md"}, root / "markdown-llama", 400);
    }
  }
  collect("/usr/share/common-licenses", {""}, root / "text", 100);
  fs::create_directories(root / "pdf");
  const char* pages[] = {"ls",    "cp",   "mv",    "grep",  "sed",   "find",  "tar", "bash",
                         "man",   "ssh",  "chmod", "chown", "date",  "df",    "du",  "gzip",
                         "head",  "tail", "sort",  "uniq",  "wc",    "xargs", "ps",  "kill",
                         "mount", "ln",   "rm",    "mkdir", "rmdir", "touch", "cat", "echo",
                         "env",   "id",   "stat",  "sync",  "tee",   "test",  "tr",  "cut"};
  int rendered = 0;
  for (const char* page : pages) {
    if (rendered >= pdf_pages) break;
    const std::string command = std::string("man -Tpdf ") + page + " > " +
                                (root / "pdf" / (std::string(page) + ".pdf")).string() +
                                " 2>/dev/null";
    if (std::system(command.c_str()) == 0) ++rendered;
  }

  std::printf("%-15s %6s %9s %10s %10s %8s\n", "format", "files", "MB", "import MB/s", "read MB/s",
              "ratio");
  for (const char* name : {"html", "markdown", "markdown-llama", "pdf", "text"}) {
    const fs::path dir = root / name;
    std::error_code ec;
    if (!fs::exists(dir, ec) || fs::is_empty(dir, ec)) {
      std::printf("%-15s (no files on this machine)\n", name);
      continue;
    }
    std::uintmax_t bytes = 0;
    (void)read_seconds(dir, bytes);  // warm the page cache: both sides read from memory
    const double read_s = read_seconds(dir, bytes);
    embeval::ImportOptions options;
    options.roots = {dir};
    options.show_progress = false;
    embeval::Stopwatch clock;
    const embeval::ImportResult result = embeval::import_documents(options);
    const double import_s = clock.seconds();
    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf("%-15s %6zu %9.2f %10.1f %10.1f %8.4f\n", name, result.report.files.size(), mb,
                mb / import_s, mb / read_s, read_s / import_s);
  }
  std::printf(
      "ratio: read time / import time (1 = extraction is free; .gz files are read "
      "compressed, MB counts bytes on disk)\n");
  return 0;
}
