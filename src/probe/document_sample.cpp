#include "embeval/probe/document_sample.h"

#include <algorithm>

#include "embeval/core/error.h"

namespace embeval {

std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

DocumentSample sample_documents(const std::vector<Document>& corpus, std::size_t target,
                                std::size_t max_bytes) {
  EMBEVAL_CHECK(target > 0, "sample_documents: target must be positive");
  DocumentSample sample;
  sample.step = std::max<std::size_t>(1, corpus.size() / target);
  for (std::size_t i = 0; i < corpus.size(); i += sample.step) {
    std::string text = document_text(corpus[i]);
    text.resize(utf8_prefix_length(text, max_bytes));
    sample.texts.push_back(std::move(text));
  }
  return sample;
}

}  // namespace embeval
