/**
 * What a hostile client tried against the API, and what it gets now: malformed and
 * abandoned multipart forms, a rate limit spent by junk, a `data` part that dodged the
 * JSON body's rules, Fastify's own errors in Fastify's shape, a planted Host header —
 * and the OpenAPI document against every route the app really has.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { READER_PHOTO_MAX_AGE } from '../src/routes/content.js';
import {
  API,
  approve,
  countRows,
  jpegWithGps,
  makeApp,
  makeServer,
  multipart,
  newKey,
  staff,
  submit,
  validBody,
} from './helpers.js';

/** A Fastify logger that keeps every line, to prove no client mistake logs an error. */
function capturedLogger() {
  const lines: { level: number; msg?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as { level: number; msg?: string });
      }
      done();
    },
  });
  return { lines, logger: { level: 'info', stream } as unknown as { level: string } };
}

const errorsLogged = (lines: { level: number }[]) => lines.filter((line) => line.level >= 50);

function postMultipart(app: FastifyInstance, payload: Buffer | string, contentType: string) {
  return app.inject({
    method: 'POST',
    url: `${API}/submissions`,
    headers: { 'content-type': contentType, 'idempotency-key': newKey() },
    payload,
  });
}

/** A multipart body whose data part is raw bytes, without a part Content-Type (as FormData sends). */
function rawDataPart(bytes: Buffer, partType?: string): { payload: Buffer; contentType: string } {
  const boundary = '----campaignraw';
  const typeLine = partType ? `Content-Type: ${partType}\r\n` : '';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="data"\r\n${typeLine}\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function assertApiError(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown; body: string },
  status: number,
  code: string,
) {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json() as { statusCode: number; code: string; message: string };
  assert.equal(body.statusCode, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['cache-control'], 'no-store');
}

describe('malformed multipart (finding 4)', () => {
  let app: FastifyInstance;
  let log: ReturnType<typeof capturedLogger>;
  before(async () => {
    log = capturedLogger();
    app = await makeApp({ logger: log.logger });
  });
  after(() => app.close());

  it('answers a missing, wrong or truncated boundary with 400, stores nothing, logs no error', async () => {
    const rows = await countRows(app);
    const good = multipart(validBody());
    const cases: [string, Buffer | string, string][] = [
      ['no boundary', good.payload, 'multipart/form-data'],
      ['wrong boundary', good.payload, 'multipart/form-data; boundary=not-the-one'],
      ['cut off mid-part', good.payload.subarray(0, good.payload.length - 40), good.contentType],
      ['garbage', 'this is not a multipart body at all', good.contentType],
    ];
    for (const [name, payload, type] of cases) {
      const response = await postMultipart(app, payload, type);
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${name}: ${response.body}`,
      );
      const body = response.json();
      assert.ok(
        ['validation', 'unsupported_media_type'].includes(body.code),
        `${name}: ${body.code}`,
      );
    }
    assert.equal(await countRows(app), rows);
    assert.deepEqual(errorsLogged(log.lines), []);
  });

  it('takes a client that hangs up mid-upload without an error or a stored row', async () => {
    const server = await makeServer({ logger: log.logger });
    try {
      const rows = await countRows(server.app);
      const { payload, contentType } = multipart(validBody(), { bytes: Buffer.alloc(200_000, 7) });
      const port = new URL(server.url).port;
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST ${API}/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\n` +
              `Idempotency-Key: ${newKey()}\r\nContent-Length: ${payload.length}\r\n\r\n`,
          );
          socket.write(payload.subarray(0, 50_000), () => setTimeout(() => socket.destroy(), 100));
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await countRows(server.app), rows);
      assert.deepEqual(errorsLogged(log.lines), []);
    } finally {
      await server.close();
    }
  });
});

