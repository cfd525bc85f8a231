// read_qrels: TREC "qid iter docno rel" and BEIR TSV with a header (detected from line 1).
#include "embeval/eval/qrels.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto path = fuzz::write_scratch_file("qrels.txt", fuzz::as_text(data, size));
  fuzz::expect_success_or_input_error([&] {
    const Qrels q = read_qrels(path);
    std::size_t n = 0;
    for (const auto& [qid, docs] : q.judgments) n += docs.size();
    fuzz::require(n == q.num_judgments(), "num_judgments() disagrees with the map");
  });
  return 0;
}
