// A small quotes API with a real Server-Sent Events stream, for tests of the quote
// wall that must control the connection: drop it, refuse it, count it. Each test uses
// its own "room" (any id), so rooms never share state. The protocol itself (pages,
// events, catch-up, withdrawals, ETags, reports) is quote-protocol.ts, loaded here
// through tsx; this file is its HTTP side and the controls.
//
//   GET  /__qw/<room>/v1/campaigns/<campaign>?locale=                  Campaign (its reporting line)
//   GET  /__qw/<room>/v1/campaigns/<campaign>/quotes?limit=&before=   QuotePage (ETag, 304)
//   POST /__qw/<room>/v1/campaigns/<campaign>/quotes/<id>/reports     202, or as `reporting` says
//   GET  /__qw/<room>/v1/campaigns/<campaign>/quotes/stream            SSE (`quote`, `remove`)
//   GET  /__qw/<room>/add?text=&name=&lang=&photo=&at=&n=              approve quote(s)
//   GET  /__qw/<room>/edit?id=&text=&featured=0|1                      change a quote, live
//   GET  /__qw/<room>/remove?id=                                        withdraw a quote
//   GET  /__qw/<room>/drop                                              cut every open stream
//   GET  /__qw/<room>/refuse?on=1|0                                     stream answers 503
//   GET  /__qw/<room>/slow?ms=                                          delay the quotes list
//   GET  /__qw/<room>/stats                                             what the server saw
//   GET  /__qw/<room>/reporting?optional=0|1&contact=phone|email|url|none&down=0|1&answer=
//        the campaign's reporting settings (down: the campaign answers 503), and how reports
//        are answered: accept (202), not_found, rate_limited, origin, validation, drop (no
//        answer), slow (1 s, 202)
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
import { tsImport } from 'tsx/esm/api';

const { QuoteRoom, sseFrame } = await tsImport('./quote-protocol.ts', import.meta.url);

const rooms = new Map();

function room(id) {
  let r = rooms.get(id);
  if (!r) {
    r = Object.assign(new QuoteRoom(), {
      clients: new Set(),
      refuse: false,
      slow: 0,
      upstream: undefined,
      stats: { streams: 0, lists: 0, campaigns: 0, resumedFrom: [] },
    });
    r.subscribe((event) => r.clients.forEach((res) => res.write(sseFrame(event))));
    rooms.set(id, r);
  }
  return r;
}

function json(ctx, body, status = 200, headers = {}) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.set({ 'cache-control': 'no-store', ...headers });
  ctx.body = JSON.stringify(body);
}

const error = (ctx, status, code) => json(ctx, { statusCode: status, code, message: code }, status);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function bodyOf(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const districts = [{ id: 'yuzhong', name: 'Yuzhong' }, { id: 'jiangbei', name: 'Jiangbei' }, null];

/** The test controls (null: 404, no such quote): approve, change, withdraw, cut, refuse… */
const controls = {
  add(r, q) {
    const n = Number(q.get('n') ?? 1);
    const text = (i) =>
      n > 1 ? `${q.get('text') ?? 'Quote'} ${i + 1}` : (q.get('text') ?? `Quote q${r.seq + 1}`);
    return Array.from({ length: n }, (_, i) =>
      r.add({
        text: text(i),
        displayName: q.has('name') ? q.get('name') || null : 'Reader',
        district: districts[r.seq % districts.length],
        locale: q.get('lang') ?? 'en',
        approvedAt: q.get('at') ?? new Date().toISOString(),
        photoId: q.get('photo'),
      }),
    );
  },
  edit(r, q) {
    const changes = { ...(q.has('text') ? { text: q.get('text') } : {}) };
    if (q.has('featured')) changes.featured = q.get('featured') === '1';
    return r.edit(q.get('id'), changes);
  },
  remove: (r, q) => (r.remove(q.get('id')) ? { ok: true } : null),
  drop(r) {
    const dropped = r.clients.size;
    r.clients.forEach((res) => res.destroy());
    r.clients.clear();
    return { dropped };
  },
  refuse: (r, q) => ({ refuse: (r.refuse = q.get('on') === '1') }),
  slow: (r, q) => ({ slow: (r.slow = Number(q.get('ms') ?? 0)) }),
  upstream: (r, q) => ({ upstream: (r.upstream = q.get('url')) }),
  reporting: (r, q) => r.setReporting(Object.fromEntries(q)),
  reports: (r) => r.reports,
  stats: (r) => ({ ...r.stats, open: r.clients.size, lastEventId: r.seq }),
};

export async function quoteEndpoints(ctx, next) {
  const url = new URL(ctx.url, 'http://localhost');
  const match = /^\/__qw\/([\w-]+)\/(.*)$/.exec(url.pathname);
  if (!match) return next();
  const r = room(match[1]);
  const route = match[2];
  const q = url.searchParams;
  const locale = q.get('locale');

  if (Object.hasOwn(controls, route)) {
    const answer = controls[route](r, q);
    return answer === null ? json(ctx, { ok: false }, 404) : json(ctx, answer);
  }
  if (route.startsWith('staff/') && r.upstream) {
    const body = await bodyOf(ctx);
    const target = `${r.upstream}/${route.slice(6)}${url.search}`;
    return proxy(ctx, r, target, false, { method: ctx.method, body });
  }

  const one = /^v1\/campaigns\/([^/]+)$/.exec(route);
  if (one && ctx.method === 'GET' && !r.upstream) {
    r.stats.campaigns++;
    if (r.reporting.down) return error(ctx, 503, 'unavailable');
    return json(ctx, r.campaign(decodeURIComponent(one[1]), locale ?? 'en'));
  }
  const reports = /^v1\/campaigns\/[^/]+\/quotes\/([^/]+)\/reports$/.exec(route);
  if (reports && ctx.method === 'POST' && !r.upstream) {
    const text = (await bodyOf(ctx)).toString('utf8');
    const answer = r.report(decodeURIComponent(reports[1]), text, locale, ctx.get('content-type'));
    if (answer.drop) {
      // The connection breaks in the middle of the answer: a network error. (A socket
      // closed before any answer would make Chromium send the POST again.)
      ctx.respond = false;
      ctx.res.writeHead(202, { 'content-type': 'application/json', 'content-length': '100' });
      ctx.res.write('{"id":');
      setTimeout(() => ctx.res.destroy(), 20);
      return;
    }
    if (answer.delay) await sleep(answer.delay);
    return json(ctx, answer.body, answer.status, answer.headers);
  }

  const api = /^v1\/campaigns\/[^/]+\/quotes(\/stream)?$/.exec(route);
  if (!api) return next();

  if (api[1]) r.stats.streams++;
  else r.stats.lists++;
  if (api[1] && r.refuse) return error(ctx, 503, 'unavailable');
  if (r.upstream) return proxy(ctx, r, `${r.upstream}/${route}${url.search}`, !!api[1]);

  if (!api[1]) {
    if (r.slow) await sleep(r.slow);
    const query = { limit: q.get('limit'), before: q.get('before') };
    const page = r.pageAnswer(query, locale ?? 'en', ctx.get('if-none-match'));
    ctx.status = page.status;
    ctx.set({ etag: page.etag, 'cache-control': 'no-store' });
    if (page.body) [ctx.type, ctx.body] = ['application/json', page.body];
    return;
  }

  // The stream.
  const from = r.resumeFrom(ctx.get('last-event-id'), q.get('lastEventId'));
  if (from === null) return error(ctx, 400, 'validation');
  r.stats.resumedFrom.push(from);
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write('retry: 50\n\n');
  for (const event of r.after(from)) res.write(sseFrame(event));
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
