#!/usr/bin/env bash
# Fetches the chart libraries `embeval report` inlines into its HTML page: the minified builds of
# vega, vega-lite and vega-embed from npm, pinned by version and sha512 integrity
# (scripts/npm_fetch.sh), once, into a cache OUTSIDE the repo. The page then needs no network.
#
# Result (printed on the last line): the folder, default
#   ${XDG_CACHE_HOME:-$HOME/.cache}/embeval/vega-5.30.0-lite-5.21.0-embed-6.26.0
# holding vega.min.js, vega-lite.min.js and vega-embed.min.js. `embeval report` looks there (the
# same versions are pinned in src/report/chart_library.cpp) unless --vega-dir names another.
#
# Options (environment): EMBEVAL_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/embeval).
# Idempotent: exits at once when the folder is there and stamped.
set -euo pipefail

readonly VEGA_VERSION=5.30.0
readonly VEGA_INTEGRITY='sha512-ZGoC8LdfEUV0LlXIuz7hup9jxuQYhSaWek2M7r9dEHAPbPrzSQvKXZ0BbsJbrarM100TGRpTVN/l1AFxCwDkWw=='
readonly VEGA_LITE_VERSION=5.21.0
readonly VEGA_LITE_INTEGRITY='sha512-hNxM9nuMqpI1vkUOhEx6ewEf23WWLmJxSFJ4TA86AW43ixJyqcLV+iSCO0NipuVTE0rlDcc2e8joSewWyOlEwA=='
readonly VEGA_EMBED_VERSION=6.26.0
readonly VEGA_EMBED_INTEGRITY='sha512-AZCTdKHDAuhp6TFZRQOOs332tStCwZr/5e4uZMNEuJL69A57cT66NNZJdNiCP6u66REzIToYtMJhMTL9wl5B3A=='

cache_root=${EMBEVAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/embeval}
dir="$cache_root/vega-$VEGA_VERSION-lite-$VEGA_LITE_VERSION-embed-$VEGA_EMBED_VERSION"
stamp="$dir/.embeval-vega-ok"
if [ -f "$stamp" ]; then
  echo "setup_vega: already in $dir" >&2
  echo "$dir"
  exit 0
fi
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.vega.XXXXXX")
trap 'rm -rf "$work"' EXIT

fetch="$(dirname "$0")/npm_fetch.sh"
"$fetch" vega "$VEGA_VERSION" "$VEGA_INTEGRITY" "$work/vega" build/vega.min.js
"$fetch" vega-lite "$VEGA_LITE_VERSION" "$VEGA_LITE_INTEGRITY" "$work/vega-lite" build/vega-lite.min.js
"$fetch" vega-embed "$VEGA_EMBED_VERSION" "$VEGA_EMBED_INTEGRITY" "$work/vega-embed" build/vega-embed.min.js
mkdir -p "$work/out"
for lib in vega vega-lite vega-embed; do
  mv "$work/$lib/build/$lib.min.js" "$work/out/$lib.min.js"
done
touch "$work/out/.embeval-vega-ok"
rm -rf "$dir"
mv "$work/out" "$dir"
echo "setup_vega: unpacked vega@$VEGA_VERSION, vega-lite@$VEGA_LITE_VERSION, vega-embed@$VEGA_EMBED_VERSION into $dir" >&2
echo "$dir"
