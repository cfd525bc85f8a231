// How fast a model encodes and how much memory it takes doing so (`inspect --dataset`): one timed
// encode() of a sample after a warm-up, with the process's peak resident set size over that call.
// The encoder is used from the calling thread only (Encoder is not thread-safe); peak memory is
// the whole process's, so run nothing else meanwhile.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "embeval/core/encoder.h"

namespace embeval {

// Runs `encoder` once on a short text: llama.cpp allocates its compute graph and threads on first
// use, which a timed call must not pay. Call it before measure_encode_throughput and before
// resetting an encoder's own counters.
void warm_up_encoder(Encoder& encoder);

struct EncodeThroughput {
  std::size_t texts = 0;           // texts encoded
  double seconds = 0;              // wall time of the encode() call
  std::size_t peak_rss_bytes = 0;  // process high-water mark since just before the call
  std::size_t dimension = 0;       // dense columns of the result; 0 for a model without them
  double texts_per_s() const { return seconds > 0 ? double(texts) / seconds : 0.0; }
};

// Resets the peak RSS mark, encodes `texts` in one call for `role` and measures it. A
// corpus-fitted encoder must be fitted first.
[[nodiscard]] EncodeThroughput measure_encode_throughput(Encoder& encoder,
                                                         std::span<const std::string_view> texts,
                                                         Role role);

}  // namespace embeval
