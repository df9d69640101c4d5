// Measures, in headless Chromium, what a reader of a large catalog waits
// for and downloads: the catalog page (models/) of each built site given,
// served gzip-compressed as GitHub Pages serves it.
//
//   python3 ../shared/bench/gen_corpus.py 10000 /dev/shm/c10k
//   python3 ../shared/bench/gen_corpus.py 100000 /dev/shm/c100k
//   cargo build --release
//   for n in 10k 100k; do
//     target/release/modelsite build --root /dev/shm/c$n --offline -o /dev/shm/c$n-out -u http://127.0.0.1:8765/atlas/
//   done
//   node tests/browser/bench-catalog.mjs /atlas/ 8765 /dev/shm/c10k-out /dev/shm/c100k-out
//
// Arguments: the base path and port the sites were built for (the same
// for all of them), then the output folders (remove them after: /dev/shm
// is memory). Not a test: it prints, for
// each site and against the targets of the scale issue,
//   - the time from navigation to #catalog-root[data-catalog-ready] (the
//     script writes the time, in ms since navigation, into that attribute);
//   - the gzipped bytes of every response that ended before then, file by file;
//   - one filter change, one sort and two keys in the words box (the first
//     waits for the names, which start loading when the box takes focus),
//     each from the input event to the frame after the table shows the
//     result;
//   - the page's JavaScript heap after ready, typed arrays included
//     (Runtime.getHeapUsage, after a garbage collection), and its number
//     of DOM nodes.
// Each figure is the median of RUNS fresh page loads.

import { launchChromium, serveStatic } from './helpers.mjs';

const RUNS = 3;
const TARGETS = { ready10k: 1000, ready100k: 1500, interaction: 100, bytes100k: 300 * 1024, heap100k: 150 * 1024 * 1024 };

const [sub, port, ...dirs] = process.argv.slice(2);
if (!sub || !port || !dirs.length) {
  console.error('usage: node bench-catalog.mjs BASE_PATH PORT OUTPUT_DIR...');
  process.exit(2);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const verdict = (value, target) => (value <= target ? 'ok' : 'OVER');

/**
 * Runs `act` (which causes one input event of type `type`) and resolves to
 * the milliseconds from that event to the first frame after `done()` holds
 * in the page.
 */
async function timeInteraction(page, type, done, act) {
  await page.evaluate(
    ({ type, done }) => {
      const check = new Function(`return (${done})()`);
      window.__timed = new Promise((resolve) => {
        addEventListener(
          type,
          () => {
            const t0 = performance.now();
            const poll = () => (check() ? resolve(performance.now() - t0) : requestAnimationFrame(poll));
            // The handlers of this event run first; then poll each frame.
            setTimeout(() => requestAnimationFrame(poll));
          },
          { capture: true, once: true },
        );
      });
    },
    { type, done: done.toString() },
  );
  await act();
  return page.evaluate(() => window.__timed);
}

/** One fresh load of the catalog page: time to ready, bytes before it, heap and nodes after it. */
async function measure(browser, base, sent) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  sent.length = 0;
  await page.goto(base + 'models/');
  await page.waitForSelector('#catalog-root[data-catalog-ready]', { timeout: 120_000 });
  const [readyMs, origin] = await page.evaluate(() => [Number(document.getElementById('catalog-root').dataset.catalogReady), performance.timeOrigin]);
  const readyAt = origin + readyMs;
  const before = sent.filter((r) => r.end <= readyAt + 1);
  const bytes = before.reduce((s, r) => s + r.bytes, 0);
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  // The heap's objects, and the typed arrays' memory beside it.
  const heap = usage.usedSize + (usage.backingStorageSize || 0);
  const nodes = (await cdp.send('Memory.getDOMCounters')).nodes;
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);

  await context.close();
  return { readyMs, bytes, before, heap, nodes, elements };
}

