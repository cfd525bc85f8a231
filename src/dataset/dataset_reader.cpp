// load_beir: corpus.jsonl + queries.jsonl + qrels/<split>.tsv -> Dataset, with
// every repair counted in the LoadReport.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/io/jsonl.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

JsonlOptions jsonl_options(const BeirLoadOptions& options, const std::string& file) {
  JsonlOptions jsonl;
  jsonl.show_progress = options.show_progress;
  if (options.utf8 == Utf8Policy::kReplace) {
    jsonl.on_invalid_utf8 = [](std::string& line, std::size_t) {
      line = replace_invalid_utf8(line);
    };
  } else {
    jsonl.on_invalid_utf8 = [file](std::string& line, std::size_t line_number) {
      const std::size_t byte = first_invalid_utf8(line);
      throw InputError("invalid UTF-8 at byte " + std::to_string(byte + 1) + " of the line", file,
                       line_number,
                       "convert the file to UTF-8, or load with invalid bytes "
                       "replaced by U+FFFD");
    };
  }
  return jsonl;
}

void require_file(const std::filesystem::path& path, const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError("missing " + path.filename().string(), path.string(), 0,
                     "a BEIR dataset directory (" + dir.string() +
                         ") holds corpus.jsonl, queries.jsonl and qrels/<split>.tsv");
  }
}

// DIR/dataset.json, compact; "" when absent. Throws InputError unless it holds a JSON object.
std::string read_dataset_metadata(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "dataset.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const auto parsed = nlohmann::ordered_json::parse(text.str(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw InputError("dataset.json is not a JSON object", path.string(), 0,
                     "fix or delete the file: it only records how the dataset was made");
  }
  return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::filesystem::path qrels_path(const std::filesystem::path& dir, const std::string& split) {
  const std::filesystem::path path = dir / "qrels" / (split + ".tsv");
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return path;
  std::vector<std::string> splits;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "qrels", ec)) {
    if (entry.path().extension() == ".tsv") splits.push_back(entry.path().stem().string());
  }
  std::sort(splits.begin(), splits.end());
  std::string available;
  for (const auto& s : splits) available += (available.empty() ? "" : ", ") + s;
  throw InputError(
      "no qrels for split '" + split + "'", path.string(), 0,
      splits.empty() ? "the dataset has no qrels/*.tsv files" : "available splits: " + available);
}

std::string duplicate_message(std::string_view kind, std::string_view id, std::size_t first) {
  return "duplicate " + std::string(kind) + " _id \"" + std::string(id) +
         "\" (first seen on line " + std::to_string(first) + ")";
}

}  // namespace

