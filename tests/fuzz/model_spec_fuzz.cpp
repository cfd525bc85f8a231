// Model spec strings: ModelSpec::parse must round-trip through to_string, check_model_spec must
// accept or refuse with InputError, and make_encoder must build any accepted file-less spec.
#include "embeval/core/model_spec.h"
#include "embeval/models/registry.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  fuzz::expect_success_or_input_error([&] {
    const ModelSpec spec = ModelSpec::parse(fuzz::as_text(data, size));
    fuzz::require(ModelSpec::parse(spec.to_string()) == spec, "parse(to_string(s)) != s");
    (void)spec_label(spec);
    const std::string canonical = check_model_spec(spec);
    // Specs naming a file are left out: a mutant could name any file of the machine.
    if (spec.path.empty()) {
      const auto encoder = make_encoder(spec);
      fuzz::require(encoder->spec() == canonical,
                    "the built encoder's spec is not the checked one");
    }
  });
  return 0;
}
