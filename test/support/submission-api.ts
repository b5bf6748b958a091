// One instance of the real reference API (server/src) for the submission form's
// resilience tests, run by test/support/submission-endpoints.mjs. It differs from the
// shared test API only in its settings: it trusts X-Forwarded-For from that proxy (so each
// test gets its own rate-limit bucket), accepts 5 submissions per client per 10 minutes, and
// also holds a closed copy of the demo campaign. Killed and restarted on purpose by the
// kill-the-server test; the SQLite data directory survives restarts.
import { startServer } from '../../server/src/app.js';
import { DEMO_CAMPAIGN } from '../../server/src/demo/content.js';

const server = await startServer({
  port: Number(process.env.PORT ?? 0),
  host: '127.0.0.1',
  dataDir: process.env.CAMPAIGN_DATA_DIR!,
  adminToken: process.env.CAMPAIGN_ADMIN_TOKEN!,
  allowedOrigins: (process.env.CAMPAIGN_ALLOWED_ORIGINS ?? '').split(','),
  rateLimit: { max: 5, windowMs: 600_000 },
  trustProxy: true,
});
const { store, campaigns } = server.app;
if (!(await store.getCampaign('closed-campaign'))) {
  await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'closed-campaign', status: 'closed' });
  await campaigns.reload();
}
console.log(`campaign-api listening on ${server.url}`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
