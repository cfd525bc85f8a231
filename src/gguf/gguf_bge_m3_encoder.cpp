#include "embeval/gguf/gguf_bge_m3_encoder.h"

#include <filesystem>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_model.h"

namespace embeval {
namespace {

ModelSpec canonical(const ModelSpec& spec) {
  if (spec.path.empty()) {
    throw InputError("bge-m3 needs a GGUF file: bge-m3:PATH.gguf", {}, 0,
                     "e.g. bge-m3:bge-m3-f16.gguf?output=sparse");
  }
  ModelSpec c = canonicalise(bge_m3_param_schema(), spec);
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
        .choices = {"dense", "sparse", "colbert"},
        .help = "which of the three outputs encode() returns (and so which index serves it)"},
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

ModelCard GgufBgeM3Encoder::card() const {
  ModelCard card = states_->model().card();
  card.family = output_ == "sparse" ? "sparse" : output_ == "colbert" ? "multi-vector" : "dense";
  card.dimension = output_ == "sparse"    ? states_->model().vocabulary_size()
                   : output_ == "colbert" ? heads_->colbert_dimension()
                                          : states_->hidden_size();
  card.context_window_tokens = states_->max_tokens();
  return card;
}

EmbeddingBatch GgufBgeM3Encoder::encode(std::span<const std::string_view> texts, Role) {
  const std::vector<TokenStates> states = states_->run(texts);
  const auto special = states_->special_ids();
  EmbeddingBatch batch;
  if (output_ == "dense") {
    batch.dense = DenseMatrix(texts.size(), states_->hidden_size());
  } else if (output_ == "sparse") {
    batch.sparse = SparseMatrix{};
    batch.sparse->dim = states_->model().vocabulary_size();
  } else {
    batch.multi = MultiVectorMatrix{};
    batch.multi->vectors.cols = heads_->colbert_dimension();
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i].ids.empty()) {  // cannot happen with specials, but never index a missing row
      if (batch.sparse) batch.sparse->append_row({}, {});
      if (batch.multi) batch.multi->offsets.push_back(batch.multi->vectors.rows);
      continue;
    }
    const BgeM3Output out = heads_->apply(states[i].hidden.data, states[i].ids, special);
    if (batch.dense) {
      std::copy(out.dense.begin(), out.dense.end(), batch.dense->row(i));
    } else if (batch.sparse) {
      std::vector<std::uint32_t> ids;
      std::vector<float> weights;
      for (const auto& [id, w] : out.sparse) {
        ids.push_back(id);
        weights.push_back(w);
      }
      batch.sparse->append_row(ids, weights);
    } else {
      MultiVectorMatrix& m = *batch.multi;
      m.vectors.data.insert(m.vectors.data.end(), out.multi.data.begin(), out.multi.data.end());
      m.vectors.rows += out.multi.rows;
      m.offsets.push_back(m.vectors.rows);
    }
  }
  return batch;
}

}  // namespace embeval
