#include "embeval/embedding_cache.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "embeval/atomic_file.h"
#include "embeval/error.h"

namespace embeval {
namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'V', 'C', 'A', 'C', 'H'};
constexpr std::uint32_t kVersion = 1;

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::uint32_t crc(const void* data, std::size_t n, std::uint32_t seed = 0) {
  // zlib takes uInt lengths: feed large buffers in pieces.
  uLong c = seed;
  const auto* p = static_cast<const Bytef*>(data);
  while (n > 0) {
    const uInt piece = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    c = crc32(c, p, piece);
    p += piece;
    n -= piece;
  }
  return static_cast<std::uint32_t>(c);
}

template <typename T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
bool get(const std::string& in, std::size_t& pos, T& v) {
  if (in.size() - pos < sizeof v) return false;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

char hex_digit(unsigned v) { return "0123456789abcdef"[v & 15]; }

std::string hex64(std::uint64_t v) {
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[static_cast<std::size_t>(i)] = hex_digit(static_cast<unsigned>(v));
  return s;
}

}  // namespace

std::string file_fingerprint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string(), path.string());
  std::vector<char> buf(1 << 20);
  std::uint32_t c = 0;
  std::uint64_t size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    c = crc(buf.data(), got, c);
    size += got;
  }
  return std::to_string(size) + "-" + hex64(c).substr(8);
}

EmbeddingCache::EmbeddingCache(std::filesystem::path dir, std::string model_key)
    : model_dir_(std::move(dir) / hex64(fnv1a(model_key))), model_key_(std::move(model_key)) {
  std::error_code ec;
  if (!std::filesystem::is_directory(model_dir_, ec)) return;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(model_dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("seg-") && name.ends_with(".bin")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_segment(f);
}

EmbeddingCache::Key EmbeddingCache::key_of(std::string_view text, Role role) {
  return Key{fnv1a(text), crc(text.data(), text.size()), static_cast<std::uint32_t>(text.size()),
             role == Role::kQuery ? 0u : 1u};
}

void EmbeddingCache::load_segment(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t pos = 0;
  char magic[8];
  std::uint32_t version = 0, key_len = 0;
  if (bytes.size() < sizeof magic || std::memcmp(bytes.data(), kMagic, sizeof magic) != 0 ||
      (pos = sizeof magic, !get(bytes, pos, version)) || version != kVersion ||
      !get(bytes, pos, key_len) || bytes.size() - pos < key_len ||
      bytes.compare(pos, key_len, model_key_) != 0 || key_len != model_key_.size()) {
    ++stats_.corrupt;  // another format, version or model: never trusted
    return;
  }
  pos += key_len;
  while (pos < bytes.size()) {
    const std::size_t start = pos;
    Key k{};
    std::uint32_t dim = 0;
    if (!get(bytes, pos, k.hash) || !get(bytes, pos, k.crc) || !get(bytes, pos, k.length) ||
        !get(bytes, pos, k.role) || !get(bytes, pos, dim) ||
        bytes.size() - pos < std::size_t{dim} * sizeof(float) + sizeof(std::uint32_t)) {
      ++stats_.corrupt;
      return;
    }
    std::vector<float> v(dim);
    std::memcpy(v.data(), bytes.data() + pos, dim * sizeof(float));
    pos += dim * sizeof(float);
    std::uint32_t stored = 0;
    get(bytes, pos, stored);
    if (stored != crc(bytes.data() + start, pos - start - sizeof stored)) {
      ++stats_.corrupt;  // a damaged entry: its size fields cannot be trusted either
      return;
    }
    entries_[k] = std::move(v);
    ++stats_.loaded;
  }
}

bool EmbeddingCache::lookup(std::string_view text, Role role, std::vector<float>& out) {
  const auto it = entries_.find(key_of(text, role));
  if (it == entries_.end()) {
    ++stats_.misses;
    return false;
  }
  out = it->second;
  ++stats_.hits;
  return true;
}

void EmbeddingCache::store(std::span<const std::string_view> texts, Role role,
                           const DenseMatrix& vectors) {
  EMBEVAL_CHECK(vectors.rows == texts.size(), "one vector per text");
  if (texts.empty()) return;
  std::string seg(kMagic, sizeof kMagic);
  put(seg, kVersion);
  put(seg, static_cast<std::uint32_t>(model_key_.size()));
  seg += model_key_;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Key k = key_of(texts[i], role);
    const std::size_t start = seg.size();
    put(seg, k.hash);
    put(seg, k.crc);
    put(seg, k.length);
    put(seg, k.role);
    put(seg, static_cast<std::uint32_t>(vectors.cols));
    seg.append(reinterpret_cast<const char*>(vectors.row(i)), vectors.cols * sizeof(float));
    put(seg, crc(seg.data() + start, seg.size() - start));
    entries_[k].assign(vectors.row(i), vectors.row(i) + vectors.cols);
  }
  // Unique per process and call; sorted by time so later segments win on reload.
  static std::atomic<unsigned> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  const std::string name = "seg-" + hex64(static_cast<std::uint64_t>(now)) + "-" +
                           std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".bin";
  write_file_atomic(model_dir_ / name, seg);
  ++stats_.segments_written;
}

CachedEncoder::CachedEncoder(std::unique_ptr<Encoder> inner, std::filesystem::path dir,
                             std::string model_key, std::size_t chunk)
    : inner_(std::move(inner)),
      cache_(std::move(dir), std::move(model_key) + "\n" + inner_->spec()),
      chunk_(std::max<std::size_t>(1, chunk)) {}

EmbeddingBatch CachedEncoder::encode(std::span<const std::string_view> texts, Role role) {
  std::vector<std::vector<float>> rows(texts.size());
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (!cache_.lookup(texts[i], role, rows[i])) missing.push_back(i);
  }
  for (std::size_t b = 0; b < missing.size(); b += chunk_) {
    const std::size_t e = std::min(missing.size(), b + chunk_);
    std::vector<std::string_view> part;
    for (std::size_t k = b; k < e; ++k) part.push_back(texts[missing[k]]);
    EmbeddingBatch got = inner_->encode(part, role);
    if (!got.dense) {
      // Sparse or multi-vector output is not cached: hand it through, encoding each text once.
      if (part.size() == texts.size()) return got;
      return inner_->encode(texts, role);
    }
    cache_.store(part, role, *got.dense);
    for (std::size_t k = b; k < e; ++k) {
      const float* r = got.dense->row(k - b);
      rows[missing[k]].assign(r, r + got.dense->cols);
    }
  }
  const std::size_t dim = texts.empty() ? 0 : rows[0].size();
  DenseMatrix out(texts.size(), dim);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (rows[i].size() != dim) {
      throw InputError("cached embeddings disagree in dimension (" +
                           std::to_string(rows[i].size()) + " vs " + std::to_string(dim) + ")",
                       cache_.directory().string(), 0, "delete the cache directory");
    }
    std::copy(rows[i].begin(), rows[i].end(), out.row(i));
  }
  EmbeddingBatch batch;
  batch.dense = std::move(out);
  return batch;
}

}  // namespace embeval
