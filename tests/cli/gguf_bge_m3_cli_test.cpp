// `eval` with BGE-M3's three outputs on the tiny random XLM-R GGUF and random heads saved by the
// real torch.save. Each piece has an independent reference in its own test (token states: numpy;
// heads and scores: torch float64; MaxSim: brute force); here the run files must hold exactly what
// those pieces compute together, and each output must be served by its own index.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "embeval/encoders/bge_m3_heads.h"
#include "embeval/eval/run.h"
#include "embeval/gguf/gguf_token_states.h"
#include "gguf/tiny_model_fixture.h"
#include "support/cli_runner.h"
#include "support/read_file.h"

namespace embeval {
namespace {

using namespace testing_gguf;
using testing::run_embeval;
using testing::shell_quote;

constexpr const char* kHeads = R"PY(
import os, sys, torch
torch.manual_seed(3)
torch.save(torch.nn.Linear(32, 1).state_dict(), os.path.join(sys.argv[1], "sparse_linear.pt"))
torch.save(torch.nn.Linear(32, 32).state_dict(), os.path.join(sys.argv[1], "colbert_linear.pt"))
)PY";

const std::vector<std::pair<std::string, std::string>> kDocs = {
    {"d1", "copy files and directories"},
    {"d2", "remove files or directories"},
    {"d3", "list directory contents"},
    {"d4", "Dateien und Verzeichnisse kopieren"}};
const std::vector<std::pair<std::string, std::string>> kQueries = {
    {"q1", "copy a file"}, {"q2", "show what a folder holds"}};

class GgufBgeM3CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto heads = dir_ / "heads";
    std::filesystem::create_directories(heads);
    const auto script = dir_.write("heads.py", kHeads);
    ASSERT_EQ(std::system(("/usr/bin/python3 " + script.string() + " " + heads.string()).c_str()),
              0);
    std::string corpus, queries;
    for (const auto& [id, text] : kDocs) {
      corpus += "{\"_id\": \"" + id + "\", \"title\": \"\", \"text\": \"" + text + "\"}\n";
    }
    for (const auto& [id, text] : kQueries) {
      queries += "{\"_id\": \"" + id + "\", \"text\": \"" + text + "\"}\n";
    }
    dir_.write("data/corpus.jsonl", corpus);
    dir_.write("data/queries.jsonl", queries);
    dir_.write("data/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n");
  }
  std::string spec(const std::string& output) const {
    return "bge-m3:" + family_model("tiny-xlmr-cls.gguf").string() +
           "?heads=" + (dir_ / "heads").string() + "&output=" + output;
  }

  testing::TempDir dir_{"embeval-bge-m3-cli"};
};

TEST_F(GgufBgeM3CliTest, EvaluatesEachOutputWithItsOwnIndexAndTheHeadsScores) {
  const auto r = run_embeval(
      "eval --threads 1 --dataset " + shell_quote((dir_ / "data").string()) + " --out " +
      shell_quote((dir_ / "out").string()) + " --model " + shell_quote(spec("dense")) +
      " --model " + shell_quote(spec("sparse")) + " --model " + shell_quote(spec("colbert")));
  ASSERT_EQ(r.status, 0) << r.output();
  const std::string results = testing::read_file(dir_ / "out" / "results.json");
  for (const char* family : {"\"dense\"", "\"sparse\"", "\"multi-vector\""}) {
    EXPECT_NE(results.find(family), std::string::npos) << family;
  }

  // The sparse and colbert runs hold the heads' scores of the token states, for every pair.
  GgufTokenStates states(family_model("tiny-xlmr-cls.gguf"), 0, 1);
  const BgeM3Heads heads(dir_ / "heads");
  auto outputs = [&](const auto& texts) {
    std::vector<std::string_view> views;
    for (const auto& [id, text] : texts) views.push_back(text);
    std::vector<BgeM3Output> out;
    for (const TokenStates& s : states.run(views)) {
      out.push_back(heads.apply(s.hidden.data, s.ids, states.special_ids()));
    }
    return out;
  };
  const auto docs = outputs(kDocs);
  const auto queries = outputs(kQueries);
  std::size_t checked = 0;
  for (const auto& [label, score] :
       std::vector<std::pair<std::string, float (*)(const BgeM3Output&, const BgeM3Output&)>>{
           {"sparse", bge_m3_sparse_score}, {"colbert", bge_m3_colbert_score}}) {
    std::filesystem::path run_file;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "out" / "runs")) {
      if (entry.path().filename().string().find(label) != std::string::npos) run_file = entry;
    }
    ASSERT_FALSE(run_file.empty()) << label;
    const TrecRun run = read_run(run_file);
    for (std::size_t q = 0; q < kQueries.size(); ++q) {
      const auto hits = run.by_query.find(kQueries[q].first);  // sparse: none without overlap
      if (hits == run.by_query.end()) continue;
      for (const RunEntry& e : hits->second) {
        std::size_t d = 0;
        while (kDocs[d].first != e.docno) ++d;
        // The index's float score against the same arithmetic: MaxSim sums SGEMM dots of unit
        // vectors in another order (32 terms: 2 * 32 eps), the sparse score is the same sum.
        EXPECT_NEAR(e.score, score(queries[q], docs[d]), 64 * 0x1p-24) << label << " " << e.docno;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 4u);
}

TEST_F(GgufBgeM3CliTest, NamesAMissingHeadFile) {
  std::filesystem::remove(dir_ / "heads" / "colbert_linear.pt");
  const auto r = run_embeval("eval --dataset " + shell_quote((dir_ / "data").string()) + " --out " +
                             shell_quote((dir_ / "out").string()) + " --model " +
                             shell_quote(spec("colbert")));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("colbert_linear.pt"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace embeval
