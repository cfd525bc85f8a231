// `eval` with bge-m3's output=all (dense, sparse, colbert and combined rows from one pass per
// text), its on-disk output cache, the combined score's weight variants and ColBERT re-ranking
// the dense top N, on the tiny random XLM-R GGUF with random heads saved by the real torch.save.
// Every score is checked against an independent reference (tests/gguf/tiny_bge_m3.py: the numpy
// float64 forward pass, torch.load of the heads, FlagEmbedding's formulas in float64), within a
// bound the reference derives from the forward pass's parity bound (tiny_model_fixture.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/eval/run.h"
#include "embeval/gguf/gguf_token_states.h"
#include "gguf/tiny_model_fixture.h"
#include "support/cli_runner.h"
#include "support/read_file.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using namespace testing_gguf;
using testing::run_embeval;
using testing::shell_quote;

constexpr const char* kHeads = R"PY(
import os, sys, torch
torch.manual_seed(5)
sparse = torch.nn.Linear(32, 1)
sparse.bias.data.fill_(1.0)  # most tokens keep a weight, so queries and documents share some
torch.save(sparse.state_dict(), os.path.join(sys.argv[1], "sparse_linear.pt"))
torch.save(torch.nn.Linear(32, 32).state_dict(), os.path.join(sys.argv[1], "colbert_linear.pt"))
)PY";

const std::vector<std::pair<std::string, std::string>> kDocs = {
    {"d1", "copy files and directories"},
    {"d2", "remove files or directories"},
    {"d3", "list directory contents"},
    {"d4", "Dateien und Verzeichnisse kopieren"}};
const std::vector<std::pair<std::string, std::string>> kQueries = {
    {"q1", "copy a file"}, {"q2", "list the files of a directory"}};
const std::vector<std::string> kWeights = {"1,1,1", "0.4,0.2,0.4", "1,1,0"};

class GgufBgeM3AllCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto heads = dir_ / "heads";
    fs::create_directories(heads);
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
  std::string spec(const std::string& params) const {
    return "bge-m3:" + family_model("tiny-xlmr-cls.gguf").string() +
           "?heads=" + (dir_ / "heads").string() + "&" + params;
  }
  testing::CliResult eval(const std::string& out, const std::vector<std::string>& params,
                          const std::string& flags = "") const {
    std::string command = "eval --threads 1 --k 10 --dataset " +
                          shell_quote((dir_ / "data").string()) + " --out " +
                          shell_quote((dir_ / out).string()) + " " + flags;
    for (const auto& p : params) command += " --model " + shell_quote(spec(p));
    return run_embeval(command);
  }
  // runs/<label>.trec of the model whose label ends with `suffix` (labels end with the params).
  fs::path run_file(const std::string& out, const std::string& suffix) const {
    for (const auto& entry : fs::directory_iterator(dir_ / out / "runs")) {
      const std::string name = entry.path().filename().string();
      if (name.size() > suffix.size() + 5 &&
          name.compare(name.size() - suffix.size() - 5, suffix.size(), suffix) == 0) {
        return entry.path();
      }
    }
    ADD_FAILURE() << "no run ending in " << suffix << " in " << out;
    return {};
  }
  // The reference: per query and document, every score and its bound.
  nlohmann::json reference() const {
    GgufTokenStates states(family_model("tiny-xlmr-cls.gguf"), 0, 1);
    std::vector<std::string_view> texts;
    for (const auto& [id, text] : kQueries) texts.push_back(text);
    for (const auto& [id, text] : kDocs) texts.push_back(text);
    std::string tokens, specials;
    for (const TokenStates& s : states.run(texts)) {
      for (std::size_t i = 0; i < s.ids.size(); ++i) {
        if (i > 0) tokens += ' ';
        tokens += std::to_string(s.ids[i]);
      }
      tokens += '\n';
    }
    for (const std::int32_t id : states.special_ids()) {
      if (!specials.empty()) specials += ',';
      specials += std::to_string(id);
    }
    const auto tokens_file = dir_.write("tokens.txt", tokens);
    const auto out = dir_ / "reference.json";
    std::string command = "PYTHONPATH='" + (kLlamaSource / "gguf-py").string() + ":" +
                          kScript.parent_path().string() + "' /usr/bin/python3 '" +
                          (kScript.parent_path() / "tiny_bge_m3.py").string() + "' scores '" +
                          family_model("tiny-xlmr-cls.gguf").string() + "' '" +
                          (dir_ / "heads").string() + "' '" + tokens_file.string() + "' " +
                          specials + " " + std::to_string(kQueries.size()) + " " +
                          std::to_string(parity_tolerance(2));
    for (const auto& w : kWeights) command += " " + w;
    command += " '" + out.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    std::ifstream in(out);
    return nlohmann::json::parse(in);
  }

  testing::TempDir dir_{"embeval-bge-m3-all"};
};