describe('rate limit counts accepted submissions only (finding 5)', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ rateLimit: { max: 3, windowMs: 60_000 } });
  });
  after(() => app.close());

  it('lets a reader submit after 20 junk requests and same-key replays from their address', async () => {
    for (let i = 0; i < 10; i++) {
      assert.equal((await submit(app, '{"not json')).statusCode, 400);
      assert.equal((await submit(app, validBody({ message: '' }))).statusCode, 400);
    }
    const key = newKey();
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await submit(app, validBody({ message: 'The same words, sent again.' }), { key }))
          .statusCode,
        202,
      );
    }
    // One accepted so far (the replays are its own answer): two more fit, the next does not.
    for (let i = 0; i < 2; i++) {
      assert.equal(
        (await submit(app, validBody({ message: `Real words number ${i}` }))).statusCode,
        202,
      );
    }
    const over = await submit(app, validBody({ message: 'One more than the limit.' }));
    assertApiError(over, 429, 'rate_limited');
    assert.ok(Number(over.headers['retry-after']) >= 1);
    // A replay of an accepted submission still answers, even while the client is limited.
    const replay = await submit(app, validBody({ message: 'The same words, sent again.' }), {
      key,
    });
    assert.equal(replay.statusCode, 429, 'limited clients are refused before the body is read');
  });

  const sendFrom = (address: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url: `${API}/submissions`,
      remoteAddress: address,
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
      payload: JSON.stringify(body),
    });

  it('lets no more than the limit through when one client sends in parallel', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sendFrom('10.7.7.7', validBody({ message: `Parallel words number ${i}` })),
      ),
    );
    const codes = answers.map((answer) => answer.statusCode).sort();
    assert.deepEqual(codes, [202, 202, 202, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('counts an IPv6 client by its /64, which one household holds whole', async () => {
    for (let i = 1; i <= 3; i++) {
      const sent = await sendFrom(`2001:db8:1:2::${i}`, validBody({ message: `Words from ${i}` }));
      assert.equal(sent.statusCode, 202);
    }
    const fourth = await sendFrom('2001:db8:1:2:ffff::9', validBody({ message: 'Words, 4th.' }));
    assertApiError(fourth, 429, 'rate_limited');
    const elsewhere = await sendFrom('2001:db8:1:3::1', validBody({ message: 'Next street.' }));
    assert.equal(elsewhere.statusCode, 202);
  });

  it('lets a reader submit after 20 honeypot bodies from their address (they store nothing)', async () => {
    for (let i = 0; i < 20; i++) {
      assert.equal((await sendFrom('10.9.9.9', { website: 'x' })).statusCode, 202);
    }
    assert.equal((await sendFrom('10.9.9.9', validBody())).statusCode, 202);
  });
});

describe('the multipart data part keeps the JSON body rules (finding 7)', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('refuses invalid UTF-8 in the data part, typed or not, as a JSON body is refused', async () => {
    const json = Buffer.from(
      JSON.stringify(validBody({ message: 'Chongqing XX is my home town.' })),
    );
    const broken = Buffer.from(json.toString('latin1').replace('XX', '\xff\xfe'), 'latin1');
    assert.equal(
      (await submit(app, broken)).json().fields[0].message,
      'The body is not valid UTF-8',
    );
    const rows = await countRows(app);
    const untyped = rawDataPart(broken);
    const response = await postMultipart(app, untyped.payload, untyped.contentType);
    assertApiError(response, 400, 'validation');
    assert.equal(response.json().fields[0].message, 'The body is not valid UTF-8');
    const typed = rawDataPart(broken, 'application/json');
    const typedResponse = await postMultipart(app, typed.payload, typed.contentType);
    assertApiError(typedResponse, 400, 'validation');
    assert.equal(await countRows(app), rows);
  });

  it('answers a data part over the JSON limit with 413, not "not valid JSON"', async () => {
    const big = Buffer.from(JSON.stringify(validBody({ website: 'x'.repeat(70 * 1024) })));
    assertApiError(await submit(app, big), 413, 'payload_too_large');
    const untyped = rawDataPart(big);
    assertApiError(
      await postMultipart(app, untyped.payload, untyped.contentType),
      413,
      'payload_too_large',
    );
  });

  it('answers a typed application/json data part over the limit with 413 too', async () => {
    const big = Buffer.from(JSON.stringify(validBody({ website: 'x'.repeat(70 * 1024) })));
    const typed = rawDataPart(big, 'application/json');
    assertApiError(
      await postMultipart(app, typed.payload, typed.contentType),
      413,
      'payload_too_large',
    );
  });

  it('reads the data part as the bytes sent, whatever charset it declares', async () => {
    // "é" sent as its \u escape, and "中" and "é" sent as UTF-8 under a declared charset.
    const message = 'Caf\u00e9 in 中 street, é and “quotes”.';
    const json = Buffer.from(JSON.stringify(validBody({ message })).replace('é', '\\u00e9'));
    assert.ok(json.includes('\\u00e9'));
    for (const type of [
      'application/json; charset=utf-8',
      'text/plain; charset=utf-8',
      'text/plain; charset=latin1',
    ]) {
      const part = rawDataPart(json, type);
      const response = await postMultipart(app, part.payload, part.contentType);
      assert.equal(response.statusCode, 202, `${type}: ${response.body}`);
      const stored = await app.store.getSubmission('spirit-of-chongqing', response.json().id);
      assert.equal(stored?.message, message.replace('\\u00e9', 'é'), type);
    }
  });

  it('keeps Chinese and emoji exactly, in a typed and an untyped data part', async () => {
    const message = '重庆人爬坡上坎，从不言弃 👨‍👩‍👧 — “山城”';
    for (const part of [
      multipart(validBody({ message })),
      rawDataPart(Buffer.from(JSON.stringify(validBody({ message })))),
    ]) {
      const response = await postMultipart(app, part.payload, part.contentType);
      assert.equal(response.statusCode, 202, response.body);
      const stored = await app.store.getSubmission('spirit-of-chongqing', response.json().id);
      assert.equal(stored?.message, message);
    }
  });
});

