// Shared by the gguf tests: generates the tiny random-weight models once per test process (with
// tests/gguf/tiny_models.py, Debian's python3-numpy and llama.cpp's gguf-py) and runs the
// independent numpy reference forward passes.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace embeval::testing_gguf {

namespace fs = std::filesystem;

inline const fs::path kLlamaSource = EMBEVAL_LLAMA_SOURCE_DIR;
inline const fs::path kScript = fs::path(__FILE__).parent_path() / "tiny_models.py";

inline std::string python_command() {
  return std::string("PYTHONPATH='") + (kLlamaSource / "gguf-py").string() + "' " + EMBEVAL_PYTHON +
         " '" + kScript.string() + "'";
}

// A unique directory under the system temp dir, removed at exit of the test binary.
inline const fs::path& work_dir() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("embeval-gguf-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(work_dir(), ec);
    });
    return d;
  }();
  return dir;
}

// Paths of tiny-bert-cls.gguf, tiny-bert-mean.gguf, tiny-qwen3-last.gguf (made on first use).
inline fs::path tiny_model(const std::string& name) {
  static const bool made = [] {
    const std::string cmd = python_command() + " make '" + work_dir().string() + "' '" +
                            (kLlamaSource / "models" / "ggml-vocab-bert-bge.gguf").string() +
                            "' '" + (kLlamaSource / "models" / "ggml-vocab-qwen2.gguf").string() +
                            "'";
    return std::system(cmd.c_str()) == 0;
  }();
  EXPECT_TRUE(made) << "tiny model generation failed (needs python3-numpy)";
  return work_dir() / name;
}

// Paths of the XLM-RoBERTa and nomic-bert models (made on first use): the Hugging Face-layout
// checkpoints tiny-xlmr.npz and tiny-nomic.npz, and their GGUF conversions tiny-xlmr-cls.gguf,
// tiny-xlmr-mean.gguf, tiny-nomic-mean.gguf, tiny-nomic-cls.gguf. XLM-R gets the real XLM-R
// SentencePiece unigram tokenizer (from nomic-embed-text-v2-moe's vocabulary file, cut to
// XLM-R's 250002 tokens); nomic-bert the BERT WordPiece one that nomic-embed-text-v1.5 uses.
inline fs::path family_model(const std::string& name) {
  static const bool made = [] {
    const std::string cmd = python_command() + " make-families '" + work_dir().string() + "' '" +
                            (kLlamaSource / "models" / "ggml-vocab-nomic-bert-moe.gguf").string() +
                            "' '" +
                            (kLlamaSource / "models" / "ggml-vocab-bert-bge.gguf").string() + "'";
    return std::system(cmd.c_str()) == 0;
  }();
  EXPECT_TRUE(made) << "XLM-R / nomic-bert model generation failed (needs python3-numpy)";
  return work_dir() / name;
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
