#!/usr/bin/env bash
# Installs wir into a temporary prefix and checks it as its users will meet it:
# what the library links, what it exports against the header, pkg-config, and
# real C programs built with `pkg-config --cflags --libs wir`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make -C "$root" --no-print-directory install PREFIX="$prefix" >/dev/null
lib="$prefix/lib/libwir.so"

# Runs without the Swift toolchain: nothing but the C/C++ runtime and SQLite. libpq is not
# linked: it is loaded when the first PostgreSQL registry is opened.
for binary in "$lib" "$prefix/bin/wir"; do
    deps=$(ldd "$binary" | awk '{print $1}')
    unexpected=$(echo "$deps" | grep -Ev '^(linux-vdso\.so|libsqlite3\.so|libstdc\+\+\.so|libm\.so|libgcc_s\.so|libc\.so|/lib64/ld-linux|ld-linux)' || true)
    if [ -n "$unexpected" ]; then echo "test-installed: $binary needs: $unexpected" >&2; exit 1; fi
    echo "test-installed: ldd $(basename "$binary"): $(echo $deps | tr '\n' ' ')"
done
[ "$("$prefix/bin/wir" --version)" = "$(sed -n 's/^#define WIR_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)/\2/p' "$root/Include/wir.h" | paste -sd.)" ]
for completion in share/bash-completion/completions/wir share/zsh/site-functions/_wir share/fish/vendor_completions.d/wir.fish; do
    [ -s "$prefix/$completion" ] || { echo "test-installed: missing $completion" >&2; exit 1; }
done

# Every exported wir_* symbol is declared in the header, and every declaration is exported.
exported=$(nm -D --defined-only --extern-only "$lib" | awk '{print $3}' | sort)
declared=$(grep -oE '^WIR_API [^(]*\b(wir_[a-z_]+)\(' "$prefix/include/wir.h" | grep -oE 'wir_[a-z_]+\($' | tr -d '(' | sort)
if [ "$exported" != "$declared" ]; then
    echo "test-installed: exports and header differ:" >&2
    diff <(echo "$exported") <(echo "$declared") >&2 || true
    exit 1
fi
echo "test-installed: symbols: $(echo "$exported" | wc -l) exported = declared"

[ "$(readlink "$prefix/lib/libwir.so")" = "libwir.so.0" ] && [ -e "$prefix/lib/libwir.so.0" ]
[ "$(readelf -d "$lib" | sed -n 's/.*soname: \[\(.*\)\]/\1/p')" = "libwir.so.0" ]
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
version=$(pkg-config --modversion wir)
header_version=$(sed -n 's/^#define WIR_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)/\2/p' "$root/Include/wir.h" | paste -sd.)
[ "$version" = "$header_version" ] || { echo "pkg-config version $version != header $header_version" >&2; exit 1; }
echo "test-installed: pkg-config wir $version, soname libwir.so.0"

# The example race and the C ABI test, built with pkg-config, run with a bare environment.
bash "$root/scripts/run-c-example.sh" "$prefix"
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
${CC:-cc} -std=c99 -Wall -Wextra -Werror -D_DEFAULT_SOURCE "$root/Tests/c/abi_test.c" \
    $(pkg-config --cflags --libs wir) -pthread -o "$work/abi_test"
(cd "$work" && env -i LD_LIBRARY_PATH="$prefix/lib" ./abi_test "$work/abi.db")
