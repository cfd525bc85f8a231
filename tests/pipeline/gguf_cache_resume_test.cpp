// The embedding cache over a real llama.cpp model: a run that kept only some blocks resumes to
// byte-identical vectors, for dense outputs and for windowed (chunk_agg=max) multi-vector ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "embeval/models/embedding_cache.h"
#include "embeval/gguf/gguf_encoder.h"
#include "embeval/core/model_spec.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing_gguf::tiny_model;
using testing_gguf::work_dir;

std::vector<std::string> texts() {
  std::vector<std::string> t;
  const char* words[] = {"search", "vector", "the", "model", "cat", "retrieval", "mat", "query"};
  for (std::size_t i = 0; i < 37; ++i) {
    std::string s;
    for (std::size_t w = 0; w < 1 + (i * 7) % 23; ++w) s += std::string(words[(i + w) % 8]) + " ";
    t.push_back(s);
  }
  return t;
}

std::string bytes_of(const EmbeddingBatch& b) {
  const DenseMatrix& m = b.dense ? *b.dense : b.multi->vectors;
  std::string s(reinterpret_cast<const char*>(m.data.data()), m.data.size() * sizeof(float));
  if (b.multi) {
    for (const std::size_t o : b.multi->offsets) s += std::to_string(o) + ",";
  }
  return s;
}

// Encodes in calls of 16 texts, as encode_corpus does; returns the bytes and the texts encoded.
std::string run(const std::string& spec, const fs::path& cache, std::size_t* encoded) {
  CacheFlushPolicy policy;
  policy.block_texts = 4;
  policy.flush_texts = 4;  // a segment per block
  CachedEncoder enc(std::make_unique<GgufEncoder>(ModelSpec::parse(spec)), cache, "key", policy);
  const std::vector<std::string> t = texts();
  const std::vector<std::string_view> v(t.begin(), t.end());
  std::string out;
  for (std::size_t b = 0; b < v.size(); b += 16) {
    out += bytes_of(enc.encode(std::span(v).subspan(b, std::min<std::size_t>(16, v.size() - b)),
                               Role::kDocument));
  }
  *encoded = enc.cache_stats().misses;
  return out;
}

void check_resume(const std::string& spec, const std::string& name) {
  const fs::path whole = work_dir() / (name + "-whole"), partial = work_dir() / (name + "-part");
  fs::remove_all(whole);
  fs::remove_all(partial);
  std::size_t encoded = 0;
  const std::string expected = run(spec, whole, &encoded);
  ASSERT_EQ(encoded, 37u);
  std::vector<fs::path> segs;
  for (const auto& e : fs::recursive_directory_iterator(whole)) {
    if (e.is_regular_file()) segs.push_back(e.path());
  }
  std::sort(segs.begin(), segs.end());
  ASSERT_EQ(segs.size(), 10u);                        // calls of 16, 16, 5 texts = 4 + 4 + 2 blocks
  for (std::size_t i = 1; i < segs.size(); i += 3) {  // an interrupted run kept some blocks
    fs::create_directories(partial / segs[i].parent_path().filename());
    fs::copy_file(segs[i], partial / segs[i].parent_path().filename() / segs[i].filename());
  }
  std::size_t recomputed = 0;
  EXPECT_EQ(run(spec, partial, &recomputed), expected);
  EXPECT_LT(recomputed, 37u);
  EXPECT_GT(recomputed, 0u);
  fs::remove_all(whole);
  fs::remove_all(partial);
}

TEST(GgufCacheResume, DenseVectorsAreByteIdentical) {
  check_resume("gguf:" + tiny_model("tiny-bert-mean.gguf").string(), "dense");
}

TEST(GgufCacheResume, WindowedMultiVectorsAreByteIdentical) {
  check_resume(
      "gguf:" + tiny_model("tiny-bert-mean.gguf").string() + "?window=8&stride=4&chunk_agg=max",
      "windows");
}

}  // namespace
}  // namespace embeval
