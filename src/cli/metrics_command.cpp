#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/eval/metrics.h"
#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"

namespace embeval::cli {
namespace {

struct MetricsOptions {
  std::string qrels;
  std::string run;
  std::vector<std::string> positional;  // trec_eval order: QRELS RUN
  std::vector<std::string> measures;
  bool complete = false;
  bool per_query = false;
  int relevance_level = 1;
  int precision = 4;
};

// When no -m is given: trec_eval's "official" set restricted to what we implement (no runid,
// gm_map, bpref, iprec_at_recall), plus the measures embedding benchmarks report.
const std::vector<std::string> kDefaultMeasures = {
    "num_q",      "num_ret", "num_rel",    "num_rel_ret", "map",        "Rprec",
    "recip_rank", "P",       "recall.100", "ndcg",        "ndcg_cut.10"};

void run(MetricsOptions o) {
  if (!o.positional.empty()) {
    if (o.positional.size() != 2 || !o.qrels.empty() || !o.run.empty()) {
      throw InputError("give QRELS and RUN either as two arguments or as --qrels/--run", {}, 0,
                       "embeval metrics -m ndcg_cut.10 qrels.txt run.trec");
    }
    o.qrels = o.positional[0];
    o.run = o.positional[1];
  }
  if (o.qrels.empty() || o.run.empty()) {
    throw InputError("metrics needs a qrels file and a run file", {}, 0,
                     "embeval metrics --qrels qrels.txt --run run.trec -m ndcg_cut.10");
  }
  if (o.relevance_level < 0) throw InputError("--relevance-level must be >= 0");
  if (o.precision < 0 || o.precision > 17) throw InputError("--precision must be in 0..17");
  const MeasureSet set = parse_measures(o.measures.empty() ? kDefaultMeasures : o.measures);
  const Qrels qrels = read_qrels(o.qrels);
  const TrecRun trec_run = read_run(o.run);
  EvalOptions options;
  options.complete = o.complete;
  options.relevance_level = o.relevance_level;
  const EvalResult result = evaluate(qrels, trec_run, set, options);
  if (result.num_queries == 0) {
    throw InputError("no query is in both the run and the qrels", o.run, 0,
                     "check that the query ids of both files match");
  }
  std::fputs(format_trec_eval(result, set, o.per_query, o.precision).c_str(), stdout);
}

}  // namespace

void add_metrics_command(CLI::App& app) {
  auto o = std::make_shared<MetricsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "metrics", "trec_eval drop-in: evaluate a TREC run against qrels (TREC or BEIR TSV)");
  cmd->add_option("--qrels", o->qrels, "Qrels: TREC (qid iter docno rel) or BEIR TSV with header");
  cmd->add_option("--run", o->run, "TREC run (qid Q0 docno rank score tag)");
  cmd->add_option("files", o->positional, "QRELS RUN, as trec_eval takes them");
  cmd->add_option("-m,--measure", o->measures,
                  "Measure, repeatable: map ndcg ndcg_cut.10,100 P.5 recall.100 recip_rank "
                  "success.1 Rprec map_cut.K num_q num_ret num_rel num_rel_ret; not in "
                  "trec_eval: recall_cap.K (BEIR/MTEB capped recall), mrr_cut.K; all_embeval")
      ->allow_extra_args(false);  // `-m P.5 qrels run`: one value per -m, as in trec_eval
  cmd->add_flag("-c,--complete", o->complete,
                "Average over every judged query; queries missing from the run count as 0");
  cmd->add_flag("-q,--per-query", o->per_query, "Print each query's values before the summary");
  cmd->add_option("-l,--relevance-level", o->relevance_level,
                  "Judgments >= this are relevant (nDCG gains always use the judgment value)")
      ->capture_default_str();
  cmd->add_option("--precision", o->precision, "Decimals printed")->capture_default_str();
  cmd->callback([o] { run(*o); });
}

}  // namespace embeval::cli
