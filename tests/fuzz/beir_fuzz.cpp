// load_beir over a whole dataset folder. One input holds three files separated by the byte 0x1e
// (ASCII record separator): corpus.jsonl, queries.jsonl, qrels/test.tsv.
#include "embeval/dataset/dataset.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto [corpus, rest] = fuzz::split_once(fuzz::as_text(data, size), "\x1e");
  const auto [queries, qrels] = fuzz::split_once(rest, "\x1e");
  fuzz::write_scratch_file("beir/corpus.jsonl", corpus);
  fuzz::write_scratch_file("beir/queries.jsonl", queries);
  fuzz::write_scratch_file("beir/qrels/test.tsv", qrels);
  for (Utf8Policy policy : {Utf8Policy::kReplace, Utf8Policy::kReject}) {
    fuzz::expect_success_or_input_error([&] {
      BeirLoadOptions options;
      options.show_progress = false;
      options.utf8 = policy;
      const Dataset d = load_beir(fuzz::scratch_dir() / "beir", options);
      // What the loader promises: queries and judgments only for known ids.
      for (const auto& [qid, docs] : d.qrels.judgments) {
        bool known = false;
        for (const auto& q : d.queries) known = known || q.id == qid;
        fuzz::require(known, "qrels name a query the dataset does not hold");
      }
    });
  }
  return 0;
}
