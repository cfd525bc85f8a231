// End-to-end: the built `embeval knn` command on small .npy files made here.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/npy.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CliResult {
  int exit_code;
  std::string err;
};

class KnnCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "embeval_knn_cli_";  // appended piecewise: GCC 12 -Wrestrict false alarm
    name += std::to_string(::getpid());
    name += info->name();
    dir_ = fs::temp_directory_path() / name;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Base rows (1,0) (0,2) (3,4) (-1,-1); queries (1,1) and (0,-1).
    const std::vector<float> base = {1, 0, 0, 2, 3, 4, -1, -1};
    const std::vector<float> queries = {1, 1, 0, -1};
    write_npy_f32(dir_ / "base.npy", base.data(), 4, 2);
    write_npy_f32(dir_ / "queries.npy", queries.data(), 2, 2);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliResult run(const std::string& args) {
    const fs::path err = dir_ / "stderr.txt";
    const std::string command = std::string("'") + EMBEVAL_BINARY + "' --quiet knn " + args +
                                " >/dev/null 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(err)};
  }
  std::string path(const std::string& name) const {
    std::string quoted = "'";
    quoted += (dir_ / name).string();
    quoted += "'";
    return quoted;
  }

  fs::path dir_;
};

TEST_F(KnnCliTest, WritesIdsAndScores) {
  const CliResult r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
                          " --k 3 --metric ip --threads 2 --out " + path("res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("knn: base 4 x 2, 2 queries, k=3, metric ip, 2 threads"), std::string::npos)
      << r.err;
  // q0 . b = 1, 2, 7, -2 -> 2,1,0;  q1 . b = 0, -2, -4, 1 -> 3,0,1
  const std::string ids = slurp(dir_ / "res.ids.npy");
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
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // q1 = (0,-1): |q-b|^2 = 2, 9, 34, 1 -> ids 3, 0
  const DenseMatrix scores = read_npy_matrix(dir_ / "l2.scores.npy");
  EXPECT_EQ(scores.data, (std::vector<float>{-1, -2, -1, -2}));
}

TEST_F(KnnCliTest, ReportsBadFilesWithTheirNames) {
  std::ofstream(dir_ / "text.npy") << "hello";
  CliResult r = run("--base " + path("text.npy") + " --queries " + path("queries.npy") +
                    " --k 1 --out " + path("x"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find((dir_ / "text.npy").string() + ": not a .npy file (bad magic)"),
            std::string::npos)
      << r.err;

  const std::vector<float> three_d = {1, 2, 3};
  write_npy_f32(dir_ / "q3.npy", three_d.data(), 1, 3);
  r = run("--base " + path("base.npy") + " --queries " + path("q3.npy") + " --k 1 --out " +
          path("x"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("queries have 3 dimensions"), std::string::npos) << r.err;

  r = run("--base " + path("missing.npy") + " --queries " + path("queries.npy") + " --k 1 --out " +
          path("x"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.npy: cannot open file"), std::string::npos) << r.err;

  r = run("--base " + path("base.npy") + " --queries " + path("queries.npy") +
          " --k 1 --metric dot --out " + path("x"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "x.ids.npy"));
}

}  // namespace
}  // namespace embeval
