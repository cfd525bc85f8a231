// Score normalisations applied to one run's ranked list for one query before fusion, as ranx
// defines them (docs/fusion.md has every formula and its source). Each function takes the list's
// scores in rank order (index 0 = rank 1, after the depth cut) and rewrites them in place; they
// keep no state and are safe to call from any thread. The guards (1e-9) are ranx's: a list whose
// scores are all equal normalises to 0 (minmax, sum, zmuv) instead of dividing by zero.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace embeval {

enum class ScoreNormalization { none, minmax, max, sum, zmuv, rank, borda };

// "none", "minmax", "max", "sum", "zmuv", "rank", "borda"; anything else throws InputError
// listing the accepted names.
[[nodiscard]] ScoreNormalization parse_score_normalization(std::string_view name);
[[nodiscard]] std::string_view score_normalization_name(ScoreNormalization norm);
// The accepted names, comma separated, for --help and error messages.
[[nodiscard]] std::string score_normalization_names();

// Rewrites `scores` (rank order, n = scores.size()) with `norm`. `candidates` is |C|, the number
// of distinct documents all fused runs list for the query; only borda uses it (listed document
// at 1-based rank r: 1 - (r-1)/|C|). Precondition: candidates >= scores.size() for borda.
void normalize_scores(ScoreNormalization norm, std::span<double> scores, std::size_t candidates);

// Borda's value for a candidate the run does not list: the mean of the points left over,
// 0.5 - (n-1)/(2|C|), n = the run's list length (0 when the run lacks the query).
[[nodiscard]] double borda_unlisted_score(std::size_t listed, std::size_t candidates);

// The normalisations that belong to a fusion method rather than to --norm:
// DBSF as MTEB computes it: population std; std < 1e-9 gives 0.5 everywhere, else
// clip((s - (mean - 3 std)) / (6 std), 0, 1).
void dbsf_mteb_normalize(std::span<double> scores);
// DBSF as Qdrant computes it: sample std (n-1); n = 1 or hi == lo gives 0.5, else
// (s - lo) / (hi - lo) with lo, hi = mean -/+ 3 std, not clipped.
void dbsf_qdrant_normalize(std::span<double> scores);
// Relative score fusion (Weaviate): min-max, 0.5 everywhere when max == min.
void rsf_normalize(std::span<double> scores);

}  // namespace embeval
