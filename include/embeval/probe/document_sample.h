// A sample of a corpus's document texts for the tokenizer probes: every step-th document, each
// text cut to a byte budget at a UTF-8 character boundary. Tokenizer shares and percentiles
// settle long before the whole corpus, and the cut keeps slow tokenizers (llama.cpp's SPM ones
// on 100 KiB pages) from dominating the time. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/dataset/document_text.h"

namespace embeval {

struct DocumentSample {
  std::vector<std::string> texts;  // document_text() of the sampled documents, in corpus order
  std::size_t step = 1;            // documents 0, step, 2 * step, ... were taken
};

// step = max(1, corpus.size() / target), so the sample holds between target and 2 * target - 1
// documents (all of them when the corpus has fewer than 2 * target). target >= 1. Each text is
// cut to at most max_bytes (utf8_prefix_length).
[[nodiscard]] DocumentSample sample_documents(const std::vector<Document>& corpus,
                                              std::size_t target, std::size_t max_bytes);

// The length of the longest prefix of `text` of at most max_bytes bytes that does not end inside
// a UTF-8 multi-byte sequence (continuation bytes 10xxxxxx are never the first byte cut off).
// Invalid UTF-8 is cut the same way, byte by byte.
[[nodiscard]] std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes);

}  // namespace embeval
