#include "embeval/gguf/gguf_bge_m3_encoder.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_model.h"

namespace embeval {
namespace {

// "w_dense,w_sparse,w_colbert": three finite numbers >= 0, not all 0, written back as parsed.
std::vector<double> parse_weights(const std::string& text) {
  std::vector<double> w;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    const std::string item = text.substr(begin, comma - begin);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v) || v < 0) {
      w.clear();
      break;
    }
    w.push_back(v);
    begin = comma + 1;
  }
  if (w.size() != 3 || w[0] + w[1] + w[2] <= 0) {
    throw InputError("weights='" + text + "' is not three numbers >= 0 with a positive sum", {}, 0,
                     "weights=w_dense,w_sparse,w_colbert, e.g. 1,1,1 or 0.4,0.2,0.4 or 1,1,0");
  }
  return w;
}

std::string canonical_weights(const std::string& text) {
  std::string out;
  for (double v : parse_weights(text)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    out += (out.empty() ? "" : ",") + std::string(buf);
  }
  return out;
}

// The outputs depend on the GGUF, both heads and the truncation, nothing else: one cache for
// every output, weighting and re-ranking of the same model.
std::string file_identity(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string(), path.string());
  std::vector<char> buf(1 << 20);
  uLong c = crc32(0, nullptr, 0);
  std::uint64_t size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    c = crc32(c, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(got));
    size += got;
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(c));
  return std::to_string(size) + "-" + hex;
}

ModelSpec canonical(const ModelSpec& spec) {
  if (spec.path.empty()) {
    throw InputError("bge-m3 needs a GGUF file: bge-m3:PATH.gguf", {}, 0,
                     "e.g. bge-m3:bge-m3-f16.gguf?output=sparse");
  }
  ModelSpec c = canonicalise(bge_m3_param_schema(), spec);
  const std::string& output = c.params.at("output");
  if (c.params.count("rerank_top") != 0 && output != "colbert") {
    throw InputError("rerank_top= re-ranks with ColBERT: it needs output=colbert", {}, 0,
                     "write bge-m3:M.gguf?output=colbert&rerank_top=100");
  }
  if (output == "combined") {
    if (c.params.count("weights") == 0) c.params["weights"] = "1,1,1";
    c.params["weights"] = canonical_weights(c.params["weights"]);
  } else if (c.params.count("weights") != 0) {
    throw InputError("weights= weighs the combined score: it needs output=combined", {}, 0,
                     "write bge-m3:M.gguf?output=combined&weights=0.4,0.2,0.4");
  }
  if (c.params.find("heads") == c.params.end()) {
    c.params["heads"] = std::filesystem::path(spec.path).parent_path().string();
    if (c.params["heads"].empty()) c.params["heads"] = ".";
  }
  return c;
}

std::filesystem::path heads_dir(const ModelSpec& canonical_spec) {
  return canonical_spec.params.at("heads");
}

}  // namespace

const ParamSchema& bge_m3_param_schema() {
  static const ParamSchema kSchema{
      "bge-m3",
      "a BGE-M3 GGUF file (XLM-R encoder; pooling is read per token)",
      {{.key = "output",
        .type = ParamType::kChoice,
        .fallback = "dense",
        .choices = {"dense", "sparse", "colbert", "combined", "all"},
        .help = "which output encode() returns (and so which index serves it); combined: the "
                "weighted score of all three; all (eval): dense, sparse, colbert and combined "
                "rows from one pass"},
       {.key = "weights",
        .type = ParamType::kText,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "output=combined: w_dense,w_sparse,w_colbert (>= 0); score = weighted sum / sum "
                "of weights; 0.4,0.2,0.4 or 1,1,0 (dense+sparse) are FlagEmbedding's variants",
        .default_help = "1,1,1 (FlagEmbedding's compute_score)"},
       {.key = "rerank_top",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "output=colbert: MaxSim re-scores the dense top N instead of every document",
        .default_help = "exact MaxSim over every document"},
       {.key = "heads",
        .type = ParamType::kText,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "folder holding sparse_linear.pt and colbert_linear.pt (FlagEmbedding's files)",
        .default_help = "the GGUF's folder"},
       {.key = "max_tokens",
        .type = ParamType::kInteger,
        .min = 3,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "longer texts are truncated, keeping the closing </s>",
        .default_help = "the training context"}}};
  return kSchema;
}

