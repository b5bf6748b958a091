/**
 * A hostile client against a real listening server, over raw sockets: bodies trickled
 * to hold connections, floods of connections and uploads from one address. Each must
 * be cut or refused in bounded time while other clients are still served.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../src/app.js';
import { API, countRows, delay, makeServer, newKey, validBody } from './helpers.js';

/** Short limits so the tests run in seconds: 1 s base, 0.5 s per KB, 1 s of silence. */
const GUARD = { bodyBaseMs: 1_000, bodyMsPerKb: 500, bodyIdleMs: 1_000 };
/** A second client address: Linux routes all of 127.0.0.0/8 to loopback. */
const OTHER = '127.0.0.2';

interface RawExchange {
  socket: net.Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves with the milliseconds from connecting until the server closed, or rejects. */
  closed: (timeoutMs: number) => Promise<number>;
}

/** Opens a socket and writes `head`; the caller writes the rest of the request. */
function rawRequest(server: RunningServer, head: string, localAddress?: string): RawExchange {
  const { port } = new URL(server.url);
  const started = Date.now();
  const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
  let text = '';
  let closedAt: number | null = null;
  const waiters: (() => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined); // a reset is one way of being closed
  socket.on('close', () => {
    closedAt = Date.now();
    for (const wake of waiters) wake();
  });
  socket.write(head);
  return {
    socket,
    received: () => text,
    closed: (timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = () => resolve((closedAt ?? Date.now()) - started);
        if (closedAt !== null) return done();
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`still open after ${timeoutMs} ms; received ${JSON.stringify(text)}`));
        }, timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      }),
  };
}

function postHead(path: string, length: number, type = 'application/json'): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n` +
    `Idempotency-Key: ${newKey()}\r\nContent-Length: ${length}\r\n\r\n`
  );
}

/** Writes one byte every `everyMs` until the socket closes. */
function trickle(exchange: RawExchange, everyMs: number): void {
  const timer = setInterval(() => {
    if (exchange.socket.writable) exchange.socket.write(' ');
  }, everyMs);
  exchange.socket.once('close', () => clearInterval(timer));
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request from a chosen local address, on a connection of its own. */
function send(
  server: RunningServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${server.url}${path}`, {
      method: options.method ?? 'GET',
      headers: { connection: 'close', ...options.headers },
      agent: false,
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
    request.end(options.body);
  });
}

