// Hubness of a k-nearest-neighbour graph (Radovanovic, Nanopoulos & Ivanovic, "Hubs in space",
// JMLR 11, 2010). Over n points, each with its list of at most k neighbours among the others:
//  * N_k(x), the k-occurrence of x: how many lists hold x.
//  * skewness: the third standardised moment of N_k over the n points,
//      S = (1/n) sum (N_k(x) - m)^3 / ((1/n) sum (N_k(x) - m)^2)^(3/2),  m = mean of N_k,
//    population moments (the paper's E(N_k - mu)^3 / sigma^3). 0 when every N_k is equal. A
//    skewness well above 0 means a few points ("hubs") sit in many lists.
//  * antihub share: share of points with N_k = 0, never anyone's neighbour.
//  * max occurrence and the hubs: the points with the largest N_k (ties to the smaller id).
// Lists use SearchResults' layout (core/index.h): row q holds point q's neighbours, -1 = none;
// when every list is full m = k. Moments are summed in double. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "embeval/core/index.h"

namespace embeval {

struct Hubness {
  std::size_t points = 0;  // n
  std::size_t k = 0;       // list length asked for
  double mean_occurrence = 0;
  double skewness = 0;
  double antihub_share = 0;
  std::size_t max_occurrence = 0;
  // (point id, N_k), largest N_k first, ties to the smaller id: up to `top` of them.
  std::vector<std::pair<std::int64_t, std::size_t>> hubs;
};

// N_k of every point 0 .. lists.num_queries - 1. Every id in `lists` must be -1 or a point
// (EMBEVAL_CHECK).
[[nodiscard]] std::vector<std::size_t> k_occurrence(const SearchResults& lists);

// The third standardised moment of `values` (population); 0 when fewer than 2 values or the
// variance is 0.
[[nodiscard]] double skewness(const std::vector<std::size_t>& values);

// Hubness of the graph whose row q lists point q's neighbours among the same points; `top`
// hubs are kept.
[[nodiscard]] Hubness hubness(const SearchResults& lists, std::size_t top = 5);

}  // namespace embeval
