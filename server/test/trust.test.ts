/**
 * Trust and safety over HTTP: a photo is public only with its own permission, the
 * reader's receipt tells what became of a submission and withdraws it, readers'
 * reports hide a quote from every wall until staff decide, the hold rules flag what
 * needs a closer look, post-moderation publishes only what has no flag, the external
 * check holds, flags or rejects (and never publishes on a failure), and the settings
 * are an admin's, audited. Every route's bad input and abuse case is here too.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type {
  AuditPage,
  QueueItemDetail,
  QueuePage,
  SafetySettings,
  SafetySettingsUpdate,
} from '../../src/api/newsroom.js';
import type { Campaign, QuotePage, ReceiptStatus } from '../../src/api/wire.js';
import { signBody, verifySignature } from '../src/safety/external-check.js';
import { clientDigest } from '../src/safety/screen.js';
import { DEFAULT_SAFETY } from '../src/safety/settings.js';
import { startServer } from '../src/app.js';
import { TEST_DATABASE_URL, describePostgres, testSchema } from './pg-support.js';
import {
  API,
  delay,
  jpegWithGps,
  makeApp,
  multipart,
  newKey,
  openStream,
  staff,
  submit,
  tempDir,
  validBody,
} from './helpers.js';

const NEWS = `${API}/staff`;
const secret = () => randomBytes(32).toString('base64url');

async function create(
  app: FastifyInstance,
  overrides: Record<string, unknown> = {},
  remoteAddress = '127.0.0.1',
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: `${API}/submissions`,
    remoteAddress,
    headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
    payload: JSON.stringify(validBody(overrides)),
  });
  assert.equal(response.statusCode, 202, response.body);
  return response.json().id;
}

async function createWithPhoto(
  app: FastifyInstance,
  overrides: Record<string, unknown>,
): Promise<string> {
  const { payload, contentType } = multipart(validBody(overrides), {
    bytes: await jpegWithGps(),
  });
  const response = await app.inject({
    method: 'POST',
    url: `${API}/submissions`,
    headers: { 'content-type': contentType, 'idempotency-key': newKey() },
    payload,
  });
  assert.equal(response.statusCode, 202, response.body);
  return response.json().id;
}

const decide = async (app: FastifyInstance, id: string, body: Record<string, unknown>) => {
  const current = (await item(app, id)).item;
  return app.inject({
    method: 'POST',
    url: `${NEWS}/submissions/${id}/decision`,
    headers: staff,
    payload: { version: current.version, ...body },
  });
};

const item = async (app: FastifyInstance, id: string): Promise<QueueItemDetail> => {
  const response = await app.inject({ url: `${NEWS}/submissions/${id}`, headers: staff });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
};

const quotes = async (app: FastifyInstance): Promise<QuotePage> =>
  (await app.inject({ url: `${API}/quotes?limit=100` })).json();

const receipt = (app: FastifyInstance, id: string, key: string, what = 'receipt') =>
  app.inject({
    method: 'POST',
    url: `${API}/submissions/${id}/${what}`,
    payload: { secret: key },
  });

const report = (
  app: FastifyInstance,
  id: string,
  body: Record<string, unknown>,
  remoteAddress = '127.0.0.1',
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: `${API}/quotes/${id}/reports`,
    remoteAddress,
    headers,
    payload: body,
  });

const settings = async (app: FastifyInstance): Promise<SafetySettings> =>
  (await app.inject({ url: `${NEWS}/safety`, headers: staff })).json();

const putSettings = (app: FastifyInstance, changes: Partial<SafetySettingsUpdate>) =>
  app.inject({
    method: 'PUT',
    url: `${NEWS}/safety`,
    headers: staff,
    payload: { ...DEFAULT_SAFETY, externalCheck: null, ...changes },
  });

const putSettingsOn = async (app: FastifyInstance, changes: Partial<SafetySettingsUpdate>) => {
  const response = await putSettings(app, changes);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<SafetySettings>();
};

describe('photo permission', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('never publishes a photo sent without its permission, whatever staff click', async () => {
    const id = await createWithPhoto(app, {
      message: 'Words without the photo allowed.',
      photoPermission: false,
    });
    const before = (await item(app, id)).item;
    assert.equal(before.photoPermission, false);
    assert.ok(before.photoId);
    // Staff may not publish it by hand either.
    const patch = await app.inject({
      method: 'PATCH',
      url: `${NEWS}/submissions/${id}`,
      headers: staff,
      payload: { version: before.version, photoPublished: false },
    });
    assert.equal(patch.statusCode, 200, patch.body);
    const republish = await app.inject({
      method: 'PATCH',
      url: `${NEWS}/submissions/${id}`,
      headers: staff,
      payload: { version: patch.json().version, photoPublished: true },
    });
    assert.equal(republish.statusCode, 409);
    assert.equal(republish.json().code, 'invalid_transition');
    assert.equal((await decide(app, id, { action: 'approve', withPhoto: true })).statusCode, 200);
    const quote = (await quotes(app)).items.find((q) => q.id === id);
    assert.ok(quote, 'the words are published');
    assert.equal(quote.photoId, null);
    // Nor by its URL: neither the record nor any width.
    const photo = await app.inject({ url: `${API}/photos/${before.photoId}` });
    assert.equal(photo.statusCode, 404);
    const file = await app.inject({ url: `${API}/photos/${before.photoId}/480.jpg` });
    assert.equal(file.statusCode, 404);
    // Staff still see it.
    assert.equal((await item(app, id)).item.photoId, before.photoId);
  });

  it('publishes it with permission, with the credit the reader chose and the alt staff wrote', async () => {
    const id = await createWithPhoto(app, {
      message: 'Words and a photo I took myself.',
      anonymous: true,
      displayName: null,
      photoPermission: true,
    });
    const current = (await item(app, id)).item;
    assert.equal(current.photoPermission, true);
    const alt = await app.inject({
      method: 'PATCH',
      url: `${NEWS}/submissions/${id}`,
      headers: staff,
      payload: { version: current.version, photoAlt: 'Steps climbing between old houses' },
    });
    assert.equal(alt.statusCode, 200, alt.body);
    assert.equal((await decide(app, id, { action: 'approve' })).statusCode, 200);
    const quote = (await quotes(app)).items.find((q) => q.id === id);
    assert.equal(quote?.photoId, current.photoId);
    const en = (await app.inject({ url: `${API}/photos/${current.photoId}?locale=en` })).json();
    assert.equal(en.credit.photographer, 'a reader');
    assert.equal(en.alt, 'Steps climbing between old houses');
    const zh = (
      await app.inject({ url: `${API}/photos/${current.photoId}?locale=zh-Hans` })
    ).json();
    assert.equal(zh.credit.photographer, '读者');
  });

  it('refuses a permission that is not a boolean', async () => {
    const response = await submit(app, validBody({ photoPermission: 'yes' as unknown as boolean }));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().fields[0].field, 'photoPermission');
  });
});

describe("a reader's receipt", () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('tells what became of the submission, in each state', async () => {
    const key = secret();
    const id = await create(app, { receiptSecret: key });
    const status = async () => (await receipt(app, id, key)).json<ReceiptStatus>().status;
    assert.equal(await status(), 'pending');
    assert.equal((await decide(app, id, { action: 'approve' })).statusCode, 200);
    assert.equal(await status(), 'published');
    assert.equal((await decide(app, id, { action: 'remove', reason: 'other' })).statusCode, 200);
    assert.equal(await status(), 'not_published');
    const other = secret();
    const rejected = await create(app, { receiptSecret: other, message: 'A second message here.' });
    await decide(app, rejected, { action: 'reject', reason: 'off_topic' });
    assert.equal((await receipt(app, rejected, other)).json().status, 'not_published');
  });

  it('answers the same 404 to a wrong secret, an unknown id and a submission without one', async () => {
    const key = secret();
    const id = await create(app, { receiptSecret: key });
    const without = await create(app, { message: 'Sent by a form without receipts.' });
    for (const [target, given] of [
      [id, secret()],
      ['no-such-id', key],
      [without, key],
    ]) {
      const response = await receipt(app, target, given);
      assert.equal(response.statusCode, 404, `${target}`);
      assert.equal(response.json().code, 'not_found');
    }
  });

  it('refuses a secret that is too short or not base64url, and a body without one', async () => {
    const id = await create(app, { receiptSecret: secret() });
    for (const payload of [{ secret: 'short' }, { secret: 'x'.repeat(30) + '!' }, {}]) {
      const response = await app.inject({
        method: 'POST',
        url: `${API}/submissions/${id}/receipt`,
        payload,
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
    }
    const bad = await submit(app, validBody({ receiptSecret: 'short' }));
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().fields[0].field, 'receiptSecret');
  });

  it('withdraws for good: off the wall live, out of the replay, the photo gone, an audit entry without content', async () => {
    const server = await startServer({
      port: 0,
      dataDir: tempDir(),
      adminToken: 'test-staff-token-0123456789',
      rateLimit: false,
    });
    try {
      const key = secret();
      const { payload, contentType } = multipart(
        validBody({ receiptSecret: key, photoPermission: true, message: 'Take this back later.' }),
        { bytes: await jpegWithGps() },
      );
      const sent = await server.app.inject({
        method: 'POST',
        url: `${API}/submissions`,
        headers: { 'content-type': contentType, 'idempotency-key': newKey() },
        payload,
      });
      const id = sent.json().id as string;
      const { photoId } = (await item(server.app, id)).item;
      await decide(server.app, id, { action: 'approve' });
      const page = await quotes(server.app);
      assert.ok(page.items.some((q) => q.id === id));
      const stream = await openStream(
        `${server.url}${API}/quotes/stream?lastEventId=${page.lastEventId}`,
      );
      const withdrawn = await receipt(server.app, id, key, 'withdraw');
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.deepEqual(withdrawn.json(), { id, withdrawn: true });
      const [removed] = await stream.waitFor(1);
      assert.equal(removed.event, 'remove');
      assert.equal(JSON.parse(removed.data).id, id);
      stream.close();
      assert.ok(!(await quotes(server.app)).items.some((q) => q.id === id));
      const replay = await openStream(`${server.url}${API}/quotes/stream?lastEventId=0`);
      await delay(300);
      replay.close();
      assert.ok(!replay.events.some((e) => e.event === 'quote' && JSON.parse(e.data).id === id));
      assert.equal((await server.app.inject({ url: `${API}/photos/${photoId}` })).statusCode, 404);
      assert.equal((await receipt(server.app, id, key)).statusCode, 404);
      assert.equal((await receipt(server.app, id, key, 'withdraw')).statusCode, 404);
      const audit = (
        await server.app.inject({ url: `${NEWS}/audit?submission=${id}`, headers: staff })
      ).json<AuditPage>();
      const entry = audit.items.find((e) => e.action === 'withdraw');
      assert.ok(entry, 'a withdraw entry');
      assert.equal(entry.actor.kind, 'reader');
      assert.doesNotMatch(JSON.stringify(audit), /Take this back/);
      const byReaders = (
        await server.app.inject({ url: `${NEWS}/audit?actor=reader`, headers: staff })
      ).json<AuditPage>();
      assert.ok(byReaders.items.length > 0);
      assert.ok(byReaders.items.every((e) => e.actor.kind === 'reader'));
      assert.ok(byReaders.items.some((e) => e.action === 'withdraw' && e.submissionId === id));
      assert.equal(await server.app.store.getSubmission('spirit-of-chongqing', id), null);
    } finally {
      await server.close();
    }
  });

  it('keeps the receipt across a retry with the same key (one submission, one secret)', async () => {
    const key = secret();
    const idempotencyKey = newKey();
    const body = validBody({ receiptSecret: key, message: 'Sent twice over a bad line.' });
    const first = await submit(app, body, { key: idempotencyKey });
    const again = await submit(app, body, { key: idempotencyKey });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(first.json().id, again.json().id);
    assert.equal((await receipt(app, first.json().id, key)).statusCode, 200);
  });

  it('stops a client that floods the receipt routes (429 with Retry-After)', async () => {
    const flood = await makeApp();
    try {
      const id = await create(flood, { receiptSecret: secret() });
      let limited = null;
      for (let n = 0; n < 130 && !limited; n += 1) {
        const response = await receipt(flood, id, secret());
        if (response.statusCode === 429) limited = response;
      }
      assert.ok(limited, 'a 429 before 130 questions');
      assert.ok(Number(limited.headers['retry-after']) > 0);
    } finally {
      await flood.close();
    }
  });
});

describe('reporting a quote', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  async function published(message: string) {
    const id = await create(app, { message });
    assert.equal((await decide(app, id, { action: 'approve' })).statusCode, 200);
    return id;
  }

  it('hides a quote after three reports from three clients, then staff restore it at its place', async () => {
    const id = await published('A quote three readers will report.');
    const quote = (await quotes(app)).items.find((q) => q.id === id)!;
    for (const [n, address] of ['10.0.0.1', '10.0.0.2'].entries()) {
      const response = await report(app, id, { reason: 'spam', note: `note ${n}` }, address);
      assert.equal(response.statusCode, 202, response.body);
      assert.deepEqual(response.json(), { id, received: true });
    }
    // The same client again counts nothing.
    assert.equal((await report(app, id, { reason: 'illegal' }, '10.0.0.2')).statusCode, 202);
    assert.ok(
      (await quotes(app)).items.some((q) => q.id === id),
      'two reports: still shown',
    );
    assert.equal((await report(app, id, { reason: 'harassment' }, '10.0.0.3')).statusCode, 202);
    assert.ok(!(await quotes(app)).items.some((q) => q.id === id), 'three: hidden');
    assert.equal((await report(app, id, { reason: 'spam' }, '10.0.0.4')).statusCode, 404);

    const detail = await item(app, id);
    assert.equal(detail.item.hidden, true);
    assert.equal(detail.item.status, 'approved');
    assert.deepEqual(detail.item.reports?.reasons, {
      illegal: 0,
      harassment: 1,
      spam: 2,
      personal_info: 0,
      other: 0,
    });
    assert.equal(detail.item.reports?.open, 3);
    assert.deepEqual(
      detail.reports.map((r) => r.note),
      [null, 'note 1', 'note 0'],
    );
    const hide = detail.history.find((e) => e.action === 'hide');
    assert.equal(hide?.actor.kind, 'reader');
    const reported = (
      await app.inject({ url: `${NEWS}/queue?flag=reported`, headers: staff })
    ).json<QueuePage>();
    assert.deepEqual(
      reported.items.map((i) => i.id),
      [id],
    );

    const restored = await decide(app, id, { action: 'restore' });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json().hidden, false);
    assert.equal(restored.json().reports.open, 0);
    assert.equal(restored.json().reports.count, 3);
    const back = (await quotes(app)).items.find((q) => q.id === id);
    assert.equal(back?.approvedAt, quote.approvedAt, 'at its place');
    const after = (
      await app.inject({ url: `${NEWS}/queue?flag=reported`, headers: staff })
    ).json<QueuePage>();
    assert.equal(after.items.length, 0);
    assert.ok((await item(app, id)).history.some((e) => e.action === 'restore'));
    // Restoring again changes nothing; a pending item cannot be restored.
    assert.equal((await decide(app, id, { action: 'restore' })).statusCode, 200);
    const pending = await create(app, { message: 'Not yet published at all.' });
    assert.equal((await decide(app, pending, { action: 'restore' })).statusCode, 409);
  });

  it('closes the reports when staff remove a reported quote', async () => {
    const id = await published('A quote that will be removed.');
    await report(app, id, { reason: 'personal_info' }, '10.1.0.1');
    assert.equal(
      (await decide(app, id, { action: 'remove', reason: 'personal_data' })).statusCode,
      200,
    );
    const current = (await item(app, id)).item;
    assert.equal(current.reports?.open, 0);
    assert.equal(current.status, 'removed');
  });

  it('refuses bad reports: reason, note, unknown or unpublished quote', async () => {
    const id = await published('A quote for bad reports.');
    const pending = await create(app, { message: 'Pending, not on the wall.' });
    const cases: [string, Record<string, unknown>, number][] = [
      [id, { reason: 'boring' }, 400],
      [id, {}, 400],
      [id, { reason: 'spam', note: 'x'.repeat(501) }, 400],
      [id, { reason: 'spam', note: { text: 'not a string' } }, 400],
      ['no-such-quote', { reason: 'spam' }, 404],
      [pending, { reason: 'spam' }, 404],
    ];
    for (const [target, body, status] of cases) {
      const response = await report(app, target, body, '10.2.0.1');
      assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
    }
    assert.equal((await item(app, id)).item.reports, null, 'nothing was counted');
  });

  it('takes reports only from allowed origins, with CORS for them', async () => {
    const id = await published('A quote reported across origins.');
    const denied = await report(app, id, { reason: 'spam' }, '10.3.0.1', {
      origin: 'https://stranger.example',
    });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'origin_not_allowed');
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: `${API}/quotes/${id}/reports`,
      headers: {
        origin: app.publicUrl,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], app.publicUrl);
  });

  it('rate-limits a client that floods reports, repeats and unknown quotes included', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n += 1) ids.push(await published(`Quote number ${n} for the flood.`));
    const statuses: number[] = [];
    // The same report again and again, then an unknown quote: each costs its slot.
    for (let n = 0; n < 25; n += 1) {
      statuses.push((await report(app, ids[0], { reason: 'spam' }, '10.4.0.1')).statusCode);
    }
    for (let n = 0; n < 5; n += 1) {
      statuses.push((await report(app, `gone-${n}`, { reason: 'spam' }, '10.4.0.1')).statusCode);
    }
    const limited = await report(app, ids[1], { reason: 'spam' }, '10.4.0.1');
    assert.deepEqual(
      [statuses.filter((s) => s === 202).length, statuses.filter((s) => s === 404).length],
      [25, 5],
    );
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Another client is not held back, and the repeats counted once.
    assert.equal((await report(app, ids[1], { reason: 'spam' }, '10.4.0.2')).statusCode, 202);
    assert.equal((await item(app, ids[0])).item.reports?.count, 1);
  });

  it('tells the console live: a reported event, then the hide', async () => {
    const server = await startServer({
      port: 0,
      dataDir: tempDir(),
      adminToken: 'test-staff-token-0123456789',
      rateLimit: false,
    });
    try {
      const id = await create(server.app, { message: 'Watched by the console.' });
      await decide(server.app, id, { action: 'approve' });
      await putSettingsOn(server.app, { reportThreshold: 1 });
      const events = await openStream(`${server.url}${NEWS}/events`, staff);
      await delay(100);
      assert.equal((await report(server.app, id, { reason: 'other' })).statusCode, 202);
      const got = await events.waitFor(2);
      events.close();
      const data = got.map((e) => JSON.parse(e.data));
      assert.deepEqual(
        data.map((d) => [d.type, d.id]),
        [
          ['reported', id],
          ['changed', id],
        ],
      );
      assert.equal(data[1].action, 'hide');
    } finally {
      await server.close();
    }
  });
});

describe('hold rules and post-moderation', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
    await putSettingsOn(app, { words: { en: ['scam'], 'zh-Hans': ['坏词'] } });
  });
  after(() => app.close());

  const flagsOf = async (message: string, remoteAddress?: string) =>
    (await item(app, await create(app, { message }, remoteAddress))).item.flags;

  it('flags each rule with its reason, and the queue filters by it', async () => {
    assert.deepEqual(await flagsOf('这里有一个坏词，请注意看看。'), [
      { code: 'word', detail: '坏词' },
    ]);
    assert.deepEqual(await flagsOf('Not a ＳＣＡＭ at all, honestly.'), [
      { code: 'word', detail: 'scam' },
    ]);
    assert.deepEqual(await flagsOf('See https://example.com/page for more.'), [
      { code: 'link', detail: 'example.com' },
    ]);
    assert.deepEqual(await flagsOf('Call me on +86-23-67158993 tonight.'), [
      { code: 'phone', detail: null },
    ]);
    assert.deepEqual(await flagsOf('Write to someone@example.org please.'), [
      { code: 'email', detail: null },
    ]);
    assert.deepEqual(await flagsOf('A perfectly ordinary message about hotpot.'), []);
    // The name is published too: a number or a listed word in it is flagged.
    const named = await create(app, {
      message: 'Nothing in the words themselves.',
      displayName: '加微信 13812345678',
    });
    assert.deepEqual((await item(app, named)).item.flags, [{ code: 'phone', detail: null }]);
    const anonymous = await create(app, {
      message: 'Anonymous, so the name is not published.',
      anonymous: true,
      displayName: 'scam',
    });
    assert.deepEqual((await item(app, anonymous)).item.flags, []);
    const links = (
      await app.inject({ url: `${NEWS}/queue?flag=link`, headers: staff })
    ).json<QueuePage>();
    assert.deepEqual(
      links.items.map((i) => i.flags[0].code),
      ['link'],
    );
    const flagged = (
      await app.inject({ url: `${NEWS}/queue?flag=flagged&status=pending`, headers: staff })
    ).json<QueuePage>();
    assert.equal(flagged.items.length, 6);
  });

  it('keeps clients only as a keyed digest, never the address or its plain hash', async () => {
    const id = await create(app, { message: 'Whose address is this?' }, '10.9.9.9');
    const row = (app.store as unknown as { db: import('better-sqlite3').Database }).db
      .prepare('SELECT client_hash FROM submissions WHERE id = ?')
      .get(id) as { client_hash: string };
    const plain = createHash('sha256').update(`spirit-of-chongqing|10.9.9.9`).digest('hex');
    assert.match(row.client_hash, /^[0-9a-f]{64}$/);
    assert.notEqual(row.client_hash, plain);
    assert.equal(
      row.client_hash,
      clientDigest(app.settings.clientDigestKey, 'spirit-of-chongqing', '10.9.9.9'),
    );
  });

  it('flags the same text again from the same client, not from another', async () => {
    const text = 'The same words sent twice from one place.';
    assert.deepEqual(await flagsOf(text, '10.9.0.1'), []);
    assert.deepEqual(await flagsOf('The same  words, sent twice from one place!', '10.9.0.1'), [
      { code: 'repeat', detail: null },
    ]);
    assert.deepEqual(await flagsOf(text, '10.9.0.2'), []);
  });

  it('publishes at once under post-moderation only what has no flag', async () => {
    await putSettingsOn(app, { moderation: 'post', words: { en: ['scam'], 'zh-Hans': [] } });
    const clean = await create(app, { message: 'Published at once, nothing flagged.' });
    const flagged = await create(app, { message: 'This one mentions a scam again.' });
    const wall = await quotes(app);
    assert.ok(wall.items.some((q) => q.id === clean));
    assert.ok(!wall.items.some((q) => q.id === flagged));
    const decision = (await item(app, clean)).item.decision;
    assert.equal(decision?.actor.kind, 'rule');
    await putSettingsOn(app, { moderation: 'pre' });
    const held = await create(app, { message: 'Pre-moderation again: this waits.' });
    assert.equal((await item(app, held)).item.status, 'pending');
  });
});

describe('the external check', () => {
  let app: FastifyInstance;
  let service: http.Server;
  let url = '';
  const SECRET = 'external-check-secret-0123456789';
  /** What the service answers next: an action, or a misbehaviour. */
  let next: { action?: string; reason?: string; delayMs?: number; status?: number; sign?: string };
  const seen: { body: string; signature: string | undefined }[] = [];

  before(async () => {
    service = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ body, signature: request.headers['campaign-signature'] as string });
        const answer = JSON.stringify({ action: next.action, reason: next.reason });
        setTimeout(() => {
          response.writeHead(next.status ?? 200, {
            'content-type': 'application/json',
            'campaign-signature': next.sign ?? signBody(SECRET, answer, Date.now()),
          });
          response.end(answer);
        }, next.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/check`;
    app = await makeApp();
    await putSettingsOn(app, {
      moderation: 'post',
      externalCheck: { url, timeoutMs: 800, secret: SECRET },
    });
  });
  after(async () => {
    await app.close();
    service.closeAllConnections();
    await new Promise((resolve) => service.close(resolve));
  });

  const outcome = async (answer: typeof next, message: string) => {
    next = answer;
    const id = await create(app, { message });
    return (await item(app, id)).item;
  };

  it('posts the submission signed, without the reader’s address', async () => {
    const passed = await outcome({ action: 'pass' }, 'Passed by the external check.');
    assert.equal(passed.status, 'approved', 'post-moderation publishes what passed');
    const last = seen.at(-1)!;
    assert.ok(verifySignature(SECRET, last.body, last.signature, Date.now()));
    const payload = JSON.parse(last.body);
    assert.equal(payload.message, 'Passed by the external check.');
    assert.equal(payload.id, passed.id);
    assert.doesNotMatch(last.body, /reader@example\.org/);
  });

  it('holds, flags and rejects as the service says', async () => {
    const held = await outcome({ action: 'hold', reason: 'needs a look' }, 'Held by the service.');
    assert.equal(held.status, 'pending');
    assert.deepEqual(held.flags, [{ code: 'external_hold', detail: 'needs a look' }]);
    const flagged = await outcome({ action: 'flag', reason: 'toxicity 0.7' }, 'Flagged words.');
    assert.equal(flagged.status, 'pending');
    assert.deepEqual(flagged.flags, [{ code: 'external_flag', detail: 'toxicity 0.7' }]);
    const rejected = await outcome({ action: 'reject', reason: 'spam' }, 'Rejected by it.');
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.decision?.actor.kind, 'rule');
    assert.match(rejected.decision?.note ?? '', /spam/);
  });

  it('never publishes on a timeout, an error or a bad signature: held with the reason', async () => {
    const cases: [typeof next, string][] = [
      [{ action: 'pass', delayMs: 1500 }, 'timeout'],
      [{ action: 'pass', status: 500 }, 'status'],
      [
        { action: 'pass', sign: signBody('another-secret-0123456789', '{}', Date.now()) },
        'bad_signature',
      ],
    ];
    for (const [answer, reason] of cases) {
      const current = await outcome(answer, `The service misbehaves: ${reason}.`);
      assert.equal(current.status, 'pending', reason);
      assert.deepEqual(current.flags, [{ code: 'external_error', detail: reason }]);
    }
    assert.ok(!(await quotes(app)).items.some((q) => /misbehaves/.test(q.text)));
  });
});

describe('safety settings', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('starts with pre-moderation, three reports and the demo reporting line', async () => {
    const current = await settings(app);
    assert.equal(current.moderation, 'pre');
    assert.equal(current.reportThreshold, 3);
    assert.equal(current.reportContact?.value, '+86-23-67158993');
    const campaign = (await app.inject({ url: `${API}?locale=zh-Hans` })).json<Campaign>();
    assert.equal(campaign.reportContact?.label, '重庆互联网违法和不良信息举报电话');
    assert.equal(campaign.reportsOptional, false);
  });

  it('saves an admin change, audited before and after, and never sends the secret back', async () => {
    const saved = await putSettingsOn(app, {
      reportThreshold: 5,
      words: { en: [' scam ', 'scam', ''], 'zh-Hans': ['坏词'] },
      externalCheck: { url: 'https://check.example/v1', timeoutMs: 2000, secret: 'a'.repeat(20) },
    });
    assert.equal(saved.reportThreshold, 5);
    assert.deepEqual(saved.words.en, ['scam']);
    assert.deepEqual(saved.externalCheck, {
      url: 'https://check.example/v1',
      timeoutMs: 2000,
      secretSet: true,
    });
    const audit = (
      await app.inject({ url: `${NEWS}/audit?action=safety_settings`, headers: staff })
    ).json<AuditPage>();
    assert.equal(audit.items[0].before?.reportThreshold, 3);
    assert.equal(audit.items[0].after?.reportThreshold, 5);
    assert.doesNotMatch(JSON.stringify(audit) + JSON.stringify(await settings(app)), /aaaaaaaa/);
    // Kept without sending it again.
    const kept = await putSettingsOn(app, {
      externalCheck: { url: 'https://check.example/v2', timeoutMs: 2000 },
    });
    assert.equal(kept.externalCheck?.secretSet, true);
  });

  it('refuses bad settings field by field', async () => {
    const cases: [Partial<SafetySettingsUpdate>, number, string][] = [
      [{ reportThreshold: 0 }, 400, 'reportThreshold'],
      [
        { reportContact: { kind: 'phone', value: 'call us', label: { en: 'x', 'zh-Hans': 'y' } } },
        422,
        'reportContact.value',
      ],
      // An empty label in the domain: the wire contract's rule, the same as the form's.
      [
        {
          reportContact: {
            kind: 'email',
            value: 'report@newsroom..example',
            label: { en: 'x', 'zh-Hans': 'y' },
          },
        },
        422,
        'reportContact.value',
      ],
      [
        {
          reportContact: {
            kind: 'url',
            value: 'http://plain.example',
            label: { en: 'x', 'zh-Hans': 'y' },
          },
        },
        422,
        'reportContact.value',
      ],
      [
        {
          externalCheck: {
            url: 'http://remote.example/check',
            timeoutMs: 1000,
            secret: 'b'.repeat(20),
          },
        },
        422,
        'externalCheck.url',
      ],
      [{ words: { en: ['x'.repeat(51)], 'zh-Hans': [] } }, 400, 'words'],
      // Nothing is coerced: a string, a number or an empty string is not a setting.
      [{ holdLinks: 'false' as unknown as boolean }, 400, 'holdLinks'],
      [{ reportThreshold: true as unknown as number }, 400, 'reportThreshold'],
      [{ externalCheck: '' as unknown as null }, 400, 'externalCheck'],
      [{ moderation: 'post', surprise: 1 } as Partial<SafetySettingsUpdate>, 400, ''],
    ];
    for (const [changes, status, field] of cases) {
      const response = await putSettings(app, changes);
      assert.equal(response.statusCode, status, `${field}: ${response.body}`);
      const fields = (response.json().fields ?? []).map((f: { field: string }) => f.field);
      assert.ok(
        fields.some((f: string) => f.startsWith(field)),
        `${field} in ${JSON.stringify(fields)}`,
      );
    }
    const fresh = await makeApp();
    try {
      const noSecret = await putSettings(fresh, {
        externalCheck: { url: 'https://check.example', timeoutMs: 1000 },
      });
      assert.equal(noSecret.statusCode, 422);
      assert.equal(noSecret.json().fields[0].field, 'externalCheck.secret');
    } finally {
      await fresh.close();
    }
  });
});

describePostgres('trust and safety across instances (PostgreSQL)', () => {
  it('hides a quote reported on two instances, and applies settings changed on the other', async () => {
    const { schema, drop } = testSchema();
    const options = {
      port: 0,
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
      adminToken: 'test-staff-token-0123456789',
      rateLimit: false as const,
    };
    const a = await startServer(options);
    const b = await startServer({ ...options, seedDemo: false });
    try {
      await putSettingsOn(a.app, { reportThreshold: 2 });
      const id = await create(a.app, { message: 'Reported on two instances at once.' });
      await decide(a.app, id, { action: 'approve' });
      const page = await quotes(b.app);
      const stream = await openStream(
        `${b.url}${API}/quotes/stream?lastEventId=${page.lastEventId}`,
      );
      // One report on each instance, from two clients: the threshold is shared.
      assert.equal((await report(a.app, id, { reason: 'spam' }, '10.7.0.1')).statusCode, 202);
      // B applies the threshold A saved within its refresh time.
      const waitFrom = Date.now();
      while ((await settings(b.app)).reportThreshold !== 2 && Date.now() - waitFrom < 8000) {
        await delay(200);
      }
      assert.equal((await settings(b.app)).reportThreshold, 2);
      const second = await report(b.app, id, { reason: 'illegal' }, '10.7.0.2');
      assert.equal(second.statusCode, 202);
      // B may also push its campaign (the threshold it applied) on the same stream.
      const waitRemove = Date.now();
      while (
        !stream.events.some((event) => event.event === 'remove') &&
        Date.now() - waitRemove < 8000
      ) {
        await stream.waitFor(stream.events.length + 1, 8000 - (Date.now() - waitRemove));
      }
      stream.close();
      const quoteEvents = stream.events.filter((event) => event.event !== 'campaign');
      assert.equal(quoteEvents.length, 1);
      const [removed] = quoteEvents;
      assert.equal(removed.event, 'remove');
      assert.ok(!(await quotes(b.app)).items.some((q) => q.id === id));

      // A setting changed on A reaches B's public answers within seconds.
      await putSettingsOn(a.app, {
        reportsOptional: true,
        reportContact: {
          kind: 'email',
          value: 'report@newsroom.example',
          label: { en: 'Write to the newsroom', 'zh-Hans': '写信给编辑部' },
        },
      });
      let seen: Campaign | null = null;
      const start = Date.now();
      while (Date.now() - start < 20_000) {
        seen = (await b.app.inject({ url: `${API}?locale=zh-Hans` })).json<Campaign>();
        if (seen.reportsOptional) break;
        await delay(250);
      }
      assert.equal(seen?.reportsOptional, true);
      assert.deepEqual(seen?.reportContact, {
        kind: 'email',
        value: 'report@newsroom.example',
        label: '写信给编辑部',
      });
    } finally {
      await b.close();
      await a.close();
      await drop();
    }
  });
});
