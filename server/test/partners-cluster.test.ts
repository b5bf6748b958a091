/**
 * Partner sites across API instances on one PostgreSQL schema: a partner an admin adds
 * on instance A is allowed on instance B within seconds (no restart), a partner
 * disabled on A is refused on B as soon, and B's wall streams count in A's figures.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { PartnerList, PartnerSite } from '../../src/api/partners.js';
import { startServer, type RunningServer } from '../src/app.js';
import { CAMPAIGN_REFRESH_MS } from '../src/plugins/campaign-data.js';
import { PRESENCE_MS } from '../src/partners.js';
import { API, CAMPAIGN, TOKEN, newKey, openStream, staff, validBody } from './helpers.js';
import { describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';

const origin = 'https://late-partner.example';

async function send(server: RunningServer, key = newKey()) {
  const response = await fetch(`${server.url}${API}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, origin },
    body: JSON.stringify(validBody()),
  });
  return { status: response.status, body: (await response.json()) as { code?: string } };
}

async function staffCall(server: RunningServer, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${API}/staff/partners${path}`, {
    method,
    headers: { ...staff, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

/** Polls `check` until it holds, or fails after `ms`; returns how long it took. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - start;
}

describePostgres('partner sites on two API instances (PostgreSQL)', () => {
  const { schema, drop } = testSchema();
  let a: RunningServer;
  let b: RunningServer;
  const options = () => ({
    port: 0,
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: schema,
    adminToken: TOKEN,
    rateLimit: false as const,
    maxEventLoopDelayMs: false as const,
  });

  before(async () => {
    a = await startServer(options());
    b = await startServer(options());
  });
  after(async () => {
    await Promise.all([a, b].map((server) => server?.close()));
    await drop();
  });

  it('allows on B, within seconds, a partner added on A; and refuses it once disabled', async () => {
    assert.equal((await send(b)).status, 403);
    const before = await b.app.store.countSubmissions(CAMPAIGN);
    const added = await staffCall(a, 'POST', '', { name: 'Late partner', origins: [origin] });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal((await send(a)).status, 202, 'at once on the instance that wrote it');

    const key = newKey();
    const took = await within(CAMPAIGN_REFRESH_MS + 3000, 'allowed on B', async () => {
      const answer = await send(b, key);
      if (answer.status !== 202) assert.equal(answer.body.code, 'origin_not_allowed');
      return answer.status === 202;
    });
    console.log(`# allowed on the other instance after ${took} ms`);
    const after = await b.app.store.countSubmissions(CAMPAIGN);
    assert.equal(after.pending, before.pending + 2, 'each submission stored once');

    const partner = added.body as PartnerSite;
    const off = await staffCall(a, 'PUT', `/${partner.id}`, {
      version: partner.version,
      name: partner.name,
      origins: partner.origins,
      contact: null,
      enabled: false,
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    await within(
      CAMPAIGN_REFRESH_MS + 3000,
      'refused on B',
      async () => (await send(b)).status === 403,
    );
  });

  it("counts walls open on B in A's figures", async () => {
    const added = await staffCall(a, 'POST', '', {
      name: 'Wall partner',
      origins: ['https://wall-partner.example'],
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const id = (added.body as PartnerSite).id;
    const wall = await openStream(`${b.url}${API}/quotes/stream`, {
      origin: 'https://wall-partner.example',
    });
    const openOnA = async () => {
      const answer = await staffCall(a, 'GET', '');
      return (answer.body as PartnerList).items.find((p) => p.id === id)?.figures.openWalls;
    };
    try {
      await within(
        CAMPAIGN_REFRESH_MS + 2 * PRESENCE_MS + 2000,
        'counted on A',
        async () => (await openOnA()) === 1,
      );
    } finally {
      wall.close();
    }
    // Closed on B: A stops counting it once B writes its counts again.
    await within(2 * PRESENCE_MS + 2000, 'no longer counted', async () => (await openOnA()) === 0);
  });
});
