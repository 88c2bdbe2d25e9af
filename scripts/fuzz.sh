#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz", clang + ASan/UBSan) and runs each one for a
# bounded time, starting from its seed corpus in tests/fuzz/corpus/<target>/.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30). Exits non-zero on a crash;
# the reproducer is left in build-fuzz/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j2 --target fuzz_all
artifacts=$PWD/build-fuzz/fuzz-artifacts
mkdir -p "$artifacts"
status=0
for bin in build-fuzz/bin/fuzz_*; do
    [[ -x $bin ]] || continue
    name=$(basename "$bin")
    work=build-fuzz/fuzz-corpus/$name
    mkdir -p "$work"
    seeds=tests/fuzz/corpus/$name
    [[ -d $seeds ]] || seeds=
    echo "== $name: ${seconds}s"
    # New inputs go to the work corpus; the committed seed corpus stays read-only.
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$name-" "$work" $seeds 2>"build-fuzz/$name.log"; then
        echo "!! $name failed; see build-fuzz/$name.log and $artifacts" >&2
        tail -30 "build-fuzz/$name.log" >&2
        status=1
    else
        grep -E "stat::number_of_executed_runs|cov:" "build-fuzz/$name.log" | tail -2
    fi
done
exit $status
