// End-to-end: `embeval report` on a tiny real evaluation (BM25 and word vectors, an ANN run, a
// probe), opened in headless Chromium (Debian's `chromium`). The page must load with no console
// error and no network request, draw every chart (an <svg> in each chart element), and leave the
// hostile strings planted in the title and the query texts as text. The screenshot and the DOM
// are kept under the build folder (build/<preset>/tests/artifacts/report_browser/) for a person to
// look at. Skips, saying so, only when chromium is not installed (scripts/setup.sh installs it; CI
// runs setup.sh).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "ann/word_dataset.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

const std::string kHostile = "<script>alert(1)</script> \\\" onerror=\\\"alert(2) </style>";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string chromium_path() {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/snap/bin/"}) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path p = fs::path(dir) / name;
      if (fs::exists(p)) return p.string();
    }
  }
  return {};
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The network requests a page made, from Chromium's net log: URL_REQUEST_START_JOB events with
// an initiator (the browser's own background requests, which the proxy flag sends to a closed
// port, have none: "not an origin"). A file:// page loads itself without the network stack.
std::vector<std::string> page_requests(const fs::path& net_log) {
  const auto net = nlohmann::json::parse(read(net_log), nullptr, false);
  if (!net.is_object()) return {"(no readable net log at " + net_log.string() + ")"};
  const auto types = net.at("constants").at("logEventTypes");
  const int start_job = types.value("URL_REQUEST_START_JOB", -1);
  std::vector<std::string> urls;
  for (const auto& event : net.value("events", nlohmann::json::array())) {
    if (event.value("type", -2) != start_job) continue;
    const auto params = event.value("params", nlohmann::json::object());
    // The event's end (phase 2) carries only the error: -130, the closed proxy.
    if (!params.contains("url") || params.value("initiator", "") == "not an origin") continue;
    urls.push_back(params.value("url", "?"));
  }
  return urls;
}

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = chromium_path();
    if (chromium_.empty()) {
      GTEST_SKIP() << "chromium is not installed: the browser check of `embeval report` needs "
                      "it (apt-get install chromium; scripts/setup.sh installs it)";
    }
    // Beside the test binary, in the build folder (never /tmp): kept for people to look at.
    artifacts_ = fs::read_symlink("/proc/self/exe").parent_path() / "artifacts" / "report_browser";
    fs::create_directories(artifacts_);
  }

  // Runs chromium headless on `page` with everything that could leave the machine pointed at a
  // closed port on 127.0.0.1, its profile and temporary files inside the test's folder, and
  // `command` (--dump-dom or --screenshot=...). Returns stdout; stderr goes to `log`.
  std::string browse(const fs::path& page, const std::string& command, const fs::path& log,
                     const fs::path& net_log) {
    const fs::path home = dir_ / "chromium-home";
    fs::create_directories(home / "tmp");
    const fs::path out = dir_ / "chromium.out";
    const std::string line =
        "env HOME=" + shell_quote(home.string()) +
        " TMPDIR=" + shell_quote((home / "tmp").string()) +
        " XDG_CONFIG_HOME=" + shell_quote(home.string()) +
        " XDG_CACHE_HOME=" + shell_quote(home.string()) + " " + shell_quote(chromium_) +
        " --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --disable-default-apps --disable-extensions --disable-crash-reporter"
        " --proxy-server=http://127.0.0.1:9 --proxy-bypass-list='<-loopback>'"
        " --host-resolver-rules='MAP * ~NOTFOUND'"
        " --user-data-dir=" +
        shell_quote((home / "profile").string()) +
        " --log-net-log=" + shell_quote(net_log.string()) +
        " --enable-logging=stderr --v=0 --window-size=1280,6000 --virtual-time-budget=20000 " +
        command + " " + shell_quote("file://" + page.string()) + " >" + shell_quote(out.string()) +
        " 2>" + shell_quote(log.string());
    const int status = std::system(line.c_str());
    EXPECT_EQ(status, 0) << line << "\n" << read(log);
    return read(out);
  }

  embeval::testing::TempDir dir_{"embeval-report-browser"};
  std::string chromium_;
  fs::path artifacts_;
};

