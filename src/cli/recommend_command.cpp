// embeval recommend: the model to use under constraints, from eval's results (docs/recommend.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/decide/recommendation.h"
#include "embeval/util/atomic_file.h"

namespace embeval::cli {
namespace {

struct RecommendFlags {
  std::string results_dir;
  RecommendConstraints constraints;
  std::vector<std::string> model_languages;  // LABEL=en,de
  std::string json;
};

// "LABEL=en,de" -> constraints.model_languages[LABEL] = {en, de}; the label may hold '='.
void add_model_languages(const std::vector<std::string>& flags, RecommendConstraints& c) {
  for (const std::string& flag : flags) {
    const std::size_t eq = flag.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
      throw InputError("--model-languages wants LABEL=LANG[,LANG...], got '" + flag + "'", {}, 0,
                       "--model-languages bm25=en --model-languages 'gguf-bge-m3=en,de,ja'");
    }
    std::vector<std::string>& langs = c.model_languages[flag.substr(0, eq)];
    std::size_t start = eq + 1;
    while (start <= flag.size()) {
      const std::size_t comma = std::min(flag.find(',', start), flag.size());
      if (comma > start) langs.push_back(flag.substr(start, comma - start));
      start = comma + 1;
    }
  }
}

void run(RecommendFlags f) {
  add_model_languages(f.model_languages, f.constraints);
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
  cmd->add_option("--languages", f->constraints.languages,
                  "Exclude models whose card does not declare all these languages (en,de,ja; "
                  "stated with --model-languages)")
      ->delimiter(',');
  cmd->add_option("--model-languages", f->model_languages,
                  "LABEL=LANG[,LANG...]: the languages a model's card declares (repeatable); a "
                  "model without one is excluded by --languages");
  cmd->add_option("--measure", f->constraints.measure,
                  "Quality measure (default: the table's nDCG@10, ndcg_cut_10)");
  cmd->add_option("--json", f->json,
                  "Also write the recommendation as JSON (-: only the JSON, on stdout)");
  cmd->callback([f] { run(*f); });
}

}  // namespace embeval::cli
