// One registry from spec schemes to encoder implementations. It feeds `--help` and the docs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/encoder.h"
#include "embeval/model_spec.h"

namespace embeval {

struct EncoderKind {
  std::string scheme;       // "bm25"
  std::string summary;      // one line for --help
  std::string parameters;   // "k1=0.9 b=0.4 analyzer=english"
};

// Every registered family, in a stable order.
const std::vector<EncoderKind>& encoder_kinds();

// Builds the encoder for `spec`. Throws InputError for an unknown scheme (listing the known
// ones), unknown parameters, or bad values.
std::unique_ptr<Encoder> make_encoder(const ModelSpec& spec);
inline std::unique_ptr<Encoder> make_encoder(std::string_view spec) {
  return make_encoder(ModelSpec::parse(spec));
}

}  // namespace embeval