TEST_F(ReportBrowser, PageLoadsOfflineDrawsEveryChartAndKeepsHostileTextInert) {
  const embeval::testing::WordDataset data = embeval::testing::write_word_dataset(dir_);
  // Every query text carries markup that must stay text in the page.
  {
    std::string queries;
    std::istringstream in(read(data.beir / "queries.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      queries += line.substr(0, line.size() - 2) + " " + kHostile + "\"}\n";
    }
    std::ofstream(data.beir / "queries.jsonl") << queries;
  }
  const fs::path out = dir_ / "out";
  const std::string vectors = "'static:" + data.vectors.string() + "?pooling=sif'";
  auto ok = [](const embeval::testing::CliResult& r) { ASSERT_EQ(r.status, 0) << r.output(); };
  ok(run_embeval("eval --threads 1 --dataset " + data.beir.string() + " --model bm25 --model " +
                 vectors + " --out " + out.string()));
  ok(run_embeval(
      "ann --threads 1 --dataset " + data.beir.string() + " --model " + vectors +
      " --index 'hnsw?M=8,ivf_flat?nlist=4' --sweep --truncate 8 --latency-queries 5 --out " +
      (out / "ann").string()));
  ok(run_embeval("probe robustness --threads 1 --model bm25 --dataset " + data.beir.string() +
                 " --json " + (out / "robustness.json").string()));
  const fs::path page = artifacts_ / "report.html";
  const auto report = run_embeval("report " + out.string() + " --out " + page.string() + " --md " +
                                  (artifacts_ / "report.md").string() + " --title " +
                                  shell_quote("<script>alert(1)</script> </style> \" onerror=\""));
  ASSERT_EQ(report.status, 0) << report.output();
  EXPECT_NE(report.out.find("charts"), std::string::npos) << report.out;
  const std::string html = read(page);
  const std::size_t charts = count(html, "<div class=\"chart\" id=\"chart-");
  EXPECT_EQ(charts, 6u);  // 3 trade-offs (no cost here), recall, win/loss, ANN

  const fs::path log = artifacts_ / "chromium.log";
  const fs::path net_log = dir_ / "net-log.json";
  const std::string dom = browse(page, "--dump-dom", log, net_log);
  std::ofstream(artifacts_ / "report.dom.html") << dom;

  // Every chart drew: the page's script marks each element and the whole page when done.
  EXPECT_NE(dom.find("data-charts-done=\"" + std::to_string(charts) + "\""), std::string::npos)
      << "not every chart finished: see " << (artifacts_ / "report.dom.html");
  // Each chart element (vega-embed adds its own class) is marked drawn and holds an <svg>.
  std::size_t drawn = 0;
  for (auto at = html.find("id=\"chart-"); at != std::string::npos;
       at = html.find("id=\"chart-", at + 1)) {
    const std::string id = html.substr(at, html.find('"', at + 4) + 1 - at);  // id="chart-X"
    const auto in_dom = dom.find(id);
    ASSERT_NE(in_dom, std::string::npos) << id;
    const auto tag_start = dom.rfind('<', in_dom);
    const std::string tag = dom.substr(tag_start, dom.find('>', in_dom) + 1 - tag_start);
    EXPECT_NE(tag.find("data-rendered=\"true\""), std::string::npos) << tag;
    EXPECT_EQ(tag.find("data-error"), std::string::npos) << tag;
    const auto next = dom.find("id=\"chart-", in_dom + 1);
    EXPECT_LT(dom.find("<svg", in_dom), next) << id << " holds no <svg>";
    ++drawn;
  }
  EXPECT_EQ(drawn, charts);
  // Hostile strings stayed text: no element came from them (text serialises '<' as &lt;), the
  // title reads as written.
  const std::regex planted_element("<script>alert|<[a-zA-Z][^<>]*\\sonerror=");
  EXPECT_FALSE(std::regex_search(dom, planted_element));
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

  // The page writes nothing to the console: any message (an error, a library warning, a CSP
  // violation) is a failure. Chromium logs every level as INFO:CONSOLE.
  const std::string console = read(log);
  EXPECT_EQ(console.find(":CONSOLE"), std::string::npos) << "console output in " << log;
  EXPECT_EQ(page_requests(net_log), std::vector<std::string>{});

  // The screenshot, kept for people (and the README).
  const fs::path png = artifacts_ / "report.png";
  fs::remove(png);
  browse(page, "--screenshot=" + shell_quote(png.string()), artifacts_ / "chromium-screenshot.log",
         dir_ / "net-log-2.json");
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10000u);
}

}  // namespace

namespace {

// The two checks above can fail: a page that logs and fetches is caught by both.
TEST_F(ReportBrowser, TheConsoleAndNetworkChecksCatchAMisbehavingPage) {
  const fs::path page = dir_ / "bad.html";
  std::ofstream(page) << "<html><body><script>console.error('planted');"
                         "fetch('http://example.com/planted');</script></body></html>";
  const fs::path log = dir_ / "bad.log";
  browse(page, "--dump-dom", log, dir_ / "bad-net-log.json");
  EXPECT_NE(read(log).find(":CONSOLE"), std::string::npos);
  EXPECT_EQ(page_requests(dir_ / "bad-net-log.json"),
            std::vector<std::string>{"http://example.com/planted"});
}

}  // namespace
