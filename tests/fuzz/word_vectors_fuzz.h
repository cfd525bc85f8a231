// One body for the word-vector targets (word2vec text/binary, GloVe, fastText .vec, wink JSON):
// load the input as `file_name` in `format`, and check what a successful load promises.
#pragma once

#include <cmath>
#include <unordered_set>

#include "embeval/io/word_vectors.h"
#include "fuzz/fuzz_target.h"

namespace embeval::fuzz {

inline int load_word_vectors_input(const std::uint8_t* data, std::size_t size,
                                   const char* file_name, WordVectorFormat format) {
  const auto path = write_scratch_file(file_name, as_text(data, size));
  for (std::size_t max_words : {std::size_t{0}, std::size_t{2}}) {
    expect_success_or_input_error([&] {
      WordVectorLoadReport report;
      const WordVectors v = load_word_vectors(path, format, &report, max_words);
      require(v.vectors().rows == v.size(), "one row per word");
      require(v.vectors().data.size() == v.size() * v.dim(), "matrix size differs from its shape");
      require(max_words == 0 || v.size() <= max_words, "max_words not honoured");
      std::unordered_set<std::string> seen;
      for (const auto& w : v.words()) {
        require(!w.empty(), "an empty word was kept");
        require(seen.insert(w).second, "a duplicate word was kept");
      }
      for (float x : v.vectors().data) require(std::isfinite(x), "a non-finite value was kept");
    });
  }
  return 0;
}

}  // namespace embeval::fuzz
