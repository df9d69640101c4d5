// The catalog of a site too large for one page, in headless Chromium
// driven by playwright-core. Run by tests/browser.rs (`cargo test --test
// browser`), which sets MODELSITE_BIN; by hand:
//   MODELSITE_BIN=$PWD/target/debug/modelsite node --test tests/browser/catalog-scale.test.mjs
//
// The suite writes a site of a few thousand generated models, builds it
// with a small `[catalog] page_size`, and serves it under a sub-path from
// a plain static server. Without JavaScript the catalog is pages of rows;
// with it, one view of every model, whose filters, counts and sorting are
// checked against a count made here from models.json.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

import { CHROMIUM, freePort, launchChromium, serveStatic } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const BIN = process.env.MODELSITE_BIN;
/** How long any one condition may take to come true. */
const WAIT_MS = 20_000;
const TEST_MS = 90_000;
const SUB = '/big/';
const MODEL_COUNT = 2400;
const PAGE_SIZE = 40;

let browser;
let tmp;
let server;
let site;
/** The models as models.json has them, normalised, in catalog order. */
let models;
const consoleErrors = [];

// --- a generated site ---------------------------------------------------------

/** A small deterministic random source (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ['generative', 'classification', 'embedding', 'vision', 'audio'];
const TASKS = [
  'text-generation',
  'fill-mask',
  'feature-extraction',
  'text-classification',
  'image-classification',
  'summarization',
  'translation',
  'automatic-speech-recognition',
];
const LICENSES = ['apache-2.0', 'mit', 'llama2', 'cc-by-nc-4.0', 'proprietary', 'openrail', 'gpl-3.0'];
const ACCESS = ['open-weights', 'gated', 'api', 'unreleased'];
const SIZES = ['66M', '110M', '350M', '1.3B', '7B', '13B', '70B', '175B'];
const WORDS = ['Falcon', 'Heron', 'Lynx', 'Otter', 'Raven', 'Viper', 'Wren', 'Yak', 'Bison', 'Crane'];
const CREATORS = 24;
/** The creators' names by id, as the generated site has them. */
const creatorNames = {};

/** The YAML of one model: JSON is YAML, and quotes every string. */
function yaml(model) {
  return (
    Object.entries(model)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n') + '\n'
  );
}

