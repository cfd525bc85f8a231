// fuse_runs: one pass per query over contiguous arrays. Per query the documents of every run are
// interned once into local ids 0..m-1 by a small open-addressing table that is reused from query
// to query (it stays in cache); normalising, accumulating and the final selection then touch
// only arrays indexed by those ids. Each run's list is checked for trec_eval order and sorted
// only when it is not (runs embeval writes already are).
#include "embeval/fusion/fuse_runs.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <utility>

#include "embeval/core/error.h"

namespace embeval {
namespace {

constexpr std::array<std::pair<std::string_view, FusionMethod>, 7> kMethods = {{
    {"wsum", FusionMethod::wsum},
    {"combsum", FusionMethod::combsum},
    {"combmnz", FusionMethod::combmnz},
    {"rrf", FusionMethod::rrf},
    {"dbsf-mteb", FusionMethod::dbsf_mteb},
    {"dbsf-qdrant", FusionMethod::dbsf_qdrant},
    {"rsf", FusionMethod::rsf},
}};

// trec_eval's order: score descending compared as float, ties by docno descending.
bool ranks_before(float sa, std::string_view da, float sb, std::string_view db) {
  if (sa != sb) return sa > sb;
  return da > db;
}

// The first and last 8 bytes of an id (overlapping when shorter than 16, zero-padded when
// shorter than 8) and its length: for ids of at most 16 bytes these determine the id, so two
// such ids compare equal exactly when their words do, without touching the ids' memory again.
struct IdWords {
  std::uint64_t head = 0;
  std::uint64_t tail = 0;
  std::size_t size = 0;

  bool operator==(const IdWords&) const = default;
};

IdWords id_words(std::string_view id) {
  IdWords w;
  w.size = id.size();
  if (w.size >= 8) {
    std::memcpy(&w.head, id.data(), 8);
    std::memcpy(&w.tail, id.data() + w.size - 8, 8);
  } else {
    std::memcpy(&w.head, id.data(), w.size);
  }
  return w;
}

// A hash of an id from its words, mixed by multiplication; long ids fold in the middle too.
// Document ids are short, and a collision only costs a comparison.
std::uint64_t hash_id(const IdWords& w, std::string_view id) {
  std::uint64_t h = (w.head ^ 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
  h ^= (w.tail + w.size) * 0x94D049BB133111EBull;
  if (w.size > 16) {
    for (std::size_t i = 8; i + 8 < w.size; i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, id.data() + i, 8);
      h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
    }
  }
  return h ^ (h >> 29);
}

// Local ids for one query's documents: an open-addressing table (linear probing) whose slots
// hold the upper hash bits and the id, cleared slot by slot after each query so that reusing it
// costs nothing. Each id's words are kept beside it, so a lookup compares in the workspace
// (in cache) rather than in the input runs' memory.
class LocalIds {
 public:
  void reset(std::size_t expected) {
    for (const std::uint32_t slot : used_slots_) slots_[slot] = 0;
    used_slots_.clear();
    docnos_.clear();
    words_.clear();
    std::size_t capacity = 64;
    while (capacity < 2 * expected) capacity *= 2;
    if (capacity > slots_.size()) slots_.assign(capacity, 0);
    mask_ = slots_.size() - 1;
  }
  // The id of `docno`, a new one if unseen.
  std::uint32_t intern(std::string_view docno) {
    const IdWords words = id_words(docno);
    const std::uint64_t h = hash_id(words, docno);
    const std::uint64_t tag = h & 0xFFFFFFFF00000000ull;
    std::size_t i = h & mask_;
    while (slots_[i] != 0) {
      if ((slots_[i] & 0xFFFFFFFF00000000ull) == tag) {
        const auto id = static_cast<std::uint32_t>(slots_[i] - 1);
        if (words_[id] == words && (words.size <= 16 || docnos_[id] == docno)) return id;
      }
      i = (i + 1) & mask_;
    }
    const auto id = static_cast<std::uint32_t>(docnos_.size());
    slots_[i] = tag | (static_cast<std::uint64_t>(id) + 1);
    used_slots_.push_back(static_cast<std::uint32_t>(i));
    docnos_.push_back(docno);
    words_.push_back(words);
    return id;
  }
  std::size_t size() const { return docnos_.size(); }
  std::string_view docno(std::uint32_t id) const { return docnos_[id]; }

