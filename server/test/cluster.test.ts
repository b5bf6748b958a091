/**
 * Several API instances on their own ports sharing one PostgreSQL (a fresh schema):
 * live events reach walls on every instance, a wall moving between instances misses
 * nothing, idempotency keys and the rate limit hold across instances, the quotes ETag
 * agrees everywhere, and an instance whose database goes away answers 503, keeps its
 * streams open and resumes them when the database is back.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, it } from 'node:test';
import type { SubmissionRequest } from '../../src/api/wire.js';
import { startServer, type AppOptions, type RunningServer } from '../src/app.js';
import { DEMO_QUOTES } from '../src/demo/content.js';
import {
  API,
  CAMPAIGN,
  delay,
  newKey,
  openStream,
  staff,
  TOKEN,
  validBody,
  type SseConnection,
} from './helpers.js';
import { describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';

async function post(
  server: RunningServer,
  body: SubmissionRequest,
  key = newKey(),
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${API}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, ...headers },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { id: string; code?: string };
  return { status: response.status, headers: response.headers, body: answer };
}

async function approveOn(server: RunningServer, id: string): Promise<void> {
  const response = await fetch(`${server.url}${API}/submissions/${id}/approve`, {
    method: 'POST',
    headers: staff,
  });
  assert.equal(response.status, 200, await response.text());
}

async function submitAndApprove(on: RunningServer, message: string): Promise<string> {
  const { status, body } = await post(on, validBody({ message }));
  assert.equal(status, 202);
  await approveOn(on, body.id);
  return body.id;
}

/** Starts instances together; if one fails, stops the others before failing. */
async function startAll(options: (AppOptions & { port: number })[]): Promise<RunningServer[]> {
  const results = await Promise.allSettled(options.map((o) => startServer(o)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    for (const result of results) if (result.status === 'fulfilled') await result.value.close();
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<RunningServer>).value);
}

async function counts(server: RunningServer) {
  return server.app.store.countSubmissions(CAMPAIGN);
}

const quoteIds = (stream: SseConnection) =>
  stream.events.filter((e) => e.event === 'quote').map((e) => JSON.parse(e.data).id as string);

