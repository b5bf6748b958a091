/**
 * Outbound webhooks on SQLite and on PostgreSQL: local receivers (node:http on
 * 127.0.0.1) that answer, fail three times then answer, are down across an API
 * restart, or stall; every event arrives at least once, signed as docs/webhooks.md
 * says (each receiver checks with that recipe), with an event id to drop duplicates.
 * Plus the admin-only routes, their bad inputs, the SSRF refusals, and a flood.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { SubmissionRequest } from '../../src/api/wire.js';
import type {
  WebhookDeliveryPage,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from '../../src/api/webhooks.js';
import { buildApp, type AppOptions } from '../src/app.js';
import type { SqliteStore } from '../src/store/sqlite.js';
import {
  csrfTokenFor,
  CSRF_HEADER,
  newToken,
  SESSION_COOKIE,
  tokenHash,
} from '../src/auth/sessions.js';
import { guardedLookup, isInternalAddress, webhookUrlProblem } from '../src/webhooks/address.js';
import { postWebhook } from '../src/webhooks/post.js';
import {
  addCampaign,
  API,
  CAMPAIGN,
  delay,
  newKey,
  staff,
  tempDir,
  TOKEN,
  validBody,
} from './helpers.js';
import { describePostgres, testSchema, TEST_DATABASE_URL } from './pg-support.js';

const HOOKS = `${API}/staff/webhooks`;
const NEWS = `${API}/staff`;

/** The fast schedule the tests use: every retry 40 ms later. */
const FAST: NonNullable<AppOptions['webhooks']> = {
  // The receivers here are plain http on loopback, as a developer's would be.
  allowLoopback: true,
  retryDelayMs: () => 40,
  pollMs: 20,
  timeoutMs: 1500,
};

/** What the tests read of an event's `data`. */
interface WebhookData {
  submission: { id: string; status: string; message?: string; deleted?: boolean };
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; created: string; campaign: string; data: WebhookData };
  verified: boolean;
}