async function write(root, rel, text) {
  const file = path.join(root, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function makeSite(root) {
  const next = random(20240607);
  const pick = (list) => list[Math.floor(next() * list.length)];
  await write(
    root,
    'modelsite.toml',
    `title = "Big Atlas"\ndescription = "A large generated catalog."\nbase_url = "https://example.test/big/"\n\n[link_check]\nexternal = false\n\n[search]\nenabled = false\n\n[catalog]\npage_size = ${PAGE_SIZE}\n`,
  );
  let creators = '';
  for (let c = 0; c < CREATORS; c++) {
    const id = `c${String(c).padStart(2, '0')}`;
    creatorNames[id] = `${pick(WORDS)} Lab ${c}`;
    creators += `${id}:\n  name: ${JSON.stringify(creatorNames[id])}\n  kind: lab\n`;
  }
  await write(root, 'data/creators.yaml', creators);
  await write(root, 'data/categories.yaml', CATEGORIES.map((c) => `${c}:\n  name: ${c[0].toUpperCase()}${c.slice(1)}\n`).join(''));
  await write(root, 'data/sources.yaml', 'hub:\n  name: Model Hub\n  url: https://hub.example.test/\n');
  await write(root, 'data/libraries.yaml', 'transformers:\n  name: Transformers\n');
  const files = [];
  for (let i = 0; i < MODEL_COUNT; i++) {
    // Skewed creators, so that counts differ from one to the next.
    const creator = `c${String(Math.floor(next() * next() * CREATORS)).padStart(2, '0')}`;
    const m = {
      name: `${pick(WORDS)} ${pick(WORDS)} ${1 + Math.floor(next() * 900)}`,
      creator,
      category: pick(CATEGORIES),
    };
    const tasks = new Set([pick(TASKS)]);
    if (next() < 0.4) tasks.add(pick(TASKS));
    m.tasks = [...tasks];
    if (next() < 0.9) m.license = pick(LICENSES);
    if (next() < 0.9) m.access = pick(ACCESS);
    if (next() < 0.85) m.parameters = pick(SIZES);
    const r = next();
    const year = 2016 + Math.floor(next() * 9);
    const month = String(1 + Math.floor(next() * 12)).padStart(2, '0');
    if (r < 0.1) m.released = String(year);
    else if (r < 0.6) m.released = `${year}-${month}`;
    else if (r < 0.9) m.released = `${year}-${month}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    if (next() < 0.5) m.modalities = next() < 0.7 ? ['text'] : ['text', 'image'];
    if (next() < 0.3) m.domain = [pick(['general', 'biomedical', 'code', 'legal'])];
    const s = next();
    if (s < 0.05) m.status = 'deprecated';
    else if (s < 0.07) m.status = 'removed';
    files.push(write(root, `data/models/m${String(i).padStart(4, '0')}.yaml`, yaml(m)));
  }
  await Promise.all(files);
  await write(root, 'site/index.md', '---\ntitle: Home\n---\n\nWelcome.\n');
}

/** A term as models.json writes it: its id, or an object with one. */
const idOf = (v) => (v === null || v === undefined ? null : typeof v === 'object' ? v.id : v);

/** models.json's models, as the catalog's filters read them. */
function normalise(m) {
  const number = Number(m.parameters);
  return {
    id: m.id,
    name: m.name,
    creator: idOf(m.creator),
    category: idOf(m.category),
    task: (m.tasks || []).map(idOf),
    license: idOf(m.license) || 'none',
    access: m.access || 'none',
    parameters: m.parameters === null || m.parameters === undefined || !Number.isFinite(number) ? null : number,
    released: m.released || null,
    status: m.status || 'active',
    modality: m.modalities || [],
    domain: m.domain || [],
  };
}

// --- counting, the way the catalog should ------------------------------------

/** Does model `m` pass the filter `key` (a list of wanted values)? */
function passes(m, key, wanted) {
  if (!wanted || !wanted.length) return true;
  const have = m[key];
  return Array.isArray(have) ? have.some((v) => wanted.includes(v)) : wanted.includes(have);
}

function matching(filters, except = null) {
  return models.filter((m) => Object.entries(filters).every(([k, v]) => k === except || passes(m, k, v)));
}

/** Each value's count in column `key`: the models that pass every other filter and have it. */
function expectedCounts(filters, key) {
  const counts = {};
  for (const m of matching(filters, key)) {
    for (const v of [].concat(m[key])) counts[v] = (counts[v] || 0) + 1;
  }
  return counts;
}

/** Model ids in catalog order, stably sorted by `key`, unknown values last. */
function sortedIds(list, key, descending) {
  const known = list.filter((m) => m[key] !== null);
  const unknown = list.filter((m) => m[key] === null);
  const dir = descending ? -1 : 1;
  known.sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : 0));
  return [...known, ...unknown].map((m) => m.id);
}

// --- the browser --------------------------------------------------------------

before(async () => {
  assert.ok(BIN && existsSync(BIN), `MODELSITE_BIN must name the modelsite binary (got ${JSON.stringify(BIN)})`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/test, which installs Debian's chromium`);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modelsite-big-'));
  const root = path.join(tmp, 'site');
  await makeSite(root);
  const port = await freePort();
  site = `http://127.0.0.1:${port}${SUB}`;
  const out = path.join(tmp, 'out');
  execFileSync(BIN, ['build', '--root', root, '--offline', '-u', site, '-o', out], { stdio: 'pipe' });
  server = await serveStatic(out, { sub: SUB, port });
  const json = await (await fetch(site + 'models.json')).json();
  models = json.models.map(normalise);
  // Catalog order: by name, without regard to case, then by id.
  models.sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
  assert.deepEqual(consoleErrors, [], 'the browser console had errors');
});

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: uncaught ${e.stack || e}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(new URL(site).origin) && !r.url().startsWith('data:')) {
      consoleErrors.push(`${page.url()}: request to another host: ${r.url()}`);
    }
  });
  return page;
}

async function open(page, rel) {
  const response = await page.goto(site + rel);
  assert.equal(response.status(), 200, `GET ${site + rel}`);
}

async function ready(page) {
  await page.waitForSelector('#catalog-root[data-catalog-ready]', { timeout: WAIT_MS });
}

