// Reference: FlagEmbedding's BGEM3Model (_sparse_embedding, _colbert_embedding, dense CLS) and
// BGEM3FlagModel._process_token_weights / colbert_score. Sums run in double so the result is the
// exact value rounded once to float, whatever the hidden size.
#include "embeval/encoders/bge_m3_heads.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "embeval/core/error.h"
#include "embeval/io/torch_state_dict.h"

namespace embeval {
namespace {

struct Linear {
  std::size_t in = 0;
  std::size_t out = 0;
  std::vector<float> weight;  // out x in
  std::vector<float> bias;    // out
};

Linear read_linear(const std::filesystem::path& file) {
  const TorchStateDict dict = read_torch_state_dict(file);
  const TorchTensor& weight = dict.at("weight");
  const TorchTensor& bias = dict.at("bias");
  if (weight.shape.size() != 2 || bias.shape.size() != 1 || bias.shape[0] != weight.shape[0] ||
      weight.shape[0] <= 0 || weight.shape[1] <= 0) {
    throw InputError("not a Linear layer: weight must be [out, in] and bias [out]", file.string(),
                     0, "BGE-M3's heads are torch.nn.Linear state dicts");
  }
  Linear linear;
  linear.out = static_cast<std::size_t>(weight.shape[0]);
  linear.in = static_cast<std::size_t>(weight.shape[1]);
  linear.weight = weight.values;
  linear.bias = bias.values;
  for (const float v : linear.weight) {
    if (!std::isfinite(v)) throw InputError("a weight is NaN or infinite", file.string());
  }
  for (const float v : linear.bias) {
    if (!std::isfinite(v)) throw InputError("a bias is NaN or infinite", file.string());
  }
  return linear;
}

double dot(const float* a, const float* b, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

// Scales `row` to unit length as torch.nn.functional.normalize does (norm floored at 1e-12).
void normalise(float* row, std::size_t n) {
  const double norm = std::sqrt(dot(row, row, n));
  const double scale = 1.0 / std::max(norm, 1e-12);
  for (std::size_t i = 0; i < n; ++i) row[i] = static_cast<float>(row[i] * scale);
}

}  // namespace

BgeM3Heads::BgeM3Heads(const std::filesystem::path& dir) {
  const std::filesystem::path sparse_file = dir / "sparse_linear.pt";
  const std::filesystem::path colbert_file = dir / "colbert_linear.pt";
  const Linear sparse = read_linear(sparse_file);
  const Linear colbert = read_linear(colbert_file);
  if (sparse.out != 1) {
    throw InputError(
        "sparse_linear must map the hidden state to 1 weight, not " + std::to_string(sparse.out),
        sparse_file.string());
  }
  if (colbert.in != sparse.in) {
    throw InputError("colbert_linear takes " + std::to_string(colbert.in) +
                         " inputs but sparse_linear " + std::to_string(sparse.in),
                     colbert_file.string(), 0, "both heads must come from the same model");
  }
  hidden_ = sparse.in;
  colbert_out_ = colbert.out;
  sparse_weight_ = sparse.weight;
  sparse_bias_ = sparse.bias[0];
  colbert_weight_ = colbert.weight;
  colbert_bias_ = colbert.bias;
}

BgeM3Output BgeM3Heads::apply(std::span<const float> hidden,
                              std::span<const std::int32_t> token_ids,
                              const std::unordered_set<std::int32_t>& special_ids) const {
  const std::size_t tokens = token_ids.size();
  EMBEVAL_CHECK(tokens >= 1 && hidden.size() == tokens * hidden_,
                "BgeM3Heads::apply needs tokens x hidden_size() states, CLS first");
  BgeM3Output out;
  out.dense.assign(hidden.begin(), hidden.begin() + static_cast<std::ptrdiff_t>(hidden_));
  normalise(out.dense.data(), hidden_);

  std::map<std::uint32_t, float> weights;  // ordered: the sparse row's ids increase
  for (std::size_t t = 0; t < tokens; ++t) {
    if (special_ids.contains(token_ids[t]) || token_ids[t] < 0) continue;
    const double w = dot(sparse_weight_.data(), hidden.data() + t * hidden_, hidden_) +
                     static_cast<double>(sparse_bias_);
    if (w <= 0) continue;  // ReLU, and FlagEmbedding keeps only positive weights
    float& kept = weights[static_cast<std::uint32_t>(token_ids[t])];
    kept = std::max(kept, static_cast<float>(w));
  }
  out.sparse.assign(weights.begin(), weights.end());

  out.multi = DenseMatrix(tokens - 1, colbert_out_);
  for (std::size_t t = 1; t < tokens; ++t) {
    float* row = out.multi.row(t - 1);
    const float* h = hidden.data() + t * hidden_;
    for (std::size_t o = 0; o < colbert_out_; ++o) {
      row[o] = static_cast<float>(dot(colbert_weight_.data() + o * hidden_, h, hidden_) +
                                  static_cast<double>(colbert_bias_[o]));
    }
    normalise(row, colbert_out_);
  }
  return out;
}

float bge_m3_sparse_score(const BgeM3Output& query, const BgeM3Output& document) {
  double score = 0;
  auto d = document.sparse.begin();
  for (const auto& [id, weight] : query.sparse) {
    while (d != document.sparse.end() && d->first < id) ++d;
    if (d != document.sparse.end() && d->first == id)
      score += static_cast<double>(weight) * d->second;
  }
  return static_cast<float>(score);
}

float bge_m3_colbert_score(const BgeM3Output& query, const BgeM3Output& document) {
  const DenseMatrix& q = query.multi;
  const DenseMatrix& d = document.multi;
  if (q.rows == 0 || d.rows == 0) return 0.0f;
  EMBEVAL_CHECK(q.cols == d.cols, "ColBERT rows of two texts must have one dimension");
  double sum = 0;
  for (std::size_t i = 0; i < q.rows; ++i) {
    double best = -INFINITY;
    for (std::size_t j = 0; j < d.rows; ++j) best = std::max(best, dot(q.row(i), d.row(j), q.cols));
    sum += best;
  }
  return static_cast<float>(sum / static_cast<double>(q.rows));
}

}  // namespace embeval
