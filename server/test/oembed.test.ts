/**
 * Embedding by URL, over real HTTP on SQLite: the public pages of a quote and a photo
 * (status, lang, canonical, discovery link, JSON-LD with the credit), the oEmbed
 * provider's answers for both, its errors, and what a hostile client gets from it: a
 * flood is limited, a huge URL refused before any lookup, and a URL naming another
 * host is never fetched.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../src/app.js';
import { OEMBED_LIMIT, fitPhoto, quoteHeight } from '../src/routes/oembed.js';
import { jsonForScript, jsonLdScript, photoStructuredData } from '../src/structured-data.js';
import {
  API,
  CAMPAIGN,
  approve,
  jpegWithGps,
  makeServer,
  multipart,
  newKey,
  staff,
  submit,
  validBody,
} from './helpers.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET on a connection of its own, from a chosen local address. */
function get(
  url: string,
  options: { headers?: Record<string, string>; from?: string; agent?: http.Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      headers: options.headers ?? {},
      agent: options.agent ?? false,
      ...(options.from ? { localAddress: options.from } : {}),
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.end();
  });
}

const json = <T = Record<string, unknown>>(answer: Answer) => JSON.parse(answer.body) as T;

/** The text of every `<script type="application/ld+json">`, parsed. */
function jsonLd(html: string): Record<string, unknown>[] {
  const found = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
  return found.map((match) => JSON.parse(match[1]) as Record<string, unknown>);
}

/** An attribute of the first tag matching `pattern` (entities decoded). */
function attribute(html: string, pattern: RegExp, name: string): string | null {
  const tag = pattern.exec(html)?.[0];
  const value = tag && new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
  return value == null
    ? null
    : value
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}

const HOSTILE = 'Before </script><script>alert(1)</script> & <!-- after';

let server: RunningServer;
let base: string;
let quoteId: string;
let hostileId: string;
let pendingId: string;
let withdrawnId: string;
let readerPhotoId: string;
let readerSubmissionId: string;
const pageOf = (kind: 'quotes' | 'photos', id: string, query = '') =>
  `${base}/campaigns/${CAMPAIGN}/${kind}/${id}${query}`;
const oembed = (url: string, query = '') =>
  `${base}/v1/oembed?url=${encodeURIComponent(url)}${query}`;

async function created(body = validBody(), receiptSecret?: string): Promise<string> {
  const response = await submit(server.app, {
    ...body,
    ...(receiptSecret ? { receiptSecret } : {}),
  });
  assert.equal(response.statusCode, 202, response.body);
  return response.json<{ id: string }>().id;
}

before(async () => {
  // The shared machine lags at times: load shedding would answer 503 to what is tested here.
  server = await makeServer({ maxEventLoopDelayMs: false });
  base = server.url;
  quoteId = await created(
    validBody({
      message: '山城的人，爬坡上坎从不服输。',
      displayName: '李雷',
      district: 'yuzhong',
      locale: 'zh-Hans',
    }),
  );
  await approve(server.app, quoteId);
  hostileId = await created(
    validBody({ message: HOSTILE, displayName: '"><img src=x onerror=alert(2)>' }),
  );
  await approve(server.app, hostileId);
  pendingId = await created(validBody({ message: 'Still waiting for a moderator to read it.' }));
  const secret = 'withdraw-secret-0123456789abcdef';
  withdrawnId = await created(validBody({ message: 'I changed my mind about this one.' }), secret);
  await approve(server.app, withdrawnId);
  const withdrawn = await server.app.inject({
    method: 'POST',
    url: `${API}/submissions/${withdrawnId}/withdraw`,
    payload: { secret },
  });
  assert.equal(withdrawn.statusCode, 200, withdrawn.body);
  const form = multipart(validBody({ message: 'My street at dawn, after the rain.' }), {
    bytes: await jpegWithGps(1200, 900),
  });
  const sent = await server.app.inject({
    method: 'POST',
    url: `${API}/submissions`,
    headers: { 'content-type': form.contentType, 'idempotency-key': newKey() },
    payload: form.payload,
  });
  assert.equal(sent.statusCode, 202, sent.body);
  readerSubmissionId = sent.json<{ id: string }>().id;
  readerPhotoId = (await approve(server.app, readerSubmissionId)).photoId;
  assert.ok(readerPhotoId);
});
after(() => server.close());

