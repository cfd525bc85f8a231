#include "embeval/ann/faiss_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include "ann/ann_support.h"
#include "embeval/core/error.h"

namespace embeval {
namespace {

using FaissId = faiss::Index::idx_t;

faiss::MetricType faiss_metric(Metric metric) {
  return metric == Metric::kL2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
}

}  // namespace

FaissIndex::FaissIndex(ModelSpec canonical, Metric metric, int threads)
    : spec_(std::move(canonical)), metric_(metric), threads_(std::max(1, threads)) {
  const std::string& knob = ann_index_kind(spec_).search_parameter;
  if (!knob.empty()) search_value_ = static_cast<std::size_t>(ann::param(spec_, knob));
}

FaissIndex::~FaissIndex() = default;

void FaissIndex::create(std::size_t dim, std::size_t first_batch_rows) {
  const std::string& kind = spec_.scheme;
  const int d = static_cast<int>(dim);
  const faiss::MetricType metric = faiss_metric(metric_);
  if (kind == "flat") {
    index_ = std::make_unique<faiss::IndexFlat>(d, metric);
  } else if (kind == "flat_f16") {
    index_ =
        std::make_unique<faiss::IndexScalarQuantizer>(d, faiss::ScalarQuantizer::QT_fp16, metric);
  } else if (kind == "flat_int8") {
    index_ =
        std::make_unique<faiss::IndexScalarQuantizer>(d, faiss::ScalarQuantizer::QT_8bit, metric);
  } else if (kind == "hnsw") {
    auto hnsw =
        std::make_unique<faiss::IndexHNSWFlat>(d, static_cast<int>(ann::param(spec_, "M")), metric);
    hnsw->hnsw.efConstruction = static_cast<int>(ann::param(spec_, "efConstruction"));
    index_ = std::move(hnsw);
  } else {  // the IVF family
    nlist_ = ann::checked_nlist(spec_, first_batch_rows);
    auto quantizer = std::make_unique<faiss::IndexFlat>(d, metric);
    std::unique_ptr<faiss::IndexIVF> ivf;
    if (kind == "ivf_flat") {
      ivf = std::make_unique<faiss::IndexIVFFlat>(quantizer.get(), dim, nlist_, metric);
    } else if (kind == "ivf_sq8") {
      ivf = std::make_unique<faiss::IndexIVFScalarQuantizer>(
          quantizer.get(), dim, nlist_, faiss::ScalarQuantizer::QT_8bit, metric);
    } else {
      EMBEVAL_CHECK(kind == "ivf_pq", "unhandled FAISS index " + kind);
      const long m_param = ann::param(spec_, "m");
      const std::size_t m = m_param == 0 ? ann::auto_pq_m(dim) : static_cast<std::size_t>(m_param);
      const std::size_t nbits = static_cast<std::size_t>(ann::param(spec_, "nbits"));
      if (dim % m != 0) {
        throw InputError(ann::describe(spec_) + ": m=" + std::to_string(m) +
                             " sub-quantizers do not divide the dimension " + std::to_string(dim),
                         {}, 0,
                         "pick m among the divisors of " + std::to_string(dim) + ", or m=auto");
      }
      if (first_batch_rows < (std::size_t{1} << nbits)) {
        throw InputError(ann::describe(spec_) + ": nbits=" + std::to_string(nbits) +
                             " needs at least " + std::to_string(std::size_t{1} << nbits) +
                             " training vectors per sub-quantizer, the first batch has " +
                             std::to_string(first_batch_rows),
                         {}, 0, "lower nbits or add more documents");
      }
      auto pq = std::make_unique<faiss::IndexIVFPQ>(quantizer.get(), dim, nlist_, m, nbits, metric);
      // Each of the m codebooks is a k-means that fprintf()s a warning below 39 vectors per
      // centroid: m identical lines on stderr. check_index_for_data() says it once, as a note.
      pq->pq.cp.min_points_per_centroid = 1;
      ivf = std::move(pq);
    }
    ivf->own_fields = true;  // the IVF index deletes its quantizer from now on
    quantizer.release();
    ivf->cp.min_points_per_centroid = 1;  // we check n >= nlist ourselves; FAISS only warns
    ivf->cp.seed = 1234;                  // deterministic training
    index_ = std::move(ivf);
  }
  apply_search_parameter();
}

void FaissIndex::apply_search_parameter() {
  if (!index_) return;
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(index_.get())) {
    hnsw->hnsw.efSearch = static_cast<int>(search_value_);
  } else if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(index_.get())) {
    search_value_ = std::min(search_value_, nlist_);  // the spec default may exceed a small nlist
    ivf->nprobe = search_value_;
  }
}

std::string_view FaissIndex::search_parameter() const {
  return ann_index_kind(spec_).search_parameter;
}

void FaissIndex::set_search_parameter(std::size_t value) {
  ann::check_search_value(spec_, value, nlist_);
  search_value_ = value;
  apply_search_parameter();
}

void FaissIndex::add(const EmbeddingBatch& documents) {
  const DenseMatrix& dense = ann::dense_part(documents, dim_, "document");
  if (dense.rows == 0) return;
  const std::vector<float> x = ann::prepare(dense, metric_, "document");
  ann::ScopedThreads threads(threads_);
  try {
    if (!index_) {
      create(dense.cols, dense.rows);
      dim_ = dense.cols;
    }
    if (!index_->is_trained) index_->train(static_cast<FaissId>(dense.rows), x.data());
    index_->add(static_cast<FaissId>(dense.rows), x.data());
  } catch (const faiss::FaissException& e) {
    throw InputError(ann::describe(spec_) + ": FAISS refused the data: " + e.what());
  }
  size_ += dense.rows;
  bytes_cache_ = 0;
}

SearchResults FaissIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  const DenseMatrix& dense = ann::dense_part(queries, dim_, "query");
  if (!index_ || k == 0 || dense.rows == 0) return SearchResults(dense.rows, k);
  const std::vector<float> x = ann::prepare(dense, metric_, "query");
  std::vector<float> distances(dense.rows * k);
  std::vector<std::int64_t> labels(dense.rows * k);
  {
    ann::ScopedThreads threads(threads_);
    index_->search(static_cast<FaissId>(dense.rows), x.data(), static_cast<FaissId>(k),
                   distances.data(), labels.data());
  }
  if (metric_ == Metric::kL2) {
    for (float& v : distances) v = -v;  // squared distance -> "larger is better"
  }
  return ann::to_results(dense.rows, k, labels, distances);
}

std::size_t FaissIndex::memory_bytes() const {
  if (!index_) return 0;
  if (bytes_cache_ == 0) {
    faiss::VectorIOWriter writer;
    faiss::write_index(index_.get(), &writer);
    bytes_cache_ = writer.data.size();
  }
  return bytes_cache_;
}

}  // namespace embeval
