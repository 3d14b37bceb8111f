#!/usr/bin/env bash
# A throw-away PostgreSQL server for wir's tests and benchmark.
#
#   pg-test-server.sh start       initdb + pg_ctl start on 127.0.0.1 and a free port, data under
#                                 /tmp/wir-pg-PORT; prints the server's URL on stdout
#   pg-test-server.sh stop URL    stops the server that `start` printed URL for and deletes its data
#
# initdb refuses to run as root, so as root the server runs as the `postgres` user (created by
# Debian's postgresql package); otherwise as the calling user. Authentication is `trust` on
# 127.0.0.1 only: the server exists for one test run.
set -euo pipefail

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
    echo "pg-test-server: initdb not found (install PostgreSQL: apt-get install postgresql)" >&2
    exit 1
}

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bin port data log
    bin=$(find_bin)
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        data=/tmp/wir-pg-$port
        rm -rf "$data"
        mkdir -p "$data"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
        as_server_user "$bin/initdb" -D "$data/db" -U postgres --auth=trust --no-sync -E UTF8 >"$data/initdb.log" 2>&1 || {
            cat "$data/initdb.log" >&2; exit 1; }
        log=$data/server.log
        if as_server_user "$bin/pg_ctl" -D "$data/db" -l "$log" -w -t 30 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=200" >/dev/null; then
            echo "postgresql://postgres@127.0.0.1:$port/postgres"
            return
        fi
        # The port was taken between choosing and binding: try another.
        tail -n 5 "$log" >&2 || true
        rm -rf "$data"
    done
    echo "pg-test-server: could not start a server" >&2
    exit 1
}

stop() {
    local url=${1:?usage: pg-test-server.sh stop URL}
    local port=${url##*:}
    port=${port%%/*}
    case $port in ''|*[!0-9]*) echo "pg-test-server: no port in '$url'" >&2; exit 64 ;; esac
    local data=/tmp/wir-pg-$port
    [ -d "$data/db" ] || { echo "pg-test-server: no server data in $data" >&2; exit 1; }
    as_server_user "$(find_bin)/pg_ctl" -D "$data/db" -m immediate -w stop >/dev/null || true
    rm -rf "$data"
}

case ${1:-} in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: pg-test-server.sh start | stop URL" >&2; exit 64 ;;
esac
