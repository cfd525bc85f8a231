// The Word2Vec training loop. The arithmetic follows the reference word2vec.c so that results
// and speed can be compared with it: the same sigmoid table (1000 entries over [-6, 6]), the same
// linear congruential generator, the same unigram^0.75 table, subsampling formula, window
// shrink, initialisation and learning-rate schedule. Threads update the shared matrices without
// locks (Hogwild): races only lose an occasional small update, which SGD tolerates, and locking
// would cost most of the speed.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/train/word2vec.h"
#include "embeval/util/stopwatch.h"
#include "train/word2vec_kernels.h"

namespace embeval {
namespace {

constexpr int kExpTableSize = 1000;
constexpr float kMaxExp = 6.0f;
// Words between two learning-rate updates (and progress counter flushes), as in word2vec.c.
constexpr std::uint64_t kAlphaUpdateWords = 10000;

std::uint64_t next_random(std::uint64_t& state) {
  state = state * 25214903917ULL + 11;
  return state;
}

// Sigmoid at kExpTableSize + 1 points over [-kMaxExp, kMaxExp].
std::vector<float> make_sigmoid_table() {
  std::vector<float> table(kExpTableSize + 1);
  for (int i = 0; i <= kExpTableSize; ++i) {
    const double e = std::exp((static_cast<double>(i) / kExpTableSize * 2 - 1) * kMaxExp);
    table[i] = static_cast<float>(e / (e + 1));
  }
  return table;
}

// Huffman codes over word counts (counts sorted decreasingly). For word w, codes[w][d] is the
// branch (0/1) taken at inner node points[w][d], root first. Inner nodes are numbered 0..V-2.
struct HuffmanTree {
  std::vector<std::vector<std::uint8_t>> codes;
  std::vector<std::vector<std::uint32_t>> points;
};

HuffmanTree build_huffman_tree(const std::vector<std::uint64_t>& counts) {
  const std::size_t v = counts.size();
  EMBEVAL_CHECK(v >= 2, "a Huffman tree needs two words");
  std::vector<std::uint64_t> count(2 * v, ~std::uint64_t{0} / 2);
  std::copy(counts.begin(), counts.end(), count.begin());
  std::vector<std::size_t> parent(2 * v, 0);
  std::vector<std::uint8_t> branch(2 * v, 0);
  // Leaves are sorted decreasingly and merged nodes are created in increasing order, so the two
  // smallest are always at one of the two cursors (no heap needed).
  std::ptrdiff_t leaf = static_cast<std::ptrdiff_t>(v) - 1;
  std::size_t inner = v;
  auto take_smallest = [&]() {
    if (leaf >= 0 && count[static_cast<std::size_t>(leaf)] < count[inner]) {
      return static_cast<std::size_t>(leaf--);
    }
    return inner++;
  };
  for (std::size_t a = 0; a + 1 < v; ++a) {
    const std::size_t min1 = take_smallest();
    const std::size_t min2 = take_smallest();
    count[v + a] = count[min1] + count[min2];
    parent[min1] = v + a;
    parent[min2] = v + a;
    branch[min2] = 1;
  }
  const std::size_t root = 2 * v - 2;
  HuffmanTree tree;
  tree.codes.resize(v);
  tree.points.resize(v);
  for (std::size_t w = 0; w < v; ++w) {
    std::vector<std::uint8_t> code;
    std::vector<std::uint32_t> path;  // nodes from the leaf up to (not including) the root
    for (std::size_t node = w; node != root; node = parent[node]) {
      code.push_back(branch[node]);
      path.push_back(static_cast<std::uint32_t>(node));
    }
    const std::size_t len = code.size();
    tree.codes[w].resize(len);
    tree.points[w].resize(len);
    for (std::size_t d = 0; d < len; ++d) {
      tree.codes[w][d] = code[len - 1 - d];
      // Inner node decisions: the root is inner node v-2; others are parent ids shifted by v.
      tree.points[w][d] = d == 0 ? static_cast<std::uint32_t>(v - 2)
                                 : static_cast<std::uint32_t>(path[len - d] - v);
    }
  }
  return tree;
}

// Negative samples are drawn from counts^0.75 through a table of word ids.
std::vector<std::uint32_t> make_unigram_table(const std::vector<std::uint64_t>& counts) {
  const std::size_t v = counts.size();
  const std::size_t size = std::clamp<std::size_t>(v * 200, 1'000'000, 20'000'000);
  double total = 0;
  for (std::uint64_t c : counts) total += std::pow(static_cast<double>(c), 0.75);
  std::vector<std::uint32_t> table(size);
  std::size_t word = 0;
  double cumulative = std::pow(static_cast<double>(counts[0]), 0.75) / total;
  for (std::size_t a = 0; a < size; ++a) {
    table[a] = static_cast<std::uint32_t>(word);
    if (static_cast<double>(a) / size > cumulative && word + 1 < v) {
      ++word;
      cumulative += std::pow(static_cast<double>(counts[word]), 0.75) / total;
    }
  }
  return table;
}

struct SharedState {
  const Word2VecCorpus* corpus;
  const Word2VecOptions* options;
  std::size_t dim;
  float* syn0;     // V x dim input vectors (the result)
  float* syn1;     // V x dim hierarchical-softmax inner nodes
  float* syn1neg;  // V x dim negative-sampling output vectors
  const std::vector<float>* sigmoid;
  const std::vector<std::uint32_t>* unigram;
  const HuffmanTree* huffman;
  std::vector<double> keep_probability;  // subsampling, per word
  double starting_alpha;
  std::uint64_t total_words;  // epochs * train_words: the schedule's horizon
  std::atomic<std::uint64_t> word_count_actual{0};
  std::atomic<float> alpha{0};
  // Set by the first thread that meets a NaN dot product (training diverged): all stop.
  std::atomic<bool> diverged{false};
  std::atomic<std::size_t> diverged_epoch{0};
};

// One thread's private state. `random` follows word2vec.c's generator; `saw_nan` is set when a
// dot product is NaN, i.e. the vectors have diverged (a too-large --alpha).
struct ThreadState {
  std::uint64_t random;
  bool saw_nan = false;
};

// A uniform integer in [0, n) from the generator's high 32 bits, by multiply-shift: word2vec.c's
// `% table_size` is a constant there, but a variable here, and a 64-bit division per negative
// sample cost more than the sample's dot product.
[[gnu::always_inline]] inline std::uint64_t draw_below(std::uint64_t& state, std::uint64_t n) {
  return ((next_random(state) >> 32) * n) >> 32;
}

// The table index is clamped, so that no value of f (inf, NaN from a diverged run) can read
// outside the table; callers handle |f| >= kMaxExp before and NaN after.
[[gnu::always_inline]] inline float sigmoid_lookup(const float* table, float f) {
  const float x = (f + kMaxExp) * (kExpTableSize / kMaxExp / 2);
  const int i = x >= 0 ? (x <= kExpTableSize ? static_cast<int>(x) : kExpTableSize) : 0;
  return table[i];
}

// One prediction step for input vector `in` (the CBOW mean or a skip-gram context word):
// accumulates the input's gradient into `grad`.
[[gnu::always_inline]] inline void learn(SharedState& s, std::uint32_t word, const float* in,
                                         float* grad, float alpha, ThreadState& ts) {
  const std::size_t dim = s.dim;
  const float* sigmoid = s.sigmoid->data();
  if (s.options->hierarchical_softmax) {
    const auto& code = s.huffman->codes[word];
    const auto& point = s.huffman->points[word];
    for (std::size_t d = 0; d < code.size(); ++d) {
      float* out = s.syn1 + static_cast<std::size_t>(point[d]) * dim;
      float f = w2v::dot(in, out, dim);
      if (f <= -kMaxExp || f >= kMaxExp) continue;  // saturated: no useful gradient
      if (std::isnan(f)) [[unlikely]] {
        ts.saw_nan = true;
        continue;
      }
      f = sigmoid_lookup(sigmoid, f);
      const float g = (1.0f - static_cast<float>(code[d]) - f) * alpha;
      w2v::accumulate_and_update(grad, out, in, g, dim);
    }
  }
  const std::size_t negative = s.options->negative;
  if (negative == 0) return;
  // Draw the negative samples first and prefetch their rows: they are random rows of a large
  // matrix, and the loads overlap with the arithmetic on the rows already in cache. The
  // generator is called in the same order as drawing them one by one.
  constexpr std::size_t kMaxPrefetched = 64;
  std::uint32_t targets[kMaxPrefetched + 1];
  const std::uint32_t* table = s.unigram->data();
  const std::uint64_t table_size = s.unigram->size();
  const std::size_t batch = std::min(negative, kMaxPrefetched);
  targets[0] = word;
  for (std::size_t d = 1; d <= negative; ++d) {
    if (d > batch) break;
    targets[d] = table[draw_below(ts.random, table_size)];
    __builtin_prefetch(s.syn1neg + static_cast<std::size_t>(targets[d]) * dim, 1);
  }
  for (std::size_t d = 0; d < negative + 1; ++d) {
    std::uint32_t target;
    float label;
    if (d == 0) {
      target = word;
      label = 1;
    } else {
      target = d <= batch ? targets[d] : table[draw_below(ts.random, table_size)];
      if (target == word) continue;
      label = 0;
    }
    float* out = s.syn1neg + static_cast<std::size_t>(target) * dim;
    const float f = w2v::dot(in, out, dim);
    float g;
    if (f > kMaxExp) {
      g = (label - 1) * alpha;
    } else if (f < -kMaxExp) {
      g = label * alpha;
    } else if (std::isnan(f)) [[unlikely]] {
      ts.saw_nan = true;
      continue;
    } else {
      g = (label - sigmoid_lookup(sigmoid, f)) * alpha;
    }
    w2v::accumulate_and_update(grad, out, in, g, dim);
  }
}

// The whole loop of one thread is cloned per instruction set (AVX-512, AVX2, baseline) and the
// best one for the CPU is picked when the program loads: the build stays portable (no -march)
// and the kernels inlined here use the widest vectors the CPU has. word2vec_kernels.h explains
// why all clones compute the same numbers.
__attribute__((target_clones("avx512f", "avx2", "default"), optimize("fp-contract=off"))) void
train_thread(SharedState& s, std::size_t thread_id, std::size_t first_sentence,
             std::size_t end_sentence) {
  const Word2VecCorpus& corpus = *s.corpus;
  const Word2VecOptions& options = *s.options;
  const std::size_t dim = s.dim;
  const std::size_t window = options.window;
  const bool cbow = options.architecture == Word2VecOptions::Architecture::kCbow;
  ThreadState ts{options.seed + thread_id * 0x9E3779B97F4A7C15ULL};
  std::vector<float> neu1(dim), neu1e(dim);
  std::vector<std::uint32_t> sentence;
  std::uint64_t word_count = 0;
  std::uint64_t last_word_count = 0;
  float alpha = static_cast<float>(s.starting_alpha);

  for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
    for (std::size_t si = first_sentence; si < end_sentence; ++si) {
      if (word_count - last_word_count > kAlphaUpdateWords) {
        if (ts.saw_nan && !s.diverged.exchange(true)) s.diverged_epoch.store(epoch + 1);
        if (s.diverged.load(std::memory_order_relaxed)) return;
        const std::uint64_t done = s.word_count_actual.fetch_add(word_count - last_word_count) +
                                   (word_count - last_word_count);
        last_word_count = word_count;
        alpha = static_cast<float>(s.starting_alpha *
                                   (1.0 - static_cast<double>(done) / (s.total_words + 1)));
        alpha = std::max(alpha, static_cast<float>(s.starting_alpha * 1e-4));
        s.alpha.store(alpha, std::memory_order_relaxed);
      }
      // Subsampling: frequent words are dropped with probability 1 - keep_probability.
      sentence.clear();
      for (std::size_t t = corpus.sentence_starts[si]; t < corpus.sentence_starts[si + 1]; ++t) {
        const std::uint32_t w = corpus.tokens[t];
        ++word_count;
        if (options.sample > 0) {
          const double keep = s.keep_probability[w];
          if (keep < static_cast<double>(next_random(ts.random) & 0xFFFF) / 65536) continue;
        }
        sentence.push_back(w);
      }
      const std::ptrdiff_t length = static_cast<std::ptrdiff_t>(sentence.size());
      for (std::ptrdiff_t pos = 0; pos < length; ++pos) {
        const std::uint32_t word = sentence[static_cast<std::size_t>(pos)];
        // Effective window in [1, window]: nearer words are seen more often.
        const std::size_t b = draw_below(ts.random, window);
        const std::ptrdiff_t lo = pos - static_cast<std::ptrdiff_t>(window - b);
        const std::ptrdiff_t hi = pos + static_cast<std::ptrdiff_t>(window - b);
        if (cbow) {
          std::fill(neu1.begin(), neu1.end(), 0.0f);
          std::fill(neu1e.begin(), neu1e.end(), 0.0f);
          std::size_t context = 0;
          for (std::ptrdiff_t c = std::max<std::ptrdiff_t>(lo, 0); c <= std::min(hi, length - 1);
               ++c) {
            if (c == pos) continue;
            const float* v = s.syn0 + static_cast<std::size_t>(sentence[c]) * dim;
            for (std::size_t j = 0; j < dim; ++j) neu1[j] += v[j];
            ++context;
          }
          if (context == 0) continue;
          const float inv = 1.0f / static_cast<float>(context);
          for (std::size_t j = 0; j < dim; ++j) neu1[j] *= inv;
          learn(s, word, neu1.data(), neu1e.data(), alpha, ts);
          for (std::ptrdiff_t c = std::max<std::ptrdiff_t>(lo, 0); c <= std::min(hi, length - 1);
               ++c) {
            if (c == pos) continue;
            float* v = s.syn0 + static_cast<std::size_t>(sentence[c]) * dim;
            for (std::size_t j = 0; j < dim; ++j) v[j] += neu1e[j];
          }
        } else {
          for (std::ptrdiff_t c = std::max<std::ptrdiff_t>(lo, 0); c <= std::min(hi, length - 1);
               ++c) {
            if (c == pos) continue;
            float* v = s.syn0 + static_cast<std::size_t>(sentence[c]) * dim;
            std::fill(neu1e.begin(), neu1e.end(), 0.0f);
            learn(s, word, v, neu1e.data(), alpha, ts);
            for (std::size_t j = 0; j < dim; ++j) v[j] += neu1e[j];
          }
        }
      }
    }
    if (ts.saw_nan && !s.diverged.exchange(true)) s.diverged_epoch.store(epoch + 1);
    if (s.diverged.load()) return;
  }
  s.word_count_actual.fetch_add(word_count - last_word_count);
}

// Limits far beyond any useful setting that keep the arithmetic and memory sane: a window or
// sample count is work per word; larger values only turn a typo into hours of work.
constexpr std::size_t kMaxDim = 10000;
constexpr std::size_t kMaxWindow = 1000;
constexpr std::size_t kMaxNegative = 1000;
constexpr std::size_t kMaxEpochs = 10000;
constexpr std::size_t kMaxThreads = 1024;

void option_error(const std::string& what, const std::string& hint) {
  throw InputError("invalid word2vec option: " + what, {}, 0, hint);
}

void validate(const Word2VecCorpus& corpus, const Word2VecOptions& o) {
  check_word2vec_options(o);
  const auto bad = option_error;
  if (o.hierarchical_softmax && corpus.words.size() < 2) {
    bad("hierarchical softmax needs at least two words in the vocabulary", "lower --min-count");
  }
  // The matrices must fit in memory (this also keeps V * dim from overflowing).
  const std::size_t matrices = 1 + (o.hierarchical_softmax ? 1 : 0) + (o.negative > 0 ? 1 : 0);
  const double bytes = static_cast<double>(corpus.words.size()) * static_cast<double>(o.dim) *
                       sizeof(float) * static_cast<double>(matrices);
  const double physical =
      static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  if (physical > 0 && bytes > physical) {
    bad(std::to_string(corpus.words.size()) + " words x --dim " + std::to_string(o.dim) + " need " +
            std::to_string(static_cast<long long>(bytes / 1e9)) + " GB, more than this machine's " +
            std::to_string(static_cast<long long>(physical / 1e9)) + " GB",
        "lower --dim, or raise --min-count / set --max-vocab");
  }
  EMBEVAL_CHECK(corpus.words.size() == corpus.counts.size(), "corpus counts");
  EMBEVAL_CHECK(!corpus.sentence_starts.empty(), "corpus sentence sentinel");
}

// Index of the first row holding a NaN or infinite value, or rows when all are finite.
std::size_t first_non_finite_row(const std::vector<float>& m, std::size_t dim) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (!std::isfinite(m[i])) return i / dim;
  }
  return m.size() / dim;
}

}  // namespace

