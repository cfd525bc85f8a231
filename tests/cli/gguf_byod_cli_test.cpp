// "Bring your own documents" end to end. ReadmeCommands runs the README's three commands on a
// real folder (the Markdown docs of the pinned llama.cpp source): import, queries from headings,
// eval with BM25 and a GGUF model (the tiny test model stands in for the README's word vectors,
// which CI does not have). The hand-built dataset (the metadata the import writes: sections as
// byte ranges with heading paths) checks exact counts through chunk and document-level eval;
// `dataset chunk` is also run with a real GGUF vocabulary counting tokens.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gguf/tiny_model_fixture.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::run_embeval;
using testing_gguf::tiny_model;
using json = nlohmann::json;

const std::string kVocab =
    (testing_gguf::kLlamaSource / "models" / "ggml-vocab-bert-bge.gguf").string();

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A record whose sections are its text's paragraphs, each headed by `headings[i]`.
json record(const std::string& id, const std::string& title,
            const std::vector<std::pair<std::string, std::string>>& sections) {
  std::string text;
  json meta = {{"source", {{"path", id}, {"format", "markdown"}}}, {"sections", json::array()}};
  for (const auto& [heading, body] : sections) {
    if (!text.empty()) text += "\n\n";
    const std::size_t begin = text.size();
    text += body;
    meta["sections"].push_back({{"begin", begin},
                                {"end", text.size()},
                                {"level", 2},
                                {"heading", heading},
                                {"path", {title, heading}}});
  }
  return {{"_id", id}, {"title", title}, {"text", text}, {"metadata", meta}};
}

class ByodCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "docs");
    std::ofstream corpus(dir_ / "docs" / "corpus.jsonl");
    corpus << record("guide/install.md", "Installing the toolkit",
                     {{"Debian packages",
                       "Install the compiler, cmake and the BLAS library with "
                       "apt-get. The packages are listed in the setup script."},
                      {"Building llama.cpp",
                       "The pinned llama.cpp source is built once into the "
                       "cache folder. Two builds at once corrupt it."}})
                  .dump()
           << "\n"
           << record("guide/search.md", "Searching vectors",
                     {{"Exact search",
                       "Blocked matrix products score every document against "
                       "every query and keep the best k."},
                      {"Introduction", "This page explains the search layer."},
                      {"HNSW graphs",
                       "Graph indexes trade recall for speed; sweep efSearch to "
                       "find the frontier of recall against queries per second."}})
                  .dump()
           << "\n";
    std::ofstream(dir_ / "docs" / "queries.jsonl") << "";
  }
  testing::TempDir dir_{"embeval-byod-cli"};
};

TEST_F(ByodCli, HeadingQueriesThenEvalAtDocumentLevel) {
  const auto q = run_embeval("dataset queries " + (dir_ / "docs").string() + " --from headings");
  ASSERT_EQ(q.status, 0) << q.output();
  // Two titles and five headings; "Introduction" is on the stop list.
  EXPECT_NE(q.out.find("queries from headings: 6 queries (2 from titles) out of 7 titles and "
                       "headings in 2 documents"),
            std::string::npos)
      << q.out;
  EXPECT_NE(q.out.find("caveat: queries made from headings"), std::string::npos) << q.out;
  const std::string qrels = read(dir_ / "docs" / "qrels" / "test.tsv");
  EXPECT_NE(qrels.find("guide/search.md#h2\tguide/search.md\t2"), std::string::npos) << qrels;
  const json provenance = json::parse(read(dir_ / "docs" / "dataset.json"));
  EXPECT_EQ(provenance.at("queries").at("from"), "headings");
  EXPECT_EQ(provenance.at("queries").at("skipped_generic"), 1);

  const auto c = run_embeval("dataset chunk " + (dir_ / "docs").string() + " --out " +
                             (dir_ / "passages").string() +
                             " --unit words --size 12 --overlap 3 --pack sentence --sections");
  ASSERT_EQ(c.status, 0) << c.output();
  EXPECT_NE(c.out.find("chunked 2 documents into"), std::string::npos) << c.out;

  const auto e =
      run_embeval("eval --threads 1 --dataset " + (dir_ / "passages").string() +
                  " --model bm25 --model gguf:" + tiny_model("tiny-bert-mean.gguf").string() +
                  " --score-at document --out " + (dir_ / "results").string());
  ASSERT_EQ(e.status, 0) << e.output();
  EXPECT_NE(e.out.find("scored at document level: 2 documents"), std::string::npos) << e.out;
  const json results = json::parse(read(dir_ / "results" / "results.json"));
  EXPECT_EQ(results.at("settings").at("score_at"), "document");
  EXPECT_EQ(results.at("dataset").at("scored_documents"), 2);
  EXPECT_EQ(results.at("dataset").at("queries"), 6);
  // Document level: 6 queries, each judging its one document with grade 2.
  EXPECT_EQ(results.at("dataset").at("scored_judgments"), 6);
  // Two documents: every run holds both, so recall@10 is 1 for every model.
  for (const auto& m : results.at("models")) {
    EXPECT_DOUBLE_EQ(m.at("metrics").at("mean").at("recall_10").get<double>(), 1.0) << m.dump();
  }
}

