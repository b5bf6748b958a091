/**
 * Campaign settings at run time: who may read and change them, every refusal, the
 * revision that keeps two admins from overwriting each other, the audit trail, and the
 * `campaign` push that open widgets hear over real HTTP (at once on SQLite; from another
 * instance on PostgreSQL), the closing time passing included.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { CampaignSettings, CampaignSettingsUpdate } from '../../src/api/campaign-settings.js';
import type { AuditPage } from '../../src/api/newsroom.js';
import type { ApiErrorBody, Campaign } from '../../src/api/wire.js';
import { startServer } from '../src/app.js';
import { SESSION_COOKIE, csrfTokenFor, newToken, tokenHash } from '../src/auth/sessions.js';
import { ClosingTimers, CampaignRegistry } from '../src/plugins/campaign-data.js';
import { DEFAULT_SAFETY } from '../src/safety/settings.js';
import { LiveHub } from '../src/live.js';
import { SqliteStore } from '../src/store/sqlite.js';
import {
  API,
  CAMPAIGN,
  TOKEN,
  approve,
  delay,
  makeApp,
  makeServer,
  openStream,
  staff,
  submit,
  validBody,
} from './helpers.js';
import { TEST_DATABASE_URL, describePostgres, testSchema } from './pg-support.js';

const SETTINGS = `${API}/staff/settings`;

async function read(app: FastifyInstance): Promise<CampaignSettings> {
  const response = await app.inject({ url: SETTINGS, headers: staff });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<CampaignSettings>();
}

/** The settings as an update, with `changes` on top. */
function updateOf(
  current: CampaignSettings,
  changes: Partial<CampaignSettingsUpdate> = {},
): CampaignSettingsUpdate {
  return {
    revision: current.revision,
    status: current.status,
    closesAt: current.closesAt,
    consent: current.consent,
    privacyPolicyUrl: current.privacyPolicyUrl,
    districts: current.districts,
    limits: current.limits,
    ...changes,
  };
}

