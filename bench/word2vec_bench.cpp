// `embeval word2vec train` against the original word2vec.c on the same corpus and parameters, in
// one run, as a time ratio (target >= 1.0: embeval at least as fast), with both models' analogy
// accuracy on data/analogy/questions-facts.txt side by side.
//
//   word2vec_bench [rounds=2] [epochs=3] [threads=2]
//
// Corpus: GCIDE (Debian package dict-gcide: `apt-get install dict-gcide`, about 5.1M words),
// read from /usr/share/dictd/gcide.dict.dz, or $EMBEVAL_BENCH_CORPUS (a text file); when neither
// exists, the man pages installed here (the demo's corpus). EMBEVAL_BENCH_TOKENS caps it.
// The text is tokenized once by embeval's standard analyzer and written one line per sentence,
// rare words (count < 5) left out: both tools read that file, so they see the same tokens, the
// same sentences and the same vocabulary (the table prints both vocabulary sizes).
//
// word2vec.c: src/word2vec.c of the npm package word2vec 1.1.5, fetched with `npm pack` (version
// pinned, the tarball's SHA-256 checked; never copied into this repository) and compiled with the
// flags of that package's own makefile (gcc -O3 -march=native -funroll-loops ...: built for
// this CPU, which embeval is not). $EMBEVAL_WORD2VEC_C names a ready binary instead.
//
// Same work: skip-gram, dim 100, window 5, negative 5, no hierarchical softmax, sample 1e-3,
// min-count 5, alpha 0.025, binary output, the given epochs and threads. Both are processes
// timed from start to exit (reading the file, building the vocabulary, training, writing the
// vectors); CPU seconds (user + system of the child) are shown too: on a machine shared with
// other jobs they vary less than wall time. Rounds alternate which tool runs first.
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_work_dir.h"
#include "embeval/dataset/manpages.h"
#include "embeval/io/word_vectors.h"
#include "embeval/train/analogy.h"
#include "embeval/train/word2vec.h"

namespace {

namespace fs = std::filesystem;
using namespace embeval;

constexpr const char* kPackage = "word2vec@1.1.5";
constexpr const char* kTarball = "word2vec-1.1.5.tgz";
constexpr const char* kTarballSha256 =
    "3f8283efa8c629b0b18bad2488ec28feec7bf25349f7325ffd03fa38c387fa83";
// word2vec 1.1.5's src/makefile: CFLAGS = -lm -pthread -O3 -march=native -Wall -funroll-loops
// -Wno-unused-result -fno-stack-protector
constexpr const char* kMakefileFlags =
    "-lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result -fno-stack-protector";
const fs::path kGcide = "/usr/share/dictd/gcide.dict.dz";

std::string quote(const fs::path& p) {
  std::string s(1, '\'');
  s += p.string();
  s += '\'';
  return s;
}

// word2vec.c built from the pinned npm tarball, or nothing (with the reason printed).
fs::path build_word2vec_c(const fs::path& dir) {
  if (const char* env = std::getenv("EMBEVAL_WORD2VEC_C")) return env;
  const std::string pack = "cd " + quote(dir) + " && npm pack --silent " + kPackage + " >/dev/null";
  if (std::system(pack.c_str()) != 0) {
    std::printf("npm pack %s failed: reference missing\n", kPackage);
    return {};
  }
  const std::string check = "cd " + quote(dir) + " && echo '" + kTarballSha256 + "  " + kTarball +
                            "' | sha256sum --check --quiet";
  if (std::system(check.c_str()) != 0) {
    std::printf("%s: SHA-256 differs from the pinned %s: reference refused\n", kTarball,
                kTarballSha256);
    return {};
  }
  const fs::path exe = dir / "word2vec-c";
  const std::string build = "cd " + quote(dir) + " && tar xzf " + kTarball +
                            " package/src/word2vec.c && gcc package/src/word2vec.c -o " +
                            quote(exe) + " " + kMakefileFlags;
  if (std::system(build.c_str()) != 0 || !fs::exists(exe)) {
    std::printf("building word2vec.c failed: reference missing\n");
    return {};
  }
  return exe;
}

// Lines of GCIDE (gzip-compatible dictzip), of $EMBEVAL_BENCH_CORPUS, or of the man pages.
std::vector<std::string> corpus_lines(std::string& name) {
  std::vector<std::string> lines;
  const char* env = std::getenv("EMBEVAL_BENCH_CORPUS");
  if (env || fs::exists(kGcide)) {
    const fs::path path = env ? fs::path(env) : kGcide;
    name = path.string();
    gzFile f = ::gzopen(path.c_str(), "rb");  // reads plain files too
    if (!f) return lines;
    std::string line;
    char buffer[1 << 16];
    int n;
    while ((n = ::gzread(f, buffer, sizeof buffer)) > 0) {
      for (int i = 0; i < n; ++i) {
        if (buffer[i] == '\n') {
          lines.push_back(std::move(line));
          line.clear();
        } else {
          line += buffer[i];
        }
      }
    }
    ::gzclose(f);
    if (!line.empty()) lines.push_back(line);
    return lines;
  }
  name = "man pages (no GCIDE: apt-get install dict-gcide)";
  ManPagesOptions man;
  man.show_progress = false;
  for (const Document& doc : build_manpages_dataset(man).corpus) {
    std::size_t start = 0;
    while (start < doc.text.size()) {
      std::size_t end = doc.text.find('\n', start);
      if (end == std::string::npos) end = doc.text.size();
      lines.emplace_back(doc.text, start, end - start);
      start = end + 1;
    }
  }
  return lines;
}

struct Timing {
  double wall = 0, cpu = 0;
};

double children_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_CHILDREN, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  return s(u.ru_utime) + s(u.ru_stime);
}

