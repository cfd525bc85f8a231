// Hybrid model specs: `hybrid:METHOD(SPEC1,SPEC2,...)?key=value&...`, a fusion of the runs of
// other models (docs/fusion.md, "Hybrid models in eval"). Examples:
//   hybrid:rrf(bm25,gguf:m.gguf)?k=60
//   hybrid:wsum(bm25,static:w.bin)?norm=minmax&weights=0.3,0.7&depth=1000
//   hybrid:wsum(bm25,static:w.bin)?cv=5          weights tuned by 5-fold cross-validation
//   hybrid:wsum(bm25,static:w.bin)?tune=dev      weights tuned on the qrels of split dev
// Keys: k (rrf), norm (wsum, combsum, combmnz), weights (one per component, comma separated),
// depth (documents read per component run and query; 0 = all), cv (folds, >= 2: tune weights,
// and k for rrf, on the other folds' queries), tune (a qrels split of the same dataset, other
// than the one evaluated: tune weights, and k for rrf, on its queries; eval --tune-on SPLIT). A
// component's spec is written as for --model; a comma inside one is written %2C. The canonical form
// (to_string) names every setting that changes the result, keys sorted, so parse(to_string()) ==
// the same spec. Plain values; no state; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/fusion/fuse_runs.h"

namespace embeval {

struct HybridSpec {
  FusionOptions fusion;                 // method, norm, weights, rrf_k, depth (top: the caller's)
  std::vector<std::string> components;  // component model specs, in order (at least 2)
  std::size_t cv_folds = 0;             // 0: fixed settings; >= 2: tuned by cross-validation
  std::string tune_split;               // "": fixed settings (or cv); else tuned on this split
  bool rrf_k_given = false;             // k was written in the spec (not the default)

  // Throws InputError naming the spec for anything malformed: no "hybrid:" prefix, unbalanced
  // parentheses, fewer than 2 components, a hybrid inside a hybrid, an unknown key or method, a
  // bad value, options check_fusion_options() refuses, weights or k given together with cv or
  // tune, cv together with tune, a tune value that is not a plain split name.
  static HybridSpec parse(std::string_view text);
  std::string to_string() const;
};

// True when `text` is a hybrid spec (starts with "hybrid:"), which the encoder registry does
// not build: the eval pipeline fuses its components' runs instead.
[[nodiscard]] bool is_hybrid_spec(std::string_view text);

}  // namespace embeval
