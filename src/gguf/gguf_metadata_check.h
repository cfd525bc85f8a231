// Checks the GGUF metadata that llama.cpp trusts. llama.cpp's loader asserts (aborts the process)
// on values that ggml's header parser accepts: a block count of 0 or above its layer limit, an
// expert count above its limit, duplicate vocabulary strings. Other values it takes as they come
// and computes garbage or NaN with (a negative or NaN normalisation epsilon, an unknown pooling
// type). embeval reads the same keys with gguf's C API first and refuses such a file with an
// InputError naming the file and the key, before any corpus is read (check_gguf_spec runs this).
#pragma once

#include <filesystem>

struct gguf_context;

namespace embeval {

// Throws InputError for the first bad key of `ctx` (the header of `path`). The hyperparameters
// are checked only when the file holds weights (tensor_count > 0); vocabularies always.
void check_llama_metadata(const gguf_context* ctx, const std::filesystem::path& path,
                          bool has_weights);

}  // namespace embeval
