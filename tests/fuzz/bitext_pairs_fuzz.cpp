// read_bitext_tsv: the alignment probe's `source<TAB>target` pairs file.
#include "embeval/io/bitext_pairs.h"
#include "embeval/util/utf8.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto path = fuzz::write_scratch_file("pairs.tsv", fuzz::as_text(data, size));
  fuzz::expect_success_or_input_error([&] {
    const BitextPairs pairs = read_bitext_tsv(path);
    fuzz::require(pairs.sources.size() == pairs.targets.size() && pairs.size() >= 2,
                  "sides of different sizes or fewer than 2 pairs accepted");
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      fuzz::require(is_valid_utf8(pairs.sources[i]) && is_valid_utf8(pairs.targets[i]),
                    "invalid UTF-8 accepted");
      fuzz::require(pairs.sources[i].find_first_of("\t\n") == std::string::npos &&
                        pairs.targets[i].find_first_of("\t\n") == std::string::npos,
                    "a tab or line end inside a side");
    }
  });
  return 0;
}