describe('the public pages', () => {
  it('shows a photo with its visible credit, canonical, discovery link and JSON-LD, in both locales', async () => {
    const en = await get(pageOf('photos', 'firewall'));
    assert.equal(en.status, 200);
    assert.match(String(en.headers['content-type']), /^text\/html/);
    assert.match(String(en.headers['content-security-policy']), /script-src 'self'/);
    assert.match(en.body, /^<!doctype html>\n<html lang="en">/);
    assert.match(en.body, /<figure[^>]*>\s*<img [^>]*alt="Illustration: a chain of people/);
    assert.match(
      en.body,
      /<figcaption>[\s\S]*Photo\/Qi Lansen from Visual Chongqing[\s\S]*<\/figcaption>/,
    );
    assert.equal(
      attribute(en.body, /<link rel="canonical"[^>]*>/, 'href'),
      pageOf('photos', 'firewall'),
    );
    assert.equal(
      attribute(en.body, /<meta property="og:image"[^>]*>/, 'content'),
      `${base}${API}/photos/firewall/1600.jpg`,
    );

    const zh = await get(pageOf('photos', 'firewall', '?lang=zh-Hans'));
    assert.equal(zh.status, 200);
    assert.match(zh.body, /<html lang="zh-Hans">/);
    assert.match(zh.body, /图\/Qi Lansen，视觉重庆/);
    const canonical = pageOf('photos', 'firewall', '?lang=zh-Hans');
    assert.equal(attribute(zh.body, /<link rel="canonical"[^>]*>/, 'href'), canonical);
    assert.equal(
      attribute(zh.body, /<link rel="alternate" hreflang="en"[^>]*>/, 'href'),
      pageOf('photos', 'firewall'),
    );

    // The discovery link leads to this photo's oEmbed answer, in this page's locale.
    const discovery = attribute(
      zh.body,
      /<link rel="alternate" type="application\/json\+oembed"[^>]*>/,
      'href',
    );
    assert.equal(discovery, oembed(canonical, '&format=json'));
    const answer = await get(discovery);
    assert.equal(answer.status, 200);
    assert.equal(json(answer).type, 'photo');
    assert.match(String(json(answer).title), /图\/Qi Lansen，视觉重庆/);

    const [data] = jsonLd(zh.body);
    assert.equal(data['@type'], 'ImageObject');
    assert.equal(data.contentUrl, `${base}${API}/photos/firewall/1600.jpg`);
    assert.equal(data.creditText, '图/Qi Lansen，视觉重庆');
    assert.deepEqual(data.creator, {
      '@type': 'Person',
      name: 'Qi Lansen',
      affiliation: { '@type': 'Organization', name: '视觉重庆' },
    });
    assert.equal(data.copyrightNotice, '图/Qi Lansen，视觉重庆');
    assert.match(String((data.license as { name: string }).name), /示意插图/);
    assert.equal(data.datePublished, '2024-03-24T08:00:00.000Z');
    assert.match(String(data.description), /^示意插图/);
  });

  it('shows a quote as a blockquote with its cite, author and date as the wall names them', async () => {
    const page = await get(pageOf('quotes', quoteId, '?lang=zh-Hans'));
    assert.equal(page.status, 200);
    assert.match(page.body, /<html lang="zh-Hans">/);
    assert.match(
      page.body,
      /<blockquote lang="zh-Hans" [^>]*><p>山城的人，爬坡上坎从不服输。<\/p><\/blockquote>/,
    );
    assert.match(page.body, /<figcaption>— <cite>李雷<\/cite>，渝中区 · <time datetime="/);
    assert.match(page.body, /<title>李雷的心声 — 重庆城市精神<\/title>/);
    assert.doesNotMatch(page.body, /reader@example\.org/, 'no email on a public page');
    const canonical = pageOf('quotes', quoteId, '?lang=zh-Hans');
    assert.equal(attribute(page.body, /<link rel="canonical"[^>]*>/, 'href'), canonical);
    const discovery = attribute(
      page.body,
      /<link rel="alternate" type="application\/json\+oembed"[^>]*>/,
      'href',
    );
    const answer = json(await get(discovery!));
    assert.equal(answer.type, 'rich');
    assert.match(String(answer.html), new RegExp(`href="${canonical.replace(/[?.]/g, '\\$&')}"`));

    const [data] = jsonLd(page.body);
    assert.equal(data['@type'], 'Quotation');
    assert.equal(data.text, '山城的人，爬坡上坎从不服输。');
    assert.equal(data.inLanguage, 'zh-Hans');
    assert.deepEqual(data.author, {
      '@type': 'Person',
      name: '李雷',
      homeLocation: { '@type': 'Place', name: '渝中区' },
    });
    assert.match(String(data.dateCreated), /^\d{4}-\d\d-\d\dT/);
    assert.equal((data.isPartOf as { name: string }).name, '重庆城市精神');
    assert.ok(!JSON.stringify(data).includes('@example.org'), 'no email in the JSON-LD');

    const en = await get(pageOf('quotes', quoteId));
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /<cite>李雷<\/cite>, Yuzhong/);
    assert.equal(
      jsonLd(en.body)[0].text,
      '山城的人，爬坡上坎从不服输。',
      'the words stay as written',
    );
  });

  it('keeps a quote that holds </script><script> inert in the page and in its JSON-LD', async () => {
    const page = await get(pageOf('quotes', hostileId));
    assert.equal(page.status, 200);
    assert.equal((page.body.match(/<script/g) ?? []).length, 1, 'only the JSON-LD script');
    assert.ok(!page.body.includes('<script>alert'), 'no script the reader wrote');
    assert.ok(!page.body.includes('<img src=x'), 'no element the reader wrote');
    assert.ok(!page.body.includes('<!-- after'), 'no comment the reader opened');
    const [data] = jsonLd(page.body);
    assert.equal(data.text, HOSTILE, 'the JSON-LD gives back exactly what was written');
    assert.equal((data.author as { name: string }).name, '"><img src=x onerror=alert(2)>');
    assert.ok(!jsonForScript({ text: HOSTILE }).includes('<'));
    const answer = json<{ html: string }>(await get(oembed(pageOf('quotes', hostileId))));
    assert.ok(!answer.html.includes('<script'), 'no script in the embed');
    assert.ok(answer.html.includes('&lt;/script&gt;&lt;script&gt;'), 'the words shown as text');
  });

  it('answers pending, withdrawn, unknown and hidden items with a localized 404', async () => {
    for (const url of [
      pageOf('quotes', pendingId),
      pageOf('quotes', withdrawnId),
      pageOf('quotes', 'no-such-quote'),
      pageOf('photos', 'no-such-photo'),
      `${base}/campaigns/no-such-campaign/quotes/${quoteId}`,
    ]) {
      const en = await get(url);
      assert.equal(en.status, 404, url);
      assert.match(en.body, /<html lang="en">[\s\S]*<h1>Not found<\/h1>/);
      assert.equal(en.headers['cache-control'], 'no-store');
      const zh = await get(`${url}?lang=zh-Hans`);
      assert.equal(zh.status, 404);
      assert.match(zh.body, /<html lang="zh-Hans">[\s\S]*<h1>未找到内容<\/h1>/);
      assert.ok(!zh.body.includes('still waiting') && !zh.body.includes('changed my mind'));
    }
    const onward = await get(pageOf('quotes', pendingId, '?lang=zh-Hans'));
    assert.match(
      onward.body,
      /<a href="[^"]+\/stories\/spirit-of-chongqing-city">查看活动的更多内容<\/a>/,
    );
    const asJson = await get(pageOf('quotes', pendingId), {
      headers: { accept: 'application/json' },
    });
    assert.equal(asJson.status, 404);
    assert.equal(json(asJson).code, 'not_found');
  });

  it('shows a reader’s photo while its quote is published, and 404s it once removed', async () => {
    const page = await get(pageOf('photos', readerPhotoId));
    assert.equal(page.status, 200);
    assert.match(String(page.headers['cache-control']), /max-age=60, must-revalidate/);
    const [data] = jsonLd(page.body);
    assert.equal(data['@type'], 'ImageObject');
    assert.equal((data.creator as { name: string }).name, 'Test Reader');
    assert.ok(data.datePublished);
    const removed = await server.app.inject({
      method: 'POST',
      url: `${API}/submissions/${readerSubmissionId}/remove`,
      headers: staff,
    });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal((await get(pageOf('photos', readerPhotoId))).status, 404);
    assert.equal((await get(oembed(pageOf('photos', readerPhotoId)))).status, 404);
  });

  it('names an anonymous reader as the wall does, never by the name they kept private', async () => {
    const id = await created(
      validBody({
        message: 'I would rather not be named.',
        displayName: 'Hidden Name',
        anonymous: true,
      }),
    );
    await approve(server.app, id);
    const page = await get(pageOf('quotes', id));
    assert.equal(page.status, 200);
    assert.match(page.body, /<h1>Words from a reader<\/h1>/);
    assert.match(page.body, /— <cite>A reader<\/cite>, Yuzhong/);
    assert.equal((jsonLd(page.body)[0].author as { name: string }).name, 'A reader');
    const answer = await get(oembed(pageOf('quotes', id, '?lang=zh-Hans')));
    assert.equal(json(answer).title, '一位读者的心声');
    assert.equal(json(answer).author_name, '一位读者');
    for (const text of [page.body, answer.body]) assert.ok(!text.includes('Hidden Name'));
  });

  it('refuses bad paths and parameters, and tells a guesser nothing: pending and unknown 404 alike', async () => {
    // An id over the router's 100 characters is refused before any route runs.
    const long = await get(pageOf('quotes', 'x'.repeat(101)));
    assert.equal(long.status, 404);
    assert.equal(json(long).code, 'not_found');
    const lang = await get(pageOf('photos', 'firewall', `?lang=${'x'.repeat(36)}`));
    assert.equal(lang.status, 400);
    assert.equal(
      (await get(pageOf('photos', 'firewall', '?lang=fr'))).status,
      200,
      'an unknown language: the default',
    );
    const pending = await get(pageOf('quotes', pendingId, '?lang=zh-Hans'));
    const unknown = await get(pageOf('quotes', 'never-existed', '?lang=zh-Hans'));
    assert.equal(pending.status, 404);
    assert.equal(pending.body, unknown.body, 'the same page for a pending quote as for none');
    assert.equal(pending.headers.etag, undefined);
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => get(pageOf('quotes', `guess-${i}`))),
    );
    assert.ok(guesses.every((answer) => answer.status === 404 && answer.body === guesses[0].body));
  });

  it('revalidates a page with its ETag', async () => {
    const first = await get(pageOf('photos', 'firewall'));
    assert.ok(first.headers.etag);
    const again = await get(pageOf('photos', 'firewall'), {
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
  });
});

