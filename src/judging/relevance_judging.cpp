#include "embeval/judging/relevance_judging.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/eval/run.h"
#include "embeval/judging/judge_prompt.h"
#include "embeval/judging/relevance_grade.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"
#include "embeval/util/progress.h"
#include "embeval/util/version.h"

namespace embeval {
namespace {

using nlohmann::json;

constexpr std::string_view kDefaultPrompt =
    R"prompt(You are a careful relevance assessor for a search engine. You read a search query and one document and judge how well the document answers the query, on a scale from 0 to 3. You answer with the digit only.
---
Query: {query}

Document:
{document}

How relevant is the document to the query?
3 = highly relevant: it answers the query fully and directly.
2 = relevant: it answers the query, but only in part or among other information.
1 = related: it is on the query's topic but does not answer it.
0 = not relevant.

Answer with one digit (0, 1, 2 or 3) and nothing else.
)prompt";

struct Paths {
  std::filesystem::path qrels, log, sidecar, merged;
};

Paths paths_for(const JudgeConfig& config) {
  std::filesystem::path out = config.out;
  if (out.empty()) out = config.dataset_dir / "qrels" / (config.split + ".judged.tsv");
  std::string stem = out.string();
  if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".tsv") == 0) {
    stem.resize(stem.size() - 4);
  } else {
    throw InputError("the judgments file must end in .tsv", out.string(), 0,
                     "e.g. --out qrels/test.judged.tsv");
  }
  return {out, stem + ".log.jsonl", stem + ".json", stem + ".merged.tsv"};
}

// One answer of the log.
struct LoggedAnswer {
  std::string query, docno;
  std::optional<int> grade;
  std::string answer;
};

// Reads the log; a last line a kill cut short (no newline, or not JSON) is dropped from the file.
// A bad line elsewhere is an InputError: the log was edited or is not ours.
std::vector<LoggedAnswer> read_log(const std::filesystem::path& path) {
  std::vector<LoggedAnswer> out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read the judgment log", path.string(), 0, "check permissions");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  std::size_t good_end = 0;
  std::size_t line_number = 0;
  for (std::size_t begin = 0; begin < data.size();) {
    const std::size_t end = data.find('\n', begin);
    ++line_number;
    const bool last = end == std::string::npos || end + 1 >= data.size();
    const std::string line = data.substr(begin, end == std::string::npos ? end : end - begin);
    const json j = json::parse(line, nullptr, false);
    const bool ok = end != std::string::npos && !j.is_discarded() && j.is_object() &&
                    j.contains("query") && j["query"].is_string() && j.contains("doc") &&
                    j["doc"].is_string() && j.contains("grade") &&
                    (j["grade"].is_null() || j["grade"].is_number_integer());
    if (!ok) {
      if (last) break;  // cut short by a kill: dropped below
      throw InputError("not a judgment log line", path.string(), line_number,
                       "the log is written by embeval judge only; move it away to start over");
    }
    LoggedAnswer a;
    a.query = j["query"].get<std::string>();
    a.docno = j["doc"].get<std::string>();
    if (j["grade"].is_number_integer()) a.grade = j["grade"].get<int>();
    if (j.contains("answer") && j["answer"].is_string()) a.answer = j["answer"].get<std::string>();
    out.push_back(std::move(a));
    good_end = end + 1;
    begin = end + 1;
  }
  if (good_end < data.size()) std::filesystem::resize_file(path, good_end);
  return out;
}

std::string qrels_line(const std::string& query, const std::string& docno, int grade) {
  return query + "\t" + docno + "\t" + std::to_string(grade) + "\n";
}

// An append-only file, flushed after every line (a kill loses at most the line being written).
class AppendFile {
 public:
  explicit AppendFile(const std::filesystem::path& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "ab");
    if (file_ == nullptr) {
      throw InputError("cannot open for appending", path.string(), 0, "check permissions");
    }
  }
  ~AppendFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  void append(const std::string& line) {
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
      throw InputError("cannot write", path_.string(), 0, "is the disk full?");
    }
  }

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

json hole_json(const HoleAtK& h) {
  return {{"hole", h.hole},
          {"queries", h.queries},
          {"considered", h.considered},
          {"unjudged", h.unjudged}};
}

