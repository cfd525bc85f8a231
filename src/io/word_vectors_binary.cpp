// word2vec.c binary reader: "COUNT DIM\n", then per word "word " + DIM float32 (+ '\n').
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/util/byte_order_mark.h"
#include "io/word_vectors_internal.h"

namespace embeval::word_vectors_internal {

static_assert(std::endian::native == std::endian::little,
              "word2vec binary files hold little-endian float32");

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Longest word accepted; word2vec.c uses 50-100 bytes, real vocabularies stay far below this.
constexpr std::size_t kMaxWordBytes = 4096;

}  // namespace

WordVectors load_binary_vectors(const std::filesystem::path& path, WordVectorLoadReport* report,
                                std::size_t max_words) {
  const std::string file = path.string();
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
  if (!f) throw InputError("cannot open word-vector file", file, 0, "check the path");

  std::string header;
  for (int c; (c = std::fgetc(f.get())) != EOF && c != '\n';) {
    header.push_back(static_cast<char>(c));
    if (header.size() > 64) break;
  }
  header.erase(0, header.size() - strip_utf8_bom(header).size());
  std::size_t declared_rows = 0;
  std::size_t dim = 0;
  {
    const char* p = header.data();
    const char* end = header.data() + header.size();
    auto r1 = std::from_chars(p, end, declared_rows);
    const char* q = r1.ptr;
    while (q < end && *q == ' ') ++q;
    auto r2 = std::from_chars(q, end, dim);
    const char* tail = r2.ptr;
    while (tail < end && (*tail == ' ' || *tail == '\r')) ++tail;
    if (r1.ec != std::errc() || r1.ptr == p || q == r1.ptr || r2.ec != std::errc() || tail != end ||
        dim == 0) {
      throw InputError(
          "malformed word2vec binary header '" + header.substr(0, 40) + "': expected 'COUNT DIM'",
          file, 1, "is this a text vector file? use ?format=word2vec-text or glove");
    }
  }

  // Sizes from the header are checked against the file before anything is allocated: each
  // entry takes at least a separating space and DIM floats (an empty word is counted, not fatal).
  std::error_code size_error;
  const std::uintmax_t file_bytes = std::filesystem::file_size(path, size_error);
  const long header_end = std::ftell(f.get());
  const std::uintmax_t data_bytes =
      size_error || header_end < 0 || file_bytes < std::uintmax_t(header_end)
          ? 0
          : file_bytes - std::uintmax_t(header_end);
  if (dim > data_bytes / sizeof(float)) {
    throw InputError("header declares DIM " + std::to_string(dim) + " but the file holds only " +
                         std::to_string(data_bytes) + " bytes of data (" + std::to_string(dim) +
                         " floats need " +
                         (dim > std::numeric_limits<std::size_t>::max() / sizeof(float)
                              ? std::string("more")
                              : std::to_string(dim * sizeof(float))) +
                         ")",
                     file, 1, "the header must read 'COUNT DIM'; the file may be truncated");
  }
  const std::uintmax_t min_entry_bytes = dim * sizeof(float) + 1;
  const std::uintmax_t max_entries = data_bytes / min_entry_bytes;
  if (declared_rows > max_entries) {
    throw InputError("header declares " + std::to_string(declared_rows) + " words of " +
                         std::to_string(dim) + " floats, but the file's " +
                         std::to_string(data_bytes) + " data bytes hold at most " +
                         std::to_string(max_entries),
                     file, 1, "the file may be truncated, or COUNT in the header is wrong");
  }

  RowCollector rows(dim, max_words, report);
  std::vector<float> values(dim);
  std::string word;
  for (std::size_t entry = 0; entry < declared_rows; ++entry) {
    word.clear();
    int c;
    while ((c = std::fgetc(f.get())) != EOF) {
      if (c == ' ') break;
      if (c == '\n' && word.empty()) continue;  // the optional newline after the previous row
      word.push_back(static_cast<char>(c));
      if (word.size() > kMaxWordBytes) {
        throw InputError("word " + std::to_string(entry + 1) + " is longer than " +
                             std::to_string(kMaxWordBytes) + " bytes",
                         file, 0, "the header's DIM may not match the data");
      }
    }
    if (c == EOF) {
      throw InputError("truncated file: header declares " + std::to_string(declared_rows) +
                           " words, data ends in word " + std::to_string(entry + 1),
                       file, 0, "the file may be truncated; re-download or re-export it");
    }
    if (std::fread(values.data(), sizeof(float), dim, f.get()) != dim) {
      throw InputError("truncated file: vector of word " + std::to_string(entry + 1) + " ('" +
                           word.substr(0, 40) + "') is incomplete",
                       file, 0, "the file may be truncated or DIM in the header is wrong");
    }
    for (std::size_t j = 0; j < dim; ++j) {
      if (!std::isfinite(values[j])) {
        throw InputError("vector of word " + std::to_string(entry + 1) + " ('" +
                             word.substr(0, 40) + "') holds a non-finite value",
                         file, 0, "the header's DIM may not match the data");
      }
    }
    rows.add(word, values.data());
    if (rows.full()) break;
  }
  if (!rows.full()) {
    // A header COUNT smaller than the data would silently drop the rest: count what follows.
    std::size_t extra = 0;
    bool whole_entries = true;
    for (int c; (c = std::fgetc(f.get())) != EOF;) {
      if (c == '\n' || c == '\r') continue;
      ++extra;
      while ((c = std::fgetc(f.get())) != EOF && c != ' ') {
      }
      if (c == EOF || std::fread(values.data(), sizeof(float), dim, f.get()) != dim) {
        whole_entries = false;
        break;
      }
    }
    if (extra > 0) {
      throw InputError(
          "header declares " + std::to_string(declared_rows) + " words, but the file holds " +
              (whole_entries ? std::to_string(declared_rows + extra)
                             : "more data after them (" + std::to_string(declared_rows + extra) +
                                   " entries, the last incomplete)"),
          file, 1, "COUNT in the header must match the data; re-export the file");
    }
  }
  if (rows.rows() == 0) throw InputError("no word vectors in file", file, 0);
  return std::move(rows).finish();
}

}  // namespace embeval::word_vectors_internal
