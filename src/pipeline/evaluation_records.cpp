#include "pipeline/evaluation_records.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "embeval/models/embedding_cache.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/results_json.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/thread_count.h"
#include "embeval/util/version.h"

namespace embeval::records {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Version 1 keyed on spec, dataset fingerprint, k and ignore_identical_ids only, and kept no run
// checksum: such records are recomputed.
constexpr int kRecordVersion = 2;
constexpr const char* kRecordFormat = "embeval-model-result";

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto begin = line.find_first_not_of(" \t", colon + 1);
    return begin == std::string::npos ? "unknown" : line.substr(begin);
  }
  return "unknown";
}

fs::path absolute_normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  // weakly_canonical resolves symlinks of the existing prefix, so /tmp/x and /private/tmp/x or a
  // symlinked out folder still compare equal.
  fs::path canon = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : canon;
}

json files_to_json(const std::vector<FileRecord>& files) {
  json a = json::array();
  for (const auto& f : files) a.push_back({{"path", f.path}, {"fingerprint", f.fingerprint}});
  return a;
}

std::vector<FileRecord> files_from_json(const json& a) {
  std::vector<FileRecord> files;
  for (const auto& f : a) {
    files.push_back({f.at("path").get<std::string>(), f.at("fingerprint").get<std::string>()});
  }
  return files;
}

json key_to_json(const ResultKey& k) {
  return {{"spec", k.spec},
          {"model_files", files_to_json(k.model_files)},
          {"dataset_fingerprint", k.dataset_fingerprint},
          {"dataset_files", files_to_json(k.dataset_files)},
          {"k", k.k},
          {"ignore_identical_ids", k.ignore_identical_ids},
          {"encode_batch", k.encode_batch},
          {"embeval_version", k.embeval_version}};
}

ResultKey key_from_json(const json& j) {
  ResultKey k;
  k.spec = j.at("spec").get<std::string>();
  k.model_files = files_from_json(j.at("model_files"));
  k.dataset_fingerprint = j.at("dataset_fingerprint").get<std::string>();
  k.dataset_files = files_from_json(j.at("dataset_files"));
  k.k = j.at("k").get<std::size_t>();
  k.ignore_identical_ids = j.at("ignore_identical_ids").get<bool>();
  k.encode_batch = j.at("encode_batch").get<std::size_t>();
  k.embeval_version = j.at("embeval_version").get<std::string>();
  return k;
}

fs::path record_path(const fs::path& out_dir, const std::string& label) {
  return out_dir / "models" / (label + ".json");
}

std::string files_difference(const std::vector<FileRecord>& saved,
                             const std::vector<FileRecord>& now, const char* what) {
  for (const auto& f : now) {
    const FileRecord* old = nullptr;
    for (const auto& s : saved) {
      if (s.path == f.path) old = &s;
    }
    if (old == nullptr) return std::string(what) + " " + f.path + " is new";
    if (old->fingerprint != f.fingerprint) {
      return std::string(what) + " " + f.path + " changed (was " + old->fingerprint + ", now " +
             f.fingerprint + ")";
    }
  }
  if (saved.size() != now.size()) return std::string("the set of ") + what + "s changed";
  return {};
}

}  // namespace

RunEnvironment current_environment(std::size_t threads_requested) {
  RunEnvironment e;
  e.embeval_version = kEmbevalVersion;
  e.time_utc = utc_now();
  e.cpu_model = cpu_model();
  e.threads = resolve_thread_count(threads_requested);
  e.hardware_threads = std::max(1u, std::thread::hardware_concurrency());
  if (const char* v = std::getenv("EMBEVAL_LLAMA_THREADS")) e.llama_threads_env = v;
  const char* ci = std::getenv("CI");
  e.ci = ci != nullptr && std::string(ci) == "true";
  return e;
}

std::string portable_path(const fs::path& path, const fs::path& base) {
  const fs::path p = absolute_normal(path);
  const fs::path b = absolute_normal(base);
  const fs::path rel = p.lexically_relative(b);
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return p.string();
}