const put = (app: FastifyInstance, body: unknown, headers: Record<string, string> = staff) =>
  app.inject({
    method: 'PUT',
    url: SETTINGS,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

async function change(
  app: FastifyInstance,
  changes: Partial<CampaignSettingsUpdate>,
): Promise<CampaignSettings> {
  const response = await put(app, updateOf(await read(app), changes));
  assert.equal(response.statusCode, 200, response.body);
  return response.json<CampaignSettings>();
}

/** A signed-in person with `role`: the cookie and the CSRF token a change needs. */
async function person(app: FastifyInstance, id: string, role: 'viewer' | 'moderator' | 'admin') {
  const now = Date.now();
  await app.store.createStaff({
    id,
    email: `${id}@example.org`,
    name: id,
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
  return { cookie: `${SESSION_COOKIE}=${token}`, 'x-csrf-token': csrfTokenFor(token) };
}

const HOUR = 3_600_000;
/** Other suites may load the machine: no load shedding in the middle of an assertion. */
const QUIET = { maxEventLoopDelayMs: false as const };

describe('campaign settings: who may read and change them', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp(QUIET);
  });
  after(() => app.close());

  it('answers 401 without a session or token, to a read and to a change', async () => {
    assert.equal((await app.inject({ url: SETTINGS })).statusCode, 401);
    const current = await read(app);
    const response = await put(app, updateOf(current, { status: 'closed' }), {});
    assert.equal(response.statusCode, 401);
    assert.equal((await read(app)).status, 'open', 'nothing changed');
  });

  it('lets a viewer read, and refuses a viewer’s and a moderator’s change with 403', async () => {
    const viewer = await person(app, 'viewer-s', 'viewer');
    const moderator = await person(app, 'moderator-s', 'moderator');
    const read = await app.inject({ url: SETTINGS, headers: viewer });
    assert.equal(read.statusCode, 200, read.body);
    const current = read.json<CampaignSettings>();
    assert.equal(current.status, 'open');
    assert.deepEqual(current.locales, ['en', 'zh-Hans']);
    for (const who of [viewer, moderator]) {
      const response = await put(app, updateOf(current, { status: 'closed' }), who);
      assert.equal(response.statusCode, 403, response.body);
      assert.equal(response.json<ApiErrorBody>().code, 'forbidden');
    }
    assert.equal((await app.inject({ url: `${API}` })).json<Campaign>().status, 'open');
  });

  it('lets a signed-in admin change them (with the CSRF token)', async () => {
    const admin = await person(app, 'admin-s', 'admin');
    const current = await read(app);
    const response = await put(app, updateOf(current, { privacyPolicyUrl: '/privacy-v2' }), admin);
    assert.equal(response.statusCode, 200, response.body);
    const withoutCsrf = { cookie: admin.cookie };
    const refused = await put(
      app,
      updateOf(response.json<CampaignSettings>(), { privacyPolicyUrl: '/p3' }),
      withoutCsrf,
    );
    assert.equal(refused.statusCode, 403);
    assert.equal((await read(app)).privacyPolicyUrl, '/privacy-v2');
  });
});

describe('campaign settings: bad input', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp(QUIET);
  });
  after(() => app.close());

  it('refuses a body that is not exactly the schema with 400, naming the field, and coerces nothing', async () => {
    const current = await read(app);
    const base = updateOf(current) as unknown as Record<string, unknown>;
    const limits = current.limits as unknown as Record<string, unknown>;
    const cases: [string, unknown, string][] = [
      [
        'a number as a string',
        { ...base, limits: { ...limits, messageMinLength: '5' } },
        'limits.messageMinLength',
      ],
      ['an unknown field', { ...base, colour: 'red' }, 'colour'],
      ['an unknown status', { ...base, status: 'paused' }, 'status'],
      ['a status as a boolean', { ...base, status: false }, 'status'],
      ['a closing time that is not a date', { ...base, closesAt: 'tomorrow' }, 'closesAt'],
      ['a closing time without its zone', { ...base, closesAt: '2030-01-01T00:00:00' }, 'closesAt'],
      ['a revision as a string', { ...base, revision: '0' }, 'revision'],
      ['no consent', { ...base, consent: undefined }, 'consent'],
      [
        'an empty consent version',
        { ...base, consent: { ...current.consent, version: '' } },
        'consent.version',
      ],
      [
        'a consent version with spaces',
        { ...base, consent: { ...current.consent, version: 'v 2' } },
        'consent.version',
      ],
      [
        'a district id with capitals',
        { ...base, districts: [{ id: 'Yuzhong', names: { en: 'Y', 'zh-Hans': '渝' } }] },
        'districts.0.id',
      ],
      [
        'a district without its Chinese name',
        { ...base, districts: [{ id: 'x', names: { en: 'X' } }] },
        'districts.0.names.zh-Hans',
      ],
      [
        'a message limit above the hard ceiling',
        { ...base, limits: { ...limits, messageMaxLength: 100_000 } },
        'limits.messageMaxLength',
      ],
      [
        'a photo limit above 10 MB',
        { ...base, limits: { ...limits, photoMaxBytes: 50_000_000 } },
        'limits.photoMaxBytes',
      ],
      [
        'a fractional limit',
        { ...base, limits: { ...limits, displayNameMaxLength: 10.5 } },
        'limits.displayNameMaxLength',
      ],
      ['a null privacy URL', { ...base, privacyPolicyUrl: null }, 'privacyPolicyUrl'],
      ['an array body', [base], 'body'],
    ];
    for (const [what, body, field] of cases) {
      const response = await put(app, body);
      assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
      const error = response.json<ApiErrorBody>();
      assert.equal(error.code, 'validation', what);
      assert.ok(
        error.fields?.some((f) => f.field === field),
        `${what}: ${JSON.stringify(error.fields)}`,
      );
    }
    const range = await put(app, { ...base, limits: { ...limits, photoMaxBytes: 50_000_000 } });
    assert.equal(range.json<ApiErrorBody>().fields?.[0].code, 'out_of_range');
    assert.deepEqual(await read(app), current, 'nothing changed');
  });

  it('refuses settings that do not fit the campaign with 422 and a clear code', async () => {
    const current = await read(app);
    const now = Date.now();
    const cases: [string, Partial<CampaignSettingsUpdate>, string, string][] = [
      [
        'an open campaign closing in the past',
        { closesAt: new Date(now - HOUR).toISOString() },
        'closesAt',
        'in_the_past',
      ],
      [
        'a closing time too far ahead',
        { closesAt: '2090-01-01T00:00:00Z' },
        'closesAt',
        'out_of_range',
      ],
      [
        'new consent text under the old version',
        {
          consent: {
            version: current.consent.version,
            text: { ...current.consent.text, en: 'New words.' },
          },
        },
        'consent.version',
        'consent_version_required',
      ],
      [
        'consent without its Chinese text',
        { consent: { version: 'v9', text: { en: 'Only English.' } } },
        'consent.text.zh-Hans',
        'required',
      ],
      [
        'consent text of spaces',
        { consent: { version: 'v9', text: { en: '   ', 'zh-Hans': '同意' } } },
        'consent.text.en',
        'required',
      ],
      [
        'a plain-http privacy policy',
        { privacyPolicyUrl: 'http://example.org/privacy' },
        'privacyPolicyUrl',
        'invalid',
      ],
      [
        'a script URL as privacy policy',
        { privacyPolicyUrl: 'javascript:alert(1)' },
        'privacyPolicyUrl',
        'invalid',
      ],
      [
        'a protocol-relative privacy policy',
        { privacyPolicyUrl: '//evil.example/p' },
        'privacyPolicyUrl',
        'invalid',
      ],
      [
        'the same district twice',
        { districts: [...current.districts, { ...current.districts[0] }] },
        `districts.${current.districts.length}.id`,
        'duplicate',
      ],
      [
        'a district name of spaces',
        {
          districts: [...current.districts, { id: 'new-one', names: { en: ' ', 'zh-Hans': '新' } }],
        },
        `districts.${current.districts.length}.names.en`,
        'required',
      ],
      [
        'a minimum message length above the maximum',
        { limits: { ...current.limits, messageMinLength: 500, messageMaxLength: 100 } },
        'limits.messageMinLength',
        'out_of_range',
      ],
      [
        'a photo type the server cannot read',
        { limits: { ...current.limits, photoTypes: ['image/gif'] } },
        'limits.photoTypes.0',
        'invalid',
      ],
      [
        'a photo type twice',
        { limits: { ...current.limits, photoTypes: ['image/png', 'image/png'] } },
        'limits.photoTypes.1',
        'duplicate',
      ],
    ];
    for (const [what, changes, field, code] of cases) {
      const response = await put(app, updateOf(current, changes));
      assert.equal(response.statusCode, 422, `${what}: ${response.body}`);
      const error = response.json<ApiErrorBody>();
      assert.ok(
        error.fields?.some((f) => f.field === field && f.code === code),
        `${what}: ${JSON.stringify(error.fields)}`,
      );
    }
    assert.deepEqual(await read(app), current, 'nothing changed');
  });

  it('keeps a district that submissions name, and lets its names change', async () => {
    const response = await submit(app, validBody({ district: 'yuzhong' }));
    assert.equal(response.statusCode, 202, response.body);
    const current = await read(app);
    assert.ok(current.districtsInUse.includes('yuzhong'));
    const without = current.districts.filter((d) => d.id !== 'yuzhong');
    const refused = await put(app, updateOf(current, { districts: without }));
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json<ApiErrorBody>().fields?.[0].code, 'district_in_use');
    const renamed = current.districts.map((d) =>
      d.id === 'yuzhong'
        ? { id: d.id, names: { en: 'Yuzhong (centre)', 'zh-Hans': '渝中区（中心）' } }
        : d,
    );
    const unused = current.districts.find((d) => !current.districtsInUse.includes(d.id))!;
    const saved = await change(app, {
      districts: renamed.filter((d) => d.id !== unused.id),
    });
    assert.ok(!saved.districts.some((d) => d.id === unused.id), 'an unused district can go');
    const campaign = (await app.inject({ url: `${API}?locale=zh-Hans` })).json<Campaign>();
    assert.equal(campaign.districts.find((d) => d.id === 'yuzhong')?.name, '渝中区（中心）');
  });

  it('records a closing time in the past with the status closed, and keeps a passed one unchanged', async () => {
    const past = new Date(Date.now() - HOUR).toISOString();
    const closed = await change(app, { status: 'closed', closesAt: past });
    assert.equal(closed.readerStatus, 'closed');
    // Reopening needs a time still ahead, or none.
    const refused = await put(app, updateOf(closed, { status: 'open' }));
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json<ApiErrorBody>().fields?.[0].code, 'in_the_past');
    const reopened = await change(app, { status: 'open', closesAt: null });
    assert.equal(reopened.readerStatus, 'open');
    // A campaign that closed by itself keeps its passed time through other changes.
    const record = (await app.store.getCampaign(CAMPAIGN))!;
    await app.store.putCampaign({ ...record, closesAt: Date.now() - 1000 });
    await app.campaigns.reload();
    const passed = await read(app);
    assert.equal(passed.readerStatus, 'closed');
    const kept = await change(app, { privacyPolicyUrl: 'https://newsroom.example/privacy' });
    assert.equal(kept.closesAt, passed.closesAt);
    await change(app, { closesAt: null });
  });
});

