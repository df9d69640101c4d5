// What the browser test files share: a free port, Debian's Chromium
// launched the same way for every suite, and a static file server that
// behaves like plain hosting (GitHub Pages).

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';

import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** A port nothing listens on right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Headless Chromium, without anything that would reach the internet. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the folder `dir` under the path `sub` (such as `/atlas/`) on
 * 127.0.0.1:`port`, as plain static hosting does: a folder's index.html,
 * and the site's 404.html for anything that is not there. With `gzip`,
 * text is sent compressed when the browser accepts it, as GitHub Pages
 * does (each file compressed once, as its cache keeps it), and `onSent({url, bytes, end})` hears of each response once it is
 * sent: its path, the bytes on the wire and when it ended (Date.now()).
 * Resolves to the listening http.Server.
 */
export function serveStatic(dir, { sub = '/', port = 0, gzip = false, onSent = null } = {}) {
  const root = path.resolve(dir);
  const gzipped = new Map();
  const srv = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname);
    let status = 200;
    let file = null;
    if (rel.startsWith(sub)) {
      file = path.join(root, rel.slice(sub.length));
      if (!file.startsWith(root)) file = null;
    }
    try {
      if (!file) throw new Error('outside the site');
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      await stat(file);
    } catch {
      status = 404;
      file = path.join(root, '404.html');
      rel = '404.html';
    }
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    const compress = gzip && /\bgzip\b/.test(req.headers['accept-encoding'] || '') && type !== 'application/octet-stream';
    res.writeHead(status, { 'content-type': type, ...(compress ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}) });
    let bytes = 0;
    if (compress) {
      // Compressed once, as a host's cache keeps it.
      let body = gzipped.get(file);
      if (!body) {
        body = zlib.gzipSync(await readFile(file));
        gzipped.set(file, body);
      }
      res.end(body, () => onSent?.({ url: rel, bytes: body.length, end: Date.now() }));
      return;
    }
    const counter = new Transform({
      transform(chunk, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    counter.on('end', () => onSent?.({ url: rel, bytes, end: Date.now() }));
    const source = createReadStream(file);
    source.on('error', () => res.destroy());
    source.pipe(counter).pipe(res);
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}
