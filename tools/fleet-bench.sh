#!/usr/bin/env bash
# The fleet-scale benchmark of docs/PERFORMANCE.md (not a CI test; CI runs the same path at 10^6 rows in FleetScaleTests):
# a synthetic hive-partitioned Parquet lake of ROWS (cloud, edge) pairs x K = 10 float32 logits (SyntheticLake, written by
# DuckDB under ${WORK:-/tmp/credal-fleet}, never in the repository), then with GNU time -v (wall clock, peak RSS):
#   1. credal calibrate --query over the lake inside DuckDB (SET memory_limit = $MEMORY), one threshold;
#   2. the same with --group-by model (4 groups, plus the threshold over all rows);
#   3. the lake exported to NPY (same rows, same order) and credal calibrate --cloud --edge in process (streamed scores);
# and prints a Markdown table with the thresholds of 1 and 3 side by side. Deletes the data at the end (KEEP=1 keeps it).
# Usage: bash tools/fleet-bench.sh [ROWS]   (default 100000000; MEMORY=4GB by default)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000000}
MEMORY=${MEMORY:-4GB}
WORK=${WORK:-/tmp/credal-fleet}
K=10
mkdir -p "$WORK"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK/lake" "$WORK/npy"; }
trap cleanup EXIT
dotnet build -c Release src/CredalDistill.Cli -o "$WORK/cli" --nologo -v q > "$WORK/build.log"
dotnet build -c Release tools/CredalDistill.FleetBench -o "$WORK/bench" --nologo -v q >> "$WORK/build.log"
CREDAL="$WORK/cli/CredalDistill.Cli"
BENCH="$WORK/bench/CredalDistill.FleetBench"
cols() { local s=""; for k in $(seq 0 $((K - 1))); do s="$s${s:+,}$1$k"; done; echo "$s"; }
timed() { # name command...: GNU time -v into $WORK/name.time, prints wall seconds and peak RSS (MB)
  local name=$1
  shift
  /usr/bin/time -v "$@" > "$WORK/$name.out" 2> "$WORK/$name.time" || { tail -30 "$WORK/$name.time"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/$name.time" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(grep 'Maximum resident set size' "$WORK/$name.time" | awk '{printf "%.0f", $NF / 1024}')
  echo "$name|$wall|$rss"
}
gamma() { grep -oE '"threshold": [^,]+' "$1" | head -1 | awk '{print $2}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$WORK/lake" "$WORK/npy"
gen=$(timed generate "$BENCH" lake "$WORK/lake" "$ROWS" "$K")
echo "lake: $(du -sh "$WORK/lake" | cut -f1), $(find "$WORK/lake" -name '*.parquet' | wc -l) files"
query="SELECT * FROM read_parquet('$WORK/lake/**/*.parquet', hive_partitioning = true)"
one=$(timed duckdb "$CREDAL" calibrate --logits --query "$query" --cloud-columns "$(cols c)" --edge-columns "$(cols e)" --epsilon 0.1 --memory-limit "$MEMORY" --out "$WORK/duckdb.json")
grouped=$(timed duckdb-grouped "$CREDAL" calibrate --logits --query "$query" --cloud-columns "$(cols c)" --edge-columns "$(cols e)" --group-by model --epsilon 0.1 --memory-limit "$MEMORY" --out "$WORK/duckdb-grouped.json")
export=$(timed export "$BENCH" npy "$WORK/lake" "$WORK/npy" "$K")
rm -rf "$WORK/lake"
inproc=$(timed in-process "$CREDAL" calibrate --logits --cloud "$WORK/npy/cloud.npy" --edge "$WORK/npy/edge.npy" --epsilon 0.1 --out "$WORK/in-process.json")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "| step | rows | wall (s) | peak RSS (MB) | gamma (nats) |"
echo "|---|---:|---:|---:|---|"
row() { IFS='|' read -r name wall rss <<< "$1"; echo "| $2 | $ROWS | $wall | $rss | ${3:-} |"; }
row "$gen" "generate the lake (DuckDB COPY, Parquet, 40 partitions)"
row "$one" "credal calibrate --query (DuckDB, memory_limit $MEMORY)" "$(gamma "$WORK/duckdb.json")"
row "$grouped" "credal calibrate --query --group-by model (DuckDB, memory_limit $MEMORY)" "$(gamma "$WORK/duckdb-grouped.json") (all rows)"
row "$export" "export the lake to NPY (not a calibration)"
row "$inproc" "credal calibrate --cloud --edge (NPY, in process, streamed)" "$(gamma "$WORK/in-process.json")"
grep -A8 '"groups"' "$WORK/duckdb-grouped.json" | head -9
