// word2vec text and binary writers (atomic, see atomic_file.h).
#include <charconv>
#include <string>

#include "embeval/core/error.h"
#include "embeval/io/word_vectors.h"
#include "embeval/util/atomic_file.h"

namespace embeval {
namespace {

void check_writable_word(const std::string& word) {
  EMBEVAL_CHECK(!word.empty() && word.find_first_of(" \t\n\r") == std::string::npos,
                "word-vector words must be non-empty and hold no whitespace: '" + word + "'");
}

std::string header_line(const WordVectors& vectors) {
  return std::to_string(vectors.size()) + " " + std::to_string(vectors.dim()) + "\n";
}

}  // namespace

void write_word2vec_text(const std::filesystem::path& path, const WordVectors& vectors) {
  AtomicFileWriter out(path);
  out.write(header_line(vectors));
  std::string line;
  char number[32];
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    check_writable_word(vectors.words()[i]);
    line = vectors.words()[i];
    const float* row = vectors.row(i);
    for (std::size_t j = 0; j < vectors.dim(); ++j) {
      // Shortest text that reads back to the same float: text files round-trip exactly.
      const auto result = std::to_chars(number, number + sizeof(number), row[j]);
      line.push_back(' ');
      line.append(number, result.ptr);
    }
    line.push_back('\n');
    out.write(line);
  }
  out.commit();
}

void write_word2vec_binary(const std::filesystem::path& path, const WordVectors& vectors) {
  AtomicFileWriter out(path);
  out.write(header_line(vectors));
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    check_writable_word(vectors.words()[i]);
    out.write(vectors.words()[i] + " ");
    out.write(vectors.row(i), vectors.dim() * sizeof(float));
    out.write("\n");
  }
  out.commit();
}

}  // namespace embeval
