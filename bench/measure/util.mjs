// Small helpers shared by the benchmark parts: statistics, the campaign API as a child
// process, a headless Chromium, and the project root.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Starts the campaign API (server/src/main.ts through tsx) on a free loopback port with
 * a fresh SQLite directory and no rate limit. Resolves with its URL and a stop().
 */
export async function startApi({ env = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-bench-data-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'server', 'src', 'main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_DATA_DIR: dataDir,
        CAMPAIGN_ADMIN_TOKEN: 'bench-staff-token',
        CAMPAIGN_RATE_LIMIT: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('campaign API did not start')), 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const match = /campaign-api listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`campaign API exited (${code}): ${output}`)));
  });
  child.stdout.resume();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, token: 'bench-staff-token', stop };
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
