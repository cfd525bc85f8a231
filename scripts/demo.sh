#!/usr/bin/env bash
# The README's first command: set up, build, and run the demo on this machine's man pages.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs no llama-server (only the served-model tests do): skip its long build.
EMBEVAL_LLAMA_SERVER=${EMBEVAL_LLAMA_SERVER:-OFF} bash scripts/setup.sh
bash scripts/build.sh release
exec ./build/release/embeval demo "$@"
