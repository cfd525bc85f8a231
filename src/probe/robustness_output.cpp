// robustness_json and robustness_table: what the robustness probe prints and writes, apart from
// the measuring in robustness.cpp.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "embeval/probe/robustness.h"

namespace embeval {
namespace {

// One line of an example, with control characters shown so that white space edits are visible.
std::string visible(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string robustness_json(const RobustnessReport& report) {
  const RobustnessProvenance& p = report.provenance;
  nlohmann::ordered_json files = nlohmann::ordered_json::object();
  for (const auto& [name, fingerprint] : p.files) files[name] = fingerprint;
  nlohmann::ordered_json j;
  j["model"] = p.model;
  j["seed"] = p.seed;
  j["rate"] = p.rate;
  j["dataset"] = {{"name", p.dataset_name}, {"path", p.dataset_path},
                  {"split", p.split},       {"documents", p.documents},
                  {"queries", p.queries},   {"judgments", p.judgments},
                  {"files", files}};
  if (!p.wordnet.empty()) j["wordnet"] = p.wordnet;
  nlohmann::ordered_json families = nlohmann::ordered_json::array();
  for (const auto& f : report.families) {
    families.push_back({{"family", std::string(perturbation_family_name(f.family))},
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
                        {"robustness_at_10", f.robustness_at_10}});
  }
  j["families"] = families;
  return j.dump(2) + "\n";
}

std::string robustness_table(const RobustnessReport& report) {
  const RobustnessProvenance& p = report.provenance;
  char line[512];
  std::snprintf(line, sizeof line,
                "robustness of %s on %s (%zu documents, %zu queries), rate %g, seed %llu\n",
                p.model.c_str(), p.dataset_name.c_str(), p.documents, p.queries, p.rate,
                static_cast<unsigned long long>(p.seed));
  std::string out = line;
  out +=
      "family       perturbed  cos mean  cos p5  top10 ovl  nDCG@10 orig  nDCG@10 pert   delta "
      "nDCG@10 (95% CI)  Rob@10\n";
  out +=
      "-----------  ---------  --------  ------  ---------  ------------  ------------  "
      "-----------------------------  ------\n";
  for (const auto& f : report.families) {
    char ci[96];
    std::snprintf(ci, sizeof ci, "%+.4f (%+.4f, %+.4f)", f.delta_ndcg10, f.delta_ci_low,
                  f.delta_ci_high);
    std::snprintf(line, sizeof line,
                  "%-11s  %9zu  %8.4f  %6.4f  %9.4f  %12.4f  %12.4f  %29s  %6.4f\n",
                  std::string(perturbation_family_name(f.family)).c_str(), f.perturbed_queries,
                  f.cosine_mean, f.cosine_p5, f.top10_overlap, f.ndcg10_original,
                  f.ndcg10_perturbed, ci, f.robustness_at_10);
    out += line;
  }
  out +=
      "perturbed: queries whose text changed; cos: original vs perturbed query vector; top10 ovl: "
      "shared top-10 hits; Rob@10: mean of min(nDCG@10 original, perturbed) (docs/probes.md)\n";
  for (const auto& f : report.families) {
    if (f.perturbed_queries == 0) continue;
    out += "  " + std::string(perturbation_family_name(f.family)) + ": " +
           visible(f.example.first) + " -> " + visible(f.example.second) + "\n";
  }
  return out;
}

}  // namespace embeval
