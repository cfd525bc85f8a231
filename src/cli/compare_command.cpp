// embeval compare: paired significance between TREC runs on the same qrels (docs/compare.md).
// Parses, calls compare_runs(), prints the table, writes --json atomically.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/error.h"
#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"
#include "embeval/eval/significance.h"
#include "embeval/report/comparison_table.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct CompareFlags {
  std::string qrels;
  std::vector<std::string> measures;
  std::string test = "t";
  int samples = 10000;
  std::uint64_t seed = 42;
  double alpha = 0.05;
  std::string correction = "holm";
  bool complete = false;
  bool ranx_p = false;
  std::string json;
  std::vector<std::string> runs;
  ThreadsFlag threads;
};

void run(const CompareFlags& f) {
  CompareOptions options;
  options.test.test = parse_significance_test(f.test);
  options.test.samples = f.samples;
  options.test.seed = f.seed;
  options.test.p_rule = f.ranx_p ? PValueRule::kRanx : PValueRule::kPlusOne;
  options.correction = parse_p_correction(f.correction);
  options.alpha = f.alpha;
  options.complete = f.complete;
  options.threads = f.threads.threads;
  if (options.test.test != SignificanceTest::kT && f.samples < 1) {
    throw InputError("--samples must be at least 1", {}, 0, "e.g. --samples 10000");
  }
  if (!(f.alpha > 0 && f.alpha < 1)) {
    throw InputError("--alpha must be between 0 and 1", {}, 0, "e.g. --alpha 0.05");
  }
  if (f.runs.size() < 2) {
    throw InputError("compare needs at least two runs", {}, 0,
                     "embeval compare --qrels QRELS -m ndcg_cut.10 RUN1 RUN2");
  }
  if (!f.json.empty()) {
    refuse_overwriting_input(f.qrels, f.json, "--json");
    for (const std::string& path : f.runs) refuse_overwriting_input(path, f.json, "--json");
  }
  const Qrels qrels = read_qrels(f.qrels);
  std::vector<NamedRun> runs;
  for (const std::string& path : f.runs) runs.push_back({path, read_run(path)});
  const std::vector<PairComparison> tests = compare_runs(qrels, runs, f.measures, options);
  std::fputs(format_comparison_table(tests, options).c_str(), stdout);
  if (!f.json.empty()) write_file_atomic(f.json, comparison_json(tests, options));
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto f = std::make_shared<CompareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Paired significance between TREC runs: t, Fisher sign-flip or bootstrap, Holm");
  cmd->add_option("--qrels", f->qrels, "Qrels: TREC (qid iter docno rel) or BEIR TSV")->required();
  cmd->add_option("-m,--measure", f->measures,
                  "Measure, repeatable, as in `metrics` (ndcg_cut.10, map, recall.100, ...)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--test", f->test, "t (paired Student t), fisher (sign flips) or bootstrap")
      ->capture_default_str();
  cmd->add_option("--samples", f->samples, "B: sign flips or resamples (fisher, bootstrap)")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed of the xoshiro256** generator (fisher, bootstrap)")
      ->capture_default_str();
  cmd->add_option("--alpha", f->alpha, "Significant when the adjusted p <= alpha")
      ->capture_default_str();
  cmd->add_option("--correction", f->correction,
                  "holm (over every pair and measure of the call) or none")
      ->capture_default_str();
  cmd->add_flag("--complete", f->complete,
                "Every judged query; a query missing from a run scores 0 (trec_eval -c)");
  cmd->add_flag("--ranx-p", f->ranx_p,
                "p = count/B as ranx reports it (can be 0) instead of (count+1)/(B+1)");
  cmd->add_option("--json", f->json, "Also write the tests as JSON (docs/compare.md)");
  f->threads.add_to(cmd, "the tests (results do not depend on it)");
  cmd->add_option("runs", f->runs, "RUN1 RUN2 [RUN...]: TREC runs; a = the earlier one")
      ->required();
  cmd->callback([f] { run(*f); });
}

}  // namespace embeval::cli
