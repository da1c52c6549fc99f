// Browser test of the calibrated FMNIST-3 edge page (web/dist, built by `npm run build`): Debian's chromium driven by
// playwright-core opens the page from a static server on 127.0.0.1, selects every image at every threshold and checks
// that the numbers shown (edge p, calibrated probabilities, lower, upper, label set) equal the C# library's
// (expected.json, written by tools/CredalDistill.DeviceChecks) to 1e-4; and that the page requests nothing from
// another origin; and that at 400 px wide (a phone) nothing is wider than the screen and the plain-language lines show.
// Screenshots, taken once the page has run the model: ../out/web-page.png and ../out/web-page-narrow.png, and with
// --screenshot PATH also PATH (the README's picture: docs/figures/web-page.png; never written otherwise, so a check
// run leaves the clone as it was).
// Usage: node test/browser.mjs EXPECTED_JSON [--screenshot PATH]   (env CHROMIUM overrides /usr/bin/chromium)
// Prints one line per check and a final 'browser: N passed, N failed'; exits 1 when any check fails.
import { createServer } from 'node:http';
import { copyFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const TOLERANCE = 1e-4;
const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..');
const dist = join(web, 'dist');
const repo = join(web, '..');
const expected = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const shotFlag = process.argv.indexOf('--screenshot');
const extraShot = shotFlag > 0 ? process.argv[shotFlag + 1] : null;
const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream',
};

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path.endsWith('/') ? join(path, 'index.html') : path);
  if (!file.startsWith(dist) || !existsSync(file)) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

let passed = 0;
let failed = 0;
const report = (ok, name, detail) => {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset.ready || document.body.dataset.error, null, { timeout: 60000 });
  const pageError = await page.evaluate(() => document.body.dataset.error);
  report(!pageError && errors.length === 0, 'page loads and runs the exported model', pageError ?? errors.join('; '));

  const thresholds = JSON.parse(readFileSync(join(dist, 'data', 'thresholds.json'), 'utf8'));
  const imageCount = expected.images.length;
  for (let t = 0; t < thresholds.length; t++) {
    const key = Object.keys(expected.thresholds).find((e) => Number(e) === thresholds[t].epsilon);
    const problems = [];
    let maxError = 0;
    await page.selectOption('#eps', String(t));
    for (let i = 0; i < imageCount; i++) {
      await page.click(`#image-${i}`);
      await page.waitForFunction((want) => document.body.dataset.ready === want, `${i}:${t}`, { timeout: 30000 });
      const shown = await page.evaluate(() => Object.fromEntries(
        [...document.querySelectorAll('[data-testid]')].map((e) => [e.dataset.testid, e.textContent.trim()])));
      const want = expected.thresholds[key].rows[i];
      want.probabilities.forEach((_, j) => {
        for (const [id, value] of [[`edge-${j}`, expected.edge[i][j]], [`prob-${j}`, want.probabilities[j]], [`lower-${j}`, want.lower[j]], [`upper-${j}`, want.upper[j]]]) {
          const error = Math.abs(Number(shown[id]) - value);
          maxError = Math.max(maxError, error);
          if (!(error <= TOLERANCE)) problems.push(`image ${i} ${id}: shown ${shown[id]}, library ${value}`);
        }
        if (shown[`set-${j}`] !== (want.label_set[j] ? 'yes' : 'no')) problems.push(`image ${i} set-${j}: shown ${shown[`set-${j}`]}, library ${want.label_set[j]}`);
      });
    }
    report(problems.length === 0, `eps = ${thresholds[t].epsilon}: ${imageCount} images, shown numbers vs library (max abs error ${maxError.toExponential(2)})`, problems.slice(0, 4).join('; '));
  }
  report(foreign.length === 0, 'no request leaves the local server (offline page)', foreign.slice(0, 3).join(', '));

  // Screenshot: eps = 0.1 and the first image whose label set has more than one class.
  const t = Math.max(0, thresholds.findIndex((x) => x.epsilon === 0.1));
  const key = Object.keys(expected.thresholds).find((e) => Number(e) === thresholds[t].epsilon);
  const shot = Math.max(0, expected.thresholds[key].rows.findIndex((r) => r.label_set.filter(Boolean).length > 1));
  await page.selectOption('#eps', String(t));
  await page.click(`#image-${shot}`);
  await page.waitForFunction((want) => document.body.dataset.ready === want, `${shot}:${t}`, { timeout: 30000 });
  mkdirSync(join(repo, 'out'), { recursive: true });
  await page.screenshot({ path: join(repo, 'out', 'web-page.png'), fullPage: true });
  if (extraShot) {
    copyFileSync(join(repo, 'out', 'web-page.png'), extraShot);
  }
  console.log(`screenshot: out/web-page.png${extraShot ? ` and ${extraShot}` : ''} (image ${shot}, eps = ${thresholds[t].epsilon})`);

  // A phone-sized screen: the page must fit 400 px without sideways scrolling, the plain-language lines visible.
  const narrow = await browser.newPage({ viewport: { width: 400, height: 900 } });
  await narrow.goto(`${origin}/index.html`);
  await narrow.waitForFunction(() => document.body.dataset.ready || document.body.dataset.error, null, { timeout: 60000 });
  await narrow.click(`#image-${shot}`);
  await narrow.waitForFunction((want) => document.body.dataset.ready === want, `${shot}:${t}`, { timeout: 30000 });
  const fit = await narrow.evaluate(() => {
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((e) => e.id || e.tagName.toLowerCase());
    const visible = (id) => { const r = document.getElementById(id).getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    return { scroll: document.documentElement.scrollWidth, width: window.innerWidth, wide: wide.slice(0, 5), plain: visible('plain'), legend: visible('legend') };
  });
  report(fit.scroll <= fit.width && fit.wide.length === 0 && fit.plain && fit.legend, 'readable at 400 px: nothing wider than the screen, the explanation and the bar legend shown',
    `page ${fit.scroll} px wide, elements past the edge: ${fit.wide.join(', ') || 'none'}, explanation ${fit.plain ? 'shown' : 'hidden'}, legend ${fit.legend ? 'shown' : 'hidden'}`);
  await narrow.screenshot({ path: join(repo, 'out', 'web-page-narrow.png'), fullPage: true });
  await narrow.close();
} catch (err) {
  report(false, 'browser run', String(err));
} finally {
  await browser.close();
  server.close();
}

console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