fs::path resolve_portable(const std::string& stored, const fs::path& base) {
  const fs::path p(stored);
  return p.is_absolute() ? p : base / p;
}

std::string key_difference(const ResultKey& saved, const ResultKey& now) {
  if (saved.spec != now.spec) return "the spec changed (was " + saved.spec + ")";
  if (auto d = files_difference(saved.model_files, now.model_files, "model file"); !d.empty()) {
    return d;
  }
  if (saved.dataset_fingerprint != now.dataset_fingerprint) {
    return "the dataset's ids, texts or judgments changed";
  }
  if (auto d = files_difference(saved.dataset_files, now.dataset_files, "dataset file");
      !d.empty()) {
    return d;
  }
  if (saved.k != now.k) return "k changed (was " + std::to_string(saved.k) + ")";
  if (saved.ignore_identical_ids != now.ignore_identical_ids) {
    return "--ignore-identical-ids changed";
  }
  if (saved.encode_batch != now.encode_batch) return "the encode batch size changed";
  if (saved.embeval_version != now.embeval_version) {
    return "computed by embeval " + saved.embeval_version;
  }
  return {};
}

std::vector<FileRecord> model_files_of(const ModelSpec& spec) {
  if (spec.path.empty() || !encoder_kind(spec).path_is_file) return {};
  return {{spec.path, file_fingerprint(spec.path)}};
}

std::vector<FileRecord> dataset_files_of(const fs::path& dataset_dir, const std::string& split) {
  std::vector<FileRecord> files;
  const std::string names[] = {"corpus.jsonl", "queries.jsonl", "qrels/" + split + ".tsv"};
  for (const std::string& name : names) {
    std::error_code ec;
    if (!fs::is_regular_file(dataset_dir / name, ec)) continue;
    files.push_back({name, file_fingerprint(dataset_dir / name)});
  }
  return files;
}

std::optional<SavedRecord> read_record(const fs::path& out_dir, const std::string& label) {
  const fs::path path = record_path(out_dir, label);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  SavedRecord record;
  try {
    std::ifstream in(path);
    const json j = json::parse(in);
    if (j.value("format", "") != kRecordFormat) {
      record.problem = "the saved record is not an embeval model result";
      return record;
    }
    if (j.value("version", 0) != kRecordVersion) {
      record.problem = "the saved record has format version " +
                       std::to_string(j.value("version", 0)) + " (no file checksums)";
      return record;
    }
    record.key = key_from_json(j.at("key"));
    record.result = model_result_from_json(j.at("result"), path.string(), out_dir);
  } catch (const std::exception&) {
    record.key.reset();
    record.result.reset();
    record.problem = "the saved record is damaged";
  }
  return record;
}

void write_record(const fs::path& out_dir, const ModelResult& result, const ResultKey& key) {
  const json j = {{"format", kRecordFormat},
                  {"version", kRecordVersion},
                  {"key", key_to_json(key)},
                  {"result", to_json(result)}};
  write_file_atomic(record_path(out_dir, result.label), j.dump(1) + "\n");
}

std::vector<std::string> record_labels(const fs::path& out_dir) {
  std::vector<std::string> labels;
  std::error_code ec;
  for (fs::directory_iterator it(out_dir / "models", ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() == ".json" && it->is_regular_file(ec)) labels.push_back(p.stem().string());
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

std::string run_file_problem(const ModelResult& result) {
  std::error_code ec;
  if (!fs::is_regular_file(result.run_file, ec)) return "its run file is missing";
  std::string now;
  try {
    now = file_fingerprint(result.run_file);
  } catch (const std::exception&) {
    return "its run file cannot be read";
  }
  if (now != result.run_checksum) {
    return "its run file " + result.run_file.filename().string() +
           " does not match the record (was " + result.run_checksum + ", now " + now +
           "): written by an interrupted run?";
  }
  return {};
}

}  // namespace embeval::records