void check_word2vec_options(const Word2VecOptions& o) {
  const auto bad = option_error;
  auto range = [&](const char* flag, std::size_t value, std::size_t low, std::size_t high,
                   const std::string& hint) {
    if (value < low || value > high) {
      bad(std::string(flag) + " is " + std::to_string(value) + ", must be in [" +
              std::to_string(low) + ", " + std::to_string(high) + "]",
          hint);
    }
  };
  range("--dim", o.dim, 1, kMaxDim, "100-300 is usual");
  range("--window", o.window, 1, kMaxWindow, "5 is usual (10 for skip-gram)");
  range("--epochs", o.epochs, 1, kMaxEpochs, "5 is usual");
  range("--threads", o.threads, 1, kMaxThreads, "use the number of cores");
  range("--negative", o.negative, 0, kMaxNegative, "5-20 is usual; 0 disables negative sampling");
  if (o.negative == 0 && !o.hierarchical_softmax) {
    bad("no output layer: --negative 0 without --hs", "use --negative 5 or --hs");
  }
  // Written so that NaN fails too.
  if (!(o.sample >= 0 && o.sample < 1)) {
    bad("--sample is " + std::to_string(o.sample) + ", must be in [0, 1)",
        "1e-3 to 1e-5; 0 disables subsampling");
  }
  if (!(o.alpha >= 0 && o.alpha < 1)) {
    bad("--alpha is " + std::to_string(o.alpha) + ", must be in [0, 1)",
        "0 selects the default (0.05 CBOW, 0.025 skip-gram); a rate near 1 makes training "
        "diverge");
  }
}

