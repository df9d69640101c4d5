// Browser tests of `modelsite serve --watch`, in headless Debian Chromium
// driven by playwright-core. Run by tests/browser.rs (`cargo test --test
// browser`), which sets MODELSITE_BIN; by hand:
//   MODELSITE_BIN=$PWD/target/debug/modelsite node --test tests/browser/
//
// Each test makes a fresh site with `modelsite init`, serves it with
// `modelsite serve --watch --offline` on a free port, edits its sources and
// waits (with a deadline) for what the open page must show.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { CHROMIUM, freePort, launchChromium } from './helpers.mjs';

const BIN = process.env.MODELSITE_BIN;
/** How long any one condition may take to come true. */
const WAIT_MS = 15_000;
/** How long the server may take to build and print its address. */
const START_MS = 30_000;
/** How long one test may take in all. */
const TEST_MS = 60_000;
const MODEL = 'data/models/bert-base-uncased.yaml';
const STYLESHEET = 'themes/default/static/style.css';
const MODEL_PAGE = 'models/bert-base-uncased/';
/** The summary `modelsite init` writes. */
const INIT_SUMMARY = 'An English encoder pre-trained with masked language modelling.';

let browser;

before(async () => {
  assert.ok(
    BIN && existsSync(BIN),
    `MODELSITE_BIN must name the modelsite binary (got ${JSON.stringify(BIN)}); ` +
      'run these tests with `cargo test --test browser`',
  );
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/test, which installs Debian's chromium`);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

// --- the server -------------------------------------------------------------


/**
 * Starts `modelsite serve --watch` on `root` and resolves, once it printed
 * its address, to { proc, url, output() }.
 */
async function startServer(root, port) {
  const proc = spawn(BIN, ['serve', '--watch', '--offline', '--root', root, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d) => (out += d));
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  proc.exited = exited;
  let status = null;
  exited.then((s) => (status = s));
  const output = () => out;
  const deadline = Date.now() + START_MS;
  for (;;) {
    const m = out.match(/Serving the site at (\S+)/);
    if (m) return { proc, url: m[1], output };
    if (status) {
      throw new Error(`modelsite serve exited (${JSON.stringify(status)}) before serving:\n${out}`);
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`modelsite serve printed no "Serving the site at" line in ${START_MS} ms:\n${out}`);
    }
    await sleep(25);
  }
}

/** Stops the server with `signal` and waits until it is gone (SIGKILL after 5 s). */
async function stopServer(server, signal = 'SIGTERM') {
  if (!server || server.proc.exitCode !== null || server.proc.signalCode !== null) return;
  server.proc.kill(signal);
  const gone = await Promise.race([server.proc.exited.then(() => true), sleep(5_000, null, { ref: false }).then(() => false)]);
  if (!gone) {
    server.proc.kill('SIGKILL');
    await server.proc.exited;
  }
}

// --- one test's site, server and page ----------------------------------------

/**
 * Runs `body(s)` with a fresh site, its server and a browser page, then
 * stops and removes everything, also when `body` fails. Fails the test if
 * the page logged an error that `allowError` does not excuse.
 */
async function withSite(body, { allowError = () => false } = {}) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'modelsite-browser-'));
  const root = path.join(tmp, 'site');
  const s = { root, tmp, errors: [], server: null, context: null, page: null };
  try {
    execFileSync(BIN, ['init', root], { stdio: 'pipe' });
    s.server = await startServer(root, await freePort());
    s.url = s.server.url;
    s.context = await browser.newContext();
    // Count the `hello` events of the page's own EventSource, so a test
    // knows the page listens before it changes a file (a change made
    // before the page subscribed would not reach it).
    await s.context.addInitScript(() => {
      const Native = window.EventSource;
      window.__hellos = 0;
      window.EventSource = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('hello', (e) => {
            window.__hellos += 1;
            window.__lastHello = JSON.parse(e.data);
          });
        }
      };
    });
    s.page = await s.context.newPage();
    s.page.on('console', (m) => {
      if (m.type() === 'error') s.errors.push({ text: m.text(), url: m.location().url });
    });
    s.page.on('pageerror', (e) => s.errors.push({ text: `uncaught: ${e.stack || e}`, url: '' }));
    await body(s);
    const unexpected = s.errors.filter((e) => !allowError(e, s));
    assert.deepEqual(unexpected, [], 'the browser console had errors');
  } catch (e) {
    if (s.server) e.message += `\n--- modelsite serve printed:\n${s.server.output()}`;
    throw e;
  } finally {
    await s.context?.close().catch(() => {});
    await stopServer(s.server);
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Opens `rel` under the site and waits until its EventSource said hello. */
async function open(s, rel) {
  const response = await s.page.goto(s.url + rel);
  assert.equal(response.status(), 200, `GET ${s.url + rel}`);
  await helloCount(s, 1);
  return response;
}

/** Waits until the page's EventSource has had `n` hello events. */
async function helloCount(s, n) {
  await s.page.waitForFunction((n) => window.__hellos >= n, n, { timeout: WAIT_MS });
}

/** Waits until the page's text contains `text`. */
async function pageShows(s, text, timeout = WAIT_MS) {
  await s.page.waitForFunction((t) => document.body?.innerText.includes(t), text, { timeout });
}

async function edit(s, rel, change) {
  const file = path.join(s.root, rel);
  const before = await readFile(file, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `the edit of ${rel} changed nothing`);
  await writeFile(file, after);
}

const setSummary = (text) => (yaml) => yaml.replace(/^summary: .*$/m, `summary: ${text}`);

/** A raw GET (no URL normalisation), resolving to { status, headers, body }. */
function rawGet(url, rawPath) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: hostname, port, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`GET ${rawPath}: no answer`)));
  });
}