describe('every error in the API shape (finding 8)', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('answers a path parameter over 100 characters in the API shape, echoing nothing', async () => {
    const long = 'x'.repeat(150);
    for (const path of [
      `/v1/campaigns/${long}/quotes`,
      `${API}/photos/${long}`,
      `/stories/${long}`,
    ]) {
      const response = await app.inject(path);
      const status = response.statusCode;
      assertApiError(response, status, status === 414 ? 'uri_too_long' : 'not_found');
      assert.ok(!response.body.includes(long), path);
    }
  });

  it('answers unknown routes 404 and known routes with the wrong method 405 with Allow', async () => {
    assertApiError(await app.inject('/v1/nothing-here'), 404, 'not_found');
    const wrong = await app.inject({ method: 'DELETE', url: `${API}/quotes` });
    assertApiError(wrong, 405, 'method_not_allowed');
    assert.match(String(wrong.headers.allow), /GET/);
    const put = await app.inject({ method: 'PUT', url: `${API}/submissions` });
    assertApiError(put, 405, 'method_not_allowed');
    assert.match(String(put.headers.allow), /POST/);
  });

  it('answers bad JSON, a big body and a wrong type with stable codes', async () => {
    assertApiError(await submit(app, '{"message":'), 400, 'validation');
    assertApiError(await submit(app, 'x'.repeat(70 * 1024)), 413, 'payload_too_large');
    assertApiError(
      await submit(app, 'message=hi', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('answers what Node’s parser refuses (431, 400) in the API shape on the raw socket', async () => {
    const server = await makeServer();
    try {
      const port = Number(new URL(server.url).port);
      const raw = (request: string) =>
        new Promise<string>((resolve) => {
          let answer = '';
          const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
          socket.on('data', (chunk) => (answer += chunk.toString()));
          socket.on('close', () => resolve(answer));
          socket.on('error', () => resolve(answer));
        });
      const huge = await raw(
        `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      assert.match(huge, /^HTTP\/1\.1 431 /);
      assert.match(huge, /"code":"headers_too_large"/);
      assert.match(huge, /X-Content-Type-Options: nosniff/i);
      const junk = await raw('NOT A REQUEST\r\n\r\n');
      assert.match(junk, /^HTTP\/1\.1 400 /);
      assert.match(junk, /"code":"validation"/);
    } finally {
      await server.close();
    }
  });
});

describe('public URLs never come from the Host header (finding 9)', () => {
  it('writes the configured base, or the bound address, whatever Host says', async () => {
    for (const [options, expected] of [
      [{ publicUrl: 'https://campaign.example.org/' }, 'https://campaign.example.org'],
      [{}, null],
    ] as const) {
      const server = await makeServer(options);
      try {
        const base = expected ?? server.url;
        const headers = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
        const get = async (path: string) => {
          const response = await fetch(`${server.url}${API}${path}`, { headers });
          assert.equal(response.status, 200);
          return response.text();
        };
        // Node's fetch sets Host itself: send the planted one over a raw request instead.
        const planted = await new Promise<string>((resolve) => {
          let answer = '';
          const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1', () =>
            socket.end(`GET ${API} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`),
          );
          socket.on('data', (chunk) => (answer += chunk.toString()));
          socket.on('close', () => resolve(answer));
        });
        assert.ok(!planted.includes('evil.example'), 'campaign answer with a planted Host');
        assert.ok(planted.includes(`${base}/privacy`), planted.slice(0, 400));
        for (const path of ['', '/stories', '/photos/firewall']) {
          const body = await get(path);
          assert.ok(!body.includes('evil.example'), path);
          assert.ok(body.includes(base), path);
        }
      } finally {
        await server.close();
      }
    }
  });
});

describe('the OpenAPI document', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
    await app.ready();
  });
  after(() => app.close());

  it('describes every route the app registers, with its responses', async () => {
    const doc = (await app.inject('/v1/openapi.json')).json<{
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    }>();
    const toOpenApi = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}').replace(/(.)\/$/, '$1');
    const routes = app.routeTable.filter((route) => route.method !== 'HEAD');
    assert.ok(routes.length >= 20, `only ${routes.length} routes seen`);
    const missing = routes
      .filter((route) => !route.hidden)
      .filter((route) => !doc.paths[toOpenApi(route.url)]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.url}`);
    assert.deepEqual(missing, []);
    // Only wildcards may stay out: CORS preflight catch-alls and the static files.
    const hidden = routes.filter((route) => route.hidden).map((route) => route.url);
    assert.ok(
      hidden.every((url) => url.endsWith('*')),
      hidden.join(', '),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const responses = Object.entries(operation.responses ?? {});
        assert.ok(responses.length, `${method} ${path} has responses`);
        // Every error it documents is the API's one shape, named once under components.
        for (const [status, response] of responses.filter(([status]) => Number(status) >= 400)) {
          const schema = (response as { content?: Record<string, { schema?: { $ref?: string } }> })
            .content?.['application/json']?.schema;
          assert.equal(
            schema?.$ref,
            '#/components/schemas/ApiErrorBody',
            `${method} ${path} ${status}`,
          );
        }
      }
    }
    const post = doc.paths['/v1/campaigns/{campaign}/submissions'].post as unknown as {
      parameters: { name: string; schema: { pattern?: string } }[];
    };
    const key = post.parameters.find((parameter) => parameter.name === 'idempotency-key');
    assert.equal(key?.schema.pattern, '^[\\x21-\\x7e]{8,200}$');
  });
});

describe('a taken-down reader photo leaves caches in the time the docs state (finding 3)', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp();
  });
  after(() => app.close());

  it('serves a reader photo for at most 60 s of caching, revalidated, and 404s it after removal', async () => {
    const form = multipart(validBody(), { bytes: await jpegWithGps(800, 600) });
    const sent = await postMultipart(app, form.payload, form.contentType);
    assert.equal(sent.statusCode, 202, sent.body);
    const quote = await approve(app, sent.json().id);
    const urls = [`${API}/photos/${quote.photoId}`, `${API}/photos/${quote.photoId}/320.jpg`];
    assert.equal(READER_PHOTO_MAX_AGE, 60, 'docs/deploy.md states 60 seconds');
    for (const url of urls) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 200, url);
      const cacheControl = String(response.headers['cache-control']);
      const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1]);
      assert.ok(maxAge <= READER_PHOTO_MAX_AGE, `${url}: ${cacheControl}`);
      assert.match(cacheControl, /must-revalidate/);
      assert.doesNotMatch(cacheControl, /stale-while-revalidate|immutable/);
    }
    const removed = await app.inject({
      method: 'POST',
      url: `${API}/submissions/${sent.json().id}/remove`,
      headers: staff,
    });
    assert.equal(removed.statusCode, 200);
    for (const url of urls) assert.equal((await app.inject(url)).statusCode, 404, url);
  });
});

