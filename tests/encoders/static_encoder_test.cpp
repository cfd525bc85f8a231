// StaticEncoder: pooling on hand-computed 2-d vectors (mean, tf-idf, SIF with the principal
// component removed), OOV accounting, spec round trip and model card.
#include "embeval/encoders/static_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "encoders/static_encoder_pca.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

// cat = (1, 0), dog = (0, 1), the = (1, 1).
WordVectors toy_vectors() {
  DenseMatrix m(3, 2);
  m.data = {1, 1, 1, 0, 0, 1};
  return WordVectors({"the", "cat", "dog"}, m);
}

std::vector<float> encode_one(StaticEncoder& encoder, std::string_view text,
                              Role role = Role::kQuery) {
  const std::string_view texts[] = {text};
  const EmbeddingBatch batch = encoder.encode(texts, role);
  EXPECT_TRUE(batch.dense.has_value());
  EXPECT_FALSE(batch.sparse.has_value());
  return batch.dense->data;
}

const std::vector<std::string_view> kCorpus = {"cat the", "dog the", "the"};

TEST(StaticEncoder, MeanPoolingAveragesTokenVectors) {
  StaticEncoder raw(ModelSpec::parse("static:toy?normalize=false"), toy_vectors());
  const std::vector<float> v = encode_one(raw, "The CAT");  // case folded by the analyzer
  EXPECT_FLOAT_EQ(v[0], 1.0f);
  EXPECT_FLOAT_EQ(v[1], 0.5f);
  StaticEncoder unit(ModelSpec::parse("static:toy"), toy_vectors());
  const std::vector<float> u = encode_one(unit, "the cat");
  EXPECT_NEAR(u[0], 2 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(u[1], 1 / std::sqrt(5.0), 1e-6);
  // Repeated words count once per occurrence: (the + cat + cat) / 3.
  const std::vector<float> r = encode_one(raw, "the cat cat");
  EXPECT_FLOAT_EQ(r[0], 1.0f);
  EXPECT_FLOAT_EQ(r[1], 1.0f / 3.0f);
}

TEST(StaticEncoder, OovTokensAreCountedPerRoleAndAllOovGivesZero) {
  StaticEncoder encoder(ModelSpec::parse("static:toy"), toy_vectors());
  (void)encode_one(encoder, "the zebra cat", Role::kQuery);
  const std::vector<float> z = encode_one(encoder, "zebra okapi", Role::kDocument);
  EXPECT_EQ(z, (std::vector<float>{0, 0}));
  const OovCounts& oov = encoder.oov_counts();
  EXPECT_EQ(oov.query_tokens, 3u);
  EXPECT_EQ(oov.query_oov, 1u);
  EXPECT_EQ(oov.document_tokens, 2u);
  EXPECT_EQ(oov.document_oov, 2u);
  EXPECT_DOUBLE_EQ(oov.oov_share(), 3.0 / 5.0);
}

TEST(StaticEncoder, TfIdfWeightsBySmoothedIdf) {
  StaticEncoder encoder(ModelSpec::parse("static:toy?pooling=tfidf&normalize=false"),
                        toy_vectors());
  encoder.fit(kCorpus);
  // N = 3: idf(the) = ln(4/4) + 1 = 1, idf(cat) = ln(4/2) + 1.
  const double idf_cat = std::log(2.0) + 1.0;
  const std::vector<float> v = encode_one(encoder, "the cat");
  EXPECT_NEAR(v[0], (1 + idf_cat) / (1 + idf_cat), 1e-6);
  EXPECT_NEAR(v[1], 1 / (1 + idf_cat), 1e-6);
  // Refit on a corpus without "dog": a word with a vector but absent from the corpus gets the
  // largest idf, ln((1 + 2) / 1) + 1.
  const std::vector<std::string_view> no_dog = {"cat the", "the"};
  encoder.fit(no_dog);
  const double idf_unseen = std::log(3.0) + 1.0;
  const std::vector<float> w = encode_one(encoder, "the dog");
  EXPECT_NEAR(w[0], 1 / (1 + idf_unseen), 1e-6);
  EXPECT_NEAR(w[1], 1.0, 1e-6);
}

TEST(StaticEncoder, SifWeightsAndRemovesTheFirstPrincipalComponent) {
  StaticEncoder encoder(ModelSpec::parse("static:toy?pooling=sif&sif_a=0.5&normalize=false"),
                        toy_vectors());
  encoder.fit(kCorpus);
  // p(the) = 3/5, p(cat) = p(dog) = 1/5: weights 0.5/1.1 and 0.5/0.7. The fitted averages are
  // symmetric in the two axes, so the first component is (1, 1)/sqrt(2).
  const std::vector<float>& u = encoder.principal_component();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_NEAR(std::abs(u[0]), 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(u[0], u[1], 1e-6);
  // "the cat" = (w_the (1,1) + w_cat (1,0)) / 2; removing (1,1) leaves ((x-y)/2, (y-x)/2).
  const double w_cat = 0.5 / 0.7;
  const std::vector<float> v = encode_one(encoder, "the cat");
  EXPECT_NEAR(v[0], w_cat / 4, 1e-6);
  EXPECT_NEAR(v[1], -w_cat / 4, 1e-6);
  // "the" lies on the component: nothing is left.
  const std::vector<float> t = encode_one(encoder, "the");
  EXPECT_NEAR(t[0], 0.0, 1e-6);
  EXPECT_NEAR(t[1], 0.0, 1e-6);
}

TEST(StaticEncoder, SpecRoundTripsAndCardDescribesTheModel) {
  const testing::TempDir dir("embeval-static");
  const fs::path file = dir / "glove.2d.txt";
  std::ofstream(file) << "the 1 1\ncat 1 0\ndog 0 1\n";
  const std::string text = "static:" + file.string() + "?pooling=sif&normalize=false";
  StaticEncoder encoder(ModelSpec::parse(text));
  // Canonical: every default written out, the format resolved from the content.
  const std::string canonical = "static:" + file.string() +
                                "?analyzer=standard&format=glove&max_words=0&normalize=false&"
                                "pooling=sif&sif_a=0.001";
  EXPECT_EQ(encoder.spec(), canonical);
  EXPECT_EQ(StaticEncoder::canonical_spec(ModelSpec::parse(text)), canonical);
  EXPECT_EQ(StaticEncoder(ModelSpec::parse(encoder.spec())).spec(), canonical);
  // Equivalent specs have one canonical form; sif_a keeps every digit.
  EXPECT_EQ(StaticEncoder::canonical_spec(ModelSpec::parse(
                "static:" + file.string() + "?normalize=0&pooling=sif&sif_a=1e-3&format=auto")),
            canonical);
  EXPECT_NE(StaticEncoder::canonical_spec(
                ModelSpec::parse("static:" + file.string() + "?sif_a=0.00123456789"))
                .find("sif_a=0.00123456789"),
            std::string::npos);
  const ModelCard card = encoder.card();
  EXPECT_EQ(card.family, "dense");
  EXPECT_EQ(card.architecture, "glove");
  EXPECT_EQ(card.tokenizer, "word");
  EXPECT_FALSE(card.context_window_tokens.has_value());
  EXPECT_EQ(card.dimension, 2u);
  EXPECT_EQ(card.vocabulary_size, 3u);
}

// The d x d power iteration SIF used before (O(n d^2) time, d^2 memory): the oracle.
std::vector<double> gram_power_iteration(const std::vector<float>& x, std::size_t n,
                                         std::size_t d) {
  std::vector<double> gram(d * d, 0.0), v(d, 0.0), w(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < d; ++a) {
      v[a] += x[i * d + a];
      for (std::size_t b = 0; b < d; ++b) gram[a * d + b] += double(x[i * d + a]) * x[i * d + b];
    }
  }
  auto normalize = [](std::vector<double>& u) {
    double s = 0;
    for (double e : u) s += e * e;
    for (double& e : u) e /= std::sqrt(s);
  };
  normalize(v);
  for (int iter = 0; iter < 1000; ++iter) {
    for (std::size_t a = 0; a < d; ++a) {
      w[a] = 0;
      for (std::size_t b = 0; b < d; ++b) w[a] += gram[a * d + b] * v[b];
    }
    normalize(w);
    double change = 0;
    for (std::size_t a = 0; a < d; ++a) change += std::abs(w[a] - v[a]);
    v.swap(w);
    if (change < 1e-12) break;
  }
  return v;
}

TEST(StaticEncoderPca, MatchesTheGramMatrixPowerIteration) {
  std::mt19937 rng(20261202);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (const auto [n, d] : {std::pair<std::size_t, std::size_t>{50, 8}, {200, 30}, {7, 40}}) {
    // Rows around a common direction, as SIF averages are, plus noise.
    std::vector<float> x(n * d);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t a = 0; a < d; ++a) x[i * d + a] = 0.5f + 0.1f * a / d + noise(rng) * 0.3f;
    }
    const std::vector<float> pc = static_encoder_detail::first_principal_component(x, n, d);
    const std::vector<double> ref = gram_power_iteration(x, n, d);
    ASSERT_EQ(pc.size(), d);
    for (std::size_t a = 0; a < d; ++a) EXPECT_NEAR(pc[a], ref[a], 1e-6) << n << "x" << d;
  }
  // All-zero rows have no component.
  EXPECT_TRUE(
      static_encoder_detail::first_principal_component(std::vector<float>(12, 0.0f), 3, 4).empty());
}

