// embeval judge's library call on a hand-made dataset and runs with a fake judge: the pool, the
// pairs skipped, the files written, Hole@10 before and after (computed by hand below), and resume
// after a judge that fails in the middle (each pair asked once over both runs, the same files as
// one uninterrupted run).
#include "embeval/judging/relevance_judging.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/eval/qrels.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// Answers by the document in the prompt: "alpha" -> "2", "beta" -> "Grade: 3", "gamma" ->
// "maybe" (unparseable). Throws after `fail_after` answers (0 = never).
class FakeJudge : public Generator {
 public:
  std::string spec() const override { return "fake:judge"; }
  GeneratedText generate(const std::vector<ChatMessage>& messages,
                         const GenerationOptions& options) override {
    if (fail_after != 0 && calls.size() == fail_after) throw std::runtime_error("judge gone");
    const std::string& user = messages.back().content;
    calls.push_back(user);
    seeds.push_back(options.seed);
    GeneratedText out;
    out.text = user.find("alpha") != std::string::npos   ? "2"
               : user.find("beta") != std::string::npos  ? "Grade: 3"
               : user.find("gamma") != std::string::npos ? "maybe"
                                                         : "0";
    return out;
  }
  std::size_t fail_after = 0;
  std::vector<std::string> calls;
  std::vector<std::uint32_t> seeds;
};

class JudgeRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Dataset d;
    d.corpus = {{"d1", "", "one zero"},
                {"d2", "Two", "alpha text"},
                {"d3", "", "beta text"},
                {"d4", "", "four zero"},
                {"d5", "", "gamma text"}};
    d.queries = {{"q1", "first query"}, {"q2", "second query"}};
    d.qrels.judgments["q1"] = {{"d1", 2}};
    d.qrels.judgments["q2"] = {{"d4", 1}};
    write_beir(data.path() / "ds", d);
    // q3 has no judgment: write_beir keeps only judged queries, so add it by hand.
    std::ofstream(data.path() / "ds" / "queries.jsonl", std::ios::app)
        << R"({"_id":"q3","text":"third query"})"
        << "\n";
    write("a.trec",
          "q1 Q0 d1 1 0.9 a\nq1 Q0 d2 2 0.8 a\nq1 Q0 d3 3 0.7 a\n"
          "q2 Q0 d4 1 0.9 a\nq2 Q0 d5 2 0.5 a\n");
    write("b.trec", "q1 Q0 d3 1 0.9 b\nq1 Q0 d5 2 0.8 b\nq3 Q0 d2 1 0.9 b\n");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(data.path() / name) << text;
  }
  JudgeConfig config(const std::filesystem::path& dataset) const {
    JudgeConfig c;
    c.dataset_dir = dataset;
    c.runs = {data.path() / "a.trec", data.path() / "b.trec"};
    c.show_progress = false;
    return c;
  }
  testing::TempDir data{"embeval-judge"};
};

TEST_F(JudgeRunsTest, AsksThePoolsUnjudgedPairsAndWritesModelMadeQrels) {
  FakeJudge judge;
  const JudgeReport r = judge_runs(config(data.path() / "ds"), judge);
  // Pool at depth 10: q1 {d1, d3, d2, d5}, q2 {d4, d5}, q3 {d2}: 7 pairs, 2 judged in the dataset.
  EXPECT_EQ(r.pooled, 7u);
  EXPECT_EQ(r.already_judged, 2u);
  EXPECT_EQ(r.asked, 5u);
  EXPECT_EQ(judge.calls.size(), 5u);
  EXPECT_EQ(r.graded, 3u);       // q1-d3 (3), q1-d2 (2), q3-d2 (2)
  EXPECT_EQ(r.unparseable, 2u);  // q1-d5, q2-d5: "maybe"
  EXPECT_EQ(r.grades, (std::array<std::size_t, 4>{0, 0, 2, 1}));
  ASSERT_EQ(r.unparseable_examples.size(), 2u);
  EXPECT_EQ(r.unparseable_examples[0], "maybe");
  // The prompt: the query's text and the document's (title and text).
  EXPECT_NE(judge.calls[0].find("Query: first query"), std::string::npos) << judge.calls[0];
  EXPECT_NE(judge.calls[1].find("Two alpha text"), std::string::npos) << judge.calls[1];

  const auto qrels_dir = data.path() / "ds" / "qrels";
  EXPECT_EQ(r.qrels_file, qrels_dir / "test.judged.tsv");
  // In asking order: q1's pool order (d3 rank 1, d2 rank 2, d5 unparseable), q2, q3.
  EXPECT_EQ(testing::read_file(qrels_dir / "test.judged.tsv"),
            "query-id\tcorpus-id\tscore\nq1\td3\t3\nq1\td2\t2\nq3\td2\t2\n");
  EXPECT_EQ(testing::read_file(qrels_dir / "test.judged.merged.tsv"),
            "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t2\nq1\td3\t3\nq2\td4\t1\nq3\td2\t2\n");
  EXPECT_EQ(read_qrels(qrels_dir / "test.judged.tsv").num_judgments(), 3u);
  const auto sidecar = nlohmann::json::parse(testing::read_file(qrels_dir / "test.judged.json"));
  EXPECT_EQ(sidecar["made_by"], "model");
  EXPECT_EQ(sidecar["status"], "complete");
  EXPECT_EQ(sidecar["judge"], "fake:judge");
  EXPECT_EQ(sidecar["prompt_hash"], r.prompt_hash);
  EXPECT_EQ(sidecar["seed"], 42);
  EXPECT_EQ(sidecar["counts"]["unparseable"], 2);
  EXPECT_EQ(sidecar["sampling"], "max_tokens=16&seed=42&temperature=0&top_k=25&top_p=0.95");

  // Hole@10 by hand. Before (dataset: q1-d1, q2-d4): A: q1 2/3, q2 1/2 -> 7/12; B: q1 1, q3 1.
  // After (+ q1-d3, q1-d2, q3-d2): A: q1 0, q2 1/2 -> 1/4; B: q1 1/2 (d5), q3 0 -> 1/4.
  ASSERT_EQ(r.holes.size(), 2u);
  EXPECT_DOUBLE_EQ(r.holes[0].before.hole, 7.0 / 12);
  EXPECT_DOUBLE_EQ(r.holes[1].before.hole, 1.0);
  EXPECT_DOUBLE_EQ(r.holes[0].after.hole, 0.25);
  EXPECT_DOUBLE_EQ(r.holes[1].after.hole, 0.25);
  EXPECT_DOUBLE_EQ(sidecar["hole"][0]["before"]["hole"].get<double>(), 7.0 / 12);

  // A second run asks nothing.
  FakeJudge again;
  const JudgeReport r2 = judge_runs(config(data.path() / "ds"), again);
  EXPECT_TRUE(again.calls.empty());
  EXPECT_EQ(r2.from_log, 5u);
  EXPECT_EQ(r2.graded, 3u);
  EXPECT_DOUBLE_EQ(r2.holes[0].after.hole, 0.25);
}

