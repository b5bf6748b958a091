// The built newsroom console (dist/console/console.js) on a page of its own, with a
// newsroom in the page: `fetch` and `EventSource` are stubbed before the console loads,
// and answer from fixture data (a signed-in moderator, N pending submissions, pages of
// 50, decisions). No API process, no network: what is measured is the console.
//
// startConsoleFixture({ items, locale, role }) → { url, close() }; open `${url}` in a
// browser. Used by bench/measure/console.mjs (and handy for looking at the console).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT } from './util.mjs';
import { join } from 'node:path';

const BUNDLE = join(ROOT, 'dist', 'console', 'console.js');

/** Runs in the page, before the console: the fake newsroom. */
function inPageNewsroom(options) {
  const { items: count, locale, role } = options;
  let signedIn = options.signedIn;
  const CAMPAIGN = 'spirit-of-chongqing';
  const STAFF = `/v1/campaigns/${CAMPAIGN}/staff`;
  const districts = [
    ['yuzhong', 'Yuzhong', '渝中区'],
    ['jiangbei', 'Jiangbei', '江北区'],
    ['nanan', 'Nan’an', '南岸区'],
    ['shapingba', 'Shapingba', '沙坪坝区'],
  ];
  const en = [
    'Chongqing people climb every hill together and never give up, whatever the weather.',
    'Hotpot with strangers on a foggy night: that is the spirit of this city.',
    'The Hongyan spirit taught my grandmother to hold firm; she taught me.',
    'When fire swept the mountains, we carried water up the slopes on motorbikes.',
    'The cable car over the Yangtze is how I go to work; the river reminds me we keep moving.',
  ];
  const zh = [
    '重庆人爬坡上坎，从不服输，不管天晴下雨。',
    '雾夜里和陌生人一起吃火锅，这就是这座城市的精神。',
    '红岩精神教会奶奶坚守，奶奶又教会了我。',
    '山火蔓延的时候，我们骑着摩托把水送上山，一趟又一趟。',
    '每天坐长江索道上班，江水提醒我们一直向前。',
  ];
  const li = { kind: 'staff', id: 'u-li', name: '李明' };
  const me = {
    id: 'u-wang',
    email: 'wang@newsroom.example',
    name: 'Wang Fang',
    role,
    locale,
    disabledAt: null,
    passwordSet: true,
    createdAt: '2026-11-01T08:00:00.000Z',
    lastSignInAt: new Date().toISOString(),
  };
  const now = Date.now();
  const items = [];
  for (let i = 1; i <= count; i++) {
    const chinese = i % 3 !== 0;
    const d = districts[i % districts.length];
    items.push({
      id: `s${i}`,
      status: 'pending',
      version: 1,
      message: (chinese ? zh : en)[i % 5],
      displayName:
        i % 4 === 0 ? null : chinese ? ['张伟', '刘洋', '陈静', '杨帆'][i % 4] : 'Mia Chen',
      anonymous: i % 4 === 0,
      district: { id: d[0], name: locale === 'zh-Hans' ? d[2] : d[1] },
      email: i % 2 ? `reader${i}@example.com` : null,
      locale: chinese ? 'zh-Hans' : 'en',
      publishPermission: i % 9 !== 0,
      consentVersion: '2024-03',
      receivedAt: new Date(now - (count - i + 30) * 97000).toISOString(),
      origin: ['https://partner.example', 'https://news.example', null][i % 3],
      photoId: i % 4 === 1 ? `reader-${i}` : null,
      photoPublished: true,
      photoAlt: null,
      featured: false,
      decision: null,
    });
  }
  // A few decided already, by a colleague.
  for (const [i, status, reason] of [
    [2, 'approved', null],
    [5, 'rejected', 'spam'],
    [11, 'approved', null],
    [17, 'removed', 'personal_data'],
  ]) {
    if (!items[i]) continue;
    Object.assign(items[i], {
      status,
      version: 2,
      featured: i === 11,
      decision: { actor: li, at: new Date(now - 3600000 * i).toISOString(), reason, note: null },
    });
  }
  const audit = items
    .filter((i) => i.decision)
    .map((item, n) => ({
      id: `a${n + 1}`,
      campaignId: CAMPAIGN,
      at: item.decision.at,
      actor: li,
      action: { approved: 'approve', rejected: 'reject', removed: 'remove' }[item.status],
      submissionId: item.id,
      reason: item.decision.reason,
      note: null,
      before: null,
      after: null,
      undoable: true,
    }));
  const counts = () => {
    const c = { pending: 0, approved: 0, rejected: 0, removed: 0 };
    for (const i of items) c[i.status]++;
    return c;
  };
  const session = () => ({
    staff: me,
    csrfToken: 'c',
    expiresAt: new Date(now + 864e5).toISOString(),
    campaigns: [CAMPAIGN],
  });
  const json = (body, status = 200) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const routes = [
    [
      'GET',
      /^\/v1\/staff\/session$/,
      () =>
        signedIn ? session() : [401, { statusCode: 401, code: 'unauthorized', message: 'Sign in' }],
    ],
    [
      'POST',
      /^\/v1\/staff\/session$/,
      () => {
        signedIn = true;
        return session();
      },
    ],
    ['PATCH', /^\/v1\/staff\/me$/, (b) => Object.assign(me, b)],
    [
      'GET',
      /^\/v1\/campaigns\/[^/]+$/,
      (_b, q) => ({
        id: CAMPAIGN,
        locale: q.get('locale'),
        title: q.get('locale') === 'zh-Hans' ? '重庆城市精神' : 'Spirit of Chongqing City',
        districts: districts.map((d) => ({
          id: d[0],
          name: q.get('locale') === 'zh-Hans' ? d[2] : d[1],
        })),
      }),
    ],
    [
      'GET',
      new RegExp(`^${STAFF}/queue$`),
      (_b, q) => {
        const status = q.get('status') ?? 'pending';
        const list = items.filter((i) => i.status === status);
        const cursor = items.find((i) => i.id === q.get('after'));
        let start = cursor ? list.findIndex((i) => i.receivedAt > cursor.receivedAt) : 0;
        if (start < 0) start = list.length;
        const limit = Number(q.get('limit') ?? 50);
        const page = list.slice(start, start + limit);
        return {
          items: page,
          next: start + limit < list.length ? page[page.length - 1].id : null,
          counts: counts(),
          origins: ['https://news.example', 'https://partner.example'],
        };
      },
    ],
    [
      'GET',
      new RegExp(`^${STAFF}/submissions/([^/]+)$`),
      (_b, _q, m) => {
        const item = items.find((i) => i.id === m[1]);
        return { item, history: audit.filter((a) => a.submissionId === item.id) };
      },
    ],
    [
      'POST',
      new RegExp(`^${STAFF}/submissions/([^/]+)/decision$`),
      (b, _q, m) => {
        const item = items.find((i) => i.id === m[1]);
        const status = {
          approve: 'approved',
          reject: 'rejected',
          remove: 'removed',
          reopen: 'pending',
        }[b.action];
        return Object.assign(item, {
          status,
          version: item.version + 1,
          decision: {
            actor: { kind: 'staff', id: me.id, name: me.name },
            at: new Date().toISOString(),
            reason: b.reason ?? null,
            note: b.note ?? null,
          },
        });
      },
    ],
    ['GET', new RegExp(`^${STAFF}/audit$`), () => ({ items: audit, next: null })],
    [
      'GET',
      /^\/v1\/staff\/accounts$/,
      () => ({
        items: [
          me,
          { ...me, id: 'u-li', name: '李明', email: 'li@newsroom.example', role: 'moderator' },
          {
            ...me,
            id: 'u-zhao',
            name: 'Zhao Lei',
            email: 'zhao@newsroom.example',
            role: 'viewer',
            passwordSet: false,
            lastSignInAt: null,
          },
        ],
      }),
    ],
  ];
  window.fetch = async (input, init = {}) => {
    const url = new URL(String(input), location.href);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    for (const [m, pattern, answer] of routes) {
      const match = m === method && pattern.exec(url.pathname);
      if (!match) continue;
      const answered = answer(body, url.searchParams, match);
      return Array.isArray(answered) ? json(answered[1], answered[0]) : json(answered);
    }
    return json({ statusCode: 404, code: 'not_found', message: 'fixture' }, 404);
  };
  window.EventSource = class extends EventTarget {
    static CLOSED = 2;
    readyState = 0;
    constructor(url) {
      super();
      this.url = url;
      setTimeout(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
      }, 0);
    }
    close() {
      this.readyState = 2;
    }
  };
}