function submission(server: RunningServer, from?: string, headers: Record<string, string> = {}) {
  return send(server, `${API}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': newKey(), ...headers },
    body: JSON.stringify(validBody()),
    ...(from ? { from } : {}),
  });
}

/** Status line and parsed JSON body of a raw HTTP/1.1 answer. */
function parseRaw(text: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: body ? JSON.parse(body) : null,
  };
}

describe('slow request bodies', () => {
  let server: RunningServer;
  before(async () => {
    server = await makeServer({ connectionGuard: GUARD });
  });
  after(() => server.close());

  it('cuts a trickled JSON body with a 408 in the API shape, while others are served', async () => {
    const rowsBefore = await countRows(server.app);
    // The finding's attack: Content-Length 60000, a byte at a time. One every 200 ms is
    // never silent for the 1 s idle limit: only the time budget can end it.
    const attack = rawRequest(server, postHead(`${API}/submissions`, 60_000) + '{"message":"');
    trickle(attack, 200);
    await delay(300);
    const [health, quotes] = await Promise.all([
      send(server, '/healthz'),
      send(server, `${API}/quotes`),
    ]);
    assert.equal(health.status, 200);
    assert.equal(quotes.status, 200);
    assert.ok(Array.isArray(JSON.parse(quotes.body).items));

    const elapsed = await attack.closed(6_000);
    // Budget: 1 s + 0.5 s for the one KB ahead of what arrived, plus a sweep's delay.
    assert.ok(elapsed >= 1_400, `cut too early: ${elapsed} ms`);
    assert.ok(elapsed < 2_500, `cut too late: ${elapsed} ms`);
    const answer = parseRaw(attack.received());
    assert.equal(answer.status, 408);
    assert.match(answer.headers, /connection: close/);
    assert.match(answer.headers, /x-content-type-options: nosniff/);
    assert.deepEqual(answer.body, {
      statusCode: 408,
      code: 'request_timeout',
      message: 'The request body did not arrive in time',
    });
    assert.equal(await countRows(server.app), rowsBefore, 'nothing stored');
  });

  it('cuts a trickled multipart upload the same way', async () => {
    const boundary = 'slowboundary';
    const attack = rawRequest(
      server,
      postHead(`${API}/submissions`, 60_000, `multipart/form-data; boundary=${boundary}`) +
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n` +
        `Content-Type: image/jpeg\r\n\r\n`,
    );
    trickle(attack, 200);
    const elapsed = await attack.closed(6_000);
    assert.ok(elapsed < 2_500, `cut too late: ${elapsed} ms`);
    const answer = parseRaw(attack.received());
    assert.equal(answer.status, 408);
    assert.equal((answer.body as { code: string }).code, 'request_timeout');
  });

  it('cuts a body that falls silent after a fast start, at the idle limit', async () => {
    // 5 KB at once earns a budget of 1 s + 3 s; silence ends it after 1 s all the same.
    const attack = rawRequest(
      server,
      postHead(`${API}/submissions`, 60_000) + '{"message":"' + 'x'.repeat(5_000),
    );
    const elapsed = await attack.closed(6_000);
    assert.ok(elapsed < 2_000, `cut too late: ${elapsed} ms`);
    assert.equal(parseRaw(attack.received()).status, 408);
  });

  it('keeps a slow upload that keeps pace, past the base budget', async () => {
    // 6 KB at 1 KB per 300 ms takes about 2 s, twice the base, inside 0.5 s per KB.
    const json = JSON.stringify(validBody());
    const body = json.slice(0, -1) + ' '.repeat(6 * 1024 - json.length) + '}';
    const upload = rawRequest(server, postHead(`${API}/submissions`, Buffer.byteLength(body)));
    for (let offset = 0; offset < body.length; offset += 1024) {
      await delay(300);
      upload.socket.write(body.slice(offset, offset + 1024));
    }
    const deadline = Date.now() + 3_000;
    while (!upload.received().includes('\r\n\r\n{') && Date.now() < deadline) await delay(20);
    assert.equal(parseRaw(upload.received()).status, 202, upload.received());
    upload.socket.destroy();
  });

  it('closes a connection whose body still trickles after its answer was sent', async () => {
    // An unknown route may answer before reading the body; Node then reads the rest to
    // keep the connection alive, which a trickle would make last for ever.
    const attack = rawRequest(server, postHead('/no-such-route', 60_000) + '{');
    trickle(attack, 200);
    const elapsed = await attack.closed(6_000);
    assert.ok(elapsed < 2_500, `cut too late: ${elapsed} ms`);
  });
  it('refuses at once a GET that trickles a body nobody would read', async () => {
    const exchange = rawRequest(
      server,
      `GET ${API}/quotes/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000\r\n\r\n`,
    );
    trickle(exchange, 200);
    const elapsed = await exchange.closed(4_000);
    assert.ok(elapsed < 1_000, `closed after ${elapsed} ms`);
    assert.match(exchange.received(), /^HTTP\/1\.1 400 /);
    assert.match(exchange.received(), /"code":"validation"/);
    assert.doesNotMatch(exchange.received(), /text\/event-stream/);
  });
});

