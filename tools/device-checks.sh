#!/usr/bin/env bash
# The device checks of `credal export` (run by .ci/run after `dotnet test`; also by hand from the repository root):
#  1. Node: a third-party ONNX classifier exported with `credal export` (CD-CI artifacts, compared with the C# library;
#     and artifacts fitted by `credal calibrate --method` distilled-ms+cdci, distilled-ts, ts and distilled-ts+cdci,
#     compared with `credal predict` to 1e-5), run by onnxruntime-node (web/check-node.mjs).
#  2. Browser: the FMNIST-3 edge calibrated with `credal calibrate --logits` at eps 0.05, 0.1, 0.2 and exported with
#     `credal export` into web/public/models; the page built with Vite and tested with Playwright (playwright-core +
#     Debian chromium) against the library's numbers, and at 400 px wide (web/test/browser.mjs); screenshots to out/.
#  3. Clean clone: everything it generates goes to ignored folders (out/, web/public/{models,data,ort}, web/dist,
#     node_modules, bin/obj), so `git status --porcelain` is the same afterwards as before (checked, counted as a check).
#     The exported models cannot be committed byte for byte: ONNX Runtime's float32 kernels differ between CPUs, and
#     with them the calibration logits, gamma and the exported constants.
# Usage: bash tools/device-checks.sh [--screenshot PATH]   (PATH: also save the wide screenshot there, e.g. the README's
#   docs/figures/web-page.png; taken by the browser test once the page has run the model)
# Prints 'device-checks: N passed, N failed' last; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
screenshot=()
if [ "${1:-}" = "--screenshot" ]; then
  screenshot=(--screenshot "$(realpath -m "$2")")
fi
git_before=$(git status --porcelain 2>/dev/null || echo "not a git clone")
out=out/device
mkdir -p "$out/third-party" "$out/web"
dotnet build -v q -nologo src/CredalDistill.Cli/CredalDistill.Cli.csproj > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build -v q -nologo tools/CredalDistill.DeviceChecks/CredalDistill.DeviceChecks.csproj >> "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
credal() { dotnet src/CredalDistill.Cli/bin/Debug/net10.0/CredalDistill.Cli.dll "$@"; }
fixtures() { dotnet tools/CredalDistill.DeviceChecks/bin/Debug/net10.0/CredalDistill.DeviceChecks.dll "$@"; }

tp="$out/third-party"
fixtures third-party "$tp"
credal export --model "$tp/model.onnx" --calibration "$tp/cal-kl.json" --logits-output logits --out "$tp/calibrated-kl-intersection.onnx"
credal export --model "$tp/model.onnx" --calibration "$tp/cal-kl.json" --output maxent --out "$tp/calibrated-kl-maxent.onnx"
credal export --model "$tp/model.onnx" --calibration "$tp/cal-hellinger.json" --out "$tp/calibrated-hellinger-intersection.onnx"
credal export --model "$tp/model.onnx" --calibration "$tp/cal-alpha.json" --out "$tp/calibrated-alpha-intersection.onnx"
# Calibration maps fitted by credal calibrate on the fixture's calibration logits (a matrix map then CD-CI, a distilled
# temperature, labelled temperature scaling, a distilled temperature then CD-CI), each exported with the output named
# and run through credal predict on the test inputs' logits (the reference of those cases, ThirdParty.MapCases).
credal calibrate --logits --cloud "$tp/cal-cloud.csv" --edge "$tp/cal-edge.csv" --method distilled-ms+cdci --out "$tp/cal-ms.json"
credal calibrate --logits --cloud "$tp/cal-cloud.csv" --edge "$tp/cal-edge.csv" --method distilled-ts --out "$tp/cal-dts.json"
credal calibrate --logits --cloud "$tp/cal-cloud.csv" --edge "$tp/cal-edge.csv" --labels "$tp/cal-labels.csv" --method ts --out "$tp/cal-ts.json"
credal calibrate --logits --cloud "$tp/cal-cloud.csv" --edge "$tp/cal-edge.csv" --method distilled-ts+cdci --out "$tp/cal-dtscdci.json"
for case in ms:calibrated ms:intersection dts:calibrated ts:calibrated dtscdci:calibrated dtscdci:intersection; do
  name=${case%%:*}
  output=${case#*:}
  credal export --model "$tp/model.onnx" --calibration "$tp/cal-$name.json" --output "$output" --out "$tp/calibrated-$name-$output.onnx"
  credal predict --logits --edge "$tp/logits.csv" --calibration "$tp/cal-$name.json" --output "$output" --out "$tp/pred-$name-$output.csv"
  if [ "$name" = ms ] || [ "$name" = dtscdci ]; then
    credal predict --logits --edge "$tp/logits.csv" --calibration "$tp/cal-$name.json" --output bounds --out "$tp/pred-$name-$output-bounds.csv"
    credal predict --logits --edge "$tp/logits.csv" --calibration "$tp/cal-$name.json" --output labels --out "$tp/pred-$name-$output-labels.csv"
  fi
done
fixtures third-party-expected "$tp"

w="$out/web"
fixtures web-prepare "$w"
mkdir -p web/public/models web/public/data
for eps in 0.05 0.1 0.2; do
  credal calibrate --logits --cloud "$w/cal-cloud.csv" --edge "$w/cal-edge.csv" --epsilon "$eps" --out "$w/cal-eps$eps.json"
  credal export --model models/fmnist3-edge.onnx --calibration "$w/cal-eps$eps.json" --out "web/public/models/fmnist3-edge-eps$eps.onnx"
done
fixtures web-expected "$w" 0.05 0.1 0.2
cp "$w/images.json" "$w/thresholds.json" web/public/data/

cd web
if [ "${CI:-}" = "true" ] || [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm run -s build
status=0
node check-node.mjs "../$tp" | tee ../$out/node-check.log || status=1
node test/browser.mjs "../$w/expected.json" "${screenshot[@]}" | tee ../$out/browser.log || status=1
cd ..
passed=$(grep -hoE '^(node-check|browser): [0-9]+ passed' "$out/node-check.log" "$out/browser.log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -hoE '[0-9]+ failed$' "$out/node-check.log" "$out/browser.log" | awk '{s += $1} END {print s + 0}')
git_after=$(git status --porcelain 2>/dev/null || echo "not a git clone")
if [ "$git_after" = "$git_before" ] || [ ${#screenshot[@]} -gt 0 ]; then
  echo "ok   the clone is as before: git status --porcelain unchanged"
  passed=$((passed + 1))
else
  echo "FAIL the run changed the clone; git status --porcelain before:"; echo "$git_before"; echo "after:"; echo "$git_after"
  failed=$((failed + 1))
  status=1
fi
echo "device-checks: $passed passed, $failed failed"
exit $status
