// Starts the real reference campaign API (server/) for browser tests that need it:
// a fresh SQLite data directory, the demo campaign seeded, the test runner's page
// origin allowed to submit. Tests ask `/__test/api` for its URL and staff token.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function apiServerPlugin() {
  let child;
  let dataDir;
  let apiUrl;
  let starting;

  async function start(origin) {
    dataDir = mkdtempSync(join(tmpdir(), 'cw-api-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_DATA_DIR: dataDir,
        CAMPAIGN_ADMIN_TOKEN: ADMIN_TOKEN,
        CAMPAIGN_ALLOWED_ORIGINS: origin,
        CAMPAIGN_TEST_FIXTURES: '1',
        CAMPAIGN_RATE_LIMIT: 'off',
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    apiUrl = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`API did not start:\n${out}`)), 30000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /campaign-api listening on (http:\/\/\S+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`API exited with ${code}:\n${out}`)));
    });
    child.stdout.resume();
    return apiUrl;
  }

  return {
    name: 'campaign-api-server',
    serverStart({ config }) {
      // Started lazily by the first test that asks, so suites without it pay nothing.
      this.origin = `http://${config.hostname ?? 'localhost'}:${config.port}`;
    },
    async serve(context) {
      if (context.path !== '/__test/api') return undefined;
      starting ??= start(this.origin);
      const url = await starting;
      return { body: JSON.stringify({ url, adminToken: ADMIN_TOKEN }), type: 'json' };
    },
    async serverStop() {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
