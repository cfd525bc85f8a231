// Resume must never trust a saved result that no longer matches the files, and results.json is
// the complete, portable record of its folder (docs/results-format.md).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "embeval/core/error.h"
#include "embeval/eval/metrics.h"
#include "embeval/eval/run.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/pipeline/results_json.h"
#include "embeval/util/version.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class EvaluationResume : public ::testing::Test {
 protected:
  static Dataset dataset() {
    Dataset d;
    d.name = "tiny";
    d.corpus = {{"d1", "", "zebra stripes savanna"},
                {"d2", "", "volcano lava eruption"},
                {"d3", "", "glacier ice mountain"}};
    d.queries = {{"q1", "zebra"}, {"q2", "lava"}, {"q3", "ice"}};
    d.qrels.judgments["q1"] = {{"d1", 1}};
    d.qrels.judgments["q2"] = {{"d2", 1}};
    d.qrels.judgments["q3"] = {{"d3", 1}};
    return d;
  }

  // word2vec text vectors: each document's words share one direction, so each query finds its
  // document first. `swap_zebra` points "zebra" at the lava direction and drops "glacier".
  void write_vectors(const fs::path& file, bool swap_zebra) {
    std::ofstream out(file);
    out << (swap_zebra ? "8 2\n" : "9 2\n");
    out << (swap_zebra ? "zebra 0 1\n" : "zebra 1 0\n");
    out << "stripes 1 0\nsavanna 1 0\nvolcano 0 1\nlava 0 1\neruption 0 1\n";
    if (!swap_zebra) out << "glacier -1 0\n";
    out << "ice -1 0\nmountain -1 0\n";
  }

  EvaluationConfig config(std::vector<std::string> specs) const {
    EvaluationConfig c;
    c.model_specs = std::move(specs);
    c.out_dir = dir_ / "out";
    return c;
  }

  static double mean_of(const ModelResult& m, const std::string& name) {
    for (std::size_t i = 0; i < m.metrics.measure_names.size(); ++i) {
      if (m.metrics.measure_names[i] == name) return m.metrics.mean[i];
    }
    ADD_FAILURE() << "no measure " << name;
    return -1;
  }

  static bool has_note(const EvaluationResults& r, const std::string& part) {
    for (const auto* notes : {&r.notes, &r.resume_notes}) {
      for (const auto& n : *notes) {
        if (n.find(part) != std::string::npos) return true;
      }
    }
    return false;
  }

  static const ModelResult* find(const EvaluationResults& r, const std::string& label) {
    for (const auto& m : r.models) {
      if (m.label == label) return &m;
    }
    return nullptr;
  }

  // The invariant results.json promises: every model's numbers are those of its run on disk.
  static void expect_matches_run_files(const fs::path& results_file, const Dataset& d) {
    const EvaluationResults r = read_results_json(results_file);
    for (const auto& m : r.models) {
      SCOPED_TRACE(m.label);
      EvalOptions complete;
      complete.complete = true;
      const EvalResult again = evaluate(d.qrels, read_run(m.run_file),
                                        parse_measures(eval_measures(r.config.k)), complete);
      EXPECT_EQ(again.measure_names, m.metrics.measure_names);
      EXPECT_EQ(again.mean, m.metrics.mean);
    }
  }

  embeval::testing::TempDir dir_{"embeval-resume"};
};

TEST_F(EvaluationResume, AModelFileReplacedAtTheSamePathIsRecomputed) {
  const fs::path vectors = dir_ / "vectors.txt";
  write_vectors(vectors, false);
  const auto c = config({"static:" + vectors.string()});
  const Dataset d = dataset();
  const auto first = run_evaluation(d, dir_ / "data", c);
  ASSERT_EQ(first.models.size(), 1u);
  EXPECT_DOUBLE_EQ(mean_of(first.models[0], "recip_rank"), 1.0);
  EXPECT_EQ(first.models[0].card.vocabulary_size, 9u);
  ASSERT_EQ(first.models[0].model_files.size(), 1u);
  EXPECT_EQ(first.models[0].model_files[0].path, vectors.string());  // outside OUT: absolute
  // The recorded spec is the encoder's own spec(), and canonical: checking it gives it back.
  EXPECT_EQ(first.models[0].spec, make_encoder(c.model_specs[0])->spec());
  EXPECT_EQ(check_model_spec(ModelSpec::parse(first.models[0].spec)), first.models[0].spec);

  // Unchanged file: reused.
  const auto same = run_evaluation(d, dir_ / "data", c);
  EXPECT_TRUE(same.models[0].resumed);

  // Same path, other bytes: the old score and card must not come back.
  write_vectors(vectors, true);
  const auto second = run_evaluation(d, dir_ / "data", c);
  ASSERT_EQ(second.models.size(), 1u);
  EXPECT_FALSE(second.models[0].resumed);
  EXPECT_TRUE(has_note(second, "model file " + vectors.string() + " changed"));
  EXPECT_EQ(second.models[0].card.vocabulary_size, 8u);
  // q1 "zebra" now points at d2: reciprocal rank of d1 drops below 1.
  EXPECT_LT(mean_of(second.models[0], "recip_rank"), 1.0);
  EXPECT_NE(second.models[0].model_files[0].fingerprint,
            first.models[0].model_files[0].fingerprint);
  expect_matches_run_files(c.out_dir / "results.json", d);
}

