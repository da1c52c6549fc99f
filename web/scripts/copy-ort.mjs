// Copies the ONNX Runtime WebAssembly files from node_modules into public/ort at build time, so that the built page
// loads them from its own origin (no CDN; the page works offline).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const to = join(root, 'public', 'ort');
mkdirSync(to, { recursive: true });
for (const file of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) {
  copyFileSync(join(from, file), join(to, file));
}
console.log(`copied ONNX Runtime wasm files to ${to}`);
