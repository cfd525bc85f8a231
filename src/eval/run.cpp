// read_run and write_run: TREC run files ("qid Q0 docno rank score tag").
#include "embeval/eval/run.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

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

// Printable ASCII without space: an id made of these has nothing record_id_problem() refuses, so
// the full UTF-8 check runs only on the rare id with other bytes.
bool plain_ascii_id(std::string_view id) {
  if (id.empty()) return false;
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}

// The document ids of one query read so far: an open-addressing set of indices into that query's
// entries (so it survives the vector growing). Runs list a query's documents together, so one set
// serves a whole block of lines; when a query comes back later in the file its set is rebuilt.
class DocnoSet {
 public:
  void reset(const std::vector<RunEntry>& entries) {
    entries_ = &entries;
    // Sized by the previous query and this one, so clearing costs what the last query cost and a
    // huge query does not slow every query after it.
    std::size_t capacity = 64;
    while (capacity < 2 * (std::max(count_, entries.size()) + 1)) capacity *= 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    count_ = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) insert_new(hash(entries[i].docno), i);
  }
  // True when `docno` is already in the query; `h` is its hash (computed once by the caller).
  bool contains(std::string_view docno, std::size_t h) const {
    if (slots_.empty()) return false;
    for (std::size_t i = h & mask_; slots_[i].index != 0; i = (i + 1) & mask_) {
      if (slots_[i].hash == h && (*entries_)[slots_[i].index - 1].docno == docno) return true;
    }
    return false;
  }
  // Records that entries[index] holds a document not seen before in the query.
  void insert_new(std::size_t h, std::size_t index) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    std::size_t i = h & mask_;
    while (slots_[i].index != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{h, index + 1};
    ++count_;
  }
  static std::size_t hash(std::string_view docno) { return std::hash<std::string_view>{}(docno); }

 private:
  struct Slot {
    std::size_t hash = 0;
    std::size_t index = 0;  // entry index + 1; 0 = empty
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(64, 2 * old.size()), Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == 0) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].index != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  const std::vector<RunEntry>* entries_ = nullptr;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
};

// The first line of `text` that lists `docno` for `qid`: only on the error path, so the reader
// keeps no line numbers per entry.
std::size_t first_line_of(std::string_view text, std::string_view qid, std::string_view docno) {
  std::size_t found = 0;
  for_each_line(text, [&](std::size_t line_number, std::string_view line) {
    if (found != 0) return;
    std::array<std::string_view, 6> f;
    if (split_fields(line, f) == 6 && f[0] == qid && f[2] == docno) found = line_number;
  });
  return found;
}

}  // namespace

TrecRun read_run(const std::filesystem::path& path) {
  const std::string text = read_whole_file(path, "run");
  TrecRun run;
  bool tag_seen = false;
  std::string current_qid;  // the query of the lines being read; its id is already validated
  std::vector<RunEntry>* current = nullptr;
  DocnoSet seen;
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
    const bool same_query = current != nullptr && f[0] == current_qid;
    if (!same_query && !plain_ascii_id(f[0])) {
      validate_record_id(f[0], "query id", path.string(), line_number);
    }
    if (!plain_ascii_id(f[2])) validate_record_id(f[2], "document id", path.string(), line_number);
    if (!tag_seen) {
      run.tag = std::string(f[5]);
      tag_seen = true;
    }
    if (!same_query) {
      current_qid.assign(f[0]);
      current = &run.by_query[current_qid];
      seen.reset(*current);
    }
    const std::size_t h = DocnoSet::hash(f[2]);
    if (seen.contains(f[2], h)) {
      const std::string docno(f[2]);
      throw InputError("document '" + docno + "' is retrieved twice for query '" + current_qid +
                           "' (first on line " +
                           std::to_string(first_line_of(text, current_qid, docno)) + ")",
                       path.string(), line_number, "trec_eval rejects duplicate documents too");
    }
    current->push_back({std::string(f[2]), score});
    seen.insert_new(h, current->size() - 1);
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
