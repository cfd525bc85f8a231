// The ann pipeline end to end in-process on a generated word-vector dataset: every ANN point is
// measured against the exact oracle, the sweep summary is consistent, truncation and precision
// rows are present, sparse models get posting statistics, bad input fails before encoding.
#include "embeval/pipeline/ann_evaluation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ann/word_dataset.h"
#include "embeval/ann/index_registry.h"
#include "embeval/ann/recall.h"
#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/eval/metrics.h"
#include "embeval/index/exact_index.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class AnnEvaluation : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = testing::write_word_dataset(dir_);
    BeirLoadOptions load;
    load.show_progress = false;
    dataset_ = load_beir(data_.beir, load);
    config_.model_spec = "static:" + data_.vectors.string() + "?pooling=mean";
    config_.out_dir = dir_ / "out";
    config_.latency_queries = 5;
  }

  embeval::testing::TempDir dir_{"embeval-ann-eval"};
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

TEST_F(AnnEvaluation, EverySpecAnnJsonRecordsRebuildsThroughTheRegistry) {
  config_.index_specs = {"flat", "hnsw?M=8", "IVF_FLAT?nlist=4", "ivf_pq?nlist=2", "binary"};
  config_.sweep = true;
  config_.truncation = {8, 16};
  const AnnResults r = run_ann_evaluation(dataset_, config_);
  std::ifstream in(config_.out_dir / "ann.json");
  const auto j = nlohmann::json::parse(in);
  std::vector<nlohmann::json> rows;
  rows.push_back(j.at("exact"));
  for (const char* section : {"points", "truncation", "precision"}) {
    for (const auto& row : j.at(section)) rows.push_back(row);
  }
  ASSERT_EQ(rows.size(), 1 + r.points.size() + r.truncation.size() + r.precision.size());
  for (const auto& row : rows) {
    const std::string spec = row.at("index_spec");
    SCOPED_TRACE(spec);
    ModelSpec canonical;
    ASSERT_NO_THROW(canonical = canonical_index_spec(spec));
    EXPECT_EQ(canonical.to_string(), spec);  // recorded in canonical form
    EXPECT_NO_THROW((void)make_ann_index(spec, Metric::kInnerProduct));
  }
  EXPECT_EQ(r.exact->index_spec, "exact?dim=auto");
  EXPECT_EQ(r.truncation[0].index_spec, "exact?dim=8");

  // The rebuilt truncation row searches as the row did: the same recall against exact.
  std::unique_ptr<Encoder> encoder = make_encoder(config_.model_spec);
  std::vector<std::string_view> texts;
  const std::vector<std::string> docs = document_texts(dataset_.corpus);
  texts.assign(docs.begin(), docs.end());
  const EmbeddingBatch d = encoder->encode(texts, Role::kDocument);
  const EmbeddingBatch q = encode_queries(*encoder, dataset_, nullptr);
  const std::unique_ptr<Index> full = make_ann_index(r.exact->index_spec, Metric::kInnerProduct);
  const std::unique_ptr<Index> dim8 =
      make_ann_index(r.truncation[0].index_spec, Metric::kInnerProduct);
  full->add(d);
  dim8->add(d);
  EXPECT_DOUBLE_EQ(mean_recall(full->search(q, 100), dim8->search(q, 100), 10),
                   r.truncation[0].recall_at_10);
}

TEST_F(AnnEvaluation, ExactSearchCompetesInTheSweep) {
  config_.index_specs = {"hnsw?M=8", "ivf_flat?nlist=4"};
  config_.sweep = true;
  const AnnResults r = run_ann_evaluation(dataset_, config_);
  ASSERT_FALSE(r.points.empty());
  EXPECT_EQ(r.points[0].label, "exact");  // a candidate like the others, first in the table
  EXPECT_DOUBLE_EQ(r.points[0].recall_at_10, 1.0);
  // Recall 1 is unbeatable: exact is on the frontier unless a point as exact is as fast.
  bool matched = false;
  for (std::size_t i = 1; i < r.points.size(); ++i) {
    matched =
        matched || (r.points[i].recall_at_10 >= 1.0 &&
                    r.points[i].cost.batch_queries_per_s >= r.points[0].cost.batch_queries_per_s);
  }
  EXPECT_EQ(r.points[0].pareto, !matched);
  // The smallest index reaching the target is never larger than exact's float matrix, which
  // reaches every target.
  ASSERT_TRUE(r.sweep->smallest_meeting_target.has_value());
  EXPECT_LE(r.points[*r.sweep->smallest_meeting_target].index_bytes, r.points[0].index_bytes);
}

TEST_F(AnnEvaluation, DefaultIndexesAdaptToASmallCorpus) {
  // 100 documents: too few for ivf_pq's 256 codebook centroids (nbits=8).
  const fs::path small_dir = dir_ / "small";
  const auto small = testing::write_word_dataset(small_dir, 100, 20, 12);
  BeirLoadOptions load;
  load.show_progress = false;
  const Dataset dataset = load_beir(small.beir, load);
  config_.model_spec = "static:" + small.vectors.string() + "?pooling=mean";
  config_.index_specs = default_ann_index_specs();
  config_.index_specs_are_default = true;
  const AnnResults r = run_ann_evaluation(dataset, config_);
  bool pq = false, binary = false;
  for (const auto& p : r.points) {
    pq = pq || p.index_spec.starts_with("ivf_pq?m=auto&nbits=6&");  // 2^6 = 64 <= 100
    binary = binary || p.index_spec == "binary?pad=1&rescore=0";    // 12 dims: padded
  }
  EXPECT_TRUE(pq) << "ivf_pq not adapted";
  EXPECT_TRUE(binary);
  std::string notes;
  for (const auto& n : r.notes) notes += n + "\n";
  EXPECT_NE(notes.find("nbits lowered to 6"), std::string::npos) << notes;
  EXPECT_NE(notes.find("3 codebooks of 64 centroids trained on 100 vectors"), std::string::npos)
      << notes;

  // Asked for by name, the same index is an error, not an adaptation.
  config_.index_specs = {"ivf_pq"};
  config_.index_specs_are_default = false;
  EXPECT_THROW((void)run_ann_evaluation(dataset, config_), InputError);
}

TEST_F(AnnEvaluation, IndexesAreCheckedAgainstTheModelsDimensionBeforeEncoding) {
  const fs::path odd_dir = dir_ / "odd";
  const auto odd = testing::write_word_dataset(odd_dir, 300, 40, 12);
  BeirLoadOptions load;
  load.show_progress = false;
  const Dataset dataset = load_beir(odd.beir, load);
  config_.model_spec = "static:" + odd.vectors.string() + "?pooling=mean";
  for (const auto& [spec, message] : std::vector<std::pair<std::string, std::string>>{
           {"binary", "multiple of 8, the model has 12"},
           {"ivf_pq?m=5", "do not divide the dimension 12"},
           {"exact?dim=13", "exceeds the model's 12 dimensions"},
           {"ivf_flat?nlist=301", "larger than the 300 documents"}}) {
    config_.index_specs = {"hnsw", spec};
    try {
      (void)run_ann_evaluation(dataset, config_);
      ADD_FAILURE() << spec << " accepted";
    } catch (const InputError& e) {
      // The card's dimension, before encoding (the build-time check says "the vectors have").
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(config_.out_dir / "ann.json"));
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
