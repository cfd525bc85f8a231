// Word2Vec trainer: planted structure must be learned by every architecture/output layer;
// one thread + seed is reproducible; corpus building and sources; option validation.
#include "embeval/train/word2vec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kGroups = 6;
constexpr std::size_t kGroupSize = 5;

std::string word_name(std::size_t group, std::size_t member) {
  return "g" + std::to_string(group) + "w" + std::to_string(member);
}

// Every sentence draws its words from a single group: group members share all their contexts
// and never co-occur with another group's words.
std::vector<std::string> planted_corpus(std::size_t sentences, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> group(0, kGroups - 1), member(0, kGroupSize - 1);
  std::vector<std::string> texts;
  for (std::size_t s = 0; s < sentences; ++s) {
    const std::size_t g = group(rng);
    std::string text;
    for (int i = 0; i < 12; ++i) text += word_name(g, member(rng)) + " ";
    texts.push_back(text);
  }
  return texts;
}

double cosine(const WordVectors& v, std::size_t a, std::size_t b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t j = 0; j < v.dim(); ++j) {
    dot += double(v.row(a)[j]) * v.row(b)[j];
    na += double(v.row(a)[j]) * v.row(a)[j];
    nb += double(v.row(b)[j]) * v.row(b)[j];
  }
  return dot / std::sqrt(na * nb);
}

struct Separation {
  double within = 0;            // mean cosine between members of the same group
  double across = 0;            // mean cosine between words of different groups
  double nearest_in_group = 0;  // share of words whose kGroupSize-1 nearest are all group mates
};

Separation measure(const WordVectors& v) {
  Separation s;
  std::size_t nw = 0, na = 0, good = 0;
  for (std::size_t g = 0; g < kGroups; ++g) {
    for (std::size_t m = 0; m < kGroupSize; ++m) {
      const std::size_t a = *v.find(word_name(g, m));
      double worst_mate = 2, best_other = -2;
      for (std::size_t h = 0; h < kGroups; ++h) {
        for (std::size_t n = 0; n < kGroupSize; ++n) {
          if (h == g && n == m) continue;
          const double c = cosine(v, a, *v.find(word_name(h, n)));
          if (h == g) {
            s.within += c;
            ++nw;
            worst_mate = std::min(worst_mate, c);
          } else {
            s.across += c;
            ++na;
            best_other = std::max(best_other, c);
          }
        }
      }
      good += worst_mate > best_other;
    }
  }
  s.within /= nw;
  s.across /= na;
  s.nearest_in_group = double(good) / double(kGroups * kGroupSize);
  return s;
}

struct Config {
  const char* name;
  Word2VecOptions::Architecture architecture;
  std::size_t negative;
  bool hs;
};

class PlantedStructure : public ::testing::TestWithParam<Config> {};

TEST_P(PlantedStructure, GroupMembersAreNearerThanNonMembers) {
  const std::vector<std::string> texts = planted_corpus(1500, 7);
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 1);
  ASSERT_EQ(corpus.words.size(), kGroups * kGroupSize);
  Word2VecOptions options;
  options.architecture = GetParam().architecture;
  options.negative = GetParam().negative;
  options.hierarchical_softmax = GetParam().hs;
  options.dim = 24;
  options.window = 4;
  options.epochs = 5;
  options.sample = 0;
  options.show_progress = false;
  const WordVectors v = train_word2vec(corpus, options);
  const Separation s = measure(v);
  EXPECT_GT(s.within - s.across, 0.3)
      << GetParam().name << " within " << s.within << " across " << s.across;
  EXPECT_GE(s.nearest_in_group, 0.9) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    AllModels, PlantedStructure,
    ::testing::Values(Config{"cbow_ns", Word2VecOptions::Architecture::kCbow, 5, false},
                      Config{"cbow_hs", Word2VecOptions::Architecture::kCbow, 0, true},
                      Config{"skipgram_ns", Word2VecOptions::Architecture::kSkipGram, 5, false},
                      Config{"skipgram_hs", Word2VecOptions::Architecture::kSkipGram, 0, true},
                      Config{"skipgram_ns_hs", Word2VecOptions::Architecture::kSkipGram, 3, true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Word2Vec, UntrainedBaselineHasNoStructure) {
  // The measurement itself must be able to fail: with almost no learning (tiny alpha) the
  // random initial vectors show no group structure.
  const std::vector<std::string> texts = planted_corpus(200, 7);
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 1);
  Word2VecOptions options;
  options.dim = 24;
  options.epochs = 1;
  options.alpha = 1e-7;
  options.show_progress = false;
  const Separation s = measure(train_word2vec(corpus, options));
  EXPECT_LT(s.within - s.across, 0.1);
  EXPECT_LT(s.nearest_in_group, 0.5);
}

TEST(Word2Vec, OneThreadAndSeedIsReproducible) {
  const std::vector<std::string> texts = planted_corpus(300, 3);
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 1);
  Word2VecOptions options;
  options.dim = 16;
  options.epochs = 2;
  options.sample = 1e-2;
  options.hierarchical_softmax = true;
  options.show_progress = false;
  const WordVectors a = train_word2vec(corpus, options);
  const WordVectors b = train_word2vec(corpus, options);
  EXPECT_EQ(a.vectors().data, b.vectors().data);
  options.seed = 2;
  const WordVectors c = train_word2vec(corpus, options);
  EXPECT_NE(a.vectors().data, c.vectors().data);
}

