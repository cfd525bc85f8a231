// Intrinsic evaluation of word vectors: analogies ("a is to b as c is to d", Mikolov et al.
// 2013, the questions-words.txt format), word-pair similarity (Spearman rank correlation, as in
// WordSim-353 / SimLex files), and nearest neighbours with vector arithmetic
// (king - man + woman). All comparisons use cosine similarity. docs/word2vec.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "embeval/io/word_vectors.h"

namespace embeval {

struct AnalogyQuestion {
  std::string section;
  std::string a, b, c, d;  // expected: d ~ b - a + c
  std::size_t line = 0;    // 1-based line in the questions file
};

// Reads the classic format: ": section-name" starts a section; every other non-blank line holds
// four words "a b c d". Words are lower-cased (ASCII) when `lowercase`. Questions before the
// first section go to section "default". Throws InputError(file, line) on a line that does not
// hold exactly four words, or when the file cannot be read or holds no question.
[[nodiscard]] std::vector<AnalogyQuestion> read_analogy_questions(const std::filesystem::path& path,
                                                                  bool lowercase = true);

enum class AnalogyMethod {
  k3CosAdd,  // argmax_x cos(x, b) - cos(x, a) + cos(x, c)
  k3CosMul,  // argmax_x cos'(x, b) cos'(x, c) / (cos'(x, a) + 1e-3), cos' = (cos + 1) / 2
};

struct AnalogyOptions {
  AnalogyMethod method = AnalogyMethod::k3CosAdd;
  // Only the first N rows (the most frequent words) are candidates and may appear in a
  // question; 0 = all. word2vec.c's compute-accuracy uses 30000.
  std::size_t restrict_vocab = 30000;
};

struct AnalogyScore {
  std::string section;       // "" for the overall score
  std::size_t total = 0;     // questions in the file (section)
  std::size_t answered = 0;  // questions whose four words are all in the (restricted) vocab
  std::size_t correct = 0;   // answered questions whose best candidate is d
  // Accuracy over answered questions (word2vec.c's figure); 0 when nothing was answered.
  double accuracy() const { return answered ? double(correct) / double(answered) : 0.0; }
  // Accuracy over all questions, counting unanswerable ones as wrong.
  double accuracy_all() const { return total ? double(correct) / double(total) : 0.0; }
};

struct AnalogyReport {
  std::vector<AnalogyScore> sections;  // in file order
  AnalogyScore overall;
};

// Answers each question, excluding a, b and c from the candidates (as word2vec.c does).
// Thread-compatible: `vectors` is only read.
[[nodiscard]] AnalogyReport evaluate_analogies(const WordVectors& vectors,
                                               const std::vector<AnalogyQuestion>& questions,
                                               const AnalogyOptions& options = {});

// Word-pair similarity: lines "word1 word2 score" (tabs or spaces; '#' comments and a header
// line whose score is not a number are skipped).
struct WordPair {
  std::string first, second;
  double score = 0.0;
};
[[nodiscard]] std::vector<WordPair> read_word_pairs(const std::filesystem::path& path,
                                                    bool lowercase = true);

struct SimilarityReport {
  std::size_t pairs = 0;  // in the file
  std::size_t used = 0;   // both words have a vector
  double spearman = 0.0;  // between human scores and cosines over used pairs (ties: mean ranks)
};
[[nodiscard]] SimilarityReport evaluate_similarity(const WordVectors& vectors,
                                                   const std::vector<WordPair>& pairs);

// Spearman rank correlation of two equally long samples (ties get their mean rank).
// Returns 0 when fewer than two values or when one side is constant.
[[nodiscard]] double spearman_correlation(const std::vector<double>& x,
                                          const std::vector<double>& y);

// Throws one InputError naming every word of `words` that has no vector (a word is looked up as
// given, then lower-cased), with the model's close spellings of each as the hint.
void require_words(const WordVectors& vectors, const std::vector<std::string>& words);

// The k words nearest (cosine) to sum(positive) - sum(negative) of the unit-normalised vectors,
// excluding the input words. Throws InputError as require_words does.
[[nodiscard]] std::vector<std::pair<std::string, float>> nearest_words(
    const WordVectors& vectors, const std::vector<std::string>& positive,
    const std::vector<std::string>& negative, std::size_t k);

}  // namespace embeval
