// End to end: `embeval eval --rerank` with the tiny random cross-encoder
// (tests/gguf/tiny_reranker.py). The reranked row appears in the table and results.json as
// "bm25 -> <reranker>" with its rerank columns; its run holds each query's first `top` BM25
// documents in the reranker's order (scores computed here through the library) and the rest in
// BM25's order below them; a second run reuses it; bad reranker specs fail before any work.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/eval/run.h"
#include "embeval/gguf/gguf_reranker.h"
#include "gguf/tiny_model_fixture.h"
#include "support/cli_runner.h"

namespace embeval {
namespace {

using nlohmann::json;
using testing::run_embeval;
using testing::shell_quote;
using testing_gguf::tiny_model;
using testing_gguf::work_dir;

// Six documents that all mention files (so BM25 ranks every one of them for each query) and
// three queries.
const std::map<std::string, std::string> kCorpus = {
    {"cp", "cp copies files and directories"},         {"mv", "mv moves or renames files"},
    {"rm", "rm removes files or directories"},         {"ls", "ls lists files in a directory"},
    {"cat", "cat concatenates files and prints them"}, {"ln", "ln makes links between files"},
};
const std::map<std::string, std::string> kQueries = {
    {"q1", "copy files"}, {"q2", "remove files"}, {"q3", "list the files of a directory"}};

std::filesystem::path make_dataset() {
  const auto dir = work_dir() / "rerank-data";
  std::filesystem::create_directories(dir / "qrels");
  std::ofstream corpus(dir / "corpus.jsonl");
  for (const auto& [id, text] : kCorpus) corpus << json{{"_id", id}, {"text", text}}.dump() << "\n";
  std::ofstream queries(dir / "queries.jsonl");
  for (const auto& [id, text] : kQueries)
    queries << json{{"_id", id}, {"text", text}}.dump() << "\n";
  std::ofstream(dir / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\nq1\tcp\t1\nq2\trm\t1\n"
                                               "q3\tls\t1\n";
  return dir;
}

// A run's documents for `qid` in trec_eval's order (score descending, docno descending).
std::vector<std::string> ranked(const TrecRun& run, const std::string& qid) {
  std::vector<RunEntry> e = run.by_query.at(qid);
  std::sort(e.begin(), e.end(), [](const RunEntry& a, const RunEntry& b) {
    if (static_cast<float>(a.score) != static_cast<float>(b.score)) return a.score > b.score;
    return a.docno > b.docno;
  });
  std::vector<std::string> ids;
  for (const auto& x : e) ids.push_back(x.docno);
  return ids;
}

TEST(GgufRerankCli, RerankedRowInTableAndResultsJson) {
  const auto data = make_dataset();
  const auto out = work_dir() / "rerank-out";
  const std::string model = tiny_model("tiny-bert-reranker.gguf").string();
  const std::string args = "eval --threads 1 --dataset " + shell_quote(data.string()) +
                           " --model bm25 --rerank " + shell_quote("gguf:" + model + "?top=3") +
                           " --out " + shell_quote(out.string());
  const testing::CliResult r = run_embeval(args);
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("bm25 -> gguf-tiny-bert-reranker_top-3 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" rerank "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" pairs/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("A -> R: A's run with its top documents re-scored"), std::string::npos);

  std::ifstream f(out / "results.json");
  const json results = json::parse(f);
  ASSERT_EQ(results["models"].size(), 2u);
  const json& m = results["models"][1];
  EXPECT_EQ(m["label"], "bm25_rerank_gguf-tiny-bert-reranker_top-3");
  const json& rr = m["rerank"];
  EXPECT_EQ(rr["first_stage"], "bm25");
  EXPECT_EQ(rr["name"], "bm25 -> gguf-tiny-bert-reranker_top-3");
  EXPECT_EQ(rr["reranker"], "gguf:" + model + "?max_tokens=64&top=3");
  EXPECT_EQ(rr["top"], 3);
  EXPECT_EQ(rr["queries"], 3);
  EXPECT_EQ(rr["pairs"], 9);  // 3 queries x their top 3
  EXPECT_EQ(rr["truncated_pairs"], 0);
  EXPECT_EQ(rr["tokens_source"], "model");
  EXPECT_TRUE(rr["cost_usd"].is_null());
  EXPECT_GT(rr["rerank_s"].get<double>(), 0.0);
  EXPECT_GT(rr["pairs_per_s"].get<double>(), 0.0);
  EXPECT_EQ(m["timings"]["rerank_s"], rr["rerank_s"]);
  EXPECT_FALSE(results["models"][0]["timings"].contains("rerank_s"));
  EXPECT_FALSE(results["models"][0].contains("rerank"));
  // The first stage's run is part of what the reranked result depends on.
  bool names_first_run = false;
  for (const auto& file : m["model_files"]) names_first_run |= file["path"] == "runs/bm25.trec";
  EXPECT_TRUE(names_first_run) << m["model_files"].dump();

  // The run: top 3 of BM25 in the reranker's order, the other 3 in BM25's order below them.
  const TrecRun first = read_run(out / "runs" / "bm25.trec");
  const TrecRun reranked = read_run(out / "runs" / (m["label"].get<std::string>() + ".trec"));
  GgufReranker reranker(ModelSpec::parse("gguf:" + model), 1);
  std::size_t reordered = 0;  // queries whose top 3 the reranker put in another order
  for (const auto& [qid, query] : kQueries) {
    const std::vector<std::string> bm25 = ranked(first, qid);
    ASSERT_EQ(bm25.size(), kCorpus.size()) << qid;
    std::vector<std::string_view> top_texts;
    for (std::size_t i = 0; i < 3; ++i) top_texts.push_back(kCorpus.at(bm25[i]));
    const std::vector<float> scores = reranker.score(query, top_texts);
    std::vector<std::size_t> order{0, 1, 2};
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    std::vector<std::string> expected;
    for (const std::size_t i : order) expected.push_back(bm25[i]);
    reordered += expected != std::vector<std::string>(bm25.begin(), bm25.begin() + 3) ? 1 : 0;
    expected.insert(expected.end(), bm25.begin() + 3, bm25.end());
    EXPECT_EQ(ranked(reranked, qid), expected) << qid;
  }
  EXPECT_GT(reordered, 0u);  // else the check above could not tell reranking from copying

  // Again: both rows reused from the saved records, the same numbers.
  const testing::CliResult again = run_embeval(args);
  ASSERT_EQ(again.status, 0) << again.output();
  EXPECT_NE(again.out.find("bm25 -> gguf-tiny-bert-reranker_top-3 *"), std::string::npos)
      << again.out;
  std::ifstream g(out / "results.json");
  const json second = json::parse(g);
  EXPECT_EQ(second["models"][1]["metrics"], m["metrics"]);
  EXPECT_EQ(second["models"][1]["rerank"], rr);
}

TEST(GgufRerankCli, BadRerankersFailBeforeAnyWork) {
  const auto data = make_dataset();
  const auto out = work_dir() / "rerank-bad";
  const std::string base = "eval --threads 1 --dataset " + shell_quote(data.string()) +
                           " --model bm25 --out " + shell_quote(out.string()) + " --rerank ";
  // An embedding model is not a cross-encoder.
  testing::CliResult r =
      run_embeval(base + shell_quote("gguf:" + tiny_model("tiny-bert-mean.gguf").string()));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("not a reranker"), std::string::npos) << r.output();
  r = run_embeval(base + shell_quote("nope:x"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("known reranker families"), std::string::npos) << r.output();
  r = run_embeval(base + shell_quote("openai-rerank:m"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("base_url"), std::string::npos) << r.output();
  r = run_embeval(base + shell_quote("gguf:" + tiny_model("tiny-bert-reranker.gguf").string()) +
                  " --score-at document");
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("--score-at document"), std::string::npos) << r.output();
  EXPECT_FALSE(std::filesystem::exists(out / "runs" / "bm25.trec"));
}

}  // namespace
}  // namespace embeval
