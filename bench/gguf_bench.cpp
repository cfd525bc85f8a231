// Encode throughput of GgufEncoder against llama.cpp's own `llama-embedding` tool on the same
// model and texts, in one run, as a ratio (target >= 1.0: embeval at least as fast), plus the
// share of embeval's encode time spent outside llama.cpp calls (target < 5%).
//
//   gguf_bench [rounds=5] [texts=64] [threads=0 (embeval's default)]
//
// Model: $EMBEVAL_BENCH_GGUF, or a bge-small-sized BERT (12 layers, dim 384, context 512, mean
// pooling, F32) with random weights made by tests/gguf/tiny_models.py: the same compute as a real
// one. llama-embedding: $EMBEVAL_LLAMA_EMBEDDING, or <llama prefix>/bin/llama-embedding (built by
// `EMBEVAL_LLAMA_TOOLS=ON scripts/setup_llama.sh`); without it only embeval's side is reported.
//
// Same work on both sides: the same texts (one per line, read with -f), no prefix, the same
// context (512 tokens = batch = ubatch; no text is truncated: each is < 512 tokens), the model's
// pooling, L2 normalisation (--embd-normalize 2), the same thread count. The first round checks
// that llama-embedding's vectors agree with embeval's and that both evaluated the same number of
// tokens.
//
// Timing. embeval: wall time of encode() (tokenization, batching, llama.cpp, copying out), the
// model loaded beforehand. llama-embedding is a process: its time per round is (run on all texts)
// - (run on one one-word text) measured in the same round, which removes process start, model load
// and llama.cpp's warm-up; what remains is its tokenization, batching, llama.cpp calls and writing
// the vectors (to a file). CPU seconds (user + system, all threads; getrusage) are shown too:
// on a machine shared with other jobs they vary less than wall time. Rounds interleave the two
// sides so that background load hits both; best and median over rounds are reported. A plain
// main (not Google Benchmark): the output is one comparison table.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_work_dir.h"
#include "embeval/core/error.h"
#include "embeval/gguf/gguf_encoder.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const fs::path kPrefix = EMBEVAL_LLAMA_PREFIX;
// Absolute (from CMake): __FILE__ is relative under ccache's CCACHE_BASEDIR.
const fs::path kScript = EMBEVAL_TINY_MODELS_SCRIPT;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// User + system CPU seconds of this process (all threads) or of its waited-for descendants.
double cpu_seconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  return s(u.ru_utime) + s(u.ru_stime);
}

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

std::string quote(const fs::path& p) {
  std::string s(1, '\'');  // built up: GCC 12 -Wrestrict false alarm on "'" + ...
  s += p.string();
  s += '\'';
  return s;
}

// $EMBEVAL_BENCH_GGUF, or the random bge-small-sized BERT generated into `dir`.
std::optional<fs::path> model_path(const fs::path& dir) {
  if (const char* m = std::getenv("EMBEVAL_BENCH_GGUF")) return fs::path(m);
  const fs::path out = dir / "bench-bert.gguf";
  const std::string cmd = "PYTHONPATH=" + quote(kPrefix / "src/gguf-py") + " /usr/bin/python3 " +
                          quote(kScript) + " make-bench " + quote(out) + " " +
                          quote(kPrefix / "src/models/ggml-vocab-bert-bge.gguf");
  if (std::system(cmd.c_str()) != 0 || !fs::exists(out)) return std::nullopt;
  return out;
}

// Docs/s of `model` on `texts`, best of `rounds` passes, on `threads` threads.
double docs_per_second(const fs::path& model, const std::vector<std::string_view>& texts,
                       int threads, int rounds) {
  embeval::GgufEncoder enc(
      embeval::ModelSpec::parse("gguf:" + model.string() + "?query_prefix=&document_prefix="),
      threads);
  const std::vector<std::string_view> warm = {"warm up"};
  (void)enc.encode(warm, embeval::Role::kDocument);
  double best = 1e30;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    (void)enc.encode(texts, embeval::Role::kDocument);
    best = std::min(best, seconds_since(start));
  }
  return static_cast<double>(texts.size()) / best;
}

