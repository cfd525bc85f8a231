#include "embeval/ann/index_registry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "ann/ann_support.h"
#include "embeval/ann/faiss_index.h"
#include "embeval/core/error.h"
#include "embeval/index/bge_m3_indexes.h"
#include "embeval/index/chunk_max_index.h"
#include "embeval/index/inverted_index.h"
#include "embeval/index/max_sim_index.h"
#include "embeval/index/truncated_exact_index.h"

namespace embeval {
namespace {

enum class Family {
  kExact,
  kFloat,
  kBinary,
  kInverted,
  kChunkMax,
  kMaxSim,
  kBgeM3Combined,
  kMaxSimRerank
};

struct Entry {
  AnnIndexKind kind;
  Family family;
};

ParamRule nlist_rule() {
  return {.key = "nlist",
          .type = ParamType::kInteger,
          .fallback = "auto",
          .min = 1,
          .max = 1L << 24,
          .allows_auto = true,
          .help =
              "inverted lists (k-means centroids); auto = about 4 sqrt(n), at least 39 "
              "documents per list"};
}

ParamRule nprobe_rule() {
  return {.key = "nprobe",
          .type = ParamType::kInteger,
          .fallback = "8",
          .min = 1,
          .max = 1L << 24,
          .help = "lists searched per query (the knob --sweep turns)"};
}

ParamRule rescore_rule() {
  return {.key = "rescore",
          .type = ParamType::kInteger,
          .fallback = "0",
          .min = 0,
          .max = 1000,
          .help = "re-rank rescore*k Hamming candidates in float32; 0 = off"};
}

ParamRule pad_rule() {
  return {.key = "pad",
          .type = ParamType::kInteger,
          .fallback = "0",
          .min = 0,
          .max = 1,
          .help = "1: zero bits up to a multiple of 8 (a dimension that is not one needs it)"};
}

// A kind of dense index: its schema is named after it.
AnnIndexKind kind(std::string name, std::vector<std::string> aliases, std::string summary,
                  std::string search_parameter, std::vector<ParamRule> rules,
                  IndexInput input = IndexInput::kDense) {
  ParamSchema schema{name, "", std::move(rules)};
  return {std::move(name),    std::move(aliases),
          std::move(summary), std::move(search_parameter),
          std::move(schema),  input};
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
      {kind("exact", {},
            "the oracle: exact float32 search (OpenBLAS SGEMM + top-k); dim=N searches the first "
            "N dimensions, renormalised (truncation)",
            "",
            {{.key = "dim",
              .type = ParamType::kInteger,
              .fallback = "auto",
              .min = 1,
              .max = 1L << 20,
              .allows_auto = true,
              .help = "search the first N dimensions, renormalised; auto = every dimension"}}),
       Family::kExact},
      {kind("flat", {"FLAT"}, "exact search inside FAISS, float32 (IndexFlat)", "", {}),
       Family::kFloat},
      {kind("flat_f16", {}, "exact search over float16 codes (IndexScalarQuantizer fp16)", "", {}),
       Family::kFloat},
      {kind("flat_int8", {},
            "exact search over int8 scalar codes, per-dimension ranges trained on the corpus", "",
            {}),
       Family::kFloat},
      {kind("hnsw", {"HNSW"}, "HNSW graph over float32 vectors (IndexHNSWFlat)", "efSearch",
            {{.key = "M",
              .type = ParamType::kInteger,
              .fallback = "32",
              .min = 2,
              .max = 512,
              .help = "graph degree: links per node"},
             {.key = "efConstruction",
              .type = ParamType::kInteger,
              .fallback = "200",
              .min = 1,
              .max = 1 << 16,
              .help = "candidate list while building"},
             {.key = "efSearch",
              .type = ParamType::kInteger,
              .fallback = "64",
              .min = 1,
              .max = 1 << 16,
              .help = "candidate list while searching (the knob --sweep turns)"}}),
       Family::kFloat},
      {kind("ivf_flat", {"IVF_FLAT"}, "inverted lists of float32 vectors (IndexIVFFlat)", "nprobe",
            {nlist_rule(), nprobe_rule()}),
       Family::kFloat},
      {kind("ivf_sq8", {"IVF_SQ8"}, "inverted lists of int8 scalar codes (IndexIVFScalarQuantizer)",
            "nprobe", {nlist_rule(), nprobe_rule()}),
       Family::kFloat},
      {kind("ivf_pq", {"IVF_PQ"}, "inverted lists of product-quantized codes (IndexIVFPQ)",
            "nprobe",
            {nlist_rule(),
             {.key = "m",
              .type = ParamType::kInteger,
              .fallback = "auto",
              .min = 1,
              .max = 1 << 16,
              .allows_auto = true,
              .help = "sub-quantizers; must divide the dimension; auto = d/4 or less"},
             {.key = "nbits",
              .type = ParamType::kInteger,
              .fallback = "8",
              .min = 1,
              .max = 12,
              .help = "bits per sub-quantizer code (2^nbits centroids each)"},
             nprobe_rule()}),
       Family::kFloat},
      {kind("binary", {"BIN_FLAT"},
            "sign-binarised vectors, Hamming distance (IndexBinaryFlat); rescore=R re-ranks R*k "
            "candidates in float32",
            "", {rescore_rule(), pad_rule()}),
       Family::kBinary},
      {kind("binary_ivf", {"BIN_IVF_FLAT"},
            "inverted lists of sign-binarised vectors (IndexBinaryIVF); rescore as binary",
            "nprobe", {nlist_rule(), nprobe_rule(), rescore_rule(), pad_rule()}),
       Family::kBinary},
      {kind("inverted", {},
            "exact search over sparse vectors (BM25): posting lists, inner product; what `eval` "
            "uses for sparse models",
            "",
            {{.key = "strategy",
              .type = ParamType::kChoice,
              .fallback = "maxscore",
              .choices = {"maxscore", "exhaustive"},
              .help = "maxscore skips documents that cannot enter the top k (same results); "
                      "exhaustive scores every posting"}},
            IndexInput::kSparse),
       Family::kInverted},
      {kind("chunk_max", {},
            "exact search over documents of several chunk vectors: a document scores its best "
            "chunk (gguf window=N&chunk_agg=max); what `eval` uses for them",
            "", {}, IndexInput::kChunks),
       Family::kChunkMax},
      {kind("max_sim", {},
            "exact late interaction: queries and documents are token vectors, a document scores "
            "the mean over query tokens of their best match (ColBERT, bge-m3 output=colbert)",
            "", {}, IndexInput::kTokens),
       Family::kMaxSim},
      {kind("bge_m3_combined", {},
            "BGE-M3's combined score, exact over every document: (wd dense + ws sparse + wc "
            "MaxSim) / (wd + ws + wc) (FlagEmbedding's compute_score; bge-m3 output=combined)",
            "",
            {{.key = "weights",
              .type = ParamType::kText,
              .fallback = "1,1,1",
              .help = "w_dense,w_sparse,w_colbert (>= 0, positive sum)"}},
            IndexInput::kTokens),
       Family::kBgeM3Combined},
      {kind("max_sim_rerank", {},
            "ColBERT as a re-ranker: the dense top N re-scored by MaxSim (bge-m3 "
            "output=colbert&rerank_top=N); at most N hits per query",
            "",
            {{.key = "top",
              .type = ParamType::kInteger,
              .fallback = "100",
              .min = 1,
              .max = 1L << 24,
              .help = "dense candidates re-scored per query"}},
            IndexInput::kTokens),
       Family::kMaxSimRerank},
  };
  return kEntries;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const Entry* find_entry(std::string_view name) {
  for (const auto& e : entries()) {
    if (iequals(e.kind.name, name)) return &e;
    for (const auto& alias : e.kind.aliases) {
      if (iequals(alias, name)) return &e;
    }
  }
  return nullptr;
}

std::string known_names() {
  std::string out;
  for (const auto& e : entries()) {
    out += (out.empty() ? "" : ", ") + e.kind.name;
    for (const auto& alias : e.kind.aliases) out += " (" + alias + ")";
  }
  return out;
}

}  // namespace

const std::vector<AnnIndexKind>& ann_index_kinds() {
  static const std::vector<AnnIndexKind> kKinds = [] {
    std::vector<AnnIndexKind> kinds;
    for (const auto& e : entries()) kinds.push_back(e.kind);
    return kinds;
  }();
  return kKinds;
}

ModelSpec canonical_index_spec(std::string_view text) {
  const ModelSpec parsed = ModelSpec::parse(text);
  const Entry* entry = find_entry(parsed.scheme);
  if (entry == nullptr) {
    throw InputError("unknown index '" + parsed.scheme + "' in '" + std::string(text) + "'", {}, 0,
                     "known indexes: " + known_names());
  }
  if (!parsed.path.empty()) {
    throw InputError("index spec '" + std::string(text) + "' has a ':' path; indexes take none", {},
                     0, "write e.g. hnsw?M=32");
  }
  ModelSpec named = parsed;
  named.scheme = entry->kind.name;
  return canonicalise(entry->kind.schema, named);
}

ModelSpec index_spec_for(const EmbeddingBatch& sample) {
  if (sample.sparse) return canonical_index_spec("inverted");
  if (sample.dense) return canonical_index_spec("exact");
  if (sample.multi) return canonical_index_spec("chunk_max");
  throw InputError("the model produced no sparse, dense or chunk embeddings to index");
}

ModelSpec index_spec_for(const EmbeddingBatch& sample, const ModelCard& card) {
  if (!card.index.empty()) return canonical_index_spec(card.index);
  if (sample.multi && card.family == "multi-vector") return canonical_index_spec("max_sim");
  return index_spec_for(sample);
}

const AnnIndexKind& ann_index_kind(const ModelSpec& canonical) {
  const Entry* entry = find_entry(canonical.scheme);
  EMBEVAL_CHECK(entry != nullptr, "not a canonical index spec: " + canonical.to_string());
  return entry->kind;
}

std::unique_ptr<Index> make_ann_index(std::string_view spec, Metric metric, int threads) {
  ModelSpec canonical = canonical_index_spec(spec);
  const Family family = find_entry(canonical.scheme)->family;
  if (family == Family::kExact) {
    return std::make_unique<TruncatedExactIndex>(
        static_cast<std::size_t>(ann::param(canonical, "dim")), metric, threads);
  }
  if (family == Family::kBinary) {
    return std::make_unique<BinaryIndex>(std::move(canonical), metric, threads);
  }
  if (family == Family::kInverted) {
    if (metric != Metric::kInnerProduct) {
      throw InputError("index '" + canonical.to_string() + "' scores by inner product only", {}, 0,
                       "sparse weights (BM25) are compared by inner product");
    }
    const bool exhaustive = canonical.params.at("strategy") == "exhaustive";
    return std::make_unique<InvertedIndex>(
        exhaustive ? InvertedIndex::Strategy::kExhaustive : InvertedIndex::Strategy::kMaxScore,
        threads);
  }
  if (family == Family::kChunkMax) return std::make_unique<ChunkMaxIndex>(metric, threads);
  if (family == Family::kMaxSim) {
    if (metric != Metric::kInnerProduct) {
      throw InputError("index 'max_sim' scores by inner product only", {}, 0,
                       "late-interaction token vectors are normalised: inner product is cosine");
    }
    return std::make_unique<MaxSimIndex>(threads);
  }
  if (family == Family::kBgeM3Combined || family == Family::kMaxSimRerank) {
    if (metric != Metric::kInnerProduct) {
      throw InputError("index '" + canonical.to_string() + "' scores by inner product only");
    }
    if (family == Family::kMaxSimRerank) {
      return std::make_unique<MaxSimRerankIndex>(
          static_cast<std::size_t>(ann::param(canonical, "top")), threads);
    }
    std::array<double, 3> w{};
    const std::string& text = canonical.params.at("weights");
    std::size_t n = 0;
    const char* p = text.c_str();
    for (; n < 3 && *p != 0; ++n) {
      char* end = nullptr;
      w[n] = std::strtod(p, &end);
      if (end == p || !std::isfinite(w[n]) || w[n] < 0) break;
      p = *end == ',' ? end + 1 : end;
      if (*end != ',' && *end != 0) break;
    }
    if (n != 3 || *p != 0 || w[0] + w[1] + w[2] <= 0) {
      throw InputError("bge_m3_combined: weights='" + text + "' is not three numbers >= 0", {}, 0,
                       "weights=w_dense,w_sparse,w_colbert, e.g. 1,1,1");
    }
    return std::make_unique<CombinedScoreIndex>(w, threads);
  }
  return std::make_unique<FaissIndex>(std::move(canonical), metric, threads);
}

std::vector<std::size_t> sweep_values(const ModelSpec& canonical, std::size_t num_documents) {
  const std::string& knob = ann_index_kind(canonical).search_parameter;
  std::vector<std::size_t> values;
  if (knob == "efSearch") {
    for (std::size_t v = 16; v <= 512; v *= 2) values.push_back(v);
  } else if (knob == "nprobe") {
    const std::size_t nlist = ann::resolve_nlist(canonical, num_documents);
    for (std::size_t v = 1; v < nlist && v <= 256; v *= 2) values.push_back(v);
    if (nlist <= 256) values.push_back(nlist);  // nprobe = nlist: every list, exact over codes
  }
  return values;
}

}  // namespace embeval