json usage_json(const GeneratorUsage& u) {
  json j = {{"requests", u.requests},
            {"retries", u.retries},
            {"answers", u.answers},
            {"prompt_tokens", u.prompt_tokens},
            {"completion_tokens", u.completion_tokens},
            {"estimated_answers", u.estimated_answers}};
  j["price_per_mtok_in"] = u.price_per_mtok_in ? json(*u.price_per_mtok_in) : json(nullptr);
  j["price_per_mtok_out"] = u.price_per_mtok_out ? json(*u.price_per_mtok_out) : json(nullptr);
  j["cost_usd"] = u.cost_usd() ? json(*u.cost_usd()) : json(nullptr);
  return j;
}

// What must match between the run that started a log and the one resuming it.
json identity_json(const JudgeConfig& config, const JudgeReport& report) {
  return {{"judge", report.judge_spec},
          {"sampling", report.sampling},
          {"prompt_hash", report.prompt_hash},
          {"max_document_bytes", config.max_document_bytes}};
}

json sidecar_json(const JudgeConfig& config, const JudgeReport& report, bool complete) {
  json runs = json::array();
  for (const auto& r : config.runs) runs.push_back(r.string());
  json j = {{"format", "embeval-judgments"},
            {"version", 1},
            {"made_by", "model"},
            {"status", complete ? "complete" : "running"},
            {"embeval_version", std::string(kEmbevalVersion)},
            {"split", config.split},
            {"prompt_file", report.prompt_file},
            {"seed", config.seed},
            {"depth", config.depth},
            {"runs", runs},
            {"qrels", report.qrels_file.filename().string()},
            {"log", report.log_file.filename().string()},
            {"merged_qrels", report.merged_file.filename().string()}};
  j.update(identity_json(config, report));
  j["counts"] = {{"pooled", report.pooled},
                 {"already_judged", report.already_judged},
                 {"from_log", report.from_log},
                 {"asked", report.asked},
                 {"graded", report.graded},
                 {"unparseable", report.unparseable},
                 {"grades",
                  {{"0", report.grades[0]},
                   {"1", report.grades[1]},
                   {"2", report.grades[2]},
                   {"3", report.grades[3]}}}};
  json holes = json::array();
  for (const RunHole& h : report.holes) {
    holes.push_back({{"run", h.run},
                     {"k", h.before.k},
                     {"before", hole_json(h.before)},
                     {"after", hole_json(h.after)}});
  }
  j["hole"] = holes;
  j["usage"] = report.usage ? usage_json(*report.usage) : json(nullptr);
  return j;
}

// Refuses a log made by another judge, prompt or options: mixing them would make one qrels file
// of two judges.
void check_resumable(const std::filesystem::path& sidecar, const json& identity) {
  std::ifstream in(sidecar, std::ios::binary);
  if (!in) {
    throw InputError("a judgment log exists without its sidecar", sidecar.string(), 0,
                     "move the log away (or pass another --out) to start over");
  }
  const json earlier = json::parse(in, nullptr, false);
  if (earlier.is_discarded() || !earlier.is_object()) {
    throw InputError("not a judgments sidecar (bad JSON)", sidecar.string(), 0,
                     "move it and its log away to start over");
  }
  for (const auto& [key, value] : identity.items()) {
    if (!earlier.contains(key) || earlier[key] != value) {
      throw InputError("the judgments here were made with another " + key + " (" +
                           (earlier.contains(key) ? earlier[key].dump() : "none") + ", now " +
                           value.dump() + ")",
                       sidecar.string(), 0,
                       "pass another --out, or the same --judge, --prompt and options to resume");
    }
  }
}

std::string sorted_qrels_tsv(const Qrels& qrels) {
  std::string out = "query-id\tcorpus-id\tscore\n";
  for (const auto& [query, docs] : qrels.judgments) {
    std::vector<std::pair<std::string, int>> sorted(docs.begin(), docs.end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [docno, grade] : sorted) out += qrels_line(query, docno, grade);
  }
  return out;
}

}  // namespace

std::string_view default_judge_prompt_text() { return kDefaultPrompt; }

std::uint32_t pair_seed(std::uint32_t seed, const std::string& query, const std::string& docno) {
  std::uint64_t h = 14695981039346656037ULL;
  const std::string key = std::to_string(seed) + "\t" + query + "\t" + docno;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<std::uint32_t>(h);
}