// A decoder against an encoder of the same width (the tiny test models: dimension 32, 2 layers,
// ffn 64). Their layers cost about the same; a decoder that also ran its output layer (151936 x
// 32 per token for Qwen's vocabulary, computed for every token since every token is an output
// when embeddings are pooled) would be ~50x slower. scripts/llama-patches skips that layer.
void compare_decoder(const fs::path& dir, const std::vector<std::string_view>& texts, int rounds) {
  const std::string cmd = "PYTHONPATH=" + quote(kPrefix / "src/gguf-py") + " /usr/bin/python3 " +
                          quote(kScript) + " make " + quote(dir) + " " +
                          quote(kPrefix / "src/models/ggml-vocab-bert-bge.gguf") + " " +
                          quote(kPrefix / "src/models/ggml-vocab-qwen2.gguf");
  if (std::system(cmd.c_str()) != 0) {
    std::printf("\ntiny decoder vs encoder: model generation failed, skipped\n");
    return;
  }
  const double bert = docs_per_second(dir / "tiny-bert-mean.gguf", texts, 1, rounds);
  const double qwen = docs_per_second(dir / "tiny-qwen3-last.gguf", texts, 1, rounds);
  std::printf(
      "\ntiny decoder vs encoder of the same width (1 thread, best of %d):\n"
      "  tiny BERT (mean)   %10.1f docs/s\n"
      "  tiny Qwen3 (last)  %10.1f docs/s\n"
      "  Qwen3 / BERT       %10.3fx   (0.008x measured with the output layer)\n",
      rounds, bert, qwen, qwen / bert);
}

// One llama-embedding process: wall time, and what it printed about itself.
struct ToolRun {
  bool ok = false;
  double seconds = 0;
  double cpu_seconds = 0;
  long tokens = 0;  // tokens it evaluated (its "batch_decode: n_tokens = N" lines)
};

ToolRun run_tool(const fs::path& exe, const fs::path& model, const fs::path& input, int threads,
                 std::size_t context, const fs::path& out, const fs::path& log) {
  const std::string ctx = std::to_string(context);
  const std::string cmd = quote(exe) + " -m " + quote(model) + " -f " + quote(input) + " -t " +
                          std::to_string(threads) + " -tb " + std::to_string(threads) + " -c " +
                          ctx + " -b " + ctx + " -ub " + ctx +
                          " -fa off"  // as GgufEncoder: exact attention (flash_attn=false)
                          " --embd-normalize 2 --embd-output-format array >" +
                          quote(out) + " 2>" + quote(log);
  ToolRun r;
  const double cpu0 = cpu_seconds(RUSAGE_CHILDREN);
  const auto t0 = Clock::now();
  const int rc = std::system(cmd.c_str());
  r.seconds = seconds_since(t0);
  r.cpu_seconds = cpu_seconds(RUSAGE_CHILDREN) - cpu0;
  r.ok = rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
  // It logs "batch_decode: n_tokens = 448, n_seq = 4" per llama.cpp call (at its default
  // verbosity; more verbosity would add logging work that embeval does not do).
  std::ifstream f(log);
  static constexpr const char* kBatch = "batch_decode: n_tokens = ";
  for (std::string line; std::getline(f, line);) {
    if (const auto at = line.find(kBatch); at != std::string::npos) {
      r.tokens += std::strtol(line.c_str() + at + std::strlen(kBatch), nullptr, 10);
    }
  }
  return r;
}

// The vectors llama-embedding printed as --embd-output-format array: [[v,...],[v,...]].
std::vector<std::vector<float>> read_array(const fs::path& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string s = ss.str();
  std::vector<std::vector<float>> rows;
  int depth = 0;
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '[') {
      if (++depth == 2) rows.emplace_back();
      ++i;
    } else if (c == ']') {
      --depth;
      ++i;
    } else if (depth == 2 && (c == '-' || (c >= '0' && c <= '9'))) {
      char* end = nullptr;
      rows.back().push_back(std::strtof(s.c_str() + i, &end));
      i = static_cast<std::size_t>(end - s.c_str());
    } else {
      ++i;
    }
  }
  return rows;
}

struct Summary {
  double best = 0, median = 0;
};

Summary summarize(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return {v.front(), n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])};
}

