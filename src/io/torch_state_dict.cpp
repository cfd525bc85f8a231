#include "embeval/io/torch_state_dict.h"

#include <zip.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "embeval/core/error.h"
#include "embeval/io/npy.h"
#include "io/torch_pickle.h"

namespace embeval {
namespace {

using torch_pickle::TensorRef;
using torch_pickle::Value;
using Kind = Value::Kind;

constexpr std::uint64_t kMaxPickleBytes = 64u << 20;
// Deflate cannot expand more than ~1032:1, so a larger claimed size is a forged header.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what,
                       const std::string& hint = {}) {
  throw InputError(
      what, path.string(), 0,
      hint.empty() ? "expected a state dict saved by torch.save (torch >= 1.6)" : hint);
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ZipCloser>;

Archive open_archive(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, "no such file", "check the path");
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, error);
    const std::string reason = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    fail(path, "not a readable zip archive (" + reason + ")",
         "torch.save before torch 1.6 wrote a legacy format: re-save with "
         "_use_new_zipfile_serialization=True");
  }
  return Archive(archive);
}

// Reads entry `name` whole, after checking that its size is `expected` (when given) and
// plausible for its compression, so a forged header cannot make us allocate at will.
std::string read_entry(zip_t* archive, const std::filesystem::path& path, const std::string& name,
                       std::uint64_t expected, std::uint64_t limit) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive, name.c_str(), 0, &stat) != 0) fail(path, "the archive has no " + name);
  if (expected != std::numeric_limits<std::uint64_t>::max() && stat.size != expected) {
    fail(path, name + " holds " + std::to_string(stat.size) + " bytes, its tensor needs " +
                   std::to_string(expected));
  }
  if (stat.size > limit ||
      (stat.comp_method != ZIP_CM_STORE && stat.size / kMaxDeflateRatio > stat.comp_size)) {
    fail(path, name + " claims an implausible size (" + std::to_string(stat.size) + " bytes)");
  }
  zip_file_t* file = zip_fopen(archive, name.c_str(), 0);
  if (file == nullptr) fail(path, "cannot open " + name + ": " + zip_strerror(archive));
  std::string bytes(stat.size, '\0');
  const zip_int64_t got = zip_fread(file, bytes.data(), bytes.size());
  zip_fclose(file);
  if (got < 0 || static_cast<std::uint64_t>(got) != stat.size) {
    fail(path, name + " is truncated or corrupt");
  }
  return bytes;
}

// The folder every entry sits in (torch names it after the file: "archive/", "model/", ...).
std::string archive_prefix(zip_t* archive, const std::filesystem::path& path) {
  const zip_int64_t n = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const std::string name = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
    const std::size_t slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash) == "/data.pkl") {
      return name.substr(0, slash + 1);
    }
  }
  fail(path, "the archive holds no */data.pkl");
}