describe('CORS only where a partner page needs it', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await makeApp({ allowedOrigins: ['https://partner.example'] });
  });
  after(() => app.close());

  const origin = 'https://partner.example';
  const corsHeaders = (headers: Record<string, unknown>) =>
    Object.keys(headers).filter((name) => name.startsWith('access-control-'));

  it('gives staff routes no CORS header, for a preflight or a request, even to a partner', async () => {
    for (const url of [
      `${API}/submissions/some-id`,
      `${API}/submissions/some-id/approve`,
      `${API}/submissions/some-id/photo`,
    ]) {
      const preflight = await app.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      assert.deepEqual(corsHeaders(preflight.headers), [], `OPTIONS ${url}`);
      assert.ok(preflight.statusCode >= 400, `OPTIONS ${url}: ${preflight.statusCode}`);
      const get = await app.inject({ url, headers: { origin, ...staff } });
      assert.deepEqual(corsHeaders(get.headers), [], `GET ${url}`);
    }
    const list = await app.inject({ url: `${API}/submissions`, headers: { origin, ...staff } });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(corsHeaders(list.headers), []);
  });

  it('opens the bundle to any page, and not the console or the demo page', async () => {
    const page = await app.inject({ url: '/moderate', headers: { origin } });
    assert.deepEqual(corsHeaders(page.headers), []);
    const again = await app.inject({
      url: '/moderate',
      headers: { 'if-none-match': String(page.headers.etag) },
    });
    assert.equal(again.statusCode, 304, '/moderate revalidates');
    // npm test builds the bundle before the server suites run.
    const bundle = await app.inject({ url: '/campaign-widgets.js', headers: { origin } });
    assert.equal(bundle.statusCode, 200);
    assert.equal(bundle.headers['access-control-allow-origin'], '*');
    assert.equal(bundle.headers['cross-origin-resource-policy'], 'cross-origin');
    for (const url of ['/console/console.js', '/demo.css', '/']) {
      const response = await app.inject({ url, headers: { origin } });
      assert.deepEqual(corsHeaders(response.headers), [], url);
    }
  });

  it('answers an OPTIONS that is not a preflight in the API shape', async () => {
    for (const url of [`${API}/quotes`, `${API}/submissions`, '/']) {
      const response = await app.inject({ method: 'OPTIONS', url });
      assert.ok([204, 404, 405].includes(response.statusCode), `${url}: ${response.statusCode}`);
      if (response.statusCode !== 204)
        assertApiError(response, response.statusCode, response.json().code);
    }
  });
});

