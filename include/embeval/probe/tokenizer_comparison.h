// The demo's tokenizer table: the real tokenizers that ship with llama.cpp (vocabulary-only GGUF
// files, no weights), by the embedding models that use them, measured on a sample of one corpus
// (fertility, unknown and byte-fallback tokens, truncation at a 512-token window). Needs the gguf
// family (has_encoder_family("gguf")); without it there is nothing to compare.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "embeval/dataset/dataset.h"
#include "embeval/probe/tokenizer_stats.h"

namespace embeval {

// One of llama.cpp's vocabulary files and the embedding models that use its tokenizer.
struct BundledVocabulary {
  std::string file;     // "ggml-vocab-bert-bge.gguf"
  std::string used_by;  // "bge-small/base, all-MiniLM, e5, gte"
};

// The five vocabularies the table compares, in table order: WordPiece (BERT), XLM-R unigram,
// Qwen2 BPE, Gemma and LLaMA SPM.
[[nodiscard]] const std::vector<BundledVocabulary>& bundled_vocabularies();

// Where the llama.cpp build embeval links keeps its vocabulary files (models/ of its source
// tree); empty when the gguf family is not built in.
[[nodiscard]] std::filesystem::path bundled_vocabulary_dir();

struct TokenizerComparisonRow {
  BundledVocabulary vocabulary;
  std::string family;  // Tokenizer::family()
  std::size_t vocabulary_size = 0;
  TokenizerStats stats;
};

struct TokenizerComparison {
  std::size_t corpus_documents = 0;          // documents in the corpus
  std::size_t sampled = 0;                   // documents tokenized (sample_documents)
  std::size_t step = 1;                      // every step-th document
  std::size_t sample_bytes = 0;              // each text cut to at most this many bytes
  std::size_t window = 0;                    // the context window "over" is counted against
  std::vector<TokenizerComparisonRow> rows;  // bundled_vocabularies() order; absent files skipped
};

// Samples ~1,000 documents of `corpus` (each cut at 8 KiB: ~2k tokens, several times a 512-token
// window, and llama.cpp's SPM tokenizers slow down badly on 100 KiB pages) and measures each
// bundled vocabulary found in `vocabulary_dir` on them against a 512-token window.
[[nodiscard]] TokenizerComparison compare_bundled_tokenizers(
    const std::vector<Document>& corpus, const std::filesystem::path& vocabulary_dir);

}  // namespace embeval
