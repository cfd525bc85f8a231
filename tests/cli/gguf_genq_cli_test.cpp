// `dataset queries --generator gguf:...` end to end with the tiny random chat model
// (tests/gguf/tiny_chat_model.py): the text is noise, but the files, the provenance, the prompt
// hash (checked against sha256sum), determinism for a seed and the input errors are real.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "gguf/tiny_model_fixture.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::run_embeval;
using testing::shell_quote;
using json = nlohmann::json;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Two documents of passages, as `dataset chunk` writes them (metadata names the parent).
fs::path passage_dataset(const fs::path& dir) {
  fs::create_directories(dir / "qrels");
  std::ofstream corpus(dir / "corpus.jsonl");
  for (const char* parent : {"guide.md", "faq.md"}) {
    for (int i = 0; i < 3; ++i) {
      corpus << json({{"_id", std::string(parent) + "#" + std::to_string(i)},
                      {"title", std::string("Title of ") + parent},
                      {"text", "Passage " + std::to_string(i) + " explains how to build it."},
                      {"metadata", {{"parent", parent}}}})
                    .dump()
             << "\n";
    }
  }
  std::ofstream(dir / "queries.jsonl").flush();
  std::ofstream(dir / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\n";
  return dir;
}

std::string generator_arg() {
  return shell_quote("gguf:" + testing_gguf::tiny_model("tiny-qwen3-chat.gguf").string() +
                     "?ctx=512&threads=1");
}

TEST(GenqCli, WritesQueriesQrelsAndProvenanceDeterministically) {
  const testing::TempDir tmp("embeval-genq-cli");
  const fs::path data = passage_dataset(tmp.path() / "data");
  const fs::path prompt = tmp.path() / "prompt.txt";
  std::ofstream(prompt)
      << "System line.\n---\nPassage of {title}:\n{passage}\nWrite {n} questions.\n";
  std::string runs[2];
  for (int run = 0; run < 2; ++run) {
    const fs::path out = tmp.path() / ("out" + std::to_string(run));
    const auto r =
        run_embeval("dataset queries " + shell_quote(data.string()) + " --generator " +
                    generator_arg() + " --passages 3 --per-passage 2 --max-tokens 24" +
                    " --min-words 1 --max-words 1000 --seed 5 --split gen --prompt " +
                    shell_quote(prompt.string()) + " --out " + shell_quote(out.string()));
    ASSERT_EQ(r.status, 0) << r.output();
    EXPECT_NE(r.out.find("generated queries:"), std::string::npos) << r.out;
    runs[run] = read(out / "queries.jsonl");
    const std::string qrels = read(out / "qrels" / "gen.tsv");
    EXPECT_EQ(qrels.rfind("query-id\tcorpus-id\tscore\n", 0), 0u);
    const json meta = json::parse(read(out / "dataset.json")).at("queries");
    EXPECT_EQ(meta.at("from"), "generator");
    EXPECT_EQ(meta.at("seed"), 5);
    EXPECT_EQ(meta.at("sampling"), "max_tokens=24&seed=5&temperature=1&top_k=25&top_p=0.95");
    EXPECT_EQ(meta.at("passages"), 3);
    EXPECT_EQ(meta.at("prompt").at("source"), prompt.string());
    // The recorded hash is what sha256sum says of the file.
    FILE* pipe = popen(("sha256sum " + shell_quote(prompt.string())).c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char hex[65] = {};
    ASSERT_EQ(std::fread(hex, 1, 64, pipe), 64u);
    pclose(pipe);
    EXPECT_EQ(meta.at("prompt").at("sha256"), std::string(hex));
    // Every query: its passage, grade 2.
    std::istringstream lines(qrels);
    std::string line;
    std::getline(lines, line);
    std::size_t judged = 0;
    while (std::getline(lines, line)) {
      const std::string q = line.substr(0, line.find('\t'));
      EXPECT_EQ(line, q + "\t" + q.substr(0, q.rfind("#g")) + "\t2");
      ++judged;
    }
    EXPECT_EQ(judged, meta.at("queries").get<std::size_t>());
  }
  EXPECT_EQ(runs[0], runs[1]);  // same seed, same queries, byte for byte
}

TEST(GenqCli, InputErrorsExitTwo) {
  const testing::TempDir tmp("embeval-genq-cli");
  const fs::path data = passage_dataset(tmp.path() / "data");
  const fs::path prompt = tmp.path() / "bad.txt";
  std::ofstream(prompt) << "Questions about {topic}: {passage}\n";
  const std::string base = "dataset queries " + shell_quote(data.string());
  auto r = run_embeval(base + " --generator " + generator_arg() + " --prompt " +
                       shell_quote(prompt.string()));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("{topic}"), std::string::npos) << r.err;
  r = run_embeval(base + " --from headings --generator " + generator_arg());
  EXPECT_EQ(r.status, 2) << r.output();
  r = run_embeval(base);
  EXPECT_EQ(r.status, 2) << r.output();
  r = run_embeval(
      base + " --generator " +
      shell_quote("gguf:" + testing_gguf::tiny_model("tiny-qwen3-chat-no-template.gguf").string()));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("template=chatml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace embeval