/** The number of matching models the page shows, once it is `want` (else fails with what it is). */
async function waitForCount(page, want) {
  await page
    .waitForFunction((want) => document.querySelector('[data-catalog-count]')?.textContent === want.toLocaleString('en'), want, {
      timeout: WAIT_MS,
    })
    .catch(() => {});
  const [count, status, caption] = await page.evaluate(() => [
    document.querySelector('[data-catalog-count]').textContent,
    document.getElementById('catalog-status').textContent,
    document.querySelector('#catalog caption').textContent,
  ]);
  assert.equal(count, want.toLocaleString('en'), 'the number of matching models');
  // The caption and the status line say the same.
  assert.ok(status.startsWith(`${want.toLocaleString('en')} of ${models.length.toLocaleString('en')} models`), `status: ${status}`);
  assert.ok(caption.startsWith(`${want.toLocaleString('en')} of ${models.length.toLocaleString('en')} models`), `caption: ${caption}`);
}

/**
 * Every row of the view, top to bottom, read by scrolling through the
 * table (only the rows near the screen are drawn), with a deadline.
 */
async function allRows(page) {
  return page.evaluate(async (deadlineMs) => {
    const deadline = performance.now() + deadlineMs;
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const total = Number(document.querySelector('[data-catalog-count]').textContent.replace(/,/g, ''));
    const seen = new Map();
    const body = document.querySelector('#catalog tbody');
    window.scrollTo(0, 0);
    await frame();
    while (seen.size < total) {
      if (performance.now() > deadline) throw new Error(`read ${seen.size} of ${total} rows before the deadline`);
      for (const tr of body.querySelectorAll('tr[data-id]')) seen.set(Number(tr.getAttribute('aria-rowindex')), tr.dataset.id);
      // Down to the first row not read yet (rows count from 2, after the
      // header), so that it and the next ones are drawn; a row still
      // waiting for its name is waited for.
      let missing = 2;
      while (seen.has(missing)) missing++;
      const row = body.querySelector(`tr[aria-rowindex="${missing - 1}"]`);
      if (row) row.scrollIntoView({ block: 'start' });
      await frame();
    }
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }, WAIT_MS);
}

/** The ids of the first `n` rows of the view. */
async function firstRows(page, n) {
  await page.evaluate(() => window.scrollTo(0, 0));
  // The rows drawn first, once each has its name (and so its id).
  await page.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('#catalog tbody tr[aria-rowindex]')].slice(0, n);
      const total = Number(document.querySelector('[data-catalog-count]').textContent.replace(/,/g, ''));
      return (
        rows.length >= Math.min(n, total) &&
        (!rows.length || rows[0].getAttribute('aria-rowindex') === '2') &&
        rows.every((r) => r.dataset.id)
      );
    },
    n,
    { timeout: WAIT_MS },
  );
  return page.$$eval('#catalog tbody tr[aria-rowindex]', (rows, n) => rows.slice(0, n).map((r) => r.dataset.id), n);
}

/** The counts beside the options of filter group `key`, as {value: count}. */
function shownCounts(page, key) {
  return page.$$eval(`#catalog-filters [data-count^="${key}:"]`, (spans) =>
    Object.fromEntries(spans.map((s) => [s.dataset.count.split(':').slice(1).join(':'), Number(s.textContent.replace(/,/g, ''))])),
  );
}

async function checkCounts(page, filters, keys) {
  for (const key of keys) {
    const want = expectedCounts(filters, key);
    const shown = await shownCounts(page, key);
    for (const [value, n] of Object.entries(shown)) {
      assert.equal(n, want[value] || 0, `count of ${key}=${value} with ${JSON.stringify(filters)}`);
    }
    for (const value of Object.keys(want)) assert.ok(value in shown, `no option for ${key}=${value}`);
  }
}

async function axeCheck(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  assert.deepEqual(bad, [], `axe found serious or critical problems on ${what}`);
}

// --- the tests ----------------------------------------------------------------

