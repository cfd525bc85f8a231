#include "embeval/probe/neighbours_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "embeval/models/registry.h"

namespace embeval {
namespace {

nlohmann::ordered_json neighbour_list(const WordNeighbours& w) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (std::size_t j = 0; j < w.neighbours.size(); ++j) {
    list.push_back({{"word", w.neighbours[j]}, {"cos", w.cosines[j]}});
  }
  return list;
}

nlohmann::ordered_json hubness_json(const NeighbourReport& r) {
  nlohmann::ordered_json hubs = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.hub_words.size(); ++i) {
    hubs.push_back({{"word", r.hub_words[i]}, {"occurrence", r.hubness.hubs[i].second}});
  }
  return {{"points", r.hubness.points},
          {"k", r.hubness.k},
          {"mean_occurrence", r.hubness.mean_occurrence},
          {"skewness", r.hubness.skewness},
          {"antihub_share", r.hubness.antihub_share},
          {"max_occurrence", r.hubness.max_occurrence},
          {"hubs", hubs}};
}

std::string joined(const WordNeighbours& w, std::size_t limit) {
  std::string out;
  char cos[32];
  for (std::size_t j = 0; j < w.neighbours.size() && j < limit; ++j) {
    std::snprintf(cos, sizeof cos, " %.3f", w.cosines[j]);
    out += (j ? ", " : "") + w.neighbours[j] + cos;
  }
  return out.empty() ? "(none with cosine > 0)" : out;
}

}  // namespace

NeighbourRun run_neighbour_probe(const ModelSpec& spec, const WordList& words,
                                 const WordRelation* relation, const NeighbourProbeOptions& options,
                                 const std::optional<ModelSpec>& compare_spec,
                                 const EncoderOptions& encoder_options) {
  NeighbourProbeOptions plain = options;
  plain.transform = SpaceTransform{};
  NeighbourRun run;
  const NeighbourSpace space = model_space(spec, words.words, plain, encoder_options);
  run.report = probe_neighbours(space, words.words, relation, plain);
  run.report.model = check_model_spec(spec);
  if (options.transform.kind != SpaceTransform::Kind::kNone) {
    NeighbourReport other = probe_neighbours(space, words.words, relation, options);
    other.model = run.report.model;
    run.comparison = NeighbourComparison{options.transform.name(),
                                         neighbour_overlap(run.report, other), std::move(other)};
  } else if (compare_spec) {
    const NeighbourSpace second = model_space(*compare_spec, words.words, plain, encoder_options);
    NeighbourReport other = probe_neighbours(second, words.words, relation, plain);
    other.model = check_model_spec(*compare_spec);
    run.comparison =
        NeighbourComparison{other.model, neighbour_overlap(run.report, other), std::move(other)};
  }
  return run;
}

std::string neighbours_json(const NeighbourReport& r, const WordList& words,
                            const std::optional<NeighbourComparison>& comparison) {
  nlohmann::ordered_json polysemy = nlohmann::ordered_json::array();
  for (const WordNeighbours& w : r.polysemy) {
    polysemy.push_back({{"word", w.word}, {"neighbours", neighbour_list(w)}});
  }
  nlohmann::ordered_json per_word = nlohmann::ordered_json::array();
  for (const WordNeighbours& w : r.words) {
    nlohmann::ordered_json entry = {{"word", w.word}, {"has_vector", w.has_vector}};
    entry["related"] = w.related >= 0 ? nlohmann::ordered_json(w.related) : nullptr;
    entry["neighbours"] = neighbour_list(w);
    per_word.push_back(std::move(entry));
  }
  nlohmann::ordered_json overlap = nullptr;
  if (comparison) {
    overlap = {{"against", comparison->against},
               {"words", comparison->overlap.words},
               {"mean_jaccard", comparison->overlap.mean_jaccard}};
    if (comparison->other) {
      overlap["related_share"] = comparison->other->related_share;
      overlap["hubness_skewness"] = comparison->other->hubness.skewness;
      overlap["antihub_share"] = comparison->other->hubness.antihub_share;
    }
  }
  const nlohmann::ordered_json j = {
      {"model", r.model},
      {"k", r.k},
      {"seed", words.seed},
      {"words",
       {{"source", words.source},
        {"available", words.available},
        {"sampled", words.sampled},
        {"probed", r.words.size()},
        {"with_vector", r.words_with_vector}}},
      {"space", {{"kind", r.space}, {"candidates", r.candidates}, {"transform", r.transform}}},
      {"relation", r.relation},
      {"related_share", r.related_share},
      {"intrusion_rate", r.intrusion_rate},
      {"judged_words", r.judged_words},
      {"judged_pairs", r.judged_pairs},
      {"hubness", hubness_json(r)},
      {"polysemy", polysemy},
      {"overlap", overlap},
      {"neighbours", per_word}};
  return j.dump(2) + "\n";
}

