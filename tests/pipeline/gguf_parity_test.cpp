// The parity check on GGUF models (the tiny random-weight BERT the build generates, and its
// Q8_0-quantized twin): a model against itself is exactly identical, and the figures between the
// f32 and the q8_0 file are what an independent numpy computation (parity_reference.py) gets
// from the same vectors.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/io/npy.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/parity.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing_gguf::tiny_model;
using testing_gguf::work_dir;

// Man-page descriptions: 24 documents, 8 queries, each judged against a few documents.
Dataset man_dataset() {
  Dataset d;
  d.name = "man-descriptions";
  const char* docs[] = {"copy files and directories",
                        "move (rename) files",
                        "remove files or directories",
                        "list directory contents",
                        "make directories",
                        "change file mode bits",
                        "change file owner and group",
                        "create a new directory hierarchy of links",
                        "print lines that match patterns",
                        "stream editor for filtering and transforming text",
                        "pattern scanning and processing language",
                        "concatenate files and print on the standard output",
                        "output the first part of files",
                        "output the last part of files",
                        "sort lines of text files",
                        "report or omit repeated lines",
                        "word, line, character, and byte count",
                        "translate or delete characters",
                        "search for files in a directory hierarchy",
                        "securely copy files between hosts on a network",
                        "a file archiving utility",
                        "compress or expand files",
                        "display a tree of processes",
                        "report a snapshot of the current processes"};
  for (std::size_t i = 0; i < std::size(docs); ++i) {
    std::string id = "d";
    id += std::to_string(i);
    d.corpus.push_back({id, "", docs[i]});
  }
  d.queries = {{"q0", "how to copy a directory"},    {"q1", "delete a file"},
               {"q2", "find text matching a regex"}, {"q3", "show the end of a log file"},
               {"q4", "count the words in a file"},  {"q5", "list running processes"},
               {"q6", "pack files into an archive"}, {"q7", "rename a file"}};
  d.qrels.judgments["q0"] = {{"d0", 2}, {"d19", 1}};
  d.qrels.judgments["q1"] = {{"d2", 2}};
  d.qrels.judgments["q2"] = {{"d8", 2}, {"d10", 1}, {"d9", 1}};
  d.qrels.judgments["q3"] = {{"d13", 2}, {"d11", 1}};
  d.qrels.judgments["q4"] = {{"d16", 2}};
  d.qrels.judgments["q5"] = {{"d23", 2}, {"d22", 1}};
  d.qrels.judgments["q6"] = {{"d20", 2}, {"d21", 1}};
  d.qrels.judgments["q7"] = {{"d1", 2}};
  return d;
}

fs::path write_dataset() {
  const fs::path dir = work_dir() / "parity-data";
  if (!fs::exists(dir)) write_beir(dir, man_dataset());
  return dir;
}

std::string gguf_spec(const std::string& file) { return "gguf:" + tiny_model(file).string(); }

ParityConfig config(const std::string& a, const std::string& b) {
  ParityConfig c;
  c.model_a = a;
  c.model_b = b;
  c.dataset_dir = write_dataset();
  c.threads = 1;
  return c;
}

TEST(GgufParity, ModelWithItselfIsExactlyOne) {
  const std::string spec = gguf_spec("tiny-bert-mean.gguf");
  const ParityResult r = run_parity(config(spec, spec));
  ASSERT_TRUE(r.document_cosine && r.query_cosine);
  // Two loads of one model, the same texts in the same batches: the same bits.
  EXPECT_EQ(r.document_cosine->min, 1.0);
  EXPECT_EQ(r.query_cosine->min, 1.0);
  EXPECT_EQ(r.overlap_min, 1.0);
  EXPECT_EQ(r.ndcg.diff, 0.0);
  EXPECT_EQ(r.ndcg.ci_low, 0.0);
  EXPECT_EQ(r.ndcg.ci_high, 0.0);
}

// The rows of `texts` as `role` under `spec`, through the models layer as parity encodes them.
DenseMatrix encode_all(const std::string& spec, const std::vector<std::string>& texts, Role role) {
  std::unique_ptr<Encoder> encoder = make_encoder(spec, EncoderOptions{1});
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  DenseMatrix out;
  (void)encode_texts(*encoder, views, role, 1024, "test", [&](EmbeddingBatch&& batch) {
    out.cols = batch.dense->cols;
    out.data.insert(out.data.end(), batch.dense->data.begin(), batch.dense->data.end());
    out.rows += batch.dense->rows;
  });
  return out;
}

