// embeval: choose a text-embedding model by measuring it on your own data.
// main() only wires subcommands and turns errors into exit codes:
//   0 success, 1 internal failure, 2 bad input (InputError) or bad usage.
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/util/progress.h"

int main(int argc, char** argv) {
  CLI::App app{"embeval: measure text-embedding models on your own data, trec_eval-exact"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "embeval 0.1.0");
  bool quiet = false;
  app.add_flag("--quiet", quiet, "No progress lines on stderr");
  app.parse_complete_callback([&] { embeval::Progress::set_globally_enabled(!quiet); });

  embeval::cli::add_demo_command(app);
  embeval::cli::add_dataset_command(app);
  embeval::cli::add_eval_command(app);
  embeval::cli::add_metrics_command(app);
  embeval::cli::add_compare_command(app);
  embeval::cli::add_recommend_command(app);
  embeval::cli::add_fuse_command(app);
  embeval::cli::add_knn_command(app);
  embeval::cli::add_ann_command(app);
  embeval::cli::add_encode_command(app);
  embeval::cli::add_inspect_command(app);
  embeval::cli::add_word2vec_command(app);
  embeval::cli::add_probe_command(app);
  embeval::cli::add_parity_command(app);
  embeval::cli::add_judge_command(app);
  embeval::cli::add_report_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error (CLI11's own codes are 100+) is bad input.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const embeval::InputError& e) {
    std::fprintf(stderr, "embeval: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embeval: failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
