#include "embeval/index/inverted_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "embeval/core/error.h"
#include "embeval/core/topk.h"
#include "embeval/util/parallel_for.h"

namespace embeval {
namespace {

constexpr std::uint32_t kEnd = std::numeric_limits<std::uint32_t>::max();

// Slack for comparing a bound with the threshold: bounds and scores are summed in different
// orders, so equal real numbers may differ in the last bits. Pruning only below the slack keeps
// the result exact.
double slack(double threshold) { return 1e-9 * std::max(1.0, std::abs(threshold)); }

}  // namespace

InvertedIndex::InvertedIndex(Strategy strategy, int threads)
    : strategy_(strategy), threads_(threads > 0 ? threads : 0) {}

void InvertedIndex::add(const EmbeddingBatch& documents) {
  if (!documents.sparse) {
    throw InputError("the inverted index needs sparse document embeddings", {}, 0,
                     "use a sparse model (bm25) or a dense index");
  }
  const SparseMatrix& m = *documents.sparse;
  if (lists_.size() < m.dim) lists_.resize(m.dim);
  for (std::size_t r = 0; r < m.rows; ++r) {
    const auto ids = m.row_indices(r);
    const auto values = m.row_values(r);
    const auto doc = static_cast<std::uint32_t>(num_documents_ + r);
    for (std::size_t j = 0; j < ids.size(); ++j) {
      if (!std::isfinite(values[j]) || values[j] < 0) {
        throw InputError("sparse document " + std::to_string(doc) + " has weight " +
                             std::to_string(values[j]) + " for term " + std::to_string(ids[j]),
                         {}, 0, "the inverted index needs finite, non-negative weights");
      }
      PostingList& list = lists_[ids[j]];
      list.docs.push_back(doc);
      list.weights.push_back(values[j]);
      list.max_weight = std::max(list.max_weight, values[j]);
    }
  }
  num_documents_ += m.rows;
  EMBEVAL_CHECK(num_documents_ < kEnd, "inverted index: too many documents for 32-bit ids");
}

void InvertedIndex::search_one(std::span<const std::uint32_t> terms, std::span<const float> weights,
                               std::size_t k, std::int64_t* ids, float* scores) const {
  // Scores are ranked in double (as summed) and rounded to float on output. The TopK never needs
  // more room than there are documents, whatever k is; the rest of the row stays padding.
  // MaxScore prunes with the threshold, so its TopK compacts after k/4 + 1 kept candidates
  // rather than k (a tighter threshold for O(k) per compaction; bench/bm25_bench.cpp).
  const std::size_t k_search = std::min(k, num_documents_);
  TopK<double> top(k_search, strategy_ == Strategy::kMaxScore ? k_search + k_search / 4 + 1 : 0);
  // Query terms with postings, in query order (the order every score is summed in).
  struct Cursor {
    const PostingList* list;
    double query_weight;
    double upper_bound;  // query weight x largest document weight
    std::size_t position = 0;
    std::size_t query_order;  // index among the query's terms
    std::uint32_t doc() const { return position < list->docs.size() ? list->docs[position] : kEnd; }
  };
  std::vector<Cursor> cursors;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i] >= lists_.size() || lists_[terms[i]].docs.empty() || weights[i] == 0) continue;
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      throw InputError("query term " + std::to_string(terms[i]) + " has weight " +
                       std::to_string(weights[i]) +
                       "; the inverted index needs finite, non-negative weights");
    }
    const PostingList& list = lists_[terms[i]];
    cursors.push_back(
        {&list, weights[i], static_cast<double>(weights[i]) * list.max_weight, 0, cursors.size()});
  }
  std::vector<double> contribution(cursors.size(), 0.0);  // by query order
  const auto canonical_score = [&](std::vector<std::size_t>& touched) {
    std::sort(touched.begin(), touched.end());
    double s = 0.0;
    for (std::size_t q : touched) {
      s += contribution[q];
      contribution[q] = 0.0;
    }
    touched.clear();
    return s;
  };
  std::vector<std::size_t> touched;

  if (strategy_ == Strategy::kExhaustive) {
    // Accumulate every posting, term by term in query order: the reference result.
    std::vector<double> acc(num_documents_, 0.0);
    std::vector<char> seen(num_documents_, 0);
    std::vector<std::uint32_t> docs;
    for (const Cursor& c : cursors) {
      for (std::size_t p = 0; p < c.list->docs.size(); ++p) {
        const std::uint32_t d = c.list->docs[p];
        acc[d] += c.query_weight * c.list->weights[p];
        if (!seen[d]) {
          seen[d] = 1;
          docs.push_back(d);
        }
      }
    }
    std::sort(docs.begin(), docs.end());
    for (std::uint32_t d : docs) top.push(acc[d], d);
    top.take_sorted(ids, scores);
    return;
  }

  // MaxScore: lists sorted by upper bound; a prefix whose bounds sum to at most the threshold
  // is "non-essential" (a document only there cannot enter the top k) and is only probed for
  // candidates found in the essential lists.
  std::vector<Cursor*> by_bound;
  for (auto& c : cursors) by_bound.push_back(&c);
  std::sort(by_bound.begin(), by_bound.end(),
            [](const Cursor* a, const Cursor* b) { return a->upper_bound < b->upper_bound; });
  std::vector<double> prefix_bound(by_bound.size());
  double running = 0.0;
  for (std::size_t i = 0; i < by_bound.size(); ++i) {
    running += by_bound[i]->upper_bound;
    prefix_bound[i] = running;
  }
  std::size_t first_essential = 0;
  while (true) {
    // The threshold lags behind the true k-th best (it is -inf until TopK first compacts), so
    // pruning with it is safe; it only prunes a little later than the tightest bound would.
    if (const double t = top.threshold(); t > -std::numeric_limits<double>::infinity()) {
      while (first_essential < by_bound.size() && prefix_bound[first_essential] < t - slack(t)) {
        ++first_essential;
      }
    }
    if (first_essential == by_bound.size()) break;
    std::uint32_t d = kEnd;
    for (std::size_t i = first_essential; i < by_bound.size(); ++i)
      d = std::min(d, by_bound[i]->doc());
    if (d == kEnd) break;
    double partial = 0.0;
    for (std::size_t i = first_essential; i < by_bound.size(); ++i) {
      Cursor& c = *by_bound[i];
      if (c.doc() == d) {
        const double v = c.query_weight * c.list->weights[c.position];
        contribution[c.query_order] = v;
        touched.push_back(c.query_order);
        partial += v;
        ++c.position;
      }
    }
    bool pruned = false;
    for (std::size_t j = first_essential; j-- > 0;) {
      const double t = top.threshold();
      if (t > -std::numeric_limits<double>::infinity() &&
          partial + prefix_bound[j] < t - slack(t)) {
        pruned = true;
        break;
      }
      Cursor& c = *by_bound[j];
      const auto& docs = c.list->docs;
      c.position = static_cast<std::size_t>(
          std::lower_bound(docs.begin() + static_cast<std::ptrdiff_t>(c.position), docs.end(), d) -
          docs.begin());
      if (c.doc() == d) {
        const double v = c.query_weight * c.list->weights[c.position];
        contribution[c.query_order] = v;
        touched.push_back(c.query_order);
        partial += v;
        ++c.position;
      }
    }
    if (pruned) {
      for (std::size_t q : touched) contribution[q] = 0.0;
      touched.clear();
      continue;
    }
    top.push(canonical_score(touched), d);
  }
  top.take_sorted(ids, scores);
}