TEST_F(ByodCli, ReadmeCommands) {
  const fs::path docs = testing_gguf::kLlamaSource / "docs";
  ASSERT_TRUE(fs::is_directory(docs)) << docs;
  const std::string data = (dir_ / "llama-docs").string();
  const auto i = run_embeval("dataset import " + docs.string() + " --out " + data);
  ASSERT_EQ(i.status, 0) << i.output();
  const auto q = run_embeval("dataset queries " + data + " --from headings");
  ASSERT_EQ(q.status, 0) << q.output();
  EXPECT_NE(q.out.find("caveat: "), std::string::npos) << q.out;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "llama-docs" / "import.json"));  // kept in place
  const auto e = run_embeval("eval --threads 1 --dataset " + data + " --model bm25 --model gguf:" +
                             tiny_model("tiny-bert-mean.gguf").string() + " --out " +
                             (dir_ / "llama-results").string());
  ASSERT_EQ(e.status, 0) << e.output();
  const json results = json::parse(read(dir_ / "llama-results" / "results.json"));
  const json provenance = json::parse(read(dir_ / "llama-docs" / "dataset.json"));
  const std::size_t queries = provenance.at("queries").at("queries").get<std::size_t>();
  EXPECT_GT(queries, 20u);  // the docs have hundreds of headings
  EXPECT_EQ(results.at("dataset").at("queries").get<std::size_t>(), queries);
  ASSERT_EQ(results.at("models").size(), 2u);
  // Known-item queries made of a section's own words: BM25 finds most of them.
  const double bm25 = results.at("models").at(0).at("metrics").at("mean").at("ndcg_cut_10");
  EXPECT_GT(bm25, 0.5) << e.out;
}

TEST_F(ByodCli, ChunkCountsTokensOfARealVocabulary) {
  // Every word of this text is one BERT WordPiece token, so 4-token windows are 4-word windows.
  fs::create_directories(dir_ / "plain");
  std::ofstream(dir_ / "plain" / "corpus.jsonl")
      << R"({"_id": "d", "title": "", "text": "the quick brown fox jumps over the lazy dog"})"
      << "\n";
  std::ofstream(dir_ / "plain" / "queries.jsonl") << "";
  const auto t = run_embeval("dataset chunk " + (dir_ / "plain").string() + " --out " +
                             (dir_ / "tok").string() + " --unit tokens --tokenizer gguf:" + kVocab +
                             " --size 4 --overlap 1");
  ASSERT_EQ(t.status, 0) << t.output();
  const std::string corpus = read(dir_ / "tok" / "corpus.jsonl");
  EXPECT_NE(corpus.find(R"("_id":"d#0","title":"","text":"the quick brown fox")"),
            std::string::npos)
      << corpus;
  EXPECT_NE(corpus.find(R"("_id":"d#1","title":"","text":"fox jumps over the")"), std::string::npos)
      << corpus;
  EXPECT_NE(corpus.find(R"("_id":"d#2","title":"","text":"the lazy dog")"), std::string::npos)
      << corpus;

  const auto bad = run_embeval("dataset chunk " + (dir_ / "plain").string() + " --out " +
                               (dir_ / "x").string() + " --size 4 --overlap 4");
  EXPECT_EQ(bad.status, 2) << bad.output();
  EXPECT_NE(bad.err.find("must be smaller than the passage size"), std::string::npos) << bad.err;
  const auto no_tok = run_embeval("dataset chunk " + (dir_ / "plain").string() + " --out " +
                                  (dir_ / "x").string() + " --unit tokens --size 4");
  EXPECT_EQ(no_tok.status, 2) << no_tok.output();
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

}  // namespace
}  // namespace embeval
