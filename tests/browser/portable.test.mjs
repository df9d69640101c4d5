// One build of this repository's own site, served from places other than
// its base_url: two different paths on 127.0.0.1 and the host name
// `localhost`. Every page a reader reaches there must be styled, run its
// scripts and link within the copy it came from, and the browser must
// never ask the configured host for anything. Run by tests/browser.rs; by
// hand:
//   MODELSITE_BIN=$PWD/target/debug/modelsite node --test tests/browser/portable.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHROMIUM, launchChromium, serveStatic } from './helpers.mjs';

const BIN = process.env.MODELSITE_BIN;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The address the site is built for; nothing may be fetched from it. */
const BASE_URL = 'https://docs.example.org/modelsite/';
const WAIT_MS = 15_000;
const TEST_MS = 90_000;
/** Pages of each kind a reader opens first. */
const PAGES = ['', 'models/', 'models/whisper/', 'guides/choosing/', 'categories/', 'licenses/mit/', 'choose/', 'compare/?models=whisper,gpt2'];

let browser;
let tmp;
const servers = [];

before(async () => {
  assert.ok(BIN, 'MODELSITE_BIN must name the modelsite binary');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/test`);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modelsite-portable-'));
  execFileSync(BIN, ['build', '--offline', '--quiet', '--root', REPO, '-o', path.join(tmp, 'public'), '-u', BASE_URL], { stdio: 'inherit' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await new Promise((r) => s.close(r));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The output served under `sub`; resolves to its address at `host`. */
async function serve(sub, host) {
  const srv = await serveStatic(path.join(tmp, 'public'), { sub });
  servers.push(srv);
  return `http://${host}:${srv.address().port}${sub}`;
}

/** Opens `rel` under `site` and reports what a reader would notice. */
async function visit(site, rel) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const foreign = [];
  const errors = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(new URL(site).origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  const response = await page.goto(site + rel);
  assert.equal(response.status(), 200, `${site}${rel}`);
  await page.waitForLoadState('load');
  const seen = await page.evaluate(() => ({
    styled: getComputedStyle(document.querySelector('.site-header')).display !== 'inline',
    sheets: [...document.styleSheets].filter((s) => s.cssRules.length > 0).length,
    codeColours: [...document.styleSheets].some((s) => [...s.cssRules].some((r) => r.selectorText === '.hl-k')),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
  }));
  await context.close();
  return { ...seen, foreign, errors };
}

describe('the built folder works wherever it is served', () => {
  test('at two paths and another host name, every page is styled and links stay in its copy', { timeout: TEST_MS }, async () => {
    const sites = [await serve('/one/', '127.0.0.1'), await serve('/two/deeper/', '127.0.0.1'), await serve('/', 'localhost')];
    for (const site of sites) {
      for (const rel of PAGES) {
        const seen = await visit(site, rel);
        const where = `${site}${rel}`;
        assert.ok(seen.styled && seen.sheets >= 1, `${where} is styled`);
        assert.ok(seen.codeColours, `${where} has the code colours`);
        assert.deepEqual(seen.foreign, [], `${where} loads nothing from other hosts`);
        assert.deepEqual(seen.errors, [], `${where} has no script errors`);
        const home = seen.links.filter((href) => href.startsWith(BASE_URL));
        assert.deepEqual(home, [], `${where} has no link to the configured host`);
        const inside = seen.links.filter((href) => href.startsWith(site));
        assert.ok(inside.length > 5, `${where} links to its own copy`);
        // Every link into the copy names something that is there.
        for (const href of new Set(inside.map((h) => h.split('#')[0]))) {
          const r = await fetch(href);
          assert.equal(r.status, 200, `${where} links to ${href}`);
        }
      }
    }
  });

  test('the scripts find their data from any address: the catalog and search work', { timeout: TEST_MS }, async () => {
    const site = await serve('/elsewhere/', 'localhost');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site + 'models/?license=mit');
    await page.locator('#catalog-root[data-catalog-ready]').waitFor({ timeout: WAIT_MS });
    const all = (await (await fetch(site + 'models.json')).json()).models;
    const mit = all.filter((m) => m.license === 'mit').length;
    assert.ok(mit > 1);
    await page.waitForFunction((n) => document.querySelector('[data-catalog-count]').textContent.trim() === String(n), mit, { timeout: WAIT_MS });
    const first = await page.locator('#catalog tbody tr[data-id] a').first().evaluate((a) => a.href);
    assert.ok(first.startsWith(site + 'models/'), first);

    await page.goto(site + 'search/?q=whisper');
    await page.locator('.search-result-title', { hasText: 'Whisper' }).first().waitFor({ timeout: WAIT_MS });
    const hit = await page.locator('.search-result-title', { hasText: 'Whisper' }).first().evaluate((a) => a.href);
    assert.ok(hit.startsWith(site), hit);
    await context.close();
  });

  test('canonical and Open Graph addresses stay at the configured host', { timeout: TEST_MS }, async () => {
    const site = await serve('/x/', '127.0.0.1');
    const html = await (await fetch(site + 'models/whisper/')).text();
    assert.match(html, new RegExp(`<link rel="canonical" href="${BASE_URL}models/whisper/">`));
    assert.match(html, new RegExp(`<meta property="og:url" content="${BASE_URL}models/whisper/">`));
    const sitemap = await (await fetch(site + 'sitemap.xml')).text();
    assert.match(sitemap, new RegExp(`<loc>${BASE_URL}models/whisper/</loc>`));
  });
});
