// Optional capability of an Encoder that is paid per token (a hosted API): what it has cost so
// far, in requests and input tokens, for the cost columns of `eval` and results.json. Tokens are
// the server's own count (usage.prompt_tokens) where it reports one, and an estimate otherwise;
// the two are kept apart so that a report can say which it shows. Thread-safety: usage() may be
// called while the encoder works (implementations lock).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

namespace embeval {

struct ApiUsage {
  std::size_t requests = 0;              // HTTP requests sent, retries included
  std::size_t retries = 0;               // of which were retries
  std::size_t texts = 0;                 // texts embedded
  std::size_t reported_tokens = 0;       // usage.prompt_tokens summed over answers that had it
  std::size_t estimated_tokens = 0;      // estimates for the texts of answers without usage
  std::size_t unreported_requests = 0;   // successful answers without usage
  std::optional<double> price_per_mtok;  // USD per million input tokens, when the spec gives it

  [[nodiscard]] std::size_t tokens() const { return reported_tokens + estimated_tokens; }
};

// The token estimate used where no server count exists (batching requests, the cost of answers
// without usage, the mean document length of a corpus read from the cache): one token per 4
// bytes of UTF-8, rounded up (OpenAI's rule of thumb for English text), at least 1.
[[nodiscard]] inline std::size_t estimate_tokens(std::string_view text) {
  return std::max<std::size_t>(1, (text.size() + 3) / 4);
}

class MeteredEncoder {
 public:
  virtual ~MeteredEncoder() = default;
  [[nodiscard]] virtual ApiUsage usage() const = 0;
};

}  // namespace embeval
