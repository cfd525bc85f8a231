// embeval recommend: the model to use under constraints, from eval's results (docs/recommend.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "embeval/decide/recommendation.h"
#include "embeval/util/atomic_file.h"

namespace embeval::cli {
namespace {

struct RecommendFlags {
  std::string results_dir;
  RecommendConstraints constraints;
  std::string json;
};

void run(const RecommendFlags& f) {
  const Recommendation r = recommend_folder(f.results_dir, f.constraints);
  // --json -: the JSON alone on stdout, so it can be piped.
  if (f.json == "-") {
    std::fputs(recommendation_json(r).c_str(), stdout);
    return;
  }
  std::fputs(format_recommendation(r).c_str(), stdout);
  if (!f.json.empty()) write_file_atomic(f.json, recommendation_json(r));
}

}  // namespace

void add_recommend_command(CLI::App& app) {
  auto f = std::make_shared<RecommendFlags>();
  CLI::App* cmd = app.add_subcommand(
      "recommend",
      "The best model, and the cheapest not significantly worse, under constraints (eval's "
      "results)");
  cmd->add_option("results", f->results_dir, "RESULTS_DIR: the --out folder of `embeval eval`")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--max-query-ms", f->constraints.max_query_ms,
                  "Exclude models slower than this per query (1000 / QPS)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-index-gib", f->constraints.max_index_gib,
                  "Exclude models whose index is larger (GiB)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-usd", f->constraints.max_usd,
                  "Exclude models whose corpus cost (encode + a month of storage) is higher")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--min-recall-at-100", f->constraints.min_recall_at_100,
                  "Exclude models whose mean recall@100 is lower")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--measure", f->constraints.measure,
                  "Quality measure (default: the table's nDCG@10, ndcg_cut_10)");
  cmd->add_option("--json", f->json,
                  "Also write the recommendation as JSON (-: only the JSON, on stdout)");
  cmd->callback([f] { run(*f); });
}

}  // namespace embeval::cli
