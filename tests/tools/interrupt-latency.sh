#!/usr/bin/env bash
# Sends SIGINT (Ctrl-C) to a credal run after DELAY seconds and prints the exit code, the seconds from the signal
# to the exit, the last stderr line and whether anything exists at OUT_DIR (docs/RELIABILITY.md).
# usage: tests/tools/interrupt-latency.sh DELAY OUT_DIR credal-command [args...]
# e.g.:  tests/tools/interrupt-latency.sh 10 /tmp/x/demo src/CredalDistill.Cli/bin/Release/net10.0/CredalDistill.Cli demo --out /tmp/x/demo
set -m   # job control: background jobs keep the default SIGINT action (otherwise bash makes them ignore it)
delay=$1; out=$2; shift 2
err=$(mktemp)
"$@" > /dev/null 2> "$err" &
pid=$!
sleep "$delay"
t0=$(date +%s.%N)
kill -INT "$pid" 2>/dev/null
wait "$pid"; rc=$?
t1=$(date +%s.%N)
if [ -e "$out" ]; then written="yes"; else written="no"; fi
printf 'delay=%ss exit=%s latency=%.2fs output-exists=%s stderr=%s\n' "$delay" "$rc" "$(echo "$t1 - $t0" | bc)" "$written" "$(tail -1 "$err")"
rm -f "$err"
