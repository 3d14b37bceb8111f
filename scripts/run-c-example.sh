#!/usr/bin/env bash
# Builds examples/c/race.c against the wir installed in PREFIX, with pkg-config, and runs it.
set -euo pipefail
prefix=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
echo "+ cc race.c \$(pkg-config --cflags --libs wir)    # $(pkg-config --cflags --libs wir)"
${CC:-cc} -std=c99 -Wall -Wextra -Werror "$root/examples/c/race.c" $(pkg-config --cflags --libs wir) -o "$work/race"
cd "$work"            # the example names relative paths: they resolve here
LD_LIBRARY_PATH="$prefix/lib" ./race "$work/registry.db"
