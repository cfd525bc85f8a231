#!/usr/bin/env bash
# Builds the llama.cpp libraries (llama + ggml, CPU) that the `gguf` layer links, once per pinned
# version, into a cache OUTSIDE the repo so CI and every build dir reuse it.
#
# Source, in order of preference:
#   EMBEVAL_LLAMA_SOURCE_DIR=/path/to/llama.cpp   a checkout the user names (built as is)
#   otherwise the npm package node-llama-cpp@3.22.1, whose tarball carries llama.cpp as a git
#   bundle (llama/gitRelease.bundle) plus node-llama-cpp's patch for it; the tarball is verified
#   against npm's sha512 integrity before anything is unpacked (scripts/npm_fetch.sh).
#
# embeval's own patches (scripts/llama-patches/*.diff, e.g. no output layer when only pooled
# embeddings are wanted) are applied after node-llama-cpp's. PATCH_LEVEL names that set: bump it
# (and EMBEVAL_LLAMA_VERSION_KEY in cmake/llama.cmake) whenever a patch changes, so the cache key
# changes and an older build is never taken for the patched one. A checkout named by
# EMBEVAL_LLAMA_SOURCE_DIR is built as is (embeval never edits it).
#
# Result (printed on the last line): $EMBEVAL_LLAMA_DIR, default
#   ${XDG_CACHE_HOME:-$HOME/.cache}/embeval/llama-node-llama-cpp-3.22.1-embeval1[-cuda]
# holding lib/ (static libllama, libggml*), include/ (llama.h, ggml*.h) and src/ (the
# llama.cpp source: models/ggml-vocab-*.gguf tokenizer files and gguf-py for the tests).
#
# Options (environment):
#   EMBEVAL_LLAMA_CUDA=ON        also build the CUDA backend (needs the CUDA toolkit)
#   EMBEVAL_LLAMA_JOBS=N         parallel build jobs (default 2: this machine is shared)
#   EMBEVAL_LLAMA_TOOLS=ON       also build llama.cpp's own `llama-embedding` example (bench/)
#   EMBEVAL_LLAMA_SERVER=OFF     skip llama.cpp's `llama-server` (bin/llama-server), which the
#                                served-model tests start on 127.0.0.1 (default ON; its web UI is
#                                left out: nothing is downloaded)
# Idempotent: exits at once when the install stamp exists and every asked-for program is there.
# A cache built before the server was asked for (stamp, no bin/llama-server) builds just the
# server into its kept build folder: the libraries' objects are up to date and are not rebuilt.
set -euo pipefail

readonly NPM_PACKAGE=node-llama-cpp
readonly NPM_VERSION=3.22.1
readonly NPM_INTEGRITY='sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw=='
readonly BUNDLE_HEAD=de3ff815ea7d559ee917f063901b8986f038abc6
readonly PATCH_LEVEL=1
patches_dir="$(cd "$(dirname "$0")" && pwd)/llama-patches"

cuda=${EMBEVAL_LLAMA_CUDA:-OFF}
jobs=${EMBEVAL_LLAMA_JOBS:-2}
tools=${EMBEVAL_LLAMA_TOOLS:-OFF}
server=${EMBEVAL_LLAMA_SERVER:-ON}
suffix=""
[ "$cuda" = ON ] && suffix="-cuda"

if [ -n "${EMBEVAL_LLAMA_SOURCE_DIR:-}" ]; then
  key="local-$(basename "$EMBEVAL_LLAMA_SOURCE_DIR")"
else
  key="$NPM_PACKAGE-$NPM_VERSION-embeval$PATCH_LEVEL"
fi
cache_root=${EMBEVAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/embeval}
prefix=${EMBEVAL_LLAMA_DIR:-$cache_root/llama-$key$suffix}
stamp="$prefix/.embeval-llama-installed"
if [ -f "$stamp" ] && { [ "$tools" != ON ] || [ -x "$prefix/bin/llama-embedding" ]; } &&
  { [ "$server" != ON ] || [ -x "$prefix/bin/llama-server" ]; }; then
  echo "setup_llama: already built in $prefix" >&2
  echo "$prefix"
  exit 0
