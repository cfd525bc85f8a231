// Fusion of TREC runs (`embeval fuse`, hybrid models): several runs' lists for a query combined
// into one ranking, with the methods and normalisations ranx, MTEB and Qdrant name
// (docs/fusion.md has every formula and its source).
//
// Order: each run's list for a query is ranked the trec_eval way (score descending compared as a
// float, as trec_eval stores it; ties by document id descending, byte order) and cut to its first
// `depth` documents; r is the 1-based position in that list. The fused list is ordered the same
// way (fused score compared as a float, so sums that are equal but for the last bits of a double
// still tie and fall to the document id) and cut to `top`. Queries: the union over the runs.
//
// Layout: FusedRun keeps, per query in query-id order, a contiguous slice of entries. Its
// string_views point into the input runs' strings: the input runs must outlive the FusedRun.
// fuse_runs keeps no state between calls and is safe to call concurrently on shared const runs.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/eval/run.h"
#include "embeval/fusion/score_normalization.h"

namespace embeval {

enum class FusionMethod { wsum, combsum, combmnz, rrf, dbsf_mteb, dbsf_qdrant, rsf };

// "wsum", "combsum", "combmnz", "rrf", "dbsf-mteb", "dbsf-qdrant", "rsf"; else InputError.
[[nodiscard]] FusionMethod parse_fusion_method(std::string_view name);
[[nodiscard]] std::string_view fusion_method_name(FusionMethod method);
[[nodiscard]] std::string fusion_method_names();  // comma separated, for --help and errors
// True for wsum, combsum and combmnz, the methods that apply FusionOptions::norm; rrf, dbsf-*
// and rsf bring their own and ignore it.
[[nodiscard]] bool fusion_method_uses_norm(FusionMethod method);
// True for the methods that take one weight per run (wsum, rrf, dbsf-*, rsf).
[[nodiscard]] bool fusion_method_uses_weights(FusionMethod method);

struct FusionOptions {
  FusionMethod method = FusionMethod::rrf;
  ScoreNormalization norm = ScoreNormalization::minmax;  // ranx's default; wsum/combsum/combmnz
  std::vector<double> weights;  // empty: 1 per run; else exactly one finite weight per run
  double rrf_k = 60.0;          // rrf: sum_i w_i / (k + r_i); Cormack et al.'s 60
  std::size_t depth = 0;        // documents read from each run's list per query; 0 = all
  std::size_t top = 1000;       // documents kept per query in the fused run; 0 = all
};

// Throws InputError for options that cannot apply to `run_count` runs: fewer than 2 runs, a
// weight count other than run_count, weights given to combsum/combmnz, a non-finite weight, or
// k <= 0 / non-finite.
void check_fusion_options(const FusionOptions& options, std::size_t run_count);

struct FusedEntry {
  std::string_view docno;  // points into an input run
  double score = 0.0;
};

struct FusedRun {
  std::vector<std::string_view> query_ids;  // ascending; points into the input runs
  std::vector<std::size_t> offsets;         // query q's entries: [offsets[q], offsets[q + 1])
  std::vector<FusedEntry> entries;          // per query in the fused order, at most `top`

  [[nodiscard]] std::span<const FusedEntry> query(std::size_t q) const& {
    return {entries.data() + offsets[q], offsets[q + 1] - offsets[q]};
  }
  // A view into a temporary would dangle at the end of the statement.
  std::span<const FusedEntry> query(std::size_t q) const&& = delete;
};

// Fuses `runs` (at least 2) per FusionOptions; checks the options first. Throws InputError when
// a run lists a document twice for one query or a fused score is not finite (scores too large
// for the normalisation's arithmetic).
[[nodiscard]] FusedRun fuse_runs(std::span<const TrecRun* const> runs,
                                 const FusionOptions& options);

// The fused run as a TrecRun (copies the strings), e.g. for write_run or evaluate().
[[nodiscard]] TrecRun to_trec_run(const FusedRun& fused, std::string tag);

}  // namespace embeval
