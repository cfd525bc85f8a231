// load_word_vectors on word2vec text (header COUNT DIM).
#include "fuzz/word_vectors_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return embeval::fuzz::load_word_vectors_input(data, size, "vectors.txt",
                                                embeval::WordVectorFormat::kWord2VecText);
}