SearchResults InvertedIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  if (!queries.sparse) {
    throw InputError("the inverted index needs sparse query embeddings");
  }
  const SparseMatrix& q = *queries.sparse;
  SearchResults results(q.rows, k);
  if (k == 0) return results;
  parallel_for(q.rows, static_cast<std::size_t>(threads_), [&](std::size_t i, std::size_t) {
    search_one(q.row_indices(i), q.row_values(i), k, results.ids.data() + i * k,
               results.scores.data() + i * k);
  });
  return results;
}

PostingStatistics InvertedIndex::statistics() const {
  PostingStatistics s;
  s.documents = num_documents_;
  for (const auto& list : lists_) {
    if (list.docs.empty()) continue;
    ++s.terms_with_postings;
    s.postings += list.docs.size();
    s.longest_list = std::max(s.longest_list, list.docs.size());
  }
  s.average_terms_per_document =
      num_documents_ > 0 ? static_cast<double>(s.postings) / static_cast<double>(num_documents_)
                         : 0;
  s.bytes = memory_bytes();
  return s;
}

std::size_t InvertedIndex::memory_bytes() const {
  std::size_t bytes = lists_.capacity() * sizeof(PostingList);
  for (const auto& list : lists_) {
    bytes += list.docs.capacity() * sizeof(std::uint32_t) + list.weights.capacity() * sizeof(float);
  }
  return bytes;
}

}  // namespace embeval
