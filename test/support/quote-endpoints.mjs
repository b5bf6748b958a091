// A small quotes API with a real Server-Sent Events stream, for tests of the quote
// wall that must control the connection: drop it, refuse it, count it. Each test uses
// its own "room" (any id), so rooms never share state.
//
//   GET  /__qw/<room>/v1/campaigns/<campaign>?locale=                  Campaign (its reporting line)
//   GET  /__qw/<room>/v1/campaigns/<campaign>/quotes?limit=&before=   QuotePage
//   POST /__qw/<room>/v1/campaigns/<campaign>/quotes/<id>/reports     202, or as `reporting` says
//   GET  /__qw/<room>/v1/campaigns/<campaign>/quotes/stream            SSE (`quote`, `remove`)
//   GET  /__qw/<room>/add?text=&name=&lang=&photo=&n=                  approve quote(s)
//   GET  /__qw/<room>/edit?id=&text=&featured=0|1                      change a quote, live
//   GET  /__qw/<room>/remove?id=                                        withdraw a quote
//   GET  /__qw/<room>/drop                                              cut every open stream
//   GET  /__qw/<room>/refuse?on=1|0                                     stream answers 503
//   GET  /__qw/<room>/slow?ms=                                          delay the quotes list
//   GET  /__qw/<room>/stats                                             what the server saw
//   GET  /__qw/<room>/reporting?optional=0|1&contact=phone|email|url|none&down=0|1&answer=
//                                                                        the campaign's reporting
//                                                                        settings (down: the campaign
//                                                                        answers 503), and how reports
//                                                                        are answered: accept (202),
//                                                                        not_found, rate_limited,
//                                                                        origin, validation, drop
//                                                                        (no answer), slow (1 s, 202)
//   GET  /__qw/<room>/reports                                           the reports received
//   GET  /__qw/<room>/upstream?url=                                     proxy the API routes
//                                                                        to a real API instead
//   *    /__qw/<room>/staff/<path>                                     to that API's <path>, with
//                                                                        method, body, Authorization
//                                                                        (staff routes send no CORS)
//
// Resuming follows the reference server: the `Last-Event-ID` header, else the
// `lastEventId` query, else from now. Every stream starts with `retry: 50`.
import { request } from 'node:http';

const rooms = new Map();

function room(id) {
  let r = rooms.get(id);
  if (!r) {
    r = {
      seq: 0,
      quotes: [], // { seq, quote }, oldest first
      events: [], // { id, type, data }
      clients: new Set(),
      refuse: false,
      slow: 0,
      stats: { streams: 0, lists: 0, campaigns: 0, resumedFrom: [] },
      reporting: { optional: false, contact: 'phone', down: false, answer: 'accept' },
      reports: [], // { quoteId, body, locale }
    };
    rooms.set(id, r);
  }
  return r;
}

function publish(r, type, data) {
  const event = { id: ++r.seq, type, data };
  r.events.push(event);
  for (const res of r.clients) write(res, event);
  return event;
}

function write(res, event) {
  res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

function json(ctx, body, status = 200) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.set('cache-control', 'no-store');
  ctx.body = JSON.stringify(body);
}

const CONTACTS = {
  phone: '+86-23-67158993',
  email: 'report@spirit.example.cn',
  url: 'https://report.spirit.example.cn/',
};
const CONTACT_LABELS = {
  en: 'Spirit of Chongqing reporting line',
  'zh-Hans': '山城精神举报电话',
};

function campaign(r, id, locale) {
  const { contact, optional } = r.reporting;
  return {
    id,
    locale,
    defaultLocale: 'en',
    locales: ['en', 'zh-Hans'],
    title: locale === 'zh-Hans' ? '山城精神' : 'Spirit of Chongqing City',
    summary: '',
    status: 'open',
    closesAt: null,
    privacyPolicyUrl: 'https://spirit.example.cn/privacy',
    consent: { version: '1', text: '' },
    limits: {
      messageMinLength: 10,
      messageMaxLength: 1000,
      displayNameMaxLength: 60,
      photoMaxBytes: 5_000_000,
      photoMaxDimension: 2048,
      photoTypes: ['image/jpeg'],
    },
    districts: [],
    reportContact: CONTACTS[contact]
      ? { kind: contact, value: CONTACTS[contact], label: CONTACT_LABELS[locale] }
      : null,
    reportsOptional: optional,
  };
}

