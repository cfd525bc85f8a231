// Hybrid models in the ann pipeline: the dense component's ANN run at each index configuration
// fused with the sparse component's exact run. Expected values are rebuilt here from the pieces
// (encoders, indexes, fuse_runs, trec_eval metrics), and the exact-fused hybrid must equal the
// number eval reports for the same hybrid. Refusals: tuned hybrids, zero or two dense components.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ann/word_dataset.h"
#include "embeval/ann/index_registry.h"
#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/eval/metrics.h"
#include "embeval/fusion/fuse_runs.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/ann_evaluation.h"
#include "embeval/pipeline/evaluation.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// The run `index_spec` gives for model `spec` on `dataset` at depth 100 (ann's and eval's).
TrecRun run_of(const Dataset& dataset, const std::string& spec, const std::string& index_spec) {
  auto encoder = open_encoder(ModelSpec::parse(spec), {}, 4096, EncoderOptions{1});
  const std::vector<std::string> texts = document_texts(dataset.corpus);
  std::unique_ptr<Index> index;
  (void)encode_corpus(*encoder, texts, 4096, "t", [&](EmbeddingBatch&& batch) {
    if (!index) {
      index = make_ann_index(index_spec.empty() ? index_spec_for(batch).to_string() : index_spec,
                             Metric::kInnerProduct, 1);
    }
    index->add(batch);
  });
  const EmbeddingBatch queries = encode_queries(*encoder, dataset);
  return run_from_results(dataset, index->search(queries, 100), 100, false, "t");
}

double ndcg10(const Dataset& dataset, const TrecRun& run) {
  EvalOptions options;
  options.complete = true;
  return evaluate(dataset.qrels, run, parse_measures(std::vector<std::string>{"ndcg_cut.10"}),
                  options)
      .mean.at(0);
}

// Mean over queries of |top 10 of a ∩ top 10 of b| / |top 10 of b|, by hand on the TrecRuns
// (to_trec_run keeps the fused order).
double top10_recall(const TrecRun& a, const TrecRun& b) {
  double sum = 0;
  std::size_t n = 0;
  for (const auto& [qid, wanted] : b.by_query) {
    const std::size_t m = std::min<std::size_t>(10, wanted.size());
    if (m == 0) continue;
    std::set<std::string> want;
    for (std::size_t i = 0; i < m; ++i) want.insert(wanted[i].docno);
    std::size_t found = 0;
    const auto it = a.by_query.find(qid);
    if (it != a.by_query.end()) {
      for (std::size_t i = 0; i < std::min<std::size_t>(10, it->second.size()); ++i) {
        found += want.count(it->second[i].docno);
      }
    }
    sum += static_cast<double>(found) / static_cast<double>(m);
    ++n;
  }
  return sum / static_cast<double>(n);
}

class AnnHybrid : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = testing::write_word_dataset(dir_);
    BeirLoadOptions load;
    load.show_progress = false;
    dataset_ = load_beir(data_.beir, load);
    dense_ = "static:" + data_.vectors.string() + "?pooling=mean";
    config_.out_dir = dir_ / "out";
    config_.latency_queries = 3;
    config_.skip_truncation = true;
    config_.precision = false;
  }

  embeval::testing::TempDir dir_{"embeval-ann-hybrid"};
  testing::WordDataset data_;
  Dataset dataset_;
  std::string dense_;
  AnnConfig config_;
};

