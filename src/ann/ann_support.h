// Helpers shared by the FAISS-backed indexes (src/ann/): parameter access on canonical specs,
// input preparation, thread control, and turning FAISS output into SearchResults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "embeval/ann/index_registry.h"
#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"
#include "embeval/core/metric.h"
#include "embeval/core/model_spec.h"

namespace embeval::ann {

// Integer parameter of a canonical spec; `auto` reads as 0.
[[nodiscard]] long param(const ModelSpec& canonical, const std::string& key);

// nlist for `num_documents`: the spec's value, or for `auto` about 4 sqrt(n), capped so that
// each list gets at least 39 training vectors (FAISS's own warning threshold), at least 1.
[[nodiscard]] std::size_t resolve_nlist(const ModelSpec& canonical, std::size_t num_documents);

// PQ sub-quantizers for m=auto: the largest divisor of `dim` that is at most dim / 4 (>= 1).
[[nodiscard]] std::size_t auto_pq_m(std::size_t dim);

// FAISS's k-means asks for this many training vectors per centroid and prints a warning to
// stderr below it; we check the count ourselves (check_index_for_data) and say it once.
constexpr std::size_t kFaissMinPointsPerCentroid = 39;

// resolve_nlist, or InputError when the first batch (the training set) has fewer vectors.
[[nodiscard]] std::size_t checked_nlist(const ModelSpec& canonical, std::size_t training_rows);

// InputError unless `value` may be set as the index's search parameter: the index has one,
// value >= 1, and for nprobe value <= nlist (nlist 0: not known yet).
void check_search_value(const ModelSpec& canonical, std::size_t value, std::size_t nlist);

// "index '<spec>'", the start of every message about an index.
[[nodiscard]] std::string describe(const ModelSpec& canonical);

// A float32 copy of `m` ready for FAISS: normalised rows for kCosine (zero rows stay zero).
// InputError naming `what` ("document" / "query") and the row when a value is NaN or infinite.
[[nodiscard]] std::vector<float> prepare(const DenseMatrix& m, Metric metric, const char* what);

// The dense part of `batch`, or InputError when missing / of the wrong dimension (`dim` 0 = any).
[[nodiscard]] const DenseMatrix& dense_part(const EmbeddingBatch& batch, std::size_t dim,
                                            const char* what);

// Sets the OpenMP and OpenBLAS thread counts for its lifetime, restoring them afterwards.
class ScopedThreads {
 public:
  explicit ScopedThreads(int threads);
  ~ScopedThreads();
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int omp_before_;
  int blas_before_;
};

// Rows of FAISS output (`labels` and `scores`, nq x k, scores already "larger is better") into
// the Index contract: valid hits first, equal scores by smaller id, -1 / -inf padding.
[[nodiscard]] SearchResults to_results(std::size_t nq, std::size_t k,
                                       const std::vector<std::int64_t>& labels,
                                       const std::vector<float>& scores);

}  // namespace embeval::ann