describe('a deleted quote leaves no copy in memory (finding 3)', () => {
  it('drops the cached wall pages that held it when it is removed or deleted', async () => {
    const app = await makeApp();
    try {
      const sent = await submit(app, validBody({ message: 'Words that will be deleted soon.' }));
      await approve(app, sent.json().id);
      const page = await app.inject(`${API}/quotes?limit=20`);
      assert.match(page.body, /Words that will be deleted soon/);
      const key = 'spirit-of-chongqing|en|20|';
      assert.ok(app.quoteCache.get(key)?.body.includes('Words that will be deleted soon'));
      const deleted = await app.inject({
        method: 'DELETE',
        url: `${API}/submissions/${sent.json().id}`,
        headers: staff,
      });
      assert.equal(deleted.statusCode, 204);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(app.quoteCache.get(key), undefined);
    } finally {
      await app.close();
    }
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After in the API shape while the event loop lags, then serves again', async () => {
    const app = await makeApp({ maxEventLoopDelayMs: 50 });
    try {
      await app.ready();
      assert.equal((await app.inject(`${API}/quotes`)).statusCode, 200);
      // A drowning process: 100 ms blocks back to back for 1.5 s, over a sampling period.
      const until = Date.now() + 1_500;
      await new Promise<void>((resolve) => {
        const block = () => {
          const end = Date.now() + 100;
          while (Date.now() < end) {
            /* busy */
          }
          if (Date.now() < until) setImmediate(block);
          else resolve();
        };
        block();
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const shed = await app.inject(`${API}/quotes`);
      assertApiError(shed, 503, 'unavailable');
      assert.equal(shed.headers['retry-after'], '5');
      // A quiet second later the sampled delay is back under the limit.
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      assert.equal((await app.inject(`${API}/quotes`)).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
