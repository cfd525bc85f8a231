// `embeval recommend`: which model to use, from an evaluation's results (docs/recommend.md).
// Constraints exclude models (query latency, index size, cost, recall@100), each exclusion with
// its reason; among the models left, the best is the one with the highest mean of the measure,
// and the recommended one is the cheapest model not significantly worse than the best on that
// measure, by the paired tests eval recorded (results.json "comparisons", Holm-corrected over
// their family). Every other model gets the reason it was not chosen.
//
// Pure functions of an EvaluationResults (recommend_folder() reads the file): thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "embeval/pipeline/evaluation.h"

namespace embeval {

struct RecommendConstraints {
  std::optional<double> max_query_ms;       // 1000 / queries_per_s (encode the query and search)
  std::optional<double> max_index_gib;      // index_bytes / 2^30
  std::optional<double> max_usd;            // cost.corpus.total_usd (encode the corpus + a month)
  std::optional<double> min_recall_at_100;  // mean recall_100 (recall_k when k < 100)
  std::string measure;  // trec_eval name ("ndcg_cut_10" or "ndcg_cut.10"); "": the headline
  // Languages every recommended model must cover (--languages de,ja), compared case-blind with
  // what each model's card declares. A model whose languages nobody stated is excluded too: an
  // unknown is not a yes.
  std::vector<std::string> languages;
  // label -> the languages its model card declares (--model-languages LABEL=en,de). results.json
  // has no language field: encoders cannot tell, so the user states it from the card.
  std::map<std::string, std::vector<std::string>> model_languages;
};

struct ModelVerdict {
  std::string label;
  double quality = 0;   // mean of the measure
  double query_ms = 0;  // 0 when queries_per_s is 0 (not measured)
  double index_gib = 0;
  std::optional<double> usd;  // cost.corpus.total_usd
  std::optional<double> recall_at_100;
  std::vector<std::string>
      languages;  // as RecommendConstraints::model_languages states; [] unknown
  bool meets_constraints = true;
  // Why it is not the recommendation: failed constraints, or how it compares with the best.
  // Empty for the recommended model.
  std::vector<std::string> reasons;
};

struct Recommendation {
  RecommendConstraints constraints;        // as asked
  std::string measure;                     // trec_eval output name used
  std::vector<ModelVerdict> models;        // results order
  std::optional<std::size_t> best;         // index into models: highest mean among those allowed
  std::optional<std::size_t> recommended;  // cheapest not significantly worse than the best
  // How "cheapest" was ranked: "cost" (corpus total USD; models without one after those with),
  // or "query latency" when no allowed model has a cost figure.
  std::string cheapest_by;
  bool tested = false;             // results.json has paired tests on the measure
  std::vector<std::string> notes;  // e.g. no comparisons on the measure
};

// InputError: a measure no model reports; --model-languages naming a label not in the results.
[[nodiscard]] Recommendation recommend(const EvaluationResults& results,
                                       const RecommendConstraints& constraints);

// read_results_json(DIR/results.json), then recommend().
[[nodiscard]] Recommendation recommend_folder(const std::filesystem::path& results_dir,
                                              const RecommendConstraints& constraints);

// The text `embeval recommend` prints: best, recommended, then one line per other model.
[[nodiscard]] std::string format_recommendation(const Recommendation& r);
// The one line under eval's table.
[[nodiscard]] std::string format_recommendation_line(const Recommendation& r);
// {"constraints": {"max_query_ms", ... null when not set, "languages": [...]}, "measure",
// "cheapest_by", "best", "recommended", "notes", "models": [{"label", "quality",
//  "query_ms", "index_gib", "usd", "recall_at_100", "languages", "meets_constraints",
//  "reasons"}]}
[[nodiscard]] std::string recommendation_json(const Recommendation& r);

}  // namespace embeval
