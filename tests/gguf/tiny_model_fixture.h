// Shared by the gguf tests: the tiny random-weight models (generated once per build by
// tests/gguf/tiny_models.py, see cmake/llama.cmake), a scratch folder per test process, and
// the independent numpy reference forward passes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace embeval::testing_gguf {

namespace fs = std::filesystem;

inline const fs::path kLlamaSource = EMBEVAL_LLAMA_SOURCE_DIR;
inline const fs::path kScript = EMBEVAL_GGUF_SCRIPT;  // tests/gguf/tiny_models.py
// Written by the build (target embeval_gguf_tiny_models), read-only for the tests.
inline const fs::path kModelDir = EMBEVAL_GGUF_MODEL_DIR;

inline std::string python_command() {
  return std::string("PYTHONPATH='") + (kLlamaSource / "gguf-py").string() + "' " + EMBEVAL_PYTHON +
         " '" + kScript.string() + "'";
}

// One scratch folder for the whole test process, removed at exit.
inline const fs::path& work_dir() {
  static const testing::TempDir dir("embeval-gguf");
  return dir.path();
}

// Paths of the generated models: tiny-bert-cls.gguf, tiny-bert-mean.gguf, tiny-qwen3-last.gguf
// (tiny_models.py make), the hostile-metadata files bad-*.gguf (make-hostile).
inline fs::path tiny_model(const std::string& name) {
  const fs::path p = kModelDir / name;
  EXPECT_TRUE(fs::is_regular_file(p)) << p << " missing: build the embeval_gguf_tiny_models target";
  return p;
}

// Paths of the XLM-RoBERTa and nomic-bert models (tiny_models.py make-families): the Hugging
// Face-layout checkpoints tiny-xlmr.npz and tiny-nomic.npz, and their GGUF conversions
// tiny-xlmr-cls.gguf, tiny-xlmr-mean.gguf, tiny-nomic-mean.gguf, tiny-nomic-cls.gguf. XLM-R gets
// the real XLM-R SentencePiece unigram tokenizer (from nomic-embed-text-v2-moe's vocabulary file,
// cut to XLM-R's 250002 tokens); nomic-bert the BERT WordPiece one that nomic-embed-text-v1.5
// uses.
inline fs::path family_model(const std::string& name) { return tiny_model(name); }

// Tolerances: what float32 arithmetic promises for a forward pass, on any x86-64 CPU that ggml
// may dispatch to (SSE to AVX-512, with or without FMA, any thread count). docs/gguf.md,
// "Tolerances", has the derivation and the spread measured on the tiny models.
//
// A sum of n nonzero float32 terms, in any order or tree (SIMD lanes, blocked kernels), is within
// gamma(n) = n u / (1 - n u) of the exact sum relative to the sum of magnitudes, u = 2^-24
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 3.1 and 4.2; FMA only
// removes roundings). Masked attention keys add exact zeros, which cost nothing, so a text's
// reductions do not grow with the batch it shares. A component of the output then carries at
// most the sum of the reduction lengths on its longest path through the network, times u, to
// first order: every normalisation layer rescales to unit size, so a layer passes relative error
// on with gain about one. Outputs are unit vectors, so that relative error is absolute.
inline constexpr double kUnitRoundoff = 0x1p-24;  // float32, round to nearest

inline double gamma(double n) { return n * kUnitRoundoff / (1.0 - n * kUnitRoundoff); }

struct ForwardShape {
  double width, ffn, layers, head_dim, tokens;  // tokens: the longest sequence (the context)
};
// Every tiny model here: dimension 32, feed-forward 64, 2 layers, heads of 8, context 64.
inline constexpr ForwardShape kTinyShape{32, 64, 2, 8, 64};

// The longest chain of reductions from a token id to an output component.
inline double reduction_path(const ForwardShape& s) {
  const double per_layer = 2 * s.width  // normalisation before/after attention (mean, variance)
                           + s.width    // Q, K, V projections
                           + 3 * s.head_dim  // per-head Q/K norm (Qwen3), rotary, Q.K scores
                           + 2 * s.tokens    // softmax denominator, weighted sum of values
                           + s.width         // output projection
                           + 2 * s.width     // normalisation around the feed-forward
                           + s.width         // feed-forward in
                           + s.ffn;          // feed-forward out
  return s.layers * per_layer + 2 * s.width  // embedding / output normalisation
         + s.tokens                          // mean pooling
         + s.width;                          // L2 normalisation
}

