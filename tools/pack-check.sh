#!/usr/bin/env bash
# The package checks (run by .ci/run after the device checks; also by hand from the repository root):
# `dotnet pack CredalDistill.slnx -c Release` into a temporary folder must give exactly the three packages
# CredalDistill, CredalDistill.Onnx and CredalDistill.Tool (the `credal` tool), each with its .snupkg, an MIT licence
# expression and a packed readme; the tool package must stay under 40 MB; the tool installed from that folder alone
# (no other package source, so no network) must run `credal --help`, calibrate, predict (CSV and Parquet), export and
# sql, evaluate (and refuse --figures), and calibrate --query with DuckDB's native library supplied on the library path
# (the package has none).
# Prints 'pack-check: N passed, N failed' last; exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkgs="$tmp/packages"
passed=0
failed=0
check() { # check <description> <command...>: runs the command, counts and prints the result
  local what=$1
  shift
  if "$@" > "$tmp/check.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok    $what"
  else
    failed=$((failed + 1))
    echo "FAIL  $what"
    tail -20 "$tmp/check.log"
  fi
}
finish() {
  echo "pack-check: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

if ! dotnet pack CredalDistill.slnx -c Release -o "$pkgs" -v q -nologo > "$tmp/pack.log" 2>&1; then
  cat "$tmp/pack.log"
  failed=$((failed + 1))
  echo "FAIL  dotnet pack CredalDistill.slnx -c Release"
  finish
fi
passed=$((passed + 1))
echo "ok    dotnet pack CredalDistill.slnx -c Release"

expected="CredalDistill CredalDistill.Onnx CredalDistill.Tool"
ids() { # the package ids of the files with extension $1 in $pkgs, sorted, one line
  for f in "$pkgs"/*."$1"; do
    [ -e "$f" ] && basename "$f" | sed -E "s/\.[0-9]+\.[0-9]+\.[0-9]+([-+][^.]*)?\.$1\$//"
  done | sort | tr '\n' ' ' | sed 's/ $//'
}
check "exactly the packages: $expected ($(ids nupkg))" test "$(ids nupkg)" = "$expected"
check "a symbols package (.snupkg) for each ($(ids snupkg))" test "$(ids snupkg)" = "$expected"

nuspec_has() { # nuspec_has <package> <extended regex>
  unzip -p "$1" '*.nuspec' | grep -qE "$2"
}
for id in $expected; do
  pkg=$(ls "$pkgs/$id".[0-9]*.nupkg 2> /dev/null | head -1)
  [ -n "$pkg" ] || continue
  check "$id: licence expression MIT" nuspec_has "$pkg" '<license type="expression">MIT</license>'
  check "$id: readme README.md, packed" bash -c "unzip -p '$pkg' '*.nuspec' | grep -q '<readme>README.md</readme>' && unzip -l '$pkg' README.md | grep -q README.md"
  check "$id: version, authors, repository, tags, description" bash -c \
    "n=\$(unzip -p '$pkg' '*.nuspec'); for tag in '<version>' '<authors>' '<repository ' '<tags>' '<description>'; do grep -qF \"\$tag\" <<< \"\$n\" || exit 1; done"
done

tool=$(ls "$pkgs"/CredalDistill.Tool.[0-9]*.nupkg 2> /dev/null | head -1)
if [ -z "$tool" ]; then
  failed=$((failed + 1))
  echo "FAIL  no CredalDistill.Tool package"
  finish
fi
size=$(stat -c %s "$tool")
check "CredalDistill.Tool package under 40 MB ($size bytes)" test "$size" -lt $((40 * 1024 * 1024))
check "CredalDistill.Tool has no native libraries" bash -c "! unzip -l '$tool' | grep -qE '/native/|\\.so\$|\\.dylib\$|onnxruntime\\.dll'"

version=$(basename "$tool" .nupkg | sed 's/^CredalDistill\.Tool\.//')
check "dotnet tool install CredalDistill.Tool $version from the packed folder only" \
  dotnet tool install --tool-path "$tmp/tool" --source "$pkgs" --version "$version" CredalDistill.Tool
credal="$tmp/tool/credal"
check "credal --help lists calibrate, predict, evaluate, export" \
  bash -c "'$credal' --help > '$tmp/help.txt' && for c in calibrate predict evaluate export; do grep -qE \"^ +\$c \" '$tmp/help.txt' || exit 1; done"

# A tiny calibration set: 12 rows of K = 3 probabilities and logits (edge = cloud with the top logit raised).
w="$tmp/work"
mkdir -p "$w"
for i in $(seq 0 11); do
  a=$(( (i * 7) % 5 )); b=$(( (i * 3) % 4 )); c=$(( (i * 5) % 3 ))
  echo "$a.0,$b.0,$c.0" >> "$w/cloud-logits.csv"
  echo "$a.5,$b.0,$c.0" >> "$w/edge-logits.csv"
done
check "credal calibrate (logits, 12 rows, eps 0.2)" \
  "$credal" calibrate --logits --cloud "$w/cloud-logits.csv" --edge "$w/edge-logits.csv" --epsilon 0.2 --out "$w/cal.json"
check "credal predict writes 12 calibrated rows" \
  bash -c "'$credal' predict --calibration '$w/cal.json' --logits --edge '$w/edge-logits.csv' --out '$w/pred.csv' && test \$(tail -n +2 '$w/pred.csv' | wc -l) -eq 12"
check "credal predict streams Parquet out and back in (Parquet.Net packed)" \
  bash -c "'$credal' predict --calibration '$w/cal.json' --edge '$w/pred.csv' --out '$w/pred.parquet' && '$credal' predict --calibration '$w/cal.json' --edge '$w/pred.parquet' --out '$w/pred2.csv' && test \$(tail -n +2 '$w/pred2.csv' | wc -l) -eq 12"
check "credal export on models/fmnist3-edge.onnx" \
  bash -c "'$credal' export --model '$root/models/fmnist3-edge.onnx' --calibration '$w/cal.json' --out '$w/edge-calibrated.onnx' && test -s '$w/edge-calibrated.onnx'"
check "credal sql prints the PostgreSQL threshold and monitoring queries" \
  bash -c "'$credal' sql --dialect postgres --table pairs --cloud-columns c0,c1,c2 --edge-columns e0,e1,e2 --group-by model > '$w/q.sql' && grep -q 'row_number() OVER' '$w/q.sql' && test \$(grep -c ';\$' '$w/q.sql') -eq 2"
# The tool leaves DuckDB's native library out (36-112 MB per platform): without one on the library path, calibrate --query
# says so (exit 1); with the one NuGet restored for the repository's build on LD_LIBRARY_PATH, it calibrates.
check "credal calibrate --query without libduckdb exits 1 and names it" \
  bash -c "'$credal' calibrate --query 'SELECT 1' --cloud-columns a,b --edge-columns c,d --out '$w/q.json' 2> '$w/q.err'; test \$? -eq 1 && grep -q libduckdb '$w/q.err' && test ! -e '$w/q.json'"
duckdb_native=$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/duckdb.net.bindings.full/*/runtimes/linux-x64/native 2> /dev/null | sort -V | tail -1)
check "credal calibrate --query with libduckdb on LD_LIBRARY_PATH" \
  bash -c "LD_LIBRARY_PATH='$duckdb_native' '$credal' calibrate --query 'SELECT 0.5 AS c0, 0.5 AS c1, 0.25 AS e0, 0.75 AS e1 FROM range(20)' --cloud-columns c0,c1 --edge-columns e0,e1 --out '$w/q.json' && grep -q '\"n\": 20' '$w/q.json'"
check "credal demo is refused with usage exit code 2" bash -c "'$credal' demo; test \$? -eq 2"
# The tool is the command library without the repository's additions: no plotting library, so --figures is refused.
for i in $(seq 0 11); do echo $(( i % 3 )) >> "$w/labels.csv"; done
check "credal evaluate runs; with --figures it is refused (exit 2, no plotting library)" \
  bash -c "'$credal' evaluate --calibration '$w/cal.json' --logits --edge '$w/edge-logits.csv' --cloud '$w/cloud-logits.csv' --labels '$w/labels.csv' > /dev/null && { '$credal' evaluate --calibration '$w/cal.json' --logits --edge '$w/edge-logits.csv' --cloud '$w/cloud-logits.csv' --labels '$w/labels.csv' --figures '$w/fig' 2> '$w/fig.err'; test \$? -eq 2 && grep -q 'plotting' '$w/fig.err' && test ! -e '$w/fig'; }"
finish