std::string check_bge_m3_spec(const ModelSpec& spec) {
  ModelSpec c = canonical(spec);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(c.path, ec)) {
    throw InputError("no such model file", c.path, 0,
                     "check the path in '" + spec.to_string() + "'");
  }
  for (const char* head : {"sparse_linear.pt", "colbert_linear.pt"}) {
    if (!std::filesystem::is_regular_file(heads_dir(c) / head, ec)) {
      throw InputError("BGE-M3's head " + std::string(head) + " is missing",
                       (heads_dir(c) / head).string(), 0,
                       "FlagEmbedding ships it beside the model; name its folder with heads=DIR");
    }
  }
  if (c.params.find("max_tokens") == c.params.end()) {
    const std::size_t trained = read_gguf_info(c.path).context_length.value_or(0);
    if (trained > 0) c.params["max_tokens"] = std::to_string(trained);
  }
  return c.to_string();
}

GgufBgeM3Encoder::GgufBgeM3Encoder(const ModelSpec& spec, int threads)
    : spec_(ModelSpec::parse(check_bge_m3_spec(spec))) {
  output_ = spec_.params.at("output");
  if (output_ == "all") {
    throw InputError("output=all is four models (dense, sparse, colbert, combined)", {}, 0,
                     "eval expands it into four rows; elsewhere pick one output");
  }
  const auto max_tokens = spec_.params.find("max_tokens");
  states_ = std::make_unique<GgufTokenStates>(
      spec_.path, max_tokens == spec_.params.end() ? 0 : std::stoul(max_tokens->second), threads);
  heads_ = std::make_unique<BgeM3Heads>(heads_dir(spec_));
  if (heads_->hidden_size() != states_->hidden_size()) {
    throw InputError("the heads take " + std::to_string(heads_->hidden_size()) +
                         " inputs but the model's hidden size is " +
                         std::to_string(states_->hidden_size()),
                     (heads_dir(spec_) / "sparse_linear.pt").string(), 0,
                     "use the heads that came with this model");
  }
}

void GgufBgeM3Encoder::use_cache(const std::filesystem::path& dir) {
  const std::string key = "bge-m3|gguf " + file_identity(spec_.path) + "|sparse_linear " +
                          file_identity(heads_dir(spec_) / "sparse_linear.pt") +
                          "|colbert_linear " +
                          file_identity(heads_dir(spec_) / "colbert_linear.pt") + "|max_tokens " +
                          std::to_string(states_->max_tokens());
  cache_ = std::make_unique<BgeM3OutputCache>(
      dir, key,
      BgeM3OutputCache::Shape{states_->hidden_size(), heads_->colbert_dimension(),
                              states_->model().vocabulary_size()});
}

GgufBgeM3Encoder::~GgufBgeM3Encoder() {
  if (!cache_) return;
  try {
    cache_->flush();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embeval: warning: bge-m3 cache not written: %s\n", e.what());
  }
  const BgeM3CacheStats& s = cache_->stats();
  std::fprintf(stderr, "bge-m3 cache: %zu texts read back, %zu encoded (%s)\n", s.hits, s.misses,
               cache_->directory().c_str());
}

ModelCard GgufBgeM3Encoder::card() const {
  ModelCard card = states_->model().card();
  card.family = output_ == "sparse"    ? "sparse"
                : output_ == "colbert" ? "multi-vector"
                : output_ == "dense"   ? "dense"
                                       : "hybrid";
  card.dimension = output_ == "sparse"    ? states_->model().vocabulary_size()
                   : output_ == "colbert" ? heads_->colbert_dimension()
                                          : states_->hidden_size();
  card.context_window_tokens = states_->max_tokens();
  if (output_ == "combined") {
    card.index = "bge_m3_combined?weights=" + spec_.params.at("weights");
  } else if (const auto top = spec_.params.find("rerank_top"); top != spec_.params.end()) {
    card.index = "max_sim_rerank?top=" + top->second;
  }
  return card;
}