TEST_F(EvaluationResume, ARunFileThatDisagreesWithItsRecordIsRecomputed) {
  const auto c = config({"bm25", "bm25?k1=1.2"});
  const Dataset d = dataset();
  const auto first = run_evaluation(d, dir_ / "data", c);
  ASSERT_EQ(first.models.size(), 2u);
  const double perfect = mean_of(first.models[0], "recall_100");
  EXPECT_DOUBLE_EQ(perfect, 1.0);

  // What a kill between writing runs/bm25.trec and its record leaves: a run of another
  // invocation (here: only q1, answered wrongly) beside the old record and results.json.
  const fs::path run = c.out_dir / "runs" / "bm25.trec";
  std::ofstream(run) << "q1 Q0 d3 1 2.5 other\n";
  const auto second = run_evaluation(d, dir_ / "data", c);
  ASSERT_EQ(second.models.size(), 2u);
  EXPECT_FALSE(second.models[0].resumed);
  EXPECT_TRUE(second.models[1].resumed);
  EXPECT_TRUE(has_note(second, "bm25: recomputing: its run file bm25.trec does not match"));
  EXPECT_DOUBLE_EQ(mean_of(second.models[0], "recall_100"), perfect);
  expect_matches_run_files(c.out_dir / "results.json", d);

  // A run file without its record (killed before the record was written) is not trusted either.
  fs::remove(c.out_dir / "models" / "bm25_k1-1.2.json");
  const auto third = run_evaluation(d, dir_ / "data", c);
  EXPECT_FALSE(third.models[1].resumed);
  EXPECT_TRUE(has_note(third, "runs/bm25_k1-1.2.trec has no saved record"));
  expect_matches_run_files(c.out_dir / "results.json", d);
}

TEST_F(EvaluationResume, AStaleRecordLeavesResultsJsonBeforeItsRunIsReplaced) {
  const fs::path vectors = dir_ / "vectors.txt";
  write_vectors(vectors, false);
  const auto c = config({"bm25", "static:" + vectors.string()});
  const Dataset d = dataset();
  const auto first = run_evaluation(d, dir_ / "data", c);
  const std::string label = first.models.at(1).label;
  // The model changes and then fails to load: the run stops inside the recomputation, as a kill
  // would. results.json must not keep describing the stale model.
  // (Still word2vec text, the same canonical spec and label; loading fails on line 3.)
  std::ofstream(vectors) << "2 2\nw 0.5 0.5\nx 0.5\n";
  EXPECT_THROW((void)run_evaluation(d, dir_ / "data", c), InputError);
  EXPECT_FALSE(fs::exists(c.out_dir / "models" / (label + ".json")));
  const EvaluationResults on_disk = read_results_json(c.out_dir / "results.json");
  ASSERT_EQ(on_disk.models.size(), 1u);
  EXPECT_EQ(on_disk.models[0].label, "bm25");
}

TEST_F(EvaluationResume, ResultsJsonKeepsEveryModelOfTheFolderOncePerLabel) {
  const Dataset d = dataset();
  (void)run_evaluation(d, dir_ / "data", config({"bm25"}));
  const auto second = run_evaluation(d, dir_ / "data", config({"bm25?k1=1.2"}));
  ASSERT_EQ(second.models.size(), 2u);
  EXPECT_EQ(second.models[0].label, "bm25_k1-1.2");
  EXPECT_EQ(second.models[1].label, "bm25");
  EXPECT_TRUE(second.models[1].resumed);

  // The same models again, one written differently: still two, and bm25 keeps its label.
  const auto third = run_evaluation(d, dir_ / "data", config({"bm25?k1=0.9", "bm25"}));
  ASSERT_EQ(third.models.size(), 2u);
  EXPECT_EQ(third.models[0].label, "bm25");
  EXPECT_TRUE(third.models[0].resumed);
  const EvaluationResults on_disk = read_results_json(dir_ / "out" / "results.json");
  ASSERT_EQ(on_disk.models.size(), 2u);

  // Another k is another evaluation: earlier records at k 100 stay out, with a note.
  auto deeper = config({"bm25"});
  deeper.k = 2;
  const auto fourth = run_evaluation(d, dir_ / "data", deeper);
  ASSERT_EQ(fourth.models.size(), 1u);
  EXPECT_TRUE(has_note(fourth, "models/bm25_k1-1.2.json left out of results.json"));
}

