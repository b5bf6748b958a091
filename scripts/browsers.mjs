// Finds the browser engines the test runner can drive on this machine, and says
// in one line what to install when one is missing.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Flags headless Chromium needs as root on a machine without network access. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function playwrightChromium() {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(cache)) return undefined;
  for (const dir of readdirSync(cache)
    .filter((d) => d.startsWith('chromium'))
    .sort()
    .reverse()) {
    for (const bin of ['chrome-linux64/chrome', 'chrome-linux/chrome']) {
      const path = join(cache, dir, bin);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

/** CHROME_PATH, else Debian's or another system Chromium, else Playwright's cache. */
export function findChromium() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ];
  return candidates.find((path) => path && existsSync(path)) ?? playwrightChromium();
}

export const INSTALL_HINT = {
  chromium:
    'no Chromium found: install one (Debian: `apt-get install -y chromium`) or set CHROME_PATH',
};
