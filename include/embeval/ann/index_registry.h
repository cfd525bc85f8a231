// One registry from ANN index names (and their Milvus aliases) to FAISS-backed indexes. It feeds
// `embeval ann --help` and docs/ann.md.
//
// Index specs use the model-spec syntax (model_spec.h): `name?key=value&...`, e.g.
// `hnsw?M=32&efConstruction=200&efSearch=64`, `ivf_pq?nlist=1024&m=16&nbits=8&nprobe=8`.
// The canonical form names the index by its canonical (lower-case) name and lists every
// parameter with its value (defaults filled in, `auto` kept as `auto`), so
// canonical_index_spec(canonical_index_spec(s).to_string()) == canonical_index_spec(s).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/index.h"
#include "embeval/core/metric.h"
#include "embeval/core/model_spec.h"

namespace embeval {

struct AnnIndexKind {
  std::string name;                  // canonical: "hnsw"
  std::vector<std::string> aliases;  // accepted too, case-insensitively: "HNSW"
  std::string summary;               // one line for --help
  std::string parameters;            // "M=32 efConstruction=200 efSearch=64"
  std::string search_parameter;      // the knob swept at search time: "efSearch", "nprobe", ""
};

// Every registered index, in a stable order.
[[nodiscard]] const std::vector<AnnIndexKind>& ann_index_kinds();

// Parses an index spec, resolves aliases (case-insensitive), checks every key and value (range,
// integer syntax) and fills in defaults. InputError for an unknown name (listing the known ones),
// an unknown parameter (listing the known ones) or a bad value. Checks that need the data
// (dimension, corpus size) are check_index_for_data(), and run again when the index is built.
[[nodiscard]] ModelSpec canonical_index_spec(std::string_view text);

// The kind a canonical spec names (EMBEVAL_CHECK: it is registered).
[[nodiscard]] const AnnIndexKind& ann_index_kind(const ModelSpec& canonical);

// The checks of a canonical spec against the data it will index (`num_documents` vectors of
// `dim` dimensions, all added in one batch), made before anything is encoded or built:
// InputError for binary codes on a dimension that is not a multiple of 8 without pad=1, PQ
// sub-quantizers that do not divide the dimension, nlist or 2^nbits above the corpus size,
// exact?dim above the dimension. Returns notes on what builds but trains on fewer vectors than
// FAISS's k-means asks (39 per centroid; FAISS would print one warning per codebook).
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

// Builds an empty index for `spec` (any spelling canonical_index_spec accepts) over dense
// vectors compared with `metric`; `threads` OpenMP threads (>= 1) inside FAISS. The index is
// trained on the first add() (IVF centroids, PQ codebooks, int8 ranges): pass the whole corpus
// in one batch when the index needs training.
[[nodiscard]] std::unique_ptr<Index> make_ann_index(std::string_view spec, Metric metric,
                                                    int threads = 1);

// Search-parameter values a sweep tries for `canonical` over `num_documents` documents
// (efSearch 16..512; nprobe 1..nlist in powers of two); empty for indexes with no knob.
[[nodiscard]] std::vector<std::size_t> sweep_values(const ModelSpec& canonical,
                                                    std::size_t num_documents);

}  // namespace embeval
