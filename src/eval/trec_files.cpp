// Readers and writer for TREC qrels and runs. Files are read whole (qrels and runs are small
// next to a corpus) and split into lines and whitespace-separated fields without copies.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "embeval/util/atomic_file.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/core/error.h"
#include "embeval/eval/qrels.h"
#include "embeval/io/record_id.h"
#include "embeval/eval/run.h"

namespace embeval {
namespace {

std::string read_whole_file(const std::filesystem::path& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {  // it would read as an empty file
    throw InputError(std::string("a directory, not a ") + what + " file", path.string(), 0,
                     "pass the file itself");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(std::string("cannot open ") + what + " file", path.string(), 0,
                     "check the path");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = std::move(buffer).str();
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    throw InputError(std::string("the ") + what + " file is UTF-16 (it opens with a UTF-16 " +
                         "byte-order mark)",
                     path.string(), 1, "convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8");
  }
  return text;
}

// Calls fn(line_number, line) for each line, without the trailing "\r\n" or "\n".
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  text = strip_utf8_bom(text);  // else glued to the first query id
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line_number, line);
  }
}

// Splits on spaces and tabs; returns the number of fields found (at most fields.size()).
template <std::size_t N>
std::size_t split_fields(std::string_view line, std::array<std::string_view, N>& fields,
                         bool tabs_only = false) {
  std::size_t count = 0;
  std::size_t i = 0;
  const auto is_sep = [&](char c) { return tabs_only ? c == '\t' : (c == ' ' || c == '\t'); };
  while (i < line.size()) {
    if (!tabs_only) {
      while (i < line.size() && is_sep(line[i])) ++i;
      if (i == line.size()) break;
    }
    std::size_t j = i;
    while (j < line.size() && !is_sep(line[j])) ++j;
    if (count < N) fields[count] = line.substr(i, j - i);
    ++count;
    i = j + (tabs_only ? 1 : 0);
    if (tabs_only && j == line.size()) break;
  }
  return count;
}

bool parse_int(std::string_view s, int& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

void add_judgment(Qrels& qrels, std::unordered_map<std::string, std::size_t>& first_line,
                  std::string_view qid, std::string_view docno, int rel, std::size_t line_number,
                  const std::filesystem::path& path) {
  validate_record_id(qid, "query id", path.string(), line_number);
  validate_record_id(docno, "document id", path.string(), line_number);
  auto& docs = qrels.judgments[std::string(qid)];
  const auto [it, inserted] = docs.emplace(std::string(docno), rel);
  std::string key = std::string(qid) + '\t' + std::string(docno);
  if (inserted) {
    first_line.emplace(std::move(key), line_number);
  } else if (it->second != rel) {
    throw InputError("document '" + std::string(docno) + "' is judged twice for query '" +
                         std::string(qid) + "' with different values (" +
                         std::to_string(it->second) + " on line " +
                         std::to_string(first_line[key]) + ", " + std::to_string(rel) + " here)",
                     path.string(), line_number, "keep one judgment per (query, document)");
  }
}

}  // namespace

std::size_t Qrels::num_judgments() const {
  std::size_t n = 0;
  for (const auto& [qid, docs] : judgments) n += docs.size();
  return n;
}

Qrels read_qrels(const std::filesystem::path& path) {
  const std::string text = read_whole_file(path, "qrels");
  Qrels qrels;
  std::unordered_map<std::string, std::size_t> first_line;
  enum class Format { kUnknown, kTrec, kBeir } format = Format::kUnknown;
  for_each_line(text, [&](std::size_t line_number, std::string_view line) {
    if (is_blank(line)) return;
    std::array<std::string_view, 4> f;
    if (format == Format::kUnknown) {
      // BEIR: "query-id<TAB>corpus-id<TAB>score" header; TREC: four fields, no header.
      std::array<std::string_view, 4> tab_fields;
      const std::size_t n_tab = split_fields(line, tab_fields, /*tabs_only=*/true);
      int ignored = 0;
      if (n_tab == 3 && !parse_int(tab_fields[2], ignored)) {
        format = Format::kBeir;
        return;  // the header line
      }
      format = split_fields(line, f) == 3 ? Format::kBeir : Format::kTrec;
    }
    // BEIR TSV separates by tabs only (ids may hold spaces); TREC by any whitespace.
    const std::size_t n = split_fields(line, f, /*tabs_only=*/format == Format::kBeir);
    int rel = 0;
    if (format == Format::kTrec) {
      if (n != 4) {
        throw InputError("TREC qrels lines have 4 fields (qid iter docno rel), this one has " +
                             std::to_string(n),
                         path.string(), line_number);
      }
      if (!parse_int(f[3], rel)) {
        throw InputError("relevance '" + std::string(f[3]) + "' is not an integer", path.string(),
                         line_number);
      }
      add_judgment(qrels, first_line, f[0], f[2], rel, line_number, path);
    } else {
      if (n != 3) {
        throw InputError(
            "BEIR qrels lines have 3 fields (query-id corpus-id score), this one has " +
                std::to_string(n),
            path.string(), line_number);
      }
      if (!parse_int(f[2], rel)) {
        throw InputError("score '" + std::string(f[2]) + "' is not an integer", path.string(),
                         line_number, "BEIR qrels scores are integer relevance grades");
      }
      add_judgment(qrels, first_line, f[0], f[1], rel, line_number, path);
    }
  });
  return qrels;
}

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
