// The neighbours probe on hand-made vectors whose cosines are worked out in the comments: the
// search (self excluded, cosine <= 0 is no neighbour), int8 / binary / dims=N, the related share
// under a hand-made relation, hubness within the probed words, the polysemy lists, the word
// list reader and its seeded sample, and the encoder glue (a vector file, BM25's weights).
#include "embeval/probe/neighbours.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <utility>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/models/registry.h"
#include "embeval/probe/word_list.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

DenseMatrix matrix(std::size_t cols, std::initializer_list<float> values) {
  DenseMatrix m(values.size() / cols, cols);
  m.data.assign(values);
  return m;
}

TEST(NeighbourSpace, SelfExcludedAndNonPositiveCosinesDropped) {
  // e0, e1, (0.6, 0.8), -e0. Row 0's candidates: row 2 (0.6), row 1 (0: dropped), row 3 (-1).
  const DenseMatrix v = matrix(2, {1, 0, 0, 1, 0.6f, 0.8f, -1, 0});
  const SearchResults r = nearest_candidates(v, {0, 2}, 3);
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{2, -1, -1, /*row 2:*/ 1, 0, -1}));
  EXPECT_FLOAT_EQ(r.scores[0], 0.6f);
  EXPECT_FLOAT_EQ(r.scores[3], 0.8f);  // (0.6, 0.8) . e1 beats . e0
}

