// The ann pipeline end to end in-process on a generated word-vector dataset: every ANN point is
// measured against the exact oracle, the sweep summary is consistent, truncation and precision
// rows are present, sparse models get posting statistics, bad input fails before encoding.
#include "embeval/ann_evaluation.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ann/word_dataset.h"
#include "embeval/dataset.h"
#include "embeval/dataset_encoding.h"
#include "embeval/error.h"
#include "embeval/exact_index.h"
#include "embeval/metrics.h"
#include "embeval/registry.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class AnnEvaluation : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("embeval_ann_eval_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    data_ = testing::write_word_dataset(dir_);
    BeirLoadOptions load;
    load.show_progress = false;
    dataset_ = load_beir(data_.beir, load);
    config_.model_spec = "static:" + data_.vectors.string() + "?pooling=mean";
    config_.out_dir = dir_ / "out";
    config_.latency_queries = 5;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  testing::WordDataset data_;
  Dataset dataset_;
  AnnConfig config_;
};

const AnnPoint& find(const std::vector<AnnPoint>& points, const std::string& label,
                     std::size_t value = 0) {
  for (const auto& p : points) {
    if (p.label == label && (value == 0 || p.search_value == value)) return p;
  }
  ADD_FAILURE() << "no point " << label << " " << value;
  return points.front();
}