std::map<std::string, double> numpy_reference(const std::string& a, const std::string& b) {
  const Dataset d = man_dataset();
  const fs::path dir = work_dir() / "parity-reference";
  fs::create_directories(dir);
  const std::vector<std::string> docs = document_texts(d.corpus);
  std::vector<std::string> queries;
  for (const auto& q : d.queries) queries.push_back(q.text);
  write_npy(dir / "docs_a.npy", encode_all(a, docs, Role::kDocument));
  write_npy(dir / "docs_b.npy", encode_all(b, docs, Role::kDocument));
  write_npy(dir / "queries_a.npy", encode_all(a, queries, Role::kQuery));
  write_npy(dir / "queries_b.npy", encode_all(b, queries, Role::kQuery));
  {
    std::ofstream qrels(dir / "qrels.tsv");
    for (std::size_t q = 0; q < d.queries.size(); ++q) {
      for (const auto& [doc, grade] : d.qrels.judgments.at(d.queries[q].id)) {
        qrels << q << "\t" << doc.substr(1) << "\t" << grade << "\n";  // "d7" -> row 7
      }
    }
  }
  const std::string cmd =
      std::string(EMBEVAL_PYTHON) + " '" + EMBEVAL_PARITY_REFERENCE + "' '" + dir.string() + "'";
  std::map<std::string, double> out;
  FILE* pipe = popen(cmd.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << cmd;
  if (pipe == nullptr) return out;
  char name[64];
  double value = 0;
  while (std::fscanf(pipe, "%63s %lf", name, &value) == 2) out[name] = value;
  EXPECT_EQ(pclose(pipe), 0) << cmd;
  return out;
}

TEST(GgufParity, QuantizedTwinMatchesTheNumpyComputation) {
  const std::string f32 = gguf_spec("tiny-bert-mean.gguf");
  const std::string q8 = gguf_spec("tiny-bert-mean-q8_0.gguf");
  const ParityResult r = run_parity(config(f32, q8));
  const std::map<std::string, double> ref = numpy_reference(f32, q8);
  ASSERT_EQ(ref.size(), 13u);
  ASSERT_TRUE(r.document_cosine && r.query_cosine);
  // Q8_0 rounds each weight to 1/254 of its block's largest magnitude: the vectors move, a little.
  EXPECT_LT(r.document_cosine->min, 1.0);
  EXPECT_GT(r.document_cosine->min, 0.99);
  // The same float32 vectors on both sides; only the double sums' order differs (numpy pairwise
  // vs sequential over 32 components): a few ulps of double.
  const double tol = 1e-12;
  EXPECT_NEAR(r.document_cosine->min, ref.at("documents.min"), tol);
  EXPECT_NEAR(r.document_cosine->p1, ref.at("documents.p1"), tol);
  EXPECT_NEAR(r.document_cosine->median, ref.at("documents.median"), tol);
  EXPECT_NEAR(r.document_cosine->mean, ref.at("documents.mean"), tol);
  EXPECT_NEAR(r.query_cosine->min, ref.at("queries.min"), tol);
  EXPECT_NEAR(r.query_cosine->p1, ref.at("queries.p1"), tol);
  EXPECT_NEAR(r.query_cosine->median, ref.at("queries.median"), tol);
  EXPECT_NEAR(r.query_cosine->mean, ref.at("queries.mean"), tol);
  EXPECT_NEAR(r.overlap_mean, ref.at("overlap.mean"), 1e-12);
  EXPECT_NEAR(r.overlap_min, ref.at("overlap.min"), 1e-12);
  // trec_eval ranks by the float32 score as embeval's index gives it; numpy by the double product.
  // An order that differed would move nDCG by far more than 1e-6.
  EXPECT_NEAR(r.ndcg.mean_a, ref.at("ndcg.a"), 1e-6);
  EXPECT_NEAR(r.ndcg.mean_b, ref.at("ndcg.b"), 1e-6);
  EXPECT_NEAR(r.ndcg.diff, ref.at("ndcg.diff"), 1e-6);
  EXPECT_EQ(r.ndcg.n_queries, 8u);
  EXPECT_LE(r.ndcg.ci_low, r.ndcg.diff);
  EXPECT_GE(r.ndcg.ci_high, r.ndcg.diff);
}

}  // namespace
}  // namespace embeval
