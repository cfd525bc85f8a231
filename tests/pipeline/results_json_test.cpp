// results.json versions: version 3 is written; version 2 is still read (fields it lacks stay
// empty); version 1 and unknown versions are refused with a message naming the file.
#include "embeval/pipeline/results_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

// A results.json as embeval 0.1.0 wrote it before version 3 (one model, absolute run file).
std::string version_2_file(int version) {
  return R"({"format": "embeval-results", "version": )" + std::to_string(version) + R"(,
 "dataset": {"name": "toy", "path": "/data/toy", "fingerprint": "00ff", "documents": 3,
             "queries": 2, "judgments": 2,
             "load_report": {"invalid_utf8_replaced": 0, "empty_documents": 0,
                             "empty_queries": 0, "qrels_unknown_documents": 0,
                             "qrels_unknown_queries": 0, "queries_without_qrels": 0,
                             "warnings": []}},
 "settings": {"k": 100, "ignore_identical_ids": false, "evaluation_mode": "complete"},
 "models": [{"spec": "bm25?analyzer=english&b=0.4&k1=0.9", "label": "bm25",
   "card": {"family": "sparse", "architecture": "bm25", "tokenizer": "word",
            "context_window_tokens": null, "dimension": 0, "vocabulary_size": 0,
            "training_data": "", "parameters": null},
   "timings": {"fit_s": 0.5, "encode_documents_s": 1, "index_s": 0, "encode_queries_s": 0,
               "search_s": 0, "documents_per_s": 3, "queries_per_s": 2},
   "index_bytes": 10, "peak_rss_bytes": 20, "run_file": "/old/place/runs/bm25.trec",
   "document_lengths": null, "query_lengths": null, "cached_documents": 0,
   "cached_queries": 0,
   "metrics": {"measures": ["ndcg_cut_10"], "num_queries": 2, "mean": {"ndcg_cut_10": 0.75},
               "per_query": {"q1": {"ndcg_cut_10": 1.0}, "q2": {"ndcg_cut_10": 0.5}}}}]})";
}

class ResultsJson : public ::testing::Test {
 protected:
  testing::TempDir dir_{"embeval-results-json"};
  const fs::path file_ = dir_ / "results.json";
};

TEST_F(ResultsJson, ReadsVersion2) {
  std::ofstream(file_) << version_2_file(2);
  const EvaluationResults r = read_results_json(file_);
  ASSERT_EQ(r.models.size(), 1u);
  EXPECT_EQ(r.models[0].run_file, "/old/place/runs/bm25.trec");  // absolute then, kept
  EXPECT_EQ(r.models[0].timings.load_s, 0);                      // not measured then
  EXPECT_EQ(r.models[0].timings.total_s(), 1.5);
  EXPECT_TRUE(r.models[0].run_checksum.empty());
  EXPECT_FALSE(r.models[0].headline_interval.has_value());
  EXPECT_EQ(r.run_depth, 3u);  // min(k, documents)
  EXPECT_DOUBLE_EQ(r.models[0].metrics.mean.at(0), 0.75);
}

TEST_F(ResultsJson, RefusesVersion1AndFutureVersionsNamingTheFile) {
  for (int version : {1, kResultsVersion + 1}) {
    std::ofstream(file_) << version_2_file(version);
    try {
      (void)read_results_json(file_);
      ADD_FAILURE() << "version " << version << " was accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), file_.string());
      EXPECT_NE(e.hint().find("versions 2..3"), std::string::npos) << e.hint();
    }
  }
}

TEST_F(ResultsJson, Version3RoundTripsTheNewFields) {
  EvaluationResults r;
  r.dataset_name = "toy";
  r.dataset_path = "dataset";
  r.dataset_files = {{"dataset/corpus.jsonl", "12-00000001"}};
  r.run_depth = 7;
  r.config.k = 7;
  r.written_by.embeval_version = "9.9";
  r.written_by.cpu_model = "cpu";
  r.written_by.threads = 3;
  r.written_by.ci = true;
  r.notes = {"a note"};
  ModelResult m;
  m.spec = "bm25";
  m.label = "bm25";
  m.run_file = "/somewhere/runs/bm25.trec";
  m.run_checksum = "5-0000abcd";
  m.model_files = {{"/m/model.gguf", "9-00000002"}};
  m.timings.load_s = 0.5;
  m.headline_interval = MeasureInterval{"ndcg_cut_7", "bootstrap", 0.9, 0.25, 0.5, 100, 7};
  r.models.push_back(m);
  write_results_json(file_, r);
  const EvaluationResults back = read_results_json(file_);
  EXPECT_EQ(back.dataset_files, r.dataset_files);
  EXPECT_EQ(back.run_depth, 7u);
  EXPECT_EQ(back.written_by.threads, 3u);
  EXPECT_TRUE(back.written_by.ci);
  EXPECT_EQ(back.notes, r.notes);
  const ModelResult& b = back.models.at(0);
  EXPECT_EQ(b.run_file, file_.parent_path() / "runs" / "bm25.trec");  // relative to the file
  EXPECT_EQ(b.run_checksum, m.run_checksum);
  EXPECT_EQ(b.model_files, m.model_files);
  EXPECT_EQ(b.timings.load_s, 0.5);
  ASSERT_TRUE(b.headline_interval.has_value());
  EXPECT_EQ(b.headline_interval->measure, "ndcg_cut_7");
  EXPECT_EQ(b.headline_interval->low, 0.25);
  EXPECT_EQ(b.headline_interval->seed, 7u);
}

}  // namespace
}  // namespace embeval