/** The interactions, each timed on a page already ready. */
async function measureInteractions(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let page = await context.newPage();
  await page.goto(base + 'models/');
  await page.waitForSelector('#catalog-root[data-catalog-ready]', { timeout: 120_000 });
  // Let the loads that follow ready (release dates; names, for a small catalog) finish first.
  await page.waitForLoadState('networkidle');
  const countNow = () => page.evaluate(() => document.querySelector('[data-catalog-count]').textContent);

  await page.locator('#catalog-filters summary', { hasText: 'Task' }).click();
  const box = page.locator('#catalog-filters input[name="task"]').first();
  await box.waitFor();
  let before = await countNow();
  const filter = await timeInteraction(
    page,
    'click',
    `() => document.querySelector('[data-catalog-count]').textContent !== ${JSON.stringify(before)}`,
    () => box.click(),
  );

  const sort = await timeInteraction(
    page,
    'click',
    `() => document.querySelector('#catalog th[data-column="parameters"]').getAttribute('aria-sort') === 'descending'`,
    () => page.locator('#catalog thead th[data-column="parameters"] button').click(),
  );

  await context.close();

  // The words box on a fresh page, touched first: focusing it starts
  // loading the names (for a large catalog), which the first key, pressed
  // at once, waits for. Then a second key, with the names in.
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await fresh.newPage();
  await page.goto(base + 'models/');
  await page.waitForSelector('#catalog-root[data-catalog-ready]', { timeout: 120_000 });
  await page.waitForLoadState('networkidle');
  const changed = (from) => `() => document.querySelector('[data-catalog-count]').textContent !== ${JSON.stringify(from)}`;
  await page.locator('#filter-q').focus();
  before = await countNow();
  const firstKey = await timeInteraction(page, 'keydown', changed(before), () => page.keyboard.press('7'));
  before = await countNow();
  const key = await timeInteraction(page, 'keydown', changed(before), () => page.keyboard.press('1'));
  await fresh.close();
  return { filter, sort, firstKey, key };
}

const browser = await launchChromium();
let sent = [];
for (const dir of dirs) {
  const server = await serveStatic(dir, { sub, port: Number(port), gzip: true, onSent: (r) => sent.push(r) });
  const base = `http://127.0.0.1:${port}${sub}`;
  const meta = await (await fetch(base + 'catalog-data/filters.json')).json();
  const large = meta.count > 50_000;
  const loads = [];
  const acts = [];
  for (let run = 0; run < RUNS; run++) {
    sent = [];
    loads.push(await measure(browser, base, sent));
    acts.push(await measureInteractions(browser, base));
  }
  const ready = median(loads.map((l) => l.readyMs));
  const bytes = median(loads.map((l) => l.bytes));
  const heap = median(loads.map((l) => l.heap));
  const readyTarget = large ? TARGETS.ready100k : TARGETS.ready10k;
  console.log(`\n${dir}: ${meta.count} models`);
  console.log(`  ready after          ${String(ready).padStart(7)} ms   (target ${readyTarget} ms: ${verdict(ready, readyTarget)})`);
  console.log(
    `  gzipped before ready ${kb(bytes).padStart(10)}` + (large ? `   (target ${kb(TARGETS.bytes100k)}: ${verdict(bytes, TARGETS.bytes100k)})` : ''),
  );
  for (const r of loads[0].before) console.log(`      ${kb(r.bytes).padStart(10)}  ${r.url}`);
  console.log(`  JS heap after ready  ${mb(heap).padStart(10)}` + (large ? `   (target ${mb(TARGETS.heap100k)}: ${verdict(heap, TARGETS.heap100k)})` : ''));
  console.log(`  DOM nodes            ${String(median(loads.map((l) => l.nodes))).padStart(7)}      (${median(loads.map((l) => l.elements))} elements)`);
  for (const [name, label] of [
    ['filter', 'one filter'],
    ['sort', 'sort by parameters'],
    ['firstKey', 'first key, words box'],
    ['key', 'next key, words box'],
  ]) {
    const ms = median(acts.map((a) => a[name]));
    console.log(`  ${label.padEnd(20)} ${ms.toFixed(1).padStart(7)} ms   (target ${TARGETS.interaction} ms: ${verdict(ms, TARGETS.interaction)})`);
  }
  await new Promise((r) => server.close(r));
}
await browser.close();
