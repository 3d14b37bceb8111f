#!/usr/bin/env bash
# The big torture run: P processes x N claims (default 8 x 10000) of random
# read/write sets over paths, directories and globs, through a symlinked directory,
# a hard link and (as root) a bind mount, random policies and TTLs, crashes; an
# independent flock witness on the files themselves counts violations. Prints the totals.
set -euo pipefail
processes=${1:-8}
iterations=${2:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
swift build -c release --product wir-testprobe --package-path "$root" >/dev/null
probe="$root/.build/release/wir-testprobe"
work=$(mktemp -d)
mkdir -p "$work/tree/d3" "$work/tree/b3"
# A bind mount of tree/d3 at tree/b3, one of the names the workers claim through (root only).
if [ "$(id -u)" -eq 0 ] && mount --bind "$work/tree/d3" "$work/tree/b3" 2>/dev/null; then
    trap 'umount "$work/tree/b3"; rm -rf "$work"' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi
start=$(date +%s)
for i in $(seq 1 "$processes"); do
    "$probe" torture "$work/registry.db" "$work/tree" "$iterations" "$i" > "$work/out.$i" &
done
wait
seconds=$(( $(date +%s) - start ))
cat "$work"/out.* | tr ' ' '\n' | awk -F= '{ total[$1] += $2 } END { for (k in total) printf "%s=%d ", k, total[k]; print "" }' \
    | tee "$work/totals"
echo "soak: $processes processes x $iterations iterations in ${seconds}s"
python3 -c "import sqlite3, sys; print('soak: integrity:', sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$work/registry.db"
grep -q 'violations=0' "$work/totals" && grep -q 'errors=0' "$work/totals"
