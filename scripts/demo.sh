#!/usr/bin/env bash
# Two workers contend for one state file through the installed `wir` command.
#   1. refuse (the default): the second worker is refused, told who holds the file, runs nothing.
#   2. queue: the second worker waits its turn, then runs.
# Then the conflict log shows what stomped what.
set -euo pipefail
prefix=$(realpath "$1")
wir="$prefix/bin/wir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WIR_REGISTRY="$work/registry.db"
cd "$work"
worker() {   # worker NAME POLICY
    "$wir" run --task "$1" --label "worker $1" --policy "$2" --writes state.json -- \
        sh -c 'echo "  $WIR_TASK_ID: writing state.json (token $WIR_TOKEN)"; echo "$WIR_TASK_ID" >> state.json; sleep 1'
}
echo "== refuse: two workers start together"
worker alpha refuse & first=$!
sleep 0.3
status=0; worker beta refuse || status=$?
wait "$first"
echo "  beta exited $status (75: refused, ran nothing)"
echo "== queue: beta waits its turn"
worker alpha queue & first=$!
sleep 0.3
worker beta queue
wait "$first"
echo "== state.json, written by each in turn:"; sed 's/^/  /' state.json
echo "== wir log"; "$wir" log
echo "== wir history"; "$wir" history
