// One registry from index names (and their Milvus aliases) to indexes: the exact oracles (dense
// `exact`, sparse `inverted`, multi-vector `chunk_max`) and the FAISS-backed ANN indexes. It feeds
// `embeval ann --help` and the table in docs/ann.md (each kind's parameter schema,
// param_schema.h), and `eval` builds its index through it (index_spec_for).
//
// Index specs use the model-spec syntax (model_spec.h): `name?key=value&...`, e.g.
// `hnsw?M=32&efConstruction=200&efSearch=64`, `ivf_pq?nlist=1024&m=16&nbits=8&nprobe=8`.
// The canonical form follows param_schema.h's policy, as encoder specs do: the index by its
// canonical (lower-case) name and every parameter with its value (defaults filled in, `auto`
// kept as `auto`), so canonical_index_spec(canonical_index_spec(s).to_string()) ==
// canonical_index_spec(s). Every spec ann.json records (`exact?dim=auto`, `exact?dim=64`,
// `hnsw?...&efSearch=32`) is canonical.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/embeddings.h"
#include "embeval/core/encoder.h"
#include "embeval/core/index.h"
#include "embeval/core/metric.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"

namespace embeval {

// What an index takes per document (embeddings.h): one dense vector, sparse weights, or several
// dense chunk vectors.
enum class IndexInput { kDense, kSparse, kChunks, kTokens };

struct AnnIndexKind {
  std::string name;                  // canonical: "hnsw"
  std::vector<std::string> aliases;  // accepted too, case-insensitively: "HNSW"
  std::string summary;               // one line for --help
  std::string search_parameter;      // the knob swept at search time: "efSearch", "nprobe", ""
  ParamSchema schema;                // parameters, defaults, ranges, help (family = name)
  IndexInput input = IndexInput::kDense;
};

// Every registered index, in a stable order.
[[nodiscard]] const std::vector<AnnIndexKind>& ann_index_kinds();

// Parses an index spec, resolves aliases (case-insensitive), checks every key and value (range,
// integer syntax) and fills in defaults. InputError for an unknown name (listing the known ones),
// an unknown parameter (listing the known ones) or a bad value. Checks that need the data
// (dimension, corpus size) are check_index_for_data(), and run again when the index is built.
[[nodiscard]] ModelSpec canonical_index_spec(std::string_view text);

// The exact index for the representation `sample` (a first document batch) holds: `inverted`
// for sparse weights, `exact` for dense vectors (inner product; encoders normalise when the
// model is meant for cosine), `chunk_max` for chunk vectors. Canonical. InputError when the
// batch holds nothing indexable.
[[nodiscard]] ModelSpec index_spec_for(const EmbeddingBatch& sample);
// The same, told by the model's card whether its several vectors per text are chunks (queries
// are one vector: `chunk_max`) or token vectors for late interaction (card.family
// "multi-vector", queries are token vectors too: `max_sim`).
[[nodiscard]] ModelSpec index_spec_for(const EmbeddingBatch& sample, const ModelCard& card);

// The kind a canonical spec names (EMBEVAL_CHECK: it is registered).
[[nodiscard]] const AnnIndexKind& ann_index_kind(const ModelSpec& canonical);

// The checks of a canonical spec against the data it will index (`num_documents` vectors of
// `dim` dimensions, all added in one batch), made before anything is encoded or built:
// InputError for binary codes on a dimension that is not a multiple of 8 without pad=1, PQ
// sub-quantizers that do not divide the dimension, nlist or 2^nbits above the corpus size,
// exact?dim above the dimension, an index of sparse or chunk vectors. Returns notes on what builds
// but trains on fewer vectors than FAISS's k-means asks (39 per centroid; FAISS would print one
// warning per codebook).
[[nodiscard]] std::vector<std::string> check_index_for_data(const ModelSpec& canonical,
                                                            std::size_t dim,
                                                            std::size_t num_documents);

// For an index the user did not ask for (the default list): `canonical` changed to fit the data
// (fewer PQ bits on a small corpus, pad=1 for binary codes), or nullopt when it cannot fit.
// `note` says what changed or why the index is skipped ("" when nothing changed).
[[nodiscard]] std::optional<ModelSpec> fit_default_index_to_data(const ModelSpec& canonical,
                                                                 std::size_t dim,
                                                                 std::size_t num_documents,
                                                                 std::string& note);

// Optional capability of an index: one search-time knob trading recall for speed.
class SearchTunable {
 public:
  virtual ~SearchTunable() = default;
  [[nodiscard]] virtual std::string_view search_parameter() const = 0;  // "efSearch" | "nprobe"
  [[nodiscard]] virtual std::size_t search_parameter_value() const = 0;
  // InputError when `value` is out of range (0, or nprobe > nlist). Not thread-safe against
  // search().
  virtual void set_search_parameter(std::size_t value) = 0;
};

// Builds an empty index for `spec` (any spelling canonical_index_spec accepts) over the vectors
// its kind takes, compared with `metric` (inverted: inner product only, else InputError);
// `threads` (>= 1) OpenMP threads inside FAISS, search threads in the exact indexes. The index is
// trained on the first add() (IVF centroids, PQ codebooks, int8 ranges): pass the whole corpus
// in one batch when the index needs training.
[[nodiscard]] std::unique_ptr<Index> make_ann_index(std::string_view spec, Metric metric,
                                                    int threads = 1);

// Search-parameter values a sweep tries for `canonical` over `num_documents` documents
// (efSearch 16..512; nprobe 1..nlist in powers of two); empty for indexes with no knob.
[[nodiscard]] std::vector<std::size_t> sweep_values(const ModelSpec& canonical,
                                                    std::size_t num_documents);

}  // namespace embeval
