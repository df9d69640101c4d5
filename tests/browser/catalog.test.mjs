// Browser tests of a built site's catalog, search, comparison and chooser,
// in headless Debian Chromium driven by playwright-core. Run by
// tests/browser.rs (`cargo test --test browser`), which sets MODELSITE_BIN;
// by hand:
//   MODELSITE_BIN=$PWD/target/debug/modelsite node --test tests/browser/catalog.test.mjs
//
// The suite builds one small site with `modelsite build` under a sub-path
// and serves the output folder with a plain static file server (as GitHub
// Pages would), so nothing depends on `modelsite serve`. Screenshots at
// 1280 and 375 px wide are written to target/screenshots/ for a person to
// look at.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { CHROMIUM, freePort, launchChromium, serveStatic } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const BIN = process.env.MODELSITE_BIN;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS = path.resolve(HERE, '..', '..', 'target', 'screenshots');
/** How long any one condition may take to come true. */
const WAIT_MS = 15_000;
const TEST_MS = 60_000;
const SUB = '/atlas/';

let browser;
let tmp;
let server;
let site; // e.g. http://127.0.0.1:PORT/atlas/
const consoleErrors = [];

// --- the fixture site ---------------------------------------------------------

/** Eight models, chosen so that every sort and filter below has one right answer. */
const MODELS = {
  'alpha-small': {
    name: 'Alpha Small', creator: 'acme', category: 'generative', tasks: ['text-generation'],
    license: 'apache-2.0', access: 'open-weights', parameters: '1B', released: '2023-05',
    modalities: ['text'], domain: ['general'],
  },
  'beta-medium': {
    name: 'Beta Medium', creator: 'metaish', category: 'generative', tasks: ['text-generation'],
    license: 'llama2', access: 'gated', parameters: '7B', released: '2023-07', domain: ['general'],
  },
  'gamma-large': {
    name: 'Gamma Large', creator: 'acme', category: 'generative', tasks: ['text-generation'],
    license: 'proprietary', access: 'api', parameters: '175B', released: '2022-11',
  },
  'delta-bio': {
    name: 'Delta Bio', creator: 'metaish', category: 'classification', tasks: ['fill-mask'],
    license: 'mit', access: 'open-weights', parameters: '110M', released: '2019-01', domain: ['biomedical'],
    summary: 'An encoder for biomedical text.',
    evaluations: [{ task: 'question-answering', dataset: 'SQuAD v1.1', metric: 'F1', value: 88.5 }],
  },
  'epsilon-code': {
    name: 'Epsilon Code', creator: 'acme', category: 'generative', tasks: ['text-generation'],
    license: 'cc-by-nc-4.0', access: 'open-weights', parameters: '15B', released: '2024-02', domain: ['code'],
  },
  'zeta-embed': {
    name: 'Zeta Embed', creator: 'metaish', category: 'embedding', tasks: ['feature-extraction'],
    license: 'apache-2.0', access: 'open-weights', parameters: '22.7M', released: '2021-08',
    evaluations: [{ task: 'sentence-similarity', dataset: 'STS-B', metric: 'Spearman', value: 84.2 }],
  },
  'eta-unknown': {
    name: 'Eta Unknown', creator: 'acme', category: 'vision', tasks: ['image-classification'], released: '2020',
  },
  'theta-old': {
    name: 'Theta Old', creator: 'acme', category: 'generative', tasks: ['text-generation'],
    license: 'apache-2.0', access: 'open-weights', parameters: '1.5B', released: '2019-11',
    status: 'deprecated', new_version: 'alpha-small',
  },
};
const ALL = Object.keys(MODELS).length;
/** A word that is only in Delta Bio's Markdown prose. */
const PROSE_WORD = 'zanzibarquux';

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
  await write(root, 'modelsite.toml', 'title = "Test Atlas"\ndescription = "Models for the browser tests."\nbase_url = "https://example.test/atlas/"\n\n[build]\njson_ld = true\n\n[link_check]\nexternal = false\n');
  await write(root, 'data/creators.yaml', 'acme:\n  name: Acme Labs\n  kind: company\nmetaish:\n  name: Metaish Research\n  kind: lab\n');
  await write(
    root,
    'data/categories.yaml',
    'generative:\n  name: Generative\nclassification:\n  name: Classification\nembedding:\n  name: Embedding\nvision:\n  name: Vision\n',
  );
  await write(root, 'data/sources.yaml', 'hub:\n  name: Model Hub\n  url: https://hub.example.test/\n');
  await write(root, 'data/libraries.yaml', 'transformers:\n  name: Transformers\n  cache_dir: ~/.cache/huggingface/hub\n  env: HF_HOME\n');
  for (const [id, m] of Object.entries(MODELS)) {
    await write(root, `data/models/${id}.yaml`, yaml(m));
  }
  await write(root, 'site/models/delta-bio.md', `## Training\n\nTrained on abstracts from the ${PROSE_WORD} archive of papers.\n`);
  await write(root, 'site/index.md', '---\ntitle: Home\n---\n\nWelcome.\n');
  await write(
    root,
    'site/guides/choosing.md',
    '---\ntitle: Choosing a model\ndescription: What to weigh.\n---\n\n## Size\n\nSmaller models answer faster.\n\n' +
      '{{ models(category="generative") }}\n\n## Tasks\n\n| you want to | task id | look at |\n|---|---|---|\n' +
      '| continue or answer a text in any of the languages it was trained on | `text-generation` | Alpha Small, Beta Medium, Gamma Large |\n\n' +
      '```sh\nmodelsite build --root my-site --offline --base-url https://example.test/a/very/long/path/that/needs/scrolling/ --output-dir public\n```\n',
  );
  await write(
    root,
    'data/licenses.yaml',
    'apache-2.0:\n  commercial: yes\n  summary: A permissive licence for any use.\n  restrictions:\n    - Keep the notices.\n  url: https://www.apache.org/licenses/LICENSE-2.0\n',
  );
}

