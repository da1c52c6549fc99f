// Node check of `credal export`: runs calibrated copies of a "third-party" ONNX classifier (not one of the bundled
// models; written by tools/CredalDistill.DeviceChecks) in onnxruntime-node and compares every output with the C#
// library's double-precision numbers in expected.json (or, for a case with "reference": "credal predict", with the files
// credal predict wrote): at most 2e-4 absolute (a case's "tolerance" when it names one) on probabilities, lower and upper,
// lower <= probabilities <= upper, the original logits output kept, label sets equal except at ties within 2e-4. A point
// calibration (a case with "point": true, e.g. distilled-ts) adds `probabilities` only, so only that is compared.
// Usage: node check-node.mjs DIR   (DIR holds inputs.json, expected.json and the calibrated-*.onnx files)
// Prints one line per case and a final 'node-check: N passed, N failed'; exits 1 when any case fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const DEFAULT_TOLERANCE = 2e-4;
const dir = process.argv[2];
if (!dir) {
  console.error('usage: node check-node.mjs DIR');
  process.exit(2);
}

const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
const k = expected.classes;
let passed = 0;
let failed = 0;

for (const c of expected.cases) {
  const problems = [];
  const TOLERANCE = c.tolerance ?? DEFAULT_TOLERANCE;
  let maxError = 0;
  try {
    const session = await ort.InferenceSession.create(join(dir, c.model));
    const x = new ort.Tensor('float32', Float32Array.from(inputs.x), inputs.shape);
    const out = await session.run({ x });
    const names = c.point ? ['logits', 'probabilities'] : ['logits', 'probabilities', 'lower', 'upper', 'label_set'];
    for (const name of names) {
      if (!(name in out)) problems.push(`missing output ${name}`);
    }
    if (c.point && ('lower' in out || 'upper' in out || 'label_set' in out)) problems.push('a point calibration has no bounds or label sets');
    if (problems.length === 0) {
      const rows = inputs.shape[0];
      const shape = out.probabilities.dims.join('x');
      if (shape !== `${rows}x${k}`) problems.push(`probabilities has shape ${shape}`);
      if (!c.point && out.label_set.type !== 'bool') problems.push(`label_set has type ${out.label_set.type}`);
      for (let i = 0; i < rows * k; i++) {
        if (Math.abs(out.logits.data[i] - expected.logits[i]) > 1e-5) problems.push(`logits[${i}] changed`);
        for (const name of c.point ? ['probabilities'] : ['probabilities', 'lower', 'upper']) {
          const e = Math.abs(out[name].data[i] - c[name][i]);
          maxError = Math.max(maxError, e);
          if (!(e <= TOLERANCE)) problems.push(`${name}[${i}] = ${out[name].data[i]}, library ${c[name][i]}`);
        }
        if (c.point) continue;
        const [l, q, u] = [out.lower.data[i], out.probabilities.data[i], out.upper.data[i]];
        if (!(l <= q && q <= u)) problems.push(`row ${Math.floor(i / k)} class ${i % k}: ${q} outside [${l}, ${u}]`);
        const r = Math.floor(i / k);
        const maxLower = Math.max(...c.lower.slice(r * k, r * k + k));
        if (Math.abs(c.upper[i] - maxLower) > TOLERANCE && Boolean(out.label_set.data[i]) !== c.label_set[i]) {
          problems.push(`label_set[${i}] = ${out.label_set.data[i]}, library ${c.label_set[i]}`);
        }
      }
    }
  } catch (err) {
    problems.push(String(err));
  }
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${c.model} (${c.calibration}, ${c.output}): max abs error ${maxError.toExponential(2)} against ${c.reference ?? 'the library'} (tolerance ${TOLERANCE}) over ${inputs.shape[0]} rows`);
  } else {
    failed++;
    console.log(`FAIL ${c.model}: ${problems.length} problems; first: ${problems.slice(0, 5).join('; ')}`);
  }
}

console.log(`node-check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
