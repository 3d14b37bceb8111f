#!/usr/bin/env bash
# Runs a command with WIR_TEST_POSTGRES naming a PostgreSQL server: the one already named,
# else a throw-away server (pg-test-server.sh) started for the command and stopped after it.
# A server that cannot start fails the run: PostgreSQL tests that were expected never skip silently.
#   with-pg-test-server.sh COMMAND [ARG...]
set -uo pipefail
if [ -n "${WIR_TEST_POSTGRES:-}" ]; then exec "$@"; fi
here=$(dirname "$0")
url=$(bash "$here/pg-test-server.sh" start) || { echo "with-pg-test-server: no PostgreSQL server" >&2; exit 1; }
echo "with-pg-test-server: PostgreSQL at $url" >&2
trap 'bash "$here/pg-test-server.sh" stop "$url"' EXIT      # also when interrupted
WIR_TEST_POSTGRES=$url "$@"
