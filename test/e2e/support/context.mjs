// Settings handed to each test file by scripts/e2e.mjs, and small shared helpers.
import { join } from 'node:path';
import { openBrowser } from './driver.mjs';

export const ENGINE = process.env.E2E_ENGINE ?? 'chromium';
export const SITE = process.env.E2E_SITE;
export const API = process.env.E2E_API;
export const TOKEN = process.env.E2E_TOKEN;
export const PHOTO = process.env.E2E_PHOTO;
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? join('test-results', 'e2e', ENGINE);

if (!SITE || !API) {
  throw new Error(
    'run the end-to-end tests through `node scripts/e2e.mjs`, which starts the servers',
  );
}

export const page = (name) => `${SITE}/pages/${name}`;

export function browser() {
  return openBrowser(ENGINE);
}

/**
 * The partner page in a 320 px viewport: `{ top, p }`, where `p` is the page to test and
 * `top` the tab to screenshot and close. MiniBrowser's window is never narrower than
 * about 450 px, so there a 320 px iframe gives the page a 320 px viewport of its own.
 */
export async function narrowPartnerPage(b) {
  const top = await b.newPage({ width: 320, height: 640 });
  if (ENGINE !== 'webkit') {
    await top.goto(page('partner-a.html'));
    return { top, p: top };
  }
  await top.goto(page('narrow.html'));
  return { top, p: await top.frame('iframe') };
}

/** Numbered screenshots of one scenario: test-results/e2e/<engine>/<scenario>/NN-step.png */
export function shots(scenario) {
  let n = 0;
  return (p, step) =>
    p.screenshot(join(ARTIFACTS, scenario, `${String(++n).padStart(2, '0')}-${step}.png`));
}

/** The page's recorded errors and policy violations (see pages/probe.js). */
export const PROBE = `() => window.__e2e`;

/**
 * A second browser of the engine, with cookies and storage of its own (another person
 * at another desk). WebKitWebDriver drives one session at a time, so in WebKit this one
 * gets a WebKitWebDriver (and virtual display) of its own, stopped when it closes.
 */
export async function separateBrowser() {
  if (ENGINE !== 'webkit') return openBrowser(ENGINE);
  const { startWebKitDriver } = await import('../../../scripts/browsers.mjs');
  const driver = await startWebKitDriver(JSON.parse(process.env.E2E_WEBKIT));
  try {
    const other = await openBrowser('webkit', {
      ...process.env,
      E2E_WEBDRIVER_PORT: String(driver.port),
    });
    return {
      ...other,
      async close() {
        await other.close();
        driver.stop();
      },
    };
  } catch (error) {
    driver.stop();
    throw error;
  }
}
