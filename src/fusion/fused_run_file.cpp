// write_fused_run: one pass over the fused entries, each line formatted into a buffer that is
// handed to the atomic writer a megabyte at a time.
#include "embeval/fusion/fused_run_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "embeval/core/error.h"
#include "embeval/io/record_id.h"
#include "embeval/util/atomic_file.h"

namespace embeval {
namespace {

// Printable ASCII without space: nothing record_id_problem() refuses, so the full check (UTF-8
// decoding) runs only on the rare id with other bytes.
bool plain_ascii_id(std::string_view id) {
  if (id.empty()) return false;
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}

// write_run's check and message, so both writers refuse the same ids in the same words.
void check_id(std::string_view id, const char* what, const std::filesystem::path& path) {
  if (plain_ascii_id(id)) return;
  const std::string problem = record_id_problem(id);
  if (!problem.empty()) {
    throw InputError(std::string(what) + " '" + std::string(id) + "' " + problem, path.string(), 0,
                     "TREC run files cannot hold such ids; rename them");
  }
}

}  // namespace

void write_fused_run(const std::filesystem::path& path, const FusedRun& fused,
                     std::string_view tag) {
  check_id(tag, "run tag", path);
  // One pass: each id and score is checked as its line is formatted. On a refusal the writer's
  // temporary file is removed and the target is untouched, as when write_run checks first.
  AtomicFileWriter out(path);
  constexpr std::size_t kFlushAt = std::size_t{1} << 20;
  constexpr std::size_t kPrefetchAhead = 8;  // document ids live in the input runs' memory
  std::string buffer;
  for (std::size_t q = 0; q < fused.query_ids.size(); ++q) {
    const std::string_view qid = fused.query_ids[q];
    check_id(qid, "query id", path);
    const auto slice = fused.query(q);
    for (std::size_t rank = 0; rank < slice.size(); ++rank) {
      if (rank + kPrefetchAhead < slice.size()) {
        __builtin_prefetch(slice[rank + kPrefetchAhead].docno.data());
      }
      const FusedEntry& e = slice[rank];
      check_id(e.docno, "document id", path);
      if (!std::isfinite(e.score)) {
        throw InputError("score of document '" + std::string(e.docno) + "' for query '" +
                             std::string(qid) + "' is not a finite number",
                         path.string(), 0, "drop or fix NaN/inf scores before writing a run");
      }
      // qid, docno and tag bytes, the separators and newline (7), the rank (<= 20 digits) and
      // the score (shortest round-trip double: <= 24 characters).
      const std::size_t at = buffer.size();
      buffer.resize(at + qid.size() + e.docno.size() + tag.size() + 7 + 20 + 32);
      char* p = buffer.data() + at;
      p = std::copy(qid.begin(), qid.end(), p);
      p = std::copy_n(" Q0 ", 4, p);
      p = std::copy(e.docno.begin(), e.docno.end(), p);
      *p++ = ' ';
      p = std::to_chars(p, p + 20, rank + 1).ptr;
      *p++ = ' ';
      p = std::to_chars(p, p + 32, e.score).ptr;
      *p++ = ' ';
      p = std::copy(tag.begin(), tag.end(), p);
      *p++ = '\n';
      buffer.resize(static_cast<std::size_t>(p - buffer.data()));
    }
    if (buffer.size() > kFlushAt) {
      out.write(buffer);
      buffer.clear();
    }
  }
  out.write(buffer);
  out.commit();
}

}  // namespace embeval