TEST_F(EvaluationResume, ACopiedFolderResolvesAndResumesOnItsOwn) {
  const Dataset d = dataset();
  const fs::path out = dir_ / "out";
  write_beir(out / "dataset", d);  // the dataset inside the folder, as `demo` writes it
  auto c = config({"bm25"});
  const auto first = run_evaluation(d, out / "dataset", c);
  EXPECT_EQ(first.dataset_path, "dataset");
  ASSERT_EQ(first.dataset_files.size(), 3u);
  EXPECT_EQ(first.dataset_files[0].path, "dataset/corpus.jsonl");
  std::ifstream in(out / "results.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("models").at(0).at("run_file"), "runs/bm25.trec");

  const fs::path copy = dir_ / "copy";
  fs::copy(out, copy, fs::copy_options::recursive);
  fs::remove_all(out);
  const EvaluationResults read = read_results_json(copy / "results.json");
  EXPECT_EQ(read.models.at(0).run_file, copy / "runs" / "bm25.trec");
  EXPECT_TRUE(fs::exists(read.models.at(0).run_file));
  c.out_dir = copy;
  const auto again = run_evaluation(d, copy / "dataset", c);
  EXPECT_TRUE(again.models.at(0).resumed);

  // An unjudged query added to queries.jsonl changes no loaded number, but the file is part of
  // the key: recomputed, with the reason.
  std::ofstream(copy / "dataset" / "queries.jsonl", std::ios::app)
      << "{\"_id\": \"q9\", \"text\": \"unjudged\"}\n";
  const auto changed = run_evaluation(d, copy / "dataset", c);
  EXPECT_FALSE(changed.models.at(0).resumed);
  EXPECT_TRUE(has_note(changed, "dataset file queries.jsonl changed"));
}

TEST_F(EvaluationResume, RecordsVersionTimeCpuThreadsAndCi) {
  ::setenv("CI", "true", 1);
  const auto r = run_evaluation(dataset(), dir_ / "data", config({"bm25"}));
  ::unsetenv("CI");
  const auto ci_off = run_evaluation(dataset(), dir_ / "data", config({"bm25?k1=2"}));
  const EvaluationResults on_disk = read_results_json(dir_ / "out" / "results.json");
  EXPECT_EQ(on_disk.written_by.embeval_version, kEmbevalVersion);
  EXPECT_FALSE(on_disk.written_by.ci);
  EXPECT_FALSE(on_disk.written_by.cpu_model.empty());
  EXPECT_GE(on_disk.written_by.threads, 1u);
  EXPECT_TRUE(std::regex_match(on_disk.written_by.time_utc,
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << on_disk.written_by.time_utc;
  // Each model keeps the environment it was computed in.
  const ModelResult* bm25 = find(on_disk, "bm25");
  ASSERT_NE(bm25, nullptr);
  EXPECT_TRUE(bm25->environment.ci);
  EXPECT_FALSE(find(on_disk, "bm25_k1-2")->environment.ci);
  EXPECT_FALSE(bm25->run_checksum.empty());
  (void)r;
  (void)ci_off;
}

TEST_F(EvaluationResume, DepthIsCappedAtTheCorpusAndLabelsFollowTheRealCutoffs) {
  auto c = config({"bm25"});
  c.k = static_cast<std::size_t>(-1);  // the integer maximum: once wrapped to empty runs
  c.ignore_identical_ids = true;
  const auto r = run_evaluation(dataset(), dir_ / "data", c);
  EXPECT_EQ(r.run_depth, 3u);
  EXPECT_TRUE(has_note(r, "each run holds at most 3"));
  EXPECT_EQ(read_run(r.models.at(0).run_file).by_query.at("q1").size(), 1u);  // one match
  EXPECT_DOUBLE_EQ(mean_of(r.models[0], "recip_rank"), 1.0);

  c.k = 5;
  c.ignore_identical_ids = false;
  const auto five = run_evaluation(dataset(), dir_ / "data", c);
  const auto& names = five.models.at(0).metrics.measure_names;
  EXPECT_NE(std::find(names.begin(), names.end(), "ndcg_cut_5"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "recall_5"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "recall_100"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "ndcg_cut_10"), names.end());
}

TEST_F(EvaluationResume, LabelsAndOutputAreCheckedBeforeAnyWork) {
  // A label too long for a file name is shortened, deterministically, before anything runs.
  const std::string long_k1 = "1." + std::string(300, '0') + "1";
  auto c = config({"bm25?k1=" + long_k1});
  const EvaluationPlan plan = plan_evaluation(c);
  ASSERT_EQ(plan.models.size(), 1u);
  EXPECT_LE(plan.models[0].label.size(), kMaxLabelBytes);
  EXPECT_EQ(plan.models[0].label, plan_evaluation(c).models[0].label);
  const auto r = run_evaluation(dataset(), dir_ / "data", c);
  EXPECT_TRUE(fs::exists(r.models.at(0).run_file));

  // --out naming a file fails in plan_evaluation, before a model is loaded.
  std::ofstream(dir_ / "file") << "x";
  c.out_dir = dir_ / "file";
  EXPECT_THROW((void)plan_evaluation(c), InputError);
  c.out_dir = dir_ / "file" / "below";
  EXPECT_THROW((void)plan_evaluation(c), InputError);
}

}  // namespace
}  // namespace embeval