/** The verification recipe of docs/webhooks.md, written out as a receiver would. */
function verify(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(
    header.split(',').map((p) => p.split('=', 2) as [string, string]),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Behaviour = (n: number) => 'ok' | 'fail' | 'stall';

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Set after the endpoint is created (the secret comes back then). */
  secret: string;
  inFlight: number;
  peak: number;
  listen(port?: number): Promise<void>;
  close(): Promise<void>;
}

function receiver(behaviour: Behaviour = () => 'ok', answerDelayMs = 0): Receiver {
  let server: http.Server | null = null;
  let calls = 0;
  const self: Receiver = {
    url: '',
    port: 0,
    received: [],
    secret: '',
    inFlight: 0,
    peak: 0,
    async listen(port = 0) {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const what = behaviour(++calls);
          if (what === 'stall') return; // never answers
          self.inFlight += 1;
          self.peak = Math.max(self.peak, self.inFlight);
          const body = Buffer.concat(chunks).toString('utf8');
          const signature = req.headers['campaign-signature'];
          self.received.push({
            headers: req.headers,
            body,
            json: JSON.parse(body),
            verified: verify(
              self.secret,
              body,
              typeof signature === 'string' ? signature : undefined,
            ),
          });
          setTimeout(() => {
            self.inFlight -= 1;
            if (what === 'ok') res.writeHead(200).end('ok');
            else res.writeHead(500).end('not now');
          }, answerDelayMs);
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      self.port = (server.address() as AddressInfo).port;
      self.url = `http://127.0.0.1:${self.port}/hook`;
    },
    async close() {
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
    },
  };
  return self;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await delay(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function addEndpoint(
  app: FastifyInstance,
  hook: Receiver,
  events: string[] = ['submission.received'],
): Promise<WebhookEndpointWithSecret> {
  const response = await app.inject({
    method: 'POST',
    url: HOOKS,
    headers: staff,
    payload: { url: hook.url, events, description: 'test receiver' },
  });
  assert.equal(response.statusCode, 201, response.body);
  const created = response.json<WebhookEndpointWithSecret>();
  hook.secret = created.secret;
  return created;
}

async function submitOne(app: FastifyInstance, overrides: Partial<SubmissionRequest> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: `${API}/submissions`,
    headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
    payload: validBody(overrides),
  });
  assert.ok([201, 202].includes(response.statusCode), response.body);
  return response.json().id as string;
}

async function decide(app: FastifyInstance, id: string, body: Record<string, unknown>) {
  const detail = await app.inject({ url: `${NEWS}/submissions/${id}`, headers: staff });
  const response = await app.inject({
    method: 'POST',
    url: `${NEWS}/submissions/${id}/decision`,
    headers: staff,
    payload: { version: detail.json().item.version, ...body },
  });
  assert.equal(response.statusCode, 200, response.body);
}

async function deliveries(app: FastifyInstance, endpointId: string): Promise<WebhookDeliveryPage> {
  const response = await app.inject({ url: `${HOOKS}/${endpointId}/deliveries`, headers: staff });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

interface Dialect {
  /** Options for an app on the same database every time it is called. */
  database(): Promise<{ options: AppOptions; drop: () => Promise<void> }>;
}

const sqlite: Dialect = {
  async database() {
    const dataDir = tempDir();
    return {
      options: { dataDir },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  },
};

const postgres: Dialect = {
  async database() {
    const { schema, drop } = testSchema();
    return { options: { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }, drop };
  },
};

function suite(dialect: Dialect) {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  async function open(extra: AppOptions = {}) {
    const db = await dialect.database();
    cleanups.push(db.drop);
    const start = (more: AppOptions = {}) =>
      buildApp({
        adminToken: TOKEN,
        rateLimit: false,
        maxEventLoopDelayMs: false,
        ...db.options,
        ...extra,
        ...more,
        webhooks: { ...FAST, ...extra.webhooks, ...more.webhooks },
      });
    const app = await start();
    await app.ready();
    return { app, start };
  }

  it('delivers every event, signed, with an event id and public-safe fields only', async () => {
    const { app } = await open();
    const all = receiver();
    await all.listen();
    try {
      const everything = await addEndpoint(app, all, [
        'submission.received',
        'submission.approved',
        'submission.rejected',
        'submission.reported',
        'submission.removed',
        'submission.withdrawn',
      ]);

      const receiptSecret = randomBytes(32).toString('base64url');
      const published = await submitOne(app, {
        receiptSecret,
        email: 'private.reader@example.org',
      });
      const rejected = await submitOne(app, { message: 'This one is off topic entirely.' });
      await decide(app, published, { action: 'approve' });
      await decide(app, rejected, { action: 'reject', reason: 'off_topic' });
      const reported = await app.inject({
        method: 'POST',
        url: `${API}/quotes/${published}/reports`,
        payload: { reason: 'spam' },
      });
      assert.equal(reported.statusCode < 300, true, reported.body);
      await decide(app, published, { action: 'remove', reason: 'other' });
      // Delivered before the withdrawal: a withdrawal drops what is still waiting.
      await until('six events', () => all.received.length >= 6);
      const withdrawn = await app.inject({
        method: 'POST',
        url: `${API}/submissions/${published}/withdraw`,
        payload: { secret: receiptSecret },
      });
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);

      const expected = [
        'submission.received',
        'submission.received',
        'submission.approved',
        'submission.rejected',
        'submission.reported',
        'submission.removed',
        'submission.withdrawn',
      ];
      await until(
        'every event at the first receiver',
        () => all.received.length >= expected.length,
      );
      assert.deepEqual(all.received.map((r) => r.json.type).sort(), [...expected].sort());
      for (const got of all.received) {
        assert.equal(got.verified, true, `signature of ${got.json.type} verifies`);
        assert.equal(got.headers['campaign-webhook-id'], got.json.id);
        assert.equal(got.headers['campaign-webhook-event'], got.json.type);
        assert.match(got.json.id, /^evt_[0-9a-f]{32}$/);
        assert.equal(got.json.campaign, CAMPAIGN);
        assert.ok(!got.body.includes('private.reader@example.org'), 'no email address');
        assert.ok(!got.body.includes('clientHash') && !got.body.includes('receiptHash'));
      }
      assert.equal(new Set(all.received.map((r) => r.json.id)).size, expected.length);
      const approved = all.received.find((r) => r.json.type === 'submission.approved')!;
      assert.equal(approved.json.data.submission.id, published);
      assert.equal(approved.json.data.submission.status, 'approved');
      assert.equal(typeof approved.json.data.submission.message, 'string');
      const gone = all.received.find((r) => r.json.type === 'submission.withdrawn')!;
      assert.deepEqual(gone.json.data.submission, {
        id: published,
        status: 'deleted',
        deleted: true,
      });

      // The withdrawn submission's earlier deliveries are gone with it (only the withdrawal stays).
      const kept = await deliveries(app, everything.endpoint.id);
      assert.equal(kept.items.filter((d) => d.submissionId === published).length, 1);
    } finally {
      await app.close();
      await all.close();
    }
  });

  it('delivers on the fourth attempt to a receiver that fails three times, attempts recorded', async () => {
    const { app } = await open();
    const flaky = receiver((n) => (n <= 3 ? 'fail' : 'ok'));
    await flaky.listen();
    try {
      const endpoint = await addEndpoint(app, flaky, ['submission.received']);
      const id = await submitOne(app);
      await until('recorded as delivered', async () => {
        const page = await deliveries(app, endpoint.endpoint.id);
        return page.items[0]?.status === 'delivered';
      });
      const [delivery] = (await deliveries(app, endpoint.endpoint.id)).items;
      assert.equal(delivery.attempts, 4);
      assert.equal(delivery.lastStatus, 200);
      assert.equal(delivery.lastError, null);
      assert.equal(flaky.received.length, 4, 'three failures, then the answer');
      assert.deepEqual(
        flaky.received.map((r) => r.headers['campaign-webhook-attempt']),
        ['1', '2', '3', '4'],
      );
      assert.equal(new Set(flaky.received.map((r) => r.json.id)).size, 1, 'one event id');
      assert.ok(flaky.received.every((r) => r.verified && r.json.data.submission.id === id));
    } finally {
      await app.close();
      await flaky.close();
    }
  });

  it('gives up after the last attempt: failed, with the last status and error', async () => {
    const { app } = await open({ webhooks: { maxAttempts: 3 } });
    const broken = receiver(() => 'fail');
    await broken.listen();
    try {
      const endpoint = await addEndpoint(app, broken, ['submission.received']);
      await submitOne(app);
      await until('failed', async () => {
        const page = await deliveries(app, endpoint.endpoint.id);
        return page.items[0]?.status === 'failed';
      });
      const [delivery] = (await deliveries(app, endpoint.endpoint.id)).items;
      assert.equal(delivery.attempts, 3);
      assert.equal(delivery.lastStatus, 500);
      assert.equal(delivery.lastError, 'HTTP 500');
      await delay(200);
      assert.equal(broken.received.length, 3, 'no fourth attempt');
      const list = (await app.inject({ url: HOOKS, headers: staff })).json<WebhookEndpointList>();
      assert.equal(list.items[0].failed, 1);
    } finally {
      await app.close();
      await broken.close();
    }
  });

  it('writes the outbox with the change itself: delivered with the after-commit path off', async () => {
    const { app } = await open({ webhooks: { enqueueHeard: false } });
    const hook = receiver();
    await hook.listen();
    try {
      const created = await addEndpoint(app, hook, ['submission.received', 'submission.approved']);
      const id = await submitOne(app);
      // There as soon as the answer is (PostgreSQL: in the same transaction).
      const rows = await app.store.listWebhookDeliveries(CAMPAIGN, created.endpoint.id, {
        limit: 10,
      });
      assert.equal(rows.items.length, 1);
      assert.equal(rows.items[0].eventType, 'submission.received');
      await decide(app, id, { action: 'approve' });
      await until('both events', () => hook.received.length >= 2);
      assert.deepEqual(hook.received.map((r) => r.json.type).sort(), [
        'submission.approved',
        'submission.received',
      ]);
      assert.ok(hook.received.every((r) => r.verified));
    } finally {
      await app.close();
      await hook.close();
    }
  });

  it('keeps a due delivery across an API restart and delivers it once the receiver is back', async () => {
    const down = receiver();
    await down.listen();
    const port = down.port;
    const url = down.url;
    await down.close();
    const { app, start } = await open({ webhooks: { retryDelayMs: () => 300 } });
    let second: FastifyInstance | null = null;
    try {
      down.url = url;
      const endpoint = await addEndpoint(app, down, ['submission.received']);
      const id = await submitOne(app);
      await until('a failed first attempt', async () => {
        const page = await deliveries(app, endpoint.endpoint.id);
        return page.items[0]?.attempts >= 1;
      });
      const before = (await deliveries(app, endpoint.endpoint.id)).items[0];
      assert.equal(before.status, 'pending');
      assert.match(before.lastError ?? '', /ECONNREFUSED/);
      await app.close();

      await down.listen(port);
      second = await start();
      await second.ready();
      await until('the delivery after the restart', () => down.received.length >= 1);
      assert.equal(down.received[0].json.data.submission.id, id);
      assert.equal(down.received[0].verified, true);
      await until('recorded as delivered', async () => {
        const page = await deliveries(second!, endpoint.endpoint.id);
        return page.items[0]?.status === 'delivered';
      });
    } finally {
      await app.close();
      await second?.close();
      await down.close();
    }
  });

  it('does not let a receiver that never answers hold the worker past the timeout', async () => {
    const { app } = await open({ webhooks: { timeoutMs: 300, concurrency: 1 } });
    const stuck = receiver(() => 'stall');
    const fine = receiver();
    await stuck.listen();
    await fine.listen();
    try {
      const stalled = await addEndpoint(app, stuck, ['submission.received']);
      await addEndpoint(app, fine, ['submission.received']);
      const started = Date.now();
      await submitOne(app);
      await until('the other receiver is served', () => fine.received.length === 1, 4000);
      assert.ok(Date.now() - started < 3000, 'served within a few timeouts');
      await until('the stalled attempt recorded', async () => {
        const page = await deliveries(app, stalled.endpoint.id);
        return (page.items[0]?.attempts ?? 0) >= 1;
      });
      const page = await deliveries(app, stalled.endpoint.id);
      assert.match(page.items[0].lastError ?? '', /timeout/);
    } finally {
      await app.close();
      await stuck.close();
      await fine.close();
    }
  });

  it('delivers a flood of events with bounded concurrency', async () => {
    const { app } = await open({ webhooks: { concurrency: 3 } });
    const slow = receiver(() => 'ok', 25);
    await slow.listen();
    try {
      await addEndpoint(app, slow, ['submission.received']);
      const ids = new Set<string>();
      for (let n = 0; n < 40; n++) ids.add(await submitOne(app, { message: `Flood message ${n}` }));
      await until('every event of the flood', () => slow.received.length >= 40, 15000);
      const got = new Set(slow.received.map((r) => r.json.data.submission.id));
      assert.deepEqual([...got].sort(), [...ids].sort());
      assert.ok(slow.peak <= 3, `at most 3 at once (saw ${slow.peak})`);
      assert.ok(app.webhooks.peakInFlight <= 3);
      assert.ok(slow.received.every((r) => r.verified));
    } finally {
      await app.close();
      await slow.close();
    }
  });

  it('sends a test event, rotates the secret, and resends a delivery with the same event id', async () => {
    const { app } = await open();
    const hook = receiver();
    await hook.listen();
    try {
      const created = await addEndpoint(app, hook, ['submission.approved']);
      const test = await app.inject({
        method: 'POST',
        url: `${HOOKS}/${created.endpoint.id}/test`,
        headers: staff,
      });
      assert.equal(test.statusCode, 202, test.body);
      await until('the test event', () => hook.received.length === 1);
      assert.equal(hook.received[0].json.type, 'webhook.test');
      assert.equal(hook.received[0].verified, true);

      const rotated = await app.inject({
        method: 'POST',
        url: `${HOOKS}/${created.endpoint.id}/secret`,
        headers: staff,
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const { secret } = rotated.json<WebhookEndpointWithSecret>();
      assert.notEqual(secret, created.secret);
      hook.secret = secret;

      const page = await deliveries(app, created.endpoint.id);
      const resend = await app.inject({
        method: 'POST',
        url: `${HOOKS}/${created.endpoint.id}/deliveries/${page.items[0].id}/resend`,
        headers: staff,
      });
      assert.equal(resend.statusCode, 200, resend.body);
      await until('the resent delivery', () => hook.received.length === 2);
      assert.equal(hook.received[1].json.id, hook.received[0].json.id, 'a duplicate, by event id');
      assert.equal(hook.received[1].verified, true, 'signed with the new secret');

      const missing = await app.inject({
        method: 'POST',
        url: `${HOOKS}/${created.endpoint.id}/deliveries/999999/resend`,
        headers: staff,
      });
      assert.equal(missing.statusCode, 404);

      // The secret is in no later answer and in no audit entry.
      const list = await app.inject({ url: HOOKS, headers: staff });
      assert.ok(!list.body.includes(secret) && !list.body.includes(created.secret));
      assert.equal(list.json<WebhookEndpointList>().items[0].secretHint, secret.slice(-4));
      const audit = await app.inject({ url: `${NEWS}/audit?limit=100`, headers: staff });
      assert.equal(audit.statusCode, 200, audit.body);
      assert.ok(!audit.body.includes(secret) && !audit.body.includes(created.secret));
      // Nor the endpoint's path (many receivers carry a credential there): its origin only.
      assert.ok(!audit.body.includes(created.endpoint.url), 'the full URL is not audited');
      assert.ok(audit.body.includes(`${new URL(created.endpoint.url).origin}/…`));
      const actions = (audit.json().items as { action: string }[]).map((e) => e.action);
      for (const action of ['webhook_create', 'webhook_update', 'webhook_resend']) {
        assert.ok(actions.includes(action), action);
      }

      // Disabled: nothing goes out; changes are audited; delete takes the deliveries too.
      const disabled = await app.inject({
        method: 'PATCH',
        url: `${HOOKS}/${created.endpoint.id}`,
        headers: staff,
        payload: { enabled: false },
      });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal(disabled.json().enabled, false);
      const gone = await app.inject({
        method: 'DELETE',
        url: `${HOOKS}/${created.endpoint.id}`,
        headers: staff,
      });
      assert.equal(gone.statusCode, 204);
      const after = await app.inject({ url: `${HOOKS}/${created.endpoint.id}`, headers: staff });
      assert.equal(after.statusCode, 404);
    } finally {
      await app.close();
      await hook.close();
    }
  });

  it('refuses plain http to this machine unless the API is set up for development', async () => {
    const { app } = await open({ webhooks: { allowLoopback: false } });
    try {
      const answer = await app.inject({
        method: 'POST',
        url: HOOKS,
        headers: staff,
        payload: { url: 'http://127.0.0.1:9/hook', events: ['submission.received'] },
      });
      assert.equal(answer.statusCode, 400, answer.body);
      assert.equal(answer.json().fields[0].field, 'url');
      assert.match(answer.json().fields[0].message, /https/);
      const list = await app.inject({ url: HOOKS, headers: staff });
      assert.equal(list.json<WebhookEndpointList>().items.length, 0, 'nothing stored');
    } finally {
      await app.close();
    }
  });

  it('refuses moderators, viewers and nobody; refuses bad input, internal addresses, and the 21st endpoint', async () => {
    const { app } = await open();
    try {
      assert.equal((await app.inject({ url: HOOKS })).statusCode, 401);
      const now = Date.now();
      for (const role of ['moderator', 'viewer'] as const) {
        await app.store.createStaff({
          id: `${role}-1`,
          email: `${role}@example.org`,
          name: role,
          role,
          locale: 'en',
          passwordHash: 'scrypt$set',
          createdAt: now,
        });
        const token = newToken();
        await app.store.createSession({
          tokenHash: tokenHash(token),
          staffId: `${role}-1`,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: now + 3_600_000,
        });
        const headers = {
          cookie: `${SESSION_COOKIE}=${token}`,
          [CSRF_HEADER]: csrfTokenFor(token),
          origin: 'http://127.0.0.1',
        };
        const read = await app.inject({ url: HOOKS, headers });
        assert.equal(read.statusCode, 403, `${role} reads: ${read.body}`);
        assert.equal(read.json().code, 'forbidden');
        const write = await app.inject({
          method: 'POST',
          url: HOOKS,
          headers,
          payload: { url: 'https://hooks.example.org/x', events: ['submission.received'] },
        });
        assert.equal(write.statusCode, 403, `${role} writes: ${write.body}`);
        assert.equal(write.json().code, 'forbidden');
      }

      const bad: [unknown, string][] = [
        [{ url: 'http://hooks.example.org/x', events: ['submission.received'] }, 'plain http'],
        [{ url: 'https://10.0.0.7/x', events: ['submission.received'] }, 'private'],
        [
          { url: 'https://169.254.169.254/latest/meta-data', events: ['submission.received'] },
          'metadata',
        ],
        [{ url: 'https://[::1]/x', events: ['submission.received'] }, 'loopback v6 over https'],
        [{ url: 'https://[fe80::1]/x', events: ['submission.received'] }, 'link-local'],
        [{ url: 'https://[::ffff:192.168.1.1]/x', events: ['submission.received'] }, 'mapped'],
        [{ url: 'https://localhost/x', events: ['submission.received'] }, 'localhost over https'],
        [
          { url: 'https://u:p@hooks.example.org/x', events: ['submission.received'] },
          'credentials',
        ],
        [{ url: 'ftp://hooks.example.org/x', events: ['submission.received'] }, 'scheme'],
        [{ url: 'https://hooks.example.org/x', events: [] }, 'no events'],
        [{ url: 'https://hooks.example.org/x', events: ['submission.nope'] }, 'unknown event'],
        [{ url: 'https://hooks.example.org/x', events: 'submission.received' }, 'not a list'],
        [
          {
            url: 'https://hooks.example.org/x',
            events: ['submission.received', 'submission.received'],
          },
          'twice',
        ],
        [
          { url: 'https://hooks.example.org/x', events: ['submission.received'], enabled: 'false' },
          'coerced',
        ],
        [
          { url: 'https://hooks.example.org/x', events: ['submission.received'], secret: 'mine' },
          'unknown field',
        ],
        [
          {
            url: 'https://hooks.example.org/x',
            events: ['submission.received'],
            description: 'x'.repeat(201),
          },
          'long',
        ],
      ];
      for (const [payload, why] of bad) {
        const response = await app.inject({
          method: 'POST',
          url: HOOKS,
          headers: staff,
          payload: payload as object,
        });
        assert.equal(response.statusCode, 400, `${why}: ${response.body}`);
        assert.equal(response.json().code, 'validation', why);
      }
      assert.equal((await app.store.listWebhookEndpoints(CAMPAIGN)).length, 0);

      for (let n = 0; n < 20; n++) {
        const ok = await app.inject({
          method: 'POST',
          url: HOOKS,
          headers: staff,
          payload: { url: `https://hooks.example.org/${n}`, events: ['submission.received'] },
        });
        assert.equal(ok.statusCode, 201, ok.body);
      }
      const over = await app.inject({
        method: 'POST',
        url: HOOKS,
        headers: staff,
        payload: { url: 'https://hooks.example.org/21', events: ['submission.received'] },
      });
      assert.equal(over.statusCode, 422, over.body);

      const list = (await app.inject({ url: HOOKS, headers: staff })).json<WebhookEndpointList>();
      const first = list.items[0].id;
      const badPatch = await app.inject({
        method: 'PATCH',
        url: `${HOOKS}/${first}`,
        headers: staff,
        payload: { url: 'https://192.168.0.10/' },
      });
      assert.equal(badPatch.statusCode, 400, badPatch.body);
      const empty = await app.inject({
        method: 'PATCH',
        url: `${HOOKS}/${first}`,
        headers: staff,
        payload: {},
      });
      assert.equal(empty.statusCode, 400, empty.body);
      assert.equal((await app.inject({ url: `${HOOKS}/wh_nope`, headers: staff })).statusCode, 400);

      // A script that floods "send test" is cut off per endpoint.
      let limited = 0;
      for (let n = 0; n < 25; n++) {
        const sent = await app.inject({
          method: 'POST',
          url: `${HOOKS}/${first}/test`,
          headers: staff,
        });
        if (sent.statusCode === 429) limited += 1;
        else assert.equal(sent.statusCode, 202, sent.body);
      }
      assert.equal(limited, 5);

      const doc = (await app.inject('/v1/openapi.json')).json<{ paths: Record<string, unknown> }>();
      for (const path of ['', '/{endpoint}', '/{endpoint}/deliveries', '/{endpoint}/test']) {
        assert.ok(doc.paths[`/v1/campaigns/{campaign}/staff/webhooks${path}`], path);
      }
    } finally {
      await app.close();
    }
  });
}

describe('webhooks on SQLite', () => suite(sqlite));
describePostgres('webhooks on PostgreSQL', () => {
  suite(postgres);

  it('two instances on one database deliver each event once (SKIP LOCKED and the unique key)', async () => {
    const { schema, drop } = testSchema();
    const options: AppOptions = {
      adminToken: TOKEN,
      rateLimit: false,
      maxEventLoopDelayMs: false,
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
      webhooks: { ...FAST, concurrency: 4 },
    };
    const a = await buildApp(options);
    const b = await buildApp(options);
    await a.ready();
    await b.ready();
    const hook = receiver(() => 'ok', 10);
    await hook.listen();
    try {
      await addEndpoint(a, hook, ['submission.received']);
      for (let n = 0; n < 30; n++) {
        await submitOne(n % 2 ? a : b, { message: `Instance message number ${n}` });
      }
      await until('thirty events', () => hook.received.length >= 30, 15000);
      await delay(300);
      const ids = hook.received.map((r) => r.json.id);
      assert.equal(ids.length, 30, 'none twice');
      assert.equal(new Set(ids).size, 30);
    } finally {
      await a.close();
      await b.close();
      await hook.close();
      await drop();
    }
  });
});

describe('webhooks when the outbox write with the change fails (SQLite)', () => {
  it('writes the rows once the change is heard: nothing is lost', async () => {
    const dataDir = tempDir();
    const app = await buildApp({
      dataDir,
      adminToken: TOKEN,
      rateLimit: false,
      maxEventLoopDelayMs: false,
      webhooks: FAST,
      // No demo submissions: the outbox statements are prepared at the first event below.
      seedDemo: false,
    });
    await app.ready();
    const hook = receiver();
    await hook.listen();
    const db = (app.store as SqliteStore).db;
    const prepare = db.prepare.bind(db);
    let broken = 0;
    // The first statement prepared to write the outbox (the one that runs with the
    // change) fails; the webhook service's own write, when it hears the commit, does not.
    db.prepare = ((sql: string) => {
      const statement = prepare(sql);
      if (broken === 0 && sql.trimStart().startsWith('INSERT INTO webhook_deliveries')) {
        broken += 1;
        return Object.assign(Object.create(statement) as object, {
          run: () => {
            throw new Error('outbox unavailable');
          },
        });
      }
      return statement;
    }) as typeof db.prepare;
    const errors = console.error;
    console.error = () => undefined;
    try {
      await addCampaign(app, { id: CAMPAIGN });
      await addEndpoint(app, hook, ['submission.received']);
      const id = await submitOne(app);
      await until('the delivery', () => hook.received.length === 1);
      assert.equal(broken, 1, 'the write with the change failed');
      assert.equal(hook.received[0].json.data.submission.id, id);
      assert.equal(hook.received[0].verified, true);
    } finally {
      console.error = errors;
      await app.close();
      await hook.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('webhook addresses', () => {
  it('tells internal addresses from public ones, and checks what a name resolves to', async () => {
    for (const address of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '172.20.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::2',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ]) {
      assert.equal(isInternalAddress(address), true, address);
    }
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111']) {
      assert.equal(isInternalAddress(address), false, address);
    }
    assert.equal(webhookUrlProblem('https://hooks.example.org/x'), null);
    assert.equal(webhookUrlProblem('http://127.0.0.1:9000/x', true), null);
    // Without the development switch, plain http (to this machine) is refused too.
    assert.match(webhookUrlProblem('http://127.0.0.1:9000/x') ?? '', /must use https/);
    const refused = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('https:')('localhost', {}, (error) => resolve(error)),
    );
    assert.equal(refused?.code, 'EADDRNOTALLOWED', 'https to a name that resolves to loopback');
    const allowed = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('http:')('localhost', {}, (error) => resolve(error)),
    );
    assert.equal(allowed, null, 'plain http to this machine');
  });
});

describe('one webhook attempt', () => {
  const serve = async (handler: http.RequestListener) => {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/hook`,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  };

  it('does not follow a redirect: a 3xx is a failed attempt, and the target hears nothing', async () => {
    let reached = 0;
    const target = await serve((_req, res) => {
      reached += 1;
      res.end('ok');
    });
    const redirecting = await serve((_req, res) => {
      res.writeHead(307, { location: target.url }).end();
    });
    try {
      const result = await postWebhook(redirecting.url, '{}', {}, 1000, true);
      assert.deepEqual(result, { ok: false, status: 307, error: 'HTTP 307' });
      await delay(50);
      assert.equal(reached, 0);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });

  it('reads at most 4 KiB of an answer that never ends, and does not wait for the rest', async () => {
    const endless = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const started = Date.now();
      const result = await postWebhook(endless.url, '{}', {}, 5000, true);
      assert.deepEqual(result, { ok: true, status: 200 });
      assert.ok(Date.now() - started < 1000, 'well before the timeout');
    } finally {
      await endless.close();
    }
  });

  it('refuses a URL it may not reach without connecting', async () => {
    const result = await postWebhook('https://169.254.169.254/latest', '{}', {}, 1000);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /^refused: /);
  });
});