 private:
  std::vector<std::uint64_t> slots_;  // upper 32 hash bits | (id + 1); 0 = empty
  std::vector<std::uint32_t> used_slots_;
  std::vector<std::string_view> docnos_;
  std::vector<IdWords> words_;
  std::size_t mask_ = 0;
};

// A float score as an unsigned key whose ascending order is the score's descending order (the
// usual flip of IEEE-754 bits; -0 and +0 map apart, but fused scores compare as float anyway
// only through this key and ties are then resolved by document id).
std::uint32_t descending_key(float score) {
  if (score == 0.0f) score = 0.0f;  // -0 ties with +0, as float comparison says
  std::uint32_t bits = 0;
  std::memcpy(&bits, &score, sizeof bits);
  const std::uint32_t ascending = (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
  return ~ascending;
}

// Sorts `keys` ascending by their upper 32 bits (the order of the lower half among equal upper
// halves is left as it comes): least-significant-digit radix sort, 8 bits a pass, skipping the
// passes whose digit is the same for every key (the high byte of scores of one magnitude).
void radix_sort_by_upper_half(std::vector<std::uint64_t>& keys,
                              std::vector<std::uint64_t>& buffer) {
  const std::size_t n = keys.size();
  if (n < 2) return;
  std::array<std::array<std::uint32_t, 256>, 4> counts{};
  for (const std::uint64_t k : keys) {
    for (std::size_t pass = 0; pass < 4; ++pass) ++counts[pass][(k >> (32 + 8 * pass)) & 0xFF];
  }
  buffer.resize(n);
  std::uint64_t* from = keys.data();
  std::uint64_t* to = buffer.data();
  for (std::size_t pass = 0; pass < 4; ++pass) {
    auto& count = counts[pass];
    const unsigned shift = static_cast<unsigned>(32 + 8 * pass);
    if (count[(from[0] >> shift) & 0xFF] == n) continue;  // one digit value: nothing to do
    std::uint32_t offset = 0;
    for (std::uint32_t& c : count) {
      const std::uint32_t here = c;
      c = offset;
      offset += here;
    }
    for (std::size_t i = 0; i < n; ++i) to[count[(from[i] >> shift) & 0xFF]++] = from[i];
    std::swap(from, to);
  }
  if (from != keys.data()) std::memcpy(keys.data(), from, n * sizeof(std::uint64_t));
}

// One run's list for the current query, after ranking and the depth cut.
struct RankedList {
  bool present = false;
  std::vector<std::uint32_t> order;  // entry indices in rank order
  std::vector<std::uint32_t> ids;    // local id at each rank
  std::vector<double> values;        // scores, then normalised values, at each rank
};

struct Workspace {
  LocalIds local;
  std::vector<RankedList> lists;
  std::vector<double> fused;
  std::vector<std::uint32_t> holders;    // runs listing the document (combmnz)
  std::vector<std::uint32_t> last_run;   // run index + 1 that last listed it (duplicate check)
  std::vector<double> contribution;      // borda: one run's value for every candidate
  std::vector<std::uint64_t> selection;  // descending_key << 32 | local id
  std::vector<std::uint64_t> radix_buffer;
  std::vector<double> rrf_values;  // 1 / (k + r) for r = 1, 2, ...: computed once per call
};

void rank_list(const std::vector<RunEntry>& entries, std::size_t depth, RankedList& list) {
  const std::size_t n = entries.size();
  list.order.resize(n);
  for (std::size_t i = 0; i < n; ++i) list.order[i] = static_cast<std::uint32_t>(i);
  // Runs embeval (and most tools) write are already in this order: a linear check on the
  // entries themselves is cheaper than sorting.
  bool sorted = true;
  for (std::size_t i = 1; i < n && sorted; ++i) {
    sorted = !ranks_before(static_cast<float>(entries[i].score), entries[i].docno,
                           static_cast<float>(entries[i - 1].score), entries[i - 1].docno);
  }
  if (!sorted) {
    std::sort(list.order.begin(), list.order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return ranks_before(static_cast<float>(entries[a].score), entries[a].docno,
                          static_cast<float>(entries[b].score), entries[b].docno);
    });
  }
  if (depth != 0 && depth < n) list.order.resize(depth);
}

void normalize_list(const FusionOptions& options, std::span<double> values, std::size_t candidates,
                    std::vector<double>& rrf_values) {
  switch (options.method) {
    case FusionMethod::wsum:
    case FusionMethod::combsum:
    case FusionMethod::combmnz:
      normalize_scores(options.norm, values, candidates);
      return;
    case FusionMethod::rrf:
      // The same expression per rank as ever, evaluated once per rank per call.
      for (std::size_t r = rrf_values.size(); r < values.size(); ++r) {
        rrf_values.push_back(1.0 / (options.rrf_k + static_cast<double>(r + 1)));
      }
      std::copy_n(rrf_values.begin(), values.size(), values.begin());
      return;
    case FusionMethod::dbsf_mteb:
      dbsf_mteb_normalize(values);
      return;
    case FusionMethod::dbsf_qdrant:
      dbsf_qdrant_normalize(values);
      return;
    case FusionMethod::rsf:
      rsf_normalize(values);
      return;
  }
}

// Fuses one query: `entries[i]` is run i's list for it, or null. Appends to `out`.
void fuse_query(std::string_view qid, const std::vector<const std::vector<RunEntry>*>& entries,
                const FusionOptions& options, const std::vector<double>& weights, Workspace& ws,
                std::vector<FusedEntry>& out) {
  const std::size_t run_count = entries.size();
  std::size_t total = 0;
  for (const auto* e : entries) total += e != nullptr ? e->size() : 0;
  ws.local.reset(total);
  for (std::size_t i = 0; i < run_count; ++i) {
    RankedList& list = ws.lists[i];
    list.present = entries[i] != nullptr;
    list.ids.clear();
    list.values.clear();
    if (!list.present) continue;
    const std::vector<RunEntry>& run_entries = *entries[i];
    rank_list(run_entries, options.depth, list);
    if (ws.last_run.size() < total) ws.last_run.resize(total);
    for (const std::uint32_t e : list.order) {
      const std::size_t known = ws.local.size();
      const std::uint32_t id = ws.local.intern(run_entries[e].docno);
      if (id == known) ws.last_run[id] = 0;  // a new id: its slot may hold an older query's mark
      if (ws.last_run[id] == i + 1) {
        throw InputError("run " + std::to_string(i + 1) + " lists document '" +
                             run_entries[e].docno + "' twice for query '" + std::string(qid) + "'",
                         {}, 0, "a run holds each document once per query, as trec_eval requires");
      }
      ws.last_run[id] = static_cast<std::uint32_t>(i + 1);
      list.ids.push_back(id);
      list.values.push_back(run_entries[e].score);
    }
  }
  const std::size_t m = ws.local.size();
  ws.fused.assign(m, 0.0);
  ws.holders.assign(m, 0);
  const bool borda =
      fusion_method_uses_norm(options.method) && options.norm == ScoreNormalization::borda;
  for (std::size_t i = 0; i < run_count; ++i) {
    RankedList& list = ws.lists[i];
    const double w = weights[i];
    normalize_list(options, list.values, m, ws.rrf_values);
    if (borda) {
      // Every candidate gets a value from every run, listed or not (ranx's borda).
      ws.contribution.assign(m, borda_unlisted_score(list.values.size(), m));
      for (std::size_t r = 0; r < list.ids.size(); ++r)
        ws.contribution[list.ids[r]] = list.values[r];
      for (std::size_t d = 0; d < m; ++d) ws.fused[d] += w * ws.contribution[d];
    } else {
      for (std::size_t r = 0; r < list.ids.size(); ++r) ws.fused[list.ids[r]] += w * list.values[r];
    }
    for (const std::uint32_t id : list.ids) ++ws.holders[id];
  }
  if (options.method == FusionMethod::combmnz) {
    for (std::size_t d = 0; d < m; ++d) ws.fused[d] *= static_cast<double>(ws.holders[d]);
  }
  for (std::size_t d = 0; d < m; ++d) {
    if (!std::isfinite(ws.fused[d])) {
      throw InputError("the fused score of document '" +
                           std::string(ws.local.docno(static_cast<std::uint32_t>(d))) +
                           "' for query '" + std::string(qid) + "' is not a finite number",
                       {}, 0, "the runs' scores are too large for the normalisation; rescale them");
    }
  }
  // Selection on packed 64-bit keys (descending float score above, local id below), ordered by
  // the score part with a radix sort (integer digits, no comparisons); then equal float scores
  // are put in document-id order (descending) group by group, only for the groups that reach
  // into the first `keep`.
  ws.selection.resize(m);
  for (std::size_t d = 0; d < m; ++d) {
    ws.selection[d] =
        (static_cast<std::uint64_t>(descending_key(static_cast<float>(ws.fused[d]))) << 32) | d;
  }
  radix_sort_by_upper_half(ws.selection, ws.radix_buffer);
  const std::size_t keep = options.top == 0 ? m : std::min(options.top, m);
  const auto docno_of = [&](std::uint64_t k) {
    return ws.local.docno(static_cast<std::uint32_t>(k & 0xFFFFFFFFu));
  };
  for (std::size_t i = 0; i < keep;) {
    std::size_t j = i + 1;
    while (j < m && (ws.selection[j] >> 32) == (ws.selection[i] >> 32)) ++j;
    if (j - i > 1) {
      std::sort(ws.selection.begin() + static_cast<std::ptrdiff_t>(i),
                ws.selection.begin() + static_cast<std::ptrdiff_t>(j),
                [&](std::uint64_t a, std::uint64_t b) { return docno_of(a) > docno_of(b); });
    }
    i = j;
  }
  for (std::size_t k = 0; k < keep; ++k) {
    const auto id = static_cast<std::uint32_t>(ws.selection[k] & 0xFFFFFFFFu);
    out.push_back({ws.local.docno(id), ws.fused[id]});
  }
}

}  // namespace

FusionMethod parse_fusion_method(std::string_view name) {
  for (const auto& [text, method] : kMethods) {
    if (text == name) return method;
  }
  throw InputError("unknown fusion method '" + std::string(name) + "'", {}, 0,
                   "use one of: " + fusion_method_names());
}

std::string_view fusion_method_name(FusionMethod method) {
  for (const auto& [text, value] : kMethods) {
    if (value == method) return text;
  }
  EMBEVAL_CHECK(false, "a FusionMethod without a name");
}

std::string fusion_method_names() {
  std::string out;
  for (const auto& [text, method] : kMethods) {
    if (!out.empty()) out += ", ";
    out += text;
  }
  return out;
}

bool fusion_method_uses_norm(FusionMethod method) {
  return method == FusionMethod::wsum || method == FusionMethod::combsum ||
         method == FusionMethod::combmnz;
}

bool fusion_method_uses_weights(FusionMethod method) {
  return method != FusionMethod::combsum && method != FusionMethod::combmnz;
}

void check_fusion_options(const FusionOptions& options, std::size_t run_count) {
  if (run_count < 2) {
    throw InputError("fusion needs at least 2 runs, got " + std::to_string(run_count), {}, 0,
                     "give two or more run files");
  }
  if (!options.weights.empty()) {
    if (!fusion_method_uses_weights(options.method)) {
      throw InputError(std::string(fusion_method_name(options.method)) +
                           " takes no weights (every run counts 1)",
                       {}, 0, "use --method wsum for weighted sums");
    }
    if (options.weights.size() != run_count) {
      throw InputError(std::to_string(options.weights.size()) + " weights for " +
                           std::to_string(run_count) + " runs",
                       {}, 0, "give one weight per run, in the order of the runs");
    }
    for (const double w : options.weights) {
      if (!std::isfinite(w)) throw InputError("a fusion weight is not a finite number");
    }
  }
  if (!std::isfinite(options.rrf_k) || options.rrf_k <= 0.0) {
    throw InputError("the RRF constant k must be a positive number", {}, 0,
                     "Cormack et al. use 60 (Milvus' default); Qdrant's RRF is k=1 here");
  }
}

FusedRun fuse_runs(std::span<const TrecRun* const> runs, const FusionOptions& options) {
  check_fusion_options(options, runs.size());
  const std::size_t run_count = runs.size();
  std::vector<double> weights = options.weights;
  if (weights.empty()) weights.assign(run_count, 1.0);

  // Queries: a merge of the runs' sorted query ids.
  using Iterator = std::map<std::string, std::vector<RunEntry>>::const_iterator;
  std::vector<Iterator> at(run_count);
  for (std::size_t i = 0; i < run_count; ++i) at[i] = runs[i]->by_query.begin();

  FusedRun fused;
  fused.offsets.push_back(0);
  // Room for the fused entries up front (growing a vector of millions copies it repeatedly): at
  // most `top` per query of the run with the most queries, and never more than all the input.
  std::size_t input_entries = 0;
  std::size_t most_queries = 0;
  for (const TrecRun* run : runs) {
    most_queries = std::max(most_queries, run->by_query.size());
    for (const auto& [qid, list] : run->by_query) input_entries += list.size();
  }
  fused.entries.reserve(options.top == 0 ? input_entries
                                         : std::min(input_entries, options.top * most_queries));
  Workspace ws;
  ws.lists.resize(run_count);
  std::vector<const std::vector<RunEntry>*> entries(run_count);
  while (true) {
    const std::string* next = nullptr;
    for (std::size_t i = 0; i < run_count; ++i) {
      if (at[i] != runs[i]->by_query.end() && (next == nullptr || at[i]->first < *next)) {
        next = &at[i]->first;
      }
    }
    if (next == nullptr) break;
    const std::string_view qid = *next;
    for (std::size_t i = 0; i < run_count; ++i) {
      entries[i] = nullptr;
      if (at[i] != runs[i]->by_query.end() && at[i]->first == qid) entries[i] = &at[i]->second;
    }
    fuse_query(qid, entries, options, weights, ws, fused.entries);
    fused.query_ids.push_back(qid);
    fused.offsets.push_back(fused.entries.size());
    for (std::size_t i = 0; i < run_count; ++i) {
      if (entries[i] != nullptr) ++at[i];
    }
  }
  return fused;
}

TrecRun to_trec_run(const FusedRun& fused, std::string tag) {
  TrecRun run;
  run.tag = std::move(tag);
  for (std::size_t q = 0; q < fused.query_ids.size(); ++q) {
    auto& entries = run.by_query
                        .emplace_hint(run.by_query.end(), std::string(fused.query_ids[q]),
                                      std::vector<RunEntry>{})
                        ->second;
    const auto slice = fused.query(q);
    entries.reserve(slice.size());
    for (const FusedEntry& e : slice) entries.push_back({std::string(e.docno), e.score});
  }
  return run;
}

}  // namespace embeval
