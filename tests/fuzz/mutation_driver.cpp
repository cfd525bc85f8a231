// A small, deterministic mutation fuzzer that drives any LLVMFuzzerTestOneInput target without
// libFuzzer, so CI runs every target with the compiler it already has (release and ASan+UBSan).
// No coverage feedback: it replays every seed, then feeds mutants of the seeds. docs/fuzzing.md.
//
//   <target>_fuzz [--iterations N] [--seconds S] [--seed X] [--max-len BYTES] [--timeout S]
//                 [--artifacts DIR] SEED_FILE_OR_DIR...
//
// Determinism: the PRNG is SplitMix64 (Steele, Lea, Flood 2014; the constants of Java's
// SplittableRandom) seeded with --seed (default 0x656d626576616c, "embeval"); seeds are read in
// path order. The sequence of inputs is therefore a function of (seeds, --seed, --max-len) only;
// --seconds can only cut it short (the count run is printed, so a failure is reproducible with
// --iterations set to that count).
//
// Each mutant starts from a seed (or, one time in four, from the previous mutant) and receives
// 1 to 8 stacked mutations: bit flips, random or boundary bytes, boundary integers written in
// little endian (binary headers), inserted, deleted or duplicated ranges, a splice with another
// seed, a hostile token (huge numbers, NaN, quotes, roff string definitions...) inserted or
// replacing a run of digits, and truncation.
//
// A failure is: an abort (including an exception other than InputError, see fuzz_target.h), a
// fatal signal, a sanitizer report, an input running longer than --timeout seconds, or an
// allocation above EMBEVAL_FUZZ_MAX_MB (default 2048) MiB. The failing input is printed (escaped)
// and, with --artifacts DIR or EMBEVAL_FUZZ_ARTIFACTS, written to DIR/<target>-failure.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMBEVAL_FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define EMBEVAL_FUZZ_ASAN 1
#endif
#ifdef EMBEVAL_FUZZ_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#ifdef EMBEVAL_FUZZ_ASAN
// Read by ASan at start-up; ASAN_OPTIONS from the environment override these. A reader that asks
// for more than the limit at once gets a report (a memory bomb), not a swap storm.
extern "C" const char* __asan_default_options() {
  return "max_allocation_size_mb=2048:allocator_may_return_null=0:handle_abort=0";
}
#endif

