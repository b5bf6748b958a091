/**
 * Several campaigns on one API, over real HTTP: a global admin creates a campaign
 * (checked exactly; an id taken is `409`; audited), widgets pointed at it work (the
 * campaign, a submission stored once, a decision by its moderator, its wall and its live
 * stream), roles per campaign decide on each campaign's staff routes (a moderator on A
 * who is a viewer or nobody on B cannot decide on B), the session lists only the
 * campaigns a person has a role on, the service token still works, and the last global
 * admin cannot lock themselves out. The store part runs on SQLite and PostgreSQL, and a
 * campaign created on one PostgreSQL instance is carried by another within seconds.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CampaignCreate, CampaignList } from '../../src/api/campaigns.js';
import type { StaffSessionInfo } from '../../src/api/newsroom.js';
import { firstAdminLink } from '../src/auth/accounts.js';
import { CAMPAIGN_REFRESH_MS } from '../src/plugins/campaign-data.js';
import type { RunningServer } from '../src/app.js';
import { MAX_CAMPAIGNS } from '../src/routes/campaigns.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';
import { CAMPAIGN, delay, makeServer, openStream, TOKEN, validBody } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const NEW_ID = 'riverside-2027';

interface Person {
  cookie: string;
  csrf: string;
  id: string;
}

const newCampaign = (overrides: Partial<CampaignCreate> = {}): CampaignCreate => ({
  id: NEW_ID,
  locales: ['en', 'zh-Hans'],
  defaultLocale: 'en',
  text: {
    en: {
      title: 'Voices of the Riverside',
      summary: 'What should the new riverside park keep?',
      consentText: 'The newsroom may publish my words on the campaign wall.',
    },
    'zh-Hans': {
      title: '江岸之声',
      summary: '新的江岸公园应该留下什么？',
      consentText: '我同意编辑部在活动留言墙上发布我的文字。',
    },
  },
  consentVersion: '2027-01',
  privacyPolicyUrl: 'https://news.example.org/privacy',
  status: 'open',
  districts: [{ id: 'north-bank', names: { en: 'North bank', 'zh-Hans': '北岸' } }],
  ...overrides,
});

/** A tiny client over real HTTP. */
function client(base: string) {
  const call = async (
    method: string,
    path: string,
    options: {
      who?: Person | 'service' | null;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.who === 'service') headers.authorization = `Bearer ${TOKEN}`;
    else if (options.who) {
      headers.cookie = options.who.cookie;
      headers['x-csrf-token'] = options.who.csrf;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    // Loosely typed, as `inject().json()` is: each test asserts the shape it reads.
    const parse = (): ReturnType<typeof JSON.parse> => {
      try {
        return text ? JSON.parse(text) : null;
      } catch {
        return null;
      }
    };
    return { status: response.status, json: parse(), text, response };
  };
  return call;
}

const tokenOf = (link: string) => /#link=([A-Za-z0-9_-]{43})$/.exec(link)![1];

async function signedIn(call: ReturnType<typeof client>, token: string, extra = {}) {
  const used = await call('POST', '/v1/staff/links/use', {
    body: { token, password: PASSWORD, ...extra },
  });
  assert.equal(used.status, 200, used.text);
  const cookie = used.response.headers.get('set-cookie')!.split(';')[0];
  const info = used.json as StaffSessionInfo;
  return { cookie, csrf: info.csrfToken, id: info.staff.id };
}

describe('creating campaigns: a client that stalls, and the cap', () => {
  let server: RunningServer;
  before(async () => {
    server = await makeServer({
      maxEventLoopDelayMs: false,
      connectionGuard: { bodyBaseMs: 300, bodyMsPerKb: 100, bodyIdleMs: 300 },
    });
  });
  after(() => server.close());

  it('answers 408 to a body that stops arriving, and stores nothing', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /v1/staff/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
            `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
            'Content-Length: 2000\r\n\r\n{"id":"stalled",',
        );
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(), 8000);
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.match(answer, /request_timeout/);
    assert.equal(await server.app.store.getCampaign('stalled'), null);
  });

  it('refuses a campaign past the most one API carries, and stores nothing', async () => {
    const call = client(server.url);
    const ids = await server.app.store.listCampaignIds();
    for (let i = ids.length; i < MAX_CAMPAIGNS; i++) {
      await server.app.store.putCampaign({ ...DEMO_CAMPAIGN, id: `filler-${i}` });
    }
    await server.app.campaigns.reload();
    const refused = await call('POST', '/v1/staff/campaigns', {
      who: 'service',
      body: newCampaign({ id: 'one-too-many' }),
    });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(await server.app.store.getCampaign('one-too-many'), null);
    assert.equal((await server.app.store.listCampaignIds()).length, MAX_CAMPAIGNS);
  });
});

describe('a console stream of a campaign the person loses', () => {
  it('ends within the check interval once their role there is none', async () => {
    const server = await makeServer({ maxEventLoopDelayMs: false, staffFeed: { checkMs: 50 } });
    try {
      const call = client(server.url);
      const first = await firstAdminLink(server.app.store, server.app.publicUrl);
      const admin = await signedIn(call, tokenOf(first!.link), {
        email: 'ada@example.org',
        name: 'Ada Admin',
      });
      const stream = await openStream(`${server.url}/v1/campaigns/${CAMPAIGN}/staff/events`, {
        cookie: admin.cookie,
      });
      assert.equal(stream.status, 200);
      await delay(200);
      let ended = false;
      void stream.ended.then(() => (ended = true));
      assert.equal(ended, false, 'open while the role stands');
      const set = await call('PUT', `/v1/staff/accounts/${admin.id}/campaign-roles`, {
        who: admin,
        body: { roles: { [CAMPAIGN]: 'none' } },
      });
      assert.equal(set.status, 200, set.text);
      await Promise.race([
        stream.ended,
        delay(5000).then(() => assert.fail('the stream outlived the role')),
      ]);
      const again = await call('GET', `/v1/campaigns/${CAMPAIGN}/staff/events`, { who: admin });
      assert.equal(again.status, 403);
    } finally {
      await server.close();
    }
  });
});

describe('several campaigns on one API, with roles per campaign (real HTTP)', () => {
  let server: RunningServer;
  let call: ReturnType<typeof client>;
  let admin: Person;
  let moderator: Person;
  let viewer: Person;

  const invite = async (email: string, role: 'admin' | 'moderator' | 'viewer') => {
    const created = await call('POST', '/v1/staff/accounts', {
      who: admin,
      body: { email, name: `${role} ${email}`, role },
    });
    assert.equal(created.status, 201, created.text);
    return signedIn(call, tokenOf(created.json.link));
  };

  before(async () => {
    server = await makeServer({ maxEventLoopDelayMs: false });
    call = client(server.url);
    const first = await firstAdminLink(server.app.store, server.app.publicUrl);
    admin = await signedIn(call, tokenOf(first!.link), {
      email: 'ada@example.org',
      name: 'Ada Admin',
    });
    moderator = await invite('mo@example.org', 'moderator');
    viewer = await invite('vi@example.org', 'viewer');
  });
  after(() => server.close());

  it('lets only a global admin create a campaign, and nobody without a session or CSRF token', async () => {
    for (const who of [moderator, viewer]) {
      const refused = await call('POST', '/v1/staff/campaigns', { who, body: newCampaign() });
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.code, 'forbidden');
    }
    const nobody = await call('POST', '/v1/staff/campaigns', { body: newCampaign() });
    assert.equal(nobody.status, 401);
    const noCsrf = await call('POST', '/v1/staff/campaigns', {
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: newCampaign(),
    });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.json.code, 'csrf_failed');
    assert.deepEqual(await server.app.store.listCampaignIds(), [CAMPAIGN]);
  });

  it('checks a new campaign exactly, and stores nothing of a bad one', async () => {
    const bad: [string, unknown, string][] = [
      ['id with capitals', newCampaign({ id: 'Riverside' }), 'id'],
      ['id too short', newCampaign({ id: 'r' }), 'id'],
      ['id with a slash', newCampaign({ id: 'a/b' }), 'id'],
      ['status as a boolean', { ...newCampaign(), status: true }, 'status'],
      ['closing time as a number', { ...newCampaign(), closesAt: 0 }, 'closesAt'],
      ['closing time passed', newCampaign({ closesAt: '2020-01-01T00:00:00.000Z' }), 'closesAt'],
      ['an unknown field', { ...newCampaign(), owner: 'me' }, 'owner'],
      ['an unknown locale', { ...newCampaign(), locales: ['en', 'fr'] }, 'locales'],
      [
        'default locale not offered',
        newCampaign({ locales: ['en'], defaultLocale: 'zh-Hans' }),
        'defaultLocale',
      ],
      [
        'text missing in a locale',
        newCampaign({ text: { en: newCampaign().text.en } }),
        'text.zh-Hans',
      ],
      [
        'an empty title',
        newCampaign({
          text: { ...newCampaign().text, en: { ...newCampaign().text.en!, title: '   ' } },
        }),
        'text.en.title',
      ],
      [
        'control characters in a title',
        newCampaign({
          text: { ...newCampaign().text, en: { ...newCampaign().text.en!, title: 'a\u0007b' } },
        }),
        'text.en.title',
      ],
      [
        'a script URL for the privacy policy',
        newCampaign({ privacyPolicyUrl: 'javascript:alert(1)' }),
        'privacyPolicyUrl',
      ],
      [
        'a protocol-relative privacy URL',
        newCampaign({ privacyPolicyUrl: '//evil.example' }),
        'privacyPolicyUrl',
      ],
      [
        'a district listed twice',
        newCampaign({
          districts: [
            { id: 'a', names: { en: 'A', 'zh-Hans': '甲' } },
            { id: 'a', names: { en: 'B', 'zh-Hans': '乙' } },
          ],
        }),
        'districts.1.id',
      ],
      [
        'a district without its Chinese name',
        newCampaign({ districts: [{ id: 'a', names: { en: 'A' } }] }),
        'districts.0.names.zh-Hans',
      ],
      ['not JSON at all', '{"id":', ''],
    ];
    for (const [what, body, field] of bad) {
      const response = await call('POST', '/v1/staff/campaigns', { who: admin, body });
      assert.equal(response.status, 400, `${what}: ${response.text}`);
      assert.equal(response.json.code, 'validation', what);
      if (field) {
        const fields = (response.json.fields as { field: string }[]).map((f) => f.field);
        assert.ok(
          fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(field)),
          `${what}: ${JSON.stringify(fields)}`,
        );
      }
    }
    assert.deepEqual(await server.app.store.listCampaignIds(), [CAMPAIGN]);
    const audit = await server.app.store.listAudit({ action: 'campaign_create', limit: 10 });
    assert.equal(audit.items.length, 0);
  });

  it('creates a campaign that readers can use at once, audited; the same id again is 409', async () => {
    const created = await call('POST', '/v1/staff/campaigns', { who: admin, body: newCampaign() });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.id, NEW_ID);
    assert.equal(created.json.title, 'Voices of the Riverside');
    assert.deepEqual(created.json.counts, { pending: 0, approved: 0, rejected: 0, removed: 0 });

    const again = await call('POST', '/v1/staff/campaigns', {
      who: admin,
      body: newCampaign({ status: 'closed' }),
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'campaign_exists');

    const en = await call('GET', `/v1/campaigns/${NEW_ID}?locale=en`);
    assert.equal(en.status, 200, en.text);
    assert.equal(en.json.title, 'Voices of the Riverside');
    assert.equal(en.json.status, 'open');
    const zh = await call('GET', `/v1/campaigns/${NEW_ID}?locale=zh-Hans`);
    assert.equal(zh.json.title, '江岸之声');
    assert.equal(zh.json.consent.version, '2027-01');
    assert.equal(zh.json.consent.text, '我同意编辑部在活动留言墙上发布我的文字。');

    const audit = await server.app.store.listAudit({ action: 'campaign_create', limit: 10 });
    assert.equal(audit.items.length, 1);
    assert.equal(audit.items[0].campaignId, NEW_ID);
    assert.equal(audit.items[0].actor.id, admin.id);
    assert.equal(audit.items[0].before, null);
    assert.equal((audit.items[0].after as { status: string }).status, 'open');

    const list = await call('GET', '/v1/staff/campaigns', { who: viewer });
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.json as CampaignList).items.map((c) => [c.id, c.role]),
      [
        [NEW_ID, 'viewer'],
        [CAMPAIGN, 'viewer'],
      ],
    );
  });

  it('a moderator on one campaign who is a viewer, then nobody, on the other cannot decide there', async () => {
    const set = await call('PUT', `/v1/staff/accounts/${moderator.id}/campaign-roles`, {
      who: admin,
      body: { roles: { [NEW_ID]: 'viewer' } },
    });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.json, { staffId: moderator.id, roles: { [NEW_ID]: 'viewer' } });

    const onNew = await call('POST', `/v1/campaigns/${NEW_ID}/submissions`, {
      headers: { 'idempotency-key': 'test-k-new-1-0001' },
      body: validBody({ district: 'north-bank', consentVersion: '2027-01' }),
    });
    assert.equal(onNew.status, 202, onNew.text);
    const onDemo = await call('POST', `/v1/campaigns/${CAMPAIGN}/submissions`, {
      headers: { 'idempotency-key': 'test-k-demo-1-0001' },
      body: validBody(),
    });
    assert.equal(onDemo.status, 202, onDemo.text);

    const refused = await call(
      'POST',
      `/v1/campaigns/${NEW_ID}/submissions/${onNew.json.id}/approve`,
      {
        who: moderator,
      },
    );
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.code, 'forbidden');
    const queued = await call('GET', `/v1/campaigns/${NEW_ID}/staff/queue`, { who: moderator });
    assert.equal(queued.status, 200, 'a viewer there still reads');
    const allowed = await call(
      'POST',
      `/v1/campaigns/${CAMPAIGN}/submissions/${onDemo.json.id}/approve`,
      {
        who: moderator,
      },
    );
    assert.equal(allowed.status, 200, allowed.text);

    await call('PUT', `/v1/staff/accounts/${moderator.id}/campaign-roles`, {
      who: admin,
      body: { roles: { [NEW_ID]: 'none' } },
    });
    for (const [method, path] of [
      ['GET', `/v1/campaigns/${NEW_ID}/staff/queue`],
      ['GET', `/v1/campaigns/${NEW_ID}/submissions`],
      ['POST', `/v1/campaigns/${NEW_ID}/submissions/${onNew.json.id}/approve`],
      ['POST', `/v1/campaigns/${NEW_ID}/staff/submissions/${onNew.json.id}/decision`],
    ]) {
      const response = await call(method, path, {
        who: moderator,
        ...(method === 'POST' ? { body: { action: 'approve', version: 1 } } : {}),
      });
      assert.equal(response.status, 403, `${method} ${path}: ${response.text}`);
      assert.equal(response.json.code, 'forbidden');
    }
    const session = await call('GET', '/v1/staff/session', { who: moderator });
    assert.deepEqual(session.json.campaigns, [CAMPAIGN]);
    assert.deepEqual(session.json.roles, { [CAMPAIGN]: 'moderator' });
    const list = await call('GET', '/v1/staff/campaigns', { who: moderator });
    assert.deepEqual(
      (list.json as CampaignList).items.map((c) => c.id),
      [CAMPAIGN],
    );
    assert.equal((await server.app.store.getSubmission(NEW_ID, onNew.json.id))?.status, 'pending');

    // The service token is an admin on every campaign.
    const byToken = await call(
      'POST',
      `/v1/campaigns/${NEW_ID}/submissions/${onNew.json.id}/reject`,
      {
        who: 'service',
        body: { reason: 'off_topic' },
      },
    );
    assert.equal(byToken.status, 200, byToken.text);
    const tokenList = await call('GET', '/v1/staff/campaigns', { who: 'service' });
    assert.deepEqual(
      (tokenList.json as CampaignList).items.map((c) => [c.id, c.role]),
      [
        [NEW_ID, 'admin'],
        [CAMPAIGN, 'admin'],
      ],
    );

    const audit = await server.app.store.listAudit({ action: 'staff_campaign_role', limit: 10 });
    assert.equal(audit.items.length, 2);
    assert.deepEqual((audit.items[0].before as { roles: unknown }).roles, { [NEW_ID]: 'viewer' });
    assert.deepEqual((audit.items[0].after as { roles: unknown }).roles, { [NEW_ID]: 'none' });
  });

  it('a viewer made admin of one campaign manages it, not the others, and creates no campaign', async () => {
    await call('PUT', `/v1/staff/accounts/${viewer.id}/campaign-roles`, {
      who: admin,
      body: { roles: { [NEW_ID]: 'admin' } },
    });
    const settings = await call('GET', `/v1/campaigns/${NEW_ID}/staff/safety`, { who: viewer });
    assert.equal(settings.status, 200, settings.text);
    const onNew = await call('POST', `/v1/campaigns/${NEW_ID}/submissions`, {
      headers: { 'idempotency-key': 'test-k-new-2-0001' },
      body: validBody({ district: 'north-bank', consentVersion: '2027-01' }),
    });
    const decided = await call(
      'POST',
      `/v1/campaigns/${NEW_ID}/submissions/${onNew.json.id}/approve`,
      {
        who: viewer,
      },
    );
    assert.equal(decided.status, 200, decided.text);
    const onDemo = await call('POST', `/v1/campaigns/${CAMPAIGN}/submissions`, {
      headers: { 'idempotency-key': 'test-k-demo-2-0001' },
      body: validBody(),
    });
    const refused = await call(
      'POST',
      `/v1/campaigns/${CAMPAIGN}/submissions/${onDemo.json.id}/approve`,
      {
        who: viewer,
      },
    );
    assert.equal(refused.status, 403);
    for (const [method, path, body] of [
      ['POST', '/v1/staff/campaigns', newCampaign({ id: 'not-theirs' })],
      ['GET', '/v1/staff/campaign-roles', undefined],
      ['PUT', `/v1/staff/accounts/${viewer.id}/campaign-roles`, { roles: { [CAMPAIGN]: 'admin' } }],
      ['GET', '/v1/staff/accounts', undefined],
    ] as const) {
      const response = await call(method, path, { who: viewer, ...(body ? { body } : {}) });
      assert.equal(response.status, 403, `${method} ${path}: ${response.text}`);
    }
    const session = await call('GET', '/v1/staff/session', { who: viewer });
    assert.deepEqual(session.json.roles, { [CAMPAIGN]: 'viewer', [NEW_ID]: 'admin' });
  });

  it('refuses bad roles, unknown campaigns and accounts, and changes nothing', async () => {
    const before = await server.app.store.listCampaignRoles();
    const cases: [string, unknown, number][] = [
      ['a role that does not exist', { roles: { [NEW_ID]: 'owner' } }, 400],
      ['an unknown campaign', { roles: { 'no-such-campaign': 'viewer' } }, 400],
      ['a list instead of a map', { roles: [] }, 400],
      ['an unknown field', { roles: {}, everyone: true }, 400],
      ['no roles', {}, 400],
    ];
    for (const [what, body, status] of cases) {
      const response = await call('PUT', `/v1/staff/accounts/${moderator.id}/campaign-roles`, {
        who: admin,
        body,
      });
      assert.equal(response.status, status, `${what}: ${response.text}`);
      assert.equal(response.json.code, 'validation', what);
    }
    const unknown = await call('PUT', '/v1/staff/accounts/nobody/campaign-roles', {
      who: admin,
      body: { roles: {} },
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await server.app.store.listCampaignRoles(), before);
    const list = await call('GET', '/v1/staff/campaign-roles', { who: admin });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.items.find((item: { staffId: string }) => item.staffId === moderator.id)?.roles,
      { [NEW_ID]: 'none' },
    );
  });

  it('the last global admin, shut out of every campaign, still gets back in', async () => {
    const out = await call('PUT', `/v1/staff/accounts/${admin.id}/campaign-roles`, {
      who: admin,
      body: { roles: { [CAMPAIGN]: 'none', [NEW_ID]: 'none' } },
    });
    assert.equal(out.status, 200, out.text);
    const queue = await call('GET', `/v1/campaigns/${CAMPAIGN}/staff/queue`, { who: admin });
    assert.equal(queue.status, 403);
    const demote = await call('PATCH', `/v1/staff/accounts/${admin.id}`, {
      who: admin,
      body: { role: 'viewer' },
    });
    assert.equal(demote.status, 409, 'the last admin keeps their own role');
    const back = await call('PUT', `/v1/staff/accounts/${admin.id}/campaign-roles`, {
      who: admin,
      body: { roles: {} },
    });
    assert.equal(back.status, 200, back.text);
    const again = await call('GET', `/v1/campaigns/${CAMPAIGN}/staff/queue`, { who: admin });
    assert.equal(again.status, 200);
  });

  it('widgets on the new campaign: stored once, decided by its moderator, on its wall and live stream', async () => {
    const other = 'harbour-voices';
    const created = await call('POST', '/v1/staff/campaigns', {
      who: 'service',
      body: newCampaign({
        id: other,
        locales: ['zh-Hans'],
        defaultLocale: 'zh-Hans',
        text: { 'zh-Hans': newCampaign().text['zh-Hans'] },
        districts: [],
      }),
    });
    assert.equal(created.status, 201, created.text);
    await call('PUT', `/v1/staff/accounts/${viewer.id}/campaign-roles`, {
      who: admin,
      body: { roles: { [other]: 'moderator' } },
    });
    const stream = await openStream(
      `${server.url}/v1/campaigns/${other}/quotes/stream?locale=zh-Hans`,
    );
    assert.equal(stream.status, 200);
    const body = validBody({
      district: null,
      consentVersion: '2027-01',
      locale: 'zh-Hans',
      message: '江岸的老榕树要留下来，它们见证了这座城市。',
    });
    const first = await call('POST', `/v1/campaigns/${other}/submissions`, {
      headers: { 'idempotency-key': 'test-harbour-1-0001' },
      body,
    });
    assert.equal(first.status, 202, first.text);
    const replay = await call('POST', `/v1/campaigns/${other}/submissions`, {
      headers: { 'idempotency-key': 'test-harbour-1-0001' },
      body,
    });
    assert.equal(replay.json.id, first.json.id);
    const counts = await server.app.store.countSubmissions(other);
    assert.equal(counts.pending, 1, 'stored once');

    const approved = await call(
      'POST',
      `/v1/campaigns/${other}/submissions/${first.json.id}/approve`,
      {
        who: viewer,
      },
    );
    assert.equal(approved.status, 200, approved.text);
    const wall = await call('GET', `/v1/campaigns/${other}/quotes?locale=zh-Hans`);
    assert.equal(wall.status, 200);
    assert.deepEqual(
      wall.json.items.map((q: { text: string }) => q.text),
      ['江岸的老榕树要留下来，它们见证了这座城市。'],
    );
    const events = await stream.waitFor(1);
    const quote = events.find((e) => e.event === 'quote');
    assert.ok(quote, JSON.stringify(events));
    assert.equal(JSON.parse(quote.data).text, '江岸的老榕树要留下来，它们见证了这座城市。');
    stream.close();
    const demoWall = await call('GET', `/v1/campaigns/${CAMPAIGN}/quotes`);
    assert.ok(!demoWall.text.includes('老榕树'), 'nothing leaks onto the other campaign’s wall');
  });

  it('a flood of creations with one id makes one campaign and one audit entry; an oversized body stores nothing', async () => {
    const id = 'flood-test';
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        call('POST', '/v1/staff/campaigns', { who: admin, body: newCampaign({ id }) }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 409).length, 29);
    const audit = await server.app.store.listAudit({ action: 'campaign_create', limit: 50 });
    assert.equal(audit.items.filter((entry) => entry.campaignId === id).length, 1);

    const huge = newCampaign({ id: 'too-big' });
    huge.text.en!.summary = 'x'.repeat(2_000_000);
    const big = await call('POST', '/v1/staff/campaigns', { who: admin, body: huge });
    assert.equal(big.status, 413, big.text);
    assert.equal(await server.app.store.getCampaign('too-big'), null);
  });

  it('lists the new routes in the OpenAPI document', async () => {
    const doc = await call('GET', '/v1/openapi.json');
    assert.equal(doc.status, 200);
    for (const path of [
      '/v1/staff/campaigns',
      '/v1/staff/campaign-roles',
      '/v1/staff/accounts/{id}/campaign-roles',
    ]) {
      assert.ok(doc.json.paths[path], path);
    }
    assert.ok(doc.json.components.schemas.CampaignCreate);
  });
});

// ---- the store, on each dialect ----

interface Opened {
  store: Store;
  dispose: () => Promise<void>;
}

function storeSuite(open: () => Promise<Opened>) {
  let opened: Opened;
  before(async () => {
    opened = await open();
    await opened.store.putCampaign(DEMO_CAMPAIGN);
  });
  after(() => opened.dispose());

  const audit = (action: 'campaign_create' | 'staff_campaign_role', campaignId: string | null) => ({
    campaignId,
    at: Date.now(),
    actor: { kind: 'service' as const, id: null, name: 'service' },
    action,
    submissionId: null,
    reason: null,
    note: null,
    before: null,
    after: { x: 1 },
  });

  it('creates a campaign once, with its audit entry; a second time stores nothing', async () => {
    const { store } = opened;
    const record = { ...DEMO_CAMPAIGN, id: 'second' };
    const first = await store.createCampaign(
      record,
      Date.now(),
      audit('campaign_create', 'second'),
    );
    assert.equal(first.kind, 'created');
    const again = await store.createCampaign(
      { ...record, status: 'closed' },
      Date.now(),
      audit('campaign_create', 'second'),
    );
    assert.equal(again.kind, 'exists');
    assert.equal((await store.getCampaign('second'))?.status, 'open');
    const entries = await store.listAudit({ action: 'campaign_create', limit: 10 });
    assert.equal(entries.items.length, 1);
  });

  it('replaces an account’s roles per campaign in one go, with its audit entry', async () => {
    const { store } = opened;
    const staff = await store.createStaff({
      id: 'staff-1',
      email: 's@example.org',
      name: 'S',
      role: 'moderator',
      locale: 'en',
      passwordHash: null,
      createdAt: Date.now(),
    });
    assert.notEqual(staff, 'email_taken');
    await store.setCampaignRoles(
      'staff-1',
      new Map([
        [CAMPAIGN, 'viewer'],
        ['second', 'none'],
      ]),
      audit('staff_campaign_role', null),
    );
    assert.equal(await store.campaignRoleOf('staff-1', CAMPAIGN), 'viewer');
    assert.equal(await store.campaignRoleOf('staff-1', 'second'), 'none');
    await store.setCampaignRoles(
      'staff-1',
      new Map([['second', 'admin']]),
      audit('staff_campaign_role', null),
    );
    assert.equal(await store.campaignRoleOf('staff-1', CAMPAIGN), null);
    assert.deepEqual([...(await store.campaignRolesOf('staff-1'))], [['second', 'admin']]);
    assert.deepEqual(await store.listCampaignRoles(), [
      { staffId: 'staff-1', campaignId: 'second', role: 'admin' },
    ]);
    const entries = await store.listAudit({ action: 'staff_campaign_role', limit: 10 });
    assert.equal(entries.items.length, 2);
  });

  it('refuses a role for a campaign that does not exist, and keeps the old ones', async () => {
    const { store } = opened;
    await assert.rejects(
      store.setCampaignRoles(
        'staff-1',
        new Map([['ghost', 'viewer']]),
        audit('staff_campaign_role', null),
      ),
    );
    assert.deepEqual([...(await store.campaignRolesOf('staff-1'))], [['second', 'admin']]);
  });
}

describe('campaign roles store on SQLite', () => {
  storeSuite(async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    return { store, dispose: () => store.close() };
  });
});

describePostgres('campaign roles store on PostgreSQL', () => {
  storeSuite(async () => {
    const { schema, drop } = testSchema();
    const store = new PgStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.migrate();
    return {
      store,
      dispose: async () => {
        await store.close();
        await drop();
      },
    };
  });
});

describePostgres('a campaign created on one PostgreSQL instance', () => {
  let a: RunningServer;
  let b: RunningServer;
  let drop: () => Promise<void>;
  before(async () => {
    const made = testSchema();
    drop = made.drop;
    const options = {
      databaseUrl: TEST_DATABASE_URL,
      databaseSchema: made.schema,
      maxEventLoopDelayMs: false as const,
    };
    a = await makeServer(options);
    b = await makeServer(options);
  });
  after(async () => {
    await a.close();
    await b.close();
    await drop();
  });

  it('is carried by the other within CAMPAIGN_REFRESH_MS, and its roles apply there at once', async () => {
    const onA = client(a.url);
    const onB = client(b.url);
    const created = await onA('POST', '/v1/staff/campaigns', {
      who: 'service',
      body: newCampaign(),
    });
    assert.equal(created.status, 201, created.text);
    const started = Date.now();
    let status = 0;
    while (Date.now() - started < CAMPAIGN_REFRESH_MS + 3000) {
      status = (await onB('GET', `/v1/campaigns/${NEW_ID}`)).status;
      if (status === 200) break;
      await delay(200);
    }
    assert.equal(status, 200, 'instance B carries the new campaign');
    const first = await firstAdminLink(a.app.store, a.app.publicUrl);
    const ada = await signedIn(onA, tokenOf(first!.link), {
      email: 'ada@example.org',
      name: 'Ada',
    });
    await onA('PUT', `/v1/staff/accounts/${ada.id}/campaign-roles`, {
      who: ada,
      body: { roles: { [NEW_ID]: 'none' } },
    });
    const onBQueue = await onB('GET', `/v1/campaigns/${NEW_ID}/staff/queue`, { who: ada });
    assert.equal(onBQueue.status, 403, onBQueue.text);
  });
});
