// Index spec strings: canonical_index_spec must be idempotent, and an accepted spec must build an
// index that takes a small corpus and answers a search (or refuses the data with InputError).
#include <cmath>

#include "embeval/ann/index_registry.h"
#include "fuzz/fuzz_target.h"

namespace {
embeval::EmbeddingBatch small_batch(std::size_t rows, std::size_t dim, std::uint32_t salt) {
  embeval::DenseMatrix m(rows, dim);
  std::uint32_t x = 2463534242u ^ salt;  // xorshift32: fixed data, no dependence on the input
  for (float& v : m.data) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = static_cast<float>(x % 2001) / 1000.0f - 1.0f;
  }
  embeval::EmbeddingBatch b;
  b.dense = std::move(m);
  return b;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  fuzz::expect_success_or_input_error([&] {
    const ModelSpec canonical = canonical_index_spec(fuzz::as_text(data, size));
    fuzz::require(canonical_index_spec(canonical.to_string()) == canonical,
                  "canonical_index_spec is not idempotent");
    const auto index = make_ann_index(canonical.to_string(), Metric::kCosine, 1);
    index->add(small_batch(256, 16, 1));
    const SearchResults r = index->search(small_batch(4, 16, 2), 10);
    fuzz::require(r.ids.size() == 40 && r.scores.size() == 40, "results have the wrong shape");
  });
  return 0;
}
