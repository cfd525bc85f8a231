#include "embeval/report/probes_table.h"

#include <algorithm>
#include <string>
#include <vector>

#include "report/text_table.h"

namespace embeval {
namespace {

const FamilyRobustness* find_family(const ModelProbes& p, PerturbationFamily f) {
  for (const auto& r : p.robustness) {
    if (r.family == f) return &r;
  }
  return nullptr;
}

}  // namespace

std::string format_probes_table(const EvaluationResults& results) {
  const ModelProbes* first = nullptr;
  for (const ModelResult& m : results.models) {
    if (m.probes && first == nullptr) first = &*m.probes;
  }
  if (first == nullptr) return "";
  const ModelProbeSettings& s = first->settings;
  // The families of every model's settings, in first-seen order (settings normally agree).
  std::vector<PerturbationFamily> families;
  for (const ModelResult& m : results.models) {
    if (!m.probes) continue;
    for (const auto& r : m.probes->robustness) {
      if (std::find(families.begin(), families.end(), r.family) == families.end()) {
        families.push_back(r.family);
      }
    }
  }
  std::vector<report::Column> columns = {report::left_aligned("model")};
  for (const auto f : families) {
    columns.push_back(report::right_aligned(std::string(perturbation_family_name(f)) + " dNDCG"));
  }
  if (!families.empty()) columns.push_back(report::right_aligned("min Rob@10"));
  for (const char* h : {"tok/word", "unk %", "byte %", "hub skew", "antihubs", "probe s"}) {
    columns.push_back(report::right_aligned(h));
  }
  // Skipped probes, grouped: one line per (probes, reason) naming every model it applies to.
  std::vector<std::pair<std::string, std::vector<std::string>>> skipped;  // "probes: reason"
  for (const ModelResult& m : results.models) {
    if (!m.probes) continue;
    const ModelProbes& p = *m.probes;
    std::vector<std::pair<std::string, std::string>> by_reason;  // reason -> probe names
    for (const auto& [probe, why] : p.skipped) {
      auto it = std::find_if(by_reason.begin(), by_reason.end(),
                             [&](const auto& e) { return e.first == why; });
      if (it == by_reason.end()) {
        by_reason.emplace_back(why, probe);
      } else {
        it->second += ", " + probe;
      }
    }
    for (const auto& [why, probes] : by_reason) {
      const std::string key = probes + " not run: " + why;
      auto it = std::find_if(skipped.begin(), skipped.end(),
                             [&](const auto& e) { return e.first == key; });
      if (it == skipped.end()) {
        skipped.push_back({key, {m.label}});
      } else {
        it->second.push_back(m.label);
      }
    }
    // A model none of whose probes ran (a hybrid) gets no row: the note above says why.
    if (p.robustness.empty() && !p.tokens && !p.hubness) continue;
    std::size_t c = 0;
    columns[c++].cells.push_back(m.label);
    double min_rob = 0;
    bool any = false;
    for (const auto f : families) {
      const FamilyRobustness* r = find_family(p, f);
      if (r != nullptr) {
        min_rob = any ? std::min(min_rob, r->robustness_at_10) : r->robustness_at_10;
        any = true;
      }
      columns[c++].cells.push_back(r ? report::format("%+.4f", r->delta_ndcg10) : "-");
    }
    if (!families.empty())
      columns[c++].cells.push_back(any ? report::format("%.4f", min_rob) : "-");
    const auto& t = p.tokens;
    columns[c++].cells.push_back(t ? report::format("%.3f", t->tokens_per_word()) : "-");
    columns[c++].cells.push_back(t ? report::format("%.2f", 100 * t->unknown_share()) : "-");
    columns[c++].cells.push_back(
        t && t->source == "tokenizer" ? report::format("%.2f", 100 * t->byte_share()) : "-");
    const auto& h = p.hubness;
    columns[c++].cells.push_back(h ? report::format("%.2f", h->hubness.skewness) : "-");
    columns[c++].cells.push_back(h ? report::format("%.3f", h->hubness.antihub_share) : "-");
    columns[c++].cells.push_back(report::format("%.1f", p.seconds));
  }
  std::string out = "\nProbes (eval --probes; seed " + std::to_string(s.seed) +
                    report::format(", rate %g", s.rate) + ", tokens and hubness on " +
                    std::to_string(first->sampled_documents) +
                    " sampled documents, k = " + std::to_string(s.k) + "; docs/probes.md):\n";
  out += report::render_table(columns);
  out +=
      "dNDCG: nDCG@10 of the perturbed minus the original queries (paired intervals in "
      "results.json);\nmin Rob@10: the lowest Robustness@10 over those families; tok/word, unk %, "
      "byte %: tokenizer\n(or word-vector vocabulary) on the sample; hub skew: skewness of the "
      "k-occurrence, antihubs: share never a neighbour.\n";
  for (const auto& [what, labels] : skipped) {
    std::string names;
    for (const auto& l : labels) names += (names.empty() ? "" : ", ") + l;
    out += "  " + names + ": " + what + "\n";
  }
  return out;
}

}  // namespace embeval
