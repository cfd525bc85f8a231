// Cross-encoder rerankers from a GGUF file through llama.cpp's rank pooling
// (LLAMA_POOLING_TYPE_RANK): BERT and XLM-R sequence classifiers such as bge-reranker-v2-m3 or
// jina-reranker, converted by llama.cpp's convert_hf_to_gguf.py. Spec (docs/reranking.md):
//   gguf:PATH?top=100&max_tokens=N
//
// A pair is tokenized as llama-server's /rerank does it (tools/server/server-common.cpp,
// format_prompt_rerank), so local and served scores agree: the GGUF's "rerank" chat template
// with {query} and {document} filled in when it has one (Qwen3-Reranker); otherwise
// [BOS] query [EOS] [SEP] document [EOS], each special token only where the vocabulary's
// add_bos / add_eos / add_sep flags ask for it, EOS falling back to SEP (BERT: [CLS] q [SEP] d
// [SEP] when add_eos is set with SEP as EOS; XLM-R: <s> q </s></s> d </s>). llama.cpp gives
// every token type id 0 (it adds token-type row 0 only), so a BERT cross-encoder trained with
// segment ids 0/1 reads its document with the query's segment embedding, here and in
// llama-server alike.
//
// The score is the first value of the classification head's output for the pair: the CLS (first
// token) state through `cls` (dense + tanh) when present, then `cls.output` (llama-graph.cpp,
// build_pooling). A pair longer than max_tokens (default the training context) loses tokens from
// the end of the document first, then of the query; the pair is counted in stats().
//
// Thread-safety: one caller at a time; llama.cpp uses `threads` threads per batch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/core/reranker.h"
#include "embeval/gguf/gguf_model.h"

struct llama_context;

namespace embeval {

// The parameter schema of gguf rerankers (param_schema.h).
const ParamSchema& gguf_reranker_param_schema();

// The canonical spec (top and max_tokens written out), reading only the file's header. Throws
// InputError for a missing file, unknown keys or a GGUF whose pooling type is not rank.
[[nodiscard]] std::string check_gguf_reranker_spec(const ModelSpec& spec);

class GgufReranker : public Reranker, public CountedReranker {
 public:
  // Loads the model (threads 0: the physical cores, or $EMBEVAL_LLAMA_THREADS). Throws
  // InputError as check_gguf_reranker_spec(), and when llama.cpp cannot load it.
  GgufReranker(const ModelSpec& spec, int threads);
  ~GgufReranker() override;
  GgufReranker(const GgufReranker&) = delete;
  GgufReranker& operator=(const GgufReranker&) = delete;

  std::string spec() const override { return spec_; }
  std::vector<float> score(std::string_view query,
                           std::span<const std::string_view> documents) override;
  RerankStats stats() const override { return stats_; }

  // The token ids of one pair, exactly as score() runs it (for tests and inspection).
  [[nodiscard]] std::vector<std::int32_t> pair_tokens(std::string_view query,
                                                      std::string_view document);

 private:
  std::vector<std::int32_t> tokenize(std::string_view text, bool parse_special) const;

  std::string spec_;
  std::unique_ptr<GgufModel> model_;
  llama_context* ctx_ = nullptr;
  std::size_t max_tokens_ = 0;
  std::size_t n_seq_max_ = 1;
  std::string rerank_template_;  // "" when the GGUF has none
  RerankStats stats_;
};

}  // namespace embeval
