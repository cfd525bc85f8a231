#include "embeval/core/reranker.h"

namespace embeval {

ParamRule rerank_top_rule() {
  return {.key = "top",
          .type = ParamType::kInteger,
          .fallback = std::to_string(kDefaultRerankTop),
          .min = 1,
          .max = 100000,
          .help = "documents of each first-stage list re-scored; the rest keep their order below"};
}

std::size_t rerank_top(const ModelSpec& spec) {
  return static_cast<std::size_t>(spec.get_int("top", static_cast<long>(kDefaultRerankTop)));
}

}  // namespace embeval
