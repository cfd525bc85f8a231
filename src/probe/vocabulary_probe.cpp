#include "embeval/probe/vocabulary_probe.h"

#include "embeval/util/memory_usage.h"
#include "embeval/util/stopwatch.h"

namespace embeval {

VocabularyProbe probe_vocabulary(Encoder& encoder, std::span<const std::string_view> documents,
                                 std::span<const std::string_view> queries) {
  VocabularyProbe probe;
  if (auto* fitted = dynamic_cast<CorpusFittedEncoder*>(&encoder)) {
    const Stopwatch start;
    fitted->fit(documents);
    probe.fit_seconds = start.seconds();
  }
  reset_peak_rss();
  probe.documents = measure_coverage(encoder, documents, Role::kDocument);
  probe.queries = measure_coverage(encoder, queries, Role::kQuery);
  probe.peak_rss_bytes = peak_rss_bytes();
  return probe;
}

}  // namespace embeval