const error = (ctx, status, code) => json(ctx, { statusCode: status, code, message: code }, status);

async function report(ctx, r, quoteId) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    body = null;
  }
  const locale = new URL(ctx.url, 'http://localhost').searchParams.get('locale');
  r.reports.push({ quoteId, body, locale, contentType: ctx.get('content-type') });
  const { answer } = r.reporting;
  if (answer === 'drop') {
    // The connection breaks in the middle of the answer: a network error. (A socket
    // closed before any answer would make Chromium send the POST again.)
    ctx.respond = false;
    ctx.res.writeHead(202, { 'content-type': 'application/json', 'content-length': '100' });
    ctx.res.write('{"id":');
    setTimeout(() => ctx.res.destroy(), 20);
    return;
  }
  if (answer === 'rate_limited') {
    ctx.set('retry-after', '120');
    return error(ctx, 429, 'rate_limited');
  }
  if (answer === 'origin') return error(ctx, 403, 'origin_not_allowed');
  if (answer === 'validation') return error(ctx, 422, 'validation');
  // A quote no longer published (withdrawn, hidden) is not found, as on the real API.
  if (answer === 'not_found' || !r.quotes.some((e) => e.quote.id === quoteId)) {
    return error(ctx, 404, 'not_found');
  }
  if (answer === 'slow') await new Promise((resolve) => setTimeout(resolve, 1000));
  return json(ctx, { id: `rep-${r.reports.length}`, received: true }, 202);
}

const districts = [{ id: 'yuzhong', name: 'Yuzhong' }, { id: 'jiangbei', name: 'Jiangbei' }, null];