int run(int argc, char** argv) {
  auto arg = [&](int i, long fallback) { return argc > i ? std::atol(argv[i]) : fallback; };
  const int rounds = static_cast<int>(std::max(1L, arg(1, 5)));
  const std::size_t n_texts = static_cast<std::size_t>(std::max(1L, arg(2, 64)));
  const int threads_arg = static_cast<int>(std::max(0L, arg(3, 0)));

  embeval::bench::WorkDir work("embeval-bench-gguf-");
  const std::optional<fs::path> model = model_path(work.path());
  if (!model) {
    std::fprintf(stderr,
                 "gguf_bench: model generation failed (needs python3-numpy and gguf-py "
                 "under the llama.cpp prefix); or set EMBEVAL_BENCH_GGUF\n");
    return 1;
  }
  const std::vector<std::string> texts = make_texts(n_texts);
  const std::vector<std::string_view> views(texts.begin(), texts.end());

  const std::string spec = "gguf:" + model->string() + "?query_prefix=&document_prefix=";
  const auto load_start = Clock::now();
  embeval::GgufEncoder enc(embeval::ModelSpec::parse(spec), threads_arg);
  const double load_s = seconds_since(load_start);
  const int threads = static_cast<int>(enc.threads());
  const std::size_t context = enc.context_tokens();

  const char* env = std::getenv("EMBEVAL_LLAMA_EMBEDDING");
  const fs::path exe = env ? fs::path(env) : kPrefix / "bin/llama-embedding";
  const bool have_tool = fs::exists(exe);
  embeval::DenseMatrix ours;  // the first round's vectors
  const fs::path all = work.path() / "texts.txt", one = work.path() / "one.txt";
  const fs::path out = work.path() / "out.json", log = work.path() / "log.txt";
  {
    std::ofstream f(all);
    for (const std::string& t : texts) f << t << "\n";
    std::ofstream(one) << "the\n";
  }

  std::printf("gguf encode: %s\n  %zu texts (8..200 words), %d rounds, %d threads, context %zu\n",
              model->filename().string().c_str(), texts.size(), rounds, threads, context);
  std::printf("  embeval model load %.3f s (not counted)\n", load_s);

  std::vector<double> ours_s, outside_share, tool_s, tool_full_s, tool_load_s;
  std::vector<double> ours_cpu, tool_cpu;
  bool tool_ok = have_tool, same_work = true;
  std::size_t our_tokens = 0;
  std::string check_line;
  auto run_ours = [&](bool first) {
    enc.reset_stats();
    const double cpu0 = cpu_seconds(RUSAGE_SELF);
    const auto t0 = Clock::now();
    embeval::EmbeddingBatch b = enc.encode(views, embeval::Role::kDocument);
    const double s = seconds_since(t0);
    ours_cpu.push_back(cpu_seconds(RUSAGE_SELF) - cpu0);
    EMBEVAL_CHECK(b.dense && b.dense->rows == texts.size(), "gguf_bench: wrong number of vectors");
    ours_s.push_back(s);
    outside_share.push_back((s - enc.stats().model_seconds) / s);
    our_tokens = enc.stats().tokens;
    if (first) ours = std::move(*b.dense);
  };
  // The first round's vectors of both sides must agree: same tokens, pooling, normalisation.
  auto check = [&](const ToolRun& full) {
    const auto theirs = read_array(out);
    char line[256];
    if (theirs.size() != texts.size()) {
      std::snprintf(line, sizeof line, "llama-embedding printed %zu of %zu vectors", theirs.size(),
                    texts.size());
      same_work = false;
      check_line = line;
      return;
    }
    double max_diff = 0, min_cos = 1;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const float* a = ours.row(i);
      same_work = same_work && theirs[i].size() == ours.cols;
      double dot = 0, na = 0, nb = 0;
      for (std::size_t d = 0; d < ours.cols && d < theirs[i].size(); ++d) {
        max_diff = std::max(max_diff, std::fabs(double{a[d]} - theirs[i][d]));
        dot += double{a[d]} * theirs[i][d];
        na += double{a[d]} * a[d];
        nb += double{theirs[i][d]} * theirs[i][d];
      }
      min_cos = std::min(min_cos, dot / std::sqrt(na * nb));
    }
    // The token count is the exact check. Both sides run exact attention (-fa off, and
    // GgufEncoder's default), so the vectors differ only by summation order across batch shapes;
    // with flash attention (f16 K/V) a 12-layer random-weight model drifted to a cosine of
    // ~0.9997. A different pooling, normalisation or text would be far below 0.999.
    same_work = same_work && min_cos > 0.999 && full.tokens == static_cast<long>(our_tokens);
    std::snprintf(line, sizeof line,
                  "vectors max |diff| %.1e, min cosine %.6f; tokens %ld vs embeval %zu -> %s",
                  max_diff, min_cos, full.tokens, our_tokens,
                  same_work ? "same work" : "MISMATCH: the ratio is not comparable");
    check_line = line;
  };
  auto run_theirs = [&](bool first) {
    if (!tool_ok) return;
    const ToolRun load = run_tool(exe, *model, one, threads, context, out, log);
    const ToolRun full = run_tool(exe, *model, all, threads, context, out, log);
    if (!load.ok || !full.ok) {
      tool_ok = false;
      return;
    }
    if (first) check(full);
    tool_load_s.push_back(load.seconds);
    tool_full_s.push_back(full.seconds);
    tool_s.push_back(full.seconds - load.seconds);
    tool_cpu.push_back(full.cpu_seconds - load.cpu_seconds);
  };
  for (int r = 0; r < rounds; ++r) {
    // Alternate who goes first, so a slow phase of the machine does not favour one side.
    if (r % 2 == 0) {
      run_ours(r == 0);
      run_theirs(r == 0);
    } else {
      run_theirs(false);
      run_ours(false);
    }
  }

  const double tokens = static_cast<double>(our_tokens);
  auto row = [&](const char* name, const Summary& s) {
    std::printf("  %-52s %8.3f %8.3f %10.0f\n", name, s.best, s.median, tokens / s.best);
  };
  const Summary o = summarize(ours_s), share = summarize(outside_share);
  std::printf("\n  %-52s %8s %8s %10s\n", "time per pass over the texts (s)", "best", "median",
              "tokens/s");
  row("embeval GgufEncoder::encode", o);
  row("  embeval CPU seconds (all threads)", summarize(ours_cpu));
  if (tool_ok && !tool_s.empty()) {
    const Summary t = summarize(tool_s);
    row("llama-embedding (all texts - one text)", t);
    row("  llama-embedding CPU seconds (all - one)", summarize(tool_cpu));
    row("  llama-embedding process on all texts", summarize(tool_full_s));
    row("  llama-embedding process on one text (load)", summarize(tool_load_s));
    std::printf("\ncheck (round 1): %s\n", check_line.c_str());
    std::printf("\nratios (throughput, embeval / llama-embedding; target >= 1.0):\n");
    std::printf("  best / best       = %.3fx\n", t.best / o.best);
    std::printf("  median / median   = %.3fx\n", t.median / o.median);
    const Summary oc = summarize(ours_cpu), tc = summarize(tool_cpu);
    std::printf(
        "  CPU time, best / best     = %.3fx   (less sensitive to other load on the "
        "machine)\n",
        tc.best / oc.best);
    std::printf("  CPU time, median / median = %.3fx\n", tc.median / oc.median);
    if (!same_work) std::printf("  (the check found different work: not comparable)\n");
  } else if (!have_tool) {
    std::printf(
        "\nllama-embedding not found at %s: reference missing, no ratio\n"
        "  (build it with EMBEVAL_LLAMA_TOOLS=ON scripts/setup_llama.sh, or set "
        "EMBEVAL_LLAMA_EMBEDDING)\n",
        exe.string().c_str());
  } else {
    std::printf("\nllama-embedding failed (its log follows): reference missing, no ratio\n");
    std::ifstream f(log);
    for (std::string line; std::getline(f, line);) std::printf("    %s\n", line.c_str());
  }
  std::printf("\nembeval time outside llama.cpp calls (target < 5%%): best %.2f%%, median %.2f%%\n",
              100 * share.best, 100 * share.median);
  compare_decoder(work.path(), views, rounds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gguf_bench: %s\n", e.what());
    return 1;
  }
}
