// `embeval judge` (docs/judging.md): pool the top-k of several runs per query, skip the pairs the
// dataset's qrels already judge, ask a judge model (core/generator.h) for a graded relevance 0-3
// per remaining pair, and write the answers as qrels tagged as model-made, with Hole@k of every
// run before and after.
//
// Files, next to `out` (default DIR/qrels/<split>.judged.tsv; STEM = out without ".tsv"):
//   STEM.tsv        the model's grades, BEIR qrels (query-id, corpus-id, score), appended as they
//                   come; `eval --split <split>.judged` evaluates against them alone
//   STEM.log.jsonl  every answer, one JSON object a line, appended and flushed as it comes:
//                   {"query","doc","grade" (0-3 or null when unparseable),"answer","seed"}
//   STEM.json       the sidecar: made_by "model", the judge's spec, sampling, prompt hash, seed,
//                   depth, runs, counts, Hole@k per run (written atomically, at the start with
//                   "status":"running" and at the end with "complete")
//   STEM.merged.tsv the dataset's own judgments plus the model's (the dataset's win), atomically
//                   at the end: `eval --split <split>.judged.merged`
// Resumable: the log is the record. A rerun with the same judge, prompt and options asks only
// the pairs the log lacks (an unparseable answer is not asked again), drops a line a kill cut
// short, and rewrites STEM.tsv from the log before it appends. Each pair's sampling seed is derived
// from (seed, query, document), so an interrupted and resumed run asks exactly what one
// uninterrupted run asks.
//
// Thread-safety: one call at a time per `out`; the generator is used by this thread only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/core/generator.h"
#include "embeval/core/metered_generator.h"
#include "embeval/eval/judgment_pool.h"

namespace embeval {

struct JudgeConfig {
  std::filesystem::path dataset_dir;
  std::string split = "test";
  std::vector<std::filesystem::path> runs;  // TREC run files, at least one
  std::size_t depth = 10;                   // each run's top `depth` per query is pooled
  std::filesystem::path prompt_file;        // "" = the built-in data/prompts/judge.txt
  std::filesystem::path out;                // "" = DIR/qrels/<split>.judged.tsv
  std::uint32_t seed = 42;
  // Sampling for every pair (its seed replaced by the pair's own, see above). Judging reads one
  // digit: greedy and short by default.
  GenerationOptions generation = {.max_tokens = 16, .temperature = 0, .stop = {}};
  std::size_t max_document_bytes = 4000;  // the document's text is cut there (0 = whole)
  std::size_t hole_k = 10;
  bool show_progress = true;
};

struct RunHole {
  std::string run;  // the run file as given
  HoleAtK before;   // against the dataset's qrels
  HoleAtK after;    // against those plus the model's grades
};

struct JudgeReport {
  std::filesystem::path qrels_file, log_file, sidecar_file, merged_file;
  std::string judge_spec;
  std::string sampling;  // sampling_label of the options (seed: the base seed)
  std::string prompt_file;
  std::string prompt_hash;
  std::size_t pooled = 0;          // distinct (query, document) pairs in the pool
  std::size_t already_judged = 0;  // of which the dataset's qrels judge
  std::size_t from_log = 0;        // of which an earlier run asked (not asked again)
  std::size_t asked = 0;           // asked now
  std::size_t unparseable_now = 0;
  // Over the whole log (earlier runs included):
  std::size_t graded = 0;
  std::size_t unparseable = 0;
  std::array<std::size_t, 4> grades{};            // model-made grades 0..3
  std::vector<std::string> unparseable_examples;  // up to 3 answers, cut to 80 bytes
  std::vector<RunHole> holes;
  std::optional<GeneratorUsage> usage;  // when the judge is metered (a hosted model)
};

// The whole command. Throws InputError for a bad dataset, run, prompt or output, a log made by
// another judge, prompt or options, and whatever the generator throws (the log keeps every answer
// received before).
[[nodiscard]] JudgeReport judge_runs(const JudgeConfig& config, Generator& judge);

// The text `embeval judge` prints.
[[nodiscard]] std::string format_judge_report(const JudgeReport& report);

// data/prompts/judge.txt as shipped (compiled in, so the binary needs no data folder).
[[nodiscard]] std::string_view default_judge_prompt_text();

// The sampling seed of one pair: FNV-1a over "seed\tquery\tdocument", its low 32 bits.
[[nodiscard]] std::uint32_t pair_seed(std::uint32_t seed, const std::string& query,
                                      const std::string& docno);

}  // namespace embeval
