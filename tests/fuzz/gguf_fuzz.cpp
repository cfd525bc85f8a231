// GGUF metadata through embeval's model-opening path: read_gguf_info (the header, through ggml's
// gguf reader), then, when the header is accepted, GgufModel with vocab_only (llama.cpp reads
// the hyper-parameters and the tokenizer). Built only with the gguf layer.
#include "embeval/gguf/gguf_model.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto path = fuzz::write_scratch_file("model.gguf", fuzz::as_text(data, size));
  fuzz::expect_success_or_input_error([&] {
    (void)read_gguf_info(path);
    const GgufModel model(path, /*vocab_only=*/true);
    (void)model.tokenize("hello world", true);
  });
  return 0;
}
