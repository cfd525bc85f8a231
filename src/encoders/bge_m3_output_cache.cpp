#include "embeval/encoders/bge_m3_output_cache.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "embeval/util/atomic_file.h"
#include "embeval/util/cache_file.h"

namespace embeval {
namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'V', 'B', 'G', 'E', '3'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kMaxDim = 1u << 20;

std::uint64_t fnv1a(const void* data, std::size_t n) {
  std::uint64_t h = 1469598103934665603ull;
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

std::string hex64(std::uint64_t v) {
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 15];
  return s;
}

// Every copy of a variable-length array goes through these two: an empty vector's data() may
// be null, and memcpy (or append) from null is undefined even for zero bytes.
void copy_out(void* to, const char* from, std::size_t bytes) {
  if (bytes > 0) std::memcpy(to, from, bytes);
}

void append_array(std::string& out, const void* from, std::size_t bytes) {
  if (bytes > 0) out.append(static_cast<const char*>(from), bytes);
}

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
bool get(const std::string& in, std::size_t& pos, T& v) {
  if (in.size() - pos < sizeof v) return false;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

bool get_floats(const std::string& in, std::size_t& pos, std::size_t n, std::vector<float>& out) {
  if ((in.size() - pos) / sizeof(float) < n) return false;
  out.resize(n);
  copy_out(out.data(), in.data() + pos, n * sizeof(float));
  pos += n * sizeof(float);
  for (float v : out) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

}  // namespace

BgeM3OutputCache::Key BgeM3OutputCache::key_of(std::string_view text) {
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
  return Key{fnv1a(text.data(), text.size()), crc, static_cast<std::uint32_t>(text.size())};
}

BgeM3OutputCache::BgeM3OutputCache(const std::filesystem::path& dir, std::string model_key,
                                   Shape shape)
    : model_dir_(dir / ("bge-m3-" + hex64(fnv1a(model_key.data(), model_key.size())))),
      model_key_(std::move(model_key)),
      shape_(shape) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(model_dir_, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) return;
  if (status.type() != std::filesystem::file_type::directory) {
    usable_ = false;  // a link or a file where the folder should be: nothing read or written
    corrupt(model_dir_, "not a folder: the cache is off for this model");
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(model_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("seg-", 0) == 0 && name.size() > 8 && name.ends_with(".bin")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load(f);
}

void BgeM3OutputCache::corrupt(const std::filesystem::path& file, const std::string& why) {
  ++stats_.corrupt;
  std::fprintf(stderr, "embeval: warning: cache corrupt: %s: %s (recomputed)\n", file.c_str(),
               why.c_str());
}

void BgeM3OutputCache::load(const std::filesystem::path& file) {
  std::string bytes;
  if (auto why = read_cache_file(file, kMaxSegmentBytes, bytes)) return corrupt(file, *why);
  std::size_t pos = 0;
  std::uint32_t version = 0, key_len = 0;
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return corrupt(file, "not a BGE-M3 cache segment (wrong magic)");
  }
  pos = sizeof kMagic;
  if (!get(bytes, pos, version) || !get(bytes, pos, key_len) || bytes.size() - pos < key_len) {
    return corrupt(file, "truncated header");
  }
  if (version != kVersion) return corrupt(file, "format version " + std::to_string(version));
  if (bytes.compare(pos, key_len, model_key_) != 0 || key_len != model_key_.size()) {
    return corrupt(file, "written for another model");
  }
  pos += key_len;
  std::size_t entry = 0;
  while (pos < bytes.size()) {
    const std::size_t begin = pos;
    const std::string where = "entry " + std::to_string(entry++);
    Key key{};
    std::uint32_t dense_dim = 0, n = 0, rows = 0, colbert_dim = 0;
    if (!get(bytes, pos, key.hash) || !get(bytes, pos, key.crc) || !get(bytes, pos, key.length) ||
        !get(bytes, pos, dense_dim) || !get(bytes, pos, n) || !get(bytes, pos, rows) ||
        !get(bytes, pos, colbert_dim)) {
      return corrupt(file, where + ": truncated");
    }
    // Sizes are checked against the file before anything is allocated; the rest of a file
    // whose sizes cannot be trusted is refused.
    const std::uint64_t body =
        (std::uint64_t{dense_dim} + 2ull * n + std::uint64_t{rows} * std::uint64_t{colbert_dim}) *
            4 +
        8;
    if (dense_dim > kMaxDim || colbert_dim > kMaxDim || rows > kMaxDim || n > kMaxDim ||
        body > bytes.size() - pos) {
      return corrupt(file, where + ": sizes exceed the file");
    }
    std::uint64_t stored_sum = 0;
    std::memcpy(&stored_sum, bytes.data() + pos + body - 8, 8);
    if (fnv1a(bytes.data() + begin, pos + body - 8 - begin) != stored_sum) {
      return corrupt(file, where + ": checksum mismatch");
    }
    BgeM3Output out;
    std::vector<float> ids_raw;
    std::vector<float> weights;
    bool ok = dense_dim == shape_.dense_dim && (rows == 0 || colbert_dim == shape_.colbert_dim) &&
              get_floats(bytes, pos, dense_dim, out.dense);
    std::vector<std::uint32_t> ids(n);
    if (ok) {
      if (n > 0) copy_out(ids.data(), bytes.data() + pos, 4ull * n);
      pos += 4ull * n;
      ok = get_floats(bytes, pos, n, weights);
    }
    for (std::uint32_t i = 0; ok && i < n; ++i) {
      ok = ids[i] < shape_.vocabulary && (i == 0 || ids[i - 1] < ids[i]) && weights[i] > 0;
      if (ok) out.sparse.emplace_back(ids[i], weights[i]);
    }
    if (ok) {
      out.multi = DenseMatrix(rows, shape_.colbert_dim);
      ok = get_floats(bytes, pos, std::size_t{rows} * colbert_dim, out.multi.data);
      out.multi.rows = rows;
      out.multi.cols = shape_.colbert_dim;
    }
    pos = begin + 32 + body;  // header (8 + 6 x 4 bytes) + body
    if (!ok) {
      corrupt(file, where + ": dimensions, ids or values are not this model's");
      continue;  // the checksum held: the next entry's position is trustworthy
    }
    entries_[key] = std::move(out);
  }
}

const BgeM3Output* BgeM3OutputCache::find(std::string_view text) {
  const auto it = entries_.find(key_of(text));
  if (it == entries_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  return &it->second;
}

void BgeM3OutputCache::add(std::string_view text, BgeM3Output output) {
  const Key key = key_of(text);
  if (usable_) {
    const std::size_t begin = pending_.size();
    put(pending_, key.hash);
    put(pending_, key.crc);
    put(pending_, key.length);
    put(pending_, static_cast<std::uint32_t>(output.dense.size()));
    put(pending_, static_cast<std::uint32_t>(output.sparse.size()));
    put(pending_, static_cast<std::uint32_t>(output.multi.rows));
    put(pending_, static_cast<std::uint32_t>(output.multi.cols));
    append_array(pending_, output.dense.data(), output.dense.size() * 4);
    for (const auto& [id, w] : output.sparse) put(pending_, id);
    for (const auto& [id, w] : output.sparse) put(pending_, w);
    append_array(pending_, output.multi.data.data(), output.multi.data.size() * 4);
    put(pending_, fnv1a(pending_.data() + begin, pending_.size() - begin));
    ++pending_count_;
  }
  entries_[key] = std::move(output);
}

void BgeM3OutputCache::flush() {
  if (pending_count_ == 0 || !usable_) return;
  static std::atomic<unsigned> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string name =
      "seg-" + std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count()) +
      "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".bin";
  std::string header(kMagic, sizeof kMagic);
  put(header, kVersion);
  put(header, static_cast<std::uint32_t>(model_key_.size()));
  header += model_key_;
  AtomicFileWriter writer(model_dir_ / name);
  writer.write(header);
  writer.write(pending_);
  writer.commit();
  pending_.clear();
  pending_count_ = 0;
  ++stats_.segments_written;
}

}  // namespace embeval
