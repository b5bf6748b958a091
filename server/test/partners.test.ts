/**
 * Partner sites managed at run time: the staff routes (roles, exact bodies, stale
 * versions, caps, the write limit, the audit trail), the registry that lets their
 * origins send at once, the readable `403 origin_not_allowed` with nothing stored, the
 * figures (submissions, published, walls open now), and the store on both dialects.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AuditPage } from '../../src/api/newsroom.js';
import type { PartnerList, PartnerSite } from '../../src/api/partners.js';
import { SESSION_COOKIE, csrfTokenFor, newToken, tokenHash } from '../src/auth/sessions.js';
import { MAX_ORIGINS, MAX_PARTNERS } from '../src/partner-schemas.js';
import { PARTNER_WRITE_LIMIT, parseOrigin } from '../src/routes/partners.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import type { StaffRole } from '../../src/api/newsroom.js';
import {
  API,
  CAMPAIGN,
  approve,
  countRows,
  makeApp,
  makeServer,
  openStream,
  staff,
  submit,
  validBody,
} from './helpers.js';
import { TEST_DATABASE_URL, describePostgres, testSchema } from './pg-support.js';

const PARTNERS = `${API}/staff/partners`;
/**
 * No load shedding: on a busy test machine a slow first request would answer 503 to
 * the ones after it, which is not what these tests look at.
 */
const QUIET = { maxEventLoopDelayMs: false } as const;
const json = { ...staff, 'content-type': 'application/json' };

async function create(app: FastifyInstance, body: unknown, headers: Record<string, string> = json) {
  return app.inject({ method: 'POST', url: PARTNERS, headers, payload: JSON.stringify(body) });
}

async function created(app: FastifyInstance, body: Record<string, unknown>): Promise<PartnerSite> {
  const response = await create(app, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<PartnerSite>();
}

async function list(app: FastifyInstance): Promise<PartnerList> {
  const response = await app.inject({ url: PARTNERS, headers: staff });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<PartnerList>();
}

const update = (app: FastifyInstance, id: string, body: unknown) =>
  app.inject({
    method: 'PUT',
    url: `${PARTNERS}/${id}`,
    headers: json,
    payload: JSON.stringify(body),
  });

/** A signed-in person with `role`; headers for reads and, with the CSRF token, changes. */
async function person(app: FastifyInstance, role: StaffRole) {
  const now = Date.now();
  const id = `${role}-${now}-${Math.random().toString(36).slice(2, 8)}`;
  await app.store.createStaff({
    id,
    email: `${id}@example.org`,
    name: role,
    role,
    locale: 'en',
    passwordHash: 'scrypt$set',
    createdAt: now,
  });
  const token = newToken();
  await app.store.createSession({
    tokenHash: tokenHash(token),
    staffId: id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 3_600_000,
  });
  return {
    cookie: `${SESSION_COOKIE}=${token}`,
    'x-csrf-token': csrfTokenFor(token),
    'content-type': 'application/json',
  };
}

const fieldsOf = (body: { fields?: { field: string; code: string }[] }) =>
  Object.fromEntries((body.fields ?? []).map((f) => [f.field, f.code]));

describe('partner sites: who may do what', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp(QUIET);
  });
  after(() => app.close());

  it('asks for a sign-in (401) to read or change, and lets every role read', async () => {
    assert.equal((await app.inject({ url: PARTNERS })).statusCode, 401);
    const anonymous = await create(
      app,
      { name: 'X', origins: ['https://x.example'] },
      {
        'content-type': 'application/json',
      },
    );
    assert.equal(anonymous.statusCode, 401);
    for (const role of ['viewer', 'moderator'] as const) {
      const headers = await person(app, role);
      const read = await app.inject({ url: PARTNERS, headers });
      assert.equal(read.statusCode, 200, `${role} reads`);
    }
  });

  it('lets only admins add, change or delete (403 for a moderator or viewer)', async () => {
    const partner = await created(app, { name: 'Evening Post', origins: ['https://post.example'] });
    for (const role of ['viewer', 'moderator'] as const) {
      const headers = await person(app, role);
      const add = await create(app, { name: 'Y', origins: ['https://y.example'] }, headers);
      assert.equal(add.statusCode, 403, `${role} adds`);
      assert.equal(add.json().code, 'forbidden');
      const change = await app.inject({
        method: 'PUT',
        url: `${PARTNERS}/${partner.id}`,
        headers,
        payload: JSON.stringify({ ...partner, enabled: false }),
      });
      assert.equal(change.statusCode, 403, `${role} changes`);
      const remove = await app.inject({
        method: 'DELETE',
        url: `${PARTNERS}/${partner.id}?version=${partner.version}`,
        headers,
      });
      assert.equal(remove.statusCode, 403, `${role} deletes`);
    }
    const admin = await person(app, 'admin');
    const add = await create(app, { name: 'Admin’s', origins: ['https://admin.example'] }, admin);
    assert.equal(add.statusCode, 201, add.body);
    const names = (await list(app)).items.map((p) => p.name);
    assert.deepEqual(names, ['Evening Post', 'Admin’s'], 'nothing else was added');
  });
});

