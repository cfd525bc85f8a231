// Fault injection (issue 10, docs/errors.md): each command that writes files is killed with
// SIGKILL at seeded random moments and rerun over what the kills left behind. The final output
// must equal an uninterrupted run's, byte for byte (JSON files: after dropping the fields that
// measure time or memory, which differ between any two runs), with no temporary file left and
// nothing written outside --out.
//
// The kill moments are uniform in [0, T) where T is the uninterrupted run's wall time measured in
// the same test, so they cover start-up, reading, computing and writing on any machine; the
// PRNG is std::mt19937_64 seeded from the command name, so a failure replays.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/util/atomic_file.h"
#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using embeval::testing::read_file;

// Kills per command before the run that is allowed to finish.
constexpr int kKills = 4;

// The suite's scratch folder: made by SetUpTestSuite, removed by TearDownTestSuite.
std::unique_ptr<embeval::testing::TempDir>& suite_dir() {
  static std::unique_ptr<embeval::testing::TempDir> dir;
  return dir;
}
const fs::path& work_dir() { return suite_dir()->path(); }
fs::path data_dir() { return work_dir() / "data"; }
fs::path out_dir() { return work_dir() / "out"; }

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Small deterministic data for every command: a BEIR dataset, word vectors, a man-page tree
// (plain and gzip'ed pages), a word2vec training text.
void make_data() {
  std::mt19937_64 rng(20261202);
  std::vector<std::string> words;
  for (int i = 0; i < 300; ++i) words.push_back("w" + std::to_string(i));
  auto sentence = [&](int n) {
    std::string s;
    // Skewed word frequencies, as in real text (word2vec's subsampling and min-count matter).
    for (int i = 0; i < n; ++i) {
      s += (i ? " " : "") + words[rng() % (1 + rng() % words.size())];
    }
    return s;
  };
  std::string corpus, queries, qrels = "query-id\tcorpus-id\tscore\n";
  for (int d = 0; d < 1500; ++d) {
    corpus += "{\"_id\": \"d" + std::to_string(d) + "\", \"title\": \"" + sentence(2) +
              "\", \"text\": \"" + sentence(30) + "\"}\n";
  }
  for (int q = 0; q < 80; ++q) {
    queries += "{\"_id\": \"q" + std::to_string(q) + "\", \"text\": \"" + sentence(3) + "\"}\n";
    for (int j = 0; j < 3; ++j) {
      qrels += "q" + std::to_string(q) + "\td" + std::to_string(rng() % 1500) + "\t" +
               std::to_string(1 + rng() % 2) + "\n";
    }
  }
  write_text(data_dir() / "beir/corpus.jsonl", corpus);
  write_text(data_dir() / "beir/queries.jsonl", queries);
  write_text(data_dir() / "beir/qrels/test.tsv", qrels);

  std::string vectors = std::to_string(words.size()) + " 16\n";
  for (const auto& w : words) {
    vectors += w;
    for (int j = 0; j < 16; ++j) vectors += " " + std::to_string(int(rng() % 2001) - 1000) + "e-3";
    vectors += "\n";
  }
  write_text(data_dir() / "vectors.txt", vectors);

  std::string text;
  for (int i = 0; i < 4000; ++i) text += sentence(15) + "\n";
  write_text(data_dir() / "w2v.txt", text);

  for (int i = 1; i <= 300; ++i) {
    const std::string n = std::to_string(i), see = std::to_string(i % 300 + 1);
    const std::string page =
        ".TH PAGE" + n + " 1\n.SH NAME\npage" + n + " \\- handles " + sentence(4) + " " + n +
        "\n.SH SYNOPSIS\n.B page" + n + "\n[\\fIoptions\\fR]\n.SH DESCRIPTION\n" + sentence(60) +
        "\n.SH SEE ALSO\npage" + see + "(1), tool" + std::to_string(i % 40 + 1) + "(8)\n";
    write_text(data_dir() / "man/man1" / ("page" + n + ".1"), page);
  }
  for (int i = 1; i <= 40; ++i) {
    const std::string n = std::to_string(i);
    const std::string page = ".TH TOOL" + n + " 8\n.SH NAME\ntool" + n + " \\- administers " +
                             sentence(3) + "\n.SH DESCRIPTION\n" + sentence(40) + "\n";
    const fs::path path = data_dir() / "man/man8" / ("tool" + n + ".8.gz");
    fs::create_directories(path.parent_path());
    gzFile gz = gzopen(path.c_str(), "wb9");
    ASSERT_NE(gz, nullptr);
    ASSERT_EQ(gzwrite(gz, page.data(), unsigned(page.size())), int(page.size()));
    gzclose(gz);
  }
}