namespace {

namespace fs = std::filesystem;

// SplitMix64: 64 bits of state, every seed valid, fast, and simple enough to re-implement in
// any language if someone needs to replay a sequence outside this file.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0 (modulo bias is irrelevant for fuzzing).
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// Tokens that have broken readers before (issue 10) or sit on a boundary of one.
const std::vector<std::string_view> kTokens = {"0",
                                               "-1",
                                               "-0",
                                               "1",
                                               "2147483647",
                                               "2147483648",
                                               "-2147483649",
                                               "4294967296",
                                               "9223372036854775807",
                                               "18446744073709551616",
                                               "99999999999999999999999",
                                               "1e308",
                                               "1e-320",
                                               "1e100",
                                               "-1e100",
                                               "NaN",
                                               "nan",
                                               "inf",
                                               "-inf",
                                               "0x10",
                                               "1.5",
                                               "",
                                               " ",
                                               "\t",
                                               "\n",
                                               "\r\n",
                                               "\r",
                                               "\v",
                                               std::string_view("\0", 1),
                                               "\"",
                                               "\\",
                                               "\\u0000",
                                               "\\ud800",
                                               "{",
                                               "}",
                                               "[",
                                               "]",
                                               ":",
                                               ",",
                                               "null",
                                               "true",
                                               "\"_id\"",
                                               "\"dimensions\"",
                                               "\"vectors\"",
                                               "\"words\"",
                                               "\xc3\x28",
                                               "\xed\xa0\x80",
                                               "\xef\xbb\xbf",
                                               "\xff\xfe",
                                               "\xf4\x90\x80\x80",
                                               ".ds x \\*x\\*x\n",
                                               "\\*x",
                                               ".de",
                                               ".so ",
                                               ".TH",
                                               ".SH",
                                               ".Dd",
                                               ".Nm",
                                               ".Bl",
                                               ".El",
                                               ".It",
                                               "\\f",
                                               "\\(",
                                               "\\[",
                                               "\\s",
                                               "\\n",
                                               "\\w",
                                               ".if",
                                               ".ie",
                                               ".el",
                                               "\\{",
                                               "\\}",
                                               "?",
                                               "&",
                                               "=",
                                               "%",
                                               "%00",
                                               "%ff",
                                               ":",
                                               "/",
                                               "../",
                                               "Q0",
                                               "query-id\tcorpus-id\tscore\n"};

const std::vector<std::uint64_t> kBoundaryIntegers = {0,
                                                      1,
                                                      2,
                                                      0x7f,
                                                      0x80,
                                                      0xff,
                                                      0x7fff,
                                                      0x8000,
                                                      0xffff,
                                                      0x7fffffff,
                                                      0x80000000,
                                                      0xffffffff,
                                                      0x100000000ULL,
                                                      0x7fffffffffffffffULL,
                                                      0x8000000000000000ULL,
                                                      0xffffffffffffffffULL};

const char kInterestingBytes[] = {0,
                                  1,
                                  0x7f,
                                  static_cast<char>(0x80),
                                  static_cast<char>(0xff),
                                  '\n',
                                  '\r',
                                  '\t',
                                  ' ',
                                  '"',
                                  '\\',
                                  '.',
                                  '-',
                                  '0',
                                  '9',
                                  'e',
                                  '%'};

std::string mutate_once(std::string s, const std::vector<std::string>& seeds, SplitMix64& rng,
                        std::size_t max_len) {
  const std::size_t op = rng.below(12);
  const std::size_t n = s.size();
  switch (op) {
    case 0:  // flip one bit
      if (n) s[rng.below(n)] ^= static_cast<char>(1u << rng.below(8));
      break;
    case 1:  // random byte
      if (n) s[rng.below(n)] = static_cast<char>(rng.below(256));
      break;
    case 2:  // boundary byte
      if (n) s[rng.below(n)] = kInterestingBytes[rng.below(sizeof kInterestingBytes)];
      break;
    case 3: {  // boundary integer, little endian, 1/2/4/8 bytes, overwriting
      const std::size_t width = std::size_t{1} << rng.below(4);
      if (n < width) break;
      const std::size_t at = rng.below(n - width + 1);
      std::uint64_t v = kBoundaryIntegers[rng.below(kBoundaryIntegers.size())];
      for (std::size_t i = 0; i < width; ++i, v >>= 8) s[at + i] = static_cast<char>(v & 0xff);
      break;
    }
    case 4: {  // insert 1..8 random bytes
      std::string bytes(1 + rng.below(8), '\0');
      for (char& c : bytes) c = static_cast<char>(rng.below(256));
      s.insert(rng.below(n + 1), bytes);
      break;
    }
    case 5: {  // delete a range
      if (!n) break;
      const std::size_t at = rng.below(n);
      s.erase(at, 1 + rng.below(std::max<std::size_t>(1, (n - at) / 4 + 1)));
      break;
    }
    case 6: {  // duplicate a range somewhere else
      if (!n) break;
      const std::size_t at = rng.below(n);
      const std::size_t len = 1 + rng.below(std::min<std::size_t>(n - at, 256));
      const std::string chunk = s.substr(at, len);
      s.insert(rng.below(n + 1), chunk);
      break;
    }
    case 7: {  // splice: a chunk of another seed inserted, or our head + its tail
      const std::string& other = seeds[rng.below(seeds.size())];
      if (other.empty()) break;
      const std::size_t from = rng.below(other.size());
      if (rng.below(2)) {
        s.insert(rng.below(n + 1), other.substr(from, 1 + rng.below(other.size() - from)));
      } else {
        s = s.substr(0, rng.below(n + 1)) + other.substr(from);
      }
      break;
    }
    case 8:  // insert a hostile token
    case 9: {
      const std::string_view token = kTokens[rng.below(kTokens.size())];
      s.insert(rng.below(n + 1), token);
      break;
    }
    case 10: {  // replace a run of digits by a hostile token
      if (!n) break;
      const std::size_t start = rng.below(n);
      std::size_t at = start;
      while (at < n && (s[at] < '0' || s[at] > '9')) ++at;
      if (at == n) break;
      std::size_t end = at;
      while (end < n && s[end] >= '0' && s[end] <= '9') ++end;
      s.replace(at, end - at, kTokens[rng.below(11) + 3]);  // the numeric tokens
      break;
    }
    case 11:  // truncate
      if (n) s.resize(rng.below(n));
      break;
  }
  if (s.size() > max_len) s.resize(max_len);
  return s;
}

// What the signal handlers print: the input being run. Globals because handlers take no context.
const std::string* g_current = nullptr;
const char* g_target = "fuzz";
std::string g_artifacts;
std::string g_origin;  // "seed FILE" or "mutant N of seed FILE"

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}
void write_str(int fd, const char* s) { write_all(fd, s, std::strlen(s)); }

// Async-signal-safe: only write(2) and open(2) on preformatted or static buffers.
void report_current_input(const char* why) {
  write_str(2, "\nembeval fuzz: FAILURE (");
  write_str(2, why);
  write_str(2, ") in target ");
  write_str(2, g_target);
  write_str(2, " on ");
  write_str(2, g_origin.c_str());
  write_str(2, "\n");
  if (g_current == nullptr) return;
  write_str(2, "input (C-escaped, first 4096 bytes):\n\"");
  static char buf[8];
  const std::size_t shown = std::min<std::size_t>(g_current->size(), 4096);
  for (std::size_t i = 0; i < shown; ++i) {
    const unsigned char c = static_cast<unsigned char>((*g_current)[i]);
    if (c == '\\' || c == '"') {
      buf[0] = '\\';
      buf[1] = static_cast<char>(c);
      write_all(2, buf, 2);
    } else if (c == '\n') {
      write_all(2, "\\n", 2);
    } else if (c >= 0x20 && c < 0x7f) {
      buf[0] = static_cast<char>(c);
      write_all(2, buf, 1);
    } else {
      static const char hex[] = "0123456789abcdef";
      buf[0] = '\\';
      buf[1] = 'x';
      buf[2] = hex[c >> 4];
      buf[3] = hex[c & 15];
      write_all(2, buf, 4);
    }
  }
  write_str(2, "\"\n");
  if (!g_artifacts.empty()) {
    const std::string& path = g_artifacts;  // preformatted before any input runs
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      write_all(fd, g_current->data(), g_current->size());
      ::close(fd);
      write_str(2, "written to ");
      write_str(2, path.c_str());
      write_str(2, "\n");
    }
  }
}