TEST_F(AnnHybrid, EachConfigurationFusesItsDenseRunWithTheExactSparseRun) {
  const std::string ivf = "ivf_flat?nlist=16&nprobe=1";
  const std::string hybrid = "hybrid:wsum(bm25," + dense_ + ")?norm=minmax&weights=0.4,0.6";
  config_.model_spec = hybrid;
  config_.index_specs = {"flat", ivf};
  const AnnResults r = run_ann_evaluation(dataset_, config_);
  ASSERT_TRUE(r.hybrid.has_value());
  const HybridAnnSummary& h = *r.hybrid;
  EXPECT_EQ(h.dense_component, 1u);
  EXPECT_EQ(h.spec, HybridSpec::parse(hybrid).to_string());
  ASSERT_EQ(h.points.size(), 3u);  // exact, flat, ivf_flat
  ASSERT_EQ(r.points.size(), 3u);
  EXPECT_EQ(h.points[0].label, "exact");
  EXPECT_EQ(h.points[2].label, "ivf_flat");
  EXPECT_EQ(h.points[2].search_parameter, "nprobe");
  EXPECT_EQ(h.points[2].search_value, 1u);

  // Rebuilt here: bm25 exact, the dense model exact and through IVF, fused with the spec's
  // settings at depth 100.
  const TrecRun sparse = run_of(dataset_, "bm25", "");
  const TrecRun exact = run_of(dataset_, dense_, "exact");
  const TrecRun approximate = run_of(dataset_, dense_, r.points[2].index_spec);
  FusionOptions options = HybridSpec::parse(hybrid).fusion;
  options.top = 100;
  const std::vector<const TrecRun*> exact_runs = {&sparse, &exact};
  const std::vector<const TrecRun*> ivf_runs = {&sparse, &approximate};
  const TrecRun exact_fused = to_trec_run(fuse_runs(exact_runs, options), "e");
  const TrecRun ivf_fused = to_trec_run(fuse_runs(ivf_runs, options), "i");
  const double exact_ndcg = ndcg10(dataset_, exact_fused);
  const double ivf_ndcg = ndcg10(dataset_, ivf_fused);

  // IVF with one probed list out of 16 on random vectors provably loses dense neighbours, and
  // with them fused top-10 documents.
  EXPECT_LT(r.points[2].recall_at_10, 0.9);
  const double ivf_recall = top10_recall(ivf_fused, exact_fused);
  EXPECT_LT(ivf_recall, 1.0);

  EXPECT_DOUBLE_EQ(h.exact_ndcg_at_10, exact_ndcg);
  EXPECT_DOUBLE_EQ(h.points[0].ndcg_at_10, exact_ndcg);
  EXPECT_EQ(h.points[0].ndcg_at_10_delta, 0.0);
  EXPECT_EQ(h.points[0].recall_at_10, 1.0);
  EXPECT_DOUBLE_EQ(h.points[2].ndcg_at_10, ivf_ndcg);
  EXPECT_DOUBLE_EQ(h.points[2].ndcg_at_10_delta, ivf_ndcg - exact_ndcg);
  EXPECT_DOUBLE_EQ(h.points[2].recall_at_10, ivf_recall);
  // The flat index is exact search too: its fused list holds the exact-fused documents.
  EXPECT_EQ(h.points[1].recall_at_10, 1.0);
  EXPECT_NEAR(h.points[1].ndcg_at_10, exact_ndcg, 1e-12);

  // The exact-fused number is the one eval reports for the same hybrid.
  EvaluationConfig eval;
  eval.model_specs = {hybrid};
  eval.out_dir = dir_ / "eval";
  const EvaluationResults e = run_evaluation(dataset_, data_.beir, eval);
  const ModelResult& m = e.models.back();
  ASSERT_TRUE(m.hybrid.has_value());
  double eval_ndcg = NAN;
  for (std::size_t i = 0; i < m.metrics.measure_names.size(); ++i) {
    if (m.metrics.measure_names[i] == "ndcg_cut_10") eval_ndcg = m.metrics.mean[i];
  }
  EXPECT_EQ(h.exact_ndcg_at_10, eval_ndcg);
}

TEST_F(AnnHybrid, TunedHybridsAndOtherThanOneDenseComponentAreRefused) {
  const auto message = [&](const std::string& spec) -> std::string {
    config_.model_spec = spec;
    try {
      (void)run_ann_evaluation(dataset_, config_);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(message("hybrid:wsum(bm25," + dense_ + ")?cv=3").find("fixed settings"),
            std::string::npos);
  EXPECT_NE(message("hybrid:rrf(bm25," + dense_ + ")?tune=dev").find("tunes its weights and k"),
            std::string::npos);
  EXPECT_NE(message("hybrid:rrf(bm25,bm25?k1=1.2)").find("has 0 dense components"),
            std::string::npos);
  EXPECT_NE(message("hybrid:rrf(" + dense_ + ",static:" + data_.vectors.string() + "?pooling=sif)")
                .find("has 2 dense components"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out" / "ann.json"));
}

}  // namespace
}  // namespace embeval