describe('the oEmbed provider', () => {
  it('answers a photo with its credit, fitted to maxwidth and maxheight', async () => {
    const full = await get(oembed(pageOf('photos', 'grand-theater-night')), {
      headers: { origin: 'https://cms.example.net' },
    });
    assert.equal(full.status, 200);
    assert.equal(full.headers['access-control-allow-origin'], '*');
    assert.match(String(full.headers['cache-control']), /public, max-age=\d+/);
    const photo = json(full);
    assert.equal(photo.version, '1.0');
    assert.equal(photo.type, 'photo');
    assert.equal(photo.url, `${base}${API}/photos/grand-theater-night/1600.jpg`);
    assert.equal(photo.width, 1600);
    assert.equal(photo.height, 1000);
    assert.equal(photo.author_name, 'Long Fan / Visual Chongqing');
    assert.match(String(photo.title), /\(Photo\/Long Fan from Visual Chongqing\)$/);
    assert.equal(photo.provider_name, 'Spirit of Chongqing City');
    assert.equal(photo.provider_url, `${base}/stories/spirit-of-chongqing-city`);

    const fitted = json(
      await get(oembed(pageOf('photos', 'grand-theater-night'), '&maxwidth=700')),
    );
    assert.deepEqual(
      [fitted.url, fitted.width, fitted.height],
      [`${base}${API}/photos/grand-theater-night/640.jpg`, 640, 400],
    );
    const tall = json(
      await get(oembed(pageOf('photos', 'grand-theater-night'), '&maxwidth=2000&maxheight=650')),
    );
    assert.deepEqual([tall.width, tall.height], [1024, 640]);
    // Below the smallest file: that file, shown at a size within both limits.
    const tiny = json(
      await get(oembed(pageOf('photos', 'grand-theater-night'), '&maxwidth=200&maxheight=100')),
    );
    assert.equal(tiny.url, `${base}${API}/photos/grand-theater-night/320.jpg`);
    assert.deepEqual([tiny.width, tiny.height], [160, 100]);
    assert.deepEqual(fitPhoto({ width: 1600, height: 1000, widths: [320, 640] }, 500), {
      file: 320,
      width: 320,
      height: 200,
    });
  });

  it('answers a quote as rich HTML: a blockquote with author and link, no script, within maxwidth', async () => {
    const answer = await get(
      oembed(pageOf('quotes', quoteId, '?lang=zh-Hans'), '&format=json&maxwidth=400'),
    );
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['cache-control']), /max-age=60, must-revalidate/);
    const rich = json(answer);
    assert.equal(rich.type, 'rich');
    assert.equal(rich.width, 400);
    assert.equal(rich.height, quoteHeight('山城的人，爬坡上坎从不服输。', 400));
    assert.equal(rich.author_name, '李雷');
    assert.equal(rich.provider_name, '重庆城市精神');
    const html = String(rich.html);
    assert.match(
      html,
      /^<figure class="campaign-quote" lang="zh-Hans"><blockquote lang="zh-Hans" cite="[^"]+"><p>山城的人，爬坡上坎从不服输。<\/p><\/blockquote>/,
    );
    assert.match(
      html,
      /<figcaption>— <cite>李雷<\/cite>，渝中区 · <a href="[^"]+">重庆城市精神<\/a><\/figcaption><\/figure>$/,
    );
    assert.ok(!/<script/i.test(html));
    const wide = json(await get(oembed(pageOf('quotes', quoteId))));
    assert.equal(wide.width, 550, 'at most 550 px when no maxwidth is set');
    const capped = json(await get(oembed(pageOf('quotes', quoteId), '&maxheight=40')));
    assert.equal(capped.height, 40);

    const etag = String(answer.headers.etag);
    const again = await get(
      oembed(pageOf('quotes', quoteId, '?lang=zh-Hans'), '&format=json&maxwidth=400'),
      {
        headers: { 'if-none-match': etag },
      },
    );
    assert.equal(again.status, 304);
  });

  it('answers xml 501, foreign or unknown URLs 404, malformed ones 400, all in the API error shape', async () => {
    const cases: [string, number, string][] = [
      [oembed(pageOf('quotes', quoteId), '&format=xml'), 501, 'unsupported_media_type'],
      [
        oembed('https://elsewhere.example.com/campaigns/spirit-of-chongqing/quotes/x'),
        404,
        'not_found',
      ],
      [oembed(pageOf('quotes', quoteId).replace(base, 'http://localhost:1')), 404, 'not_found'],
      [oembed(pageOf('quotes', quoteId).replace('http:', 'https:')), 404, 'not_found'],
      [oembed(`${base}/`), 404, 'not_found'],
      [oembed(`${base}${API}/photos/firewall`), 404, 'not_found'],
      [oembed(pageOf('quotes', pendingId)), 404, 'not_found'],
      [oembed(pageOf('quotes', withdrawnId)), 404, 'not_found'],
      [oembed(pageOf('quotes', 'nope')), 404, 'not_found'],
      [oembed(pageOf('photos', 'nope')), 404, 'not_found'],
      [oembed(`${base}/campaigns/other/quotes/${quoteId}`), 404, 'not_found'],
      [oembed('not a url'), 400, 'validation'],
      [oembed('/campaigns/spirit-of-chongqing/quotes/x'), 400, 'validation'],
      [oembed(pageOf('quotes', quoteId), '&maxwidth=-5'), 400, 'validation'],
      [oembed(pageOf('quotes', quoteId), '&maxwidth=wide'), 400, 'validation'],
      [`${base}/v1/oembed`, 400, 'validation'],
    ];
    for (const [url, status, code] of cases) {
      const answer = await get(url);
      assert.equal(answer.status, status, `${url}: ${answer.body}`);
      const body = json(answer);
      assert.equal(body.statusCode, status);
      assert.equal(body.code, code);
      assert.equal(typeof body.message, 'string');
      assert.equal(answer.headers['cache-control'], 'no-store');
    }
  });

  it('refuses a huge URL before any lookup', async () => {
    const store = server.app.store;
    let lookups = 0;
    const { getSubmission, getPhoto } = store;
    store.getSubmission = (...args) => (lookups++, getSubmission.apply(store, args));
    store.getPhoto = (...args) => (lookups++, getPhoto.apply(store, args));
    try {
      const huge = pageOf('quotes', quoteId, `?lang=${'x'.repeat(100 * 1024)}`);
      // In process (as behind a proxy that allows long request lines): the schema's 400.
      const injected = await server.app.inject(`/v1/oembed?url=${encodeURIComponent(huge)}`);
      assert.equal(injected.statusCode, 400);
      assert.deepEqual(
        injected
          .json<{ fields: { field: string; code: string }[] }>()
          .fields.map((f) => [f.field, f.code]),
        [['url', 'too_long']],
      );
      // Over HTTP, Node refuses the request line itself (over 16 KB of headers): 431.
      const direct = await get(oembed(huge));
      assert.equal(direct.status, 431);
      assert.equal(json(direct).code, 'headers_too_large');
      const long = await get(oembed(pageOf('quotes', quoteId, `?lang=${'x'.repeat(8 * 1024)}`)));
      assert.equal(long.status, 400);
      assert.equal(lookups, 0, 'nothing was looked up');
    } finally {
      store.getSubmission = getSubmission;
      store.getPhoto = getPhoto;
    }
  });

  it('never fetches the URL it is given, internal hosts included', async () => {
    let fetched = 0;
    const internal = http.createServer((_request, response) => {
      fetched++;
      response.end('internal');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const { port } = internal.address() as { port: number };
    try {
      const path = `/campaigns/${CAMPAIGN}/quotes/${quoteId}`;
      for (const url of [
        `http://127.0.0.1:${port}${path}`,
        `http://localhost:${port}${path}`,
        `http://[::1]:${port}${path}`,
        `http://169.254.169.254/latest/meta-data/`,
        `http://user:pass@${base.replace('http://', '')}${path}`,
        `file:///etc/passwd`,
      ]) {
        const answer = await get(oembed(url));
        assert.equal(answer.status, 404, url);
      }
      assert.equal(fetched, 0, 'the internal server heard nothing');
    } finally {
      await new Promise((resolve) => internal.close(resolve));
    }
  });

  it('limits a flood of lookups from one address with 429 and Retry-After; another address is served', async () => {
    const flood = await makeServer({ maxEventLoopDelayMs: false });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const url = `${flood.url}/v1/oembed?url=${encodeURIComponent(`${flood.url}/campaigns/${CAMPAIGN}/photos/firewall`)}`;
      const started = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < OEMBED_LIMIT.max; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => get(url, { agent })));
        statuses.push(...batch.map((answer) => answer.status));
      }
      assert.ok(
        statuses.every((status) => status === 200),
        `all ${OEMBED_LIMIT.max} served`,
      );
      const deploy = fs.readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
      const row = `| ${OEMBED_LIMIT.max} per ${OEMBED_LIMIT.windowMs / 60_000} minutes |`;
      assert.ok(
        deploy
          .split('\n')
          .some((line) => line.startsWith('| oEmbed lookups') && line.includes(row)),
        'docs/deploy.md states the limit',
      );
      const refused = await get(url, { agent });
      assert.equal(refused.status, 429);
      assert.equal(json(refused).code, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      const other = await get(url, { from: '127.0.0.2' });
      assert.equal(other.status, 200, 'another address is not limited');
      // Refusals before a lookup (a foreign URL) are not counted, and are not limited either.
      assert.equal(
        (await get(`${flood.url}/v1/oembed?url=https%3A%2F%2Fx.example%2F`, { from: '127.0.0.3' }))
          .status,
        404,
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 30_000, `the flood took ${elapsed} ms`);
    } finally {
      agent.destroy();
      await flood.close();
    }
  });

  it('is in the OpenAPI document with the pages', async () => {
    const doc = json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>(await get(`${base}/v1/openapi.json`));
    assert.deepEqual(Object.keys(doc.paths['/v1/oembed'].get.responses).sort(), [
      '200',
      '304',
      '400',
      '404',
      '429',
      '501',
    ]);
    assert.ok(doc.paths['/campaigns/{campaign}/quotes/{id}'].get);
    assert.ok(doc.paths['/campaigns/{campaign}/photos/{id}'].get);
  });
});

