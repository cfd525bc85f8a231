// write_fused_run writes exactly the bytes of write_run(path, to_trec_run(fused, tag)), the
// writer it replaces for fused runs: checked on generated runs built to hit every formatting
// case (scores of every magnitude and sign, -0, scores that need 17 significant digits, ties in
// float that fall to the document id, ids of every length, a query only one run has, the top
// cut inside a tied group), fused by every method. And it refuses what write_run refuses.
#include "embeval/fusion/fused_run_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"
#include "support/temp_dir.h"

namespace {

using embeval::FusedRun;
using embeval::FusionMethod;
using embeval::FusionOptions;
using embeval::ScoreNormalization;
using embeval::TrecRun;

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Three runs over 40 queries; ids from 1 to 30 bytes; scores drawn from a mix of magnitudes
// (2^-200 .. 2^200, both signs), values equal in float but not in double, exact repeats, zeros
// of both signs. Query q39 is in run 0 only.
std::vector<TrecRun> generated_runs() {
  std::mt19937_64 rng(20261202);
  std::vector<TrecRun> runs(3);
  const auto random_id = [&](std::size_t n) {
    std::string id = "d";
    while (id.size() < 1 + rng() % n) id += static_cast<char>('a' + rng() % 26);
    return id;
  };
  for (int q = 0; q < 40; ++q) {
    std::vector<std::string> pool;
    for (int i = 0; i < 60; ++i) pool.push_back(random_id(30));
    std::sort(pool.begin(), pool.end());
    pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
    for (std::size_t r = 0; r < runs.size(); ++r) {
      if (q == 39 && r > 0) continue;
      std::shuffle(pool.begin(), pool.end(), rng);
      auto& entries = runs[r].by_query["q" + std::to_string(q)];
      for (std::size_t i = 0; i < 40 && i < pool.size(); ++i) {
        const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        double score = 0.0;
        switch (rng() % 7) {
          case 0:
            score = u;
            break;
          case 1:
            score = 1.0 + u * 1e-9;
            break;  // equal as floats, distinct as doubles
          case 2:
            score = std::ldexp(u, static_cast<int>(rng() % 400) - 200);
            break;
          case 3:
            score = -u * 1e6;
            break;
          case 4:
            score = (rng() % 2 == 0) ? 0.0 : -0.0;
            break;
          case 5:
            score = 0.1 * static_cast<double>(rng() % 5);
            break;  // exact repeats
          default:
            score = 1.0 / 3.0 + u;
            break;  // 16-17 significant digits
        }
        entries.push_back({pool[i], score});
      }
    }
  }
  return runs;
}

TEST(WriteFusedRun, SameBytesAsWriteRunOfToTrecRunForEveryMethod) {
  const std::vector<TrecRun> runs = generated_runs();
  const std::vector<const TrecRun*> pointers = {&runs[0], &runs[1], &runs[2]};
  const embeval::testing::TempDir dir;
  std::size_t compared = 0;
  for (const FusionMethod method :
       {FusionMethod::wsum, FusionMethod::combsum, FusionMethod::combmnz, FusionMethod::rrf,
        FusionMethod::dbsf_mteb, FusionMethod::dbsf_qdrant, FusionMethod::rsf}) {
    for (const ScoreNormalization norm : {ScoreNormalization::none, ScoreNormalization::minmax,
                                          ScoreNormalization::zmuv, ScoreNormalization::borda}) {
      for (const std::size_t top : {std::size_t{0}, std::size_t{7}}) {
        FusionOptions options;
        options.method = method;
        options.norm = norm;
        options.top = top;
        if (method == FusionMethod::wsum) options.weights = {0.2, 0.3, 0.5};
        const FusedRun fused = embeval::fuse_runs(pointers, options);
        embeval::write_run(dir / "reference.trec", embeval::to_trec_run(fused, "tag-x"));
        embeval::write_fused_run(dir / "fast.trec", fused, "tag-x");
        const std::string expected = file_bytes(dir / "reference.trec");
        ASSERT_FALSE(expected.empty());
        ASSERT_EQ(file_bytes(dir / "fast.trec"), expected)
            << embeval::fusion_method_name(method) << " " << embeval::score_normalization_name(norm)
            << " top " << top;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 7u * 4u * 2u);
}

TEST(WriteFusedRun, AHandWrittenRunReadsAsExpected) {
  // Independent of write_run: the expected text is written out here.
  const TrecRun a = [] {
    TrecRun run;
    run.by_query["q1"] = {{"d1", 4.0}, {"d2", 2.0}, {"d3", 1.0}};
    return run;
  }();
  const TrecRun b = [] {
    TrecRun run;
    run.by_query["q1"] = {{"d2", 0.9}, {"d4", 0.6}, {"d1", 0.3}};
    return run;
  }();
  const std::vector<const TrecRun*> pointers = {&a, &b};
  FusionOptions options;
  options.method = FusionMethod::rrf;
  const embeval::testing::TempDir dir;
  embeval::write_fused_run(dir / "rrf.trec", embeval::fuse_runs(pointers, options), "fuse-rrf");
  // 1/62 + 1/61, 1/61 + 1/63, 1/62, 1/63 (docs/fusion.md's example).
  EXPECT_EQ(file_bytes(dir / "rrf.trec"),
            "q1 Q0 d2 1 0.03252247488101534 fuse-rrf\n"
            "q1 Q0 d1 2 0.032266458495966696 fuse-rrf\n"
            "q1 Q0 d4 3 0.016129032258064516 fuse-rrf\n"
            "q1 Q0 d3 4 0.015873015873015872 fuse-rrf\n");
}

TEST(WriteFusedRun, RefusesWhatWriteRunRefusesAndLeavesNothing) {
  const std::string docno = "d 1";  // a space cannot travel in a TREC run
  FusedRun fused;
  fused.query_ids = {"q1"};
  fused.offsets = {0, 1};
  fused.entries = {{docno, 1.0}};
  const embeval::testing::TempDir dir;
  std::string fast_message;
  std::string reference_message;
  try {
    embeval::write_fused_run(dir / "fast.trec", fused, "t");
  } catch (const embeval::InputError& e) {
    fast_message = e.what();
  }
  try {
    embeval::write_run(dir / "fast.trec", embeval::to_trec_run(fused, "t"));
  } catch (const embeval::InputError& e) {
    reference_message = e.what();
  }
  EXPECT_FALSE(fast_message.empty());
  EXPECT_EQ(fast_message, reference_message);
  EXPECT_FALSE(std::filesystem::exists(dir / "fast.trec"));

  fused.entries = {{"d1", 1.0}};
  EXPECT_THROW(embeval::write_fused_run(dir / "fast.trec", fused, "bad tag"), embeval::InputError);
  fused.entries = {{"d1", std::nan("")}};
  EXPECT_THROW(embeval::write_fused_run(dir / "fast.trec", fused, "t"), embeval::InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "fast.trec"));
}

}  // namespace
