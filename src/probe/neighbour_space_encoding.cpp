// words_space: the model side of the neighbours probe (encoding the words through the models
// layer), apart from the search in neighbour_space.cpp.
#include <string_view>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/probe/neighbour_space.h"

namespace embeval {
namespace {

constexpr std::size_t kBatchTexts = 1024;  // texts per encode() call: progress granularity
// A sparse model's weights are made dense for the exact search: refuse what would not fit.
constexpr std::size_t kMaxDenseValues = std::size_t{1} << 28;  // 1 GiB of floats

void append_sparse(DenseMatrix& out, const SparseMatrix& rows, const std::string& model) {
  if (out.rows == 0) out.cols = rows.dim;
  EMBEVAL_CHECK(rows.dim == out.cols, "neighbours: batches of different vocabularies");
  if ((out.rows + rows.rows) * std::max<std::size_t>(out.cols, 1) > kMaxDenseValues) {
    throw InputError("model '" + model + "': " + std::to_string(out.rows + rows.rows) +
                         " words x a vocabulary of " + std::to_string(out.cols) +
                         " terms is too large to search exactly",
                     "", 0, "probe fewer words (--sample N)");
  }
  const std::size_t first = out.rows;
  out.rows += rows.rows;
  out.data.resize(out.rows * out.cols, 0.0f);
  for (std::size_t i = 0; i < rows.rows; ++i) {
    const auto ids = rows.row_indices(i);
    const auto weights = rows.row_values(i);
    for (std::size_t m = 0; m < ids.size(); ++m) out.row(first + i)[ids[m]] = weights[m];
  }
}

void append(DenseMatrix& out, EmbeddingBatch&& batch, const std::string& model) {
  if (batch.multi) {
    throw InputError("model '" + model +
                         "' keeps several vectors per text (chunk_agg=max); the neighbours probe "
                         "compares one vector per word",
                     "", 0, "use chunk_agg=mean or chunk_agg=first");
  }
  if (batch.dense && batch.sparse) {
    throw InputError("model '" + model + "' gives both dense and sparse vectors", "", 0,
                     "probe its dense and its sparse part as separate models");
  }
  if (batch.sparse) {
    append_sparse(out, *batch.sparse, model);
    return;
  }
  EMBEVAL_CHECK(batch.dense.has_value(), "neighbours: a batch without vectors");
  if (out.rows == 0) out.cols = batch.dense->cols;
  EMBEVAL_CHECK(batch.dense->cols == out.cols, "neighbours: batches of different dims");
  out.data.insert(out.data.end(), batch.dense->data.begin(), batch.dense->data.end());
  out.rows += batch.dense->rows;
}

}  // namespace

NeighbourSpace words_space(Encoder& encoder, const ModelSpec& spec,
                           const std::vector<std::string>& words) {
  const std::string model = spec.to_string();
  const std::vector<std::string_view> views(words.begin(), words.end());
  if (depends_on_fitted_corpus(spec)) {
    auto* fitted = dynamic_cast<CorpusFittedEncoder*>(&underlying_model(encoder));
    EMBEVAL_CHECK(fitted != nullptr, "neighbours: a corpus-dependent model that cannot be fitted");
    fitted->fit(views);
  }
  NeighbourSpace space;
  space.kind = "words";
  space.names = words;
  (void)encode_texts(
      encoder, views, Role::kDocument, kBatchTexts, "words",
      [&](EmbeddingBatch&& batch) { append(space.vectors, std::move(batch), model); });
  EMBEVAL_CHECK(space.vectors.rows == words.size(), "neighbours: a vector per word expected");
  normalize_rows(space.vectors);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const bool zero = squared_norm({space.vectors.row(i), space.vectors.cols}) == 0;
    space.word_rows.push_back(zero ? -1 : static_cast<std::int64_t>(i));
  }
  return space;
}

}  // namespace embeval
