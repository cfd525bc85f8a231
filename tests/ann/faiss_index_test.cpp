// FAISS-backed indexes checked against the exact oracle (exact_knn) on planted clusters.
#include "embeval/ann/faiss_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ann/ann_test_data.h"
#include "embeval/ann/recall.h"
#include "embeval/ann/index_registry.h"
#include "embeval/core/error.h"
#include "embeval/index/exact_index.h"

namespace embeval {
namespace {

using testing::dense_batch;
using testing::planted_clusters;
using testing::rows_of;

struct Case {
  const char* spec;
  double min_recall10;  // against exact inner-product search, 2000 docs, d = 32
};

class EveryIndex : public ::testing::TestWithParam<Case> {};

TEST_P(EveryIndex, RecallAgainstExactOracleAndContract) {
  const DenseMatrix all = planted_clusters(2060, 32, 20, 0.6f, 1);
  const DenseMatrix docs = rows_of(all, 0, 2000), queries = rows_of(all, 2000, 2060);
  const SearchResults exact = exact_knn(docs, queries, 10, Metric::kInnerProduct, 1);

  auto index = make_ann_index(GetParam().spec, Metric::kInnerProduct, 1);
  index->add(dense_batch(docs));
  EXPECT_EQ(index->size(), 2000u);
  EXPECT_GT(index->memory_bytes(), 0u);
  const SearchResults got = index->search(dense_batch(queries), 10);
  ASSERT_EQ(got.num_queries, 60u);
  ASSERT_EQ(got.k, 10u);
  for (std::size_t q = 0; q < got.num_queries; ++q) {
    std::set<std::int64_t> seen;
    for (std::size_t j = 0; j < got.k; ++j) {
      const std::int64_t id = got.ids[q * got.k + j];
      ASSERT_GE(id, 0);
      ASSERT_LT(id, 2000);
      EXPECT_TRUE(seen.insert(id).second) << "duplicate id in row " << q;
      if (j > 0) {
        EXPECT_GE(got.scores[q * got.k + j - 1], got.scores[q * got.k + j]);
      }
    }
  }
  const double recall = mean_recall(exact, got, 10);
  EXPECT_GE(recall, GetParam().min_recall10) << GetParam().spec;
  // The same recall counted a second way: for each exact hit, is it anywhere in the ANN row?
  std::size_t found = 0;
  for (std::size_t q = 0; q < exact.num_queries; ++q) {
    const auto row = got.ids.begin() + static_cast<std::ptrdiff_t>(q * got.k);
    for (std::size_t j = 0; j < 10; ++j) {
      found += std::find(row, row + 10, exact.ids[q * exact.k + j]) != row + 10;
    }
  }
  EXPECT_DOUBLE_EQ(recall, static_cast<double>(found) / (60.0 * 10.0));
  EXPECT_LE(recall, 1.0);
}

INSTANTIATE_TEST_SUITE_P(
    Faiss, EveryIndex,
    ::testing::Values(Case{"flat", 1.0}, Case{"flat_f16", 0.97}, Case{"flat_int8", 0.85},
                      Case{"hnsw?M=16&efSearch=64", 0.9}, Case{"ivf_flat?nlist=16&nprobe=16", 1.0},
                      Case{"ivf_flat?nlist=16&nprobe=4", 0.6},
                      Case{"ivf_sq8?nlist=16&nprobe=16", 0.85},
                      Case{"ivf_pq?nlist=8&m=8&nbits=6&nprobe=8", 0.3},
                      // 32 sign bits barely separate documents inside one cluster; the
                      // binary test below checks re-scoring where the bits carry information.
                      Case{"binary?rescore=10", 0.5}, Case{"binary", 0.1},
                      Case{"BIN_IVF_FLAT?nlist=8&nprobe=8&rescore=10", 0.5}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name;
      for (const char* c = info.param.spec; *c; ++c) name += std::isalnum(*c) ? *c : '_';
      return name;
    });

TEST(BinaryIndex, HammingScoresOnAPlantedCaseAndRescoringRecoversRecall) {
  // Hand-made signs over d = 8: query +++++++ +; doc 0 differs in 0 bits, doc 1 in 3, doc 2 in 8.
  DenseMatrix docs(3, 8);
  for (std::size_t c = 0; c < 8; ++c) {
    docs.row(0)[c] = 0.5f;
    docs.row(1)[c] = c < 3 ? -0.5f : 0.5f;
    docs.row(2)[c] = -0.5f;
  }
  DenseMatrix q(1, 8);
  for (float& v : q.data) v = 1.0f;
  auto index = make_ann_index("binary", Metric::kInnerProduct);
  index->add(dense_batch(docs));
  const SearchResults got = index->search(dense_batch(q), 3);
  EXPECT_EQ(got.ids, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(got.scores, (std::vector<float>{8.0f, 2.0f, -8.0f}));  // d - 2 * hamming

  const DenseMatrix all = planted_clusters(2050, 128, 20, 0.6f, 11);
  const DenseMatrix base = rows_of(all, 0, 2000), queries = rows_of(all, 2000, 2050);
  const SearchResults exact = exact_knn(base, queries, 10, Metric::kInnerProduct, 1);
  auto plain = make_ann_index("binary", Metric::kInnerProduct);
  auto rescored = make_ann_index("binary?rescore=10", Metric::kInnerProduct);
  plain->add(dense_batch(base));
  rescored->add(dense_batch(base));
  const double r_plain = mean_recall(exact, plain->search(dense_batch(queries), 10), 10);
  const double r_rescored = mean_recall(exact, rescored->search(dense_batch(queries), 10), 10);
  EXPECT_GT(r_rescored, r_plain);
  EXPECT_GE(r_rescored, 0.9);
  // Codes are d / 8 bytes a vector; re-scoring keeps the float32 copy on top.
  const auto& b = dynamic_cast<const BinaryIndex&>(*rescored);
  EXPECT_GE(b.code_bytes(), 2000u * 16u);
  EXPECT_EQ(b.memory_bytes(), b.code_bytes() + 2000u * 128u * 4u);
}

TEST(BinaryIndex, PaddingBitsDoNotChangeHammingScores) {
  // d = 5 (not a multiple of 8): query +++++; doc 0 differs in 0 bits, doc 1 in 2, doc 2 in 5.
  DenseMatrix docs(3, 5);
  for (std::size_t c = 0; c < 5; ++c) {
    docs.row(0)[c] = 1.0f;
    docs.row(1)[c] = c < 2 ? -1.0f : 1.0f;
    docs.row(2)[c] = -1.0f;
  }
  DenseMatrix q(1, 5);
  for (float& v : q.data) v = 0.5f;
  auto index = make_ann_index("binary?pad=1", Metric::kInnerProduct);
  index->add(dense_batch(docs));
  const SearchResults got = index->search(dense_batch(q), 3);
  EXPECT_EQ(got.ids, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(got.scores, (std::vector<float>{5.0f, 1.0f, -5.0f}));  // d - 2 * hamming, d = 5
}

TEST(FaissIndex, FlatMatchesExactIdsAndScoresForEveryMetric) {
  const DenseMatrix docs = planted_clusters(300, 16, 5, 0.8f, 3);
  DenseMatrix queries = planted_clusters(20, 16, 5, 0.8f, 4);
  for (float& v : queries.data) v *= 3.0f;  // not unit: cosine and inner product differ
  for (Metric metric : {Metric::kInnerProduct, Metric::kCosine, Metric::kL2}) {
    const SearchResults exact = exact_knn(docs, queries, 7, metric, 1);
    auto index = make_ann_index("flat", metric);
    index->add(dense_batch(docs));
    const SearchResults got = index->search(dense_batch(queries), 7);
    EXPECT_EQ(got.ids, exact.ids) << metric_name(metric);
    for (std::size_t i = 0; i < got.scores.size(); ++i) {
      EXPECT_NEAR(got.scores[i], exact.scores[i], 1e-4) << metric_name(metric);
    }
  }
}

TEST(FaissIndex, IdsAreInsertionOrderAcrossBatchesAndShortRowsArePadded) {
  DenseMatrix a(2, 8), b(1, 8);
  a.row(0)[0] = 1;  // id 0
  a.row(1)[1] = 1;  // id 1
  b.row(0)[2] = 1;  // id 2
  for (const char* spec : {"flat", "hnsw", "flat_f16"}) {
    auto index = make_ann_index(spec, Metric::kInnerProduct);
    index->add(dense_batch(a));
    index->add(dense_batch(b));
    DenseMatrix q(1, 8);
    q.row(0)[2] = 1;
    const SearchResults got = index->search(dense_batch(q), 5);
    EXPECT_EQ(got.ids[0], 2) << spec;
    EXPECT_FLOAT_EQ(got.scores[0], 1.0f) << spec;
    EXPECT_EQ(got.ids[3], -1) << spec;
    EXPECT_EQ(got.ids[4], -1) << spec;
    EXPECT_EQ(got.scores[4], -std::numeric_limits<float>::infinity()) << spec;
  }
}

TEST(FaissIndex, EqualScoresAreOrderedBySmallerIdWithinARow) {
  DenseMatrix docs(6, 8);
  for (std::size_t r = 0; r < 6; ++r) docs.row(r)[0] = 1;  // six identical documents
  auto index = make_ann_index("flat", Metric::kInnerProduct);
  index->add(dense_batch(docs));
  DenseMatrix q(1, 8);
  q.row(0)[0] = 1;
  const SearchResults got = index->search(dense_batch(q), 6);
  EXPECT_EQ(got.ids, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(FaissIndex, SearchParameterSweepsWithoutRebuilding) {
  const DenseMatrix all = planted_clusters(1040, 16, 10, 0.7f, 5);
  const DenseMatrix docs = rows_of(all, 0, 1000), queries = rows_of(all, 1000, 1040);
  const SearchResults exact = exact_knn(docs, queries, 10, Metric::kInnerProduct, 1);
  FaissIndex index(canonical_index_spec("ivf_flat?nlist=10"), Metric::kInnerProduct, 1);
  index.add(dense_batch(docs));
  EXPECT_EQ(index.nlist(), 10u);
  EXPECT_EQ(index.search_parameter(), "nprobe");
  EXPECT_EQ(index.search_parameter_value(), 8u);
  index.set_search_parameter(1);
  const double low = mean_recall(exact, index.search(dense_batch(queries), 10), 10);
  index.set_search_parameter(10);
  const double every = mean_recall(exact, index.search(dense_batch(queries), 10), 10);
  EXPECT_DOUBLE_EQ(every, 1.0);  // every list scanned: exact over float32 vectors
  EXPECT_LT(low, every);
  EXPECT_THROW(index.set_search_parameter(11), InputError);
  EXPECT_THROW(index.set_search_parameter(0), InputError);
}

TEST(FaissIndex, ParametersThatDoNotFitTheDataAreInputErrors) {
  const DenseMatrix docs = planted_clusters(100, 12, 4, 0.5f, 7);
  const auto message = [&](const std::string& spec) {
    try {
      auto index = make_ann_index(spec, Metric::kInnerProduct);
      index->add(dense_batch(docs));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("ivf_pq?m=5&nbits=4&nlist=2").find("do not divide the dimension 12"),
            std::string::npos);
  EXPECT_NE(message("ivf_flat?nlist=500").find("larger than the 100 training vectors"),
            std::string::npos);
  EXPECT_NE(message("ivf_pq?m=4&nbits=8&nlist=2").find("at least 256 training vectors"),
            std::string::npos);
  EXPECT_NE(message("binary").find("multiple of 8"), std::string::npos);
  EXPECT_EQ(message("binary?pad=1"), "no error");
  EXPECT_EQ(message("ivf_pq?m=4&nbits=4&nlist=2"), "no error");

  auto index = make_ann_index("flat", Metric::kInnerProduct);
  index->add(dense_batch(docs));
  EXPECT_THROW((void)index->search(dense_batch(DenseMatrix(1, 13)), 3), InputError);
  EXPECT_THROW(index->add(EmbeddingBatch{}), InputError);
  DenseMatrix bad(1, 12);
  bad.row(0)[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(index->add(dense_batch(bad)), InputError);
}

TEST(AnnRegistry, UnknownNamesListTheKnownOnesAndAliasesResolve) {
  try {
    (void)canonical_index_spec("hnws");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown index 'hnws'"), std::string::npos) << what;
    EXPECT_NE(what.find("hnsw (HNSW)"), std::string::npos) << what;
    EXPECT_NE(what.find("binary_ivf (BIN_IVF_FLAT)"), std::string::npos) << what;
  }
  EXPECT_EQ(canonical_index_spec("IVF_PQ").scheme, "ivf_pq");
  EXPECT_EQ(canonical_index_spec("IVF_SQ8").scheme, "ivf_sq8");
  EXPECT_EQ(canonical_index_spec("Hnsw?M=8").to_string(),
            "hnsw?M=8&efConstruction=200&efSearch=64");
  EXPECT_THROW((void)canonical_index_spec("hnsw?m=8"), InputError);  // M is case-sensitive
  EXPECT_THROW((void)canonical_index_spec("hnsw?M=0"), InputError);
  EXPECT_THROW((void)canonical_index_spec("ivf_flat?nlist=ten"), InputError);
  EXPECT_THROW((void)canonical_index_spec("flat?x=1"), InputError);
}

TEST(AnnRegistry, CanonicalSpecsRoundTrip) {
  for (const auto& kind : ann_index_kinds()) {
    const ModelSpec once = canonical_index_spec(kind.name);
    const ModelSpec twice = canonical_index_spec(once.to_string());
    EXPECT_EQ(once, twice) << kind.name;
    EXPECT_EQ(ann_index_kind(once).name, kind.name);
  }
  EXPECT_EQ(canonical_index_spec("ivf_pq?nprobe=4&m=16").to_string(),
            "ivf_pq?m=16&nbits=8&nlist=auto&nprobe=4");
}

TEST(AnnRegistry, SweepValuesFollowTheKnob) {
  EXPECT_EQ(sweep_values(canonical_index_spec("hnsw"), 1000),
            (std::vector<std::size_t>{16, 32, 64, 128, 256, 512}));
  EXPECT_EQ(sweep_values(canonical_index_spec("ivf_flat?nlist=10"), 1000),
            (std::vector<std::size_t>{1, 2, 4, 8, 10}));
  EXPECT_TRUE(sweep_values(canonical_index_spec("flat"), 1000).empty());
}

TEST(AnnRegistry, SpecsAreCheckedAgainstTheDataBeforeBuilding) {
  const auto check = [](const char* spec, std::size_t dim, std::size_t n) {
    return check_index_for_data(canonical_index_spec(spec), dim, n);
  };
  EXPECT_THROW((void)check("binary", 100, 1000), InputError);  // 100 bits: not whole bytes
  EXPECT_TRUE(check("binary?pad=1", 100, 1000).empty());
  EXPECT_THROW((void)check("ivf_pq?m=7", 100, 1000), InputError);
  EXPECT_THROW((void)check("ivf_pq", 100, 255), InputError);  // 2^8 centroids, 255 vectors
  EXPECT_THROW((void)check("ivf_flat?nlist=11", 16, 10), InputError);
  EXPECT_THROW((void)check("exact?dim=17", 16, 10), InputError);
  EXPECT_TRUE(check("exact?dim=16", 16, 10).empty());
  // Builds, but FAISS would warn once per codebook: one note instead (25 codebooks at d=100).
  const auto notes = check("ivf_pq", 100, 2000);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("25 codebooks of 256 centroids trained on 2000 vectors"),
            std::string::npos)
      << notes[0];
  EXPECT_TRUE(check("ivf_pq", 100, 256 * 39).empty());

  std::string note;
  const auto pq = fit_default_index_to_data(canonical_index_spec("ivf_pq"), 16, 100, note);
  ASSERT_TRUE(pq.has_value());
  EXPECT_EQ(pq->params.at("nbits"), "6");  // 64 <= 100 < 128
  EXPECT_NE(note.find("nbits lowered to 6"), std::string::npos) << note;
  EXPECT_FALSE(fit_default_index_to_data(canonical_index_spec("ivf_pq"), 16, 1, note));
  EXPECT_NE(note.find("skipped"), std::string::npos) << note;
  const auto hnsw = fit_default_index_to_data(canonical_index_spec("hnsw"), 16, 1, note);
  ASSERT_TRUE(hnsw.has_value());
  EXPECT_EQ(*hnsw, canonical_index_spec("hnsw"));
  EXPECT_EQ(note, "");
}

}  // namespace
}  // namespace embeval
