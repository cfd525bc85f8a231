#include "embeval/pipeline/model_comparisons.h"

#include <algorithm>

#include "embeval/eval/run.h"
#include "embeval/pipeline/evaluation.h"

namespace embeval {

std::vector<std::string> significance_measures(std::size_t k) {
  const std::string c10 = std::to_string(std::min<std::size_t>(10, k));
  const std::string c100 = std::to_string(std::min<std::size_t>(100, k));
  return {"ndcg_cut." + c10, "recall." + c100, "mrr_cut." + c10, "map_cut." + c100};
}

ModelComparisons compare_models(const Qrels& qrels, std::span<const ModelResult> models,
                                std::span<const std::string> measure_args,
                                const CompareOptions& options) {
  std::vector<NamedRun> runs;
  runs.reserve(models.size());
  for (const ModelResult& m : models) runs.push_back({m.label, read_run(m.run_file)});
  ModelComparisons out;
  out.options = options;
  out.tests = compare_runs(qrels, runs, measure_args, options);
  return out;
}

const PairComparison* find_comparison(const ModelComparisons& comparisons,
                                      const std::string& measure, const std::string& x,
                                      const std::string& y) {
  for (const PairComparison& t : comparisons.tests) {
    if (t.measure != measure) continue;
    if ((t.a == x && t.b == y) || (t.a == y && t.b == x)) return &t;
  }
  return nullptr;
}

std::vector<std::string> significantly_better_than(const ModelComparisons& comparisons,
                                                   const std::string& measure,
                                                   const std::string& label) {
  std::vector<std::string> out;
  for (const PairComparison& t : comparisons.tests) {
    if (t.measure != measure || !t.significant) continue;
    if (t.a == label && t.result.diff > 0) out.push_back(t.b);
    if (t.b == label && t.result.diff < 0) out.push_back(t.a);
  }
  return out;
}

}  // namespace embeval
