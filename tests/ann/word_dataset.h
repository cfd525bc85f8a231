// A small retrieval problem the ANN pipeline and CLI tests write into a temp dir themselves:
// random word vectors (fixed seed, GloVe text format) and a BEIR folder whose queries are words
// taken from one target document each (judged relevant, grade 1).
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace embeval::testing {

struct WordDataset {
  std::filesystem::path vectors;  // GloVe text: "word v1 ... vd" per line
  std::filesystem::path beir;     // corpus.jsonl, queries.jsonl, qrels/test.tsv
};

inline WordDataset write_word_dataset(const std::filesystem::path& dir, std::size_t docs = 300,
                                      std::size_t queries = 40, std::size_t dim = 16,
                                      unsigned seed = 7) {
  namespace fs = std::filesystem;
  const std::size_t vocabulary = 200;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<std::size_t> word(0, vocabulary - 1);
  WordDataset out{dir / "vectors.txt", dir / "beir"};
  fs::create_directories(out.beir / "qrels");
  {
    std::ofstream v(out.vectors);
    for (std::size_t w = 0; w < vocabulary; ++w) {
      v << "w" << w;
      for (std::size_t c = 0; c < dim; ++c) v << ' ' << normal(rng);
      v << '\n';
    }
  }
  std::vector<std::vector<std::size_t>> doc_words(docs);
  {
    std::ofstream corpus(out.beir / "corpus.jsonl");
    for (std::size_t d = 0; d < docs; ++d) {
      corpus << "{\"_id\": \"d" << d << "\", \"text\": \"";
      for (std::size_t i = 0; i < 8; ++i) {
        doc_words[d].push_back(word(rng));
        corpus << (i ? " " : "") << 'w' << doc_words[d].back();
      }
      corpus << "\"}\n";
    }
  }
  std::ofstream q(out.beir / "queries.jsonl");
  std::ofstream qrels(out.beir / "qrels" / "test.tsv");
  qrels << "query-id\tcorpus-id\tscore\n";
  for (std::size_t i = 0; i < queries; ++i) {
    const std::size_t target = (i * 7) % docs;
    q << "{\"_id\": \"q" << i << "\", \"text\": \"w" << doc_words[target][0] << " w"
      << doc_words[target][1] << " w" << doc_words[target][2] << "\"}\n";
    qrels << 'q' << i << "\td" << target << "\t1\n";
  }
  return out;
}

}  // namespace embeval::testing
