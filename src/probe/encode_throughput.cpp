#include "embeval/probe/encode_throughput.h"

#include <vector>

#include "embeval/util/memory_usage.h"
#include "embeval/util/stopwatch.h"

namespace embeval {

void warm_up_encoder(Encoder& encoder) {
  const std::vector<std::string_view> warm = {"warm up"};
  (void)encoder.encode(warm, Role::kDocument);
}

EncodeThroughput measure_encode_throughput(Encoder& encoder,
                                           std::span<const std::string_view> texts, Role role) {
  EncodeThroughput m;
  m.texts = texts.size();
  reset_peak_rss();
  const Stopwatch start;
  const EmbeddingBatch batch = encoder.encode(texts, role);
  m.seconds = start.seconds();
  m.peak_rss_bytes = peak_rss_bytes();
  m.dimension = batch.dense ? batch.dense->cols : 0;
  return m;
}

}  // namespace embeval
