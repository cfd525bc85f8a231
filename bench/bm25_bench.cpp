// BM25 end to end: indexing throughput (analyze + fit + encode + build postings) and query
// throughput of the MaxScore search against the exhaustive search (the test oracle), in one run.
//
//   bm25_bench [docs=50000] [queries=2000] [k=10]
//
// Corpus: the BEIR directory in $EMBEVAL_BENCH_DATASET (corpus.jsonl, queries.jsonl, qrels/)
// when set, else a synthetic Zipfian corpus (vocabulary of 50k words, s = 1.07, document
// lengths 20..200 words, queries of 2..8 words drawn from the same law).
// A plain main (not Google Benchmark) because the output is one comparison table.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/encoders/bm25_encoder.h"
#include "embeval/index/inverted_index.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best wall time of `reps` runs: the machine is shared, so the minimum is the least noisy.
double best_seconds(int reps, const std::function<void()>& run) {
  double best = 1e300;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    run();
    best = std::min(best, seconds_since(start));
  }
  return best;
}

// Word w (0-based rank) of a synthetic vocabulary: letters only, so every analyzer keeps it.
std::string synthetic_word(std::size_t w) {
  std::string s;
  do {
    s += static_cast<char>('a' + w % 26);
    w /= 26;
  } while (w > 0);
  return s + "x";  // avoids colliding with English stopwords ("a", "an", ...)
}

struct Texts {
  std::vector<std::string> docs;
  std::vector<std::string> queries;
  std::string source;
};

Texts synthetic(std::size_t num_docs, std::size_t num_queries) {
  constexpr std::size_t kVocabulary = 50000;
  std::vector<double> weights(kVocabulary);
  for (std::size_t i = 0; i < kVocabulary; ++i) weights[i] = 1.0 / std::pow(i + 1.0, 1.07);
  std::discrete_distribution<std::size_t> zipf(weights.begin(), weights.end());
  std::vector<std::string> words(kVocabulary);
  for (std::size_t i = 0; i < kVocabulary; ++i) words[i] = synthetic_word(i);
  std::mt19937_64 rng(42);
  const auto text = [&](std::size_t lo, std::size_t hi) {
    std::string s;
    const std::size_t n = lo + rng() % (hi - lo + 1);
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) s += ' ';
      s += words[zipf(rng)];
    }
    return s;
  };
  Texts t;
  t.source = "synthetic Zipf(1.07), 50k-word vocabulary";
  for (std::size_t i = 0; i < num_docs; ++i) t.docs.push_back(text(20, 200));
  for (std::size_t i = 0; i < num_queries; ++i) t.queries.push_back(text(2, 8));
  return t;
}

Texts beir(const char* dir) {
  embeval::BeirLoadOptions options;
  options.show_progress = false;
  const embeval::Dataset d = embeval::load_beir(dir, options);
  Texts t;
  t.source = std::string("BEIR ") + dir;
  for (const auto& doc : d.corpus) t.docs.push_back(document_text(doc));
  for (const auto& q : d.queries) t.queries.push_back(q.text);
  return t;
}

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t num_docs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 50000;
  const std::size_t num_queries = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2000;
  const std::size_t k = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 10;
  const char* dataset = std::getenv("EMBEVAL_BENCH_DATASET");
  const Texts texts = dataset != nullptr ? beir(dataset) : synthetic(num_docs, num_queries);
  const auto docs = views(texts.docs);
  const auto queries = views(texts.queries);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::printf("corpus: %s: %zu documents, %zu queries, k=%zu, %u threads\n", texts.source.c_str(),
              docs.size(), queries.size(), k, threads);

  embeval::Bm25Encoder encoder(embeval::Bm25Params{});
  embeval::InvertedIndex pruned(embeval::InvertedIndex::Strategy::kMaxScore);
  embeval::InvertedIndex exhaustive(embeval::InvertedIndex::Strategy::kExhaustive);
  double fit_s = 0, encode_s = 0, index_s = 0;
  {
    auto start = Clock::now();
    encoder.fit(docs);
    fit_s = seconds_since(start);
    start = Clock::now();
    const embeval::EmbeddingBatch encoded = encoder.encode(docs, embeval::Role::kDocument);
    encode_s = seconds_since(start);
    start = Clock::now();
    pruned.add(encoded);
    index_s = seconds_since(start);
    exhaustive.add(encoded);
  }
  const double total_s = fit_s + encode_s + index_s;
  std::printf("indexing: fit %.2f s, encode %.2f s, postings %.2f s: %.0f docs/s end to end\n",
              fit_s, encode_s, index_s, static_cast<double>(docs.size()) / total_s);
  const embeval::PostingStatistics stats = pruned.statistics();
  std::printf("index: %zu terms, %zu postings, %.1f terms/doc, longest list %zu, %.1f MB\n",
              stats.terms_with_postings, stats.postings, stats.average_terms_per_document,
              stats.longest_list, static_cast<double>(stats.bytes) / 1e6);

  const embeval::EmbeddingBatch encoded_queries = encoder.encode(queries, embeval::Role::kQuery);
  embeval::SearchResults a, b;
  const double pruned_s = best_seconds(3, [&] { a = pruned.search(encoded_queries, k); });
  const double exhaustive_s = best_seconds(3, [&] { b = exhaustive.search(encoded_queries, k); });
  const double nq = static_cast<double>(queries.size());
  std::printf(
      "search (%u threads): MaxScore %.0f QPS, exhaustive %.0f QPS: "
      "MaxScore is %.2fx exhaustive; results identical: %s\n",
      threads, nq / pruned_s, nq / exhaustive_s, exhaustive_s / pruned_s,
      a.ids == b.ids && a.scores == b.scores ? "yes" : "NO");
  return a.ids == b.ids && a.scores == b.scores ? 0 : 1;
}