using embeval::testing::CliResult;

// Runs `embeval` with `args`. With `kill_after`, sends SIGKILL after that many seconds
// unless it finished first.
CliResult run(const std::vector<std::string>& args, std::optional<double> kill_after = {}) {
  std::string command_line;
  for (const auto& a : args) command_line += " " + embeval::testing::shell_quote(a);
  embeval::testing::CliOptions options;
  options.kill_after_s = kill_after;
  return embeval::testing::run_embeval(command_line, options);
}

// Fields that measure this run's speed or memory (and what is derived from them, e.g. which
// ANN points are Pareto-optimal in speed), and when it ran: never equal across two runs.
bool is_measurement(const std::string& key) {
  auto ends_with = [&](std::string_view s) { return key.ends_with(s); };
  return ends_with("_s") || ends_with("_per_s") || ends_with("_ms") || key == "peak_rss_bytes" ||
         key == "pareto" || key == "seconds" || key == "time_utc";
}

void drop_measurements(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end();) {
      if (is_measurement(it.key())) {
        it = j.erase(it);
      } else {
        drop_measurements(*it);
        ++it;
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) drop_measurements(v);
  }
}

// Relative path -> comparable content of every file under `dir`.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_directory()) continue;
    const std::string rel = fs::relative(e.path(), dir).string();
    std::string content = read_file(e.path());
    if (e.path().extension() == ".json") {
      auto j = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded()) {
        drop_measurements(j);
        content = j.dump(1);
      }
    }
    files.emplace(rel, std::move(content));
  }
  return files;
}

// Sizes and times of the input files: a command must not write outside --out.
std::map<std::string, std::string> input_fingerprint() {
  std::map<std::string, std::string> f;
  for (const auto& e : fs::recursive_directory_iterator(data_dir())) {
    f[e.path().string()] = e.is_directory()
                               ? "dir"
                               : std::to_string(e.file_size()) + "/" +
                                     std::to_string(e.last_write_time().time_since_epoch().count());
  }
  return f;
}

struct FaultCase {
  std::string name;
  // The command's arguments; "{data}" and "{out}" are replaced by the folders.
  std::vector<std::string> args;
};

std::vector<std::string> expand(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::string a : args) {
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{data}", data_dir()}, {"{out}", out_dir()}}) {
      for (std::size_t at; (at = a.find(key)) != std::string::npos;)
        a.replace(at, key.size(), value);
    }
    out.push_back(a);
  }
  return out;
}

// What a kill may leave behind: AtomicFileWriter's temporary files and folders
// (".X.embeval-tmp.<pid>.<hex>"), which the next run into that folder removes. Only the strict
// test counts them.
bool is_stale_temporary(const std::string& relative_path) {
  return embeval::is_atomic_temp_name(fs::path(relative_path).filename().string()) ||
         relative_path.find("embeval-tmp") != std::string::npos;
}

void set_up_work_dir() {
  suite_dir() = std::make_unique<embeval::testing::TempDir>("embeval-fault");
  make_data();
}

void tear_down_work_dir() { suite_dir().reset(); }

void fresh_out_dir() {
  std::error_code ec;
  fs::remove_all(out_dir(), ec);
  fs::create_directories(out_dir());  // encode and word2vec take a file path inside it
}