describe('campaign settings: revisions and the audit trail', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp(QUIET);
  });
  after(() => app.close());

  it('refuses a stale revision with 409 and the settings as they now stand', async () => {
    const first = await read(app);
    const saved = await change(app, { privacyPolicyUrl: 'https://newsroom.example/p1' });
    assert.equal(saved.revision, first.revision + 1);
    const stale = await put(app, updateOf(first, { status: 'closed' }));
    assert.equal(stale.statusCode, 409);
    const error = stale.json<ApiErrorBody & { details: { current: CampaignSettings } }>();
    assert.equal(error.code, 'stale');
    assert.equal(error.details.current.revision, saved.revision);
    assert.equal(error.details.current.privacyPolicyUrl, 'https://newsroom.example/p1');
    assert.equal((await read(app)).status, 'open', 'the stale change was not applied');
  });

  it('lets one of many changes sent at once with the same revision through', async () => {
    const current = await read(app);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        put(app, updateOf(current, { privacyPolicyUrl: `https://newsroom.example/race-${i}` })),
      ),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(codes, [200, ...Array(19).fill(409)]);
    assert.equal((await read(app)).revision, current.revision + 1);
  });

  it('and a safety change sent at the same time: neither undoes the other', async () => {
    // A store that reads campaigns slowly (as a networked database would): both changes
    // read before either writes, unless they take turns.
    const store = new SqliteStore({ dataDir: ':memory:' });
    const getCampaign = store.getCampaign.bind(store);
    store.getCampaign = async (id) => {
      const campaign = await getCampaign(id);
      await delay(30);
      return campaign;
    };
    const app = await makeApp({ ...QUIET, store });
    for (let round = 0; round < 3; round++) {
      const current = await read(app);
      const status = round % 2 ? 'open' : 'closed';
      const [settings, safety] = await Promise.all([
        put(app, updateOf(current, { status })),
        app.inject({
          method: 'PUT',
          url: `${API}/staff/safety`,
          headers: staff,
          payload: { ...DEFAULT_SAFETY, externalCheck: null, reportThreshold: 10 + round },
        }),
      ]);
      assert.equal(settings.statusCode, 200, settings.body);
      assert.equal(safety.statusCode, 200, safety.body);
      const stored = (await app.store.getCampaign(CAMPAIGN))!;
      assert.equal(stored.status, status, `round ${round}: the status stays`);
      assert.equal(
        stored.safety?.reportThreshold,
        10 + round,
        `round ${round}: the threshold stays`,
      );
    }
    await app.close();
    await store.close();
  });

  it('audits only the fields that changed, before and after, and nothing for no change', async () => {
    const current = await read(app);
    const audits = async () =>
      (
        await app.inject({ url: `${API}/staff/audit?action=campaign_settings`, headers: staff })
      ).json<AuditPage>().items;
    const count = (await audits()).length;
    const same = await put(app, updateOf(current));
    assert.equal(same.statusCode, 200);
    assert.equal(same.json<CampaignSettings>().revision, current.revision, 'nothing written');
    assert.equal((await audits()).length, count);

    await change(app, { status: 'closed', limits: { ...current.limits, messageMaxLength: 800 } });
    const [entry] = await audits();
    assert.equal((await audits()).length, count + 1);
    assert.deepEqual(Object.keys(entry.before ?? {}).sort(), ['limits', 'status']);
    assert.equal(entry.before?.status, 'open');
    assert.equal(entry.after?.status, 'closed');
    assert.equal((entry.after?.limits as { messageMaxLength: number }).messageMaxLength, 800);
    assert.equal(entry.actor.kind, 'service');
  });
});