void on_fatal_signal(int sig) {
  report_current_input(sig == SIGABRT ? "abort" : "fatal signal");
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void on_timeout(int) {
  report_current_input("timeout: the input ran longer than --timeout seconds (a hang?)");
  ::_exit(70);
}

#ifdef EMBEVAL_FUZZ_ASAN
void on_sanitizer_death() { report_current_input("sanitizer report above"); }
#endif

void install_handlers() {
#ifdef EMBEVAL_FUZZ_ASAN
  // ASan reports SEGV/BUS/FPE itself (better than we could); it then calls this.
  __sanitizer_set_death_callback(on_sanitizer_death);
  for (int sig : {SIGABRT, SIGILL}) ::signal(sig, on_fatal_signal);
#else
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, on_fatal_signal);
  // A memory bomb should fail fast as bad_alloc (an escaped exception), not exhaust the machine.
  const char* env = std::getenv("EMBEVAL_FUZZ_MAX_MB");
  const rlim_t mib = env ? std::strtoull(env, nullptr, 10) : 2048;
  const rlimit limit{mib << 20, mib << 20};
  ::setrlimit(RLIMIT_AS, &limit);
#endif
  ::signal(SIGALRM, on_timeout);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int usage() {
  std::fprintf(stderr,
               "usage: %s [--iterations N] [--seconds S] [--seed X] [--max-len BYTES] "
               "[--timeout S] [--artifacts DIR] SEED_FILE_OR_DIR...\n",
               g_target);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t iterations = 0;
  double seconds = 0;  // 0: no time cap
  std::uint64_t seed = 0x656d626576616cULL;
  std::size_t max_len = 64 * 1024;
  unsigned timeout = 30;
  std::string artifacts =
      std::getenv("EMBEVAL_FUZZ_ARTIFACTS") ? std::getenv("EMBEVAL_FUZZ_ARTIFACTS") : "";
  std::vector<fs::path> seed_paths;
  g_target = argv[0];
  if (const char* slash = std::strrchr(argv[0], '/')) g_target = slash + 1;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--iterations" && has_value) {
      iterations = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--seconds" && has_value) {
      seconds = std::strtod(argv[++i], nullptr);
    } else if (arg == "--seed" && has_value) {
      seed = std::strtoull(argv[++i], nullptr, 0);
    } else if (arg == "--max-len" && has_value) {
      max_len = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--timeout" && has_value) {
      timeout = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--artifacts" && has_value) {
      artifacts = argv[++i];
    } else if (arg.starts_with("-")) {
      return usage();
    } else if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) seed_paths.push_back(entry.path());
      }
    } else if (fs::is_regular_file(arg)) {
      seed_paths.emplace_back(arg);
    } else {
      std::fprintf(stderr, "%s: no seed file or folder %s\n", g_target, argv[i]);
      return 2;
    }
  }
  if (seed_paths.empty()) return usage();
  std::sort(seed_paths.begin(), seed_paths.end());
  if (!artifacts.empty()) g_artifacts = artifacts + "/" + g_target + "-failure";

  std::vector<std::string> seeds;
  for (const auto& p : seed_paths) seeds.push_back(read_file(p));
  install_handlers();

  auto run = [&](const std::string& input) {
    g_current = &input;
    ::alarm(timeout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    ::alarm(0);
    g_current = nullptr;
  };

  for (std::size_t i = 0; i < seeds.size(); ++i) {
    g_origin = "seed " + seed_paths[i].string();
    run(seeds[i]);
  }

  SplitMix64 rng(seed);
  const auto start = std::chrono::steady_clock::now();
  std::string previous;
  std::size_t done = 0;
  for (; done < iterations; ++done) {
    if (seconds > 0 && done % 16 == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds) {
      break;
    }
    const std::size_t from = rng.below(seeds.size());
    const bool continue_previous = !previous.empty() && rng.below(4) == 0;
    std::string input = continue_previous ? previous : seeds[from];
    const std::size_t rounds = 1 + rng.below(8);
    for (std::size_t r = 0; r < rounds; ++r)
      input = mutate_once(std::move(input), seeds, rng, max_len);
    g_origin = "mutant " + std::to_string(done + 1) + " (--seed " + std::to_string(seed) +
               ", last seed " + seed_paths[from].string() + ")";
    run(input);
    previous = std::move(input);
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu seeds replayed, %zu of %zu mutants run in %.1f s (--seed %llu)\n", g_target,
              seeds.size(), done, iterations, elapsed, static_cast<unsigned long long>(seed));
  return 0;
}