// Runs `c` once uninterrupted, then kKills times killed at random moments and once to the end,
// and compares. `strict`: a stale temporary file left in --out is a failure too.
void check_kill_and_rerun(const FaultCase& c, bool strict) {
  const auto args = expand(c.args);
  const auto inputs_before = input_fingerprint();
  fresh_out_dir();

  const CliResult reference = run(args);
  ASSERT_TRUE(reference.status == 0) << c.name << ": the uninterrupted run failed:\n"
                                     << reference.output();
  const auto expected = snapshot(out_dir());
  ASSERT_FALSE(expected.empty());
  fresh_out_dir();

  std::mt19937_64 rng(std::hash<std::string>{}(c.name));
  std::uniform_real_distribution<double> moment(0.0, reference.seconds);
  std::string kills;
  for (int k = 0; k < kKills; ++k) {
    const double at = moment(rng);
    const CliResult killed = run(args, at);
    kills += " " + std::to_string(at) + (killed.signal != 0 ? "s(killed)" : "s(finished)");
  }
  const CliResult last = run(args);
  ASSERT_TRUE(last.status == 0) << c.name << ": the run after kills at" << kills << " failed:\n"
                                << last.output();

  const auto actual = snapshot(out_dir());
  for (const auto& [path, content] : actual) {
    if (!strict && is_stale_temporary(path)) continue;
    EXPECT_TRUE(expected.count(path))
        << c.name << ": " << path << " is left over after kills at" << kills
        << " (a temporary file, or a file the uninterrupted run does not write)";
  }
  for (const auto& [path, content] : expected) {
    const auto it = actual.find(path);
    if (it == actual.end()) {
      ADD_FAILURE() << c.name << ": " << path << " is missing after kills at" << kills;
    } else {
      EXPECT_TRUE(it->second == content)
          << c.name << ": " << path << " differs from the uninterrupted run after kills at"
          << kills;
    }
  }
  EXPECT_EQ(input_fingerprint(), inputs_before) << c.name << ": an input file was changed";
}

// Final files equal an uninterrupted run's; stale temporaries are tolerated (open bug).
class KillAndRerun : public ::testing::TestWithParam<FaultCase> {
 public:
  static void SetUpTestSuite() { set_up_work_dir(); }
  static void TearDownTestSuite() { tear_down_work_dir(); }
};

TEST_P(KillAndRerun, FinalFilesMatchAnUninterruptedRun) { check_kill_and_rerun(GetParam(), false); }

// The same, and no temporary file may be left in --out.
class KillAndRerunStrict : public ::testing::TestWithParam<FaultCase> {
 public:
  static void SetUpTestSuite() { set_up_work_dir(); }
  static void TearDownTestSuite() { tear_down_work_dir(); }
};

TEST_P(KillAndRerunStrict, FinalFilesMatchAndNoTemporaryFileIsLeft) {
  check_kill_and_rerun(GetParam(), true);
}

// gtest prints the case by name instead of its bytes.
void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

std::string case_name(const ::testing::TestParamInfo<FaultCase>& info) { return info.param.name; }

const auto kCases = ::testing::Values(
    FaultCase{"eval",
              {"eval", "--dataset", "{data}/beir", "-m", "bm25", "-m", "static:{data}/vectors.txt",
               "--out", "{out}"}},
    FaultCase{"ann",
              {"ann", "--dataset", "{data}/beir", "-m", "static:{data}/vectors.txt", "--index",
               "hnsw?M=8&efConstruction=40,ivf_flat?nlist=16", "--no-truncation",
               "--latency-queries", "10", "--out", "{out}"}},
    FaultCase{"encode",
              {"encode", "--model", "static:{data}/vectors.txt", "--input",
               "{data}/beir/corpus.jsonl", "--role", "document", "--out", "{out}/corpus.npy"}},
    FaultCase{"dataset_manpages",
              {"dataset", "manpages", "--man-dir", "{data}/man", "--out", "{out}"}},
    FaultCase{"word2vec_train",
              {"word2vec", "train", "--corpus", "{data}/w2v.txt", "--out", "{out}/vectors.bin",
               "--dim", "16", "--epochs", "2", "--min-count", "1", "--threads", "1"}});

INSTANTIATE_TEST_SUITE_P(Commands, KillAndRerun, kCases, case_name);

// docs/errors.md, "no temporary file left": a kill inside a write leaves a temporary file, and
// the rerun must remove it.
INSTANTIATE_TEST_SUITE_P(Commands, KillAndRerunStrict, kCases, case_name);

}  // namespace
