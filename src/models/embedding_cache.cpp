#include "embeval/models/embedding_cache.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "embeval/core/block_encoder.h"
#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/cache_file.h"

namespace embeval {
namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'V', 'C', 'A', 'C', 'H'};
constexpr std::uint32_t kVersion = 2;
constexpr std::uint32_t kDense = 0;
constexpr std::uint32_t kMulti = 1;
constexpr std::uint32_t kMaxDim = 1u << 20;
constexpr std::size_t kMaxProblems = 20;
constexpr std::size_t kTextKeyBytes = 16;

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (const unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::uint64_t fnv1a(std::uint64_t v, std::uint64_t h) {
  return fnv1a(std::string_view(reinterpret_cast<const char*>(&v), sizeof v), h);
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

std::string hex64(std::uint64_t v) {
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[static_cast<std::size_t>(i)] = "0123456789abcdef"[v & 15];
  return s;
}

std::uint32_t role_code(Role role) { return role == Role::kQuery ? 0u : 1u; }

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

EmbeddingCache::TextKey EmbeddingCache::text_key(std::string_view text) {
  return TextKey{fnv1a(text), crc(text.data(), text.size()),
                 static_cast<std::uint32_t>(text.size())};
}

std::vector<EmbeddingCache::TextKey> EmbeddingCache::text_keys(
    std::span<const std::string_view> texts) {
  std::vector<TextKey> keys;
  keys.reserve(texts.size());
  for (const std::string_view t : texts) keys.push_back(text_key(t));
  return keys;
}

// A block is found by a hash of its texts' keys in order; find() then compares the keys.
EmbeddingCache::BlockKey EmbeddingCache::key_of(const std::vector<TextKey>& keys,
                                                std::uint32_t role) {
  std::uint64_t h = fnv1a("block");
  for (const TextKey& k : keys) {
    h = fnv1a(k.hash, h);
    h = fnv1a((std::uint64_t{k.crc} << 32) | k.length, h);
  }
  return BlockKey{h, role, static_cast<std::uint32_t>(keys.size())};
}

EmbeddingCache::EmbeddingCache(std::filesystem::path dir, std::string model_key, std::size_t dim)
    : model_dir_(std::move(dir) / hex64(fnv1a(model_key))),
      model_key_(std::move(model_key)),
      dim_(dim) {
  struct stat st {};
  if (::lstat(model_dir_.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      usable_ = false;
      note_corrupt(model_dir_.string(), std::string("cannot use: ") + std::strerror(errno));
    }
    return;  // nothing cached yet
  }
  if (!S_ISDIR(st.st_mode)) {
    // A file or a link where the model's folder belongs: never read or write through it.
    usable_ = false;
    note_corrupt(model_dir_.string(), "not a folder; the cache is off for this model");
    return;
  }
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(model_dir_, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("seg-") && name.ends_with(".bin")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_segment(f);
}

void EmbeddingCache::note_corrupt(const std::string& file, const std::string& why) {
  ++stats_.corrupt;
  if (stats_.problems.size() < kMaxProblems) {
    stats_.problems.push_back("cache corrupt: " + file + ": " + why);
  }
}

void EmbeddingCache::load_segment(const std::filesystem::path& file) {
  std::string bytes;
  if (auto why = read_cache_file(file, kMaxSegmentBytes, bytes)) {
    note_corrupt(file.string(), *why);
    return;
  }
  std::size_t pos = 0;
  std::uint32_t version = 0, key_len = 0;
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    note_corrupt(file.string(), "not an embeval cache segment");
    return;
  }
  pos = sizeof kMagic;
  if (!get(bytes, pos, version) || !get(bytes, pos, key_len) || bytes.size() - pos < key_len) {
    note_corrupt(file.string(), "truncated header");
    return;
  }
  if (version != kVersion || key_len != model_key_.size() ||
      bytes.compare(pos, key_len, model_key_) != 0) {
    ++stats_.ignored;  // another format version, or (a hash collision of) another model
    return;
  }
  pos += key_len;
  while (pos < bytes.size()) {
    const std::size_t start = pos;
    std::uint32_t role = 0, kind = 0, n = 0, dim = 0;
    std::uint64_t rows = 0;
    if (!get(bytes, pos, role) || !get(bytes, pos, kind) || !get(bytes, pos, n) ||
        !get(bytes, pos, dim) || !get(bytes, pos, rows)) {
      note_corrupt(file.string(), "truncated block header");
      return;
    }
    // Bound every size by the bytes that remain before trusting it (the checksum comes last).
    const std::size_t left = bytes.size() - pos;
    const std::uint64_t index_bytes = std::uint64_t{n} * (kTextKeyBytes + (kind == kMulti ? 8 : 0));
    if (kind > kMulti || dim == 0 || dim > kMaxDim || index_bytes > left ||
        rows > (left - index_bytes) / (std::uint64_t{dim} * sizeof(float)) ||
        index_bytes + rows * dim * sizeof(float) + sizeof(std::uint32_t) > left) {
      note_corrupt(file.string(), "block sizes exceed the file (damaged)");
      return;  // the rest of the segment cannot be located
    }
    Stored stored;
    stored.texts.resize(n);
    for (TextKey& k : stored.texts) {
      get(bytes, pos, k.hash);
      get(bytes, pos, k.crc);
      get(bytes, pos, k.length);
    }
    std::vector<std::size_t> offsets{0};
    if (kind == kMulti) {
      for (std::uint32_t i = 0; i < n; ++i) {
        std::uint64_t r = 0;
        get(bytes, pos, r);
        offsets.push_back(offsets.back() +
                          static_cast<std::size_t>(std::min<std::uint64_t>(r, rows + 1)));
      }
    }
    std::vector<float> values(static_cast<std::size_t>(rows) * dim);
    // rows or dim 0 (a hostile file): data() may be null, and memcpy from null is undefined.
    if (!values.empty())
      std::memcpy(values.data(), bytes.data() + pos, values.size() * sizeof(float));
    pos += values.size() * sizeof(float);
    std::uint32_t checksum = 0;
    get(bytes, pos, checksum);
    if (checksum != crc(bytes.data() + start, pos - start - sizeof checksum)) {
      note_corrupt(file.string(), "checksum mismatch (damaged)");
      return;  // its size fields cannot be trusted either: the rest of the segment is lost
    }
    // A well-formed block must still make sense for this model.
    std::string why;
    if (role > 1) {
      why = "unknown role";
    } else if (dim_ != 0 && dim != dim_) {
      why = "dimension " + std::to_string(dim) + ", the model gives " + std::to_string(dim_);
    } else if (kind == kDense ? rows != n : offsets.back() != rows) {
      why = "row counts disagree with the texts";
    } else if (!all_finite(values)) {
      why = "holds NaN or infinite values";
    }
    if (!why.empty()) {
      note_corrupt(file.string(), why);
      continue;  // the checksum located the block: the next one is still readable
    }
    DenseMatrix m;
    m.rows = static_cast<std::size_t>(rows);
    m.cols = dim;
    m.data = std::move(values);
    if (kind == kDense) {
      stored.block.batch.dense = std::move(m);
    } else {
      MultiVectorMatrix mv;
      mv.vectors = std::move(m);
      mv.offsets = std::move(offsets);
      stored.block.batch.multi = std::move(mv);
    }
    stored.block.source = file.string();
    const BlockKey key = key_of(stored.texts, role);
    blocks_[key] = std::move(stored);
    ++stats_.loaded;
  }
}

const CachedBlock* EmbeddingCache::find(std::span<const std::string_view> texts, Role role) const {
  if (!usable_ || texts.empty()) return nullptr;
  const std::vector<TextKey> keys = text_keys(texts);
  const auto it = blocks_.find(key_of(keys, role_code(role)));
  if (it == blocks_.end() || it->second.texts != keys) return nullptr;
  return &it->second.block;
}

void EmbeddingCache::reject(std::span<const std::string_view> texts, Role role,
                            const std::string& why) {
  const CachedBlock* block = find(texts, role);
  if (block == nullptr) return;
  note_corrupt(block->source.empty() ? model_dir_.string() : block->source, why);
  blocks_.erase(key_of(text_keys(texts), role_code(role)));
}

void EmbeddingCache::add(std::span<const std::string_view> texts, Role role, EmbeddingBatch batch) {
  EMBEVAL_CHECK(batch.dense.has_value() != batch.multi.has_value(),
                "EmbeddingCache::add: exactly one of dense / multi");
  const DenseMatrix& m = batch.dense ? *batch.dense : batch.multi->vectors;
  EMBEVAL_CHECK(batch.dense ? m.rows == texts.size() : batch.multi->texts() == texts.size(),
                "EmbeddingCache::add: one row (or row range) per text");
  if (!usable_ || texts.empty()) return;
  Stored stored;
  stored.texts = text_keys(texts);
  if (m.cols == 0 || m.cols > kMaxDim || !all_finite(m.data)) {
    // Never stored: a NaN from the model is the model's (or the text's) business, not the cache's.
    return;
  }
  if (pending_.empty()) {
    pending_.assign(kMagic, sizeof kMagic);
    put(pending_, kVersion);
    put(pending_, static_cast<std::uint32_t>(model_key_.size()));
    pending_ += model_key_;
  }
  const std::size_t start = pending_.size();
  put(pending_, role_code(role));
  put(pending_, batch.dense ? kDense : kMulti);
  put(pending_, static_cast<std::uint32_t>(texts.size()));
  put(pending_, static_cast<std::uint32_t>(m.cols));
  put(pending_, static_cast<std::uint64_t>(m.rows));
  for (const TextKey& k : stored.texts) {
    put(pending_, k.hash);
    put(pending_, k.crc);
    put(pending_, k.length);
  }
  if (batch.multi) {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      put(pending_,
          static_cast<std::uint64_t>(batch.multi->offsets[i + 1] - batch.multi->offsets[i]));
    }
  }
  pending_.append(reinterpret_cast<const char*>(m.data.data()), m.data.size() * sizeof(float));
  put(pending_, crc(pending_.data() + start, pending_.size() - start));
  pending_texts_ += texts.size();
  stored.block.batch = std::move(batch);
  const BlockKey key = key_of(stored.texts, role_code(role));
  blocks_[key] = std::move(stored);
}

void EmbeddingCache::flush() {
  if (pending_.empty()) return;
  // Unique per process and call; sorted by time so later segments come later on reload.
  static std::atomic<unsigned> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  const std::string name = "seg-" + hex64(static_cast<std::uint64_t>(now)) + "-" +
                           std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".bin";
  write_file_atomic(model_dir_ / name, pending_);
  pending_.clear();
  pending_texts_ = 0;
  ++stats_.segments_written;
}

namespace {

// The spec, or for a ConcurrentBlockEncoder the part of it that decides the vectors.
std::string identity_of(Encoder& encoder) {
  if (auto* blocks = dynamic_cast<ConcurrentBlockEncoder*>(&encoder)) {
    return blocks->vector_identity();
  }
  return encoder.spec();
}

}  // namespace

CachedEncoder::CachedEncoder(std::unique_ptr<Encoder> inner, std::filesystem::path dir,
                             std::string model_key, CacheFlushPolicy policy)
    : inner_(std::move(inner)),
      cache_(std::move(dir), std::move(model_key) + "\n" + identity_of(*inner_),
             inner_->card().dimension),
      policy_(policy),
      last_flush_(std::chrono::steady_clock::now()) {
  policy_.block_texts = std::max<std::size_t>(1, policy_.block_texts);
  report_new_problems();
}

CachedEncoder::~CachedEncoder() {
  try {
    flush();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embeval: warning: embedding cache not written: %s\n", e.what());
  }
}

void CachedEncoder::flush() {
  cache_.flush();
  last_flush_ = std::chrono::steady_clock::now();
}

void CachedEncoder::report_new_problems() {
  const auto& problems = cache_.stats().problems;
  for (; problems_reported_ < problems.size(); ++problems_reported_) {
    std::fprintf(stderr, "embeval: warning: %s (recomputed)\n",
                 problems[problems_reported_].c_str());
  }
}

namespace {

struct Shape {
  bool multi;
  std::size_t dim;
  bool operator==(const Shape&) const = default;
};

Shape shape_of(const EmbeddingBatch& b) {
  return b.dense ? Shape{false, b.dense->cols} : Shape{true, b.multi->vectors.cols};
}

// Concatenates blocks (all of one shape) in order.
EmbeddingBatch concatenate(std::vector<EmbeddingBatch>& parts, std::size_t n_texts) {
  EmbeddingBatch out;
  if (parts.size() == 1) return std::move(parts[0]);
  const Shape shape = shape_of(parts[0]);
  if (!shape.multi) {
    DenseMatrix m(n_texts, shape.dim);
    std::size_t row = 0;
    for (const EmbeddingBatch& p : parts) {
      std::copy(p.dense->data.begin(), p.dense->data.end(), m.row(row));
      row += p.dense->rows;
    }
    out.dense = std::move(m);
    return out;
  }
  MultiVectorMatrix mv;
  std::size_t rows = 0;
  for (const EmbeddingBatch& p : parts) rows += p.multi->vectors.rows;
  mv.vectors = DenseMatrix(rows, shape.dim);
  std::size_t row = 0;
  for (const EmbeddingBatch& p : parts) {
    std::copy(p.multi->vectors.data.begin(), p.multi->vectors.data.end(), mv.vectors.row(row));
    for (std::size_t i = 1; i < p.multi->offsets.size(); ++i) {
      mv.offsets.push_back(row + p.multi->offsets[i]);
    }
    row += p.multi->vectors.rows;
  }
  out.multi = std::move(mv);
  return out;
}

}  // namespace

EmbeddingBatch CachedEncoder::encode(std::span<const std::string_view> texts, Role role) {
  if (passthrough_ || !cache_.usable() || texts.empty()) return inner_->encode(texts, role);
  const std::size_t block = policy_.block_texts;
  const std::size_t n_blocks = (texts.size() + block - 1) / block;
  auto block_span = [&](std::size_t b) {
    const std::size_t begin = b * block;
    return texts.subspan(begin, std::min(block, texts.size() - begin));
  };
  std::vector<EmbeddingBatch> parts(n_blocks);
  std::vector<bool> from_cache(n_blocks, false);
  std::optional<Shape> computed_shape;
  auto compute = [&](std::size_t b) -> bool {
    const auto span = block_span(b);
    EmbeddingBatch got = inner_->encode(span, role);
    if (!got.dense && !got.multi) return false;  // sparse: nothing to cache
    got.sparse.reset();
    if (got.dense && got.multi) got.multi.reset();
    computed_shape = shape_of(got);
    cache_.stats().misses += span.size();
    parts[b] = got;
    from_cache[b] = false;
    cache_.add(span, role, std::move(got));
    const bool by_count = cache_.pending_texts() >= policy_.flush_texts;
    const bool by_time = std::chrono::steady_clock::now() - last_flush_ >= policy_.flush_every;
    if (by_count || by_time) flush();
    return true;
  };
  try {
    if (auto* concurrent = dynamic_cast<ConcurrentBlockEncoder*>(inner_.get())) {
      // Every missing block at once; each stored the moment it arrives (dense only).
      std::vector<std::size_t> missing;
      std::vector<std::span<const std::string_view>> spans;
      for (std::size_t b = 0; b < n_blocks; ++b) {
        if (const CachedBlock* hit = cache_.find(block_span(b), role)) {
          parts[b] = hit->batch;
          from_cache[b] = true;
        } else {
          missing.push_back(b);
          spans.push_back(block_span(b));
        }
      }
      concurrent->encode_blocks(spans, role, [&](std::size_t i, EmbeddingBatch&& got) {
        const std::size_t b = missing[i];
        EMBEVAL_CHECK(got.dense && !got.multi && !got.sparse,
                      "a ConcurrentBlockEncoder must return dense rows");
        computed_shape = shape_of(got);
        cache_.stats().misses += spans[i].size();
        parts[b] = got;
        cache_.add(spans[i], role, std::move(got));
        if (cache_.pending_texts() >= policy_.flush_texts) flush();
      });
    }
    for (std::size_t b = 0; b < n_blocks; ++b) {
      if (from_cache[b] || parts[b].dense || parts[b].multi) continue;  // done above
      if (const CachedBlock* hit = cache_.find(block_span(b), role)) {
        parts[b] = hit->batch;
        from_cache[b] = true;
        continue;
      }
      if (!compute(b)) {
        passthrough_ = true;
        return inner_->encode(texts, role);
      }
    }
    // Every block of one call must have the model's shape (dense or not, dimension): a cached
    // block that disagrees is corrupt. The model decides; ask it for the first block if needed.
    bool agree = true;
    for (std::size_t b = 1; b < n_blocks; ++b)
      agree = agree && shape_of(parts[b]) == shape_of(parts[0]);
    if (!agree || (computed_shape && shape_of(parts[0]) != *computed_shape)) {
      if (!computed_shape) {
        cache_.reject(block_span(0), role, "its vectors' shape differs from the model's output");
        if (!compute(0)) EMBEVAL_CHECK(false, "an encoder changed its output kind");
      }
      for (std::size_t b = 0; b < n_blocks; ++b) {
        if (from_cache[b] && shape_of(parts[b]) != *computed_shape) {
          cache_.reject(block_span(b), role, "its vectors' shape differs from the model's output");
          EMBEVAL_CHECK(compute(b), "an encoder changed its output kind");
        }
      }
    }
  } catch (...) {
    // Keep what was computed before the failure.
    try {
      flush();
    } catch (...) {
    }
    report_new_problems();
    throw;
  }
  for (std::size_t b = 0; b < n_blocks; ++b) {
    if (from_cache[b]) cache_.stats().hits += block_span(b).size();
  }
  flush();
  report_new_problems();
  return concatenate(parts, texts.size());
}

}  // namespace embeval
