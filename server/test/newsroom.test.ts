/**
 * The newsroom console's API (routes/newsroom.ts) with the service token: the queue,
 * versioned decisions, bulk, edits, the audit trail and undo, privacy requests,
 * exports and the live stream. Roles and sign-in are in staff-auth.test.ts.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type {
  AuditPage,
  BulkDecisionResult,
  QueueItem,
  QueueItemDetail,
  QueuePage,
} from '../../src/api/newsroom.js';
import { startServer } from '../src/app.js';
import { SESSION_COOKIE, newToken, tokenHash } from '../src/auth/sessions.js';
import { API, TOKEN, delay, makeApp, makeServer, staff, submit, validBody } from './helpers.js';
import { TEST_DATABASE_URL, describePostgres, testSchema } from './pg-support.js';

const NEWS = `${API}/staff`;

async function create(app: FastifyInstance, overrides = {}, headers = {}): Promise<string> {
  const response = await submit(app, validBody(overrides), { headers });
  assert.equal(response.statusCode, 202, response.body);
  return response.json().id;
}

const queue = async (app: FastifyInstance, query = ''): Promise<QueuePage> => {
  const response = await app.inject({ url: `${NEWS}/queue${query}`, headers: staff });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
};

const item = async (app: FastifyInstance, id: string): Promise<QueueItemDetail> =>
  (await app.inject({ url: `${NEWS}/submissions/${id}`, headers: staff })).json();

const decide = (app: FastifyInstance, id: string, body: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `${NEWS}/submissions/${id}/decision`,
    headers: staff,
    payload: body,
  });

describe('newsroom queue', () => {
  let app: FastifyInstance;
  const ids: string[] = [];
  before(async () => {
    // The demo campaign's quotes are all approved: the pending queue holds only these.
    app = await makeApp();
    ids.push(
      await create(app, { message: '我爱重庆的山城步道和夜景，每天都走一走。', locale: 'zh-Hans' }),
    );
    ids.push(
      await create(app, {
        message: 'Hotpot by the river with friends in Yuzhong.',
        email: 'Mixed.Case@Example.org',
      }),
    );
    ids.push(
      await create(app, {
        message: 'A 100% honest_word about the bridges.',
        anonymous: true,
        displayName: null,
      }),
    );
  });
  after(() => app.close());

  it('lists oldest first by default, newest first on request, with counts and a cursor', async () => {
    const all = await queue(app, '?status=pending&limit=100');
    const mine = all.items.filter((i) => ids.includes(i.id)).map((i) => i.id);
    assert.deepEqual(mine, ids, 'oldest first');
    const newest = await queue(app, '?status=pending&order=newest&limit=100');
    assert.deepEqual(
      newest.items.filter((i) => ids.includes(i.id)).map((i) => i.id),
      [...ids].reverse(),
    );
    assert.equal(all.counts.pending, all.items.length);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: QueuePage = await queue(
        app,
        `?status=pending&limit=2${after ? `&after=${after}` : ''}`,
      );
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((i) => i.id));
      after = page.next;
    } while (after);
    assert.deepEqual(
      seen,
      all.items.map((i) => i.id),
      'paging neither skips nor repeats',
    );
  });

  it('finds Chinese substrings of two and of more characters, names and emails, case-insensitively', async () => {
    for (const q of ['重庆', '山城步道', 'mixed.case@example', 'HOTPOT']) {
      const found = await queue(app, `?q=${encodeURIComponent(q)}`);
      assert.ok(found.items.length >= 1, q);
      for (const i of found.items) {
        const text = `${i.message} ${i.displayName ?? ''} ${i.email ?? ''}`.toLowerCase();
        assert.ok(text.includes(q.toLowerCase()), `${q} in ${text}`);
      }
    }
    assert.equal(
      (await queue(app, '?q=%25')).items.length,
      1,
      'a % is a character, not a wildcard',
    );
    assert.equal((await queue(app, '?q=st_w')).items.length, 1, 'a _ is a character too');
    assert.equal((await queue(app, '?q=o_e')).items.length, 0, 'not a one-character wildcard');
    assert.equal((await queue(app, '?q=nothing-like-this-anywhere')).items.length, 0);
  });

  it('filters by language and flag', async () => {
    const zh = await queue(app, '?locale=zh-Hans&limit=100');
    assert.ok(zh.items.some((i) => i.id === ids[0]));
    assert.ok(zh.items.every((i) => i.locale === 'zh-Hans'));
    const anonymous = await queue(app, '?flag=anonymous&limit=100');
    assert.ok(anonymous.items.some((i) => i.id === ids[2]));
    assert.ok(anonymous.items.every((i) => i.anonymous));
    const future = await queue(app, '?from=2999-01-01');
    assert.equal(future.items.length, 0);
    const today = new Date().toISOString().slice(0, 10);
    const todays = await queue(app, `?from=${today}&to=${today}&limit=100`);
    assert.ok(
      ids.every((id) => todays.items.some((i) => i.id === id)),
      'to= a day includes that day',
    );
  });

  it('refuses bad queries with a validation error and changes nothing', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?flag=unknown',
      '?order=random',
      '?from=yesterday',
      '?to=2026-13-45',
      '?after=-1',
      `?q=${'x'.repeat(201)}`,
      '?status=deleted',
    ]) {
      const response = await app.inject({ url: `${NEWS}/queue${query}`, headers: staff });
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.equal(response.json().code, 'validation');
    }
  });
});

describe('newsroom decisions', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('approves at the version seen, records who, and refuses a stale second decision with who decided first', async () => {
    const id = await create(app);
    const seen = (await item(app, id)).item;
    assert.equal(seen.version, 1);
    const first = await decide(app, id, { action: 'approve', version: seen.version });
    assert.equal(first.statusCode, 200, first.body);
    const approved: QueueItem = first.json();
    assert.equal(approved.status, 'approved');
    assert.equal(approved.version, 2);
    assert.equal(approved.decision?.actor.kind, 'service');

    const second = await decide(app, id, {
      action: 'reject',
      version: seen.version,
      reason: 'spam',
    });
    assert.equal(second.statusCode, 409);
    const body = second.json();
    assert.equal(body.code, 'stale');
    assert.equal(body.details.current.status, 'approved', 'says how it stands now');
    assert.equal(body.details.current.decision.actor.name, approved.decision?.actor.name);
    assert.equal((await item(app, id)).item.status, 'approved', 'the stale one changed nothing');

    const history = (await item(app, id)).history;
    assert.equal(history.length, 1);
    assert.equal(history[0].action, 'approve');
    assert.deepEqual(history[0].before, { status: 'pending', version: 1 });
    assert.ok(
      !JSON.stringify(history).includes('climb every hill'),
      'no reader words in the trail',
    );
  });

  it('needs a reason to reject, and refuses what does not apply', async () => {
    const id = await create(app);
    const noReason = await decide(app, id, { action: 'reject', version: 1 });
    assert.equal(noReason.statusCode, 400);
    assert.equal(noReason.json().fields[0].field, 'reason');
    const remove = await decide(app, id, { action: 'remove', version: 1, reason: 'spam' });
    assert.equal(remove.statusCode, 409);
    assert.equal(remove.json().code, 'invalid_transition');
    const missing = await decide(app, 'no-such-id', { action: 'approve', version: 1 });
    assert.equal(missing.statusCode, 404);
    for (const body of [
      {},
      { action: 'publish', version: 1 },
      { action: 'approve' },
      { action: 'approve', version: 0 },
      { action: 'approve', version: 1.5 },
      { action: 'reject', version: 1, reason: 'because' },
      { action: 'approve', version: 1, note: 'x'.repeat(501) },
    ]) {
      const response = await decide(app, id, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
    }
    assert.equal((await item(app, id)).item.version, 1, 'nothing changed');
    const rejected = await decide(app, id, {
      action: 'reject',
      version: 1,
      reason: 'off_topic',
      note: 'about another city',
    });
    assert.equal(rejected.statusCode, 200);
    assert.equal(rejected.json().decision.reason, 'off_topic');
    assert.equal(rejected.json().decision.note, 'about another city');
  });

  it('approves 20 at once in one bulk request; stale and unknown items are reported, not applied', async () => {
    const ids: string[] = [];
    const before = (await queue(app)).counts.approved;
    for (let i = 0; i < 22; i++)
      ids.push(await create(app, { message: `Bulk message number ${i} about Chongqing.` }));
    // Someone else decides one of them first.
    assert.equal(
      (await decide(app, ids[21], { action: 'reject', version: 1, reason: 'duplicate' }))
        .statusCode,
      200,
    );
    const response = await app.inject({
      method: 'POST',
      url: `${NEWS}/submissions/bulk`,
      headers: staff,
      payload: {
        action: 'approve',
        items: [...ids.map((id) => ({ id, version: 1 })), { id: 'gone-already', version: 1 }],
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    const { results }: BulkDecisionResult = response.json();
    assert.equal(results.filter((r) => r.ok).length, 21);
    assert.equal(results.find((r) => r.id === ids[21])?.code, 'stale');
    assert.equal(results.find((r) => r.id === 'gone-already')?.code, 'not_found');
    const counts = (await queue(app)).counts;
    assert.equal(counts.approved, before + 21);

    const tooMany = await app.inject({
      method: 'POST',
      url: `${NEWS}/submissions/bulk`,
      headers: staff,
      payload: {
        action: 'approve',
        items: Array.from({ length: 201 }, (_, i) => ({ id: `x${i}`, version: 1 })),
      },
    });
    assert.equal(tooMany.statusCode, 400);
    const twice = await app.inject({
      method: 'POST',
      url: `${NEWS}/submissions/bulk`,
      headers: staff,
      payload: {
        action: 'approve',
        items: [
          { id: ids[0], version: 2 },
          { id: ids[0], version: 2 },
        ],
      },
    });
    assert.equal(twice.statusCode, 400);
  });

  it('features a published quote and keeps alt text; a stale edit is refused', async () => {
    const id = await create(app);
    const approved: QueueItem = (await decide(app, id, { action: 'approve', version: 1 })).json();
    const edit = (payload: Record<string, unknown>) =>
      app.inject({ method: 'PATCH', url: `${NEWS}/submissions/${id}`, headers: staff, payload });
    const featured = await edit({ version: approved.version, featured: true });
    assert.equal(featured.statusCode, 200, featured.body);
    assert.equal(featured.json().featured, true);
    const stale = await edit({ version: approved.version, featured: false });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().code, 'stale');
    assert.equal((await edit({ version: 1, photoAlt: 'x'.repeat(301) })).statusCode, 400);
    const flagged = await queue(app, '?flag=featured');
    assert.deepEqual(
      flagged.items.map((i) => i.id),
      [id],
    );
    const history = (await item(app, id)).history.map((e) => e.action);
    assert.deepEqual(history, ['feature', 'approve']);
  });
});

describe('newsroom audit trail', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('undoes an approval from the trail once; the second undo is stale', async () => {
    const id = await create(app);
    await decide(app, id, { action: 'approve', version: 1 });
    const trail: AuditPage = (
      await app.inject({ url: `${NEWS}/audit?action=approve`, headers: staff })
    ).json();
    const entry = trail.items.find((e) => e.submissionId === id)!;
    assert.equal(entry.undoable, true);
    const undo = () =>
      app.inject({ method: 'POST', url: `${NEWS}/audit/${entry.id}/undo`, headers: staff });
    const first = await undo();
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().status, 'removed');
    const again = await undo();
    assert.equal(again.statusCode, 409);
    const after: AuditPage = (await app.inject({ url: `${NEWS}/audit`, headers: staff })).json();
    assert.equal(after.items[0].action, 'remove');
    assert.equal(after.items[0].note, `undo #${entry.id}`);
    assert.equal(after.items.find((e) => e.id === entry.id)?.undoable, false);
    assert.equal(
      (await app.inject({ method: 'POST', url: `${NEWS}/audit/999999/undo`, headers: staff }))
        .statusCode,
      404,
    );
  });

  it('exports the trail as CSV whose cells a spreadsheet will not run as formulas', async () => {
    const id = await create(app);
    await decide(app, id, {
      action: 'reject',
      version: 1,
      reason: 'other',
      note: '=HYPERLINK("http://evil.example")',
    });
    const csv = await app.inject({ url: `${NEWS}/audit.csv`, headers: staff });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /attachment/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines[0], 'id,at,actor,actor_kind,action,submission,reason,note,before,after');
    const row = lines.find((line) => line.includes(id))!;
    assert.ok(row.includes(`"'=HYPERLINK(""http://evil.example"")"`), row);
  });

  it("shows who was let in: staff account changes are in the campaign's trail", async () => {
    const added = await app.inject({
      method: 'POST',
      url: '/v1/staff/accounts',
      headers: staff,
      payload: { email: 'li.ming@example.cn', name: '李明', role: 'moderator' },
    });
    assert.equal(added.statusCode, 201, added.body);
    const trail: AuditPage = (await app.inject({ url: `${NEWS}/audit`, headers: staff })).json();
    const entry = trail.items.find((e) => e.action === 'staff_add');
    assert.ok(entry, 'the account change is listed');
    assert.equal(entry.campaignId, null);
    assert.equal(entry.actor.kind, 'service');
    assert.equal(entry.undoable, false);
    const csv = (await app.inject({ url: `${NEWS}/audit.csv`, headers: staff })).body;
    assert.ok(csv.includes('staff_add'));
  });

  it('has no route that edits or deletes an entry', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const response = await app.inject({ method, url: `${NEWS}/audit/1`, headers: staff });
      assert.ok([404, 405].includes(response.statusCode), `${method}: ${response.statusCode}`);
    }
  });
});

describe('newsroom privacy requests and exports', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('finds, exports and deletes every submission of an address; the trail keeps no content', async () => {
    const mine = [
      await create(app, {
        email: 'Wang.Fang@example.cn',
        message: 'First words from Wang about the cable car.',
      }),
      await create(app, {
        email: 'wang.fang@EXAMPLE.cn',
        message: 'Second words from Wang about the stairs.',
      }),
    ];
    const other = await create(app, { email: 'someone@example.org' });
    await decide(app, mine[0], { action: 'approve', version: 1 });

    const found = await app.inject({
      url: `${NEWS}/privacy?email=wang.fang@example.cn`,
      headers: staff,
    });
    assert.deepEqual(
      found
        .json()
        .items.map((i: QueueItem) => i.id)
        .sort(),
      [...mine].sort(),
    );

    const exported = await app.inject({
      url: `${NEWS}/privacy/export?email=WANG.FANG@example.cn`,
      headers: staff,
    });
    assert.equal(exported.statusCode, 200);
    assert.match(String(exported.headers['content-disposition']), /attachment/);
    const file = JSON.parse(exported.body);
    assert.equal(file.submissions.length, 2);
    assert.ok(file.submissions.some((s: { message: string }) => s.message.includes('cable car')));

    const deleted = await app.inject({
      method: 'POST',
      url: `${NEWS}/privacy/delete`,
      headers: staff,
      payload: { email: 'wang.fang@example.cn' },
    });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.deepEqual(deleted.json(), { deleted: 2 });
    for (const id of mine) {
      assert.equal(
        (await app.inject({ url: `${NEWS}/submissions/${id}`, headers: staff })).statusCode,
        404,
      );
    }
    assert.equal((await item(app, other)).item.id, other, 'another reader is untouched');
    const wall = (await app.inject(`${API}/quotes`)).json();
    assert.ok(!wall.items.some((q: { id: string }) => q.id === mine[0]), 'off the wall');

    const trail = (await app.inject({ url: `${NEWS}/audit?limit=200`, headers: staff })).body;
    const actions = (JSON.parse(trail) as AuditPage).items.map((e) => e.action);
    assert.ok(actions.includes('privacy_export') && actions.includes('privacy_delete'));
    assert.equal(actions.filter((a) => a === 'delete').length, 2);
    assert.ok(actions.includes('approve'), 'earlier decisions stay in the trail');
    for (const secret of ['cable car', 'stairs', 'wang.fang', 'Wang.Fang']) {
      assert.ok(!trail.includes(secret), `the trail does not hold "${secret}"`);
    }
    const csv = (await app.inject({ url: `${NEWS}/audit.csv`, headers: staff })).body;
    assert.ok(!csv.toLowerCase().includes('wang.fang'));
  });

  it('refuses a bad address', async () => {
    for (const url of [
      `${NEWS}/privacy`,
      `${NEWS}/privacy?email=`,
      `${NEWS}/privacy?email=${'a'.repeat(255)}`,
    ]) {
      assert.equal((await app.inject({ url, headers: staff })).statusCode, 400, url);
    }
  });

  it('exports only published quotes, as CSV and as JSON', async () => {
    const published = await create(app, { message: '=cmd|" /C calc"!A0 is not a formula here.' });
    const pending = await create(app, { message: 'Still waiting for a decision, not exported.' });
    await decide(app, published, { action: 'approve', version: 1 });
    const csv = await app.inject({ url: `${NEWS}/exports/quotes.csv`, headers: staff });
    assert.equal(csv.statusCode, 200);
    assert.ok(csv.body.includes(published));
    assert.ok(!csv.body.includes(pending));
    assert.ok(csv.body.includes(`"'=cmd|"" /C calc""!A0`), 'formula neutralised');
    const json = await app.inject({ url: `${NEWS}/exports/quotes.json`, headers: staff });
    const parsed = JSON.parse(json.body);
    assert.ok(parsed.quotes.some((q: { id: string }) => q.id === published));
    assert.ok(!parsed.quotes.some((q: { id: string }) => q.id === pending));
  });
});

/** Reads Server-Sent Events from a real connection until `until` says enough. */
function readEvents(
  url: string,
  headers: Record<string, string>,
): {
  events: { event: string; data: unknown }[];
  status: Promise<number>;
  ended: Promise<void>;
  close: () => void;
} {
  const events: { event: string; data: unknown }[] = [];
  let request: http.ClientRequest;
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const status = new Promise<number>((resolve, reject) => {
    request = http.get(url, { headers }, (res) => {
      resolve(res.statusCode ?? 0);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
      res.on('error', () => undefined);
      res.on('close', () => end());
    });
    request.on('error', reject);
  });
  return { events, status, ended, close: () => request.destroy() };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('newsroom live stream', () => {
  it('tells consoles of a new submission and of a decision, with who decided, and caps streams per person', async () => {
    const server = await makeServer();
    try {
      const url = `${server.url}${NEWS}/events`;
      const stream = readEvents(url, { authorization: `Bearer ${TOKEN}` });
      assert.equal(await stream.status, 200);
      const sent = await fetch(`${server.url}${API}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `live-${Date.now()}` },
        body: JSON.stringify(validBody()),
      });
      const { id } = (await sent.json()) as { id: string };
      await until(() => stream.events.some((e) => e.event === 'received'));
      assert.deepEqual(
        (stream.events.find((e) => e.event === 'received')!.data as { id: string }).id,
        id,
      );
      await fetch(`${server.url}${NEWS}/submissions/${id}/decision`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'approve', version: 1 }),
      });
      await until(() => stream.events.some((e) => e.event === 'changed'));
      const changed = stream.events.find((e) => e.event === 'changed')!.data as Record<
        string,
        unknown
      >;
      assert.equal(changed.status, 'approved');
      assert.equal(changed.version, 2);
      assert.equal((changed.actor as { kind: string }).kind, 'service');
      assert.ok(
        !JSON.stringify(stream.events).includes('climb every hill'),
        'events carry no words',
      );

      const more = Array.from({ length: 8 }, () =>
        readEvents(url, { authorization: `Bearer ${TOKEN}` }),
      );
      const statuses = await Promise.all(more.map((s) => s.status));
      assert.equal(
        statuses.filter((s) => s === 429).length,
        1,
        `one over the cap: ${statuses.join(', ')}`,
      );
      for (const s of more) s.close();
      stream.close();

      const nobody = readEvents(url, {});
      assert.equal(await nobody.status, 401);
      nobody.close();
    } finally {
      await server.close();
    }
  });
});

describePostgres('newsroom across instances (PostgreSQL)', () => {
  it("shows a decision made on instance A live in a console on instance B, and refuses B's stale one", async () => {
    const { schema, drop } = testSchema();
    const options = {
      port: 0,
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
      adminToken: TOKEN,
      rateLimit: false as const,
    };
    const a = await startServer(options);
    const b = await startServer({ ...options, seedDemo: false });
    try {
      const stream = readEvents(`${b.url}${NEWS}/events`, { authorization: `Bearer ${TOKEN}` });
      assert.equal(await stream.status, 200);
      const sent = await fetch(`${a.url}${API}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `x-${Date.now()}` },
        body: JSON.stringify(validBody({ message: '两个实例之间的实时消息。' })),
      });
      const { id } = (await sent.json()) as { id: string };
      await until(() => stream.events.some((e) => e.event === 'received'), 5000);
      const decide = (url: string, body: Record<string, unknown>) =>
        fetch(`${url}${NEWS}/submissions/${id}/decision`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal((await decide(a.url, { action: 'approve', version: 1 })).status, 200);
      await until(() => stream.events.some((e) => e.event === 'changed'), 5000);
      const changed = stream.events.find((e) => e.event === 'changed')!.data as {
        id: string;
        status: string;
      };
      assert.deepEqual([changed.id, changed.status], [id, 'approved']);
      const stale = await decide(b.url, { action: 'reject', version: 1, reason: 'spam' });
      assert.equal(stale.status, 409);
      assert.equal(((await stale.json()) as { code: string }).code, 'stale');
      stream.close();
    } finally {
      await b.close();
      await a.close();
      await drop();
    }
  });
});

