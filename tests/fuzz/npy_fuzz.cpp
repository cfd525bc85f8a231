// read_npy_matrix: float32 and float16 2-D arrays, header versions 1-3, finite values required.
#include <cmath>

#include "embeval/io/npy.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace embeval;
  const auto path = fuzz::write_scratch_file("x.npy", fuzz::as_text(data, size));
  fuzz::expect_success_or_input_error([&] {
    const DenseMatrix m = read_npy_matrix(path);
    fuzz::require(m.data.size() == m.rows * m.cols, "matrix size differs from its shape");
    for (float v : m.data) fuzz::require(std::isfinite(v), "a non-finite value was accepted");
  });
  return 0;
}
