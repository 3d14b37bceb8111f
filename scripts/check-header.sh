#!/usr/bin/env bash
# The public header compiles on its own: C99 pedantic with gcc and clang, and as C++.
set -euo pipefail
header=$(realpath "$1")
dir=$(dirname "$header")
tu=$(mktemp --suffix=.c)
trap 'rm -f "$tu"' EXIT
printf '#include <wir.h>\nint main(void) { wir_claim_opts o = WIR_CLAIM_OPTS_INIT; return (int)o.version - WIR_CLAIM_OPTS_VERSION; }\n' > "$tu"
strict=(-Wall -Wextra -pedantic -Werror -I"$dir")
for cc in gcc clang; do
    command -v "$cc" >/dev/null || { echo "check-header: $cc not found" >&2; exit 1; }
    "$cc" -std=c99 "${strict[@]}" -x c -c "$tu" -o /dev/null
    echo "check-header: $cc -std=c99 -pedantic: ok"
done
for cxx in g++ clang++; do
    command -v "$cxx" >/dev/null || { echo "check-header: $cxx not found" >&2; exit 1; }
    "$cxx" -std=c++11 "${strict[@]}" -x c++ -c "$tu" -o /dev/null
    echo "check-header: $cxx -std=c++11: ok"
done
