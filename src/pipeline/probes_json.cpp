#include "probes_json.h"

#include <string>

namespace embeval::records {
namespace {

using json = nlohmann::json;

json family_to_json(const FamilyRobustness& f) {
  return {{"family", std::string(perturbation_family_name(f.family))},
          {"rate", f.rate},
          {"queries", f.queries},
          {"perturbed_queries", f.perturbed_queries},
          {"cosine_mean", f.cosine_mean},
          {"cosine_p5", f.cosine_p5},
          {"top10_overlap", f.top10_overlap},
          {"ndcg10_original", f.ndcg10_original},
          {"ndcg10_perturbed", f.ndcg10_perturbed},
          {"delta_ndcg10", f.delta_ndcg10},
          {"delta_ci_low", f.delta_ci_low},
          {"delta_ci_high", f.delta_ci_high},
          {"robustness_at_10", f.robustness_at_10}};
}

FamilyRobustness family_from_json(const json& j) {
  FamilyRobustness f;
  f.family = parse_perturbation_family(j.at("family").get<std::string>());
  f.rate = j.at("rate").get<double>();
  f.queries = j.at("queries").get<std::size_t>();
  f.perturbed_queries = j.at("perturbed_queries").get<std::size_t>();
  f.cosine_mean = j.at("cosine_mean").get<double>();
  f.cosine_p5 = j.at("cosine_p5").get<double>();
  f.top10_overlap = j.at("top10_overlap").get<double>();
  f.ndcg10_original = j.at("ndcg10_original").get<double>();
  f.ndcg10_perturbed = j.at("ndcg10_perturbed").get<double>();
  f.delta_ndcg10 = j.at("delta_ndcg10").get<double>();
  f.delta_ci_low = j.at("delta_ci_low").get<double>();
  f.delta_ci_high = j.at("delta_ci_high").get<double>();
  f.robustness_at_10 = j.at("robustness_at_10").get<double>();
  return f;
}

json tokens_to_json(const TokenFactors& t) {
  return {{"source", t.source},
          {"texts", t.texts},
          {"words", t.words},
          {"tokens", t.tokens},
          {"unknown_tokens", t.unknown_tokens},
          {"byte_tokens", t.byte_tokens},
          {"over_context", t.over_context},
          {"context_window", t.context_window},
          {"p50", t.p50},
          {"tokens_per_word", t.tokens_per_word()},
          {"unknown_share", t.unknown_share()},
          {"byte_share", t.byte_share()},
          {"over_context_share", t.over_context_share()}};
}

TokenFactors tokens_from_json(const json& j) {
  TokenFactors t;
  t.source = j.at("source").get<std::string>();
  t.texts = j.at("texts").get<std::size_t>();
  t.words = j.at("words").get<std::size_t>();
  t.tokens = j.at("tokens").get<std::size_t>();
  t.unknown_tokens = j.at("unknown_tokens").get<std::size_t>();
  t.byte_tokens = j.at("byte_tokens").get<std::size_t>();
  t.over_context = j.at("over_context").get<std::size_t>();
  t.context_window = j.at("context_window").get<std::size_t>();
  t.p50 = j.at("p50").get<std::size_t>();
  return t;
}

json hubness_to_json(const DocumentHubness& h) {
  json hubs = json::array();
  for (std::size_t i = 0; i < h.hubness.hubs.size(); ++i) {
    hubs.push_back({{"document", h.hub_documents.at(i)},
                    {"occurrence", h.hubness.hubs[i].second},
                    {"row", h.hubness.hubs[i].first}});
  }
  return {{"points", h.hubness.points},
          {"k", h.hubness.k},
          {"zero_vectors", h.zero_vectors},
          {"mean_occurrence", h.hubness.mean_occurrence},
          {"skewness", h.hubness.skewness},
          {"antihub_share", h.hubness.antihub_share},
          {"max_occurrence", h.hubness.max_occurrence},
          {"hubs", hubs}};
}

DocumentHubness hubness_from_json(const json& j) {
  DocumentHubness h;
  h.hubness.points = j.at("points").get<std::size_t>();
  h.hubness.k = j.at("k").get<std::size_t>();
  h.zero_vectors = j.at("zero_vectors").get<std::size_t>();
  h.hubness.mean_occurrence = j.at("mean_occurrence").get<double>();
  h.hubness.skewness = j.at("skewness").get<double>();
  h.hubness.antihub_share = j.at("antihub_share").get<double>();
  h.hubness.max_occurrence = j.at("max_occurrence").get<std::size_t>();
  for (const json& hub : j.at("hubs")) {
    h.hubness.hubs.emplace_back(hub.at("row").get<std::int64_t>(),
                                hub.at("occurrence").get<std::size_t>());
    h.hub_documents.push_back(hub.at("document").get<std::string>());
  }
  return h;
}

}  // namespace

json probes_to_json(const ModelProbes& p) {
  const ModelProbeSettings& s = p.settings;
  json kinds = json::array();
  for (const auto k : s.kinds) kinds.push_back(model_probe_name(k));
  json families = json::array();
  for (const auto f : s.families) families.push_back(std::string(perturbation_family_name(f)));
  json files = json::array();
  for (const auto& [path, fingerprint] : p.dataset_files) {
    files.push_back({{"path", path}, {"fingerprint", fingerprint}});
  }
  json robustness = json::array();
  for (const auto& f : p.robustness) robustness.push_back(family_to_json(f));
  json skipped = json::array();
  for (const auto& [probe, why] : p.skipped) skipped.push_back({{"probe", probe}, {"reason", why}});
  return {{"model", p.model},
          {"seed", s.seed},
          {"settings",
           {{"probes", kinds},
            {"families", families},
            {"rate", s.rate},
            {"sample", s.sample},
            {"sample_bytes", s.sample_bytes},
            {"k", s.k},
            {"bootstrap_samples", s.bootstrap_samples}}},
          {"dataset",
           {{"name", p.dataset_name},
            {"split", p.split},
            {"fingerprint", p.dataset_fingerprint},
            {"files", files}}},
          {"sample", {{"documents", p.sampled_documents}, {"step", p.sample_step}}},
          {"seconds", p.seconds},
          {"robustness", robustness},
          {"tokens", p.tokens ? tokens_to_json(*p.tokens) : json(nullptr)},
          {"hubness", p.hubness ? hubness_to_json(*p.hubness) : json(nullptr)},
          {"skipped", skipped}};
}

ModelProbes probes_from_json(const json& j) {
  ModelProbes p;
  p.model = j.at("model").get<std::string>();
  ModelProbeSettings& s = p.settings;
  s.seed = j.at("seed").get<std::uint64_t>();
  const json& settings = j.at("settings");
  for (const json& k : settings.at("probes")) {
    const auto kinds = parse_model_probes(k.get<std::string>());
    s.kinds.insert(s.kinds.end(), kinds.begin(), kinds.end());
  }
  s.families.clear();
  for (const json& f : settings.at("families")) {
    s.families.push_back(parse_perturbation_family(f.get<std::string>()));
  }
  s.rate = settings.at("rate").get<double>();
  s.sample = settings.at("sample").get<std::size_t>();
  s.sample_bytes = settings.at("sample_bytes").get<std::size_t>();
  s.k = settings.at("k").get<std::size_t>();
  s.bootstrap_samples = settings.at("bootstrap_samples").get<int>();
  const json& dataset = j.at("dataset");
  p.dataset_name = dataset.at("name").get<std::string>();
  p.split = dataset.at("split").get<std::string>();
  p.dataset_fingerprint = dataset.at("fingerprint").get<std::string>();
  for (const json& f : dataset.at("files")) {
    p.dataset_files.emplace_back(f.at("path").get<std::string>(),
                                 f.at("fingerprint").get<std::string>());
  }
  p.sampled_documents = j.at("sample").at("documents").get<std::size_t>();
  p.sample_step = j.at("sample").at("step").get<std::size_t>();
  p.seconds = j.at("seconds").get<double>();
  for (const json& f : j.at("robustness")) p.robustness.push_back(family_from_json(f));
  if (!j.at("tokens").is_null()) p.tokens = tokens_from_json(j.at("tokens"));
  if (!j.at("hubness").is_null()) p.hubness = hubness_from_json(j.at("hubness"));
  for (const json& k : j.at("skipped")) {
    p.skipped.emplace_back(k.at("probe").get<std::string>(), k.at("reason").get<std::string>());
  }
  return p;
}

}  // namespace embeval::records
