// parity_json: the record `embeval parity --json` writes (docs/parity.md).
#include <nlohmann/json.hpp>

#include "embeval/pipeline/parity.h"

namespace embeval {
namespace {

using nlohmann::ordered_json;

ordered_json cosine_json(const std::optional<CosineSummary>& s) {
  if (!s) return nullptr;
  ordered_json o;
  o["texts"] = s->texts;
  o["min"] = s->min;
  o["p1"] = s->p1;
  o["median"] = s->median;
  o["mean"] = s->mean;
  return o;
}

}  // namespace

std::string parity_json(const ParityResult& r) {
  ordered_json o;
  o["format"] = "embeval-parity";
  o["version"] = 1;
  o["dataset"] = r.dataset;
  o["a"] = {{"spec", r.spec_a}, {"dim", r.dim_a}};
  o["b"] = {{"spec", r.spec_b}, {"dim", r.dim_b}};
  o["documents"] = r.documents;
  o["queries"] = r.queries;
  o["cosine"] = {{"documents", cosine_json(r.document_cosine)},
                 {"queries", cosine_json(r.query_cosine)}};
  o["top_overlap"] = {{"k", r.overlap_k}, {"mean", r.overlap_mean}, {"min", r.overlap_min}};
  o["ndcg_cut_10"] = {
      {"n_queries", r.ndcg.n_queries}, {"a", r.ndcg.mean_a},      {"b", r.ndcg.mean_b},
      {"diff", r.ndcg.diff},           {"ci_low", r.ndcg.ci_low}, {"ci_high", r.ndcg.ci_high}};
  o["notes"] = r.notes;
  return o.dump(2) + "\n";
}

}  // namespace embeval
