// Measures, in headless Chromium, what a reader of a built site downloads
// and waits for while typing a query into the header's search box: for
// each query, the bytes fetched from the moment the box gets focus
// (gzipped, as GitHub Pages sends them, and before compression) and the
// time from the last key to the first result shown for the whole query.
// It builds nothing; build the site first for the base URL it is served at:
//
//   python3 ../shared/bench/gen_corpus.py 100000 /dev/shm/c100k
//   target/release/modelsite build --root /dev/shm/c100k --offline \
//       -o /dev/shm/c100k-out -u http://127.0.0.1:8765/atlas/
//   node tests/browser/bench-search.mjs /dev/shm/c100k-out /atlas/ 8765
//
// Arguments: the output folder, the base path it was built for, the port
// of that base URL, then the queries to type (by default the four of the
// issue: "encoder", "model 04217", "quantiz", "summarization benchmark").
// Options: --runs=N types each query N times, each in a fresh browser
// context (so nothing is cached), and prints every run and the medians;
// --files lists each file fetched; --delay=MS types keys MS apart (30 by
// default, a quick reader; the box searches once keys pause for 60 ms, so
// a slower delay also counts what the searches for the partial queries
// fetched). The 60 ms wait after the last key is part of the time. Not a
// test: it prints figures.

import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

import { launchChromium } from './helpers.mjs';

const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('--'));
const [dir, sub, port, ...given] = args.filter((a) => !a.startsWith('--'));
if (!dir || !sub || !port) {
  console.error('usage: node bench-search.mjs OUTPUT_DIR BASE_PATH PORT [QUERY...] [--runs=N] [--delay=MS] [--files]');
  process.exit(2);
}
const queries = given.length ? given : ['encoder', 'model 04217', 'quantiz', 'summarization benchmark'];
const runs = Number((options.find((o) => o.startsWith('--runs=')) || '--runs=1').slice(7)) || 1;
const listFiles = options.includes('--files');
const delay = Number((options.find((o) => o.startsWith('--delay=')) || '--delay=30').slice(8)) || 30;

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
};

// Serves the folder as GitHub Pages does, gzip-compressed when the browser
// accepts it, and notes every response's size on the wire and before.
let sent = [];
const server = http.createServer(async (req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (!rel.startsWith(sub)) return res.writeHead(404).end();
  let file = path.join(dir, rel.slice(sub.length));
  if (path.relative(dir, file).startsWith('..')) return res.writeHead(404).end();
  let body;
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    body = await readFile(file);
  } catch {
    return res.writeHead(404).end();
  }
  const type = TYPES[path.extname(file)] || 'application/octet-stream';
  const gzip = /gzip/.test(req.headers['accept-encoding'] || '') && type !== 'application/octet-stream';
  const wire = gzip ? zlib.gzipSync(body) : body;
  sent.push({ url: rel, bytes: wire.length, raw: body.length });
  res.writeHead(200, { 'content-type': type, 'content-length': wire.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  res.end(wire);
});
await new Promise((r) => server.listen(Number(port), '127.0.0.1', r));
const base = `http://127.0.0.1:${port}${sub}`;

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const sum = (list, key) => list.reduce((s, r) => s + r[key], 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const browser = await launchChromium();
const summary = [];
for (const query of queries) {
  const times = [];
  const bytes = [];
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base, { waitUntil: 'networkidle' });
    sent = [];
    const box = page.locator('#site-search-q');
    // Times taken in the page: the last key's input event, and the moment
    // the panel first shows the answer to the whole query (its status names
    // the query it answers).
    await page.evaluate((q) => {
      const panel = document.getElementById('site-search-results');
      document.getElementById('site-search-q').addEventListener('input', () => {
        window.benchLastKey = performance.now();
      });
      new MutationObserver(() => {
        const status = panel.querySelector('.search-status');
        if (!window.benchShown && !panel.hidden && status && status.textContent.includes(`“${q}”`)) {
          window.benchShown = performance.now();
        }
      }).observe(panel, { childList: true, subtree: true, characterData: true, attributes: true });
    }, query);
    await box.click();
    await box.pressSequentially(query, { delay });
    await page.waitForFunction(() => window.benchShown, null, { timeout: 120_000 });
    const shown = Math.round(await page.evaluate(() => window.benchShown - window.benchLastKey));
    await page.waitForLoadState('networkidle');
    const fetched = sent.slice();
    const status = await page.locator('#site-search-results .search-status').innerText();
    const results = await page.locator('#site-search-results .search-result').count();
    times.push(shown);
    bytes.push(sum(fetched, 'bytes'));
    console.log(
      `search "${query}": first result ${shown} ms after the last key; ${fetched.length} files, ` +
        `${kb(sum(fetched, 'bytes'))} gzipped (${kb(sum(fetched, 'raw'))} before); ${results} shown, "${status}"`,
    );
    if (listFiles) {
      for (const r of fetched) console.log(`    ${kb(r.bytes).padStart(10)} ${kb(r.raw).padStart(10)}  ${r.url}`);
    }
    await context.close();
  }
  summary.push({ query, time: median(times), bytes: median(bytes) });
}
if (runs > 1) {
  console.log('medians:');
  for (const s of summary) console.log(`  "${s.query}": ${s.time} ms, ${kb(s.bytes)} gzipped`);
}

await browser.close();
server.close();
