// build_manpages_dataset over a man tree of two pages: the input holds man1/a.1 and man8/b.8
// separated by the byte 0x1e; a page starting with the gzip magic is stored as .gz, so the
// inflate path (zlib, all members), the parser threads and the dataset assembly are all fuzzed.
#include "embeval/dataset/manpages.h"
#include "fuzz/fuzz_target.h"

namespace {
std::string page_name(std::string_view base, std::string_view content) {
  const bool gzip = content.size() >= 2 && content[0] == '\x1f' && content[1] == '\x8b';
  return std::string(base) + (gzip ? ".gz" : "");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto [first, second] = fuzz::split_once(fuzz::as_text(data, size), "\x1e");
  fuzz::clear_scratch_dir();
  fuzz::write_scratch_file("man/man1/" + page_name("a.1", first), first);
  if (!second.empty()) fuzz::write_scratch_file("man/man8/" + page_name("b.8", second), second);
  fuzz::expect_success_or_input_error([&] {
    ManPagesOptions options;
    options.man_dir = fuzz::scratch_dir() / "man";
    options.threads = 2;
    options.show_progress = false;
    ManPagesReport report;
    const Dataset d = build_manpages_dataset(options, &report);
    fuzz::require(d.corpus.size() == report.parsed, "corpus size differs from the report");
    fuzz::require(d.corpus.size() <= 2, "more documents than pages");
  });
  return 0;
}
