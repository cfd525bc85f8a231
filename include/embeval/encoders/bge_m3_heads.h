// BGE-M3's three outputs from one forward pass (Chen et al. 2024, "M3-Embedding"; FlagEmbedding's
// BGEM3FlagModel): given the last hidden states of one text, the dense vector, the sparse
// (lexical) weights and the multi-vector (ColBERT) rows, exactly as FlagEmbedding computes them:
//   dense:  h_0 (the CLS token), L2-normalised.
//   sparse: w_t = ReLU(W_s h_t + b_s) per token (sparse_linear.pt, Linear(hidden, 1)); per token
//           id the maximum over its occurrences; special tokens (cls, eos, pad, unk) and zero
//           weights dropped. Score of two texts: sum over shared ids of w_q * w_d.
//   multi:  W_c h_t + b_c for every token after CLS (colbert_linear.pt, Linear(hidden, hidden)),
//           each row L2-normalised. Score: mean over query rows of the max dot product with a
//           document row (MaxSim).
// The heads hold only the two linear layers; the transformer that produces the hidden states
// is the gguf layer's. Thread-safety: apply() is const and may run on several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <unordered_set>
#include <utility>
#include <vector>

#include "embeval/core/embeddings.h"

namespace embeval {

// One text's three representations.
struct BgeM3Output {
  std::vector<float> dense;                             // hidden, unit length
  std::vector<std::pair<std::uint32_t, float>> sparse;  // (token id, weight), ids increasing
  DenseMatrix multi;                                    // (tokens - 1) x colbert dimension
};

class BgeM3Heads {
 public:
  // Reads DIR/sparse_linear.pt and DIR/colbert_linear.pt (io/torch_state_dict.h). Throws
  // InputError naming the file when one is missing, is not a Linear layer's state dict
  // (weight [out, in], bias [out]) or has the wrong shape (sparse out 1; colbert in = hidden).
  explicit BgeM3Heads(const std::filesystem::path& dir);

  std::size_t hidden_size() const { return hidden_; }
  std::size_t colbert_dimension() const { return colbert_out_; }

  // `hidden`: tokens x hidden_size() row-major (tokens >= 1, the first row is CLS); `token_ids`:
  // the tokens' ids; `special_ids`: the ids never given a sparse weight.
  [[nodiscard]] BgeM3Output apply(std::span<const float> hidden,
                                  std::span<const std::int32_t> token_ids,
                                  const std::unordered_set<std::int32_t>& special_ids) const;

 private:
  std::size_t hidden_ = 0;
  std::size_t colbert_out_ = 0;
  std::vector<float> sparse_weight_;  // hidden
  float sparse_bias_ = 0;
  std::vector<float> colbert_weight_;  // colbert_out x hidden, row-major as torch stores it
  std::vector<float> colbert_bias_;    // colbert_out
};

// FlagEmbedding's scores of two texts' outputs.
[[nodiscard]] float bge_m3_sparse_score(const BgeM3Output& query, const BgeM3Output& document);
[[nodiscard]] float bge_m3_colbert_score(const BgeM3Output& query, const BgeM3Output& document);

}  // namespace embeval