std::vector<BgeM3Output> GgufBgeM3Encoder::outputs(std::span<const std::string_view> texts) {
  std::vector<BgeM3Output> out(texts.size());
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const BgeM3Output* hit = cache_ ? cache_->find(texts[i]) : nullptr;
    if (hit != nullptr) {
      out[i] = *hit;
    } else {
      missing.push_back(i);
    }
  }
  const auto special = states_->special_ids();
  // The model runs on the missing texts in pieces, each written to the cache as it finishes,
  // so an interrupted run keeps all but the piece in progress.
  constexpr std::size_t kPiece = 128;
  for (std::size_t begin = 0; begin < missing.size(); begin += kPiece) {
    const std::size_t end = std::min(missing.size(), begin + kPiece);
    std::vector<std::string_view> piece;
    for (std::size_t j = begin; j < end; ++j) piece.push_back(texts[missing[j]]);
    const std::vector<TokenStates> states = states_->run(piece);
    for (std::size_t j = begin; j < end; ++j) {
      const TokenStates& st = states[j - begin];
      BgeM3Output o;
      if (st.ids.empty()) {  // cannot happen with specials, but never index a missing row
        o.dense.assign(states_->hidden_size(), 0.0f);
        o.multi = DenseMatrix(0, heads_->colbert_dimension());
      } else {
        o = heads_->apply(st.hidden.data, st.ids, special);
      }
      out[missing[j]] = o;
      if (cache_) cache_->add(texts[missing[j]], std::move(o));
    }
    if (cache_) cache_->flush();
  }
  return out;
}

EmbeddingBatch GgufBgeM3Encoder::encode(std::span<const std::string_view> texts, Role) {
  const std::vector<BgeM3Output> outs = outputs(texts);
  const bool combined = output_ == "combined";
  const bool rerank = spec_.params.count("rerank_top") != 0;
  EmbeddingBatch batch;
  if (output_ == "dense" || combined || rerank) {
    batch.dense = DenseMatrix(texts.size(), states_->hidden_size());
  }
  if (output_ == "sparse" || combined) {
    batch.sparse = SparseMatrix{};
    batch.sparse->dim = states_->model().vocabulary_size();
  }
  if (output_ == "colbert" || combined) {
    batch.multi = MultiVectorMatrix{};
    batch.multi->vectors.cols = heads_->colbert_dimension();
  }
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const BgeM3Output& out = outs[i];
    if (batch.dense) std::copy(out.dense.begin(), out.dense.end(), batch.dense->row(i));
    if (batch.sparse) {
      std::vector<std::uint32_t> ids;
      std::vector<float> weights;
      for (const auto& [id, w] : out.sparse) {
        ids.push_back(id);
        weights.push_back(w);
      }
      batch.sparse->append_row(ids, weights);
    }
    if (batch.multi) {
      MultiVectorMatrix& m = *batch.multi;
      m.vectors.data.insert(m.vectors.data.end(), out.multi.data.begin(), out.multi.data.end());
      m.vectors.rows += out.multi.rows;
      m.offsets.push_back(m.vectors.rows);
    }
  }
  return batch;
}

std::vector<std::string> expand_bge_m3_spec(const ModelSpec& spec) {
  const auto output = spec.params.find("output");
  if (spec.scheme != "bge-m3" || output == spec.params.end() || output->second != "all") {
    return {spec.to_string()};
  }
  if (spec.params.count("weights") != 0 || spec.params.count("rerank_top") != 0) {
    throw InputError("output=all takes neither weights= nor rerank_top=", {}, 0,
                     "add a separate bge-m3 model with output=combined&weights=... or "
                     "output=colbert&rerank_top=N: it reads the same cached pass");
  }
  std::vector<std::string> specs;
  for (const char* o : {"dense", "sparse", "colbert", "combined"}) {
    ModelSpec one = spec;
    one.params["output"] = o;
    specs.push_back(one.to_string());
  }
  return specs;
}

}  // namespace embeval