WordVectors train_word2vec(const Word2VecCorpus& corpus, const Word2VecOptions& options,
                           Word2VecStats* stats) {
  validate(corpus, options);
  const std::size_t v = corpus.words.size();
  const std::size_t dim = options.dim;
  const bool cbow = options.architecture == Word2VecOptions::Architecture::kCbow;

  std::vector<float> syn0(v * dim);
  std::vector<float> syn1(options.hierarchical_softmax ? v * dim : 0, 0.0f);
  std::vector<float> syn1neg(options.negative > 0 ? v * dim : 0, 0.0f);
  std::uint64_t init_random = options.seed;
  for (float& x : syn0) {
    x = (static_cast<float>(next_random(init_random) & 0xFFFF) / 65536.0f - 0.5f) /
        static_cast<float>(dim);
  }
  const std::vector<float> sigmoid = make_sigmoid_table();
  const std::vector<std::uint32_t> unigram =
      options.negative > 0 ? make_unigram_table(corpus.counts) : std::vector<std::uint32_t>{};
  const HuffmanTree huffman =
      options.hierarchical_softmax ? build_huffman_tree(corpus.counts) : HuffmanTree{};

  SharedState s;
  s.corpus = &corpus;
  s.options = &options;
  s.dim = dim;
  s.syn0 = syn0.data();
  s.syn1 = syn1.data();
  s.syn1neg = syn1neg.data();
  s.sigmoid = &sigmoid;
  s.unigram = &unigram;
  s.huffman = &huffman;
  s.starting_alpha = options.alpha > 0 ? options.alpha : (cbow ? 0.05 : 0.025);
  s.alpha.store(static_cast<float>(s.starting_alpha));
  s.total_words = options.epochs * corpus.train_words();
  s.keep_probability.resize(v, 1.0);
  if (options.sample > 0) {
    // word2vec.c: keep with probability (sqrt(f / t) + 1) * t / f, f = count / total.
    const double threshold = options.sample * static_cast<double>(corpus.train_words());
    for (std::size_t w = 0; w < v; ++w) {
      const double c = static_cast<double>(corpus.counts[w]);
      s.keep_probability[w] = (std::sqrt(c / threshold) + 1) * threshold / c;
    }
  }

  // Contiguous chunks with about the same number of tokens, split at sentence boundaries.
  const std::size_t sentences = corpus.sentence_starts.size() - 1;
  std::vector<std::size_t> bounds(options.threads + 1, sentences);
  bounds[0] = 0;
  for (std::size_t t = 1; t < options.threads; ++t) {
    const std::size_t target = corpus.tokens.size() * t / options.threads;
    bounds[t] = static_cast<std::size_t>(
        std::lower_bound(corpus.sentence_starts.begin(), corpus.sentence_starts.end() - 1, target) -
        corpus.sentence_starts.begin());
  }

  const bool progress = options.show_progress && std::getenv("EMBEVAL_NO_PROGRESS") == nullptr;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const Stopwatch start;
  std::atomic<std::size_t> finished{0};
  std::vector<double> thread_cpu_seconds(options.threads, 0.0);
  std::vector<std::thread> workers;
  workers.reserve(options.threads);
  for (std::size_t t = 0; t < options.threads; ++t) {
    workers.emplace_back([&, t] {
      train_thread(s, t, bounds[t], bounds[t + 1]);
      timespec cpu{};
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
      thread_cpu_seconds[t] = static_cast<double>(cpu.tv_sec) + cpu.tv_nsec * 1e-9;
      finished.fetch_add(1);
    });
  }
  double last_print_s = 0;
  while (finished.load() < options.threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const double seconds = start.seconds();
    if (!progress || seconds - last_print_s < (tty ? 0.2 : 5.0)) continue;
    last_print_s = seconds;
    const double done = static_cast<double>(s.word_count_actual.load());
    std::fprintf(stderr, "%sword2vec: %5.1f%%  alpha %.6f  %.1fk words/s/thread  %.1fs%s",
                 tty ? "\r\033[K" : "", 100.0 * done / (s.total_words + 1),
                 static_cast<double>(s.alpha.load()),
                 done / seconds / 1000.0 / static_cast<double>(options.threads), seconds,
                 tty ? "" : "\n");
    std::fflush(stderr);
  }
  for (std::thread& w : workers) w.join();
  const double seconds = start.seconds();
  if (progress) {
    std::fprintf(stderr,
                 "%sword2vec: %zu words, %llu tokens x %zu epochs in %.2fs, %.1fk words/s/thread\n",
                 tty ? "\r\033[K" : "", v, static_cast<unsigned long long>(corpus.train_words()),
                 options.epochs, seconds,
                 static_cast<double>(s.total_words) / seconds / 1000.0 /
                     static_cast<double>(options.threads));
  }
  if (stats) {
    stats->vocabulary = v;
    stats->train_words = corpus.train_words();
    stats->processed_words = s.word_count_actual.load();
    stats->seconds = seconds;
    stats->cpu_seconds = 0;
    for (double c : thread_cpu_seconds) stats->cpu_seconds += c;
  }
  // A diverged run (the loop saw a NaN) or one whose vectors overflowed to infinity must not
  // be written: every later similarity would be NaN.
  const std::size_t bad_row = first_non_finite_row(syn0, dim);
  if (s.diverged.load() || bad_row < v) {
    std::string where = bad_row < v ? " ('" + corpus.words[bad_row] + "' is NaN or infinite)" : "";
    const std::size_t epoch = s.diverged_epoch.load();
    const std::string when = epoch > 0 ? " in epoch " + std::to_string(epoch) : "";
    throw InputError(
        "word2vec training diverged" + when + ": the vectors became NaN or infinite" + where, {}, 0,
        "lower --alpha (now " + std::to_string(s.starting_alpha) +
            "; 0.025 skip-gram and 0.05 CBOW are the defaults)");
  }
  DenseMatrix matrix(v, dim);
  matrix.data = std::move(syn0);
  return WordVectors(corpus.words, std::move(matrix));
}

}  // namespace embeval
