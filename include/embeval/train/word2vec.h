// Word2Vec training (Mikolov et al. 2013), following the behaviour of the reference word2vec.c:
// CBOW or skip-gram; negative sampling (unigram^0.75 table) and/or hierarchical softmax
// (Huffman tree); frequent-word subsampling; a random window shrink per centre word; a learning
// rate that decays linearly to 1e-4 of its start; lock-free (Hogwild) updates from several threads.
// With threads == 1 and a fixed seed the result is bit-for-bit reproducible. docs/word2vec.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/io/word_vectors.h"

namespace embeval {

// Training text, one "sentence" (a line, or one BEIR document) per call of the visitor.
// A source must produce the same texts every time it is called (the trainer reads it twice:
// once to count words, once to encode them).
using TextVisitor = std::function<void(std::string_view text)>;
using TextSource = std::function<void(const TextVisitor&)>;

// `path` may be: a BEIR corpus (a *.jsonl file, or a directory holding corpus.jsonl: each record
// gives title + " " + text), a plain text file (one sentence per line), or a directory (every
// regular file below it, in sorted path order, one sentence per line). Throws InputError when
// the path does not exist (when called, not when built).
[[nodiscard]] TextSource text_source_from_path(const std::filesystem::path& path);
// The texts must outlive the returned source.
[[nodiscard]] TextSource text_source_from_texts(std::span<const std::string> texts);

// A tokenized corpus (words come from an Analyzer, analyzer.h; "standard" by default, the same
// analyzer the static encoder applies at query time): the vocabulary (words with count >=
// min_count, by decreasing count, ties by word) and every sentence as word ids (out-of-vocabulary
// tokens removed).
struct Word2VecCorpus {
  std::vector<std::string> words;
  std::vector<std::uint64_t> counts;         // parallel to words
  std::vector<std::uint32_t> tokens;         // all sentences, concatenated
  std::vector<std::size_t> sentence_starts;  // sentence i = tokens[starts[i], starts[i+1])
  std::uint64_t raw_tokens = 0;              // tokens before min_count filtering
  std::uint64_t train_words() const { return tokens.size(); }
};

// Reads `source` twice. `max_vocab` > 0 keeps only the most frequent words. Throws InputError
// when no word reaches min_count or the analyzer name is unknown.
[[nodiscard]] Word2VecCorpus build_word2vec_corpus(const TextSource& source, std::size_t min_count,
                                                   std::size_t max_vocab = 0,
                                                   std::string_view analyzer = "standard");

struct Word2VecOptions {
  enum class Architecture { kCbow, kSkipGram };
  Architecture architecture = Architecture::kCbow;
  std::size_t dim = 100;
  std::size_t window = 5;    // max distance; the effective one is drawn in [1, window]
  std::size_t negative = 5;  // negative samples per prediction; 0 disables NS
  bool hierarchical_softmax = false;
  double sample = 1e-3;  // subsampling threshold; 0 disables
  std::size_t min_count = 5;
  std::size_t max_vocab = 0;  // 0: no limit
  std::size_t epochs = 5;
  double alpha = 0.0;  // 0: word2vec.c's default (0.05 CBOW, 0.025 skip-gram)
  std::size_t threads = 1;
  std::uint64_t seed = 1;
  bool show_progress = true;  // stderr: progress, alpha and words/s/thread
};

struct Word2VecStats {
  std::size_t vocabulary = 0;
  std::uint64_t train_words = 0;      // in-vocabulary tokens per epoch (before subsampling)
  std::uint64_t processed_words = 0;  // tokens visited over all epochs (before subsampling)
  double seconds = 0.0;               // training only (not corpus reading), wall clock
  double cpu_seconds = 0.0;           // summed CPU time of the training threads: on a shared
                                      // machine words/cpu_seconds is the per-thread speed
  double words_per_second() const { return seconds > 0 ? processed_words / seconds : 0.0; }
};

// Throws InputError when an option is out of its range (dim, window, negative, epochs, threads;
// alpha and sample in [0, 1), NaN refused; negative 0 without hs): the checks that need no
// corpus, so that a command can run them before reading one.
void check_word2vec_options(const Word2VecOptions& options);

// Throws InputError on invalid options (check_word2vec_options, and the matrices must fit in
// memory), and when training diverges (a NaN or infinite vector: too large an alpha) instead of
// returning such vectors. The returned vectors are in vocabulary order (most frequent first).
[[nodiscard]] WordVectors train_word2vec(const Word2VecCorpus& corpus,
                                         const Word2VecOptions& options,
                                         Word2VecStats* stats = nullptr);

}  // namespace embeval