describe('campaign settings: what readers get', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp(QUIET);
  });
  after(() => app.close());

  it('refuses submissions while closed (campaign_closed), and takes them again once reopened', async () => {
    await change(app, { status: 'closed' });
    assert.equal((await app.inject({ url: API })).json<Campaign>().status, 'closed');
    const refused = await submit(app, validBody());
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json<ApiErrorBody>().code, 'campaign_closed');
    await change(app, { status: 'open' });
    assert.equal((await submit(app, validBody())).statusCode, 202);
  });

  it('asks for the new consent: the old version is outdated, submissions keep the version they agreed to', async () => {
    const before = await submit(app, validBody({ message: 'Agreed to the first consent text.' }));
    assert.equal(before.statusCode, 202, before.body);
    const current = await read(app);
    const oldVersion = current.consent.version;
    const saved = await change(app, {
      consent: {
        version: 'v-next',
        text: { en: 'New consent words.', 'zh-Hans': '新的同意条款。' },
      },
    });
    assert.deepEqual(saved.pastConsentVersions, [oldVersion]);
    const campaign = (await app.inject({ url: `${API}?locale=zh-Hans` })).json<Campaign>();
    assert.deepEqual(campaign.consent, { version: 'v-next', text: '新的同意条款。' });

    const outdated = await submit(app, validBody({ consentVersion: oldVersion }));
    assert.equal(outdated.statusCode, 400, outdated.body);
    assert.ok(outdated.json<ApiErrorBody>().fields?.some((f) => f.code === 'consent_outdated'));
    const after = await submit(
      app,
      validBody({ consentVersion: 'v-next', message: 'Agreed to the new consent text.' }),
    );
    assert.equal(after.statusCode, 202, after.body);
    const versionOf = async (id: string) =>
      (await app.inject({ url: `${API}/submissions/${id}`, headers: staff })).json<{
        consentVersion: string;
      }>().consentVersion;
    assert.equal(await versionOf(after.json().id), 'v-next');
    assert.equal(await versionOf(before.json().id), oldVersion);

    // A version names one text forever: going back to the old one is refused.
    const back = await put(
      app,
      updateOf(saved, { consent: { version: oldVersion, text: current.consent.text } }),
    );
    assert.equal(back.statusCode, 422);
    assert.equal(back.json<ApiErrorBody>().fields?.[0].code, 'consent_version_used');
  });
});