TEST(StaticEncoderPca, TwentyThousandDimensionsNeedNoSquareMatrix) {
  // d = 20,000: the d x d matrix would take 3.2 GB. One dominant direction: converges at once.
  const std::size_t n = 40, d = 20000;
  std::vector<float> x(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < d; ++a) x[i * d + a] = (a % 2 == 0 ? 1.0f : 0.0f) + (i == a % n);
  }
  const std::vector<float> pc = static_encoder_detail::first_principal_component(x, n, d);
  ASSERT_EQ(pc.size(), d);
  double dot = 0;
  for (std::size_t a = 0; a < d; a += 2) dot += pc[a] / std::sqrt(d / 2.0);
  EXPECT_GT(dot, 0.99);
}

TEST(StaticEncoder, BadSpecsAreInputErrors) {
  EXPECT_THROW(StaticEncoder(ModelSpec::parse("static:toy?pooling=max"), toy_vectors()),
               InputError);
  EXPECT_THROW(StaticEncoder(ModelSpec::parse("static:toy?window=3"), toy_vectors()), InputError);
  EXPECT_THROW(StaticEncoder(ModelSpec::parse("static:toy?sif_a=-1"), toy_vectors()), InputError);
  EXPECT_THROW(StaticEncoder(ModelSpec::parse("static:toy?analyzer=klingon"), toy_vectors()),
               InputError);
  EXPECT_THROW(StaticEncoder(ModelSpec::parse("static:/no/such/file.txt")), InputError);
  EXPECT_THROW(StaticEncoder(ModelSpec::parse("static")), InputError);
}

}  // namespace
}  // namespace embeval