describe('partner sites: what a body may hold', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp(QUIET);
  });
  after(() => app.close());

  it('names each bad field, and stores nothing', async () => {
    const cases: [unknown, Record<string, string>][] = [
      [{ name: '', origins: ['https://a.example'] }, { name: 'required' }],
      [{ name: '   ', origins: ['https://a.example'] }, { name: 'required' }],
      [{ name: 'x'.repeat(121), origins: ['https://a.example'] }, { name: 'too_long' }],
      [{ name: 'Tab\there', origins: ['https://a.example'] }, { name: 'control_characters' }],
      [{ name: 'A', origins: [] }, { origins: 'required' }],
      [
        {
          name: 'A',
          origins: Array.from({ length: MAX_ORIGINS + 1 }, (_, i) => `https://s${i}.example`),
        },
        { origins: 'too_long' },
      ],
      [{ name: 'A', origins: ['ftp://a.example'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['http://a.example'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['https://a.example/news'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['https://a.example?x=1'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['https://a.example#top'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['https://user:pw@a.example'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['a.example'] }, { 'origins.0': 'invalid' }],
      [{ name: 'A', origins: ['javascript:alert(1)'] }, { 'origins.0': 'invalid' }],
      [
        { name: 'A', origins: ['https://a.example', 'https://A.example:443/'] },
        { 'origins.1': 'invalid' },
      ],
      [
        { name: 'A', origins: ['https://a.example'], contact: 'c'.repeat(301) },
        { contact: 'too_long' },
      ],
      // Exact types: nothing is coerced, nothing unknown is dropped.
      [{ name: 'A', origins: ['https://a.example'], enabled: 'false' }, { enabled: 'invalid' }],
      [{ name: 'A', origins: 'https://a.example' }, { origins: 'invalid' }],
      [{ name: 42, origins: ['https://a.example'] }, { name: 'invalid' }],
      [{ name: 'A', origins: ['https://a.example'], owner: 'me' }, {}],
    ];
    for (const [body, expected] of cases) {
      const response = await create(app, body);
      assert.equal(response.statusCode, 400, `${JSON.stringify(body)}: ${response.body}`);
      assert.equal(response.json().code, 'validation');
      const fields = fieldsOf(response.json());
      for (const [field, code] of Object.entries(expected)) {
        assert.equal(fields[field], code, `${JSON.stringify(body)}: ${response.body}`);
      }
    }
    assert.equal((await list(app)).items.length, 0, 'nothing stored');
  });

  it('stores origins normalised, and allows plain http for localhost only', async () => {
    const partner = await created(app, {
      name: '  City Portal ',
      origins: [
        'HTTPS://Portal.Example:443/',
        'http://localhost:5173',
        'https://portal.example:8443',
      ],
      contact: '  web@portal.example ',
    });
    assert.equal(partner.name, 'City Portal');
    assert.deepEqual(partner.origins, [
      'https://portal.example',
      'http://localhost:5173',
      'https://portal.example:8443',
    ]);
    assert.equal(partner.contact, 'web@portal.example');
    assert.equal(partner.enabled, true);
    assert.equal(partner.version, 1);
    assert.deepEqual(parseOrigin('https://xn--fiq228c.example'), {
      origin: 'https://xn--fiq228c.example',
    });
    assert.deepEqual(parseOrigin('https://重庆.example'), {
      origin: 'https://xn--zwt745i.example',
    });
  });

  it('refuses an origin another partner of the campaign has (409 origin_taken)', async () => {
    await created(app, { name: 'First', origins: ['https://shared.example'] });
    const second = await create(app, { name: 'Second', origins: ['https://SHARED.example'] });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().code, 'origin_taken');
    assert.equal(second.json().details.origin, 'https://shared.example');
    assert.equal(second.json().details.partner.name, 'First');
    const other = await created(app, { name: 'Other', origins: ['https://other.example'] });
    const moved = await update(app, other.id, {
      version: other.version,
      name: 'Other',
      origins: ['https://other.example', 'https://shared.example'],
      contact: null,
      enabled: true,
    });
    assert.equal(moved.statusCode, 409);
    assert.equal(moved.json().code, 'origin_taken');
  });

  it('refuses a change made from a stale version (409 stale, with the partner as it is)', async () => {
    const partner = await created(app, { name: 'Versioned', origins: ['https://v.example'] });
    const fields = { name: 'Versioned 2', origins: partner.origins, contact: null, enabled: true };
    const first = await update(app, partner.id, { ...fields, version: partner.version });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().version, 2);
    const stale = await update(app, partner.id, { ...fields, name: 'Lost', version: 1 });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().code, 'stale');
    assert.equal(stale.json().details.current.name, 'Versioned 2');
    const staleDelete = await app.inject({
      method: 'DELETE',
      url: `${PARTNERS}/${partner.id}?version=1`,
      headers: staff,
    });
    assert.equal(staleDelete.statusCode, 409);
    const badVersion = await app.inject({
      method: 'DELETE',
      url: `${PARTNERS}/${partner.id}?version=two`,
      headers: staff,
    });
    assert.equal(badVersion.statusCode, 400);
    const unknown = await update(app, 'no-such-partner', { ...fields, version: 1 });
    assert.equal(unknown.statusCode, 404);
    const deleted = await app.inject({
      method: 'DELETE',
      url: `${PARTNERS}/${partner.id}?version=2`,
      headers: staff,
    });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.ok(!(await list(app)).items.some((p) => p.id === partner.id));
  });

  it('writes partner_create, partner_update and partner_delete with before and after', async () => {
    const partner = await created(app, { name: 'Audited', origins: ['https://audit.example'] });
    await update(app, partner.id, {
      version: 1,
      name: 'Audited',
      origins: partner.origins,
      contact: 'desk@audit.example',
      enabled: false,
    });
    await app.inject({
      method: 'DELETE',
      url: `${PARTNERS}/${partner.id}?version=2`,
      headers: staff,
    });
    const audit = await app.inject({ url: `${API}/staff/audit?limit=100`, headers: staff });
    const entries = audit
      .json<AuditPage>()
      .items.filter((e) => (e.before?.id ?? e.after?.id) === partner.id);
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    assert.equal(byAction.partner_create.before, null);
    assert.equal(byAction.partner_create.after?.name, 'Audited');
    assert.equal(byAction.partner_update.before?.enabled, true);
    assert.equal(byAction.partner_update.after?.enabled, false);
    assert.equal(byAction.partner_update.after?.contact, 'desk@audit.example');
    assert.deepEqual(byAction.partner_delete.before?.origins, ['https://audit.example']);
    assert.equal(byAction.partner_delete.after, null);
    assert.equal(byAction.partner_delete.actor.kind, 'service');
  });
});

describe('partner sites: caps and floods', () => {
  it(`holds at most ${MAX_PARTNERS} partners, and then a flood of changes meets the write limit`, async () => {
    const app = await makeApp(QUIET);
    try {
      const statuses: number[] = [];
      for (let n = 0; n < MAX_PARTNERS; n += 1) {
        const response = await create(app, { name: `P${n}`, origins: [`https://p${n}.example`] });
        statuses.push(response.statusCode);
      }
      assert.ok(
        statuses.every((s) => s === 201),
        'the first ones are added',
      );
      const over = await create(app, { name: 'One too many', origins: ['https://more.example'] });
      assert.equal(over.statusCode, 409);
      assert.equal(over.json().code, 'limit_reached');
      assert.equal(over.json().details.max, MAX_PARTNERS);
      let limited = null;
      for (let n = MAX_PARTNERS + 1; n <= PARTNER_WRITE_LIMIT.max + 1 && !limited; n += 1) {
        const response = await create(app, { name: 'Flood', origins: ['https://flood.example'] });
        if (response.statusCode === 429) limited = response;
        else assert.equal(response.statusCode, 409);
      }
      assert.ok(limited, 'a 429 once the write limit is used up');
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal((await list(app)).items.length, MAX_PARTNERS);
    } finally {
      await app.close();
    }
  });
});

describe('partner origins may send at once; others read why they may not', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ ...QUIET, allowedOrigins: ['https://configured.example'] });
  });
  after(() => app.close());

  const origin = 'https://new-partner.example';
  const from = (o: string) => ({ headers: { origin: o } });

  it('answers the preflight for any origin, and a readable 403 before the body is read', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: `${API}/submissions`,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    const rows = await countRows(app);
    // Not even valid JSON: refused on its origin before a byte of it is read.
    const denied = await submit(app, 'not json at all', from(origin));
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'origin_not_allowed');
    assert.equal(denied.json().statusCode, 403);
    assert.match(denied.json().message, /Ask the newsroom to add https:\/\/new-partner\.example/);
    assert.equal(denied.headers['access-control-allow-origin'], origin);
    assert.match(String(denied.headers.vary), /Origin/);
    assert.equal(await countRows(app), rows, 'nothing stored');
  });

  it('lets a partner added in the console send at once; disabled or deleted, it may not', async () => {
    assert.equal((await submit(app, validBody(), from(origin))).statusCode, 403);
    const partner = await created(app, { name: 'New partner', origins: [origin] });
    const rows = await countRows(app);
    const sent = await submit(app, validBody(), from(origin));
    assert.equal(sent.statusCode, 202, sent.body);
    assert.equal(sent.headers['access-control-allow-origin'], origin);
    assert.equal(await countRows(app), rows + 1, 'stored once');

    const off = await update(app, partner.id, {
      version: partner.version,
      name: partner.name,
      origins: partner.origins,
      contact: null,
      enabled: false,
    });
    assert.equal(off.statusCode, 200, off.body);
    const disabled = await submit(app, validBody(), from(origin));
    assert.equal(disabled.statusCode, 403);
    assert.equal(disabled.json().code, 'origin_not_allowed');
    assert.equal(await countRows(app), rows + 1);

    const on = await update(app, partner.id, { ...off.json<PartnerSite>(), enabled: true });
    assert.equal(on.statusCode, 400, 'the answer sent back as is (id, figures) is refused');
    const { version, name, origins, contact } = off.json<PartnerSite>();
    const back = await update(app, partner.id, { version, name, origins, contact, enabled: true });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal((await submit(app, validBody(), from(origin))).statusCode, 202);

    await app.inject({
      method: 'DELETE',
      url: `${PARTNERS}/${partner.id}?version=${back.json().version}`,
      headers: staff,
    });
    assert.equal((await submit(app, validBody(), from(origin))).statusCode, 403);
  });

  it('keeps the configured origins (read-only) and the API’s own', async () => {
    assert.equal(
      (await submit(app, validBody(), from('https://configured.example'))).statusCode,
      202,
    );
    assert.deepEqual((await list(app)).configuredOrigins, ['https://configured.example']);
    const own = await submit(app, validBody(), {
      headers: { origin: 'http://api.test:8787', host: 'api.test:8787' },
    });
    assert.equal(own.statusCode, 202);
  });

  it('refuses reports from an origin not allowed, readably, before the body', async () => {
    const url = `${API}/quotes/some-id/reports`;
    const preflight = await app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    const denied = await app.inject({
      method: 'POST',
      url,
      headers: { origin, 'content-type': 'application/json' },
      payload: 'not json',
    });
    assert.equal(denied.statusCode, 403, denied.body);
    assert.equal(denied.json().code, 'origin_not_allowed');
    assert.equal(denied.headers['access-control-allow-origin'], origin);
  });

  it('lets a reader check and withdraw by receipt after their partner site is disabled', async () => {
    const partner = await created(app, { name: 'Leaving partner', origins: [origin] });
    const receiptSecret = randomBytes(32).toString('base64url');
    const sent = await submit(app, validBody({ receiptSecret }), from(origin));
    assert.equal(sent.statusCode, 202, sent.body);
    const { id } = sent.json<{ id: string }>();
    const off = await update(app, partner.id, {
      version: partner.version,
      name: partner.name,
      origins: partner.origins,
      contact: null,
      enabled: false,
    });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal((await submit(app, validBody(), from(origin))).statusCode, 403);
    // The receipt's secret grants the answer, whatever the page's origin.
    for (const path of ['receipt', 'withdraw']) {
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: `${API}/submissions/${id}/${path}`,
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], origin);
    }
    const asked = await app.inject({
      method: 'POST',
      url: `${API}/submissions/${id}/receipt`,
      headers: { origin, 'content-type': 'application/json' },
      payload: { secret: receiptSecret },
    });
    assert.equal(asked.statusCode, 200, asked.body);
    assert.equal(asked.headers['access-control-allow-origin'], origin);
    const wrong = await app.inject({
      method: 'POST',
      url: `${API}/submissions/${id}/receipt`,
      headers: { origin, 'content-type': 'application/json' },
      payload: { secret: randomBytes(32).toString('base64url') },
    });
    assert.equal(wrong.statusCode, 404, 'a wrong secret learns nothing');
    const withdrawn = await app.inject({
      method: 'POST',
      url: `${API}/submissions/${id}/withdraw`,
      headers: { origin, 'content-type': 'application/json' },
      payload: { secret: receiptSecret },
    });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(await app.store.getSubmission(CAMPAIGN, id), null, 'deleted for good');
  });

  it('gives the staff routes under the same paths no CORS, even now', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: `${API}/submissions/some-id/approve`,
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    const partners = await app.inject({ url: PARTNERS, headers: { origin, ...staff } });
    assert.equal(partners.headers['access-control-allow-origin'], undefined);
  });
});

