#!/usr/bin/env bash
# The README's first command: set up, build, and run the demo on this machine's man pages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
exec ./build/release/embeval demo "$@"
