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
  // Each test file gets its own page; a page in the background must still load lazy
  // images and run animation frames.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
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

/** Firefox (ESR from Debian), driven by puppeteer over WebDriver BiDi. */
export function findFirefox() {
  return [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find(
    (path) => path && existsSync(path),
  );
}

/** WebKitGTK's MiniBrowser with WebKitWebDriver, under a virtual X display. */
export function findWebKit() {
  const driver = ['/usr/bin/WebKitWebDriver'].find((p) => existsSync(p));
  const xvfb = ['/usr/bin/Xvfb'].find((p) => existsSync(p));
  let minibrowser = process.env.MINIBROWSER_PATH;
  if (!minibrowser) {
    for (const lib of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']) {
      if (!existsSync(lib)) continue;
      const dir = readdirSync(lib)
        .filter((d) => /^webkit2?gtk-[\d.]+$/.test(d))
        .sort()
        .reverse()
        .find((d) => existsSync(join(lib, d, 'MiniBrowser')));
      if (dir) {
        minibrowser = join(lib, dir, 'MiniBrowser');
        break;
      }
    }
  }
  return driver && xvfb && minibrowser ? { driver, xvfb, minibrowser } : undefined;
}

Object.assign(INSTALL_HINT, {
  firefox:
    'no Firefox found: install one (Debian: `apt-get install -y firefox-esr`) or set FIREFOX_PATH',
  webkit:
    'no WebKit found: install WebKitGTK (Debian: `apt-get install -y webkit2gtk-driver xvfb xauth`)',
});

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs) {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/**
 * Starts Xvfb on a free display and WebKitWebDriver on a free port; both stop when
 * this process exits. Resolves with the driver's port.
 */
export async function startWebKitDriver(webkit) {
  const { spawn } = await import('node:child_process');
  const xvfb = spawn(
    webkit.xvfb,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  );
  const display = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 10000);
    xvfb.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  const port = await freePort();
  const driver = spawn(webkit.driver, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display },
    stdio: 'ignore',
  });
  const stop = () => {
    driver.kill('SIGKILL');
    xvfb.kill('SIGKILL');
  };
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  await waitForPort(port, 10000);
  return { port, display, stop };
}
