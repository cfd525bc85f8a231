// read_run and write_run: TREC run files ("qid Q0 docno rank score tag").
#include "embeval/eval/run.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/io/record_id.h"
#include "embeval/util/atomic_file.h"
#include "eval/trec_lines.h"

namespace embeval {
namespace {

using eval_detail::for_each_line;
using eval_detail::is_blank;
using eval_detail::read_whole_file;
using eval_detail::split_fields;

}  // namespace

TrecRun read_run(const std::filesystem::path& path) {
  const std::string text = read_whole_file(path, "run");
  TrecRun run;
  bool tag_seen = false;
  // qid -> (docno -> line) to report duplicates with both lines.
  std::unordered_map<std::string, std::unordered_map<std::string, std::size_t>> seen;
  for_each_line(text, [&](std::size_t line_number, std::string_view line) {
    if (is_blank(line)) return;
    std::array<std::string_view, 6> f;
    const std::size_t n = split_fields(line, f);
    if (n != 6) {
      throw InputError("TREC run lines have 6 fields (qid Q0 docno rank score tag), this one has " +
                           std::to_string(n),
                       path.string(), line_number);
    }
    double score = 0;
    auto [ptr, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), score);
    if (ec == std::errc::result_out_of_range) {
      // from_chars leaves `score` untouched when the value is out of range: strtod tells a
      // magnitude below the smallest double (rounds to 0 or a subnormal, as trec_eval's atof
      // reads it) from one above the largest (inf, refused below).
      const std::string text(f[4]);
      char* end = nullptr;
      score = std::strtod(text.c_str(), &end);
      if (end == text.c_str() + text.size()) ec = std::errc();
    }
    if (ec != std::errc() || ptr != f[4].data() + f[4].size() || !std::isfinite(score)) {
      throw InputError("score '" + std::string(f[4]) + "' is not a finite number", path.string(),
                       line_number);
    }
    validate_record_id(f[0], "query id", path.string(), line_number);
    validate_record_id(f[2], "document id", path.string(), line_number);
    if (!tag_seen) {
      run.tag = std::string(f[5]);
      tag_seen = true;
    }
    const std::string qid(f[0]);
    const std::string docno(f[2]);
    auto [it, inserted] = seen[qid].emplace(docno, line_number);
    if (!inserted) {
      throw InputError("document '" + docno + "' is retrieved twice for query '" + qid +
                           "' (first on line " + std::to_string(it->second) + ")",
                       path.string(), line_number, "trec_eval rejects duplicate documents too");
    }
    run.by_query[qid].push_back({docno, score});
  });
  return run;
}

void write_run(const std::filesystem::path& path, const TrecRun& run) {
  // The format is whitespace-separated: an id with a space in it cannot be written faithfully.
  // The readers check ids the same way, so what we write reads back.
  const auto check_id = [&](const std::string& id, const char* what) {
    const std::string problem = record_id_problem(id);
    if (!problem.empty()) {
      throw InputError(std::string(what) + " '" + id + "' " + problem, path.string(), 0,
                       "TREC run files cannot hold such ids; rename them");
    }
  };
  check_id(run.tag, "run tag");
  for (const auto& [qid, entries] : run.by_query) {
    check_id(qid, "query id");
    for (const auto& e : entries) {
      check_id(e.docno, "document id");
      if (!std::isfinite(e.score)) {
        throw InputError(
            "score of document '" + e.docno + "' for query '" + qid + "' is not a finite number",
            path.string(), 0, "drop or fix NaN/inf scores before writing a run");
      }
    }
  }
  AtomicFileWriter out(path);
  std::string buffer;
  std::vector<const RunEntry*> order;
  for (const auto& [qid, entries] : run.by_query) {
    order.clear();
    for (const auto& e : entries) order.push_back(&e);
    // trec_eval's order: scores compared as float (as it stores them), ties by docno descending.
    std::sort(order.begin(), order.end(), [](const RunEntry* a, const RunEntry* b) {
      const float sa = static_cast<float>(a->score);
      const float sb = static_cast<float>(b->score);
      if (sa != sb) return sa > sb;
      return std::strcmp(a->docno.c_str(), b->docno.c_str()) > 0;
    });
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
      char score[64];
      // Shortest text that reads back to the same double: scores round-trip exactly.
      const auto res = std::to_chars(score, score + sizeof score, order[rank]->score);
      buffer += qid;
      buffer += " Q0 ";
      buffer += order[rank]->docno;
      buffer += ' ';
      buffer += std::to_string(rank + 1);
      buffer += ' ';
      buffer.append(score, res.ptr);
      buffer += ' ';
      buffer += run.tag;
      buffer += '\n';
    }
    if (buffer.size() > (1u << 20)) {
      out.write(buffer);
      buffer.clear();
    }
  }
  out.write(buffer);
  out.commit();
}

}  // namespace embeval