before(async () => {
  assert.ok(BIN && existsSync(BIN), `MODELSITE_BIN must name the modelsite binary (got ${JSON.stringify(BIN)})`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/test, which installs Debian's chromium`);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modelsite-catalog-'));
  const root = path.join(tmp, 'site');
  await makeSite(root);
  const port = await freePort();
  site = `http://127.0.0.1:${port}${SUB}`;
  const out = path.join(tmp, 'out');
  execFileSync(BIN, ['build', '--root', root, '--offline', '-u', site, '-o', out], { stdio: 'pipe' });
  server = await serveStatic(out, { sub: SUB, port });
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
  // Every page of every test logged no error.
  assert.deepEqual(consoleErrors, [], 'the browser console had errors');
});

/** A fresh page whose console errors fail the suite. */
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

/** The ids of the catalog rows a reader sees, top to bottom (every one: the site is small). */
function visibleIds(page) {
  return page.$$eval('#catalog tbody tr[data-id]', (rows) => rows.filter((r) => !r.hidden).map((r) => r.dataset.id));
}

async function waitForIds(page, want) {
  await page
    .waitForFunction(
      (want) =>
        JSON.stringify([...document.querySelectorAll('#catalog tbody tr[data-id]')].filter((r) => !r.hidden).map((r) => r.dataset.id)) ===
        JSON.stringify(want),
      want,
      { timeout: WAIT_MS },
    )
    .catch(async () => assert.deepEqual(await visibleIds(page), want));
}

async function catalogReady(page) {
  await page.waitForSelector('#catalog-root[data-catalog-ready]', { timeout: WAIT_MS });
  assert.equal(await page.locator('#catalog-filters').isVisible(), true);
}

async function axeCheck(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  assert.deepEqual(bad, [], `axe found serious or critical problems on ${what}`);
}

