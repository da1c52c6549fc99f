#!/usr/bin/env bash
# Peak resident memory of `credal predict` streaming NPY, Parquet and CSV (docs/STREAMING.md).
# Generates seeded probability matrices under ${WORK:-/tmp/credal-streaming} (never in the repository): a 4,096-row
# block of K = 10 rows (awk), tiled into 1,000,000- and 4,000,000-row NPY files; Parquet and CSV copies of the
# 1,000,000-row file are written by `credal predict` itself. Prints a markdown table of "Maximum resident set size"
# (GNU time -v) per run. Usage: bash tools/streaming-rss.sh [rows...]   (default: 1000000 4000000)
# BEFORE=<credal executable of an older build> adds its NPY predict on the same files (e.g. a build of the commit
# before streaming: git archive 400c9c6 | tar -x -C /tmp/before; dotnet build -c Release src/CredalDistill.Cli -o ...).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/credal-streaming}
mkdir -p "$WORK"
ROWS=("${@:-1000000 4000000}")
read -r -a ROWS <<< "${ROWS[*]}"
K=10
dotnet build -c Release src/CredalDistill.Cli -o "$WORK/cli" --nologo -v q > "$WORK/build.log"
CREDAL="$WORK/cli/CredalDistill.Cli"

# Seeded rows: cubed uniforms plus 1 on one class, normalised; the cloud is the edge row reweighted by U(0.5, 1.5).
gen() { # rows seed file [cloud]
  awk -v n="$1" -v seed="$2" -v k=$K -v cloud="${4:-0}" 'BEGIN {
    srand(seed); for (j = 0; j < k; j++) printf "%sc%d", (j ? "," : ""), j; print "";
    for (i = 0; i < n; i++) { s = 0; top = int(rand() * k);
      for (j = 0; j < k; j++) { p[j] = rand() ^ 3 + (j == top ? 1 : 0); if (cloud) p[j] *= 0.5 + rand(); s += p[j] }
      for (j = 0; j < k; j++) printf "%s%.17g", (j ? "," : ""), p[j] / s; print "" } }' > "$3"
}
gen 2000 1 "$WORK/cal_edge.csv"
gen 2000 1 "$WORK/cal_cloud.csv" 1
gen 4096 2 "$WORK/block.csv"
"$CREDAL" calibrate --cloud "$WORK/cal_cloud.csv" --edge "$WORK/cal_edge.csv" --epsilon 0.1 --out "$WORK/cal.json" > /dev/null
"$CREDAL" predict --calibration "$WORK/cal.json" --edge "$WORK/block.csv" --out "$WORK/block.npy" > /dev/null

npy() { # rows file: NPY 1.0 <f8 header for (rows, K) + the block's data tiled
  local rows=$1 dict pad total
  dict="{'descr': '<f8', 'fortran_order': False, 'shape': ($rows, $K), }"
  total=$(( (10 + ${#dict} + 1 + 63) / 64 * 64 ))
  pad=$(( total - 10 - ${#dict} - 1 ))
  local hl=$(( total - 10 ))
  { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((hl & 255)))\\x$(printf %02x $((hl >> 8)))";
    printf '%s%*s\n' "$dict" "$pad" ''
    local blockbytes=$((4096 * K * 8)) full=$((rows / 4096)) rest=$((rows % 4096))
    local body="$WORK/block.body"; tail -c "$blockbytes" "$WORK/block.npy" > "$body"
    for ((i = 0; i < full; i++)); do cat "$body"; done
    head -c $((rest * K * 8)) "$body"; } > "$2"
}

measure() { # label input output [command...]: predict by default
  local label=$1 input=$2 output=$3; shift 3
  if (($# == 0)); then set -- predict --calibration "$WORK/cal.json" --edge "$input" --out "$output"; fi
  if [[ "$1" != /* ]]; then set -- "$CREDAL" "$@"; fi
  /usr/bin/time -v "$@" > /dev/null 2> "$WORK/time.txt"
  local kb wall
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  printf '| %s | %s | %s -> %s | %d | %s |\n' "$2" "$label" "${input##*.}" "${output##*.}" $((kb / 1024)) "$wall"
}

echo "| command | rows x K | input -> output | peak RSS (MB) | wall clock |"
echo "|---|---|---|---:|---:|"
for n in "${ROWS[@]}"; do
  npy "$n" "$WORK/edge$n.npy"
  measure "$n x $K" "$WORK/edge$n.npy" "$WORK/out$n.npy"
  if [[ -n "${BEFORE:-}" ]]; then
    [[ -f "$WORK/cal_before.json" ]] || "$BEFORE" calibrate --cloud "$WORK/cal_cloud.csv" --edge "$WORK/cal_edge.csv" --epsilon 0.1 --out "$WORK/cal_before.json" > /dev/null
    measure "$n x $K" "$WORK/edge$n.npy" "$WORK/before$n.npy" "$BEFORE" predict --calibration "$WORK/cal_before.json" --edge "$WORK/edge$n.npy" --out "$WORK/before$n.npy" | sed 's/^| [^|]* |/| predict (before streaming) |/'
    rm -f "$WORK/before$n.npy"
  fi
done
n=${ROWS[0]}
"$CREDAL" predict --calibration "$WORK/cal.json" --edge "$WORK/edge$n.npy" --out "$WORK/edge$n.parquet" > /dev/null
"$CREDAL" predict --calibration "$WORK/cal.json" --edge "$WORK/edge$n.npy" --out "$WORK/edge$n.csv" > /dev/null
measure "$n x $K" "$WORK/edge$n.parquet" "$WORK/out$n.parquet"
measure "$n x $K" "$WORK/edge$n.csv" "$WORK/out$n.csv"
# calibrate's score pass: the tiled rows as cloud, their intersection outputs (written above) as edge.
measure "$n x $K" "$WORK/edge$n.npy" "$WORK/cal$n.json" calibrate --cloud "$WORK/edge$n.npy" --edge "$WORK/out$n.npy" --epsilon 0.1 --out "$WORK/cal$n.json"
echo
echo "Machine: $(lscpu | awk -F': *' '/Model name/ {print $2; exit}'), $(nproc) logical cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, .NET $(dotnet --version); load average $(cut -d' ' -f1-3 /proc/loadavg)."
rm -f "$WORK"/edge*.npy "$WORK"/out*.* "$WORK"/edge*.parquet "$WORK"/edge*.csv "$WORK"/cal[0-9]*.json "$WORK/cal_before.json" "$WORK/block.body"