describe('newsroom live stream and sessions', () => {
  it('ends a stream when its session is signed out, and when its account is disabled', async () => {
    const server = await makeServer({ staffFeed: { checkMs: 50 } });
    try {
      const store = server.app.store;
      const now = Date.now();
      const open = async (id: string) => {
        await store.createStaff({
          id,
          email: `${id}@example.org`,
          name: id,
          role: 'viewer',
          locale: 'en',
          // Any hash: a session counts only for an account that has a password.
          passwordHash: 'scrypt$set',
          createdAt: now,
        });
        const token = newToken();
        await store.createSession({
          tokenHash: tokenHash(token),
          staffId: id,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: now + 3_600_000,
        });
        const headers = { cookie: `${SESSION_COOKIE}=${token}` };
        const stream = readEvents(`${server.url}${NEWS}/events`, headers);
        assert.equal(await stream.status, 200);
        return { stream, token, headers };
      };
      const signedOut = await open('viewer-out');
      const disabled = await open('viewer-disabled');
      const ended = (stream: ReturnType<typeof readEvents>) =>
        Promise.race([
          stream.ended,
          delay(5000).then(() => assert.fail('the stream outlived its session')),
        ]);
      await store.deleteSession(tokenHash(signedOut.token));
      await ended(signedOut.stream);
      await store.updateStaff('viewer-disabled', { disabledAt: Date.now() }, Date.now());
      await ended(disabled.stream);
    } finally {
      await server.close();
    }
  });
});

