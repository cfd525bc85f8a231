// Shared by the word-vector readers and writers (src/io/word_vectors*.cpp); not public.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embeval/io/word_vectors.h"

namespace embeval::word_vectors_internal {

// Collects rows while enforcing the shared policy: duplicates, empty and non-UTF-8 words are
// skipped and counted; `max_words` > 0 stops accepting after that many rows.
class RowCollector {
 public:
  RowCollector(std::size_t dim, std::size_t max_words, WordVectorLoadReport* report);
  // Returns false when the word was skipped; `values` has dim() floats.
  bool add(std::string_view word, const float* values);
  bool full() const { return max_words_ > 0 && words_.size() >= max_words_; }
  std::size_t dim() const { return dim_; }
  std::size_t rows() const { return words_.size(); }
  WordVectors finish() &&;

 private:
  std::size_t dim_;
  std::size_t max_words_;
  WordVectorLoadReport* report_;
  std::vector<std::string> words_;
  std::vector<float> data_;
  std::unordered_map<std::string, std::size_t> seen_;
};

WordVectors load_text_vectors(const std::filesystem::path& path, bool has_header,
                              WordVectorLoadReport* report, std::size_t max_words);
WordVectors load_binary_vectors(const std::filesystem::path& path, WordVectorLoadReport* report,
                                std::size_t max_words);
WordVectors load_wink_vectors(const std::filesystem::path& path, WordVectorLoadReport* report,
                              std::size_t max_words);

}  // namespace embeval::word_vectors_internal