namespace embeval {
namespace {

std::size_t pq_m(const ModelSpec& canonical, std::size_t dim) {
  const long m = ann::param(canonical, "m");
  return m == 0 ? ann::auto_pq_m(dim) : static_cast<std::size_t>(m);
}

}  // namespace

std::vector<std::string> check_index_for_data(const ModelSpec& canonical, std::size_t dim,
                                              std::size_t num_documents) {
  std::vector<std::string> notes;
  const std::string& kind = canonical.scheme;
  const std::string name = ann::describe(canonical);
  const IndexInput input = ann_index_kind(canonical).input;
  if (input != IndexInput::kDense) {
    throw InputError(name + " indexes " +
                         (input == IndexInput::kSparse   ? "sparse vectors"
                          : input == IndexInput::kChunks ? "chunk vectors"
                                                         : "token vectors") +
                         ", not one dense vector per document",
                     {}, 0,
                     "`ann` measures dense indexes (sparse models get posting statistics); "
                     "inverted and chunk_max serve `eval`");
  }
  if (kind == "exact") {
    const long dims = ann::param(canonical, "dim");
    if (dims > 0 && static_cast<std::size_t>(dims) > dim) {
      throw InputError(name + ": dim=" + std::to_string(dims) + " exceeds the model's " +
                           std::to_string(dim) + " dimensions",
                       {}, 0, "pick dim between 1 and " + std::to_string(dim));
    }
  }
  if (kind == "binary" || kind == "binary_ivf") {
    if (dim % 8 != 0 && ann::param(canonical, "pad") == 0) {
      throw InputError(name +
                           ": binary codes need a dimension that is a multiple of 8, the model "
                           "has " +
                           std::to_string(dim),
                       {}, 0,
                       "add pad=1 (zero bits up to the next multiple of 8) or use flat_int8");
    }
  }
  if (canonical.params.count("nlist") != 0) {
    const std::size_t nlist = ann::resolve_nlist(canonical, num_documents);
    if (num_documents < nlist) {
      throw InputError(name + ": nlist=" + std::to_string(nlist) + " is larger than the " +
                           std::to_string(num_documents) + " documents it is trained on",
                       {}, 0,
                       "use nlist=auto or at most the corpus size (about 4 sqrt(n) is usual)");
    }
    if (nlist > 1 && num_documents < nlist * ann::kFaissMinPointsPerCentroid) {
      notes.push_back(name + ": " + std::to_string(nlist) + " lists trained on " +
                      std::to_string(num_documents) + " documents, fewer than the " +
                      std::to_string(ann::kFaissMinPointsPerCentroid) +
                      " per list FAISS advises: centroids may be poor");
    }
  }
  if (kind == "ivf_pq") {
    const std::size_t m = pq_m(canonical, dim);
    if (dim % m != 0) {
      throw InputError(name + ": m=" + std::to_string(m) +
                           " sub-quantizers do not divide the dimension " + std::to_string(dim),
                       {}, 0,
                       "pick m among the divisors of " + std::to_string(dim) + ", or m=auto");
    }
    const std::size_t centroids = std::size_t{1} << ann::param(canonical, "nbits");
    if (num_documents < centroids) {
      throw InputError(name + ": nbits=" + std::to_string(ann::param(canonical, "nbits")) +
                           " needs at least " + std::to_string(centroids) +
                           " training vectors per sub-quantizer, the corpus has " +
                           std::to_string(num_documents),
                       {}, 0, "lower nbits or add more documents");
    }
    if (num_documents < centroids * ann::kFaissMinPointsPerCentroid) {
      notes.push_back(name + ": " + std::to_string(m) + " codebooks of " +
                      std::to_string(centroids) + " centroids trained on " +
                      std::to_string(num_documents) + " vectors, fewer than the " +
                      std::to_string(centroids * ann::kFaissMinPointsPerCentroid) +
                      " (39 per centroid) FAISS advises: codes may be coarse");
    }
  }
  return notes;
}

std::optional<ModelSpec> fit_default_index_to_data(const ModelSpec& canonical, std::size_t dim,
                                                   std::size_t num_documents, std::string& note) {
  ModelSpec adapted = canonical;
  note.clear();
  if (adapted.scheme == "ivf_pq") {
    const long nbits = ann::param(adapted, "nbits");
    long fitting = 0;  // the most bits whose 2^bits centroids the corpus can train
    while (fitting < nbits && (std::size_t{1} << (fitting + 1)) <= num_documents) ++fitting;
    if (fitting == 0) {
      note = ann::describe(canonical) + " skipped: " + std::to_string(num_documents) +
             " documents are too few to train product-quantizer codebooks";
      return std::nullopt;
    }
    if (fitting < nbits) {
      adapted.params["nbits"] = std::to_string(fitting);
      note = ann::describe(canonical) + ": nbits lowered to " + std::to_string(fitting) + " (" +
             std::to_string(std::size_t{1} << nbits) +
             " centroids need as many training "
             "vectors, the corpus has " +
             std::to_string(num_documents) + ")";
    }
  }
  if ((adapted.scheme == "binary" || adapted.scheme == "binary_ivf") && dim % 8 != 0 &&
      ann::param(adapted, "pad") == 0) {
    adapted.params.insert_or_assign("pad", std::to_string(1));  // not = "1": GCC 12 -Wrestrict
  }
  try {
    (void)check_index_for_data(adapted, dim, num_documents);
  } catch (const InputError& e) {
    note = ann::describe(canonical) + " skipped: " + e.what();
    return std::nullopt;
  }
  return adapted;
}

}  // namespace embeval