interface Stalled {
  socket: net.Socket;
  gone: Promise<void>;
}

/** A stream client that sends its request and never reads a byte of the answer. */
function stalledStream(url: string): Promise<Stalled> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      socket.pause();
      resolve({ socket, gone: new Promise((r) => socket.once('close', () => r())) });
    });
    socket.on('error', reject);
  });
}

describe('campaign settings: the live push over HTTP (SQLite)', () => {
  it('reaches a form’s …/stream and a wall’s …/quotes/stream at once, each in its locale', async () => {
    const server = await makeServer(QUIET);
    try {
      const { app, url } = server;
      const form = await openStream(`${url}${API}/stream?locale=en`);
      const wall = await openStream(`${url}${API}/quotes/stream?locale=zh-Hans`);
      assert.equal(form.status, 200);
      assert.equal(form.headers['access-control-allow-origin'], '*');
      const [hello] = await form.waitFor(1);
      assert.equal(hello.event, 'campaign');
      assert.equal(hello.id, undefined);
      assert.equal(JSON.parse(hello.data).status, 'open');
      await delay(50);
      assert.equal(wall.events.length, 0, 'the wall hears changes, not a greeting');

      const start = Date.now();
      await change(app, { status: 'closed' });
      const [, closed] = await form.waitFor(2, 2000);
      const [wallClosed] = await wall.waitFor(1, 2000);
      assert.ok(Date.now() - start < 2000);
      assert.equal(closed.event, 'campaign');
      assert.equal(closed.id, undefined, 'no id: Last-Event-ID stays the wall’s');
      const formCampaign = JSON.parse(closed.data) as Campaign;
      const wallCampaign = JSON.parse(wallClosed.data) as Campaign;
      assert.equal(formCampaign.status, 'closed');
      assert.equal(formCampaign.locale, 'en');
      assert.equal(wallClosed.event, 'campaign');
      assert.equal(wallCampaign.status, 'closed');
      assert.equal(wallCampaign.locale, 'zh-Hans');

      await change(app, { status: 'open' });
      const [, , reopened] = await form.waitFor(3, 2000);
      assert.equal(JSON.parse(reopened.data).status, 'open');
      await wall.waitFor(2, 2000);

      // The form's stream hears no quote; the wall's does.
      const id = (await submit(app, validBody({ message: 'A quote for the wall only.' }))).json()
        .id;
      await approve(app, id);
      const [, , quote] = await wall.waitFor(3, 2000);
      assert.equal(quote.event, 'quote');
      await delay(100);
      assert.equal(form.events.length, 3);
      form.close();
      wall.close();
    } finally {
      await server.close();
    }
  });

  it('pushes closed when the closing time passes, and then refuses submissions', async () => {
    const server = await makeServer(QUIET);
    try {
      const { app, url } = server;
      const form = await openStream(`${url}${API}/stream`);
      await form.waitFor(1);
      const closesAt = new Date(Date.now() + 1200).toISOString();
      await change(app, { closesAt });
      const [, scheduled] = await form.waitFor(2, 2000);
      assert.equal(JSON.parse(scheduled.data).status, 'open');
      assert.equal(JSON.parse(scheduled.data).closesAt, closesAt);
      const [, , passed] = await form.waitFor(3, 4000);
      assert.ok(Date.now() >= Date.parse(closesAt));
      assert.ok(Date.now() - Date.parse(closesAt) < 1500, 'at that moment');
      assert.equal(JSON.parse(passed.data).status, 'closed');
      assert.equal((await app.inject({ url: API })).json<Campaign>().status, 'closed');
      const refused = await submit(app, validBody());
      assert.equal(refused.json<ApiErrorBody>().code, 'campaign_closed');
      form.close();
    } finally {
      await server.close();
    }
  });

  it('is not held up by a stream that does not read, nor by a flood of changes', async () => {
    const server = await makeServer({ ...QUIET, maxStreamBufferedBytes: 16_384 });
    try {
      const { app, url } = server;
      const stalled = await Promise.all(
        Array.from({ length: 3 }, () => stalledStream(`${url}${API}/stream`)),
      );
      const reader = await openStream(`${url}${API}/quotes/stream`);
      await delay(100);
      assert.equal(app.hub.clientCount, 4);
      const rounds = 60;
      const start = Date.now();
      for (let i = 0; i < rounds; i++) {
        await change(app, { privacyPolicyUrl: `https://newsroom.example/privacy-${i}` });
      }
      const events = await reader.waitFor(rounds, 5000);
      assert.ok(Date.now() - start < 8000, `${rounds} changes took ${Date.now() - start} ms`);
      assert.equal(
        JSON.parse(events[rounds - 1].data).privacyPolicyUrl,
        `https://newsroom.example/privacy-${rounds - 1}`,
      );
      reader.close();
      for (const { socket } of stalled) socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('the live hub’s campaign push', () => {
  it('renders once per locale, and drops a stream whose backlog passes the cap', async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    const hub = new LiveHub(store, () => '{}', { maxBufferedBytes: 1000 });
    hub.start();
    /** A response that takes every write and never sends it (a client that stalls). */
    const fake = (drains: boolean) => {
      const res = {
        writableLength: 0,
        destroyed: false,
        written: [] as string[],
        socket: null,
        writeHead() {},
        write(text: string) {
          res.written.push(text);
          if (!drains) res.writableLength += text.length;
          return true;
        },
        on() {},
        end() {},
        destroy() {
          res.destroyed = true;
        },
      };
      return res;
    };
    const stalled = fake(false);
    const readers = [fake(true), fake(true), fake(true)];
    const open = (res: ReturnType<typeof fake>, locale: 'en' | 'zh-Hans') =>
      hub.open(res as never, {
        campaignId: 'c1',
        locale,
        lastEventId: null,
        topic: 'campaign',
      });
    await open(stalled, 'en');
    await open(readers[0], 'en');
    await open(readers[1], 'zh-Hans');
    await open(readers[2], 'en');
    let renders = 0;
    for (let i = 0; i < 20; i++) {
      hub.pushCampaign('c1', (locale) => {
        renders++;
        return JSON.stringify({ locale, i, pad: 'x'.repeat(100) });
      });
    }
    assert.equal(renders, 40, 'once per locale and change, whatever the count of streams');
    assert.ok(stalled.destroyed, 'the stream that does not read is dropped');
    assert.ok(stalled.written.length < 20);
    for (const reader of readers) {
      assert.equal(reader.written.filter((w) => w.startsWith('event: campaign')).length, 20);
    }
    assert.equal(hub.clientCount, 3);
    hub.close();
    await store.close();
  });
});

describe('closing timers', () => {
  it('keeps one timer per campaign with a closing time ahead, in step with the campaigns', async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    const { DEMO_CAMPAIGN } = await import('../src/demo/content.js');
    const now = Date.now();
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'a', closesAt: now + 60_000 });
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'b', closesAt: now + 40 * 86_400_000 });
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'c', closesAt: now - 1000 });
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'd', status: 'closed', closesAt: now + 1000 });
    const changes: string[][] = [];
    const registry = new CampaignRegistry(store, (changed) => changes.push(changed));
    await registry.reload();
    assert.deepEqual(changes, [['a', 'b', 'c', 'd']]);
    const closed: string[] = [];
    const timers = new ClosingTimers(registry, (id) => closed.push(id));
    timers.schedule();
    assert.equal(timers.size, 2, 'a, and b (past the longest timer Node keeps: re-armed)');
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'a', closesAt: Date.now() + 50 });
    await registry.reload();
    assert.deepEqual(changes[1], ['a'], 'the registry names the campaign that changed');
    timers.schedule();
    await delay(150);
    assert.deepEqual(closed, ['a']);
    assert.equal(timers.size, 1);
    timers.stop();
    await store.close();
  });
});

