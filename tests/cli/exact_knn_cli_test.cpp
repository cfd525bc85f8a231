// End-to-end: the built `embeval knn` command on small .npy files made here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/io/npy.h"
#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

using embeval::testing::CliResult;

class KnnCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Base rows (1,0) (0,2) (3,4) (-1,-1); queries (1,1) and (0,-1).
    const std::vector<float> base = {1, 0, 0, 2, 3, 4, -1, -1};
    const std::vector<float> queries = {1, 1, 0, -1};
    write_npy_f32(dir_ / "base.npy", base.data(), 4, 2);
    write_npy_f32(dir_ / "queries.npy", queries.data(), 2, 2);
  }

  CliResult run(const std::string& args) { return testing::run_embeval("knn " + args); }
  std::string path(const std::string& name) const {
    return testing::shell_quote((dir_ / name).string());
  }

  testing::TempDir dir_{"embeval-knn-cli"};
};

TEST_F(KnnCliTest, WritesIdsAndScores) {
  const CliResult r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
                          " --k 3 --metric ip --threads 2 --out " + path("res"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("knn: base 4 x 2, 2 queries, k=3, metric ip, 2 threads"), std::string::npos)
      << r.err;
  // q0 . b = 1, 2, 7, -2 -> 2,1,0;  q1 . b = 0, -2, -4, 1 -> 3,0,1
  const std::string ids = read_file(dir_ / "res.ids.npy");
  ASSERT_EQ(ids.size(), 128u + 6 * 8);
  EXPECT_NE(ids.find("'descr': '<i8', 'fortran_order': False, 'shape': (2, 3)"), std::string::npos);
  std::int64_t got_ids[6];
  std::memcpy(got_ids, ids.data() + 128, sizeof got_ids);
  EXPECT_EQ(std::vector<std::int64_t>(got_ids, got_ids + 6),
            (std::vector<std::int64_t>{2, 1, 0, 3, 0, 1}));
  const DenseMatrix scores = read_npy_matrix(dir_ / "res.scores.npy");
  ASSERT_EQ(scores.rows, 2u);
  ASSERT_EQ(scores.cols, 3u);
  EXPECT_EQ(scores.data, (std::vector<float>{7, 2, 1, 1, 0, -2}));
}

TEST_F(KnnCliTest, L2ScoresAreNegatedSquaredDistances) {
  const CliResult r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
                          " --k 2 --metric l2 --out " + path("l2"));
  ASSERT_EQ(r.status, 0) << r.err;
  // q1 = (0,-1): |q-b|^2 = 2, 9, 34, 1 -> ids 3, 0
  const DenseMatrix scores = read_npy_matrix(dir_ / "l2.scores.npy");
  EXPECT_EQ(scores.data, (std::vector<float>{-1, -2, -1, -2}));
}

TEST_F(KnnCliTest, ReportsBadFilesWithTheirNames) {
  std::ofstream(dir_ / "text.npy") << "hello";
  CliResult r = run("--base " + path("text.npy") + " --queries " + path("queries.npy") +
                    " --k 1 --out " + path("x"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find((dir_ / "text.npy").string() + ": not a .npy file (bad magic)"),
            std::string::npos)
      << r.err;

  const std::vector<float> three_d = {1, 2, 3};
  write_npy_f32(dir_ / "q3.npy", three_d.data(), 1, 3);
  r = run("--base " + path("base.npy") + " --queries " + path("q3.npy") + " --k 1 --out " +
          path("x"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("queries have 3 dimensions"), std::string::npos) << r.err;

  r = run("--base " + path("missing.npy") + " --queries " + path("queries.npy") + " --k 1 --out " +
          path("x"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing.npy: cannot open file"), std::string::npos) << r.err;

  r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
          " --k 1 --metric dot --out " + path("x"));
  EXPECT_NE(r.status, 0);
  EXPECT_FALSE(fs::exists(dir_ / "x.ids.npy"));
}

// Issue 10: --k is capped at the base size (a huge k once wrote gigabytes of padding) and parsed
// as a checked integer (the integer maximum once wrapped to 0: empty results, exit 0).
TEST_F(KnnCliTest, KIsCappedAtTheBaseSizeAndCheckedAsAnInteger) {
  for (const std::string k : {"4", "5", "2147483647", "9223372036854775807"}) {
    const CliResult r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
                            " --k " + k + " --out " + path("capped"));
    ASSERT_EQ(r.status, 0) << k << ": " << r.err;
    if (k != "4") {
      EXPECT_NE(r.err.find("--k " + k + " capped at the 4 base rows"), std::string::npos) << r.err;
    }
    const std::string ids = read_file(dir_ / "capped.ids.npy");
    EXPECT_NE(ids.find("'shape': (2, 4)"), std::string::npos) << k;
    EXPECT_EQ(ids.size(), 128u + 2 * 4 * 8) << k;
    const DenseMatrix scores = read_npy_matrix(dir_ / "capped.scores.npy");
    EXPECT_EQ(scores.cols, 4u);  // every column a real neighbour: no -inf padding
  }
  for (const std::string k :
       {"0", "-1", "18446744073709551615", "99999999999999999999", "1e3", "3x", "' '"}) {
    const CliResult r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
                            " --k " + k + " --out " + path("bad"));
    EXPECT_EQ(r.status, 2) << k << ": " << r.err;
    EXPECT_NE(r.err.find("--k must be a positive integer"), std::string::npos) << k << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "bad.ids.npy")) << k;
  }
}

// Issue 10: NaN in an input .npy is an error naming the file and the row.
TEST_F(KnnCliTest, NonFiniteInputNamesFileAndRow) {
  const std::vector<float> bad = {1, 0, 0, std::nanf(""), 1, 1};
  write_npy_f32(dir_ / "nan.npy", bad.data(), 3, 2);
  const CliResult r = run("--base " + path("nan.npy") + " --queries " + path("queries.npy") +
                          " --k 1 --out " + path("x"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find((dir_ / "nan.npy").string() + ": row 1 (0-based), column 1 holds NaN"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.ids.npy"));
}

// Issue 10: huge finite vectors overflow float32 scores: an error naming both files, not a
// ranking of ties written with exit 0.
TEST_F(KnnCliTest, OverflowingScoresAreAnErrorNamingTheFiles) {
  const std::vector<float> huge = {1e20f, 1e20f, 1, 0};
  write_npy_f32(dir_ / "huge.npy", huge.data(), 2, 2);
  const CliResult r = run("--base " + path("huge.npy") + " --queries " + path("huge.npy") +
                          " --k 2 --out " + path("x"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("inner product of query row 0 (0-based) and base row 0 of " +
                       (dir_ / "huge.npy").string() + " overflows float32"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.ids.npy"));
  const CliResult cos = run("--base " + path("huge.npy") + " --queries " + path("huge.npy") +
                            " --k 2 --metric cos --out " + path("c"));
  EXPECT_EQ(cos.status, 0) << cos.err;
}

}  // namespace
}  // namespace embeval
