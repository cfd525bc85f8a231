// read_jsonl (BEIR corpus.jsonl / queries.jsonl lines): with ids required and invalid UTF-8
// refused, then with ids optional and invalid UTF-8 repaired as load_beir does.
#include <string>

#include "embeval/io/jsonl.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto path = fuzz::write_scratch_file("corpus.jsonl", fuzz::as_text(data, size));
  auto touch_fields = [](const JsonlRecord& r) {
    (void)r.id();
    (void)r.string_field("title");
    (void)r.string_field("text");
    (void)r.string_field("");
  };
  fuzz::expect_success_or_input_error([&] {
    JsonlOptions strict;
    strict.show_progress = false;
    (void)read_jsonl(path, touch_fields, strict);
  });
  fuzz::expect_success_or_input_error([&] {
    JsonlOptions lenient;
    lenient.show_progress = false;
    lenient.require_id = false;
    lenient.on_invalid_utf8 = [](std::string& line, std::size_t) {
      for (char& c : line) {
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
      }
    };
    (void)read_jsonl(path, touch_fields, lenient);
  });
  return 0;
}
