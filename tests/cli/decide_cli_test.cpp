// End-to-end: eval's pairwise significance equals `embeval compare --complete --json` on the same
// run files; the table carries the letters and the recommendation line; `embeval recommend`
// reads the folder; eval's cost flags land in results.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

using Output = embeval::testing::CliResult;
using nlohmann::json;

Output run(const std::string& args) { return embeval::testing::run_embeval(args); }

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

class DecideCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "data" / "qrels");
    // Stemming decides half of the queries: the english analyzer finds "stripes" for "stripe",
    // the standard one does not.
    dir_.write("data/corpus.jsonl",
               "{\"_id\": \"d1\", \"text\": \"zebra stripes on the savanna\"}\n"
               "{\"_id\": \"d2\", \"text\": \"volcano lava eruptions\"}\n"
               "{\"_id\": \"d3\", \"text\": \"glacier ice on the mountain\"}\n"
               "{\"_id\": \"d4\", \"text\": \"desert dunes and camels\"}\n"
               "{\"_id\": \"d5\", \"text\": \"forest trees and ferns\"}\n"
               "{\"_id\": \"d6\", \"text\": \"ocean waves and tides\"}\n");
    dir_.write(
        "data/queries.jsonl",
        "{\"_id\": \"q1\", \"text\": \"stripe\"}\n{\"_id\": \"q2\", \"text\": \"eruption\"}\n"
        "{\"_id\": \"q3\", \"text\": \"glacier\"}\n{\"_id\": \"q4\", \"text\": \"dune\"}\n"
        "{\"_id\": \"q5\", \"text\": \"fern\"}\n{\"_id\": \"q6\", \"text\": \"tides\"}\n");
    dir_.write("data/qrels/test.tsv",
               "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\td4\t1\n"
               "q5\td5\t1\nq6\td6\t1\n");
  }
  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }
  embeval::testing::TempDir dir_{"embeval-decide-cli"};
};

TEST_F(DecideCli, EvalComparisonsEqualCompareJsonOnTheSameRuns) {
  const Output out = run("eval --dataset " + path("data") + " -m bm25 -m bm25?analyzer=standard" +
                         " -m bm25?k1=1.2 --out " + path("out"));
  ASSERT_EQ(out.status, 0) << out.output();
  const json results = read_json(dir_ / "out/results.json");
  ASSERT_TRUE(results.contains("comparisons")) << results.dump(1);
  const json& block = results.at("comparisons");
  const std::string runs = path("out/runs/");
  const Output cmp = run("compare --complete --qrels " + path("data/qrels/test.tsv") +
                         " -m ndcg_cut.10 -m recall.100 -m mrr_cut.10 -m map_cut.100 --json " +
                         path("compare.json") + " " + runs + "bm25.trec " + runs +
                         "bm25_analyzer-standard.trec " + runs + "bm25_k1-1.2.trec");
  ASSERT_EQ(cmp.status, 0) << cmp.output();
  json expected = read_json(dir_ / "compare.json");
  ASSERT_EQ(expected.at("tests").size(), 12u);  // 3 pairs x 4 measures
  // compare names runs by path, eval by label: the only difference.
  for (json& t : expected.at("tests")) {
    for (const char* side : {"a", "b"}) {
      const std::filesystem::path p = t.at(side).get<std::string>();
      t[side] = p.stem().string();
    }
  }
  EXPECT_EQ(block, expected);
  // The english analyzer finds q1, q2, q4, q5 by their stems; the standard one only q3 and q6.
  const json& first = block.at("tests").at(0);
  EXPECT_EQ(first.at("measure"), "ndcg_cut_10");
  EXPECT_EQ(first.at("a"), "bm25");
  EXPECT_EQ(first.at("b"), "bm25_analyzer-standard");
  EXPECT_EQ(first.at("wins"), 4);
  EXPECT_EQ(first.at("ties"), 2);

  EXPECT_NE(out.output().find("a bm25 "), std::string::npos) << out.output();
  EXPECT_NE(out.output().find("b bm25_analyzer-standard"), std::string::npos) << out.output();
  EXPECT_NE(out.output().find("(paired t test, Holm over 12 tests, alpha 0.05;"), std::string::npos)
      << out.output();
  EXPECT_NE(out.output().find("recommendation: bm25 is best on ndcg_cut_10"), std::string::npos)
      << out.output();
}

TEST_F(DecideCli, CostFlagsAndRecommend) {
  const Output out =
      run("eval --dataset " + path("data") + " -m bm25 -m bm25?analyzer=standard" +
          " --usd-per-hour 3.6 --usd-per-gib-month 0.5 --replicas 3 --out " + path("out"));
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_NE(out.output().find("self-hosted: $3.6/hour (cpu)"), std::string::npos) << out.output();
  const json results = read_json(dir_ / "out/results.json");
  for (const json& m : results.at("models")) {
    const json& cost = m.at("cost");
    EXPECT_EQ(cost.at("encode_basis"), "self-hosted");
    // Storage: index bytes / 2^30 x $0.5 x 3 replicas.
    const double bytes = m.at("index_bytes").get<double>();
    EXPECT_DOUBLE_EQ(cost.at("corpus").at("storage_usd_per_month").get<double>(),
                     bytes / (1024.0 * 1024.0 * 1024.0) * 0.5 * 3);
    // Encoding: 6 documents / docs/s x $0.001 per second.
    const double docs_per_s = m.at("timings").at("documents_per_s").get<double>();
    EXPECT_NEAR(cost.at("corpus").at("encode_usd").get<double>(), 6.0 / docs_per_s * 0.001, 1e-15);
  }

  const Output rec = run("recommend " + path("out") + " --json " + path("rec.json"));
  ASSERT_EQ(rec.status, 0) << rec.output();
  EXPECT_NE(rec.output().find("best: bm25 (ndcg_cut_10 "), std::string::npos) << rec.output();
  const json r = read_json(dir_ / "rec.json");
  EXPECT_EQ(r.at("best"), "bm25");
  EXPECT_EQ(r.at("measure"), "ndcg_cut_10");

  const Output piped = run("recommend " + path("out") + " --json -");
  ASSERT_EQ(piped.status, 0) << piped.output();
  EXPECT_EQ(json::parse(piped.out).at("best"), "bm25") << piped.out;  // the JSON alone

  const Output strict = run("recommend " + path("out") + " --min-recall-at-100 1.01");
  EXPECT_NE(strict.status, 0);
  const Output none = run("recommend " + path("out") + " --max-usd 0");
  ASSERT_EQ(none.status, 0) << none.output();
  EXPECT_NE(none.output().find("note: no model meets the constraints"), std::string::npos)
      << none.output();
  EXPECT_NE(none.output().find("> --max-usd 0"), std::string::npos) << none.output();

  const Output missing = run("recommend " + path("data"));
  EXPECT_EQ(missing.status, 2) << missing.output();
  EXPECT_NE(missing.output().find("no results.json"), std::string::npos) << missing.output();
}

}  // namespace
