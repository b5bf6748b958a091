// One small browser interface over two drivers, so each end-to-end test is written
// once: Chromium through puppeteer-core (DevTools protocol), WebKit through the
// `webdriver` package against WebKitWebDriver (WebDriver classic).
//
// Elements are named by "deep" paths that cross shadow roots:
//   'campaign-submission-form >>> #message'
// Clicks and keys are real input events from the driver, never `el.click()`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Finds an element by a path of selectors, one per shadow root crossed (`>>>`). */
export const DEEP = `function deep(path, all) {
  const steps = path.split('>>>').map((s) => s.trim());
  let scopes = [document];
  for (let i = 0; i < steps.length; i++) {
    const next = [];
    for (const scope of scopes) {
      const found = i === steps.length - 1 && all
        ? Array.from(scope.querySelectorAll(steps[i]))
        : [scope.querySelector(steps[i])].filter(Boolean);
      for (const el of found) next.push(i === steps.length - 1 ? el : el.shadowRoot);
    }
    scopes = next.filter(Boolean);
  }
  return all ? scopes : scopes[0] || null;
}`;

const W3C_ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const WD_KEYS = {
  Tab: '\uE004',
  Enter: '\uE007',
  Space: '\uE00D',
  Shift: '\uE008',
  Escape: '\uE00C',
  ArrowDown: '\uE015',
  ArrowUp: '\uE013',
  Backspace: '\uE003',
};

/** Serialises `fn` with the deep-path helper in scope; args must be JSON values. */
const script = (fn) => `${DEEP}; return (${fn.toString()}).apply(null, arguments);`;

/**
 * @param {'chromium'|'webkit'} engine
 * @param {object} env  E2E settings: CHROME_PATH or WEBDRIVER_PORT + MINIBROWSER
 */
export async function openBrowser(engine, env = process.env) {
  if (engine === 'chromium') return openChromium(env);
  if (engine === 'webkit') return openWebKit(env);
  throw new Error(`unknown engine ${engine}`);
}

