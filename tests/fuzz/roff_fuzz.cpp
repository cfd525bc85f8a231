// parse_man_page (man and mdoc roff, already decompressed) and find_man_references. The parser
// throws only RoffLimitError (a page whose strings or text outgrow roff.h's limits, which the
// dataset builder turns into a skipped page); anything else is a failure.
#include "embeval/dataset/roff.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  fuzz::expect_success_or_input_error([&] {
    try {
      const RoffPage page = parse_man_page(fuzz::as_text(data, size));
      (void)find_man_references(page.body);
    } catch (const RoffLimitError&) {
      // bounded refusal, documented in roff.h
    }
  });
  return 0;
}
