// Measures, in headless Chromium, what a reader of a large built site waits
// for and downloads: the catalog page, and a search typed in the header's
// box (time from the first key to the first result, bytes fetched).
//
//   python3 ../shared/bench/gen_corpus.py 10000 /tmp/c10k
//   target/release/modelsite build --root /tmp/c10k --offline -o /tmp/c10k-out -u http://127.0.0.1:8765/atlas/
//   node tests/browser/bench-catalog.mjs /tmp/c10k-out /atlas/ 8765 "encoder" "model 04217"
//
// Arguments: the output folder, the base path it was built for, the port
// of that base URL, then the queries to time. Not a test: it prints figures.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

import { launchChromium } from './helpers.mjs';

const [dir, sub, port, ...queries] = process.argv.slice(2);
if (!dir || !sub || !port || !queries.length) {
  console.error('usage: node bench-catalog.mjs OUTPUT_DIR BASE_PATH PORT QUERY...');
  process.exit(2);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

// Serves the folder gzip-compressed (as GitHub Pages does) and counts the
// bytes sent for every request.
let sent = [];
const server = http.createServer(async (req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (!rel.startsWith(sub)) return res.writeHead(404).end();
  let file = path.join(dir, rel.slice(sub.length));
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    await stat(file);
  } catch {
    return res.writeHead(404).end();
  }
  const type = TYPES[path.extname(file)] || 'application/octet-stream';
  const gzip = /gzip/.test(req.headers['accept-encoding'] || '') && type !== 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  let bytes = 0;
  const counter = new (await import('node:stream')).Transform({
    transform(chunk, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  counter.on('end', () => sent.push({ url: rel, bytes }));
  const source = createReadStream(file);
  (gzip ? source.pipe(zlib.createGzip()) : source).pipe(counter).pipe(res);
});
await new Promise((r) => server.listen(Number(port), '127.0.0.1', r));
const base = `http://127.0.0.1:${port}${sub}`;

const browser = await launchChromium();
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const total = (list) => list.reduce((s, r) => s + r.bytes, 0);

// The catalog page: bytes on the wire and time until its script is ready.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  sent = [];
  const t0 = Date.now();
  await page.goto(base + 'models/');
  await page.waitForSelector('#catalog-filters:not([hidden])', { timeout: 120_000 });
  const ready = Date.now() - t0;
  const html = sent.find((r) => r.url === sub + 'models/');
  console.log(`catalog page: ${kb(html.bytes)} gzipped on the wire, filters ready after ${ready} ms`);
  const t1 = Date.now();
  await page.locator('#catalog-filters summary', { hasText: 'Task' }).click();
  await page.locator('#catalog-filters input[name="task"]').first().check();
  await page.waitForFunction(() => /^\d+ of/.test(document.getElementById('catalog-status').textContent));
  console.log(`catalog: one filter applied in ${Date.now() - t1} ms`);
  const t2 = Date.now();
  await page.locator('#catalog thead button', { hasText: 'Parameters' }).click();
  await page.waitForFunction(() => document.querySelector('#catalog th[aria-sort]')?.textContent.includes('Parameters'));
  console.log(`catalog: sorted by parameters in ${Date.now() - t2} ms`);
  await context.close();
}

// Searches: a fresh page each, so nothing is cached between them.
for (const query of queries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base);
  sent = [];
  const box = page.locator('#site-search-q');
  await box.click();
  const t0 = Date.now();
  await box.pressSequentially(query, { delay: 30 });
  const typed = Date.now();
  await page.locator('#site-search-results .search-result').first().waitFor({ timeout: 120_000 });
  const shown = Date.now();
  await page.waitForLoadState('networkidle');
  const fetched = sent.filter((r) => !r.url.endsWith('/'));
  console.log(
    `search "${query}": first result ${shown - typed} ms after the last key (${shown - t0} ms after the first), ` +
      `${fetched.length} files, ${kb(total(fetched))} gzipped`,
  );
  for (const r of fetched) console.log(`    ${kb(r.bytes).padStart(11)}  ${r.url}`);
  await context.close();
}

await browser.close();
server.close();
