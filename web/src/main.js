// The calibrated FMNIST-3 edge (credal export) in the browser: onnxruntime-web runs the exported graph, whose outputs
// are the calibrated probabilities, the class bounds and the label set; the page only draws them.
import * as ort from 'onnxruntime-web/wasm';
import './style.css';

ort.env.wasm.wasmPaths = new URL('./ort/', document.baseURI).href;
ort.env.wasm.numThreads = 1;

const $ = (id) => document.getElementById(id);
const fmt = (v) => v.toFixed(6);
const sessions = new Map();
const state = { image: 0, threshold: 0 };
let images;
let classes;
let thresholds;

async function session(model) {
  if (!sessions.has(model)) {
    sessions.set(model, ort.InferenceSession.create(model, { executionProviders: ['wasm'] }));
  }
  return sessions.get(model);
}

function drawDigit(canvas, pixels) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(28, 28);
  pixels.forEach((v, i) => {
    img.data.set([255 - v, 255 - v, 255 - v, 255], i * 4);
  });
  const tmp = document.createElement('canvas');
  tmp.width = 28;
  tmp.height = 28;
  tmp.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

function logSoftmax(z) {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
}

/** Clips the simplex to the box lower <= q <= upper (Sutherland-Hodgman on barycentric points). */
function boxPolygon(lower, upper) {
  let poly = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const planes = [];
  for (let k = 0; k < 3; k++) {
    planes.push((q) => q[k] - lower[k]);
    planes.push((q) => upper[k] - q[k]);
  }
  for (const f of planes) {
    const next = [];
    poly.forEach((a, i) => {
      const b = poly[(i + 1) % poly.length];
      const fa = f(a);
      const fb = f(b);
      if (fa >= 0) next.push(a);
      if ((fa >= 0) !== (fb >= 0)) {
        const t = fa / (fa - fb);
        next.push(a.map((v, j) => v + t * (b[j] - v)));
      }
    });
    poly = next;
    if (poly.length === 0) break;
  }
  return poly;
}