describe('newsroom viewers', () => {
  it('read the words but never a reader’s address, and cannot find one by searching', async () => {
    const app = await makeApp();
    try {
      const now = Date.now();
      await app.store.createStaff({
        id: 'viewer-1',
        email: 'editor@example.org',
        name: 'Editor',
        role: 'viewer',
        locale: 'en',
        // Any hash: a session counts only for an account that has a password.
        passwordHash: 'scrypt$set',
        createdAt: now,
      });
      const token = newToken();
      await app.store.createSession({
        tokenHash: tokenHash(token),
        staffId: 'viewer-1',
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + 3_600_000,
      });
      const viewer = { cookie: `${SESSION_COOKIE}=${token}` };
      const id = await create(app, { email: 'secret.reader@example.cn' });
      const asViewer = await app.inject({ url: `${NEWS}/queue?status=pending`, headers: viewer });
      assert.equal(asViewer.statusCode, 200, asViewer.body);
      const item = asViewer.json<QueuePage>().items.find((i) => i.id === id)!;
      assert.equal(item.email, null);
      assert.ok(!asViewer.body.includes('secret.reader'));
      const detail = await app.inject({ url: `${NEWS}/submissions/${id}`, headers: viewer });
      assert.ok(!detail.body.includes('secret.reader'));
      const legacy = await app.inject({ url: `${API}/submissions/${id}`, headers: viewer });
      assert.equal(legacy.statusCode, 200);
      assert.equal(legacy.json().email, null);
      const search = await app.inject({ url: `${NEWS}/queue?q=secret.reader`, headers: viewer });
      assert.deepEqual(search.json<QueuePage>().items, [], 'not found by the address');
      const moderator = (await queue(app, '?q=secret.reader')).items.map((i) => i.id);
      assert.deepEqual(moderator, [id], 'staff who decide see and search it');
    } finally {
      await app.close();
    }
  });
});
