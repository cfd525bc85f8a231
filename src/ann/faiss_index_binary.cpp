#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryIVF.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include <cstdint>

#include "ann/ann_support.h"
#include "embeval/ann/faiss_index.h"
#include "embeval/core/error.h"
#include "embeval/core/topk.h"

namespace embeval {
namespace {

using FaissId = faiss::IndexBinary::idx_t;

// Bit j of a row's code is set when value j > 0 (FAISS's bit order: LSB first within a byte).
// Codes are `bits` / 8 bytes; bits from d to `bits` stay 0 in every row (padding), so they never
// add to a Hamming distance.
std::vector<std::uint8_t> binarise(const std::vector<float>& x, std::size_t rows, std::size_t d,
                                   std::size_t bits) {
  const std::size_t bytes = bits / 8;
  std::vector<std::uint8_t> codes(rows * bytes, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = x.data() + r * d;
    std::uint8_t* code = codes.data() + r * bytes;
    for (std::size_t j = 0; j < d; ++j) {
      if (row[j] > 0) code[j / 8] |= static_cast<std::uint8_t>(1u << (j % 8));
    }
  }
  return codes;
}

float full_score(const float* q, const float* b, std::size_t d, Metric metric) {
  double s = 0;
  if (metric == Metric::kL2) {
    for (std::size_t j = 0; j < d; ++j) s -= (static_cast<double>(q[j]) - b[j]) * (q[j] - b[j]);
  } else {
    for (std::size_t j = 0; j < d; ++j) s += static_cast<double>(q[j]) * b[j];
  }
  return static_cast<float>(s);
}

}  // namespace

BinaryIndex::BinaryIndex(ModelSpec canonical, Metric metric, int threads)
    : spec_(std::move(canonical)), metric_(metric), threads_(std::max(1, threads)) {
  rescore_ = static_cast<std::size_t>(ann::param(spec_, "rescore"));
  if (spec_.scheme == "binary_ivf")
    search_value_ = static_cast<std::size_t>(ann::param(spec_, "nprobe"));
}

BinaryIndex::~BinaryIndex() = default;

void BinaryIndex::create(std::size_t dim, std::size_t first_batch_rows) {
  code_bits_ = (dim + 7) / 8 * 8;
  if (dim % 8 != 0 && ann::param(spec_, "pad") == 0) {
    throw InputError(ann::describe(spec_) +
                         ": binary codes need a dimension that is a multiple of 8, "
                         "the vectors have " +
                         std::to_string(dim),
                     {}, 0, "add pad=1 (zero bits up to the next multiple of 8) or use flat_int8");
  }
  if (spec_.scheme == "binary") {
    index_ = std::make_unique<faiss::IndexBinaryFlat>(static_cast<FaissId>(code_bits_));
    return;
  }
  nlist_ = ann::checked_nlist(spec_, first_batch_rows);
  auto quantizer = std::make_unique<faiss::IndexBinaryFlat>(static_cast<FaissId>(code_bits_));
  auto ivf = std::make_unique<faiss::IndexBinaryIVF>(quantizer.get(), code_bits_, nlist_);
  ivf->own_fields = true;
  quantizer.release();
  ivf->cp.min_points_per_centroid = 1;
  ivf->cp.seed = 1234;
  index_ = std::move(ivf);
  apply_search_parameter();
}

void BinaryIndex::apply_search_parameter() {
  if (auto* ivf = dynamic_cast<faiss::IndexBinaryIVF*>(index_.get())) {
    search_value_ = std::min(search_value_, nlist_);
    ivf->nprobe = search_value_;
  }
}

std::string_view BinaryIndex::search_parameter() const {
  return ann_index_kind(spec_).search_parameter;
}

void BinaryIndex::set_search_parameter(std::size_t value) {
  ann::check_search_value(spec_, value, nlist_);
  search_value_ = value;
  apply_search_parameter();
}

void BinaryIndex::add(const EmbeddingBatch& documents) {
  const DenseMatrix& dense = ann::dense_part(documents, dim_, "document");
  if (dense.rows == 0) return;
  const std::vector<float> x = ann::prepare(dense, metric_, "document");
  ann::ScopedThreads threads(threads_);
  if (!index_) {
    create(dense.cols, dense.rows);
    dim_ = dense.cols;
    full_ = DenseMatrix(0, dim_);
  }
  const std::vector<std::uint8_t> codes = binarise(x, dense.rows, dim_, code_bits_);
  try {
    if (!index_->is_trained) index_->train(static_cast<FaissId>(dense.rows), codes.data());
    index_->add(static_cast<FaissId>(dense.rows), codes.data());
  } catch (const faiss::FaissException& e) {
    throw InputError(ann::describe(spec_) + ": FAISS refused the data: " + e.what());
  }
  if (rescore_ > 0) {
    full_.data.insert(full_.data.end(), x.begin(), x.end());
    full_.rows += dense.rows;
  }
  size_ += dense.rows;
  bytes_cache_ = 0;
}

SearchResults BinaryIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  const DenseMatrix& dense = ann::dense_part(queries, dim_, "query");
  if (!index_ || k == 0 || dense.rows == 0) return SearchResults(dense.rows, k);
  const std::vector<float> x = ann::prepare(dense, metric_, "query");
  const std::vector<std::uint8_t> codes = binarise(x, dense.rows, dim_, code_bits_);
  const std::size_t fetch = rescore_ > 0 ? std::min(rescore_ * k, size_) : k;
  std::vector<std::int32_t> hamming(dense.rows * fetch);
  std::vector<std::int64_t> labels(dense.rows * fetch);
  {
    ann::ScopedThreads threads(threads_);
    index_->search(static_cast<FaissId>(dense.rows), codes.data(), static_cast<FaissId>(fetch),
                   hamming.data(), labels.data());
  }
  std::vector<float> scores(dense.rows * fetch);
  if (rescore_ == 0) {
    for (std::size_t i = 0; i < scores.size(); ++i) {
      scores[i] = static_cast<float>(static_cast<long>(dim_) - 2L * hamming[i]);
    }
    return ann::to_results(dense.rows, k, labels, scores);
  }
  SearchResults results(dense.rows, k);
  TopK<float> top(k);
  for (std::size_t q = 0; q < dense.rows; ++q) {
    for (std::size_t j = 0; j < fetch; ++j) {
      const std::int64_t id = labels[q * fetch + j];
      if (id < 0) continue;
      top.push(
          full_score(x.data() + q * dim_, full_.row(static_cast<std::size_t>(id)), dim_, metric_),
          id);
    }
    top.take_sorted(results.ids.data() + q * k, results.scores.data() + q * k);
  }
  return results;
}

std::size_t BinaryIndex::code_bytes() const {
  if (!index_) return 0;
  if (bytes_cache_ == 0) {
    faiss::VectorIOWriter writer;
    faiss::write_index_binary(index_.get(), &writer);
    bytes_cache_ = writer.data.size();
  }
  return bytes_cache_;
}

std::size_t BinaryIndex::memory_bytes() const {
  return code_bytes() + full_.data.size() * sizeof(float);
}

}  // namespace embeval