describe(`a catalog of ${MODEL_COUNT} models in pages of ${PAGE_SIZE}`, () => {
  test('without JavaScript the pages hold every model once, in name order, and their links lead from one to the next', { timeout: TEST_MS }, async () => {
    // Every page, by its rel=next link, with plain requests.
    const seen = [];
    let url = site + 'models/';
    let pages = 0;
    while (url) {
      const html = await (await fetch(url)).text();
      const rows = [...html.matchAll(/<tr data-id="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(rows.length > 0 && rows.length <= PAGE_SIZE, `${url} has ${rows.length} rows`);
      seen.push(...rows);
      pages++;
      const next = /<a rel="next" href="([^"]+)"/.exec(html);
      url = next ? new URL(next[1], url).href : null;
    }
    assert.equal(pages, Math.ceil(MODEL_COUNT / PAGE_SIZE));
    assert.deepEqual(seen, models.map((m) => m.id));

    // In a browser: the note says what the filters need, the numbered links work.
    const page = await newPage({ javaScriptEnabled: false });
    await open(page, 'models/page/3/?task=fill-mask');
    const note = await page.locator('#catalog-root noscript').textContent();
    assert.match(note, /Filtering and sorting need JavaScript/);
    assert.match(note, new RegExp(`page 3 of ${pages}`));
    assert.equal(await page.locator('#catalog-filters').isVisible(), false);
    assert.equal(await page.locator('#catalog tbody tr').count(), PAGE_SIZE);
    await page.locator('nav.pager a', { hasText: 'Next' }).click();
    await page.waitForURL(/models\/page\/4\/$/, { timeout: WAIT_MS });
    assert.equal(await page.locator('#catalog tbody tr').first().getAttribute('data-id'), models[3 * PAGE_SIZE].id);
    await page.locator('nav.pager a[aria-label="Page 1"]').click();
    await page.waitForURL(/models\/$/, { timeout: WAIT_MS });
    assert.equal(await page.locator('#catalog tbody tr').first().getAttribute('data-id'), models[0].id);
    await page.context().close();
  });

  test('with JavaScript a filter shows its models from every page, and each count agrees with models.json', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/');
    await ready(page);
    await waitForCount(page, MODEL_COUNT);
    assert.equal(await page.locator('nav.pager').isVisible(), false, 'the server pager gives way to the whole view');
    const form = page.locator('#catalog-filters');
    await checkCounts(page, {}, ['creator', 'category', 'task', 'license', 'access', 'status']);

    // One creator: its models are spread over many server pages.
    const creator = 'c03';
    await form.locator('summary', { hasText: 'Creator' }).click();
    await form.locator(`input[name="creator"][value="${creator}"]`).check();
    const filters = { creator: [creator] };
    const want = matching(filters).map((m) => m.id);
    const pagesOf = new Set(want.map((id) => Math.floor(models.findIndex((m) => m.id === id) / PAGE_SIZE)));
    assert.ok(pagesOf.size > 5, `the creator's models are on ${pagesOf.size} server pages`);
    await waitForCount(page, want.length);
    assert.deepEqual(await allRows(page), want);
    await checkCounts(page, filters, ['creator', 'category', 'task', 'license', 'access', 'status']);

    // A second filter, of several values; counts of both groups.
    await form.locator('summary', { hasText: 'Tasks' }).click();
    await form.locator('input[name="task"][value="fill-mask"]').check();
    await form.locator('input[name="task"][value="translation"]').check();
    filters.task = ['fill-mask', 'translation'];
    await waitForCount(page, matching(filters).length);
    await checkCounts(page, filters, ['creator', 'task', 'category', 'license']);
    assert.deepEqual(await allRows(page), matching(filters).map((m) => m.id));

    // No licence stated, the size range, downloadable weights.
    await form.locator('button[type="reset"]').click();
    await waitForCount(page, MODEL_COUNT);
    await form.locator('summary', { hasText: 'Licence' }).click();
    await form.locator('input[name="license"][value="none"]').check();
    await waitForCount(page, matching({ license: ['none'] }).length);
    await form.locator('#filter-min').selectOption({ label: '1B' });
    await form.locator('#filter-max').selectOption({ label: '75B' });
    await form.locator('input[name="open"]').check();
    const sized = models.filter(
      (m) => m.license === 'none' && m.parameters !== null && m.parameters >= 1e9 && m.parameters <= 75e9 && ['open-weights', 'gated'].includes(m.access),
    );
    await waitForCount(page, sized.length);
    assert.deepEqual(await allRows(page), sized.map((m) => m.id));
    await page.context().close();
  });

  test('sorting by parameters and by release date orders every model, unknown values last', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/?sort=parameters&order=desc');
    await ready(page);
    const bySize = sortedIds(models, 'parameters', true);
    assert.deepEqual(await firstRows(page, 30), bySize.slice(0, 30));
    const parameters = page.locator('#catalog thead th[data-column="parameters"]');
    assert.equal(await parameters.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await allRows(page), bySize);

    const released = page.locator('#catalog thead th[data-column="released"] button');
    await released.click();
    await page.waitForURL(/sort=released&order=desc/, { timeout: WAIT_MS });
    assert.deepEqual(await firstRows(page, 30), sortedIds(models, 'released', true).slice(0, 30));
    await released.click();
    await page.waitForURL(/sort=released&order=asc/, { timeout: WAIT_MS });
    const byDate = sortedIds(models, 'released', false);
    assert.deepEqual(await allRows(page), byDate);

    // Sorted and filtered together.
    await open(page, 'models/?category=audio&sort=parameters&order=asc');
    await ready(page);
    assert.deepEqual(await allRows(page), sortedIds(matching({ category: ['audio'] }), 'parameters', false));
    await page.context().close();
  });

  test('the view survives a reload, and Back and Forward step through its changes', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/');
    await ready(page);
    const form = page.locator('#catalog-filters');
    const vision = matching({ category: ['vision'] }).length;
    const visionGated = matching({ category: ['vision'], access: ['gated'] }).length;
    await form.locator('summary', { hasText: 'Category' }).click();
    await form.locator('input[name="category"][value="vision"]').check();
    await waitForCount(page, vision);
    await form.locator('summary', { hasText: 'Access' }).click();
    await form.locator('input[name="access"][value="gated"]').check();
    await waitForCount(page, visionGated);
    // Typing is one step, however many keys.
    const word = 'falcon';
    await form.locator('#filter-q').pressSequentially(word, { delay: 30 });
    const worded = matching({ category: ['vision'], access: ['gated'] }).filter((m) =>
      (m.id + ' ' + m.name).toLowerCase().includes(word) || creatorNames[m.creator].toLowerCase().includes(word),
    );
    await waitForCount(page, worded.length);
    await page.locator('#catalog thead th[data-column="parameters"] button').click();
    await page.waitForURL(/sort=parameters/, { timeout: WAIT_MS });

    await page.reload();
    await ready(page);
    await waitForCount(page, worded.length);
    assert.equal(await form.locator('#filter-q').inputValue(), word);
    assert.equal(await form.locator('input[name="access"][value="gated"]').isChecked(), true);
    assert.deepEqual(await firstRows(page, 10), sortedIds(worded, 'parameters', true).slice(0, 10));

    await page.goBack();
    await page.waitForFunction(() => !location.search.includes('sort='), null, { timeout: WAIT_MS });
    await waitForCount(page, worded.length);
    await page.goBack();
    await waitForCount(page, visionGated);
    assert.equal(await form.locator('#filter-q').inputValue(), '');
    await page.goBack();
    await waitForCount(page, vision);
    assert.equal(await form.locator('input[name="access"][value="gated"]').isChecked(), false);
    await page.goForward();
    await waitForCount(page, visionGated);
    await page.goForward();
    await waitForCount(page, worded.length);
    assert.equal(await form.locator('#filter-q').inputValue(), word);
    await page.context().close();
  });

  test('the catalog works from the keyboard', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/');
    await ready(page);
    // A header's button sorts.
    await page.locator('#catalog thead th[data-column="parameters"] button').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=parameters&order=desc/, { timeout: WAIT_MS });
    assert.deepEqual(await firstRows(page, 5), sortedIds(models, 'parameters', true).slice(0, 5));
    // A filter's box takes Space.
    await page.locator('#catalog-filters input[name="open"]').focus();
    await page.keyboard.press('Space');
    await waitForCount(page, matching({ access: ['open-weights', 'gated'] }).length);
    // Tab walks down the rows, which are drawn as focus reaches them.
    await page.locator('#catalog tbody tr[data-id] a').first().focus();
    const drawnAtFirst = await page.locator('#catalog tbody tr[data-id]').count();
    for (let k = 0; k < 400; k++) await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const row = document.activeElement.closest('#catalog tbody tr');
      return row ? Number(row.getAttribute('aria-rowindex')) : 0;
    });
    // A row has about six links and boxes.
    assert.ok(at > drawnAtFirst + 10, `focus is in row ${at} after 400 presses of Tab (${drawnAtFirst} rows drawn at first)`);
    // The table's box takes focus, so that it can be scrolled from the keyboard.
    assert.equal(await page.locator('#catalog').locator('xpath=..').getAttribute('tabindex'), '0');
    await page.context().close();
  });

  test('on a 375 px phone the names stay in view while the table scrolls sideways', { timeout: TEST_MS }, async () => {
    const page = await newPage({ viewport: { width: 375, height: 812 } });
    await open(page, 'models/');
    await ready(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    const wrap = page.locator('#catalog').locator('xpath=..');
    await wrap.evaluate((w) => {
      w.scrollLeft = 400;
    });
    await page.waitForFunction(() => document.querySelector('#catalog').parentElement.scrollLeft > 0, null, { timeout: WAIT_MS });
    const [wrapLeft, nameLeft, creatorLeft] = await page.evaluate(() => {
      const w = document.querySelector('#catalog').parentElement.getBoundingClientRect().left;
      const row = document.querySelector('#catalog tbody tr[data-id]');
      return [w, row.cells[0].getBoundingClientRect().left, row.cells[1].getBoundingClientRect().left];
    });
    assert.ok(Math.abs(nameLeft - wrapLeft) <= 2, `the name cell is at ${nameLeft}, the box at ${wrapLeft}`);
    assert.ok(creatorLeft < wrapLeft, 'the other cells scroll away');
    await axeCheck(page, 'the large catalog at 375 px');
    await page.context().close();
  });

  test('the chooser and the comparison agree with the catalog', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'choose/');
    await page.waitForSelector('#chooser:not([hidden])', { timeout: WAIT_MS });
    await page.locator('#chooser-list li').first().waitFor({ timeout: WAIT_MS });
    await page.locator('#choose-task').selectOption('text-generation');
    await page.locator('input[name="max"][value="35000000000"]').check();
    await page.locator('input[name="kind"][value="proprietary"]').uncheck();
    const fits = models.filter(
      (m) =>
        m.task.includes('text-generation') &&
        m.parameters !== null &&
        m.parameters <= 35e9 &&
        m.license !== 'proprietary' &&
        ['open-weights', 'gated', 'api'].includes(m.access) &&
        m.status === 'active',
    );
    await page.waitForFunction((n) => document.getElementById('chooser-count').textContent.startsWith(`${n.toLocaleString('en')} models fit`), fits.length, {
      timeout: WAIT_MS,
    });
    // The counts beside the other answers follow the answers given: the
    // size question counts the models that fit every other answer.
    const other = models.filter(
      (m) => m.task.includes('text-generation') && m.license !== 'proprietary' && ['open-weights', 'gated', 'api'].includes(m.access) && m.status === 'active',
    );
    const upTo8 = other.filter((m) => m.parameters !== null && m.parameters <= 8e9).length;
    assert.equal(await page.locator('label:has(input[name="max"][value="8000000000"]) .count').textContent(), upTo8.toLocaleString('en'));
    assert.equal(await page.locator('label:has(input[name="max"][value=""]) .count').textContent(), other.length.toLocaleString('en'));
    // The short list: newest first.
    const newest = [...fits].sort((a, b) => ((b.released || '') < (a.released || '') ? -1 : (b.released || '') > (a.released || '') ? 1 : 0)).slice(0, 5);
    assert.deepEqual(await page.locator('#chooser-list .shortlist-name').allTextContents(), newest.map((m) => m.name));

    // The catalog, opened from the chooser, shows as many.
    await page.locator('#chooser-catalog').click();
    await ready(page);
    await waitForCount(page, fits.length);

    // Two of them, picked in the catalog, side by side.
    const rows = page.locator('#catalog tbody tr[data-id]');
    const ids = [await rows.nth(0).getAttribute('data-id'), await rows.nth(1).getAttribute('data-id')];
    await rows.nth(0).locator('input.pick').check();
    await rows.nth(1).locator('input.pick').check();
    await page.locator('#compare-go').click();
    await page.waitForURL(new RegExp(`compare/\\?models=${ids.join(',')}$`), { timeout: WAIT_MS });
    const head = page.locator('#compare-table thead');
    await head.waitFor({ timeout: WAIT_MS });
    for (const id of ids) await head.locator('a', { hasText: models.find((m) => m.id === id).name }).first().waitFor({ timeout: WAIT_MS });
    // A third by name, from every model of the catalog.
    const last = models[models.length - 1];
    await page.locator('#compare-q').fill(last.id);
    await page.locator('#compare-suggestions li', { hasText: last.id }).locator('button', { hasText: last.name }).click();
    await page.waitForFunction((id) => location.search.endsWith(',' + id), last.id, { timeout: WAIT_MS });
    await page.context().close();
  });

  test('the large catalog passes axe-core', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/?task=fill-mask&sort=released&order=desc');
    await ready(page);
    await axeCheck(page, 'the large catalog, filtered');
    await page.context().close();
  });
});

