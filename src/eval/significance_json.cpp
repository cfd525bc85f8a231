// comparison_json(): the file `embeval compare --json` writes (layout in significance.h and
// docs/compare.md). Keys keep their insertion order, so the file reads in the documented order.
#include <nlohmann/json.hpp>

#include "embeval/eval/significance.h"

namespace embeval {

std::string comparison_json(std::span<const PairComparison> tests, const CompareOptions& options) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const PairComparison& t : tests) {
    nlohmann::ordered_json row;
    row["measure"] = t.measure;
    row["a"] = t.a;
    row["b"] = t.b;
    row["n_queries"] = t.result.n_queries;
    row["mean_a"] = t.result.mean_a;
    row["mean_b"] = t.result.mean_b;
    row["diff"] = t.result.diff;
    row["p"] = t.result.p;
    row["p_adjusted"] = t.p_adjusted;
    row["ci_low"] = t.result.ci_low;
    row["ci_high"] = t.result.ci_high;
    row["wins"] = t.result.wins;
    row["ties"] = t.result.ties;
    row["losses"] = t.result.losses;
    row["significant"] = t.significant;
    list.push_back(std::move(row));
  }
  nlohmann::ordered_json settings;
  settings["test"] = significance_test_name(options.test.test);
  settings["samples"] = options.test.test == SignificanceTest::kT ? 0 : options.test.samples;
  settings["seed"] = options.test.seed;
  settings["p_rule"] =
      options.test.p_rule == PValueRule::kRanx ? "count/B (ranx)" : "(count+1)/(B+1)";
  settings["generator"] = "xoshiro256** seeded by splitmix64";
  settings["alpha"] = options.alpha;
  settings["correction"] = p_correction_name(options.correction);
  settings["complete"] = options.complete;
  nlohmann::ordered_json root;
  root["tests"] = std::move(list);
  root["settings"] = std::move(settings);
  return root.dump(1) + "\n";
}

}  // namespace embeval