TEST(NeighbourSpace, Transforms) {
  NeighbourSpace s;
  s.names = {"a", "b", "c"};
  s.vectors = matrix(2, {1, 0, 0, 1, 0.28f, 0.96f});
  // int8: both columns span [0, 1] in 255 steps: 0.28 -> 71/255, 0.96 -> 245/255 (244.8
  // rounded); renormalised (71, 245) / |(71, 245)| = (0.2783436, 0.9604816).
  const NeighbourSpace q = transform_space(s, parse_space_transform("int8"));
  EXPECT_NEAR(q.vectors.row(2)[0], 0.2783436, 1e-6);
  EXPECT_NEAR(q.vectors.row(2)[1], 0.9604816, 1e-6);
  EXPECT_EQ(q.vectors.row(0)[0], 1.0f);
  // binary: signs, (1, 1) / sqrt 2 for c, (1, -1) / sqrt 2 for a.
  const NeighbourSpace b = transform_space(s, parse_space_transform("binary"));
  EXPECT_NEAR(b.vectors.row(0)[1], -1 / std::sqrt(2.0), 1e-7);
  EXPECT_NEAR(b.vectors.row(2)[1], 1 / std::sqrt(2.0), 1e-7);
  // dims=1: the first dimension, renormalised: 1, 0 (b stays zero), 1.
  const NeighbourSpace d = transform_space(s, parse_space_transform("dims=1"));
  EXPECT_EQ(d.vectors.cols, 1u);
  EXPECT_EQ(d.vectors.data, (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(parse_space_transform("dims=7").name(), "dims=7");
  EXPECT_THROW((void)parse_space_transform("int4"), InputError);
  EXPECT_THROW((void)parse_space_transform("dims=0"), InputError);
  EXPECT_THROW((void)transform_space(s, parse_space_transform("dims=3")), InputError);
}

// Knows car, automobile, truck, banana; relates car~automobile both ways and truck~car.
class HandRelation : public WordRelation {
 public:
  bool knows(std::string_view w) const override {
    return w == "car" || w == "automobile" || w == "truck" || w == "banana";
  }
  bool related(std::string_view w, std::string_view n) const override {
    return (w == "car" && n == "automobile") || (w == "automobile" && n == "car") ||
           (w == "truck" && n == "car");
  }
  std::string describe() const override { return "hand"; }
};

NeighbourSpace hand_space() {
  // Rows (normalised below): car (1,0,0), automobile (0.9,0.1,0), truck (0.8,0.6,0),
  // banana (0,1,0), zebra 0 (no vector), bank (0,0,1), python (0,0.5,1), mouse (0,1,0.2).
  NeighbourSpace s;
  s.kind = "words";
  s.names = {"car", "automobile", "truck", "banana", "zebra", "bank", "python", "mouse"};
  s.vectors = matrix(3, {1, 0, 0, 0.9f, 0.1f, 0, 0.8f, 0.6f, 0, 0, 1, 0,
                         0, 0, 0, 0,    0,    1, 0,    0.5f, 1, 0, 1, 0.2f});
  normalize_rows(s.vectors);
  s.word_rows = {0, 1, 2, 3, -1, 5, 6, 7};
  return s;
}

TEST(Neighbours, RelatedShareHubnessAndPolysemyByHand) {
  // Cosines (unit rows c, a, t, b, k, p, m): c.a 0.9939, c.t 0.8, a.t 0.8614, t.b 0.6,
  // a.b 0.1104, b.m 0.9806, k.p 0.8944, p.m 0.6139, k.m 0.1961, b.p 0.4472; c.b = c.k = 0.
  // k = 2: car -> automobile, truck; automobile -> car, truck; truck -> automobile, car;
  // banana -> mouse, truck. Related: car 1, automobile 1, truck 1, banana 0: 3 of 8 pairs.
  const std::vector<std::string> words = {"car", "automobile", "truck", "banana", "zebra"};
  const HandRelation relation;
  NeighbourProbeOptions options;
  options.k = 2;
  const NeighbourReport r = probe_neighbours(hand_space(), words, &relation, options);
  ASSERT_EQ(r.words.size(), 5u);
  EXPECT_EQ(r.words[0].neighbours, (std::vector<std::string>{"automobile", "truck"}));
  EXPECT_EQ(r.words[2].neighbours, (std::vector<std::string>{"automobile", "car"}));
  EXPECT_EQ(r.words[3].neighbours, (std::vector<std::string>{"mouse", "truck"}));
  EXPECT_FALSE(r.words[4].has_vector);
  EXPECT_EQ(r.words[4].related, -1);
  EXPECT_EQ(r.words_with_vector, 4u);
  EXPECT_EQ(r.judged_words, 4u);
  EXPECT_EQ(r.judged_pairs, 8u);
  EXPECT_EQ(r.related_pairs, 3u);
  EXPECT_DOUBLE_EQ(r.related_share, 3.0 / 8.0);
  EXPECT_DOUBLE_EQ(r.intrusion_rate, 5.0 / 8.0);
  // Hubness among car, automobile, truck, banana only: banana -> truck, automobile (car: 0).
  // N_2 = (2, 3, 3, 0): skewness -sqrt(2/3), one antihub in four.
  EXPECT_EQ(r.hubness.points, 4u);
  EXPECT_NEAR(r.hubness.skewness, -std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(r.hubness.antihub_share, 0.25);
  EXPECT_EQ(r.hub_words[0], "automobile");
  EXPECT_EQ(r.hub_words[1], "truck");
  // Polysemy: bank -> python, mouse; python -> bank, mouse; mouse -> banana, python.
  ASSERT_EQ(r.polysemy.size(), 3u);
  EXPECT_EQ(r.polysemy[0].neighbours, (std::vector<std::string>{"python", "mouse"}));
  EXPECT_EQ(r.polysemy[2].neighbours, (std::vector<std::string>{"banana", "python"}));
}

TEST(Neighbours, OverlapWithATruncatedCopy) {
  // dims=1 keeps the first coordinate: car, automobile, truck become (1), banana, bank, python,
  // mouse zero. car -> automobile, truck (ties to the smaller row); automobile -> car, truck;
  // truck -> car, automobile; banana has no neighbour left (only zeros). Jaccard: car 1,
  // automobile 1, truck 1, banana |{}| vs {mouse, truck}: 0. Mean 3/4.
  const std::vector<std::string> words = {"car", "automobile", "truck", "banana", "zebra"};
  NeighbourProbeOptions options;
  options.k = 2;
  const NeighbourReport plain = probe_neighbours(hand_space(), words, nullptr, options);
  options.transform = parse_space_transform("dims=1");
  const NeighbourReport cut = probe_neighbours(hand_space(), words, nullptr, options);
  EXPECT_EQ(cut.words[2].neighbours, (std::vector<std::string>{"car", "automobile"}));
  EXPECT_TRUE(cut.words[3].neighbours.empty());
  const KnnOverlap o = neighbour_overlap(plain, cut);
  EXPECT_EQ(o.words, 4u);
  EXPECT_DOUBLE_EQ(o.mean_jaccard, 0.75);
}

TEST(Neighbours, VocabularyAndWordsSpacesOfRealEncoders) {
  const testing::TempDir dir("embeval-neighbours");
  const auto file = dir.write("v.txt",
                              "5 2\ncar 1 0\nautomobile 0.9 0.1\nbanana 0 1\nbank 0.1 1\n"
                              "mouse 0 0\n");
  const ModelSpec spec = ModelSpec::parse("static:" + file.string());
  NeighbourProbeOptions options;
  options.k = 3;
  // Vocabulary: "CAR" is found lower-cased; python has no row; mouse is a zero row (no vector).
  const std::vector<std::string> words = {"CAR", "banana"};
  const NeighbourSpace vocabulary = model_space(spec, words, options);
  EXPECT_EQ(vocabulary.kind, "vocabulary");
  EXPECT_EQ(vocabulary.names.size(), 5u);
  EXPECT_EQ(vocabulary.word_rows, (std::vector<std::int64_t>{0, 2, 3, -1, -1}));
  const NeighbourReport r = probe_neighbours(vocabulary, words, nullptr, options);
  // car: automobile 0.994, bank 0.0995 (banana 0: dropped).
  EXPECT_EQ(r.words[0].neighbours, (std::vector<std::string>{"automobile", "bank"}));
  ASSERT_EQ(r.polysemy.size(), 1u);
  EXPECT_EQ(r.polysemy[0].word, "bank");

  // BM25 on the words themselves: only texts sharing a term have a cosine above 0.
  const std::vector<std::string> phrases = {"car", "car park", "park"};
  const NeighbourSpace bm25 = model_space(ModelSpec::parse("bm25"), phrases, options);
  EXPECT_EQ(bm25.kind, "words");
  EXPECT_EQ(bm25.names.size(), 6u);  // the phrases and bank, python, mouse
  const NeighbourReport b = probe_neighbours(bm25, phrases, nullptr, options);
  EXPECT_EQ(b.words[0].neighbours, (std::vector<std::string>{"car park"}));
  EXPECT_EQ(b.words[2].neighbours, (std::vector<std::string>{"car park"}));
  EXPECT_EQ(b.words[1].neighbours.size(), 2u);
  EXPECT_TRUE(b.polysemy[0].neighbours.empty());
}

TEST(WordList, ReadsTrimsSkipsAndSamplesWithASeed) {
  const testing::TempDir dir("embeval-word-list");
  const auto file = dir.write("w.txt", "\xEF\xBB\xBF# words\ncar\n  truck \n\ncar\nbus\nvan\n");
  const WordList list = read_word_list(file);
  EXPECT_EQ(list.words, (std::vector<std::string>{"car", "truck", "bus", "van"}));
  EXPECT_EQ(list.source, "file:" + file.string());
  const WordList a = sample_word_list(list, 2, 7);
  const WordList b = sample_word_list(list, 2, 7);
  EXPECT_EQ(a.words, b.words);
  EXPECT_EQ(a.words.size(), 2u);
  EXPECT_EQ(a.available, 4u);
  EXPECT_EQ(a.sampled, 2u);
  // Kept in list order.
  const std::vector<std::string>& all = list.words;
  EXPECT_LT(std::find(all.begin(), all.end(), a.words[0]),
            std::find(all.begin(), all.end(), a.words[1]));
  // Over many seeds every word is drawn: a sample, not a prefix.
  std::set<std::string> drawn;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    for (const std::string& w : sample_word_list(list, 1, seed).words) drawn.insert(w);
  }
  EXPECT_EQ(drawn.size(), 4u);
  EXPECT_EQ(sample_word_list(list, 0, 1).words.size(), 4u);
  EXPECT_THROW((void)read_word_list(dir.write("empty.txt", "# nothing\n\n")), InputError);
  EXPECT_THROW((void)read_word_list(dir.write("bad.txt", "ok\n\xFF\n")), InputError);
  EXPECT_THROW((void)read_word_list(dir / "missing.txt"), InputError);
}

}  // namespace
}  // namespace embeval
