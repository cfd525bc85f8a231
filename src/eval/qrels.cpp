// read_qrels: TREC qrels or BEIR qrels TSV -> Qrels, the format detected from the first line.
#include "embeval/eval/qrels.h"

#include <array>
#include <charconv>
#include <string_view>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/io/record_id.h"
#include "eval/trec_lines.h"

namespace embeval {
namespace {

using eval_detail::for_each_line;
using eval_detail::is_blank;
using eval_detail::read_whole_file;
using eval_detail::split_fields;

bool parse_int(std::string_view s, int& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
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

}  // namespace embeval
