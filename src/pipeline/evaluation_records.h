// The pieces of `eval`'s on-disk record that run_evaluation() and results.json share: where a
// result was computed (RunEnvironment), portable paths, and the saved per-model records
// (OUT/models/<label>.json) with the key that decides whether a saved result may be reused.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/pipeline/evaluation.h"

namespace embeval::records {

// The environment of this process now (time, CPU, threads, $CI, version).
[[nodiscard]] RunEnvironment current_environment(std::size_t threads_requested);

// `path` relative to `base` when it lies inside `base` (so a copied folder still resolves),
// absolute otherwise. Both are made absolute (and normalised) first; nothing is required to exist.
[[nodiscard]] std::string portable_path(const std::filesystem::path& path,
                                        const std::filesystem::path& base);
// The inverse: a relative `stored` path is taken from `base`.
[[nodiscard]] std::filesystem::path resolve_portable(const std::string& stored,
                                                     const std::filesystem::path& base);

// Everything a model's result is computed from. Two results with equal keys are the same numbers.
struct ResultKey {
  std::string spec;                       // canonical spec as planned (check_model_spec)
  std::vector<FileRecord> model_files;    // path as in the spec, content fingerprint
  std::string dataset_fingerprint;        // dataset_fingerprint(): ids, texts, judgments
  std::vector<FileRecord> dataset_files;  // names inside the dataset folder, fingerprints
  std::size_t k = 0;
  bool ignore_identical_ids = false;
  std::size_t encode_batch = 0;      // batch composition can move float scores in the last bits
  std::string score_at = "passage";  // score_level_name(); records without it: "passage"
  std::string embeval_version;
};

// "" when `saved` and `now` match, else the first difference, e.g. "model file m.gguf changed
// (was 12-0a1b2c3d, now 12-99887766)".
[[nodiscard]] std::string key_difference(const ResultKey& saved, const ResultKey& now);

// The files a model reads: the spec's path, when it has one, with its fingerprint.
[[nodiscard]] std::vector<FileRecord> model_files_of(const ModelSpec& spec);

// corpus.jsonl, queries.jsonl and qrels/<split>.tsv under `dataset_dir` that exist, named
// relative to it.
[[nodiscard]] std::vector<FileRecord> dataset_files_of(const std::filesystem::path& dataset_dir,
                                                       const std::string& split);

struct SavedRecord {
  std::optional<ResultKey> key;       // empty: an older record format
  std::optional<ModelResult> result;  // empty: damaged (see problem)
  std::string problem;                // why the record cannot be used at all, "" when fine
};

// Reads OUT/models/<label>.json; nullopt when there is none. Never throws for a damaged file.
[[nodiscard]] std::optional<SavedRecord> read_record(const std::filesystem::path& out_dir,
                                                     const std::string& label);

// Atomically writes OUT/models/<label>.json.
void write_record(const std::filesystem::path& out_dir, const ModelResult& result,
                  const ResultKey& key);

// Labels of every record file in OUT/models/ (by file name).
[[nodiscard]] std::vector<std::string> record_labels(const std::filesystem::path& out_dir);

// "" when result.run_file exists and matches result.run_checksum, else why not.
[[nodiscard]] std::string run_file_problem(const ModelResult& result);

}  // namespace embeval::records
