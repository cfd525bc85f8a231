// load_word_vectors on GloVe text, through format detection (.txt: word2vec text or GloVe).
#include "fuzz/word_vectors_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return embeval::fuzz::load_word_vectors_input(data, size, "vectors.txt",
                                                embeval::WordVectorFormat::kAuto);
}
