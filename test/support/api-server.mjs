// Starts the real reference campaign API (server/) for browser tests that need it:
// a fresh SQLite data directory, the demo campaign seeded, the test runner's page
// origin allowed to submit. Tests ask `/__test/api` for its URL and staff token.
import { startApiProcess } from '../../scripts/api-process.mjs';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function apiServerPlugin() {
  let api;
  let starting;

  async function start(origin) {
    api = await startApiProcess({
      env: {
        CAMPAIGN_ADMIN_TOKEN: ADMIN_TOKEN,
        CAMPAIGN_ALLOWED_ORIGINS: origin,
        CAMPAIGN_TEST_FIXTURES: '1',
        CAMPAIGN_RATE_LIMIT: 'off',
        NODE_ENV: 'test',
      },
      timeoutMs: 30_000,
    });
    return api.url;
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
      await api?.stop();
    },
  };
}
