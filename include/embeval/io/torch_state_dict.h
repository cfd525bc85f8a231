// PyTorch state dicts as torch.save writes them (the zip format, torch >= 1.6), read without
// Python: BGE-M3 ships its sparse and multi-vector heads this way (sparse_linear.pt,
// colbert_linear.pt), and embeval applies them to llama.cpp's per-token hidden states.
//
// A .pt file is a zip archive holding ARCHIVE/data.pkl (a pickle of an OrderedDict of tensors),
// ARCHIVE/data/<key> (each storage's raw little-endian bytes) and ARCHIVE/version. Pickle can
// call any Python function, so the reader runs only the opcode subset torch.save emits (protocols
// 2 to 4) and only these globals: collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// torch._utils._rebuild_parameter and torch.<Type>Storage for Float, Half, BFloat16, Double,
// Long, Int, Short, Char, Byte and Bool. Anything else (a class, os.system, ...) is refused with
// an InputError naming it, never executed: loading an untrusted file is safe.
//
// Tensors come back contiguous in C order (strides and storage offsets applied, so a transposed
// or sliced tensor reads as torch shows it) and converted to float32: exact for float16,
// bfloat16 and integers up to 2^24 in magnitude; float64 is rounded to nearest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embeval {

struct TorchTensor {
  std::vector<std::int64_t> shape;  // empty for a scalar
  std::vector<float> values;        // product(shape) values, row-major
  std::string dtype;                // as torch names it: "float32", "float16", "bfloat16", ...
};

struct TorchStateDict {
  std::filesystem::path file;  // where it was read from, for error messages
  std::vector<std::pair<std::string, TorchTensor>> tensors;  // in the file's order

  // The tensor named `name`; throws InputError naming the file and the names it holds.
  [[nodiscard]] const TorchTensor& at(std::string_view name) const;
};

// Throws InputError naming the file for: a missing or unreadable file, not a zip archive, no
// */data.pkl, a pickle that is truncated or uses an opcode or global outside the subset above,
// a top-level object that is not a dict of tensors, a storage entry missing from the archive or
// of another size than its element count says, strides reaching outside their storage.
[[nodiscard]] TorchStateDict read_torch_state_dict(const std::filesystem::path& path);

}  // namespace embeval
