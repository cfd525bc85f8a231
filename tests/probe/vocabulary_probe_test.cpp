// The word-vector probe of `inspect --dataset`: token and out-of-vocabulary counts per role on a
// corpus whose words are known, and the fit a corpus-fitted pooling needs.
#include "embeval/probe/vocabulary_probe.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "embeval/core/model_spec.h"
#include "embeval/encoders/static_encoder.h"

namespace embeval {
namespace {

// Vectors for "the", "cat", "dog" and "sat" only.
WordVectors toy_vectors() {
  DenseMatrix m(4, 2);
  m.data = {1, 1, 1, 0, 0, 1, 0.5f, 0.5f};
  return WordVectors({"the", "cat", "dog", "sat"}, m);
}

TEST(VocabularyProbe, CountsTokensAndOutOfVocabularyPerRole) {
  StaticEncoder encoder(ModelSpec::parse("static:toy.txt?pooling=tfidf&analyzer=standard"),
                        toy_vectors());
  // Documents: 7 words, 7 tokens; "runs", "far" and "away" have no vector.
  const std::vector<std::string_view> docs = {"The cat sat", "dog runs far away"};
  // Queries: 3 words; "zebra" has no vector.
  const std::vector<std::string_view> queries = {"cat zebra", "dog"};
  const VocabularyProbe p = probe_vocabulary(encoder, docs, queries);
  ASSERT_TRUE(p.fit_seconds.has_value());  // static encoders are fitted on the documents
  EXPECT_GE(*p.fit_seconds, 0.0);
  EXPECT_EQ(p.documents.texts, 2u);
  EXPECT_EQ(p.documents.words, 7u);
  EXPECT_EQ(p.documents.tokens, 7u);
  EXPECT_EQ(p.documents.oov, 3u);
  EXPECT_DOUBLE_EQ(p.documents.oov_share(), 3.0 / 7.0);
  EXPECT_EQ(p.queries.texts, 2u);
  EXPECT_EQ(p.queries.words, 3u);
  EXPECT_EQ(p.queries.tokens, 3u);
  EXPECT_EQ(p.queries.oov, 1u);
  EXPECT_GT(p.peak_rss_bytes, 0u);  // Linux reports it (/proc/self/status)
}

TEST(VocabularyProbe, ASecondProbeCountsOnlyItsOwnTexts) {
  StaticEncoder encoder(ModelSpec::parse("static:toy.txt?analyzer=standard"), toy_vectors());
  const std::vector<std::string_view> docs = {"the cat", "far"};
  const std::vector<std::string_view> queries = {"dog"};
  (void)probe_vocabulary(encoder, docs, queries);
  const VocabularyProbe again = probe_vocabulary(encoder, docs, queries);
  EXPECT_EQ(again.documents.tokens, 3u);
  EXPECT_EQ(again.documents.oov, 1u);
  EXPECT_EQ(again.queries.tokens, 1u);
  EXPECT_EQ(again.queries.oov, 0u);
}

}  // namespace
}  // namespace embeval
