#!/usr/bin/env bash
# Runs each libFuzzer harness of wir-fuzz for a fixed time, then replays its corpus.
#   fuzz.sh BINARY SECONDS TARGET...
set -euo pipefail
binary=$(realpath "$1"); seconds=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in "$@"; do
    corpus="$work/corpus-$target"
    mkdir -p "$corpus"
    # Seeds kept in the repository (inputs that once failed, and a few typical ones).
    if [ -d "$root/Tests/fuzz-seeds/$target" ]; then cp "$root/Tests/fuzz-seeds/$target"/* "$corpus"/ 2>/dev/null || true; fi
    (cd "$work" && WIR_FUZZ_TARGET=$target "$binary" "$corpus" -max_total_time="$seconds" -rss_limit_mb=4096 \
        -print_final_stats=1 > "$work/$target.log" 2>&1) || {
        echo "fuzz: $target FAILED"; grep -E "wir-fuzz:|ERROR|SUMMARY|Test unit" "$work/$target.log" | head -20; exit 1; }
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
    echo "fuzz: $target: $runs inputs in ${seconds}s, no failure ($(ls "$corpus" | wc -l) in corpus)"
done