export async function quoteEndpoints(ctx, next) {
  const url = new URL(ctx.url, 'http://localhost');
  const match = /^\/__qw\/([\w-]+)\/(.*)$/.exec(url.pathname);
  if (!match) return next();
  const r = room(match[1]);
  const route = match[2];
  const q = url.searchParams;

  if (route === 'add') {
    const n = Number(q.get('n') ?? 1);
    const added = [];
    for (let i = 0; i < n; i++) {
      const id = `q${r.seq + 1}`;
      const quote = {
        id,
        text: n > 1 ? `${q.get('text') ?? 'Quote'} ${i + 1}` : (q.get('text') ?? `Quote ${id}`),
        displayName: q.has('name') ? q.get('name') || null : 'Reader',
        district: districts[r.seq % districts.length],
        locale: q.get('lang') ?? 'en',
        approvedAt: q.get('at') ?? new Date().toISOString(),
        photoId: q.get('photo'),
      };
      const event = publish(r, 'quote', quote);
      r.quotes.push({ seq: event.id, quote });
      added.push(quote);
    }
    return json(ctx, added);
  }
  if (route === 'edit') {
    const entry = r.quotes.find((e) => e.quote.id === q.get('id'));
    if (!entry) return json(ctx, { ok: false }, 404);
    entry.quote = {
      ...entry.quote,
      text: q.get('text') ?? entry.quote.text,
      ...(q.has('featured') ? { featured: q.get('featured') === '1' } : {}),
    };
    publish(r, 'quote', entry.quote);
    return json(ctx, entry.quote);
  }
  if (route === 'remove') {
    const index = r.quotes.findIndex((e) => e.quote.id === q.get('id'));
    if (index < 0) return json(ctx, { ok: false }, 404);
    r.quotes.splice(index, 1);
    publish(r, 'remove', { id: q.get('id') });
    return json(ctx, { ok: true });
  }
  if (route === 'drop') {
    const n = r.clients.size;
    for (const res of r.clients) res.destroy();
    r.clients.clear();
    return json(ctx, { dropped: n });
  }
  if (route === 'refuse') {
    r.refuse = q.get('on') === '1';
    return json(ctx, { refuse: r.refuse });
  }
  if (route === 'slow') {
    r.slow = Number(q.get('ms') ?? 0);
    return json(ctx, { slow: r.slow });
  }
  if (route === 'upstream') {
    r.upstream = q.get('url');
    return json(ctx, { upstream: r.upstream });
  }
  if (route === 'reporting') {
    const s = r.reporting;
    if (q.has('optional')) s.optional = q.get('optional') === '1';
    if (q.has('down')) s.down = q.get('down') === '1';
    if (q.has('contact')) s.contact = q.get('contact');
    if (q.has('answer')) s.answer = q.get('answer');
    return json(ctx, s);
  }
  if (route === 'reports') return json(ctx, r.reports);
  if (route === 'stats') {
    return json(ctx, { ...r.stats, open: r.clients.size, lastEventId: r.seq });
  }

  if (route.startsWith('staff/') && r.upstream) {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    return proxy(ctx, r, `${r.upstream}/${route.slice(6)}${url.search}`, false, {
      method: ctx.method,
      body: Buffer.concat(chunks),
    });
  }

  const one = /^v1\/campaigns\/([^/]+)$/.exec(route);
  if (one && ctx.method === 'GET' && !r.upstream) {
    r.stats.campaigns++;
    if (r.reporting.down) return error(ctx, 503, 'unavailable');
    return json(ctx, campaign(r, decodeURIComponent(one[1]), q.get('locale') ?? 'en'));
  }
  const reports = /^v1\/campaigns\/[^/]+\/quotes\/([^/]+)\/reports$/.exec(route);
  if (reports && ctx.method === 'POST' && !r.upstream) {
    return report(ctx, r, decodeURIComponent(reports[1]));
  }

  const api = /^v1\/campaigns\/[^/]+\/quotes(\/stream)?$/.exec(route);
  if (!api) return next();

  if (api[1]) r.stats.streams++;
  else r.stats.lists++;
  if (api[1] && r.refuse) {
    return json(ctx, { statusCode: 503, code: 'unavailable', message: 'no' }, 503);
  }
  if (r.upstream) return proxy(ctx, r, `${r.upstream}/${route}${url.search}`, !!api[1]);

  if (!api[1]) {
    if (r.slow) await new Promise((resolve) => setTimeout(resolve, r.slow));
    const limit = Math.min(100, Number(q.get('limit') ?? 20));
    const before = q.has('before') ? Number(q.get('before')) : Infinity;
    const rows = r.quotes
      .filter((e) => e.seq < before)
      .reverse()
      .slice(0, limit + 1);
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    return json(ctx, {
      items: items.map((e) => e.quote),
      nextBefore: more ? String(items[items.length - 1].seq) : null,
      lastEventId: r.seq,
    });
  }

  // The stream.
  const header = ctx.get('last-event-id');
  const from = Number(header || q.get('lastEventId') || r.seq);
  r.stats.resumedFrom.push(from);
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write('retry: 50\n\n');
  for (const event of r.events) if (event.id > from) write(res, event);
  r.clients.add(res);
  res.on('close', () => r.clients.delete(res));
}

// Forwards one GET to the real API; a stream joins the room's clients, so `drop` cuts it.
function proxy(ctx, r, target, stream, { method = 'GET', body } = {}) {
  ctx.respond = false;
  const res = ctx.res;
  const headers = { accept: ctx.get('accept') || '*/*' };
  for (const name of ['authorization', 'content-type']) {
    if (ctx.get(name)) headers[name] = ctx.get(name);
  }
  const last = ctx.get('last-event-id');
  if (last) headers['last-event-id'] = last;
  if (stream) {
    r.stats.resumedFrom.push(Number(last || new URL(target).searchParams.get('lastEventId')));
  }
  return new Promise((resolve) => {
    const upstream = request(target, { method, headers }, (answer) => {
      res.writeHead(answer.statusCode, {
        'content-type': answer.headers['content-type'] ?? 'application/json',
        'cache-control': 'no-store',
      });
      answer.pipe(res);
      if (stream) r.clients.add(res);
      answer.on('end', resolve);
    });
    upstream.on('error', () => {
      res.destroy();
      resolve();
    });
    // End the upstream when the browser's side closes (the response, not the request).
    res.on('close', () => {
      r.clients.delete(res);
      upstream.destroy();
      resolve();
    });
    upstream.end(body);
  });
}
