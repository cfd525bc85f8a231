// probe_alignment: the model side of the alignment probe (encoding both sides through the
// models layer), apart from the scoring in alignment.cpp.
#include <string_view>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/probe/alignment.h"

namespace embeval {
namespace {

constexpr std::size_t kBatchTexts = 1024;  // texts per encode() call: progress granularity

// One side's vectors, whichever representation the model produces.
struct SideVectors {
  DenseMatrix dense;
  SparseMatrix sparse;
  bool is_sparse = false;
};

void refuse_several_vectors(const std::string& model) {
  throw InputError("model '" + model +
                       "' keeps several vectors per text (chunk_agg=max); alignment compares one "
                       "vector per text",
                   "", 0, "use chunk_agg=mean or chunk_agg=first");
}

void append(SideVectors& side, EmbeddingBatch&& batch, const std::string& model) {
  if (batch.multi) refuse_several_vectors(model);
  if (batch.dense) {
    if (batch.sparse) {  // a hybrid: which cosine it should be is not defined yet
      throw InputError(
          "model '" + model + "' gives both dense and sparse vectors; alignment compares one kind",
          "", 0, "probe its dense and its sparse part as separate models");
    }
    if (side.dense.rows == 0) side.dense.cols = batch.dense->cols;
    EMBEVAL_CHECK(batch.dense->cols == side.dense.cols, "alignment: batches of different dims");
    side.dense.data.insert(side.dense.data.end(), batch.dense->data.begin(),
                           batch.dense->data.end());
    side.dense.rows += batch.dense->rows;
    return;
  }
  EMBEVAL_CHECK(batch.sparse.has_value(), "alignment: a batch without vectors");
  side.is_sparse = true;
  const SparseMatrix& rows = *batch.sparse;
  if (side.sparse.rows == 0) side.sparse.dim = rows.dim;
  EMBEVAL_CHECK(rows.dim == side.sparse.dim, "alignment: batches of different vocabularies");
  for (std::size_t i = 0; i < rows.rows; ++i) {
    side.sparse.append_row(rows.row_indices(i), rows.row_values(i));
  }
}

SideVectors encode_side(Encoder& encoder, const std::vector<std::string>& texts,
                        const std::string& label, const std::string& model) {
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  SideVectors side;
  (void)encode_texts(encoder, views, Role::kDocument, kBatchTexts, label,
                     [&](EmbeddingBatch&& batch) { append(side, std::move(batch), model); });
  return side;
}

}  // namespace

AlignmentScores probe_alignment(Encoder& encoder, const ModelSpec& spec, const BitextPairs& pairs,
                                std::size_t threads) {
  const std::string model = spec.to_string();
  if (depends_on_fitted_corpus(spec)) {
    auto* fitted = dynamic_cast<CorpusFittedEncoder*>(&underlying_model(encoder));
    EMBEVAL_CHECK(fitted != nullptr, "alignment: a corpus-dependent model that cannot be fitted");
    std::vector<std::string_view> corpus(pairs.sources.begin(), pairs.sources.end());
    corpus.insert(corpus.end(), pairs.targets.begin(), pairs.targets.end());
    fitted->fit(corpus);
  }
  SideVectors sources = encode_side(encoder, pairs.sources, "sources", model);
  SideVectors targets = encode_side(encoder, pairs.targets, "targets", model);
  EMBEVAL_CHECK(sources.is_sparse == targets.is_sparse, "alignment: sides of different kinds");
  if (sources.is_sparse) return score_alignment(sources.sparse, targets.sparse, threads);
  normalize_rows(sources.dense);
  normalize_rows(targets.dense);
  return score_alignment(sources.dense, targets.dense, threads);
}

}  // namespace embeval
