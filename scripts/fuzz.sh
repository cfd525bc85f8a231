#!/usr/bin/env bash
# Long local fuzzing with libFuzzer (docs/fuzzing.md): builds the `fuzz` preset (clang, ASan +
# UBSan, coverage-guided) and runs each target for SECONDS, growing a corpus outside the repo.
#   scripts/fuzz.sh [SECONDS_PER_TARGET=600] [READER...]      (default: every reader)
# Crashes land in build/fuzz/artifacts/<reader>/; add them to tests/fuzz/seeds/<reader>/ once fixed
# (tests/fuzz/known/<reader>/ while the bug is open).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
readers=("$@")
if ((${#readers[@]} == 0)); then
  for f in tests/fuzz/*_fuzz.cpp; do
    r=$(basename "$f" _fuzz.cpp)
    readers+=("$r")
  done
fi
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$(nproc)" --target "${readers[@]/%/_libfuzzer}"
# Targets write each input to a scratch folder under TMPDIR; libFuzzer ends with _Exit, which
# skips the harness's clean-up, so the scratch folders go under build/fuzz/tmp, emptied here.
export TMPDIR="$PWD/build/fuzz/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
corpus_root=${EMBEVAL_FUZZ_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/embeval/fuzz-corpus}
status=0
for r in "${readers[@]}"; do
  mkdir -p "$corpus_root/$r" "build/fuzz/artifacts/$r"
  echo "fuzz: $r for ${seconds}s (corpus $corpus_root/$r)" >&2
  build/fuzz/tests/fuzz/"${r}"_libfuzzer -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$r/" \
    "$corpus_root/$r" "tests/fuzz/seeds/$r" || status=1
done
exit $status