async function openChromium(env) {
  const { default: puppeteer } = await import('puppeteer-core');
  const { CHROMIUM_ARGS } = await import('../../../scripts/browsers.mjs');
  const profile = mkdtempSync(join(tmpdir(), 'cw-e2e-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: env.E2E_CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--lang=en-US'],
    defaultViewport: { width: 1200, height: 900 },
  });
  const pages = [];
  return {
    engine: 'chromium',
    async newPage({ width = 1200, height = 900 } = {}) {
      // A window each: every page stays visible, as pages side by side on a desk.
      const page = await browser.newPage({ type: 'window' });
      await page.setViewport({ width, height });
      const errors = [];
      page.on('pageerror', (error) => errors.push(String(error?.message ?? error)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const p = chromiumPage(page, errors);
      pages.push(p);
      return p;
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

function chromiumPage(page, errors) {
  const handle = (path) =>
    page.evaluateHandle(new Function('path', script(`(p) => deep(p)`)), path);
  const self = {
    raw: page,
    errors,
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    eval(fn, ...args) {
      return page.evaluate(new Function(script(fn)), ...args);
    },
    async click(path) {
      const el = await handle(path);
      if (!(await el.evaluate((e) => !!e))) throw new Error(`no element at ${path}`);
      await el.asElement().click();
    },
    async press(key, { shift = false } = {}) {
      if (shift) await page.keyboard.down('Shift');
      await page.keyboard.press(key === 'Space' ? ' ' : key);
      if (shift) await page.keyboard.up('Shift');
    },
    async type(text) {
      await page.keyboard.type(text);
    },
    async uploadFile(path, file) {
      const el = await handle(path);
      await el.asElement().uploadFile(file);
    },
    async screenshot(file) {
      mkdirSync(dirname(file), { recursive: true });
      await page.screenshot({ path: file });
    },
    async setViewport(width, height) {
      await page.setViewport({ width, height });
    },
    async front() {
      await page.bringToFront();
    },
    async close() {
      await page.close();
    },
  };
  return self;
}

async function openWebKit(env) {
  const { default: WebDriver } = await import('webdriver');
  const client = await WebDriver.newSession({
    hostname: '127.0.0.1',
    port: Number(env.E2E_WEBDRIVER_PORT),
    path: '/',
    logLevel: 'error',
    connectionRetryTimeout: 60000,
    capabilities: {
      browserName: 'MiniBrowser',
      'wdio:enforceWebDriverClassic': true,
      'webkitgtk:browserOptions': { binary: env.E2E_MINIBROWSER, args: ['--automation'] },
    },
  });
  await client.setTimeouts(undefined, 30000, 30000);
  let current = await client.getWindowHandle();
  // Windows of closed pages are kept (on about:blank) and reused: closing the last
  // window would end the session.
  const free = [current];
  const switchTo = async (handle) => {
    if (handle !== current) {
      await client.switchToWindow(handle);
      current = handle;
    }
  };
  return {
    engine: 'webkit',
    async newPage({ width = 1200, height = 900 } = {}) {
      const handle = free.pop() ?? (await client.createWindow('window')).handle;
      await switchTo(handle);
      const page = webkitPage(client, handle, switchTo, () => free.push(handle));
      await page.setViewport(width, height);
      return page;
    },
    async close() {
      await client.deleteSession().catch(() => undefined);
    },
  };
}

function webkitPage(client, handle, switchTo, release) {
  const errors = [];
  const exec = async (fn, args) => {
    await switchTo(handle);
    return client.executeScript(script(fn), args);
  };
  const element = async (path) => {
    const el = await exec(`(p) => deep(p)`, [path]);
    if (!el || !el[W3C_ELEMENT]) throw new Error(`no element at ${path}`);
    return el[W3C_ELEMENT];
  };
  const keys = async (actions) => {
    await switchTo(handle);
    await client.performActions([{ type: 'key', id: 'keyboard', actions }]);
    await client.releaseActions();
  };
  // The windows share one screen and one pointer: keep it in the window's top-left
  // corner, so it never rests (hovering) on a widget of a window raised later.
  const park = async () => {
    await client.performActions([
      {
        type: 'pointer',
        id: 'mouse',
        parameters: { pointerType: 'mouse' },
        actions: [{ type: 'pointerMove', origin: 'viewport', x: 1, y: 1, duration: 0 }],
      },
    ]);
    await client.releaseActions();
  };
  const self = {
    raw: client,
    errors,
    async goto(url) {
      await switchTo(handle);
      await client.navigateTo(url);
      // Page errors are collected by a listener the pages install (see pages/probe.js).
    },
    eval(fn, ...args) {
      return exec(fn, args);
    },
    async click(path) {
      // WebKitWebDriver's Element Click sees the shadow host at the click point and
      // refuses ("click intercepted"); a pointer at the element's centre is the same
      // real click a reader makes.
      const at = await exec(
        `(p) => {
          const el = deep(p);
          if (!el) return null;
          el.scrollIntoView({ block: 'center', inline: 'center' });
          const r = el.getBoundingClientRect();
          return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
        }`,
        [path],
      );
      if (!at) throw new Error(`no element at ${path}`);
      await switchTo(handle);
      await client.performActions([
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', origin: 'viewport', x: at[0], y: at[1], duration: 0 },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
            // The windows share one screen: park the pointer in a corner so it does
            // not rest (hovering) on a widget of another window.
            { type: 'pointerMove', origin: 'viewport', x: 1, y: 1, duration: 0 },
          ],
        },
      ]);
      await client.releaseActions();
    },
    async press(key, { shift = false } = {}) {
      const k = WD_KEYS[key] ?? key;
      const actions = [];
      if (shift) actions.push({ type: 'keyDown', value: WD_KEYS.Shift });
      actions.push({ type: 'keyDown', value: k }, { type: 'keyUp', value: k });
      if (shift) actions.push({ type: 'keyUp', value: WD_KEYS.Shift });
      await keys(actions);
    },
    async type(text) {
      const actions = [];
      for (const ch of text)
        actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
      await keys(actions);
    },
    async uploadFile(path, file) {
      const id = await element(path);
      await client.elementSendKeys(id, file);
    },
    async screenshot(file) {
      await switchTo(handle);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, Buffer.from(await client.takeScreenshot(), 'base64'));
    },
    async setViewport(width, height) {
      await switchTo(handle);
      // The window's outer size includes whatever frame it has: correct by the difference.
      await client.setWindowRect(0, 0, width, height);
      const inner = await exec(`() => [innerWidth, innerHeight]`, []);
      if (inner[0] !== width || inner[1] !== height) {
        await client.setWindowRect(0, 0, width * 2 - inner[0], height * 2 - inner[1]);
      }
    },
    async front() {
      await switchTo(handle);
      await park();
    },
    /** The document of the iframe at `path`, for scripts only. */
    async frame(path) {
      const id = await element(path);
      return {
        async eval(fn, ...args) {
          await switchTo(handle);
          await client.switchToFrame({ [W3C_ELEMENT]: id });
          try {
            return await client.executeScript(script(fn), args);
          } finally {
            await client.switchToParentFrame();
          }
        },
      };
    },
    async close() {
      await switchTo(handle);
      await client.navigateTo('about:blank');
      release();
    },
  };
  return self;
}

/** Polls `fn` in the page until it returns a truthy value; returns that value. */
export async function waitFor(page, fn, args = [], { timeout = 10000, interval = 50, what } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await page.eval(fn, ...args);
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(
    `timed out after ${timeout} ms waiting for ${what ?? fn.toString()} (last: ${last})`,
  );
}

/** Describes the focused element, looking inside shadow roots: `tag#id` or `tag` + text. */
export const ACTIVE = `() => {
  let el = document.activeElement;
  const hosts = [];
  while (el && el.shadowRoot && el.shadowRoot.activeElement) {
    hosts.push(el.localName);
    el = el.shadowRoot.activeElement;
  }
  if (!el) return '';
  const id = el.id ? '#' + el.id : '';
  const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  return [...hosts, el.localName + id].join(' >>> ') + (text ? ' "' + text + '"' : '');
}`;

/**
 * Presses Tab (or Shift+Tab) until the focused element's description matches `pattern`.
 * Fails after `max` presses, naming where the focus went.
 */
export async function tabTo(page, pattern, { max = 60, shift = false } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    const now = await page.eval(ACTIVE);
    if (pattern.test(now)) return now;
    seen.push(now);
    await page.press('Tab', { shift });
  }
  const now = await page.eval(ACTIVE);
  if (pattern.test(now)) return now;
  throw new Error(
    `focus never reached ${pattern} in ${max} presses: ${seen.slice(-8).join(' | ')}`,
  );
}