const PHOTO = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="427" viewBox="0 0 640 427">
<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8fb3d9"/><stop offset="1" stop-color="#f2d3a2"/></linearGradient></defs>
<rect width="640" height="427" fill="url(#g)"/><path d="M0 330 L120 210 L210 280 L330 160 L460 290 L540 230 L640 300 L640 427 L0 427Z" fill="#5b6b4f"/>
<path d="M0 380 C160 350 320 410 640 370 L640 427 L0 427Z" fill="#3d5a73"/></svg>`;

export async function startConsoleFixture({
  items = 120,
  locale = 'en',
  role = 'moderator',
  signedIn = true,
} = {}) {
  if (!existsSync(BUNDLE)) {
    throw new Error('dist/console/console.js is missing: run `npm run build:console` first.');
  }
  const fixture = `(${inPageNewsroom})(${JSON.stringify({ items, locale, role, signedIn })});`;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Newsroom console · fixture</title><link rel="icon" href="data:,">
<script src="/fixture.js"></script><script type="module" src="/console/console.js"></script></head>
<body><newsroom-console></newsroom-console></body></html>`;
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    const send = (type, body) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (path === '/moderate') send('text/html; charset=utf-8', page);
    else if (path === '/fixture.js') send('text/javascript', fixture);
    else if (path === '/console/console.js') send('text/javascript', readFileSync(BUNDLE));
    else if (path.endsWith('/photo')) send('image/svg+xml', PHOTO);
    else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/moderate`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