describe('structured data', () => {
  it('gives a license URL as a URL, the license page when there is one, and a script JSON.parse reads back', () => {
    const text = {
      alt: 'A bridge',
      caption: 'The bridge',
      photographer: 'Zhang Jinhui',
      organization: null,
      license: 'https://creativecommons.org/licenses/by/4.0/',
    };
    const data = photoStructuredData(
      {
        campaignId: CAMPAIGN,
        id: 'bridge',
        submissionId: null,
        width: 800,
        height: 600,
        widths: [320, 800],
        text: { en: text, 'zh-Hans': text },
      },
      'en',
      {
        pageUrl: 'https://api.example.org/campaigns/c/photos/bridge',
        contentUrl: 'https://api.example.org/v1/campaigns/c/photos/bridge/800.jpg',
        copyrightNotice: '© Zhang Jinhui',
        acquireLicensePage: 'https://newsroom.example.org/licensing',
        publishedAt: Date.parse('2024-03-24T08:00:00Z'),
      },
    );
    assert.equal(data.license, 'https://creativecommons.org/licenses/by/4.0/');
    assert.equal(data.acquireLicensePage, 'https://newsroom.example.org/licensing');
    assert.equal(data.copyrightNotice, '© Zhang Jinhui');
    assert.equal(data.creditText, 'Photo/Zhang Jinhui');
    assert.deepEqual(data.creator, { '@type': 'Person', name: 'Zhang Jinhui' });
    const script = jsonLdScript(data);
    assert.match(script, /^<script type="application\/ld\+json">[^<]*<\/script>$/);
    assert.deepEqual(jsonLd(script)[0], data);
  });
});