bool timed(const std::string& command, Timing& t) {
  const double cpu0 = children_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const int rc = std::system(command.c_str());
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.cpu = children_cpu_seconds() - cpu0;
  return rc == 0;
}

double best(std::vector<double> v) { return *std::min_element(v.begin(), v.end()); }
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The repository: $EMBEVAL_REPO, this source's folder when __FILE__ is absolute (ccache's
// CCACHE_BASEDIR makes it relative), or three levels above build/<preset>/bench/.
fs::path repository() {
  if (const char* env = std::getenv("EMBEVAL_REPO")) return env;
  const fs::path source(__FILE__);
  if (source.is_absolute()) return source.parent_path().parent_path();
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path().parent_path().parent_path();
}

fs::path embeval_binary() {
  if (const char* env = std::getenv("EMBEVAL_BINARY")) return env;
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "embeval";
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  const int epochs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const int threads = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
  const char* cap_env = std::getenv("EMBEVAL_BENCH_TOKENS");
  const std::size_t token_cap = cap_env ? std::strtoull(cap_env, nullptr, 10) : 0;

  bench::WorkDir work("embeval-w2v-bench-");
  const fs::path embeval = embeval_binary();
  if (!fs::exists(embeval)) {
    std::printf("embeval not found at %s (set EMBEVAL_BINARY)\n", embeval.c_str());
    return 1;
  }
  const fs::path reference = build_word2vec_c(work.path());

  // Tokenize once; both tools read the same file of in-vocabulary words.
  std::string corpus_name;
  std::vector<std::string> lines = corpus_lines(corpus_name);
  const Word2VecCorpus corpus = build_word2vec_corpus(text_source_from_texts(lines), 5);
  lines.clear();
  const fs::path text = work.path() / "corpus.txt";
  std::size_t written = 0;
  {
    std::ofstream out(text);
    for (std::size_t s = 0; s + 1 < corpus.sentence_starts.size(); ++s) {
      const std::size_t a = corpus.sentence_starts[s], b = corpus.sentence_starts[s + 1];
      if (a == b) continue;
      for (std::size_t t = a; t < b; ++t)
        out << (t > a ? " " : "") << corpus.words[corpus.tokens[t]];
      out << '\n';
      written += b - a;
      if (token_cap > 0 && written >= token_cap) break;
    }
  }
  std::printf("corpus: %s: %llu tokens, %zu in a vocabulary of %zu words (count >= 5) written\n",
              corpus_name.c_str(), static_cast<unsigned long long>(corpus.raw_tokens), written,
              corpus.words.size());
  std::printf(
      "skip-gram, dim 100, window 5, negative 5, sample 1e-3, %d epochs, %d threads, %d "
      "rounds\n\n",
      epochs, threads, rounds);

  const fs::path ours = work.path() / "embeval.bin", theirs = work.path() / "word2vec-c.bin";
  const std::string ours_cmd =
      quote(embeval) + " word2vec train --quiet --skipgram --corpus " + quote(text) + " --out " +
      quote(ours) + " --dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --alpha 0.025" +
      " --epochs " + std::to_string(epochs) + " --threads " + std::to_string(threads) + " 2>" +
      quote(work.path() / "embeval.log");
  const std::string theirs_cmd =
      quote(reference) + " -train " + quote(text) + " -output " + quote(theirs) +
      " -cbow 0 -size 100 -window 5 -negative 5 -hs 0 -sample 1e-3 -min-count 5 -alpha 0.025" +
      " -binary 1 -iter " + std::to_string(epochs) + " -threads " + std::to_string(threads) + " >" +
      quote(work.path() / "word2vec-c.log") + " 2>&1";

  std::vector<double> ours_wall, ours_cpu, theirs_wall, theirs_cpu;
  for (int r = 0; r < rounds; ++r) {
    for (int side = 0; side < 2; ++side) {
      const bool ours_turn = (side == 0) == (r % 2 == 0);
      if (!ours_turn && reference.empty()) continue;
      Timing t;
      if (!timed(ours_turn ? ours_cmd : theirs_cmd, t)) {
        std::printf("%s failed (log in %s)\n", ours_turn ? "embeval" : "word2vec.c",
                    work.path().c_str());
        return 1;
      }
      (ours_turn ? ours_wall : theirs_wall).push_back(t.wall);
      (ours_turn ? ours_cpu : theirs_cpu).push_back(t.cpu);
      std::printf("round %d: %-10s %8.1f s wall %8.1f CPU s\n", r + 1,
                  ours_turn ? "embeval" : "word2vec.c", t.wall, t.cpu);
      std::fflush(stdout);
    }
  }

  std::printf("\n%-28s %10s %10s %12s %12s\n", "", "best wall", "med wall", "best CPU s",
              "med CPU s");
  auto row = [](const char* name, const std::vector<double>& w, const std::vector<double>& c) {
    std::printf("%-28s %10.1f %10.1f %12.1f %12.1f\n", name, best(w), median(w), best(c),
                median(c));
  };
  row("embeval word2vec train", ours_wall, ours_cpu);
  if (!theirs_wall.empty()) {
    row("word2vec.c (-march=native)", theirs_wall, theirs_cpu);
    std::printf(
        "\nspeed ratio word2vec.c time / embeval time (target >= 1.0): wall best %.2fx, "
        "median %.2fx; CPU best %.2fx, median %.2fx\n",
        best(theirs_wall) / best(ours_wall), median(theirs_wall) / median(ours_wall),
        best(theirs_cpu) / best(ours_cpu), median(theirs_cpu) / median(ours_cpu));
  }

  const fs::path questions = repository() / "data/analogy/questions-facts.txt";
  if (!fs::exists(questions)) {
    std::printf("\n%s not found (set EMBEVAL_REPO): no analogy accuracy\n", questions.c_str());
    return 0;
  }
  const std::vector<AnalogyQuestion> qs = read_analogy_questions(questions);
  std::printf("\nanalogy accuracy (last round) on %s, 3CosAdd, restrict-vocab 30000:\n",
              questions.filename().c_str());
  auto report = [&](const char* name, const fs::path& model) {
    const WordVectors v = load_word_vectors(model);
    const AnalogyReport rep = evaluate_analogies(v, qs, {});
    std::printf("%-28s vocabulary %7zu  accuracy %.3f of %zu answered (%.3f of all %zu)\n", name,
                v.size(), rep.overall.accuracy(), rep.overall.answered, rep.overall.accuracy_all(),
                rep.overall.total);
  };
  report("embeval word2vec train", ours);
  // word2vec.c's vocabulary also holds its sentence marker "</s>".
  if (!theirs_wall.empty()) report("word2vec.c", theirs);
  return 0;
}