async function screenshots(page, name) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    const file = path.join(SCREENSHOTS, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: width === 375 ? false : true });
    console.log(`screenshot: ${file}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// --- the tests ----------------------------------------------------------------

describe('the catalog, search, comparison and chooser in headless Chromium', () => {
  test('without JavaScript the catalog is a complete table and the filters stay hidden', { timeout: TEST_MS }, async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await open(page, 'models/');
    assert.equal(await page.locator('#catalog tbody tr').count(), ALL);
    assert.equal(await page.locator('#catalog-filters').isVisible(), false);
    await page.context().close();
  });

  test('sorting orders the rows by numbers and dates, unknown values last', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/');
    await catalogReady(page);
    // Server order: by name.
    await waitForIds(page, ['alpha-small', 'beta-medium', 'delta-bio', 'epsilon-code', 'eta-unknown', 'gamma-large', 'theta-old', 'zeta-embed']);

    const parameters = page.locator('#catalog thead th', { hasText: 'Parameters' });
    await parameters.locator('button').click();
    await waitForIds(page, ['gamma-large', 'epsilon-code', 'beta-medium', 'theta-old', 'alpha-small', 'delta-bio', 'zeta-embed', 'eta-unknown']);
    assert.equal(await parameters.getAttribute('aria-sort'), 'descending');
    await parameters.locator('button').click();
    await waitForIds(page, ['zeta-embed', 'delta-bio', 'alpha-small', 'theta-old', 'beta-medium', 'epsilon-code', 'gamma-large', 'eta-unknown']);
    assert.equal(await parameters.getAttribute('aria-sort'), 'ascending');

    await page.locator('#catalog thead th', { hasText: 'Released' }).locator('button').click();
    await waitForIds(page, ['epsilon-code', 'beta-medium', 'alpha-small', 'gamma-large', 'zeta-embed', 'eta-unknown', 'theta-old', 'delta-bio']);
    // The address follows the view; it may be written just after the rows.
    await page.waitForURL(/sort=released&order=desc/, { timeout: WAIT_MS });
    await page.context().close();
  });

  test('filters give the right rows and counts, and the address restores them', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/');
    await catalogReady(page);
    const form = page.locator('#catalog-filters');

    await form.locator('summary', { hasText: 'Task' }).click();
    await form.locator('input[name="task"][value="text-generation"]').check();
    await waitForIds(page, ['alpha-small', 'beta-medium', 'epsilon-code', 'gamma-large', 'theta-old']);
    await form.locator('summary', { hasText: 'Licence' }).click();
    await form.locator('input[name="license"][value="apache-2.0"]').check();
    await waitForIds(page, ['alpha-small', 'theta-old']);
    assert.equal(await page.locator('#catalog-status').innerText(), `2 of ${ALL} models`);
    // Counts beside each option: other licences among text-generation models,
    // other tasks among apache-2.0 models.
    assert.equal(await form.locator('[data-count="license:llama2"]').textContent(), '1');
    assert.equal(await form.locator('[data-count="task:feature-extraction"]').textContent(), '1');
    assert.equal(await form.locator('[data-count="category:generative"]').textContent(), '2');

    const url = new URL(page.url());
    assert.deepEqual(url.searchParams.getAll('task'), ['text-generation']);
    assert.deepEqual(url.searchParams.getAll('license'), ['apache-2.0']);
    await page.reload();
    await catalogReady(page);
    await waitForIds(page, ['alpha-small', 'theta-old']);
    assert.equal(await form.locator('input[name="license"][value="apache-2.0"]').isChecked(), true);

    // A parameter range, the text filter, the open-weights switch.
    await form.locator('button[type="reset"]').click();
    await waitForIds(page, Object.keys(MODELS).sort());
    await form.locator('#filter-min').selectOption({ label: '1B' });
    await form.locator('#filter-max').selectOption({ label: '15B' });
    await waitForIds(page, ['alpha-small', 'beta-medium', 'epsilon-code', 'theta-old']);
    await form.locator('#filter-q').fill('acme');
    await waitForIds(page, ['alpha-small', 'epsilon-code', 'theta-old']);
    await form.locator('button[type="reset"]').click();
    await form.locator('input[name="open"]').check();
    await waitForIds(page, ['alpha-small', 'beta-medium', 'delta-bio', 'epsilon-code', 'theta-old', 'zeta-embed']);
    await form.locator('summary', { hasText: 'Domain' }).click();
    await form.locator('input[name="domain"][value="biomedical"]').check();
    await waitForIds(page, ['delta-bio']);
    await page.context().close();

    // A shared address opens the same view, sorted as it says.
    const shared = await newPage();
    await open(shared, 'models/?category=generative&access=open-weights&sort=parameters&order=desc');
    await catalogReady(shared);
    await waitForIds(shared, ['epsilon-code', 'theta-old', 'alpha-small']);
    assert.equal(
      await shared.locator('#catalog thead th', { hasText: 'Parameters' }).getAttribute('aria-sort'),
      'descending',
    );
    await screenshots(shared, 'catalog-filtered');
    await shared.context().close();
  });

  test('search finds a model by a word only in its Markdown prose, with the word highlighted', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'guides/choosing/');
    const box = page.locator('#site-search-q');
    await box.click();
    await box.pressSequentially(PROSE_WORD, { delay: 20 });
    const hit = page.locator('#site-search-results a.search-result-title', { hasText: 'Delta Bio' });
    await hit.waitFor({ timeout: WAIT_MS });
    assert.equal(await hit.getAttribute('href'), `${site}models/delta-bio/`);
    const mark = page.locator('#site-search-results mark').first();
    assert.equal((await mark.innerText()).toLowerCase(), PROSE_WORD);
    await screenshots(page, 'search-panel');

    // Enter leads to the search page, which lists the same result.
    await box.press('Enter');
    await page.waitForURL(/\/search\/\?q=/, { timeout: WAIT_MS });
    await page.locator('#search-page-results a', { hasText: 'Delta Bio' }).waitFor({ timeout: WAIT_MS });
    assert.match(await page.locator('#search-page-status').innerText(), /1 result/);
    await page.locator('#search-page-results mark').first().waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });

  test('picking two models in the catalog leads to a comparison of both', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'models/');
    await catalogReady(page);
    await page.locator('input[aria-label="Compare Delta Bio"]').check();
    await page.locator('input[aria-label="Compare Zeta Embed"]').check();
    assert.match(await page.locator('#compare-bar').innerText(), /2 of 4 models picked/);
    await page.locator('#compare-go').click();
    await page.waitForURL(/compare\/\?models=delta-bio,zeta-embed$/, { timeout: WAIT_MS });
    const table = page.locator('#compare-table');
    await table.waitFor({ state: 'visible', timeout: WAIT_MS });
    const head = await table.locator('thead').innerText();
    assert.match(head, /Delta Bio/);
    assert.match(head, /Zeta Embed/);
    const row = (label) => table.locator('tbody tr', { has: page.locator('th', { hasText: label }) }).first();
    assert.deepEqual(await row('Parameters').locator('td').allInnerTexts(), ['110M', '22.7M']);
    assert.deepEqual(await row('Creator').locator('td a').allInnerTexts(), ['Metaish Research', 'Metaish Research']);
    assert.deepEqual(await row('SQuAD v1.1').locator('td').allInnerTexts(), ['88.5', '—']);
    assert.deepEqual(await row('STS-B').locator('td').allInnerTexts(), ['—', '84.2']);

    // The address alone brings the same comparison back; a third model is added by name.
    await page.reload();
    await table.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.locator('#compare-q').fill('alpha');
    await page.locator('#compare-suggestions button', { hasText: 'Alpha Small' }).click();
    await page.waitForFunction(() => location.search === '?models=delta-bio,zeta-embed,alpha-small', null, { timeout: WAIT_MS });
    await table.locator('thead', { hasText: 'Alpha Small' }).waitFor({ timeout: WAIT_MS });
    await axeCheck(page, 'the comparison page');
    await screenshots(page, 'compare');
    await page.context().close();
  });

  test('the chooser ends in the right short list, linked to the comparison and the catalog', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'choose/');
    await page.waitForSelector('#chooser:not([hidden])', { timeout: WAIT_MS });
    await page.locator('#chooser-list li').first().waitFor({ timeout: WAIT_MS });
    await page.locator('#choose-task').selectOption('text-generation');
    await page.locator('input[name="max"][value="8000000000"]').check();
    for (const kind of ['non-commercial', 'proprietary']) {
      await page.locator(`input[name="kind"][value="${kind}"]`).uncheck();
    }
    // Text generation, at most 8B, not non-commercial or proprietary, active:
    // Beta Medium (gated, 2023-07) and Alpha Small (open, 2023-05); Theta Old
    // is deprecated, Epsilon Code too large and non-commercial.
    await page.waitForFunction(
      () => [...document.querySelectorAll('#chooser-list .shortlist-name')].map((a) => a.textContent).join('|') === 'Beta Medium|Alpha Small',
      null,
      { timeout: WAIT_MS },
    );
    assert.match(await page.locator('#chooser-count').innerText(), /^2 models fit/);
    const compareHref = await page.locator('#chooser-compare').evaluate((a) => a.href);
    assert.equal(compareHref, `${site}compare/?models=beta-medium,alpha-small`);
    await screenshots(page, 'choose');

    // The answers are in the address.
    await page.reload();
    await page.waitForFunction(
      () => [...document.querySelectorAll('#chooser-list .shortlist-name')].map((a) => a.textContent).join('|') === 'Beta Medium|Alpha Small',
      null,
      { timeout: WAIT_MS },
    );

    // The catalog, opened from the chooser, shows the same two.
    await page.locator('#chooser-catalog').click();
    await catalogReady(page);
    await waitForIds(page, ['alpha-small', 'beta-medium']);

    await page.goto(compareHref);
    await page.locator('#compare-table thead', { hasText: 'Beta Medium' }).waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });

  test('a licence page says what the licence allows and links its text', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'licenses/apache-2.0/');
    const facts = page.locator('.license-facts');
    assert.match(await facts.locator('h2').innerText(), /What this licence allows/);
    assert.equal(await facts.locator('dt', { hasText: 'Commercial use' }).locator('xpath=following-sibling::dd').innerText(), 'Allowed');
    assert.match(await facts.innerText(), /A permissive licence for any use\./);
    assert.equal(await facts.getByRole('link', { name: 'Read the licence text' }).getAttribute('href'), 'https://www.apache.org/licenses/LICENSE-2.0');
    await screenshots(page, 'licence');
    await page.context().close();
  });

  test('guide tables take the width they need, say when they scroll, and scroll from the keyboard', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    await open(page, 'guides/choosing/');
    // The header's search box shows its whole placeholder at 1280 px.
    const [needed, room] = await page.locator('#site-search-q').evaluate((input) => {
      const style = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const pad = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      return [ctx.measureText(input.placeholder).width, input.clientWidth - pad];
    });
    assert.ok(needed <= room, `the placeholder needs ${needed}px of the search box's ${room}px`);
    const wraps = page.locator('.prose .table-wrap');
    assert.equal(await wraps.count(), 2, 'the models table and the Markdown table');
    const widths = await wraps.evaluateAll((boxes) =>
      boxes.map((b) => [b.getBoundingClientRect().width, b.closest('.prose').getBoundingClientRect().width, b.scrollWidth - b.clientWidth]),
    );
    for (const [wide, prose, hidden] of widths) {
      assert.ok(wide > prose, `at 1280 px a table is ${wide}px wide, wider than the ${prose}px text`);
      assert.ok(hidden <= 1, 'and shows every column');
    }
    assert.equal(await page.locator('.scroll-hint').count(), 0, 'nothing scrolls, so no hint');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.locator('.scroll-hint').first().waitFor({ timeout: WAIT_MS });
    assert.match(await page.locator('.scroll-hint').first().innerText(), /scroll it sideways/);
    // Each scrolling box takes focus, has a name, and the arrow keys scroll it.
    for (const box of [wraps.first(), page.locator('pre.code').first()]) {
      assert.equal(await box.getAttribute('tabindex'), '0');
      const named = await box.evaluate((b) => b.getAttribute('aria-label') || document.getElementById(b.getAttribute('aria-labelledby') || '')?.textContent);
      assert.ok(named, 'the box has a name');
      await box.focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((b) => b.scrollLeft > 0, await box.elementHandle(), { timeout: WAIT_MS });
    }
    await page.context().close();
  });

  test('every kind of page passes axe-core at 1280 and 375 px, light and dark, with one search landmark', { timeout: 300_000 }, async () => {
    const pages = [
      ['', null],
      ['models/', '#catalog-root[data-catalog-ready]'],
      ['models/delta-bio/', null],
      ['guides/choosing/', null],
      ['licenses/apache-2.0/', null],
      ['compare/?models=delta-bio,zeta-embed', '#compare-table'],
      ['choose/', '#chooser-list li'],
      ['search/?q=encoder', '#search-page-results li'],
      ['404.html', null],
    ];
    for (const colorScheme of ['light', 'dark']) {
      for (const width of [1280, 375]) {
        const page = await newPage({ colorScheme, viewport: { width, height: 900 } });
        for (const [rel, ready] of pages) {
          await open(page, rel);
          if (ready) await page.locator(ready).first().waitFor({ timeout: WAIT_MS });
          const what = `${rel || 'the home page'} at ${width} px, ${colorScheme}`;
          assert.equal(await page.locator('[role="search"], search').count(), 1, `one search landmark on ${what}`);
          await axeCheck(page, what);
        }
        await page.context().close();
      }
    }
  });

  test('home, catalog and model pages pass axe-core and are photographed at 1280 and 375 px', { timeout: TEST_MS }, async () => {
    const page = await newPage();
    for (const [rel, name] of [
      ['', 'home'],
      ['models/', 'catalog'],
      ['models/delta-bio/', 'model'],
      ['search/?q=encoder', 'search'],
    ]) {
      await open(page, rel);
      if (rel === 'models/') await catalogReady(page);
      if (rel.startsWith('search/')) await page.locator('#search-page-results li').first().waitFor({ timeout: WAIT_MS });
      await axeCheck(page, rel || 'the home page');
      await screenshots(page, name);
    }
    // The model page's JSON-LD is valid JSON describing the model.
    await open(page, 'models/delta-bio/');
    const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
    assert.equal(ld['@type'], 'SoftwareApplication');
    assert.equal(ld.name, 'Delta Bio');
    assert.equal(ld.url, `${site}models/delta-bio/`);
    // No page is wider than a phone's screen at 375 px.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const rel of ['', 'models/', 'models/delta-bio/', 'choose/', 'compare/?models=delta-bio,alpha-small']) {
      await open(page, rel);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${rel || 'home'} is ${overflow}px wider than the screen at 375 px`);
    }
    await page.context().close();
  });
});