std::size_t doc_index(const std::string& docno) {
  for (std::size_t d = 0; d < kDocs.size(); ++d) {
    if (kDocs[d].first == docno) return d;
  }
  ADD_FAILURE() << docno;
  return 0;
}

// Float rounding on top of the reference's bound: scores of unit vectors summed over 32
// components in float (dense, MaxSim) are within 2 * 32 u; a few ulps for the rest.
constexpr double kFloatSlack = 64 * 0x1p-24;

TEST_F(GgufBgeM3AllCliTest, AllOutputsAndTheCombinedScoresMatchTheReference) {
  std::vector<std::string> models = {"output=all"};
  for (std::size_t w = 1; w < kWeights.size(); ++w) {
    models.push_back("output=combined&weights=" + kWeights[w]);
  }
  const auto r = eval("out", models);
  ASSERT_EQ(r.status, 0) << r.output();
  // One pass: the first model encodes the 6 texts, the other five read them back.
  std::size_t encoded = 0, read_back = 0;
  for (std::size_t at = 0; (at = r.err.find("bge-m3 cache: ", at)) != std::string::npos; ++at) {
    if (r.err.compare(at, 40, "bge-m3 cache: 0 texts read back, 6 encod") == 0) ++encoded;
    if (r.err.compare(at, 40, "bge-m3 cache: 6 texts read back, 0 encod") == 0) ++read_back;
  }
  EXPECT_EQ(encoded, 1u) << r.err;
  EXPECT_EQ(read_back, 5u) << r.err;

  const nlohmann::json ref = reference();
  struct Checked {
    std::string suffix, score;
    int weights;  // index into kWeights for combined scores, -1 otherwise
  };
  const std::vector<Checked> checks = {
      {"output-dense", "dense", -1},          {"output-sparse", "sparse", -1},
      {"output-colbert", "colbert", -1},      {"output-combined", "combined", 0},
      {"weights-0.4_0.2_0.4", "combined", 1}, {"weights-1_1_0", "combined", 2}};
  std::size_t checked = 0;
  double worst = 0;  // the largest error as a share of its bound (printed: how tight it is)
  for (const auto& c : checks) {
    const TrecRun run = read_run(run_file("out", c.suffix));
    for (std::size_t q = 0; q < kQueries.size(); ++q) {
      const auto hits = run.by_query.find(kQueries[q].first);
      // Exact scoring: every document is ranked (sparse: those sharing a token with the query).
      if (c.score == "sparse") {
        if (hits == run.by_query.end()) continue;
      } else {
        ASSERT_NE(hits, run.by_query.end()) << c.suffix;
        EXPECT_EQ(hits->second.size(), kDocs.size()) << c.suffix;
      }
      for (const RunEntry& e : hits->second) {
        const auto& entry = ref[q][doc_index(e.docno)];
        const double want = c.weights < 0 ? entry[c.score].get<double>()
                                          : entry["combined"][c.weights].get<double>();
        const double bound = c.weights < 0 ? entry[c.score + "_bound"].get<double>()
                                           : entry["combined_bound"][c.weights].get<double>();
        EXPECT_NEAR(e.score, want, bound + kFloatSlack) << c.suffix << " " << e.docno;
        ++checked;
        worst = std::max(worst, std::fabs(e.score - want) / (bound + kFloatSlack));
      }
    }
  }
  // Dense, colbert and the three combined runs rank all 4 documents for both queries; sparse
  // at least the two pairs sharing a word ("copy", "directory").
  EXPECT_GE(checked, 5u * 2 * kDocs.size() + 2);
  std::printf("largest error: %.3g of its bound\n", worst);
}

TEST_F(GgufBgeM3AllCliTest, OnePassGivesTheSameBytesAsEachOutputAlone) {
  ASSERT_EQ(eval("all", {"output=all"}).status, 0);
  const auto alone =
      eval("alone", {"output=dense", "output=sparse", "output=colbert"}, "--no-cache");
  ASSERT_EQ(alone.status, 0) << alone.output();
  EXPECT_EQ(alone.err.find("bge-m3 cache"), std::string::npos) << alone.err;
  for (const char* o : {"output-dense", "output-sparse", "output-colbert"}) {
    EXPECT_EQ(testing::read_file(run_file("all", o)), testing::read_file(run_file("alone", o)))
        << o;
  }
}

