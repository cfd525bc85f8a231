// NumPy .npy files: the interchange format for embeddings and search results.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
// Reading accepts C-order (fortran_order False) 2-D arrays of little-endian float32 ('<f4') or
// float16 ('<f2', converted to float32), header versions 1.0, 2.0 and 3.0. A 1-D array is
// rejected (is it one vector or n scalars? the hint says how to reshape). Every error is an
// InputError naming the file and saying what is accepted.
//
// Writing produces version 1.0 files (2.0 when the header is too long), header padded to a
// multiple of 64 bytes like numpy does, through AtomicFileWriter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "embeval/core/embeddings.h"

namespace embeval {

struct NpyReadOptions {
  // Reject NaN and +-inf values (the error names the first bad row, 0-based like numpy).
  bool require_finite = true;
};

// Reads a 2-D float32/float16 .npy file into a `rows x cols` row-major float32 matrix.
// Throws InputError for: a missing/unreadable file, bad magic, unsupported version,
// fortran_order True, another dtype or byte order, a shape that is not 2-D or has 0 columns,
// a file shorter or longer than the header says, and (by default) non-finite values.
[[nodiscard]] DenseMatrix read_npy_matrix(const std::filesystem::path& path,
                                          const NpyReadOptions& options = {});

// Writes `rows x cols` row-major values as '<f4' / '<i8'. `data` holds rows * cols values.
// Throws InputError when the file cannot be written.
void write_npy_f32(const std::filesystem::path& path, const float* data, std::size_t rows,
                   std::size_t cols);
void write_npy_i64(const std::filesystem::path& path, const std::int64_t* data, std::size_t rows,
                   std::size_t cols);
inline void write_npy(const std::filesystem::path& path, const DenseMatrix& matrix) {
  write_npy_f32(path, matrix.data.data(), matrix.rows, matrix.cols);
}

// IEEE 754 binary16 bits -> float32 (exact; subnormals, inf and NaN preserved).
[[nodiscard]] float half_to_float(std::uint16_t bits);

}  // namespace embeval
