#!/usr/bin/env bash
# Installs everything embeval needs from Debian 12 packages. Idempotent; run as root.
# Each package and why (docs/dependencies.md repeats this list):
#   build-essential cmake pkg-config   compiler and build system
#   ccache                             reuses compiled objects across builds and fresh clones (CI)
#   libgtest-dev                       tests (GoogleTest)
#   libcli11-dev                       command-line parsing
#   libsimdjson-dev                    fast JSONL reading (corpus.jsonl can be gigabytes)
#   nlohmann-json3-dev                 results.json writing/reading, where convenience matters
#   libutf8proc-dev                    Unicode normalisation, case folding, UTF-8 validation
#   libstemmer-dev                     Snowball stemmers for the BM25 analyzer
#   libopenblas-dev liblapack-dev      SGEMM for exact dense search (LAPACK: FAISS needs it)
#   libfaiss-dev libomp-dev            the ANN reference in benchmarks (static lib, needs OpenMP)
#   zlib1g-dev                         reading gzip'ed man pages
#   libcurl4-openssl-dev               HTTP for remote models (OpenAI-compatible servers, docs/remote-models.md)
#   man-db manpages manpages-dev       the demo's documents: this machine's man pages
#   python3-numpy                      reference forward passes for the gguf parity tests
#   dict-gcide                         bench/word2vec_bench's corpus (GCIDE, 5.1M words of text)
#   openssl npm                        setup_llama.sh: fetch and verify the pinned llama.cpp source
#                                      (npm only when no npm is on PATH: NodeSource's nodejs has one)
set -euo pipefail

packages=(build-essential cmake pkg-config git ccache
  libgtest-dev libgmock-dev libcli11-dev libsimdjson-dev nlohmann-json3-dev
  libutf8proc-dev libstemmer-dev libopenblas-dev liblapack-dev libfaiss-dev libomp-dev
  zlib1g-dev libcurl4-openssl-dev man-db manpages manpages-dev python3-numpy openssl dict-gcide)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install packages (try: sudo $0)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all Debian packages present" >&2

# llama.cpp libraries for the gguf layer (cached outside the repo; a no-op when already built).
"$(dirname "$0")/setup_llama.sh" >/dev/null