describe('partner figures', () => {
  it('counts submissions, published quotes and the walls open now, by origin', async () => {
    const server = await makeServer(QUIET);
    const { app } = server;
    const walls: Awaited<ReturnType<typeof openStream>>[] = [];
    try {
      const partner = await created(app, {
        name: 'Figures',
        origins: ['https://figures.example', 'https://m.figures.example'],
      });
      const ids: string[] = [];
      for (const origin of [
        'https://figures.example',
        'https://m.figures.example',
        'https://figures.example',
      ]) {
        const response = await submit(app, validBody(), { headers: { origin } });
        assert.equal(response.statusCode, 202);
        ids.push(response.json().id);
      }
      await approve(app, ids[0]);
      await approve(app, ids[1]);
      for (const origin of [
        'https://figures.example',
        'https://m.figures.example',
        'https://elsewhere.example',
      ]) {
        walls.push(await openStream(`${server.url}${API}/quotes/stream`, { origin }));
      }
      // A campaign stream (the form's) is not a wall.
      const answer = await list(app);
      const figures = answer.items.find((p) => p.id === partner.id)!.figures;
      assert.deepEqual(figures, { submissions: 3, published: 2, openWalls: 2 });
      walls.pop()!.close();
      walls.pop()!.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const later = (await list(app)).items.find((p) => p.id === partner.id)!.figures;
      assert.equal(later.openWalls, 1, 'a closed wall is no longer counted');
    } finally {
      for (const wall of walls) wall.close();
      await server.close();
    }
  });
});

