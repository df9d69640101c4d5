// What the browser test files share: a free port, and Debian's Chromium
// launched the same way for every suite.

import net from 'node:net';

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