// |component - exact| for one forward pass in float32 arithmetic: 6.2e-5 on the tiny models.
inline double forward_tolerance(const ForwardShape& s = kTinyShape) {
  return gamma(reduction_path(s));
}

// The same text in two batches (alone, or among others, in any order): each side is within
// forward_tolerance() of the exact value, so the two are within twice that (1.24e-4).
inline double batch_tolerance(const ForwardShape& s = kTinyShape) {
  return 2 * forward_tolerance(s);
}

// llama.cpp computes GELU (BERT, XLM-R) not in float32 but from a table indexed by the argument
// rounded to float16, with a float16 result, of the tanh approximation: per activation, two
// float16 roundings (2^-11 each, relative) plus tanh-vs-erf (at most 4.74e-4 absolute, which is
// the numpy reference's exact erf form). The GELU layers of a model add that to its parity bound
// against the reference: 3.0e-3 on the 2-layer BERTs.
inline constexpr double kGeluTableError = 2 * 0x1p-11 + 4.74e-4;

inline double parity_tolerance(int gelu_layers, const ForwardShape& s = kTinyShape) {
  return forward_tolerance(s) + gelu_layers * kGeluTableError;
}

// | |v|^2 - 1 | for a vector normalised in float32 (the inverse norm and the products rounded:
// two roundings per component, four in the square, one for the square itself), summed in double.
inline constexpr double kNormTolerance = 8 * kUnitRoundoff;

inline double max_abs_diff(const float* a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < b.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

namespace detail {
// Runs `tiny_models.py <head> TOKENS OUT <tail>` on `sequences` (one line of token ids each) and
// reads back one row of floats per sequence.
inline std::vector<std::vector<double>> run_reference(
    const std::string& head, const std::vector<std::vector<std::int32_t>>& sequences,
    const std::string& tail) {
  static int counter = 0;
  const fs::path in = work_dir() / ("tokens-" + std::to_string(counter) + ".txt");
  const fs::path out = work_dir() / ("ref-" + std::to_string(counter++) + ".txt");
  {
    std::ofstream f(in);
    for (const auto& s : sequences) {
      for (std::size_t i = 0; i < s.size(); ++i) f << (i ? " " : "") << s[i];
      f << "\n";
    }
  }
  const std::string cmd =
      python_command() + " " + head + " '" + in.string() + "' '" + out.string() + "' " + tail;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<std::vector<double>> rows;
  std::ifstream f(out);
  for (std::string line; std::getline(f, line);) {
    std::istringstream s(line);
    std::vector<double> row;
    for (double v; s >> v;) row.push_back(v);
    rows.push_back(row);
  }
  return rows;
}
}  // namespace detail

// The numpy reference embeddings of `sequences` (token ids incl. specials) under `model`.
inline std::vector<std::vector<double>> reference_embeddings(
    const fs::path& model, const std::vector<std::vector<std::int32_t>>& sequences,
    bool causal = true) {
  return detail::run_reference("reference '" + model.string() + "'", sequences,
                               causal ? "causal" : "bidirectional");
}

// The numpy reference's last-layer output of every token (pooling none) of `sequences` under a
// BERT-architecture `model`: one row per sequence, its token rows concatenated.
inline std::vector<std::vector<double>> reference_token_states(
    const fs::path& model, const std::vector<std::vector<std::int32_t>>& sequences) {
  return detail::run_reference("token-states '" + model.string() + "'", sequences, "");
}

// The reference embeddings of `sequences` from a Hugging Face-layout checkpoint (tiny-xlmr.npz,
// tiny-nomic.npz), pooled "cls" or "mean" and L2-normalised. `variant` other than "exact" misreads
// the architecture on purpose (see tiny_models.py): for tests that show a misreading is caught.
inline std::vector<std::vector<double>> hf_reference_embeddings(
    const fs::path& checkpoint, const std::string& pooling,
    const std::vector<std::vector<std::int32_t>>& sequences, const std::string& variant = "exact") {
  return detail::run_reference("hf-reference '" + checkpoint.string() + "' " + pooling, sequences,
                               variant);
}

inline double cosine(const float* a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    ab += a[i] * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

}  // namespace embeval::testing_gguf
