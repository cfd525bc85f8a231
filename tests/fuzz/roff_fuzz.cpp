// parse_man_page (man and mdoc roff, already decompressed) and find_man_references. The parser is
// documented never to throw; InputError is still tolerated here (refusing a page that expands
// beyond reason is a fair fix for a memory bomb), anything else is a failure.
#include "embeval/roff.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  fuzz::expect_success_or_input_error([&] {
    const RoffPage page = parse_man_page(fuzz::as_text(data, size));
    (void)find_man_references(page.body);
  });
  return 0;
}