/** Errors Chromium logs while the event stream's server is down. */
// While the server is stopped on purpose, any request to it (the event
// stream, a late favicon fetch) fails with a network error; nothing else.
const serverDown = (e, s) =>
  e.url.startsWith(new URL(s.url).origin) &&
  /ERR_CONNECTION_REFUSED|ERR_SOCKET_NOT_CONNECTED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_INCOMPLETE_CHUNKED_ENCODING/.test(
    e.text,
  );

// --- the tests --------------------------------------------------------------

describe('modelsite serve --watch in headless Chromium', () => {
  test('a saved model file reloads the open page with the new content', { timeout: TEST_MS }, async () => {
    await withSite(async (s) => {
      await open(s, MODEL_PAGE);
      assert.match(await s.page.locator('.lede').innerText(), /masked language modelling/);
      await s.page.evaluate(() => (window.__marker = 1));

      const summary = 'Summary saved by the browser test (a).';
      await edit(s, MODEL, setSummary(summary));
      await pageShows(s, summary);

      // The page reloaded by itself: same address, fresh window.
      assert.equal(s.page.url(), s.url + MODEL_PAGE);
      assert.equal(await s.page.evaluate(() => window.__marker), undefined, 'the page should have reloaded');
    });
  });

  test('a failing rebuild shows an overlay; the next good save clears it', { timeout: TEST_MS }, async () => {
    await withSite(async (s) => {
      await open(s, MODEL_PAGE);

      // Break the model (and change its summary in the same save).
      const summary = 'Summary saved by the browser test (b).';
      await edit(s, MODEL, (y) => setSummary(summary)(y).replace(/^creator: google$/m, 'creator: nobody'));
      const yaml = await readFile(path.join(s.root, MODEL), 'utf8');
      const line = yaml.split('\n').findIndex((l) => l.startsWith('creator: nobody')) + 1;
      assert.ok(line > 0);

      const overlay = await s.page.waitForSelector('#modelsite-error', { state: 'visible', timeout: WAIT_MS });
      assert.equal(await overlay.getAttribute('role'), 'alert');
      const text = await s.page.locator('#modelsite-error pre').innerText();
      assert.ok(
        text.includes(`data/models/bert-base-uncased.yaml:${line}:`),
        `the overlay should name the file and line ${line}, got:\n${text}`,
      );
      assert.match(text, /nobody/);
      // The last good site is still what is served under the overlay.
      assert.equal(await s.page.locator('.lede').innerText(), INIT_SUMMARY);

      // A page opened while the build is broken shows the overlay at once.
      await s.page.reload();
      await s.page.waitForSelector('#modelsite-error', { state: 'visible', timeout: WAIT_MS });
      assert.equal(await s.page.locator('.lede').innerText(), INIT_SUMMARY);

      // Fix it: the overlay goes and the new content shows.
      await edit(s, MODEL, (y) => y.replace(/^creator: nobody$/m, 'creator: google'));
      await pageShows(s, summary);
      await s.page.waitForSelector('#modelsite-error', { state: 'detached', timeout: WAIT_MS });
      assert.equal(await s.page.locator('.lede').innerText(), summary);
    });
  });

  test('a stylesheet change is swapped in without reloading the page', { timeout: TEST_MS }, async () => {
    await withSite(async (s) => {
      await open(s, MODEL_PAGE);
      await s.page.evaluate(() => (window.__marker = 1));
      const outline = () => s.page.evaluate(() => getComputedStyle(document.body).outlineColor);
      assert.notEqual(await outline(), 'rgb(1, 2, 3)');

      await appendFile(path.join(s.root, STYLESHEET), '\nbody { outline: 7px solid rgb(1, 2, 3) }\n');
      await s.page.waitForFunction(
        () => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)',
        null,
        { timeout: WAIT_MS },
      );
      assert.equal(await s.page.evaluate(() => window.__marker), 1, 'the page reloaded instead of swapping stylesheets');
      const hrefs = await s.page.$$eval('link[rel="stylesheet"]', (ls) => ls.map((l) => l.href));
      assert.ok(
        hrefs.some((h) => h.includes('style.css') && new URL(h).searchParams.has('reload')),
        `style.css should have been swapped with a reload parameter: ${hrefs}`,
      );
    });
  });

  test('the site is served under its sub-path, with its 404 page, and the reload script only while serving', { timeout: TEST_MS }, async () => {
    // Chromium logs the 404 of the page it was asked to open.
    const allow404 = (e) => /status of 404/.test(e.text) && e.url.includes('/my-models/nope/');
    await withSite(
      async (s) => {
        const { origin, pathname } = new URL(s.url);
        assert.equal(pathname, '/my-models/', `printed URL ${s.url}`);

        // `/` and the base path without its slash lead to the home page.
        for (const from of ['/', '/my-models']) {
          const r = await rawGet(s.url, from);
          assert.equal(r.status, 307, `GET ${from}`);
          assert.equal(r.headers.location, '/my-models/', `GET ${from}`);
        }
        const home = await s.page.goto(origin + '/');
        assert.equal(s.page.url(), s.url);
        assert.equal(home.status(), 200);
        assert.equal(home.request().redirectedFrom()?.url(), origin + '/');
        const script = await s.page.locator('script[data-modelsite-reload]').getAttribute('data-modelsite-reload');
        assert.equal(script, '/my-models/__modelsite/events');
        await helloCount(s, 1);

        // An unknown path gets the site's own 404 page, status 404.
        const missing = await s.page.goto(s.url + 'nope/');
        assert.equal(missing.status(), 404);
        await s.page.waitForSelector('h1:text("Page not found")', { timeout: WAIT_MS });
        // A path outside the output folder is not served.
        for (const p of ['/my-models/%2e%2e/modelsite.toml', '/my-models/..%2fmodelsite.toml']) {
          const r = await rawGet(s.url, p);
          assert.equal(r.status, 404, `GET ${p}`);
          assert.ok(!r.body.includes('base_url'), `GET ${p} served the config`);
        }

        // Built files never carry the reload script.
        const built = await readFile(path.join(s.root, 'public', 'index.html'), 'utf8');
        assert.ok(built.includes('</body>'));
        assert.ok(!built.includes('data-modelsite-reload'), 'public/index.html contains the reload script');
      },
      { allowError: allow404 },
    );
  });

  test('after a server restart the open page reconnects, reloads and follows the next change', { timeout: TEST_MS }, async () => {
    await withSite(
      async (s) => {
        await open(s, MODEL_PAGE);
        await s.page.evaluate(() => (window.__marker = 1));
        const port = new URL(s.url).port;

        await stopServer(s.server);
        s.server = await startServer(s.root, Number(port));
        assert.equal(s.server.url, s.url, 'the server should come back on the same port');

        // The page's EventSource reconnects by itself; a restarted server
        // numbers its builds anew, so the page reloads to its newest build
        // and subscribes again.
        await s.page.waitForFunction(() => window.__marker === undefined && window.__hellos >= 1, null, {
          timeout: WAIT_MS,
        });

        const summary = 'Summary saved by the browser test (e).';
        await edit(s, MODEL, setSummary(summary));
        await pageShows(s, summary);
        assert.equal(s.page.url(), s.url + MODEL_PAGE);
      },
      { allowError: serverDown },
    );
  });

  test(
    'a page open while the server was stopped reloads when the restarted server built a changed site',
    {
      timeout: TEST_MS,
    },
    async () => {
      await withSite(
        async (s) => {
          await open(s, MODEL_PAGE);
          await stopServer(s.server);
          const summary = 'Summary saved while the server was stopped.';
          await edit(s, MODEL, setSummary(summary));
          s.server = await startServer(s.root, Number(new URL(s.url).port));
          assert.equal(s.server.url, s.url, 'the server should come back on the same port');
          // On reconnecting, the page sees a new build and reloads.
          await pageShows(s, summary);
        },
        { allowError: serverDown },
      );
    },
  );

  test(
    'Ctrl+C (SIGINT) stops the server while a page is open',
    {
      timeout: TEST_MS,
    },
    async () => {
      await withSite(
        async (s) => {
          await open(s, MODEL_PAGE);
          s.server.proc.kill('SIGINT');
          const result = await Promise.race([s.server.proc.exited, sleep(3_000, null, { ref: false }).then(() => null)]);
          assert.ok(result, 'modelsite serve --watch was still running 3 s after SIGINT (Ctrl+C) with a page open');
        },
        { allowError: serverDown },
      );
    },
  );
});