TEST_F(AnnEvaluation, EveryPointIsMeasuredAgainstTheExactOracle) {
  config_.index_specs = {"flat", "hnsw?M=8", "IVF_FLAT?nlist=4", "binary?rescore=50"};
  config_.sweep = true;
  config_.truncation = {8, 16};
  const AnnResults r = run_ann_evaluation(dataset_, config_);
  EXPECT_EQ(r.dimension, 16u);
  EXPECT_EQ(r.num_documents, 300u);

  // The exact row's nDCG@10, recomputed here from an independent exact search.
  std::unique_ptr<Encoder> encoder = make_encoder(config_.model_spec);
  DenseMatrix docs(0, 16);
  (void)encode_corpus(
      *encoder, document_texts(dataset_.corpus), 1000, "test", [&](EmbeddingBatch&& b) {
        docs.data.insert(docs.data.end(), b.dense->data.begin(), b.dense->data.end());
        docs.rows += b.dense->rows;
      });
  const EmbeddingBatch queries = encode_queries(*encoder, dataset_);
  const SearchResults exact = exact_knn(docs, *queries.dense, 100, Metric::kInnerProduct, 1);
  const std::vector<std::string> names = {"ndcg_cut.10"};
  EvalOptions complete;
  complete.complete = true;
  const double ndcg = evaluate(dataset_.qrels, run_from_results(dataset_, exact, 100, false, "x"),
                               parse_measures(names), complete)
                          .mean.at(0);
  ASSERT_TRUE(r.exact.has_value());
  EXPECT_DOUBLE_EQ(r.exact->ndcg_at_10, ndcg);
  EXPECT_GT(ndcg, 0.3);  // the queries are words of their target document

  const AnnPoint& flat = find(r.points, "flat");
  EXPECT_GE(flat.recall_at_10, 0.99);
  EXPECT_NEAR(flat.ndcg_at_10_delta, 0.0, 0.01);
  // Sweep: nprobe = 1, 2, 4 (= nlist) on the same built index; all lists = exact over floats.
  const AnnPoint& ivf_all = find(r.points, "ivf_flat", 4);
  EXPECT_EQ(ivf_all.index_spec, "ivf_flat?nlist=4&nprobe=4");
  EXPECT_GE(ivf_all.recall_at_10, 0.99);
  EXPECT_LE(find(r.points, "ivf_flat", 1).recall_at_10, ivf_all.recall_at_10);
  std::size_t hnsw_points = 0;
  for (const auto& p : r.points) {
    hnsw_points += p.label == "hnsw";
    EXPECT_GE(p.recall_at_10, 0.0);
    EXPECT_LE(p.recall_at_10, 1.0);
    EXPECT_DOUBLE_EQ(p.ndcg_at_10_delta, p.ndcg_at_10 - r.exact->ndcg_at_10);
    EXPECT_GT(p.index_bytes, 0u);
    EXPECT_EQ(p.cost.latency_queries, 5u);
    EXPECT_LE(p.cost.latency_p50_ms, p.cost.latency_p95_ms);
    EXPECT_LE(p.cost.latency_p95_ms, p.cost.latency_p99_ms);
  }
  EXPECT_EQ(hnsw_points, 6u);  // efSearch 16 .. 512
  EXPECT_GT(find(r.points, "binary").rescore_bytes, 0u);

  ASSERT_TRUE(r.sweep.has_value());
  EXPECT_FALSE(r.sweep->frontier.empty());
  for (std::size_t i : r.sweep->frontier) EXPECT_TRUE(r.points[i].pareto);
  ASSERT_TRUE(r.sweep->fastest_meeting_target.has_value());  // flat reaches 0.95
  EXPECT_GE(r.points[*r.sweep->fastest_meeting_target].recall_at_10, 0.95);

  ASSERT_EQ(r.truncation.size(), 2u);
  EXPECT_EQ(r.truncation[1].label, "full");
  EXPECT_DOUBLE_EQ(r.truncation[1].recall_at_10, 1.0);  // normalised vectors: same search
  EXPECT_DOUBLE_EQ(r.truncation[0].bytes_per_vector, 32.0);
  EXPECT_LT(r.truncation[0].recall_at_10, 1.0);

  ASSERT_EQ(r.precision.size(), 5u);
  EXPECT_EQ(r.precision[0].label, "f32");
  EXPECT_EQ(r.precision[4].label, "binary+rescore");
  EXPECT_GE(r.precision[0].recall_at_10, 0.99);
  EXPECT_GE(r.precision[4].recall_at_10, r.precision[3].recall_at_10);
  EXPECT_LT(r.precision[2].bytes_per_vector, r.precision[1].bytes_per_vector);  // int8 < f16
  EXPECT_LT(r.precision[1].bytes_per_vector, r.precision[0].bytes_per_vector);  // f16 < f32

  std::ifstream in(config_.out_dir / "ann.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("format"), "embeval-ann");
  EXPECT_EQ(j.at("version"), 1);
  EXPECT_EQ(j.at("points").size(), r.points.size());
  EXPECT_EQ(j.at("precision").at(4).at("label"), "binary+rescore");
  EXPECT_EQ(j.at("sweep").at("frontier").size(), r.sweep->frontier.size());
}

TEST_F(AnnEvaluation, SparseModelsGetPostingStatistics) {
  config_.model_spec = "bm25";
  config_.index_specs = {"hnsw"};
  config_.index_specs_are_default = true;  // quietly not applicable
  const AnnResults r = run_ann_evaluation(dataset_, config_);
  EXPECT_TRUE(r.points.empty());
  ASSERT_TRUE(r.sparse.has_value());
  EXPECT_EQ(r.sparse->postings.documents, 300u);
  EXPECT_NEAR(r.sparse->average_terms_per_query, 3.0, 0.1);  // three words (some repeat)
  EXPECT_LE(r.sparse->longest_query, 3u);
  ASSERT_EQ(r.sparse->searches.size(), 2u);
  EXPECT_DOUBLE_EQ(r.sparse->identical_top10_share, 1.0);  // MaxScore is exact
  EXPECT_GT(r.sparse->ndcg_at_10, 0.3);
  ASSERT_FALSE(r.sparse->longest_lists.empty());
  EXPECT_TRUE(std::is_sorted(r.sparse->longest_lists.rbegin(), r.sparse->longest_lists.rend()));

  config_.index_specs_are_default = false;  // asked for explicitly: an error
  EXPECT_THROW((void)run_ann_evaluation(dataset_, config_), InputError);
}

TEST_F(AnnEvaluation, BadInputFailsWithInputError) {
  config_.index_specs = {"hnsw", "annoy"};
  EXPECT_THROW((void)run_ann_evaluation(dataset_, config_), InputError);
  config_.index_specs = {"flat"};
  config_.truncation = {32};
  EXPECT_THROW((void)run_ann_evaluation(dataset_, config_), InputError);
  config_.truncation = {};
  config_.recall_target = 1.5;
  EXPECT_THROW((void)run_ann_evaluation(dataset_, config_), InputError);
}

TEST(SweepSummary, FrontierAndCheapestPointsOnHandMadePoints) {
  const auto point = [](double recall, double qps, std::size_t bytes) {
    AnnPoint p;
    p.recall_at_10 = recall;
    p.cost.batch_queries_per_s = qps;
    p.index_bytes = bytes;
    return p;
  };
  std::vector<AnnPoint> points = {point(0.90, 1000, 10), point(0.95, 500, 300), point(0.85, 400, 5),
                                  point(0.99, 100, 200), point(0.95, 450, 300)};
  const SweepSummary s = summarise_sweep(points, 0.95);
  EXPECT_EQ(s.frontier, (std::vector<std::size_t>{0, 1, 3}));  // C and E are dominated
  EXPECT_TRUE(points[0].pareto);
  EXPECT_FALSE(points[2].pareto);
  EXPECT_FALSE(points[4].pareto);
  EXPECT_EQ(s.fastest_meeting_target, 1u);
  EXPECT_EQ(s.smallest_meeting_target, 3u);
  EXPECT_FALSE(summarise_sweep(points, 0.999).fastest_meeting_target.has_value());
}

TEST(Truncation, KeepsTheFirstDimensionsAndRenormalises) {
  DenseMatrix m(2, 3);
  m.data = {3, 4, 12, 0, 0, 5};
  const DenseMatrix t = truncate_and_normalise(m, 2);
  ASSERT_EQ(t.cols, 2u);
  EXPECT_FLOAT_EQ(t.row(0)[0], 0.6f);
  EXPECT_FLOAT_EQ(t.row(0)[1], 0.8f);
  EXPECT_FLOAT_EQ(t.row(1)[0], 0.0f);  // a zero row stays zero
  EXPECT_FLOAT_EQ(t.row(1)[1], 0.0f);
  EXPECT_EQ(default_truncation_dims(100), (std::vector<std::size_t>{32, 64, 100}));
  EXPECT_EQ(default_truncation_dims(256), (std::vector<std::size_t>{32, 64, 128, 256}));
}

}  // namespace
}  // namespace embeval