JudgeReport judge_runs(const JudgeConfig& config, Generator& judge) {
  if (config.runs.empty()) {
    throw InputError("no run to pool", "", 0, "pass --run RUN.trec (several: their union)");
  }
  if (config.depth == 0) throw InputError("--depth must be at least 1", "", 0, "e.g. --depth 10");
  check_generation_options(config.generation);
  validate_split_name(config.split);
  const Paths paths = paths_for(config);

  JudgeReport report;
  report.qrels_file = paths.qrels;
  report.log_file = paths.log;
  report.sidecar_file = paths.sidecar;
  report.merged_file = paths.merged;
  report.judge_spec = judge.spec();
  report.sampling = sampling_label(config.generation);
  const JudgePrompt prompt =
      config.prompt_file.empty()
          ? JudgePrompt::parse(default_judge_prompt_text(), "data/prompts/judge.txt")
          : JudgePrompt::load(config.prompt_file);
  report.prompt_file = config.prompt_file.empty() ? "(built in: data/prompts/judge.txt)"
                                                  : config.prompt_file.string();
  report.prompt_hash = prompt.hash;

  // Inputs: the dataset (its qrels may be absent: nothing judged yet), every query's text, runs.
  BeirLoadOptions load;
  load.split = config.split;
  load.require_qrels = false;
  load.show_progress = config.show_progress;
  const Dataset dataset = load_beir(config.dataset_dir, load);
  const TextRecords query_records = read_text_records(config.dataset_dir / "queries.jsonl");
  std::unordered_map<std::string, std::string> query_text;
  for (std::size_t i = 0; i < query_records.ids.size(); ++i) {
    query_text.emplace(query_records.ids[i], query_records.texts[i]);
  }
  std::unordered_map<std::string, const Document*> documents;
  for (const Document& d : dataset.corpus) documents.emplace(d.id, &d);
  std::vector<TrecRun> runs;
  for (const auto& file : config.runs) {
    TrecRun run = read_run(file);
    for (const auto& [query, entries] : run.by_query) {
      if (query_text.count(query) == 0) {
        throw InputError("the run names query '" + query + "', which " +
                             (config.dataset_dir / "queries.jsonl").string() + " lacks",
                         file.string(), 0, "was the run made on this dataset?");
      }
      for (const RunEntry& e : entries) {
        if (documents.count(e.docno) == 0) {
          throw InputError("the run names document '" + e.docno + "', which the corpus lacks",
                           file.string(), 0, "was the run made on this dataset?");
        }
      }
    }
    runs.push_back(std::move(run));
  }
  // The outputs must not replace an input.
  refuse_overwriting_input(config.dataset_dir / "qrels" / (config.split + ".tsv"), paths.qrels,
                           "--out");
  for (const auto& file : config.runs) refuse_overwriting_input(file, paths.qrels, "--out");
  std::filesystem::create_directories(
      paths.qrels.parent_path().empty() ? std::filesystem::path(".") : paths.qrels.parent_path());

  // The log so far (a resumed run), checked to come from the same judge, prompt and options.
  const json identity = identity_json(config, report);
  std::error_code ec;
  const bool log_exists = std::filesystem::exists(paths.log, ec);
  if (log_exists) {
    check_resumable(paths.sidecar, identity);
  } else if (std::filesystem::exists(paths.qrels, ec)) {
    throw InputError("judgments exist here without their log " + paths.log.filename().string(),
                     paths.qrels.string(), 0,
                     "pass another --out, or move the file away to judge anew");
  }
  std::vector<LoggedAnswer> log = read_log(paths.log);
  std::map<std::pair<std::string, std::string>, std::optional<int>> answered;
  for (const LoggedAnswer& a : log) answered.emplace(std::pair{a.query, a.docno}, a.grade);

  // STEM.tsv rebuilt from the log (it may lack the line a kill interrupted), then appended to.
  {
    std::string tsv = "query-id\tcorpus-id\tscore\n";
    for (const LoggedAnswer& a : log) {
      if (a.grade) tsv += qrels_line(a.query, a.docno, *a.grade);
    }
    write_file_atomic(paths.qrels, tsv);
  }

  // The pool, and what is left to ask.
  const JudgmentPool pool = pool_runs(runs, config.depth);
  std::vector<std::pair<std::string, std::string>> to_ask;
  for (const auto& [query, docs] : pool.by_query) {
    for (const std::string& docno : docs) {
      ++report.pooled;
      if (is_judged(dataset.qrels, query, docno)) {
        ++report.already_judged;
      } else if (answered.count({query, docno}) != 0) {
        ++report.from_log;
      } else {
        to_ask.emplace_back(query, docno);
      }
    }
  }
  if (auto* metered = dynamic_cast<const MeteredGenerator*>(&judge))
    report.usage = metered->usage();
  write_file_atomic(paths.sidecar, sidecar_json(config, report, false).dump(2) + "\n");

  {
    AppendFile log_out(paths.log);
    AppendFile qrels_out(paths.qrels);
    Progress progress("judge", to_ask.size(), "pairs", config.show_progress);
    for (const auto& [query, docno] : to_ask) {
      const std::string document =
          cut_utf8(document_text(*documents.at(docno)), config.max_document_bytes);
      GenerationOptions options = config.generation;
      options.seed = pair_seed(config.seed, query, docno);
      const GeneratedText answer =
          judge.generate(prompt.messages(query_text.at(query), document), options);
      const std::optional<int> grade = parse_relevance_grade(answer.text);
      json line = {{"query", query},
                   {"doc", docno},
                   {"grade", grade ? json(*grade) : json(nullptr)},
                   {"answer", answer.text},
                   {"seed", options.seed}};
      log_out.append(line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
      if (grade) qrels_out.append(qrels_line(query, docno, *grade));
      log.push_back({query, docno, grade, answer.text});
      ++report.asked;
      if (!grade) ++report.unparseable_now;
      progress.add();
    }
  }

  // Totals over the log, Hole@k before and after, the merged qrels and the final sidecar.
  Qrels after = dataset.qrels;
  for (const LoggedAnswer& a : log) {
    if (a.grade) {
      ++report.graded;
      if (*a.grade >= 0 && *a.grade <= kMaxRelevanceGrade) ++report.grades[*a.grade];
      after.judgments[a.query].emplace(a.docno, *a.grade);  // the dataset's judgment wins
    } else {
      ++report.unparseable;
      if (report.unparseable_examples.size() < 3) {
        report.unparseable_examples.push_back(cut_utf8(a.answer, 80));
      }
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    report.holes.push_back({config.runs[i].string(),
                            hole_at_k(runs[i], dataset.qrels, config.hole_k),
                            hole_at_k(runs[i], after, config.hole_k)});
  }
  write_file_atomic(paths.merged, sorted_qrels_tsv(after));
  if (auto* metered = dynamic_cast<const MeteredGenerator*>(&judge))
    report.usage = metered->usage();
  write_file_atomic(paths.sidecar, sidecar_json(config, report, true).dump(2) + "\n");
  return report;
}

std::string format_judge_report(const JudgeReport& r) {
  char buffer[512];
  std::string out;
  out += "judge " + r.judge_spec + "\n";
  out += "prompt " + r.prompt_file + " (" + r.prompt_hash + "), sampling " + r.sampling + "\n";
  std::snprintf(buffer, sizeof buffer,
                "pool: %zu pairs; %zu judged in the dataset, %zu answered before (log), %zu "
                "asked now (%zu unparseable)\n",
                r.pooled, r.already_judged, r.from_log, r.asked, r.unparseable_now);
  out += buffer;
  std::snprintf(buffer, sizeof buffer,
                "model-made grades: %zu (0: %zu, 1: %zu, 2: %zu, 3: %zu); unparseable answers: "
                "%zu\n",
                r.graded, r.grades[0], r.grades[1], r.grades[2], r.grades[3], r.unparseable);
  out += buffer;
  for (const std::string& example : r.unparseable_examples) {
    out += "  unparseable: \"" + example + "\"\n";
  }
  std::size_t width = 3;
  for (const RunHole& h : r.holes) width = std::max(width, h.run.size());
  const std::size_t k = r.holes.empty() ? 10 : r.holes.front().before.k;
  std::snprintf(buffer, sizeof buffer, "%-*s  %9s  %9s  %7s\n", static_cast<int>(width), "run",
                ("Hole@" + std::to_string(k)).c_str(), "after", "queries");
  out += buffer;
  for (const RunHole& h : r.holes) {
    std::snprintf(buffer, sizeof buffer, "%-*s  %9.4f  %9.4f  %7zu\n", static_cast<int>(width),
                  h.run.c_str(), h.before.hole, h.after.hole, h.before.queries);
    out += buffer;
  }
  if (r.usage) {
    std::snprintf(buffer, sizeof buffer,
                  "usage: %zu requests (%zu retries), %zu prompt + %zu completion tokens",
                  r.usage->requests, r.usage->retries, r.usage->prompt_tokens,
                  r.usage->completion_tokens);
    out += buffer;
    if (const auto cost = r.usage->cost_usd()) {
      std::snprintf(buffer, sizeof buffer, ", $%.4f", *cost);
      out += buffer;
    }
    out += "\n";
  }
  out += "wrote " + r.qrels_file.string() + " (model-made), " + r.merged_file.string() +
         " (with the dataset's), " + r.sidecar_file.string() + "\n";
  return out;
}

}  // namespace embeval