describe('per-address caps', () => {
  it('refuses a connection over the per-address cap at the socket; another address is served', async () => {
    const server = await makeServer({
      connectionGuard: { ...GUARD, maxConnectionsPerAddress: 20 },
    });
    const held: RawExchange[] = [];
    try {
      for (let i = 0; i < 20; i++) held.push(rawRequest(server, ''));
      await delay(200);
      const refused = rawRequest(server, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await refused.closed(2_000);
      assert.equal(refused.received(), '', 'refused before any answer');
      assert.ok(
        held.every((exchange) => !exchange.socket.destroyed),
        'the first 20 stay open',
      );

      const other = await send(server, '/healthz', { from: OTHER });
      assert.equal(other.status, 200);

      held.pop()!.socket.destroy();
      await delay(200);
      assert.equal(
        (await send(server, '/healthz')).status,
        200,
        'a closed connection frees its slot',
      );
    } finally {
      for (const exchange of held) exchange.socket.destroy();
      await server.close();
    }
  });

  it('closes a connection that never sends a byte', async () => {
    const server = await makeServer({ connectionGuard: { ...GUARD, firstByteMs: 500 } });
    try {
      const silent = rawRequest(server, '');
      const elapsed = await silent.closed(3_000);
      assert.ok(elapsed >= 450 && elapsed < 1_500, `closed after ${elapsed} ms`);
      // A stream that has been open longer than that is a connection that spoke: kept.
      const stream = rawRequest(server, `GET ${API}/quotes/stream HTTP/1.1\r\nHost: x\r\n\r\n`);
      await delay(1_000);
      assert.ok(!stream.socket.destroyed, 'the stream is still open');
      assert.match(stream.received(), /^HTTP\/1\.1 200/);
      stream.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('refuses an upload over the per-address cap with 429 and Retry-After; another address submits', async () => {
    const server = await makeServer({
      connectionGuard: { ...GUARD, bodyBaseMs: 5_000, maxUploadsPerAddress: 2 },
    });
    const slow: RawExchange[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        slow.push(rawRequest(server, postHead(`${API}/submissions`, 60_000) + '{'));
      }
      await delay(200);
      const refused = await submission(server);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '5');
      assert.equal(refused.headers.connection, 'close');
      assert.equal(refused.headers['x-content-type-options'], 'nosniff');
      const body = JSON.parse(refused.body);
      assert.equal(body.statusCode, 429);
      assert.equal(body.code, 'rate_limited');
      assert.equal(typeof body.message, 'string');

      assert.equal((await submission(server, OTHER)).status, 202);
      assert.equal(
        (await send(server, '/healthz')).status,
        200,
        'requests without a body are not uploads',
      );

      slow.pop()!.socket.destroy();
      await delay(400); // a sweep notices the closed upload
      assert.equal((await submission(server)).status, 202, 'a finished upload frees its slot');
    } finally {
      for (const exchange of slow) exchange.socket.destroy();
      await server.close();
    }
  });

  it('does not cap a trusted proxy as one reader; its readers are capped by forwarded address', async () => {
    const server = await makeServer({
      trustProxy: ['127.0.0.1'],
      connectionGuard: {
        ...GUARD,
        bodyBaseMs: 5_000,
        maxConnectionsPerAddress: 5,
        maxUploadsPerAddress: 1,
      },
    });
    const held: RawExchange[] = [];
    try {
      // The balancer's connections: more than the per-address cap, all still served.
      for (let i = 0; i < 10; i++) held.push(rawRequest(server, ''));
      await delay(100);
      assert.equal((await send(server, '/healthz')).status, 200);

      held.push(
        rawRequest(
          server,
          postHead(`${API}/submissions`, 60_000).replace(
            '\r\n\r\n',
            '\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n',
          ) + '{',
        ),
      );
      await delay(200);
      const same = await submission(server, undefined, { 'x-forwarded-for': '203.0.113.7' });
      assert.equal(same.status, 429, 'the same reader behind the proxy is at its cap');
      const other = await submission(server, undefined, { 'x-forwarded-for': '203.0.113.8' });
      assert.equal(other.status, 202, 'another reader behind the proxy is not');
    } finally {
      for (const exchange of held) exchange.socket.destroy();
      await server.close();
    }
  });
});
