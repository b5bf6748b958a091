import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { QuotePage, StaffSubmission, StaffSubmissionPage } from '../../src/api/wire.js';
import { API, makeApp, staff, submit, TOKEN, validBody } from './helpers.js';

async function create(app: FastifyInstance, overrides = {}): Promise<string> {
  const response = await submit(app, validBody(overrides));
  assert.equal(response.statusCode, 202, response.body);
  return response.json().id;
}

const act = (app: FastifyInstance, id: string, action: string, headers = staff) =>
  app.inject({ method: 'POST', url: `${API}/submissions/${id}/${action}`, headers });

async function wall(app: FastifyInstance): Promise<QuotePage> {
  return (await app.inject(`${API}/quotes?limit=100`)).json();
}

describe('staff endpoints', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('refuse a missing, malformed or wrong token on every staff route', async () => {
    const id = await create(app);
    const routes: [string, string][] = [
      ['GET', `${API}/submissions`],
      ['GET', `${API}/submissions?status=pending`],
      ['GET', `${API}/submissions/${id}`],
      ['GET', `${API}/submissions/${id}/photo`],
      ['POST', `${API}/submissions/${id}/approve`],
      ['POST', `${API}/submissions/${id}/reject`],
      ['POST', `${API}/submissions/${id}/remove`],
      ['DELETE', `${API}/submissions/${id}`],
    ];
    const badHeaders: Record<string, string>[] = [
      {},
      { authorization: TOKEN },
      { authorization: `Basic ${Buffer.from(`staff:${TOKEN}`).toString('base64')}` },
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: 'Bearer ' },
    ];
    for (const [method, url] of routes) {
      for (const headers of badHeaders) {
        const response = await app.inject({ method: method as 'GET', url, headers });
        assert.equal(response.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}`);
        assert.equal(response.json().code, 'unauthorized');
        assert.match(String(response.headers['www-authenticate']), /^Bearer/);
      }
    }
    const still = await app.inject({ url: `${API}/submissions/${id}`, headers: staff });
    assert.equal(still.json().status, 'pending', 'nothing changed');
  });

  it('lists submissions by status, newest first, with counts and paging', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push(await create(app, { message: `Paging message number ${i}` }));
    const first = await app.inject({
      url: `${API}/submissions?status=pending&limit=2`,
      headers: staff,
    });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['cache-control'], 'no-store');
    const page = first.json<StaffSubmissionPage>();
    assert.deepEqual(
      page.items.map((i) => i.id),
      [ids[4], ids[3]],
    );
    assert.ok(page.nextBefore);
    assert.ok(page.counts.pending >= 5);
    assert.equal(page.counts.approved, 8, 'the demo quotes');
    const second = (
      await app.inject({
        url: `${API}/submissions?status=pending&limit=2&before=${page.nextBefore}`,
        headers: staff,
      })
    ).json<StaffSubmissionPage>();
    assert.deepEqual(
      second.items.map((i) => i.id),
      [ids[2], ids[1]],
    );
    const approved = (
      await app.inject({ url: `${API}/submissions?status=approved&limit=100`, headers: staff })
    ).json<StaffSubmissionPage>();
    assert.ok(approved.items.every((i) => i.status === 'approved'));
    const bad = await app.inject({ url: `${API}/submissions?status=maybe`, headers: staff });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().fields[0].field, 'status');
  });

  it('approve publishes on the wall; remove takes it off; approve again restores it', async () => {
    const id = await create(app, { message: 'Approve me for the wall please.' });
    assert.ok(!(await wall(app)).items.some((q) => q.id === id));
    const approved = await act(app, id, 'approve');
    assert.equal(approved.statusCode, 200);
    const body = approved.json<StaffSubmission>();
    assert.equal(body.status, 'approved');
    assert.ok(body.decidedAt);
    const quote = (await wall(app)).items[0];
    assert.equal(quote.id, id, 'newest first');
    assert.equal(quote.text, 'Approve me for the wall please.');
    assert.equal(quote.displayName, 'Test Reader');
    assert.deepEqual(quote.district, { id: 'yuzhong', name: 'Yuzhong' });
    assert.deepEqual(Object.keys(quote).sort(), [
      'approvedAt',
      'displayName',
      'district',
      'id',
      'locale',
      'photoId',
      'text',
    ]);

    const again = await act(app, id, 'approve');
    assert.equal(again.statusCode, 200, 'approving twice changes nothing');

    const removed = await act(app, id, 'remove');
    assert.equal(removed.json().status, 'removed');
    assert.ok(!(await wall(app)).items.some((q) => q.id === id));
    assert.equal((await act(app, id, 'approve')).json().status, 'approved');
    assert.ok((await wall(app)).items.some((q) => q.id === id));
  });

  it('reject keeps an item off the wall; anonymous quotes show no name', async () => {
    const id = await create(app, { message: 'Reject me, I do not fit.' });
    assert.equal((await act(app, id, 'reject')).json().status, 'rejected');
    assert.ok(!(await wall(app)).items.some((q) => q.id === id));
    const anon = await create(app, { message: 'Anonymous but heartfelt words.', anonymous: true });
    await act(app, anon, 'approve');
    const quote = (await wall(app)).items.find((q) => q.id === anon)!;
    assert.equal(quote.displayName, null);
  });

  it('refuses transitions that do not apply with 409 invalid_transition', async () => {
    const pending = await create(app);
    assert.equal((await act(app, pending, 'remove')).json().code, 'invalid_transition');
    const approved = await create(app);
    await act(app, approved, 'approve');
    const rejectApproved = await act(app, approved, 'reject');
    assert.equal(rejectApproved.statusCode, 409);
    assert.equal(rejectApproved.json().code, 'invalid_transition');
    const noPermission = await create(app, { publishPermission: false });
    const response = await act(app, noPermission, 'approve');
    assert.equal(response.statusCode, 409);
    assert.match(response.json().message, /permission/);
    assert.equal(
      (await app.inject({ url: `${API}/submissions/${noPermission}`, headers: staff })).json()
        .status,
      'pending',
    );
  });

  it('404s unknown submissions', async () => {
    for (const action of ['approve', 'reject', 'remove']) {
      const response = await act(app, 'no-such-id', action);
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().code, 'not_found');
    }
    const del = await app.inject({
      method: 'DELETE',
      url: `${API}/submissions/no-such-id`,
      headers: staff,
    });
    assert.equal(del.statusCode, 404);
    const get = await app.inject({ url: `${API}/submissions/no-such-id`, headers: staff });
    assert.equal(get.statusCode, 404);
  });

  it('deletes a submission for good, taking it off the wall', async () => {
    const id = await create(app, {
      message: 'Please forget me entirely.',
      email: 'forget@example.org',
    });
    await act(app, id, 'approve');
    assert.ok((await wall(app)).items.some((q) => q.id === id));
    const response = await app.inject({
      method: 'DELETE',
      url: `${API}/submissions/${id}`,
      headers: staff,
    });
    assert.equal(response.statusCode, 204);
    assert.ok(!(await wall(app)).items.some((q) => q.id === id));
    assert.equal(
      (await app.inject({ url: `${API}/submissions/${id}`, headers: staff })).statusCode,
      404,
    );
    assert.equal(await app.store.getSubmission('spirit-of-chongqing', id), null);
    const replay = await app.store.eventsAfter('spirit-of-chongqing', 0, 10_000);
    assert.ok(
      !replay.events.some((e) => e.type === 'quote' && e.quote.id === id),
      'a replay never brings deleted words back',
    );
    assert.ok(replay.events.some((e) => e.type === 'remove' && e.quoteId === id));
  });

  it('pages the public wall with before, newest first, without repeats', async () => {
    const all = (await wall(app)).items;
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const url: string = `${API}/quotes?limit=3${before ? `&before=${before}` : ''}`;
      const page: QuotePage = (await app.inject(url)).json();
      seen.push(...page.items.map((q) => q.id));
      before = page.nextBefore;
    } while (before);
    assert.deepEqual(
      seen,
      all.map((q) => q.id),
    );
    const times = all.map((q) => q.approvedAt);
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(times.length >= 8);
  });
});