TEST(Word2Vec, MultipleThreadsStillLearnTheStructure) {
  const std::vector<std::string> texts = planted_corpus(1500, 11);
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 1);
  Word2VecOptions options;
  options.dim = 24;
  options.threads = 3;
  options.sample = 0;
  options.show_progress = false;
  Word2VecStats stats;
  const Separation s = measure(train_word2vec(corpus, options, &stats));
  EXPECT_GT(s.within - s.across, 0.3);
  EXPECT_EQ(stats.processed_words, corpus.train_words() * options.epochs);
  EXPECT_EQ(stats.vocabulary, kGroups * kGroupSize);
}

TEST(Word2VecCorpus, VocabularyIsSortedByCountThenWordAndFiltered) {
  const std::vector<std::string> texts = {"b a c a", "", "A rare, b!", "c b"};
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 2);
  // counts: a 3 (case folded), b 3, c 2, rare 1 (dropped)
  EXPECT_EQ(corpus.words, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(corpus.counts, (std::vector<std::uint64_t>{3, 3, 2}));
  EXPECT_EQ(corpus.raw_tokens, 9u);
  // Empty sentences are dropped; ids per sentence, rare word removed.
  EXPECT_EQ(corpus.tokens, (std::vector<std::uint32_t>{1, 0, 2, 0, 0, 1, 2, 1}));
  EXPECT_EQ(corpus.sentence_starts, (std::vector<std::size_t>{0, 4, 6, 8}));
  const Word2VecCorpus capped = build_word2vec_corpus(text_source_from_texts(texts), 1, 2);
  EXPECT_EQ(capped.words, (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW((void)build_word2vec_corpus(text_source_from_texts(texts), 4), InputError);
}

TEST(Word2VecCorpus, ReadsFilesDirectoriesAndBeirCorpora) {
  const testing::TempDir dir("embeval-w2v-src");
  fs::create_directories(dir / "texts" / "sub");
  std::ofstream(dir / "texts" / "b.txt") << "alpha beta\ngamma\n";
  std::ofstream(dir / "texts" / "sub" / "a.txt") << "delta\n";
  std::ofstream(dir / "corpus.jsonl") << R"({"_id":"d1","title":"Copy Files","text":"cp copies"})"
                                      << "\n"
                                      << R"({"_id":"d2","text":"mv moves"})"
                                      << "\n";
  auto collect = [](const TextSource& source) {
    std::vector<std::string> out;
    source([&](std::string_view t) { out.emplace_back(t); });
    return out;
  };
  EXPECT_EQ(collect(text_source_from_path(dir / "texts")),
            (std::vector<std::string>{"alpha beta", "gamma", "delta"}));
  EXPECT_EQ(collect(text_source_from_path(dir / "corpus.jsonl")),
            (std::vector<std::string>{"Copy Files cp copies", " mv moves"}));
  EXPECT_EQ(collect(text_source_from_path(dir)).size(), 2u);  // a BEIR directory
  EXPECT_THROW(collect(text_source_from_path(dir / "missing.txt")), InputError);
}

TEST(Word2Vec, InvalidOptionsAreInputErrors) {
  const std::vector<std::string> texts = {"a b a b"};
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 1);
  auto trains = [&](auto change) {
    Word2VecOptions o;
    o.show_progress = false;
    change(o);
    (void)train_word2vec(corpus, o);
  };
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.dim = 0; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.window = 0; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.epochs = 0; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.threads = 0; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.negative = 0; }), InputError);
  EXPECT_NO_THROW(
      trains([](Word2VecOptions& o) { o.negative = 0, o.hierarchical_softmax = true; }));
  // Ranges, NaN included: each of these used to train (or crash: alpha >= 1 diverged to NaN,
  // which then indexed the sigmoid table).
  const double nan = std::nan("");
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.alpha = 1; }), InputError);
  EXPECT_THROW(trains([&](Word2VecOptions& o) { o.alpha = nan; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.alpha = -0.1; }), InputError);
  EXPECT_THROW(trains([&](Word2VecOptions& o) { o.sample = nan; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.sample = 1; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.window = 1001; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.negative = 1001; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.dim = 10001; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.epochs = 10001; }), InputError);
  EXPECT_THROW(trains([](Word2VecOptions& o) { o.threads = 1025; }), InputError);
  EXPECT_NO_THROW(trains([](Word2VecOptions& o) { o.alpha = 0.5, o.window = 1000; }));
  Word2VecOptions bad_alpha;
  bad_alpha.alpha = 2;
  try {
    check_word2vec_options(bad_alpha);
    ADD_FAILURE() << "alpha 2 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--alpha is 2"), std::string::npos) << e.what();
  }
  const std::vector<std::string> one = {"solo solo"};
  const Word2VecCorpus single = build_word2vec_corpus(text_source_from_texts(one), 1);
  Word2VecOptions hs;
  hs.hierarchical_softmax = true;
  hs.show_progress = false;
  EXPECT_THROW((void)train_word2vec(single, hs), InputError);
}

}  // namespace
}  // namespace embeval

namespace embeval {
namespace {

// A learning rate just below 1 makes skip-gram diverge on this corpus: the run must stop with
// an InputError that says so, never return (or write) NaN vectors, never crash.
TEST(Word2Vec, DivergenceIsAnInputErrorNotNanVectors) {
  const std::vector<std::string> texts = planted_corpus(2000, 13);
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(texts), 1);
  Word2VecOptions options;
  options.architecture = Word2VecOptions::Architecture::kSkipGram;
  options.dim = 50;
  options.alpha = 0.99;
  options.sample = 0;
  options.show_progress = false;
  for (const bool hs : {false, true}) {
    options.hierarchical_softmax = hs;
    try {
      (void)train_word2vec(corpus, options);
      ADD_FAILURE() << "alpha 0.99 converged (hs " << hs << "): pick a corpus where it diverges";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("--alpha"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace embeval
