// Browser tests: @web/test-runner + @open-wc/testing in real Chromium.
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './scripts/browsers.mjs';
import { testEndpoints } from './test/support/endpoints.mjs';
import { apiServerPlugin } from './test/support/api-server.mjs';

const chromium = findChromium();
if (!chromium) {
  console.error(`campaign-widgets tests: ${INSTALL_HINT.chromium}`);
  process.exit(1);
}

export default {
  rootDir: '.',
  files: ['test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 300000,
  middleware: [testEndpoints],
  plugins: [
    apiServerPlugin(),
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromium,
        headless: true,
        args: [...CHROMIUM_ARGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'cw-chromium-'))}`],
      },
    }),
  ],
};