float element(const std::string& dtype, const unsigned char* p) {
  auto load = [p](auto value) {
    std::memcpy(&value, p, sizeof value);  // storages are little-endian, as this machine
    return value;
  };
  if (dtype == "float32") return load(float{});
  if (dtype == "float16") return half_to_float(load(std::uint16_t{}));
  if (dtype == "bfloat16") {
    const std::uint32_t bits = static_cast<std::uint32_t>(load(std::uint16_t{})) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  if (dtype == "float64") return static_cast<float>(load(double{}));
  if (dtype == "int64") return static_cast<float>(load(std::int64_t{}));
  if (dtype == "int32") return static_cast<float>(load(std::int32_t{}));
  if (dtype == "int16") return static_cast<float>(load(std::int16_t{}));
  if (dtype == "int8") return static_cast<float>(load(std::int8_t{}));
  return static_cast<float>(load(std::uint8_t{}));  // uint8, bool
}

// Gathers `tensor` from its storage bytes into C order, checking every index it can reach.
TorchTensor gather(const TensorRef& tensor, const std::string& bytes,
                   const std::filesystem::path& path, const std::string& name) {
  TorchTensor out;
  out.shape = tensor.shape;
  out.dtype = tensor.storage.dtype;
  std::int64_t count = 1;
  std::int64_t lowest = tensor.offset;
  std::int64_t highest = tensor.offset;
  for (std::size_t d = 0; d < tensor.shape.size(); ++d) {
    const std::int64_t size = tensor.shape[d];
    if (size < 0 || (size > 0 && count > std::numeric_limits<std::int64_t>::max() / size)) {
      fail(path, "tensor '" + name + "' has an impossible size");
    }
    count *= size;
    if (size == 0) continue;
    const std::int64_t reach = tensor.stride[d] * (size - 1);
    (reach < 0 ? lowest : highest) += reach;
  }
  if (count > 0 && (lowest < 0 || highest >= tensor.storage.numel)) {
    fail(path, "tensor '" + name + "' reaches outside its storage (" +
                   std::to_string(tensor.storage.numel) + " elements)");
  }
  out.values.resize(static_cast<std::size_t>(count));
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t rank = tensor.shape.size();
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t at = tensor.offset;
  for (std::int64_t i = 0; i < count; ++i) {
    out.values[static_cast<std::size_t>(i)] =
        element(out.dtype, data + static_cast<std::size_t>(at) * tensor.storage.element_size);
    for (std::size_t d = rank; d-- > 0;) {  // odometer over the shape, last axis fastest
      at += tensor.stride[d];
      if (++index[d] < tensor.shape[d]) break;
      at -= tensor.stride[d] * tensor.shape[d];
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace

const TorchTensor& TorchStateDict::at(std::string_view name) const {
  std::string names;
  for (const auto& [key, tensor] : tensors) {
    if (key == name) return tensor;
    names += (names.empty() ? "" : ", ") + key;
  }
  throw InputError("no tensor named '" + std::string(name) + "'", file.string(), 0,
                   "the file holds: " + (names.empty() ? std::string("nothing") : names));
}

TorchStateDict read_torch_state_dict(const std::filesystem::path& path) {
  const Archive archive = open_archive(path);
  const std::string prefix = archive_prefix(archive.get(), path);
  const std::string pickle = read_entry(archive.get(), path, prefix + "data.pkl",
                                        std::numeric_limits<std::uint64_t>::max(), kMaxPickleBytes);
  const Value root = torch_pickle::run(pickle, path.string());
  if (root.kind != Kind::kDict) {
    fail(path, std::string("the pickle holds a ") + torch_pickle::kind_name(root.kind) +
                   ", not a state dict");
  }
  std::error_code ec;
  const std::uint64_t file_bytes = std::filesystem::file_size(path, ec);
  TorchStateDict dict;
  dict.file = path;
  const auto& items = *root.items;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const Value& key = items[i];
    const Value& value = items[i + 1];
    if (key.kind != Kind::kString) fail(path, "a state dict key that is not a string");
    if (value.kind != Kind::kTensor) {
      fail(path,
           "'" + key.text + "' holds a " + torch_pickle::kind_name(value.kind) + ", not a tensor");
    }
    const auto& storage = value.tensor->storage;
    const auto numel = static_cast<std::uint64_t>(storage.numel);
    if (numel > std::numeric_limits<std::uint64_t>::max() / storage.element_size) {
      fail(path, "tensor '" + key.text + "' has an impossible size");
    }
    // A storage shared by several tensors is read once per tensor: state dicts of heads are
    // small, and the simplicity is worth more than the bytes.
    const std::string bytes = read_entry(archive.get(), path, prefix + "data/" + storage.key,
                                         numel * storage.element_size,
                                         std::max<std::uint64_t>(file_bytes, 1) * kMaxDeflateRatio);
    dict.tensors.emplace_back(key.text, gather(*value.tensor, bytes, path, key.text));
  }
  return dict;
}

}  // namespace embeval