void validate_split_name(const std::string& split) {
  const bool has_control = std::any_of(split.begin(), split.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (split.empty() || split == "." || split == ".." ||
      split.find_first_of("/\\") != std::string::npos || has_control) {
    throw InputError("split '" + split + "' is not a plain name", {}, 0,
                     "a split names qrels/<split>.tsv in the dataset, e.g. test, dev or train");
  }
}

Dataset load_beir(const std::filesystem::path& dir, const BeirLoadOptions& options) {
  validate_split_name(options.split);  // before it becomes part of a path
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw InputError("not a directory", dir.string(), 0,
                     "pass a BEIR dataset directory (corpus.jsonl, queries.jsonl, qrels/)");
  }
  const std::filesystem::path corpus_file = dir / "corpus.jsonl";
  const std::filesystem::path queries_file = dir / "queries.jsonl";
  require_file(corpus_file, dir);
  require_file(queries_file, dir);
  std::error_code qrels_ec;
  const bool read_judgments =
      options.require_qrels ||
      std::filesystem::is_regular_file(dir / "qrels" / (options.split + ".tsv"), qrels_ec);
  const std::filesystem::path qrels_file =
      read_judgments ? qrels_path(dir, options.split) : dir / "qrels" / (options.split + ".tsv");

  Dataset dataset;
  dataset.name = std::filesystem::absolute(dir, ec).lexically_normal().filename().string();
  if (dataset.name.empty()) {
    dataset.name =
        std::filesystem::absolute(dir, ec).lexically_normal().parent_path().filename().string();
  }
  LoadReport& report = dataset.report;
  dataset.metadata = read_dataset_metadata(dir);

  // Corpus.
  std::unordered_map<std::string, std::size_t> doc_lines;  // id -> line, for duplicates
  read_jsonl(
      corpus_file,
      [&](const JsonlRecord& record) {
        auto [it, inserted] = doc_lines.emplace(std::string(record.id()), record.line());
        if (!inserted) {
          throw InputError(duplicate_message("document", record.id(), it->second), record.file(),
                           record.line(), "document ids must be unique");
        }
        Document doc;
        doc.id = std::string(record.id());
        doc.title = std::string(record.string_field("title").value_or(""));
        doc.text = std::string(record.string_field("text").value_or(""));
        doc.metadata = record.raw_object_field("metadata").value_or("");
        if (record.utf8_repaired()) ++report.invalid_utf8_replaced;
        if (is_blank(doc.title) && is_blank(doc.text)) ++report.empty_documents;
        dataset.corpus.push_back(std::move(doc));
      },
      jsonl_options(options, corpus_file.string()));

  // Queries.
  std::unordered_map<std::string, std::size_t> query_lines;
  std::unordered_set<std::string> empty_query_ids;
  std::vector<Query> queries;
  read_jsonl(
      queries_file,
      [&](const JsonlRecord& record) {
        auto [it, inserted] = query_lines.emplace(std::string(record.id()), record.line());
        if (!inserted) {
          throw InputError(duplicate_message("query", record.id(), it->second), record.file(),
                           record.line(), "query ids must be unique");
        }
        if (record.utf8_repaired()) ++report.invalid_utf8_replaced;
        const std::string_view text = record.string_field("text").value_or("");
        if (is_blank(text)) {
          ++report.empty_queries;
          empty_query_ids.emplace(record.id());
          return;
        }
        queries.push_back({std::string(record.id()), std::string(text)});
      },
      jsonl_options(options, queries_file.string()));

  // Judgments: keep those whose query and document are both known.
  Qrels raw = read_judgments ? read_qrels(qrels_file) : Qrels{};
  for (auto& [qid, docs] : raw.judgments) {
    if (empty_query_ids.count(qid) != 0) continue;  // dropped with its empty query
    if (query_lines.count(qid) == 0) {
      report.qrels_unknown_queries += docs.size();
      continue;
    }
    std::unordered_map<std::string, int> kept;
    for (auto& [docid, rel] : docs) {
      if (doc_lines.count(docid) == 0) {
        ++report.qrels_unknown_documents;
      } else {
        kept.emplace(docid, rel);
      }
    }
    if (!kept.empty()) dataset.qrels.judgments.emplace(qid, std::move(kept));
  }
  for (Query& query : queries) {
    if (dataset.qrels.judgments.count(query.id) == 0) {
      ++report.queries_without_qrels;
    } else {
      dataset.queries.push_back(std::move(query));
    }
  }

  const std::string qrels_name = qrels_file.string();
  if (report.invalid_utf8_replaced > 0) {
    report.warnings.push_back(std::to_string(report.invalid_utf8_replaced) +
                              " records had invalid UTF-8; the bad bytes became U+FFFD");
  }
  if (report.empty_documents > 0) {
    report.warnings.push_back(std::to_string(report.empty_documents) +
                              " documents are empty (kept; they can still be retrieved)");
  }
  if (report.empty_queries > 0) {
    report.warnings.push_back(std::to_string(report.empty_queries) +
                              " queries are empty and were dropped");
  }
  if (report.qrels_unknown_documents > 0) {
    report.warnings.push_back(qrels_name + ": " + std::to_string(report.qrels_unknown_documents) +
                              " judgments name documents not in the corpus (dropped)");
  }
  if (report.qrels_unknown_queries > 0) {
    report.warnings.push_back(qrels_name + ": " + std::to_string(report.qrels_unknown_queries) +
                              " judgments name queries not in queries.jsonl (dropped)");
  }
  if (report.queries_without_qrels > 0) {
    report.warnings.push_back(std::to_string(report.queries_without_qrels) +
                              " queries have no judgments in split '" + options.split +
                              "' (not evaluated)");
  }
  return dataset;
}

}  // namespace embeval