TEST_F(JudgeRunsTest, ResumesAfterAFailureAskingEachPairOnce) {
  std::filesystem::copy(data.path() / "ds", data.path() / "fresh",
                        std::filesystem::copy_options::recursive);
  FakeJudge uninterrupted;
  (void)judge_runs(config(data.path() / "fresh"), uninterrupted);

  FakeJudge failing;
  failing.fail_after = 2;
  EXPECT_THROW((void)judge_runs(config(data.path() / "ds"), failing), std::runtime_error);
  const auto qrels_dir = data.path() / "ds" / "qrels";
  // A kill in the middle of the next line: a partial line the rerun drops.
  std::ofstream(qrels_dir / "test.judged.log.jsonl", std::ios::app) << R"({"query":"q1","do)";
  FakeJudge resumed;
  const JudgeReport r = judge_runs(config(data.path() / "ds"), resumed);
  EXPECT_EQ(r.from_log, 2u);
  EXPECT_EQ(r.asked, 3u);
  std::multiset<std::string> asked(failing.calls.begin(), failing.calls.end());
  asked.insert(resumed.calls.begin(), resumed.calls.end());
  EXPECT_EQ(asked,
            std::multiset<std::string>(uninterrupted.calls.begin(), uninterrupted.calls.end()));
  std::vector<std::uint32_t> seeds = failing.seeds;
  seeds.insert(seeds.end(), resumed.seeds.begin(), resumed.seeds.end());
  EXPECT_EQ(seeds, uninterrupted.seeds);
  const auto fresh_dir = data.path() / "fresh" / "qrels";
  for (const char* file : {"test.judged.tsv", "test.judged.log.jsonl", "test.judged.merged.tsv"}) {
    EXPECT_EQ(testing::read_file(qrels_dir / file), testing::read_file(fresh_dir / file)) << file;
  }
}

TEST_F(JudgeRunsTest, RefusesToMixJudgesOrPromptsInOneFile) {
  FakeJudge judge;
  (void)judge_runs(config(data.path() / "ds"), judge);
  JudgeConfig other_prompt = config(data.path() / "ds");
  write("p.txt", "Rate {query} against {document}: 0-3.");
  other_prompt.prompt_file = data.path() / "p.txt";
  EXPECT_THROW((void)judge_runs(other_prompt, judge), InputError);
  JudgeConfig other_sampling = config(data.path() / "ds");
  other_sampling.generation.max_tokens = 64;
  EXPECT_THROW((void)judge_runs(other_sampling, judge), InputError);
  // Another --out starts anew with the other prompt.
  other_prompt.out = data.path() / "elsewhere" / "mine.tsv";
  FakeJudge fresh;
  const JudgeReport r = judge_runs(other_prompt, fresh);
  EXPECT_EQ(fresh.calls.size(), 5u);
  EXPECT_NE(fresh.calls[0].find("Rate first query against"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(data.path() / "elsewhere" / "mine.json"));
  EXPECT_TRUE(std::filesystem::exists(data.path() / "elsewhere" / "mine.log.jsonl"));
  EXPECT_EQ(r.holes[0].after.hole, 0.25);
}

TEST_F(JudgeRunsTest, RefusesRunsOfAnotherDatasetAndBadOutputs) {
  FakeJudge judge;
  write("bad.trec", "q1 Q0 nosuchdoc 1 0.9 x\n");
  JudgeConfig c = config(data.path() / "ds");
  c.runs = {data.path() / "bad.trec"};
  EXPECT_THROW((void)judge_runs(c, judge), InputError);
  write("badq.trec", "q9 Q0 d1 1 0.9 x\n");
  c.runs = {data.path() / "badq.trec"};
  EXPECT_THROW((void)judge_runs(c, judge), InputError);
  c = config(data.path() / "ds");
  c.out = data.path() / "ds" / "qrels" / "test.tsv";  // the dataset's own judgments
  EXPECT_THROW((void)judge_runs(c, judge), InputError);
  c.out = data.path() / "judged.txt";
  EXPECT_THROW((void)judge_runs(c, judge), InputError);
  EXPECT_TRUE(judge.calls.empty());
}

}  // namespace
}  // namespace embeval
