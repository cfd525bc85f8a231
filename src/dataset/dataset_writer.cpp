// write_beir: Dataset -> corpus.jsonl, queries.jsonl, qrels/<split>.tsv, the dataset replaced as a
// whole: built in a sibling temporary folder, then swapped in by one rename, so a reader (or a
// run killed midway) never sees a new corpus with old queries or qrels.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval {
namespace {

// Invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
std::string json_line(const nlohmann::ordered_json& object) {
  std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  return line;
}

// Document::metadata is compact JSON text holding an object; anything else is a bug of the code
// that built the dataset (the reader only stores objects).
nlohmann::ordered_json metadata_object(const Document& doc) {
  nlohmann::ordered_json object =
      nlohmann::ordered_json::parse(doc.metadata, nullptr, /*allow_exceptions=*/false);
  EMBEVAL_CHECK(object.is_object(), "metadata of document \"" + doc.id + "\" is not a JSON object");
  return object;
}

// A qrels TSV field cannot hold a tab or a line break.
void check_tsv_id(const std::string& id, const char* kind) {
  if (id.find_first_of("\t\n\r") != std::string::npos || id.empty()) {
    throw InputError(std::string(kind) + " id \"" + id +
                         "\" is empty or contains a tab or line break; it cannot be written to "
                         "a qrels TSV file",
                     "", 0, "rename the id");
  }
}

// What an embeval dataset folder may hold; anything else is the user's and is never replaced.
// import.json: the report `embeval dataset import` writes beside the dataset it built;
// dataset.json: how the dataset was made (Dataset::metadata).
bool is_dataset_entry(const std::string& name) {
  return name == "corpus.jsonl" || name == "queries.jsonl" || name == "qrels" ||
         name == "dataset.json" || name == "import.json" || is_atomic_temp_name(name);
}

std::filesystem::path normalised(const std::filesystem::path& dir) {
  std::filesystem::path d = std::filesystem::absolute(dir).lexically_normal();
  if (d.filename().empty()) d = d.parent_path();  // "out/" names "out"
  return d;
}

void write_files(const std::filesystem::path& dir, const Dataset& dataset, const std::string& split,
                 const std::string& tsv) {
  {
    AtomicFileWriter corpus(dir / "corpus.jsonl");
    for (const Document& doc : dataset.corpus) {
      nlohmann::ordered_json line = {{"_id", doc.id}, {"title", doc.title}, {"text", doc.text}};
      // Absent when empty, so datasets without metadata keep their bytes.
      if (!doc.metadata.empty()) line["metadata"] = metadata_object(doc);
      corpus.write(json_line(line));
    }
    corpus.commit();
  }
  {
    AtomicFileWriter queries(dir / "queries.jsonl");
    for (const Query& query : dataset.queries) {
      queries.write(json_line({{"_id", query.id}, {"text", query.text}}));
    }
    queries.commit();
  }
  write_file_atomic(dir / "qrels" / (split + ".tsv"), tsv);
  if (!dataset.metadata.empty()) {
    const auto parsed = nlohmann::ordered_json::parse(dataset.metadata, nullptr, false);
    EMBEVAL_CHECK(parsed.is_object(), "Dataset::metadata must be a JSON object");
    write_file_atomic(dir / "dataset.json", parsed.dump(1) + "\n");
  }
}

// Puts the finished `build` folder in place of `dir` in one step.
void swap_in(const std::filesystem::path& build, const std::filesystem::path& dir) {
  const std::filesystem::path parent = dir.parent_path();
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (::rename(build.c_str(), dir.c_str()) != 0) {
      throw InputError(std::string("cannot move the new dataset in place: ") + std::strerror(errno),
                       dir.string());
    }
    sync_directory(parent);
    return;
  }
  // Exchange atomically: readers see the old dataset or the new one, never neither or a mix.
  if (::renameat2(AT_FDCWD, build.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      throw InputError(std::string("cannot replace the dataset: ") + std::strerror(errno),
                       dir.string());
    }
    // A file system without exchange: move the old one aside first (readers may briefly find no
    // dataset, never a mixed one).
    const std::filesystem::path old = parent / atomic_temp_name(dir.filename().string());
    if (::rename(dir.c_str(), old.c_str()) != 0 || ::rename(build.c_str(), dir.c_str()) != 0) {
      throw InputError(std::string("cannot replace the dataset: ") + std::strerror(errno),
                       dir.string());
    }
    sync_directory(parent);
    std::error_code ec;
    std::filesystem::remove_all(old, ec);
    return;
  }
  sync_directory(parent);
  std::error_code ec;
  std::filesystem::remove_all(build, ec);  // now the old dataset
}

}  // namespace

void check_dataset_output(const std::filesystem::path& out) {
  namespace fs = std::filesystem;
  const fs::path dir = normalised(out);
  const std::string hint =
      "give --out an empty or new folder, or a folder embeval built: it replaces a dataset as a "
      "whole";
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      throw InputError("the dataset folder is a symbolic link", dir.string(), 0,
                       "give the real folder");
    }
    if (!S_ISDIR(st.st_mode)) {
      throw InputError("exists and is not a folder", dir.string(), 0, hint);
    }
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!is_dataset_entry(name)) {
        throw InputError("holds '" + name + "', which is not part of a dataset", dir.string(), 0,
                         hint);
      }
    }
    if (fs::is_directory(fs::symlink_status(dir / "qrels"))) {
      for (fs::directory_iterator it(dir / "qrels", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!(it->is_regular_file() && name.ends_with(".tsv")) && !is_atomic_temp_name(name)) {
          throw InputError("holds 'qrels/" + name + "', which is not part of a dataset",
                           dir.string(), 0, hint);
        }
      }
    }
  }
  // The new dataset is built beside the old one: the parent folder must be writable.
  prepare_output_directory(dir.parent_path());
}

void write_beir(const std::filesystem::path& dir, const Dataset& dataset,
                const std::string& split) {
  if (split.empty() || split.find_first_of("/\\") != std::string::npos) {
    throw InputError("invalid split name '" + split + "'", "", 0,
                     "use a plain name such as test, dev or train");
  }
  // Validate (and build) the qrels first so bad ids leave no files behind.
  std::string tsv = "query-id\tcorpus-id\tscore\n";
  for (const auto& [qid, docs] : dataset.qrels.judgments) {
    check_tsv_id(qid, "query");
    std::vector<std::pair<std::string_view, int>> sorted(docs.begin(), docs.end());
    std::sort(sorted.begin(), sorted.end());  // deterministic output
    for (const auto& [docid, rel] : sorted) {
      check_tsv_id(std::string(docid), "document");
      tsv.append(qid).append("\t").append(docid).append("\t").append(std::to_string(rel));
      tsv += '\n';
    }
  }
  const std::filesystem::path target = normalised(dir);
  check_dataset_output(target);
  const std::filesystem::path parent = target.parent_path();
  (void)remove_stale_temp_folders(parent);  // builds of killed runs
  const std::filesystem::path build = parent / atomic_temp_name(target.filename().string());
  if (::mkdir(build.c_str(), 0777) != 0) {
    throw InputError(
        std::string("cannot create a folder beside the dataset: ") + std::strerror(errno),
        build.string(), 0, "check that the parent folder is writable");
  }
  try {
    write_files(build, dataset, split, tsv);
    swap_in(build, target);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(build, ec);
    throw;
  }
}

}  // namespace embeval
