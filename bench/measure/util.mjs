// Small helpers shared by the benchmark parts: statistics, the campaign API as a child
// process, a headless Chromium, and the project root.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiProcess } from '../../scripts/api-process.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs, p) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const TOKEN = 'bench-staff-token';

/**
 * Starts the campaign API (server/src/main.ts through tsx) on a free loopback port with
 * a fresh SQLite directory and no rate limit. Resolves with its URL, staff token and
 * a stop().
 */
export async function startApi() {
  const env = { CAMPAIGN_ADMIN_TOKEN: TOKEN, CAMPAIGN_RATE_LIMIT: 'off' };
  return { ...(await startApiProcess({ env })), token: TOKEN };
}

/** Launches headless Chromium with the project's flags and a fresh profile. */
export async function launchChromium(extraArgs = []) {
  const { default: puppeteer } = await import('puppeteer-core');
  const { CHROMIUM_ARGS, INSTALL_HINT, findChromium } = await import('../../scripts/browsers.mjs');
  const executablePath = findChromium();
  if (!executablePath) throw new Error(INSTALL_HINT.chromium);
  const profile = mkdtempSync(join(tmpdir(), 'cw-bench-chromium-'));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, ...extraArgs],
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, close, version: await browser.version() };
}