std::string neighbours_table(const NeighbourReport& r, const WordList& words,
                             const std::optional<NeighbourComparison>& comparison,
                             std::size_t examples) {
  char line[512];
  std::string out = "neighbours of " + std::to_string(r.words.size()) + " words (" + words.source;
  if (words.sampled > 0) {
    out += ", " + std::to_string(words.sampled) + " of " + std::to_string(words.available) +
           " drawn with seed " + std::to_string(words.seed);
  }
  out += "), model " + r.model + "\n";
  std::snprintf(line, sizeof line,
                "space: %s, %zu candidates%s%s; k = %zu; %zu words have a vector\n",
                r.space.c_str(), r.candidates, r.transform.empty() ? "" : ", searched as ",
                r.transform.c_str(), r.k, r.words_with_vector);
  out += line;
  if (!r.relation.empty()) {
    std::snprintf(line, sizeof line,
                  "related share %.4f, intrusion rate %.4f (%zu words, %zu pairs judged by %s)\n",
                  r.related_share, r.intrusion_rate, r.judged_words, r.judged_pairs,
                  r.relation.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line,
                "hubness over %zu words: skewness of N_%zu %.3f, antihubs (N_k = 0) %.4f, max N_k "
                "%zu\n",
                r.hubness.points, r.hubness.k, r.hubness.skewness, r.hubness.antihub_share,
                r.hubness.max_occurrence);
  out += line;
  if (!r.hub_words.empty()) {
    out += "hubs:";
    for (std::size_t i = 0; i < r.hub_words.size(); ++i) {
      out +=
          (i ? ", " : " ") + r.hub_words[i] + " (" + std::to_string(r.hubness.hubs[i].second) + ")";
    }
    out += "\n";
  }
  if (comparison) {
    std::snprintf(line, sizeof line, "Jaccard@%zu against %s: %.4f over %zu words\n", r.k,
                  comparison->against.c_str(), comparison->overlap.mean_jaccard,
                  comparison->overlap.words);
    out += line;
    if (comparison->other && !comparison->other->relation.empty()) {
      std::snprintf(line, sizeof line,
                    "  %s: related share %.4f, hubness skewness %.3f, antihubs %.4f\n",
                    comparison->against.c_str(), comparison->other->related_share,
                    comparison->other->hubness.skewness, comparison->other->hubness.antihub_share);
      out += line;
    }
  }
  out += "polysemy:\n";
  for (const WordNeighbours& w : r.polysemy) out += "  " + w.word + ": " + joined(w, r.k) + "\n";
  if (r.polysemy.empty()) out += "  (the model has no vector for bank, python or mouse)\n";
  out += "examples:\n";
  std::size_t shown = 0;
  for (const WordNeighbours& w : r.words) {
    if (!w.has_vector || shown == examples) continue;
    ++shown;
    std::string related = w.related >= 0 ? " [" + std::to_string(w.related) + " related]" : "";
    out += "  " + w.word + related + ": " + joined(w, r.k) + "\n";
  }
  return out;
}

}  // namespace embeval
