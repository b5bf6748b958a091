// A small campaign API for tests of the submission form that must control the campaign
// and how submissions are answered: the campaign's live stream (`campaign` events),
// a site that may not send yet (403 origin_not_allowed), a lost connection. Each test
// uses its own "room" (any id), so rooms never share state.
//
//   GET  /__cf/<room>/v1/campaigns/<campaign>?locale=          Campaign, as the room has it
//   GET  /__cf/<room>/v1/campaigns/<campaign>/stream?locale=   SSE: `campaign` events
//   POST /__cf/<room>/v1/campaigns/<campaign>/submissions      as `answer` says
//   GET  /__cf/<room>/set?status=open|closed&closesAt=&consent=&publish=0
//        changes the campaign and (unless publish=0) sends every open stream a
//        `campaign` event in that stream's locale
//   GET  /__cf/<room>/answer?mode=accept|origin|drop   how submissions are answered:
//        202 accepted (one id per Idempotency-Key), 403 origin_not_allowed, or the
//        connection cut mid-answer (a network error, as a CORS refusal looks)
//   GET  /__cf/<room>/drop    cut every open stream
//   GET  /__cf/<room>/stats   { campaigns, streams, open, locales, posts, stored, last }
//        (last: the last submission's content-type, key and body)
const rooms = new Map();

function room(id) {
  let r = rooms.get(id);
  if (!r) {
    r = {
      campaign: { status: 'open', closesAt: null, consent: '1' },
      answer: 'accept',
      clients: new Set(), // { res, locale }
      stored: new Map(), // idempotency key → id
      stats: { campaigns: 0, streams: 0, locales: [], posts: 0 },
    };
    rooms.set(id, r);
  }
  return r;
}

const TERMS = {
  en: (v) => `Terms version ${v}: the newsroom keeps what you send.`,
  'zh-Hans': (v) => `条款第 ${v} 版：编辑部保存您发送的内容。`,
};

function campaign(r, id, locale) {
  const { status, closesAt, consent } = r.campaign;
  return {
    id,
    locale,
    defaultLocale: 'en',
    locales: ['en', 'zh-Hans'],
    title: locale === 'zh-Hans' ? '山城精神' : 'Spirit of Chongqing City',
    summary: '',
    status,
    closesAt,
    privacyPolicyUrl: 'https://spirit.example.cn/privacy',
    consent: { version: consent, text: (TERMS[locale] ?? TERMS.en)(consent) },
    limits: {
      messageMinLength: 10,
      messageMaxLength: 1000,
      displayNameMaxLength: 60,
      photoMaxBytes: 5_000_000,
      photoMaxDimension: 2048,
      photoTypes: ['image/jpeg'],
    },
    districts: [{ id: 'yuzhong', name: locale === 'zh-Hans' ? '渝中区' : 'Yuzhong' }],
    reportContact: null,
    reportsOptional: false,
  };
}

function json(ctx, body, status = 200) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.set('cache-control', 'no-store');
  ctx.body = JSON.stringify(body);
}

async function submit(ctx, r) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  r.stats.posts++;
  // What the last submission carried, for tests of the client's submit().
  r.stats.last = {
    type: ctx.get('content-type'),
    key: ctx.get('idempotency-key'),
    body: Buffer.concat(chunks).toString('latin1').slice(0, 4000),
  };
  if (r.answer === 'drop') {
    ctx.respond = false;
    ctx.res.writeHead(202, { 'content-type': 'application/json', 'content-length': '100' });
    ctx.res.write('{"id":');
    setTimeout(() => ctx.res.destroy(), 20);
    return;
  }
  if (r.answer === 'origin') {
    return json(
      ctx,
      {
        statusCode: 403,
        code: 'origin_not_allowed',
        message: 'This site may not send submissions',
      },
      403,
    );
  }
  const key = ctx.get('idempotency-key');
  if (!r.stored.has(key)) r.stored.set(key, crypto.randomUUID());
  return json(
    ctx,
    { id: r.stored.get(key), status: 'pending', receivedAt: new Date().toISOString() },
    202,
  );
}

export async function formEndpoints(ctx, next) {
  const url = new URL(ctx.url, 'http://localhost');
  const match = /^\/__cf\/([\w-]+)\/(.*)$/.exec(url.pathname);
  if (!match) return next();
  const r = room(match[1]);
  const route = match[2];
  const q = url.searchParams;

  if (route === 'set') {
    const c = r.campaign;
    if (q.has('status')) c.status = q.get('status');
    if (q.has('closesAt')) c.closesAt = q.get('closesAt') || null;
    if (q.has('consent')) c.consent = q.get('consent');
    if (q.get('publish') !== '0') {
      for (const { res, locale, id } of r.clients) {
        res.write(`event: campaign\ndata: ${JSON.stringify(campaign(r, id, locale))}\n\n`);
      }
    }
    return json(ctx, { ...c, sent: r.clients.size });
  }
  if (route === 'answer') {
    r.answer = q.get('mode') ?? 'accept';
    return json(ctx, { answer: r.answer });
  }
  if (route === 'drop') {
    const n = r.clients.size;
    for (const { res } of r.clients) res.destroy();
    r.clients.clear();
    return json(ctx, { dropped: n });
  }
  if (route === 'stats') {
    return json(ctx, { ...r.stats, open: r.clients.size, stored: r.stored.size });
  }

  const api = /^v1\/campaigns\/([^/]+)(\/stream|\/submissions)?$/.exec(route);
  if (!api) return next();
  const id = decodeURIComponent(api[1]);
  const locale = q.get('locale') ?? 'en';
  if (api[2] === '/submissions' && ctx.method === 'POST') return submit(ctx, r);
  if (ctx.method !== 'GET') return next();
  if (!api[2]) {
    r.stats.campaigns++;
    return json(ctx, campaign(r, id, locale));
  }
  if (api[2] !== '/stream') return next();
  r.stats.streams++;
  r.stats.locales.push(locale);
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write('retry: 50\n\n');
  const client = { res, locale, id };
  r.clients.add(client);
  res.on('close', () => r.clients.delete(client));
}