function drawSimplex(logP, gamma, divergence, lower, upper, calibrated) {
  const svg = $('simplex');
  const V = [[30, 300], [330, 300], [180, 40]];
  const xy = (q) => [0, 1].map((c) => q[0] * V[0][c] + q[1] * V[1][c] + q[2] * V[2][c]);
  const parts = [];
  parts.push(`<polygon points="${V.map((v) => v.join(',')).join(' ')}" fill="#fafafa" stroke="#333" stroke-width="1.5"/>`);
  if (divergence === 'kl') {
    const n = 100;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; i + j <= n; j++) {
        const q = [i / n, j / n, (n - i - j) / n];
        let kl = 0;
        for (let k = 0; k < 3; k++) if (q[k] > 0) kl += q[k] * (Math.log(q[k]) - logP[k]);
        if (gamma === null || kl <= gamma) {
          const [x, y] = xy(q);
          parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="1.6" fill="#4a90d9" fill-opacity="0.55"/>`);
        }
      }
    }
  }
  const box = boxPolygon(lower, upper);
  if (box.length > 2) {
    parts.push(`<polygon points="${box.map((q) => xy(q).map((v) => v.toFixed(1)).join(',')).join(' ')}" fill="none" stroke="#d0021b" stroke-dasharray="5,3" stroke-width="1.5"/>`);
  }
  const [px, py] = xy(logP.map(Math.exp));
  parts.push(`<circle cx="${px}" cy="${py}" r="5" fill="#222"/>`);
  const [cx, cy] = xy(calibrated);
  parts.push(`<rect x="${cx - 5}" y="${cy - 5}" width="10" height="10" transform="rotate(45 ${cx} ${cy})" fill="#f5a623" stroke="#222"/>`);
  const labels = [[V[0][0] - 20, V[0][1] + 22], [V[1][0] - 30, V[1][1] + 22], [V[2][0] - 30, V[2][1] - 14]];
  classes.forEach((c, k) => parts.push(`<text x="${labels[k][0]}" y="${labels[k][1]}" font-size="13">${c}</text>`));
  svg.innerHTML = parts.join('');
}

async function render() {
  const t = thresholds[state.threshold];
  const item = images[state.image];
  document.body.dataset.ready = '';
  $('status').textContent = 'running…';
  const s = await session(t.model);
  const input = new ort.Tensor('float32', Float32Array.from(item.pixels, (v) => v / 255), [1, 1, 28, 28]);
  const out = await s.run({ input });
  const logits = Array.from(out.logits.data);
  const logP = logSoftmax(logits);
  const k = logits.length;
  const prob = Array.from(out.probabilities.data);
  const lower = Array.from(out.lower.data);
  const upper = Array.from(out.upper.data);
  const set = Array.from(out.label_set.data, Boolean);

  drawDigit($('big'), item.pixels);
  $('caption').textContent = `test image #${item.index}: ${item.labelName}`;
  const rows = [];
  for (let j = 0; j < k; j++) {
    const bar = `<div class="track"><div class="range" style="left:${lower[j] * 100}%;width:${Math.max(upper[j] - lower[j], 0.002) * 100}%"></div>`
      + `<div class="edge" style="left:${Math.exp(logP[j]) * 100}%"></div><div class="mark" style="left:${prob[j] * 100}%"></div></div>`;
    rows.push(`<tr class="${set[j] ? 'in-set' : ''}"><td>${classes[j]}</td>`
      + `<td data-testid="edge-${j}">${fmt(Math.exp(logP[j]))}</td>`
      + `<td data-testid="prob-${j}">${fmt(prob[j])}</td>`
      + `<td>${bar}<span class="interval">[<span data-testid="lower-${j}">${fmt(lower[j])}</span>, <span data-testid="upper-${j}">${fmt(upper[j])}</span>]</span></td>`
      + `<td data-testid="set-${j}">${set[j] ? 'yes' : 'no'}</td></tr>`);
  }
  $('table').tBodies[0].innerHTML = rows.join('');
  drawSimplex(logP, t.gamma, t.divergence, lower, upper, prob);
  const members = classes.filter((_, j) => set[j]);
  $('status').textContent = `label set {${members.join(', ')}}: it contains the cloud model's top class for at least ${Math.round(100 * (1 - t.epsilon))} % of pictures (split conformal guarantee, for pictures drawn like the calibration ones)`;
  document.body.dataset.ready = `${state.image}:${state.threshold}`;
}

async function main() {
  const [imageData, thresholdData] = await Promise.all([
    fetch('./data/images.json').then((r) => r.json()),
    fetch('./data/thresholds.json').then((r) => r.json()),
  ]);
  images = imageData.images;
  classes = imageData.classes;
  thresholds = thresholdData;
  const select = $('eps');
  thresholds.forEach((t, i) => {
    const option = document.createElement('option');
    option.value = String(i);
    option.textContent = `${Math.round(100 * t.epsilon)} % of pictures (eps = ${t.epsilon})`;
    select.appendChild(option);
  });
  state.threshold = Math.max(0, thresholds.findIndex((t) => t.epsilon === 0.1));
  select.value = String(state.threshold);
  const info = () => {
    const t = thresholds[state.threshold];
    $('threshold-info').textContent = `radius: ${t.divergence}, gamma = ${t.gamma === null ? '+inf' : t.gamma.toFixed(4)} nats, from ${t.n} calibration pictures`;
  };
  info();
  select.addEventListener('change', () => {
    state.threshold = Number(select.value);
    info();
    render();
  });
  images.forEach((item, i) => {
    const button = document.createElement('button');
    button.id = `image-${i}`;
    button.title = `#${item.index} ${item.labelName}`;
    const canvas = document.createElement('canvas');
    canvas.width = 56;
    canvas.height = 56;
    drawDigit(canvas, item.pixels);
    button.appendChild(canvas);
    button.addEventListener('click', () => {
      document.querySelectorAll('#images button').forEach((b) => b.classList.remove('selected'));
      button.classList.add('selected');
      state.image = i;
      render();
    });
    $('images').appendChild(button);
  });
  $('image-0').classList.add('selected');
  await render();
}

main().catch((err) => {
  $('status').textContent = `error: ${err}`;
  document.body.dataset.error = String(err);
});