TEST_F(GgufBgeM3AllCliTest, ARepeatedRunReadsTheCacheAndACorruptCacheIsRecomputed) {
  ASSERT_EQ(eval("out", {"output=all"}).status, 0);
  std::map<std::string, std::string> first;
  for (const auto& e : fs::directory_iterator(dir_ / "out" / "runs")) {
    first[e.path().filename().string()] = testing::read_file(e.path());
  }
  const auto same_runs = [&] {
    for (const auto& [name, bytes] : first) {
      EXPECT_EQ(testing::read_file(dir_ / "out" / "runs" / name), bytes) << name;
    }
  };
  const auto again = eval("out", {"output=all"}, "--no-resume");
  ASSERT_EQ(again.status, 0) << again.output();
  EXPECT_EQ(again.err.find("texts read back, 0 encoded") != std::string::npos &&
                again.err.find(" 0 texts read back") == std::string::npos,
            true)
      << again.err;
  same_runs();

  // Flip one byte in the middle of every segment: its checksum fails, the texts are encoded
  // again (and written to a new segment), the numbers are the same.
  std::vector<fs::path> segments;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "out" / "cache")) {
    if (e.path().filename().string().rfind("seg-", 0) == 0) segments.push_back(e.path());
  }
  ASSERT_EQ(segments.size(), 2u);  // documents, then queries (one flush each)
  for (const auto& s : segments) {
    std::string bytes = testing::read_file(s);
    bytes[bytes.size() / 2] ^= 0x5a;
    std::ofstream(s, std::ios::binary | std::ios::trunc) << bytes;
  }
  const auto corrupt = eval("out", {"output=all"}, "--no-resume");
  ASSERT_EQ(corrupt.status, 0) << corrupt.output();
  EXPECT_NE(corrupt.err.find("warning: cache corrupt: "), std::string::npos) << corrupt.err;
  EXPECT_NE(corrupt.err.find("checksum mismatch"), std::string::npos) << corrupt.err;
  same_runs();

  // A truncated segment and a symbolic link named like one: refused, nothing wrong comes out.
  for (const auto& s : segments) fs::resize_file(s, fs::file_size(s) - 3);
  fs::create_symlink("/dev/zero", segments.front().parent_path() / "seg-0-link.bin");
  const auto truncated = eval("out", {"output=all"}, "--no-resume");
  ASSERT_EQ(truncated.status, 0) << truncated.output();
  EXPECT_NE(truncated.err.find("a symbolic link"), std::string::npos) << truncated.err;
  same_runs();
}

TEST_F(GgufBgeM3AllCliTest, RerankingTheWholeCorpusIsExactMaxSim) {
  const auto r =
      eval("out", {"output=colbert", "output=colbert&rerank_top=4", "output=colbert&rerank_top=2"});
  ASSERT_EQ(r.status, 0) << r.output();
  const TrecRun exact = read_run(run_file("out", "output-colbert"));
  const TrecRun all = read_run(run_file("out", "rerank_top-4"));
  const TrecRun two = read_run(run_file("out", "rerank_top-2"));
  const nlohmann::json ref = reference();
  for (const auto& [qid, text] : kQueries) {
    const auto& e = exact.by_query.at(qid);
    const auto& a = all.by_query.at(qid);
    ASSERT_EQ(a.size(), e.size()) << qid;
    for (std::size_t i = 0; i < e.size(); ++i) {
      EXPECT_EQ(a[i].docno, e[i].docno) << qid << " rank " << i;
      // MaxSim of unit vectors: SGEMM in float against a double sum, 32 terms.
      EXPECT_NEAR(a[i].score, e[i].score, kFloatSlack) << qid << " " << e[i].docno;
    }
    // N = 2: exactly the two best dense documents, re-scored by MaxSim.
    const std::size_t q = qid == "q1" ? 0 : 1;
    std::vector<std::pair<double, std::size_t>> dense;
    for (std::size_t d = 0; d < kDocs.size(); ++d) {
      dense.emplace_back(-ref[q][d]["dense"].get<double>(), d);
    }
    std::sort(dense.begin(), dense.end());
    const auto& t = two.by_query.at(qid);
    ASSERT_EQ(t.size(), 2u) << qid;
    std::vector<std::string> got = {t[0].docno, t[1].docno};
    std::vector<std::string> want = {kDocs[dense[0].second].first, kDocs[dense[1].second].first};
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << qid;
  }
}

}  // namespace
}  // namespace embeval
