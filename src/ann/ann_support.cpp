#include "ann/ann_support.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/core/topk.h"

namespace embeval::ann {

long param(const ModelSpec& canonical, const std::string& key) {
  const auto it = canonical.params.find(key);
  EMBEVAL_CHECK(it != canonical.params.end(), "canonical index spec lacks " + key);
  if (it->second == "auto") return 0;
  return std::stol(it->second);
}

std::size_t resolve_nlist(const ModelSpec& canonical, std::size_t num_documents) {
  const long value = param(canonical, "nlist");
  if (value > 0) return static_cast<std::size_t>(value);
  const double guess = 4.0 * std::sqrt(static_cast<double>(num_documents));
  const std::size_t cap = std::max<std::size_t>(1, num_documents / kFaissMinPointsPerCentroid);
  return std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(guess)), 1, cap);
}

std::size_t auto_pq_m(std::size_t dim) {
  for (std::size_t m = std::max<std::size_t>(1, dim / 4); m > 1; --m) {
    if (dim % m == 0) return m;
  }
  return 1;
}

std::size_t checked_nlist(const ModelSpec& canonical, std::size_t training_rows) {
  const std::size_t nlist = resolve_nlist(canonical, training_rows);
  if (training_rows < nlist) {
    throw InputError(describe(canonical) + ": nlist=" + std::to_string(nlist) +
                         " is larger than the " + std::to_string(training_rows) +
                         " training vectors (the first batch added)",
                     {}, 0, "use nlist=auto or at most the corpus size (about 4 sqrt(n) is usual)");
  }
  return nlist;
}

void check_search_value(const ModelSpec& canonical, std::size_t value, std::size_t nlist) {
  const std::string& knob = ann_index_kind(canonical).search_parameter;
  if (knob.empty()) throw InputError(describe(canonical) + " has no search parameter to set");
  if (value == 0) throw InputError(describe(canonical) + ": " + knob + " must be at least 1");
  if (knob == "nprobe" && nlist != 0 && value > nlist) {
    throw InputError(describe(canonical) + ": nprobe=" + std::to_string(value) +
                         " exceeds nlist=" + std::to_string(nlist),
                     {}, 0, "nprobe = nlist already scans every list");
  }
}

std::string describe(const ModelSpec& canonical) { return "index '" + canonical.to_string() + "'"; }

std::vector<float> prepare(const DenseMatrix& m, Metric metric, const char* what) {
  if (const auto at = find_non_finite(m)) {
    throw InputError(
        std::string(what) + " row " + std::to_string(at->row) + " has a NaN or infinite value", {},
        0, "check the encoder's output");
  }
  if (metric != Metric::kCosine) return m.data;
  return normalized_rows(m).data;
}

const DenseMatrix& dense_part(const EmbeddingBatch& batch, std::size_t dim, const char* what) {
  if (!batch.dense) {
    throw InputError(std::string(what) + " batch has no dense embeddings", {}, 0,
                     "ANN indexes need a dense model (e.g. static:vectors.txt); sparse models get "
                     "posting statistics instead");
  }
  if (dim != 0 && batch.dense->cols != dim) {
    throw InputError(std::string(what) + " vectors have " + std::to_string(batch.dense->cols) +
                         " dimensions, the index has " + std::to_string(dim),
                     {}, 0, "encode documents and queries with the same model");
  }
  if (batch.dense->cols == 0) throw InputError(std::string(what) + " vectors have 0 dimensions");
  return *batch.dense;
}

ScopedThreads::ScopedThreads(int threads)
    : omp_before_(omp_get_max_threads()), blas_before_(openblas_get_num_threads()) {
  omp_set_num_threads(std::max(1, threads));
  openblas_set_num_threads(std::max(1, threads));
}

ScopedThreads::~ScopedThreads() {
  omp_set_num_threads(omp_before_);
  openblas_set_num_threads(blas_before_);
}

SearchResults to_results(std::size_t nq, std::size_t k, const std::vector<std::int64_t>& labels,
                         const std::vector<float>& scores) {
  SearchResults results(nq, k);
  TopK<float> top(k);
  for (std::size_t q = 0; q < nq; ++q) {
    for (std::size_t j = 0; j < k; ++j) {
      const std::int64_t id = labels[q * k + j];
      if (id >= 0) top.push(scores[q * k + j], id);
    }
    top.take_sorted(results.ids.data() + q * k, results.scores.data() + q * k);
  }
  return results;
}

}  // namespace embeval::ann
