#include "embeval/encoders/bm25_encoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"

namespace embeval {
namespace {

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

// Score of query q against document d from the sparse rows (dot product).
double dot(const SparseMatrix& q, std::size_t qi, const SparseMatrix& d, std::size_t di) {
  double s = 0;
  const auto qa = q.row_indices(qi), da = d.row_indices(di);
  const auto qv = q.row_values(qi), dv = d.row_values(di);
  for (std::size_t i = 0; i < qa.size(); ++i) {
    for (std::size_t j = 0; j < da.size(); ++j) {
      if (qa[i] == da[j]) s += static_cast<double>(qv[i]) * dv[j];
    }
  }
  return s;
}

TEST(Bm25Encoder, ScoresMatchTheLuceneFormulaByHand) {
  // "standard" analyzer: no stemming or stopwords, so the counts below are plain to see.
  Bm25Encoder bm25(Bm25Params::from_spec(ModelSpec::parse("bm25?analyzer=standard&k1=1.2&b=0.75")));
  const std::vector<std::string> docs = {"apple banana apple", "banana cherry",
                                         "cherry cherry cherry date"};
  bm25.fit(views(docs));
  const double N = 3, avgdl = (3.0 + 2.0 + 4.0) / 3.0, k1 = 1.2, b = 0.75;
  const auto idf = [&](double df) { return std::log(1 + (N - df + 0.5) / (df + 0.5)); };
  const auto w = [&](double tf, double dl, double df) {
    return idf(df) * tf / (tf + k1 * (1 - b + b * dl / avgdl));
  };
  EXPECT_NEAR(*bm25.idf("banana"), idf(2), 1e-12);
  EXPECT_FALSE(bm25.idf("zebra").has_value());
  EXPECT_DOUBLE_EQ(bm25.average_document_length(), avgdl);

  const EmbeddingBatch d = bm25.encode(views(docs), Role::kDocument);
  const std::vector<std::string> queries = {"apple cherry", "cherry cherry zebra"};
  const EmbeddingBatch q = bm25.encode(views(queries), Role::kQuery);
  ASSERT_TRUE(d.sparse && q.sparse);
  EXPECT_EQ(d.sparse->rows, 3u);
  EXPECT_EQ(d.sparse->dim, 4u);  // apple banana cherry date
  EXPECT_NEAR(dot(*q.sparse, 0, *d.sparse, 0), w(2, 3, 1), 1e-6);
  EXPECT_NEAR(dot(*q.sparse, 0, *d.sparse, 1), w(1, 2, 2), 1e-6);
  EXPECT_NEAR(dot(*q.sparse, 0, *d.sparse, 2), w(3, 4, 2), 1e-6);
  // A repeated query term counts twice; unknown terms vanish.
  EXPECT_NEAR(dot(*q.sparse, 1, *d.sparse, 2), 2 * w(3, 4, 2), 1e-6);
  EXPECT_EQ(q.sparse->row_indices(1).size(), 1u);
}

TEST(Bm25Encoder, NoLegalParameterFlattensTheWeights) {
  // At the extreme k1 and b, weights stay positive and keep the tf * idf / length order.
  std::vector<std::string> docs = {"apple", "apple apple banana", "banana cherry"};
  std::string long_doc;
  for (int i = 0; i < 5000; ++i) long_doc += "apple filler" + std::to_string(i % 97) + " ";
  docs.push_back(long_doc);
  for (const char* spec :
       {"bm25?analyzer=standard&k1=1000&b=1", "bm25?analyzer=standard&k1=1000&b=0",
        "bm25?analyzer=standard&k1=0&b=1"}) {
    Bm25Encoder bm25(Bm25Params::from_spec(ModelSpec::parse(spec)), 1);
    bm25.fit(views(docs));
    const auto d = bm25.encode(views(docs), Role::kDocument);
    const SparseMatrix& m = *d.sparse;
    for (float v : m.values) {
      EXPECT_GT(v, 0.0f) << spec;
      EXPECT_TRUE(std::isnormal(v)) << spec;
    }
    // "apple" (term id 0 in sorted order) against the formula in double: only float32
    // rounding (relative 6e-8) separates them, whatever k1 and b.
    const Bm25Params p = Bm25Params::from_spec(ModelSpec::parse(spec));
    const double dl[] = {1, 3, 2, 10000}, tf[] = {1, 2, 0, 5000};
    for (std::size_t row : {0u, 1u, 3u}) {
      float stored = 0.0f;
      for (std::size_t j = m.indptr[row]; j < m.indptr[row + 1]; ++j) {
        if (m.indices[j] == 0) stored = m.values[j];
      }
      const double expected =
          *bm25.idf("apple") * tf[row] /
          (tf[row] + p.k1 * (1 - p.b + p.b * dl[row] / bm25.average_document_length()));
      EXPECT_NEAR(stored, expected, 1e-6 * expected) << spec << " row " << row;
    }
  }
}

TEST(Bm25Encoder, EmptyDocumentsAndCorpusGiveFiniteWeights) {
  Bm25Encoder bm25(Bm25Params{});
  const std::vector<std::string> docs = {"", "the of and"};  // all stopwords
  bm25.fit(views(docs));
  const auto d = bm25.encode(views(docs), Role::kDocument);
  EXPECT_EQ(d.sparse->rows, 2u);
  EXPECT_EQ(d.sparse->nnz(), 0u);
  const std::vector<std::string> more = {"new words"};
  const auto m = bm25.encode(views(more), Role::kDocument);
  EXPECT_EQ(m.sparse->nnz(), 0u);
  const auto card = bm25.card();
  EXPECT_EQ(card.family, "sparse");
  EXPECT_EQ(card.vocabulary_size, 0u);
}

TEST(Bm25Encoder, ThreadCountDoesNotChangeAnything) {
  std::vector<std::string> docs;
  for (int i = 0; i < 500; ++i) {
    docs.push_back("document " + std::to_string(i % 37) + " words w" + std::to_string(i % 11) +
                   " and more words " + std::to_string(i));
  }
  Bm25Encoder one(Bm25Params{}, 1), four(Bm25Params{}, 4);
  one.fit(views(docs));
  four.fit(views(docs));
  const auto a = one.encode(views(docs), Role::kDocument);
  const auto b = four.encode(views(docs), Role::kDocument);
  EXPECT_EQ(a.sparse->indices, b.sparse->indices);
  EXPECT_EQ(a.sparse->values, b.sparse->values);
  EXPECT_EQ(a.sparse->indptr, b.sparse->indptr);
}

}  // namespace
}  // namespace embeval
