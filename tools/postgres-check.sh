#!/usr/bin/env bash
# The PostgreSQL checks of the engine SQL (run by .ci/run after the package checks; also by hand from the repository root):
# installs Debian's postgresql when no server binaries are found, starts a throw-away server (initdb + pg_ctl) in a
# temporary folder, listening only on a Unix socket there (no TCP), as the unprivileged 'postgres' system user when run as
# root (PostgreSQL refuses to run as root), runs tests/CredalDistill.Engines.PostgresTests against it (connection string
# in CREDAL_POSTGRES), and stops the server and deletes the folder afterwards, also on failure or interruption.
# Prints 'postgres-check: N passed, N failed' last; exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
finish() {
  echo "postgres-check: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "installing Debian's postgresql (apt-get)"
  if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } > /tmp/postgres-check-apt.log 2>&1; then
    tail -20 /tmp/postgres-check-apt.log
    failed=$((failed + 1))
    echo "FAIL  apt-get install postgresql"
    finish
  fi
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# The server's user: ourselves, or the package's 'postgres' system user when we are root.
as_server() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres > /dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  as_server() { runuser -u postgres -- "$@"; }
fi

tmp=$(mktemp -d /tmp/credal-postgres.XXXXXX)
chmod 755 "$tmp"
[ "$(id -u)" -eq 0 ] && chown postgres "$tmp"
port=$((50000 + RANDOM % 10000))
stop() {
  as_server "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop > /dev/null 2>&1
  rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT TERM

if ! as_server "$bindir/initdb" -D "$tmp/data" -A trust -U credal --no-sync -E UTF8 > "$tmp/initdb.log" 2>&1; then
  cat "$tmp/initdb.log"
  failed=$((failed + 1))
  echo "FAIL  initdb"
  finish
fi
if ! as_server "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-k $tmp -p $port -c listen_addresses='' -c fsync=off" start > /dev/null; then
  cat "$tmp/server.log"
  failed=$((failed + 1))
  echo "FAIL  pg_ctl start"
  finish
fi
passed=$((passed + 1))
echo "ok    PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on socket $tmp, port $port"

export CREDAL_POSTGRES="Host=$tmp;Port=$port;Username=credal;Database=postgres;Command Timeout=300"
log="$tmp/test.log"
dotnet test tests/CredalDistill.Engines.PostgresTests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$((passed + $(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')))
failed=$((failed + $(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the test host failed before any test
fi
finish