/** The store's part, on each dialect. */
function storeSuite(open: () => Promise<{ store: Store; close: () => Promise<void> }>) {
  let store: Store;
  let close: () => Promise<void>;
  before(async () => {
    ({ store, close } = await open());
  });
  after(() => close());

  const actor = { kind: 'service' as const, id: null, name: 'service' };
  const fields = (origins: string[], enabled = true) => ({
    name: 'Partner',
    origins,
    contact: null,
    enabled,
  });

  it('creates, updates under a version, refuses taken origins and deletes, with audit entries', async () => {
    const now = Date.now();
    const made = await store.createPartner({
      id: 'p1',
      campaignId: CAMPAIGN,
      fields: fields(['https://one.example']),
      actor,
      now,
      limits: { maxPartners: 2 },
    });
    assert.equal(made.kind, 'ok');
    const taken = await store.createPartner({
      id: 'p2',
      campaignId: CAMPAIGN,
      fields: fields(['https://two.example', 'https://one.example']),
      actor,
      now,
      limits: { maxPartners: 2 },
    });
    assert.equal(taken.kind, 'origin_taken');
    // Another campaign may have the same origin.
    const elsewhere = await store.createPartner({
      id: 'p3',
      campaignId: 'another-campaign',
      fields: fields(['https://one.example']),
      actor,
      now,
      limits: { maxPartners: 2 },
    });
    assert.equal(elsewhere.kind, 'ok');
    await store.createPartner({
      id: 'p4',
      campaignId: CAMPAIGN,
      fields: fields(['https://four.example']),
      actor,
      now,
      limits: { maxPartners: 2 },
    });
    const capped = await store.createPartner({
      id: 'p5',
      campaignId: CAMPAIGN,
      fields: fields(['https://five.example']),
      actor,
      now,
      limits: { maxPartners: 2 },
    });
    assert.deepEqual(capped, { kind: 'too_many', max: 2 });

    const updated = await store.updatePartner({
      id: 'p1',
      campaignId: CAMPAIGN,
      version: 1,
      fields: fields(['https://one.example', 'https://www.one.example'], false),
      actor,
      now: now + 1,
    });
    assert.equal(updated.kind, 'ok');
    if (updated.kind !== 'ok') return;
    assert.equal(updated.partner?.version, 2);
    assert.equal(updated.partner?.enabled, false);
    assert.equal(updated.audit.action, 'partner_update');
    assert.equal(updated.audit.before?.enabled, true);
    const stale = await store.updatePartner({
      id: 'p1',
      campaignId: CAMPAIGN,
      version: 1,
      fields: fields(['https://one.example']),
      actor,
      now: now + 2,
    });
    assert.equal(stale.kind, 'stale');
    assert.equal(
      (await store.getPartner(CAMPAIGN, 'p1'))?.origins.length,
      2,
      'stale wrote nothing',
    );

    const all = await store.listPartners(null);
    assert.deepEqual(all.map((p) => p.id).sort(), ['p1', 'p3', 'p4']);
    assert.deepEqual(
      (await store.listPartners(CAMPAIGN)).map((p) => p.id),
      ['p1', 'p4'],
    );
    const gone = await store.deletePartner({
      id: 'p4',
      campaignId: CAMPAIGN,
      version: 1,
      actor,
      now,
    });
    assert.equal(gone.kind, 'ok');
    assert.equal(await store.getPartner(CAMPAIGN, 'p4'), null);
    assert.equal(
      (await store.deletePartner({ id: 'p4', campaignId: CAMPAIGN, version: 1, actor, now })).kind,
      'not_found',
    );
  });

  it('keeps open walls per instance, and counts only fresh rows of the others', async () => {
    const now = Date.now();
    await store.putPresence(
      'a',
      [{ campaignId: CAMPAIGN, origin: 'https://one.example', open: 3 }],
      now,
      now - 60_000,
    );
    await store.putPresence(
      'b',
      [{ campaignId: CAMPAIGN, origin: 'https://one.example', open: 2 }],
      now - 30_000,
      now - 60_000,
    );
    assert.equal((await store.presence(CAMPAIGN, 'c', now - 15_000)).get('https://one.example'), 3);
    assert.equal((await store.presence(CAMPAIGN, 'a', now - 60_000)).get('https://one.example'), 2);
    // An instance's new counts replace its old ones.
    await store.putPresence('a', [], now + 1, now - 60_000);
    assert.equal((await store.presence(CAMPAIGN, 'c', now - 15_000)).size, 0);
  });
}

describe('partner store (SQLite)', () => {
  storeSuite(async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    return { store, close: () => store.close() };
  });
});

describePostgres('partner store (PostgreSQL)', () => {
  storeSuite(async () => {
    const { schema, drop } = testSchema();
    const store = new PgStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.migrate();
    return {
      store,
      close: async () => {
        await store.close();
        await drop();
      },
    };
  });
});
