#include "embeval/probe/tokenizer_comparison.h"

#include <string_view>

#include "embeval/core/model_spec.h"
#include "embeval/models/registry.h"
#include "embeval/probe/document_sample.h"

namespace embeval {

const std::vector<BundledVocabulary>& bundled_vocabularies() {
  static const std::vector<BundledVocabulary> kVocabularies = {
      {"ggml-vocab-bert-bge.gguf", "bge-small/base, all-MiniLM, e5, gte"},
      {"ggml-vocab-nomic-bert-moe.gguf", "bge-m3, multilingual-e5 (XLM-R)"},
      {"ggml-vocab-qwen2.gguf", "Qwen3-Embedding"},
      {"ggml-vocab-gemma-4.gguf", "EmbeddingGemma (Gemma)"},
      {"ggml-vocab-llama-spm.gguf", "LLaMA-2-based (e5-mistral)"}};
  return kVocabularies;
}

std::filesystem::path bundled_vocabulary_dir() {
  // src/CMakeLists.txt defines the folder of the llama.cpp build it found ("" without one).
  const std::filesystem::path dir = EMBEVAL_LLAMA_VOCABULARY_DIR;
  if (dir.empty() || !has_encoder_family("gguf")) return {};
  return dir;
}

TokenizerComparison compare_bundled_tokenizers(const std::vector<Document>& corpus,
                                               const std::filesystem::path& vocabulary_dir) {
  // Every n-th document: the shares and percentiles settle long before the whole corpus (man
  // pages run to ~2k tokens; tokenizing all of them five times would double the demo's time).
  constexpr std::size_t kSample = 1000;
  constexpr std::size_t kMaxBytes = 8 * 1024;
  constexpr std::size_t kWindow = 512;
  const DocumentSample sample = sample_documents(corpus, kSample, kMaxBytes);
  const std::vector<std::string_view> views(sample.texts.begin(), sample.texts.end());
  TokenizerComparison c;
  c.corpus_documents = corpus.size();
  c.sampled = sample.texts.size();
  c.step = sample.step;
  c.sample_bytes = kMaxBytes;
  c.window = kWindow;
  for (const BundledVocabulary& v : bundled_vocabularies()) {
    const std::filesystem::path path = vocabulary_dir / v.file;
    if (!std::filesystem::exists(path)) continue;
    ModelSpec spec;
    spec.scheme = "gguf";
    spec.path = path.string();
    const std::unique_ptr<Tokenizer> tokenizer = make_tokenizer(spec);
    if (!tokenizer) continue;
    c.rows.push_back({v, tokenizer->family(), tokenizer->vocabulary_size(),
                      measure_tokenizer(*tokenizer, views, kWindow)});
  }
  return c;
}

}  // namespace embeval
