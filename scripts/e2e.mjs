#!/usr/bin/env node
// End-to-end suite: the built dist/ on partner pages from another origin, against the
// real campaign API (started as `npm start` starts it, SQLite in a temporary folder),
// in real Chromium and WebKit. Runs test/e2e/*.e2e.mjs with node:test once per engine
// and prints one plain `N passed, N failed` line per engine.
//
// ENGINES=chromium,webkit picks engines (default: both; firefox is not driven here).
// A missing engine is skipped with one line saying what to install; with CI=true it is
// a failure. Screenshots go to test-results/e2e/<engine>/.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_HINT, findChromium, findWebKit, startWebKitDriver } from './browsers.mjs';
import { ROOT, startApi, startPartnerSite } from '../test/e2e/support/servers.mjs';
import { setup } from '../test/e2e/support/setup.mjs';

const wanted = (process.env.ENGINES ?? 'chromium,webkit')
  .split(',')
  .map((e) => e.trim().toLowerCase())
  .filter((e) => e === 'chromium' || e === 'webkit');
const strict = process.env.CI === 'true' || process.env.CI === '1';
const only = process.argv.slice(2); // optional test files

if (!wanted.length) {
  console.log(
    `e2e: skipped — ENGINES=${process.env.ENGINES} names no engine this suite drives (chromium, webkit)`,
  );
  process.exit(0);
}
if (!existsSync(join(ROOT, 'dist', 'campaign-widgets.js'))) {
  console.error('e2e: dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const engines = [];
const missing = [];
const env = {};
if (wanted.includes('chromium')) {
  const path = findChromium();
  if (path) {
    engines.push('chromium');
    env.E2E_CHROMIUM = path;
  } else missing.push(INSTALL_HINT.chromium);
}
let webkitDriver;
if (wanted.includes('webkit')) {
  const webkit = findWebKit();
  if (webkit) {
    engines.push('webkit');
    env.E2E_MINIBROWSER = webkit.minibrowser;
    env.E2E_WEBKIT = JSON.stringify(webkit);
  } else missing.push(INSTALL_HINT.webkit);
}
for (const line of missing) console.error(`e2e: skipped — ${line}`);
if (missing.length && strict) {
  console.error('e2e: CI needs every engine; failing.');
  process.exit(1);
}
if (!engines.length) process.exit(missing.length && !strict ? 0 : 1);

const buildDir = mkdtempSync(join(tmpdir(), 'cw-e2e-build-'));
const { photo } = await setup(buildDir);
let api;
const site = await startPartnerSite({ buildDir, getApi: () => api.url });
api = await startApi({ partnerOrigin: site.url });
console.log(`e2e: partner pages ${site.url}, API ${api.url}`);

const files = only.length
  ? only
  : readdirSync(join(ROOT, 'test', 'e2e'))
      .filter((f) => f.endsWith('.e2e.mjs'))
      .sort()
      .map((f) => join('test', 'e2e', f));

function runEngine(engine, extra) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...env,
          ...extra,
          E2E_ENGINE: engine,
          E2E_SITE: site.url,
          E2E_API: api.url,
          E2E_TOKEN: api.token,
          E2E_PHOTO: photo,
          E2E_ARTIFACTS: join(ROOT, 'test-results', 'e2e', engine),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      out += chunk;
    });
    child.on('close', (code) => {
      const count = (name) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(out)?.[1] ?? 0);
      resolve({ code, pass: count('pass'), fail: count('fail'), skipped: count('skipped') });
    });
  });
}

const results = [];
try {
  for (const engine of engines) {
    rmSync(join(ROOT, 'test-results', 'e2e', engine), { recursive: true, force: true });
    const extra = {};
    if (engine === 'webkit') {
      webkitDriver = await startWebKitDriver(JSON.parse(env.E2E_WEBKIT));
      extra.E2E_WEBDRIVER_PORT = String(webkitDriver.port);
    }
    console.log(`\ne2e: ${engine}`);
    const result = await runEngine(engine, extra);
    webkitDriver?.stop();
    webkitDriver = undefined;
    results.push([engine, result]);
  }
} finally {
  await api.stop();
  await site.stop();
  rmSync(buildDir, { recursive: true, force: true });
}

const label = { chromium: 'Chromium', webkit: 'WebKit' };
let failed = false;
for (const [engine, { code, pass, fail, skipped }] of results) {
  console.log(
    `  end-to-end · ${label[engine]}: ${pass} passed, ${fail} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
  if (code !== 0 || fail) failed = true;
}
process.exit(failed ? 1 : 0);
