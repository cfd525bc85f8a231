#!/usr/bin/env bash
# The README's second command: set up, build, and run every test, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Set EMBEVAL_SKIP_SANITIZE=1 to skip the second.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
ctest --preset release -j "$(nproc)"
if [ "${EMBEVAL_SKIP_SANITIZE:-0}" != 1 ]; then
  bash scripts/build.sh sanitize
  ctest --preset sanitize -j "$(nproc)"
fi
