// embeval fuse: fusion of TREC runs (docs/fusion.md). Reads the runs, calls fuse_runs(), writes
// the fused run atomically and prints one summary line.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"
#include "embeval/fusion/fused_run_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct FuseFlags {
  std::vector<std::string> runs;
  std::string method;
  std::string norm;  // empty: the default (minmax) for the methods that use one
  std::vector<double> weights;
  double k = 60.0;
  std::size_t depth = 0;
  std::size_t top = 1000;
  std::string out;
  std::string tag;
};

void run(const FuseFlags& f) {
  FusionOptions options;
  options.method = parse_fusion_method(f.method);
  if (!f.norm.empty()) {
    options.norm = parse_score_normalization(f.norm);
    if (!fusion_method_uses_norm(options.method)) {
      std::fprintf(stderr,
                   "embeval fuse: note: %s brings its own normalisation; --norm %s is ignored\n",
                   std::string(fusion_method_name(options.method)).c_str(), f.norm.c_str());
    }
  }
  options.weights = f.weights;
  options.rrf_k = f.k;
  options.depth = f.depth;
  options.top = f.top;
  check_fusion_options(options, f.runs.size());  // before reading gigabytes of runs
  for (const std::string& path : f.runs) refuse_overwriting_input(path, f.out, "--out");

  std::vector<TrecRun> runs;
  runs.reserve(f.runs.size());
  for (const std::string& path : f.runs) runs.push_back(read_run(path));
  std::vector<const TrecRun*> pointers;
  for (const TrecRun& r : runs) pointers.push_back(&r);
  const FusedRun fused = fuse_runs(pointers, options);
  const std::string tag =
      f.tag.empty() ? "fuse-" + std::string(fusion_method_name(options.method)) : f.tag;
  write_fused_run(f.out, fused, tag);
  std::printf("fused %zu runs (%s) over %zu queries: %zu lines -> %s\n", runs.size(),
              std::string(fusion_method_name(options.method)).c_str(), fused.query_ids.size(),
              fused.entries.size(), f.out.c_str());
}

}  // namespace

void add_fuse_command(CLI::App& app) {
  auto f = std::make_shared<FuseFlags>();
  CLI::App* cmd = app.add_subcommand(
      "fuse", "Fuse TREC runs: wsum, combsum, combmnz, rrf, dbsf-mteb, dbsf-qdrant, rsf");
  cmd->add_option("runs", f->runs, "Two or more TREC runs (qid Q0 docno rank score tag)")
      ->required();
  cmd->add_option("--method", f->method, "Fusion method: " + fusion_method_names())->required();
  cmd->add_option("--norm", f->norm,
                  "Score normalisation for wsum/combsum/combmnz (default minmax): " +
                      score_normalization_names());
  cmd->add_option("--weights", f->weights,
                  "One weight per run, comma separated (wsum, rrf, dbsf-*, rsf; default 1 each)")
      ->delimiter(',');
  cmd->add_option("--k", f->k, "RRF constant: sum w_i / (k + rank_i), 1-based ranks")
      ->capture_default_str();
  cmd->add_option("--depth", f->depth, "Documents read per run and query (0 = all)")
      ->capture_default_str();
  cmd->add_option("--top", f->top, "Documents written per query (0 = all)")->capture_default_str();
  cmd->add_option("--out", f->out, "Fused TREC run to write (atomically)")->required();
  cmd->add_option("--tag", f->tag, "Run tag of the fused run (default fuse-METHOD)");
  cmd->callback([f] { run(*f); });
}

}  // namespace embeval::cli
