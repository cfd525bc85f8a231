// Encode throughput of GgufEncoder against llama.cpp's own `llama-embedding` on the same model
// and texts, in one run, reported as a ratio (target >= 1.0), plus the share of embeval's time
// spent outside llama.cpp calls (target < 5%).
//
// Model: $EMBEVAL_BENCH_GGUF, or a bge-small-sized BERT with random weights generated with
// tests/gguf/tiny_models.py (same compute as a real one). llama-embedding: built by
// `EMBEVAL_LLAMA_TOOLS=ON scripts/setup_llama.sh`; its model-load time is measured separately
// (one one-word text) and subtracted.
#include <benchmark/benchmark.h>

#ifdef EMBEVAL_HAVE_LLAMA
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "embeval/gguf_encoder.h"

namespace {

namespace fs = std::filesystem;

const fs::path kPrefix = EMBEVAL_LLAMA_PREFIX;
const fs::path kScript =
    fs::path(__FILE__).parent_path().parent_path() / "tests/gguf/tiny_models.py";
const fs::path kWork =
    fs::temp_directory_path() / ("embeval-gguf-bench-" + std::to_string(::getpid()));

// Deterministic English-like texts of 8..200 words (one per line: no newlines inside).
std::vector<std::string> make_texts(std::size_t n) {
  static const char* words[] = {
      "the",     "model",   "retrieval", "of",      "documents", "embedding", "vector", "search",
      "quality", "and",     "speed",     "measure", "query",     "corpus",    "index",  "token",
      "window",  "context", "language",  "data",    "user",      "system",    "result", "score"};
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> len(8, 200), w(0, std::size(words) - 1);
  std::vector<std::string> out(n);
  for (auto& t : out) {
    const int k = len(rng);
    for (int i = 0; i < k; ++i) (t += i ? " " : "") += words[w(rng)];
  }
  return out;
}

fs::path model_path() {
  if (const char* m = std::getenv("EMBEVAL_BENCH_GGUF")) return m;
  const fs::path out = kWork / "bench-bert.gguf";
  if (!fs::exists(out)) {
    fs::create_directories(kWork);
    const std::string cmd = "PYTHONPATH='" + (kPrefix / "src/gguf-py").string() +
                            "' /usr/bin/python3 '" + kScript.string() + "' make-bench '" +
                            out.string() + "' '" +
                            (kPrefix / "src/models/ggml-vocab-bert-bge.gguf").string() + "'";
    if (std::system(cmd.c_str()) != 0)
      std::fprintf(stderr, "gguf_bench: model generation failed\n");
  }
  return out;
}

const std::vector<std::string>& texts() {
  static const std::vector<std::string> t = make_texts(256);
  return t;
}

double g_embeval_seconds = 0, g_llama_seconds = 0;

void BM_EmbevalEncode(benchmark::State& state) {
  embeval::GgufEncoder enc(embeval::ModelSpec::parse("gguf:" + model_path().string() +
                                                     "?query_prefix=&document_prefix="));
  std::vector<std::string_view> v(texts().begin(), texts().end());
  double wall = 0, inside = 0;
  std::size_t tokens = 0;
  for (auto _ : state) {
    enc.reset_stats();
    const auto t0 = std::chrono::steady_clock::now();
    auto out = enc.encode(v, embeval::Role::kDocument);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(out);
    state.SetIterationTime(s);
    wall += s;
    inside += enc.stats().model_seconds;
    tokens += enc.stats().tokens;
  }
  g_embeval_seconds = wall / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(v.size()));
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.counters["outside_llama_%"] = 100.0 * (wall - inside) / wall;
}
BENCHMARK(BM_EmbevalEncode)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

double run_llama_embedding(const fs::path& exe, const fs::path& input) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const std::string cmd = "'" + exe.string() + "' -m '" + model_path().string() + "' -f '" +
                          input.string() + "' -t " + std::to_string(threads) +
                          " -c 512 -b 512 -ub 512 --embd-output-format array >/dev/null 2>&1";
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rc == 0 ? s : -1;
}

void BM_LlamaEmbeddingTool(benchmark::State& state) {
  const char* env = std::getenv("EMBEVAL_LLAMA_EMBEDDING");
  const fs::path exe = env ? fs::path(env) : kPrefix / "bin/llama-embedding";
  if (!fs::exists(exe)) {
    state.SkipWithError(
        "llama-embedding not built (EMBEVAL_LLAMA_TOOLS=ON scripts/setup_llama.sh)");
    return;
  }
  fs::create_directories(kWork);
  const fs::path all = kWork / "texts.txt", one = kWork / "one.txt";
  {
    std::ofstream f(all);
    for (const auto& t : texts()) f << t << "\n";
    std::ofstream(one) << "the\n";
  }
  double total = 0;
  for (auto _ : state) {
    const double load = run_llama_embedding(exe, one);
    const double full = run_llama_embedding(exe, all);
    if (load < 0 || full < 0) {
      state.SkipWithError("llama-embedding failed");
      return;
    }
    state.SetIterationTime(std::max(1e-9, full - load));
    total += full - load;
  }
  g_llama_seconds = total / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(texts().size()));
}
BENCHMARK(BM_LlamaEmbeddingTool)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  if (g_embeval_seconds > 0 && g_llama_seconds > 0) {
    std::printf("gguf_bench: throughput ratio embeval / llama-embedding = %.2fx (target >= 1.0)\n",
                g_llama_seconds / g_embeval_seconds);
  }
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(kWork, ec);
  return 0;
}
#else
// Without the gguf layer there is nothing to measure.
int main() { return 0; }
#endif