fi
mkdir -p "$prefix"
work=$(mktemp -d "${TMPDIR:-/tmp}/embeval-llama.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. Source tree into $prefix/src (kept: tests read its vocab files and gguf-py).
if [ -n "${EMBEVAL_LLAMA_SOURCE_DIR:-}" ]; then
  [ -f "$EMBEVAL_LLAMA_SOURCE_DIR/include/llama.h" ] || {
    echo "setup_llama: $EMBEVAL_LLAMA_SOURCE_DIR has no include/llama.h" >&2
    exit 1
  }
  src=$(cd "$EMBEVAL_LLAMA_SOURCE_DIR" && pwd)
  ln -sfn "$src" "$prefix/src"
elif [ ! -f "$prefix/src/.embeval-source-ok" ]; then
  "$(dirname "$0")/npm_fetch.sh" "$NPM_PACKAGE" "$NPM_VERSION" "$NPM_INTEGRITY" "$work/package" \
    llama/gitRelease.bundle llama/patches
  rm -rf "$prefix/src"
  git clone -q "$work/package/llama/gitRelease.bundle" "$prefix/src" 2>/dev/null
  head=$(git -C "$prefix/src" rev-parse HEAD)
  [ "$head" = "$BUNDLE_HEAD" ] || { echo "setup_llama: bundle HEAD $head != $BUNDLE_HEAD" >&2; exit 1; }
  # node-llama-cpp applies its patches to this release; so do we, for identical behaviour.
  for p in "$work"/package/llama/patches/*.diff; do
    [ -e "$p" ] && git -C "$prefix/src" apply "$p"
  done
  for p in "$patches_dir"/*.diff; do
    [ -e "$p" ] && git -C "$prefix/src" apply "$p"
  done
  touch "$prefix/src/.embeval-source-ok"
  src="$prefix/src"
else
  src="$prefix/src"
fi

# 2. Configure and build only the libraries (static, position independent so tests and the CLI
#    link them directly; CPU backend, CUDA by option) and the asked-for programs. llama.cpp's
#    common library, which the programs need, comes with them. The server's web UI would be
#    fetched from Hugging Face or built with npm: both off, the server embeds an empty page.
build="$prefix/build"
programs=OFF
{ [ "$tools" = ON ] || [ "$server" = ON ]; } && programs=ON
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES="$tools" -DLLAMA_BUILD_SERVER="$server" \
  -DLLAMA_BUILD_TOOLS="$programs" -DLLAMA_BUILD_COMMON="$programs" -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
  -DLLAMA_OPENSSL=OFF -DGGML_OPENMP=ON -DGGML_CUDA="$cuda" -DGGML_BLAS=OFF \
  -DGGML_METAL=OFF -DGGML_VULKAN=OFF >/dev/null
targets=(--target llama ggml)
[ "$tools" = ON ] && targets+=(llama-embedding)
[ "$server" = ON ] && targets+=(llama-server)
nice -n 10 cmake --build "$build" -j"$jobs" "${targets[@]}" >&2  # progress on stderr; stdout is the prefix

# 3. Install: headers and static libraries only (`cmake --install` would want every target,
#    built or not). cmake/llama.cmake defines imported targets over these files.
mkdir -p "$prefix/lib" "$prefix/include" "$prefix/bin"
find "$build" -name '*.a' -exec cp -f {} "$prefix/lib/" \;
cp -f "$src"/include/llama.h "$src"/include/llama-cpp.h "$prefix/include/" 2>/dev/null || true
cp -f "$src"/ggml/include/*.h "$prefix/include/"
[ "$tools" = ON ] && cp -f "$build/bin/llama-embedding" "$prefix/bin/"
[ "$server" = ON ] && cp -f "$build/bin/llama-server" "$prefix/bin/"
git -C "$src" rev-parse HEAD >"$prefix/VERSION" 2>/dev/null || echo "$key" >"$prefix/VERSION"
touch "$stamp"
echo "setup_llama: installed llama.cpp libraries in $prefix" >&2
echo "$prefix"
