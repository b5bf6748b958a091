// Browser tests: @web/test-runner + @open-wc/testing in the three engines readers
// use — Chromium, Firefox and WebKit — from the machine's own packages.
//
// ENGINES=chromium,firefox,webkit picks engines (default: all). An engine missing on
// this machine is skipped with one line saying how to install it; with CI=true a
// missing engine is a failure. LIT_MODE=production runs against Lit's production
// build (no dev-mode checks), as partners' pages do.
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import puppeteer from 'puppeteer-core';
import {
  CHROMIUM_ARGS,
  INSTALL_HINT,
  findChromium,
  findFirefox,
  findWebKit,
  startWebKitDriver,
} from './scripts/browsers.mjs';
import { testEndpoints } from './test/support/endpoints.mjs';
import { apiServerPlugin } from './test/support/api-server.mjs';
import { quoteEndpoints } from './test/support/quote-endpoints.mjs';
import { submissionEndpoints } from './test/support/submission-endpoints.mjs';
import { formEndpoints } from './test/support/form-endpoints.mjs';

const wanted = (process.env.ENGINES ?? 'chromium,firefox,webkit')
  .split(',')
  .map((e) => e.trim().toLowerCase())
  .filter(Boolean);
const strict = process.env.CI === 'true' || process.env.CI === '1';
const profile = (name) => mkdtempSync(join(tmpdir(), `cw-${name}-`));

const browsers = [];
const missing = [];

if (wanted.includes('chromium')) {
  const executablePath = findChromium();
  if (executablePath) {
    browsers.push(
      chromeLauncher({
        launchOptions: {
          executablePath,
          headless: true,
          args: [...CHROMIUM_ARGS, `--user-data-dir=${profile('chromium')}`],
        },
      }),
    );
  } else missing.push(INSTALL_HINT.chromium);
}

if (wanted.includes('firefox')) {
  const executablePath = findFirefox();
  if (executablePath) {
    browsers.push(
      chromeLauncher({
        puppeteer,
        launchOptions: {
          browser: 'firefox',
          executablePath,
          headless: true,
          userDataDir: profile('firefox'),
          extraPrefsFirefox: {
            'network.proxy.type': 0,
            'app.update.enabled': false,
            'browser.shell.checkDefaultBrowser': false,
          },
        },
      }),
    );
  } else missing.push(INSTALL_HINT.firefox);
}

if (wanted.includes('webkit')) {
  const webkit = findWebKit();
  if (webkit) {
    const { port } = await startWebKitDriver(webkit);
    browsers.push(
      webdriverLauncher({
        hostname: '127.0.0.1',
        port,
        path: '/',
        logLevel: 'error',
        capabilities: {
          browserName: 'MiniBrowser',
          'wdio:enforceWebDriverClassic': true,
          'webkitgtk:browserOptions': { binary: webkit.minibrowser, args: ['--automation'] },
        },
      }),
    );
  } else missing.push(INSTALL_HINT.webkit);
}

for (const line of missing) console.error(`campaign-widgets tests: skipped — ${line}`);
if (missing.length && strict) {
  console.error('campaign-widgets tests: CI needs every engine; failing.');
  process.exit(1);
}
if (!browsers.length) process.exit(1);

// Runs before the test framework's module: when mocha defines its global `Mocha`,
// wrap its runner's emit to keep the error of a try that mocha will retry ('retry'
// event) and log it when a later try of that test passes. wtr forwards browser logs.
const retriedTestsScript = `(() => {
  let value;
  Object.defineProperty(window, 'Mocha', {
    configurable: true,
    get: () => value,
    set(Mocha) {
      value = Mocha;
      const emit = Mocha.Runner.prototype.emit;
      const first = new Map();
      Mocha.Runner.prototype.emit = function (name, test, err) {
        if (name === 'retry' && !first.has(test.fullTitle()))
          first.set(test.fullTitle(), String(err && err.message).split('\\n')[0].slice(0, 200));
        if (name === 'pass' && test.currentRetry() > 0)
          console.log('[flaky] ' + test.fullTitle() + ' :: passed on try ' + (test.currentRetry() + 1) +
            '; first failure: ' + first.get(test.fullTitle()));
        return emit.apply(this, arguments);
      };
    },
  });
})();`;

export default {
  rootDir: '.',
  files: ['test/**/*.test.ts'],
  nodeResolve: {
    exportConditions: [process.env.LIT_MODE === 'production' ? 'production' : 'development'],
  },
  concurrency: 1,
  // One engine at a time: three browsers, test servers and the API compete for two cores.
  concurrentBrowsers: 1,
  // TEST_RETRIES=1 (scripts/test.mjs sets it) gives a failing test one more try, in
  // the same page; a test that passes only on a retry prints a `[flaky]` line with its
  // first failure (see retriedTestsScript), which scripts/test.mjs counts. A single
  // `npx wtr` run retries nothing.
  testFramework: { config: { timeout: 10000, retries: Number(process.env.TEST_RETRIES ?? 0) } },
  testRunnerHtml: (testFramework) =>
    `<html><body><script>${retriedTestsScript}</script>` +
    `<script type="module" src="${testFramework}"></script></body></html>`,
  browserStartTimeout: 60000,
  testsStartTimeout: 60000,
  testsFinishTimeout: 120000,
  middleware: [testEndpoints, quoteEndpoints, submissionEndpoints, formEndpoints],
  plugins: [
    apiServerPlugin(),
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers,
};
