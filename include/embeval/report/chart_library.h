// The chart libraries `embeval report` inlines into its page: the minified builds of vega,
// vega-lite and vega-embed, fetched once from npm by scripts/setup_vega.sh (pinned versions and
// sha512 integrity) into the cache. The versions are pinned here too, so the binary looks in the
// folder that script fills. Plain values; load once, render many pages.
#pragma once

#include <filesystem>
#include <string>

namespace embeval {

inline constexpr const char* kVegaVersion = "5.30.0";
inline constexpr const char* kVegaLiteVersion = "5.21.0";
inline constexpr const char* kVegaEmbedVersion = "6.26.0";

struct ChartLibrary {
  std::string vega;        // vega.min.js
  std::string vega_lite;   // vega-lite.min.js
  std::string vega_embed;  // vega-embed.min.js
  std::string versions;    // "vega 5.30.0, vega-lite 5.21.0, vega-embed 6.26.0"
};

// $EMBEVAL_CACHE_DIR, else $XDG_CACHE_HOME/embeval, else $HOME/.cache/embeval, then
// vega-5.30.0-lite-5.21.0-embed-6.26.0: where scripts/setup_vega.sh puts them.
[[nodiscard]] std::filesystem::path default_chart_library_dir();

// Reads the three files from `dir`. InputError (hint: run scripts/setup_vega.sh) when one is
// missing or empty, or when one holds "</script" or "<!--", which would end or confuse the
// <script> element it is inlined into.
[[nodiscard]] ChartLibrary load_chart_library(const std::filesystem::path& dir);

}  // namespace embeval