/** A TCP relay to PostgreSQL that can be cut (every connection dropped, new ones refused). */
async function databaseRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describePostgres('three API instances on one PostgreSQL', () => {
  const { schema, drop } = testSchema();
  let a: RunningServer;
  let b: RunningServer;
  let c: RunningServer;
  const options = (extra: AppOptions = {}): AppOptions & { port: number } => ({
    port: 0,
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: schema,
    adminToken: TOKEN,
    rateLimit: false,
    heartbeatMs: 200,
    ...extra,
  });

  before(async () => {
    // Started at once against an empty schema: migrations and the demo seed run once.
    [a, b, c] = await startAll([options(), options(), options()]);
  });
  after(async () => {
    await Promise.all([a, b, c].map((server) => server?.close()));
    await drop();
  });

  it('migrates and seeds once when the instances start together', async () => {
    const seeded = await counts(a);
    assert.equal(seeded.approved, DEMO_QUOTES.length, 'the demo quotes exist once');
    assert.deepEqual(new Set([a.url, b.url, c.url]).size, 3, 'three instances on three ports');
  });

  it('streams a quote approved through instance A to a wall connected to instance C', async () => {
    const wall = await openStream(`${c.url}${API}/quotes/stream`);
    const wallOnB = await openStream(`${b.url}${API}/quotes/stream?locale=zh-Hans`);
    try {
      await wall.waitForComment(/connected/);
      const id = await submitAndApprove(a, 'Approved on A, read on C.');
      const [event] = await wall.waitFor(1);
      assert.equal(event.event, 'quote');
      assert.equal(JSON.parse(event.data).id, id);
      assert.equal(JSON.parse(event.data).text, 'Approved on A, read on C.');
      const [onB] = await wallOnB.waitFor(1);
      assert.equal(onB.id, event.id, 'every instance gives the event the same id');
      assert.equal(JSON.parse(onB.data).district.name, '渝中区');
    } finally {
      wall.close();
      wallOnB.close();
    }
  });

  it('stores one submission when the same key reaches A and B at once', async () => {
    const before = await counts(c);
    const keys = Array.from({ length: 10 }, () => newKey());
    const answers = await Promise.all(
      keys.flatMap((key, i) => {
        const body = validBody({ message: `One key, two instances, number ${i}.` });
        return [post(a, body, key), post(b, body, key)];
      }),
    );
    for (let i = 0; i < keys.length; i++) {
      const [fromA, fromB] = [answers[2 * i], answers[2 * i + 1]];
      assert.equal(fromA.status, 202);
      assert.equal(fromB.status, 202);
      assert.equal(fromA.body.id, fromB.body.id, `key ${i}: both answers name one submission`);
      const replayed = [fromA, fromB].filter((x) => x.headers.get('idempotent-replayed'));
      assert.equal(replayed.length, 1, `key ${i}: exactly one answer is a replay`);
    }
    const after = await counts(c);
    assert.equal(after.pending, before.pending + keys.length, 'one row per key');
  });

  it('lets a wall move from B to C mid-stream and miss nothing', async () => {
    const first = await openStream(`${b.url}${API}/quotes/stream`);
    const sent: string[] = [];
    let lastId: string;
    try {
      await first.waitForComment(/connected/);
      for (let i = 0; i < 3; i++) sent.push(await submitAndApprove(a, `Seen on B ${i}.`));
      await first.waitFor(3);
      lastId = first.events[2].id!;
    } finally {
      first.close();
    }
    // Approved while the wall is between instances, and while it reconnects.
    for (let i = 0; i < 3; i++) sent.push(await submitAndApprove(a, `While moving ${i}.`));
    const secondPromise = openStream(`${c.url}${API}/quotes/stream`, { 'last-event-id': lastId });
    const during = Promise.all(
      [0, 1, 2].map((i) => submitAndApprove(i % 2 ? b : a, `During the resume ${i}.`)),
    );
    const second = await secondPromise;
    try {
      sent.push(...(await during));
      await second.waitFor(6);
      await delay(300);
      const received = [...quoteIds(first), ...quoteIds(second)];
      assert.equal(received.length, sent.length, 'nothing twice');
      assert.deepEqual(new Set(received), new Set(sent), 'nothing missed');
      const ids = [...first.events, ...second.events].map((e) => Number(e.id));
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
        'in id order',
      );
    } finally {
      second.close();
    }
  });

  it('gives the same quotes answer and ETag on every instance, fresh after an approval', async () => {
    const url = (server: RunningServer) => `${server.url}${API}/quotes?limit=3`;
    const before = await fetch(url(a));
    const etag = before.headers.get('etag')!;
    assert.ok(etag);
    const id = await submitAndApprove(b, 'Changes the wall everywhere.');
    // B answers its own change at once; A and C within the moment the event takes to
    // reach them (the answer is cacheable for 5 s anyway), never a stale page after.
    const fromB = await fetch(url(b), { headers: { 'if-none-match': etag } });
    assert.equal(fromB.status, 200, 'B sees its own change at once');
    const pageB = (await fromB.json()) as { items: { id: string }[] };
    assert.equal(pageB.items[0].id, id);
    const fresh = fromB.headers.get('etag')!;
    for (const server of [a, c]) {
      let status = 0;
      for (let i = 0; i < 100 && status !== 304; i++) {
        if (i) await delay(20);
        status = (await fetch(url(server), { headers: { 'if-none-match': fresh } })).status;
      }
      assert.equal(status, 304, `${server.url} agrees with B's ETag`);
      const old = await fetch(url(server), { headers: { 'if-none-match': etag } });
      assert.equal(old.status, 200, 'the old ETag no longer matches');
      assert.equal(old.headers.get('etag'), fresh);
    }
  });
});

