// `eval` with GGUF models: truncation is recorded, the embedding cache makes a rerun encode
// nothing and give the same run, and chunk_agg=max scores a document by its best window.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "embeval/pipeline/ann_evaluation.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/gguf/gguf_encoder.h"
#include "embeval/eval/run.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using testing_gguf::tiny_model;
using testing_gguf::work_dir;

Dataset long_documents() {
  Dataset d;
  d.name = "long";
  d.corpus = {{"d1", "", "one two three four five six seven eight nine ten eleven twelve"},
              {"d2", "", "the cat sat on the mat"},
              {"d3", "", "model retrieval of documents with embedding vectors and search"},
              {"d4", "", "short"}};
  d.queries = {{"q1", "seven eight"}, {"q2", "cat on a mat"}, {"q3", "vector search"}};
  d.qrels.judgments["q1"] = {{"d1", 1}};
  d.qrels.judgments["q2"] = {{"d2", 1}};
  d.qrels.judgments["q3"] = {{"d3", 1}};
  return d;
}

std::filesystem::path fresh(const std::string& name) {
  const auto dir = work_dir() / name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(GgufEval, RecordsTruncationAndResumesFromTheEmbeddingCache) {
  const std::string spec = "gguf:" + tiny_model("tiny-bert-mean.gguf").string() + "?max_tokens=6";
  EvaluationConfig config;
  config.model_specs = {spec};
  config.out_dir = fresh("eval-cache");
  config.cache_dir = config.out_dir / "cache";
  config.resume = false;
  const Dataset data = long_documents();
  const EvaluationResults first = run_evaluation(data, "long", config);
  const ModelResult& a = first.models.at(0);
  // max_tokens 6 = [CLS] + 4 content tokens + [SEP]: d1, d2 and d3 are cut, d4 is not.
  ASSERT_TRUE(a.document_lengths.has_value());
  EXPECT_EQ(a.document_lengths->texts, 4u);
  EXPECT_EQ(a.document_lengths->truncated, 3u);
  EXPECT_EQ(a.document_lengths->split, 0u);
  ASSERT_TRUE(a.query_lengths.has_value());
  EXPECT_EQ(a.query_lengths->texts, 3u);
  EXPECT_EQ(a.cached_documents, 0u);
  EXPECT_GT(a.timings.documents_per_s, 0);

  // Not resumed from the saved result: every embedding comes back from the cache instead.
  const EvaluationResults second = run_evaluation(data, "long", config);
  const ModelResult& b = second.models.at(0);
  EXPECT_FALSE(b.resumed);
  EXPECT_EQ(b.cached_documents, 4u);
  EXPECT_EQ(b.cached_queries, 3u);
  EXPECT_EQ(b.timings.documents_per_s, 0);            // nothing was encoded
  EXPECT_EQ(b.document_lengths, a.document_lengths);  // measured on the texts, cache or not
  const TrecRun ra = read_run(a.run_file), rb = read_run(b.run_file);
  ASSERT_EQ(ra.by_query.size(), rb.by_query.size());
  for (const auto& [qid, entries] : ra.by_query) {
    const auto& other = rb.by_query.at(qid);
    ASSERT_EQ(entries.size(), other.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(entries[i].docno, other[i].docno);
      EXPECT_EQ(entries[i].score, other[i].score);
    }
  }
}

TEST(GgufEval, ChunkAggMaxScoresADocumentByItsBestWindow) {
  const std::string spec =
      "gguf:" + tiny_model("tiny-bert-mean.gguf").string() + "?chunk_agg=max&stride=2&window=5";
  EvaluationConfig config;
  config.model_specs = {spec};
  config.out_dir = fresh("eval-max");
  const Dataset data = long_documents();
  const ModelResult m = run_evaluation(data, "long", config).models.at(0);
  ASSERT_TRUE(m.document_lengths.has_value());
  EXPECT_EQ(m.document_lengths->split, 3u);  // every document but "short"

  // Independently: every window's vector, the best per document, ranked.
  GgufEncoder enc(ModelSpec::parse(spec));
  std::vector<std::string_view> docs, queries;
  for (const auto& d : data.corpus) docs.push_back(d.text);
  for (const auto& q : data.queries) queries.push_back(q.text);
  const ChunkedEmbeddings chunks = enc.encode_chunks(docs, Role::kDocument);
  const DenseMatrix qv = *enc.encode(queries, Role::kQuery).dense;
  const TrecRun run = read_run(m.run_file);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<std::pair<float, std::string>> expected;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      float best = -1e30f;
      for (std::size_t c = chunks.offsets[d]; c < chunks.offsets[d + 1]; ++c) {
        float s = 0;
        for (std::size_t i = 0; i < qv.cols; ++i) s += qv.row(q)[i] * chunks.chunks.row(c)[i];
        best = std::max(best, s);
      }
      expected.push_back({best, data.corpus[d].id});
    }
    std::sort(expected.begin(), expected.end(), [](const auto& x, const auto& y) {
      return x.first > y.first || (x.first == y.first && x.second < y.second);
    });
    const auto& got = run.by_query.at(data.queries[q].id);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].docno, expected[i].second) << "query " << q << " rank " << i;
      // Query and chunk each within batch_tolerance() per component of what the run's batches
      // gave; the inner products are within sqrt(d) times that, twice, plus their float sums.
      EXPECT_NEAR(
          got[i].score, expected[i].first,
          2 * std::sqrt(32.0) * testing_gguf::batch_tolerance() + 2 * testing_gguf::gamma(32));
    }
  }
}

// `ann` over a transformer's vectors: a flat FAISS index finds exactly what exact search finds,
// and the truncation and precision rows are measured against the same oracle.
TEST(GgufEval, AnnOverATinyTransformerAgreesWithExactSearch) {
  Dataset data = long_documents();
  // Enough documents for an IVF index with 4 lists: 40 short variations on the four texts.
  const std::vector<Document> base = data.corpus;
  for (int copy = 0; copy < 10; ++copy) {
    for (const auto& d : base) {
      data.corpus.push_back(
          {d.id + "-" + std::to_string(copy), "", d.text + " " + std::to_string(copy)});
    }
  }
  AnnConfig config;
  config.model_spec = "gguf:" + tiny_model("tiny-bert-cls.gguf").string();
  config.index_specs = {"flat", "ivf_flat?nlist=4&nprobe=4", "hnsw?M=8"};
  config.truncation = {16};
  config.latency_queries = 3;
  config.out_dir = fresh("ann");
  config.cache_dir = config.out_dir / "cache";
  const AnnResults r = run_ann_evaluation(data, config);
  EXPECT_EQ(r.dimension, 32u);
  EXPECT_EQ(r.num_documents, 44u);
  ASSERT_EQ(r.points.size(), 4u);  // the exact row first, then the three indexes
  for (const AnnPoint& p : r.points) {
    SCOPED_TRACE(p.index_spec);
    // 44 documents, every list probed, HNSW on a tiny graph: all exact.
    EXPECT_DOUBLE_EQ(p.recall_at_10, 1.0);
    EXPECT_DOUBLE_EQ(p.ndcg_at_10_delta, 0.0);
  }
  ASSERT_FALSE(r.truncation.empty());
  EXPECT_EQ(r.truncation.front().dimension, 16u);
  EXPECT_LT(r.truncation.front().recall_at_10, 1.0);  // half the dimensions lose neighbours
  EXPECT_FALSE(r.precision.empty());
}

}  // namespace
}  // namespace embeval
