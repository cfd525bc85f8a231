#include "embeval/report/chart_library.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "embeval/core/error.h"

namespace embeval {
namespace {

const char* kSetupHint = "run scripts/setup_vega.sh (it fetches the pinned builds from npm once)";

std::string read_script(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("chart library " + path.string() + " is missing", path.string(), 0,
                     kSetupHint);
  std::ostringstream text;
  text << in.rdbuf();
  std::string script = text.str();
  if (script.empty()) throw InputError("chart library is empty", path.string(), 0, kSetupHint);
  std::string lower = script;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("</script") != std::string::npos || lower.find("<!--") != std::string::npos) {
    throw InputError("chart library holds \"</script\" or \"<!--\": it cannot be inlined",
                     path.string(), 0, kSetupHint);
  }
  return script;
}

}  // namespace

std::filesystem::path default_chart_library_dir() {
  std::filesystem::path root;
  if (const char* cache = std::getenv("EMBEVAL_CACHE_DIR"); cache && *cache) {
    root = cache;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    root = std::filesystem::path(xdg) / "embeval";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    root = std::filesystem::path(home) / ".cache" / "embeval";
  } else {
    root = ".cache/embeval";
  }
  return root / (std::string("vega-") + kVegaVersion + "-lite-" + kVegaLiteVersion + "-embed-" +
                 kVegaEmbedVersion);
}

ChartLibrary load_chart_library(const std::filesystem::path& dir) {
  ChartLibrary library;
  library.vega = read_script(dir / "vega.min.js");
  library.vega_lite = read_script(dir / "vega-lite.min.js");
  library.vega_embed = read_script(dir / "vega-embed.min.js");
  library.versions = std::string("vega ") + kVegaVersion + ", vega-lite " + kVegaLiteVersion +
                     ", vega-embed " + kVegaEmbedVersion;
  return library;
}

}  // namespace embeval