describePostgres('campaign settings across instances (PostgreSQL)', () => {
  it('a change on instance A reaches a stream on instance B within seconds', async () => {
    const { schema, drop } = testSchema();
    const options = {
      port: 0,
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: schema,
      adminToken: TOKEN,
      rateLimit: false as const,
      ...QUIET,
    };
    const a = await startServer(options);
    const b = await startServer({ ...options, seedDemo: false });
    try {
      const form = await openStream(`${b.url}${API}/stream?locale=zh-Hans`);
      const wall = await openStream(`${b.url}${API}/quotes/stream`);
      await form.waitFor(1);
      const start = Date.now();
      await change(a.app, { status: 'closed' });
      const [, closed] = await form.waitFor(2, 8000);
      const [wallClosed] = await wall.waitFor(1, 8000);
      assert.ok(Date.now() - start < 8000);
      assert.equal(JSON.parse(closed.data).status, 'closed');
      assert.equal(JSON.parse(closed.data).locale, 'zh-Hans');
      assert.equal(JSON.parse(wallClosed.data).status, 'closed');
      const refused = await submit(b.app, validBody());
      assert.equal(refused.json<ApiErrorBody>().code, 'campaign_closed');
      // B checks the revision against the campaign as stored, not its copy in memory.
      const onB = await put(b.app, updateOf(await read(a.app), { status: 'open' }));
      assert.equal(onB.statusCode, 200, onB.body);
      const [, , reopened] = await form.waitFor(3, 2000);
      assert.equal(JSON.parse(reopened.data).status, 'open', 'B applies its own change at once');
      form.close();
      wall.close();
    } finally {
      await b.close();
      await a.close();
      await drop();
    }
  });
});
