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

/** Numbered screenshots of one scenario: test-results/e2e/<engine>/<scenario>/NN-step.png */
export function shots(scenario) {
  let n = 0;
  return (p, step) =>
    p.screenshot(join(ARTIFACTS, scenario, `${String(++n).padStart(2, '0')}-${step}.png`));
}

/** The page's recorded errors and policy violations (see pages/probe.js). */
export const PROBE = `() => window.__e2e`;
