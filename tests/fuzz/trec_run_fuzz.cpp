// read_run (TREC run files), then write_run + read_run: what was read must come back the same.
#include <algorithm>

#include "embeval/eval/run.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto path = fuzz::write_scratch_file("run.txt", fuzz::as_text(data, size));
  fuzz::expect_success_or_input_error([&] {
    const TrecRun run = read_run(path);
    const auto copy = fuzz::scratch_dir() / "run-copy.txt";
    write_run(copy, run);
    const TrecRun again = read_run(copy);
    fuzz::require(again.by_query.size() == run.by_query.size(), "query count changed on rewrite");
    for (const auto& [qid, entries] : run.by_query) {
      const auto it = again.by_query.find(qid);
      fuzz::require(it != again.by_query.end(), "a query vanished on rewrite");
      fuzz::require(it->second.size() == entries.size(), "entry count changed on rewrite");
    }
  });
  return 0;
}
