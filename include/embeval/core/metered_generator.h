// Optional capability of a Generator that is paid per token (a hosted chat API): what it has
// cost so far, in requests and prompt and completion tokens, for the cost lines of `embeval
// judge` (and any other command that generates). Tokens are the server's counts
// (usage.prompt_tokens, usage.completion_tokens) where it reports them, estimates otherwise
// (estimate_tokens, metered_encoder.h); estimated ones are counted apart. Thread-safety: usage()
// may be called from any thread (implementations lock).
#pragma once

#include <cstddef>
#include <optional>

namespace embeval {

struct GeneratorUsage {
  std::size_t requests = 0;                  // HTTP requests sent, retries included
  std::size_t retries = 0;                   // of which were retries
  std::size_t answers = 0;                   // generate() calls answered
  std::size_t prompt_tokens = 0;             // server-reported or estimated (see estimated_answers)
  std::size_t completion_tokens = 0;         // likewise
  std::size_t estimated_answers = 0;         // answers without a usage object (tokens estimated)
  std::optional<double> price_per_mtok_in;   // USD per million prompt tokens, when given
  std::optional<double> price_per_mtok_out;  // USD per million completion tokens, when given

  // USD for the tokens so far; empty unless both prices are known.
  [[nodiscard]] std::optional<double> cost_usd() const {
    if (!price_per_mtok_in || !price_per_mtok_out) return std::nullopt;
    return (static_cast<double>(prompt_tokens) * *price_per_mtok_in +
            static_cast<double>(completion_tokens) * *price_per_mtok_out) /
           1e6;
  }
};

class MeteredGenerator {
 public:
  virtual ~MeteredGenerator() = default;
  [[nodiscard]] virtual GeneratorUsage usage() const = 0;
};

}  // namespace embeval