describePostgres('the rate limit across instances', () => {
  const { schema, drop } = testSchema();
  let servers: RunningServer[] = [];
  before(async () => {
    const options: AppOptions & { port: number } = {
      port: 0,
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
      adminToken: TOKEN,
      rateLimit: { max: 4, windowMs: 60_000 },
    };
    servers = await startAll([options, options]);
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await drop();
  });

  it('counts one client against one window, whichever instance it reaches', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { status, headers, body } = await post(
        servers[i % 2],
        validBody({ message: `Counted against one window, number ${i}.` }),
      );
      statuses.push(status);
      if (status === 429) {
        assert.equal(body.code, 'rate_limited');
        assert.ok(Number(headers.get('retry-after')) > 0);
      }
    }
    assert.deepEqual(statuses, [202, 202, 202, 202, 429, 429]);
  });
});

describePostgres('an instance whose database goes away', () => {
  const { schema, drop } = testSchema();
  let direct: RunningServer;
  let relayed: RunningServer;
  let relay: Awaited<ReturnType<typeof databaseRelay>>;
  before(async () => {
    relay = await databaseRelay(new URL(TEST_DATABASE_URL));
    const options: AppOptions & { port: number } = {
      port: 0,
      databaseSchema: schema,
      adminToken: TOKEN,
      rateLimit: false,
      heartbeatMs: 200,
      databaseUrl: TEST_DATABASE_URL,
    };
    direct = await startServer(options);
    relayed = await startServer({ ...options, databaseUrl: relay.url, seedDemo: false });
  });
  after(async () => {
    await Promise.all([direct?.close(), relayed?.close()]);
    await relay?.close();
    await drop();
  });

  it('answers 503 at once, keeps its streams open, stores nothing half, and resumes', async () => {
    const wall = await openStream(`${relayed.url}${API}/quotes/stream`);
    try {
      await wall.waitForComment(/connected/);
      relay.cut();

      const started = Date.now();
      const read = await fetch(`${relayed.url}${API}/quotes?limit=7`);
      assert.equal(read.status, 503);
      assert.equal(((await read.json()) as { code: string }).code, 'unavailable');
      assert.ok(Number(read.headers.get('retry-after')) > 0);
      assert.ok(Date.now() - started < 3000, 'fails fast');

      const key = newKey();
      const body = validBody({ message: 'Sent while the database was away.' });
      const refused = await post(relayed, body, key);
      assert.equal(refused.status, 503);
      assert.equal(refused.body.code, 'unavailable');
      const staffRead = await fetch(`${relayed.url}${API}/submissions`, { headers: staff });
      assert.equal(staffRead.status, 503);

      // Meanwhile another instance still works, and approves a quote.
      const whileAway = await submitAndApprove(direct, 'Approved while one instance was cut off.');
      await delay(300);
      assert.equal(quoteIds(wall).length, 0, 'it cannot arrive yet');
      assert.ok(wall.comments.filter((comment) => /heartbeat/.test(comment)).length > 0);

      relay.restore();
      const [arrived] = await wall.waitFor(1, 10_000);
      assert.equal(JSON.parse(arrived.data).id, whileAway, 'the same stream resumes');
      const afterwards = await submitAndApprove(direct, 'Approved once it was back.');
      await wall.waitFor(2, 10_000);
      assert.deepEqual(quoteIds(wall), [whileAway, afterwards]);

      // The refused submission was not stored: its retry is the first with that key.
      assert.equal(await direct.app.store.findIdempotent(CAMPAIGN, key), null);
      const retry = await post(relayed, body, key);
      assert.equal(retry.status, 202);
      assert.equal(retry.headers.get('idempotent-replayed'), null);
      assert.equal((await fetch(`${relayed.url}${API}/quotes?limit=7`)).status, 200);
    } finally {
      wall.close();
    }
  });
});
