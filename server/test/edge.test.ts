/**
 * The published edge (docs/deploy/nginx.conf, run by scripts/edge.mjs) in front of three
 * API processes on one PostgreSQL: real nginx, TLS with a certificate made for the run,
 * HTTP/2. A wall connected through the edge receives a quote approved on another
 * instance; an instance drained with SIGTERM under 1,000 open walls hands every wall to
 * the others, none missing or repeating a quote; the rate limit counts readers (the
 * address nginx forwards), not the balancer; and over one HTTP/2 connection holding
 * eight wall streams the form's POST still goes through.
 *
 * Without nginx the suite is skipped, saying what to install; with CI set it fails.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SubmissionRequest } from '../../src/api/wire.js';
import { API, delay, multipart, newKey, noisyJpeg, staff, TOKEN, validBody } from './helpers.js';
import { describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Edge {
  url: string;
  origin: string;
  caFile: string;
  ca: Buffer;
  configFile: string;
  errorLog(): string;
  stop(): Promise<void>;
}
interface EdgeModule {
  NGINX_CONFIG: string;
  NGINX_MISSING: string;
  findNginx(): string | null;
  startEdge(options: { backends: { host: string; port: number }[]; port?: number }): Promise<Edge>;
}
const edgeModule = (await import(
  pathToFileURL(path.join(ROOT, 'scripts', 'edge.mjs')).href
)) as EdgeModule;

/** `describePostgres`, and also skipped (failed with CI set) without nginx. */
function describeEdge(name: string, body: () => void): void {
  if (edgeModule.findNginx()) {
    describePostgres(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs nginx (required here: CI is set)', () => assert.fail(edgeModule.NGINX_MISSING));
    });
    return;
  }
  console.log(`# skipped "${name}": ${edgeModule.NGINX_MISSING}`);
  describe(name, { skip: edgeModule.NGINX_MISSING }, body);
}

// ---- API instances as processes (SIGTERM is the drain under test) ----

interface Instance {
  url: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

async function startInstance(env: Record<string, string>, dataDir: string): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'server', 'src', 'main.ts')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', CAMPAIGN_DATA_DIR: dataDir, ...env },
    },
  );
  let out = '';
  const keep = (chunk: string) => {
    if (out.length < 1 << 16) out += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      const match = /campaign-api listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(match[1]);
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
  return { url, port: Number(new URL(url).port), child, exited, output: () => out };
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 12_000);
  await instance.exited;
  clearTimeout(timer);
}

async function liveCount(instance: Instance): Promise<number> {
  const response = await fetch(`${instance.url}/healthz`);
  return ((await response.json()) as { live: number }).live;
}

async function submitAndApprove(on: Instance, message: string): Promise<string> {
  const response = await fetch(`${on.url}${API}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
    body: JSON.stringify(validBody({ message })),
  });
  const body = (await response.json()) as { id: string };
  assert.equal(response.status, 202, JSON.stringify(body));
  const approved = await fetch(`${on.url}${API}/submissions/${body.id}/approve`, {
    method: 'POST',
    headers: staff,
  });
  assert.equal(approved.status, 200, await approved.text());
  return body.id;
}

async function until(
  test: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await delay(50);
  }
}

// ---- a wall over HTTPS through the edge, reconnecting as EventSource does ----

class Wall {
  /** Quote ids in the order they arrived, repeats included. */
  readonly quotes: string[] = [];
  /** Connections that answered 200, and how many of them sent a Last-Event-ID. */
  opened = 0;
  resumed = 0;
  connected = false;
  lastEventId: string | null = null;
  /** The reconnection delay in effect each time a stream ended (the server's `retry:`). */
  readonly retriesAtEnd: number[] = [];
  #retryMs = 3000;
  #closed = false;
  #request: ReturnType<typeof https.request> | null = null;

  constructor(
    private readonly url: string,
    private readonly agent: https.Agent,
  ) {
    this.#connect();
  }

  #connect(): void {
    if (this.#closed) return;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const resuming = this.lastEventId !== null;
    if (resuming) headers['last-event-id'] = this.lastEventId!;
    let again = false;
    const retry = () => {
      this.connected = false;
      if (again || this.#closed) return;
      again = true;
      this.retriesAtEnd.push(this.#retryMs);
      setTimeout(() => this.#connect(), this.#retryMs);
    };
    const request = https.request(this.url, { agent: this.agent, headers });
    this.#request = request;
    request.on('error', retry);
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        retry();
        return;
      }
      this.opened++;
      if (resuming) this.resumed++;
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let index;
        while ((index = buffer.indexOf('\n\n')) !== -1) {
          this.#frame(buffer.slice(0, index));
          buffer = buffer.slice(index + 2);
        }
      });
      response.on('end', retry);
      response.on('close', retry);
      response.on('error', retry);
    });
    request.end();
  }

  #frame(frame: string): void {
    let id: string | undefined;
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith(': connected')) this.connected = true;
      else if (line.startsWith('retry:')) this.#retryMs = Number(line.slice(6));
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (id !== undefined) this.lastEventId = id;
    if (event === 'quote') this.quotes.push((JSON.parse(data) as { id: string }).id);
  }

  close(): void {
    this.#closed = true;
    this.#request?.destroy();
  }
}

/** A submission through the edge over HTTPS, from `localAddress` (a loopback alias). */
function postThroughEdge(
  edge: Edge,
  body: SubmissionRequest,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${edge.url}${API}/submissions`, {
      method: 'POST',
      ca: edge.ca,
      localAddress,
      agent: false,
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey(), ...headers },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          retryAfter: response.headers['retry-after'],
        }),
      );
    });
    request.end(JSON.stringify(body));
  });
}

describe('the published nginx configuration', () => {
  it('is the file docs/deploy.md shows, line for line', () => {
    const file = readFileSync(edgeModule.NGINX_CONFIG, 'utf8');
    const doc = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const shown = /<!-- nginx\.conf -->\n```nginx\n([\s\S]*?)```\n<!-- \/nginx\.conf -->/.exec(doc);
    assert.ok(
      shown,
      'docs/deploy.md includes the configuration between <!-- nginx.conf --> markers',
    );
    assert.equal(shown[1], file, 'docs/deploy.md shows docs/deploy/nginx.conf as it is');
  });
});

/**
 * Open files: 1,000 walls take 1,000 sockets here, 2,000 in nginx and 1,000 over the
 * instances. Raises this process's soft limit to its hard limit (prlimit, util-linux)
 * when it is low; nginx and the instances, started after, inherit it.
 */
function raiseOpenFileLimit(): void {
  const limit = (flag: string) =>
    Number(spawnSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).stdout.trim());
  const soft = limit('-Sn');
  if (soft >= 4096) return;
  const hard = limit('-Hn');
  const to = Number.isFinite(hard) ? hard : 65_536;
  spawnSync('prlimit', [`--pid=${process.pid}`, `--nofile=${to}:${to}`]);
  const now = limit('-Sn');
  assert.ok(now >= 4096, `1,000 walls need 4,096 open files or more; the limit is ${now}`);
}

describeEdge('nginx in front of three API instances', () => {
  const { schema, drop } = testSchema();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cw-edge-test-'));
  const instances: Instance[] = [];
  let edge: Edge;

  before(async () => {
    raiseOpenFileLimit();
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      // Three processes share the test database with every other suite.
      DATABASE_POOL_SIZE: '4',
      CAMPAIGN_ADMIN_TOKEN: TOKEN,
      // nginx connects from 127.0.0.1: the address it forwards is the reader's.
      CAMPAIGN_TRUST_PROXY: '127.0.0.1',
      CAMPAIGN_RATE_LIMIT: '20/600',
      // 1,000 walls from one test process: above the per-address default of 500.
      CAMPAIGN_MAX_STREAMS_PER_ADDRESS: '5000',
      // Three instances, nginx, PostgreSQL and 1,000 walls on two cores: an event-loop
      // delay here says nothing about the instances, and shedding would only slow the test.
      CAMPAIGN_MAX_EVENT_LOOP_DELAY_MS: 'off',
    };
    // One first (migrations and the seed), then the others together.
    instances.push(await startInstance(env, dataDir));
    instances.push(
      ...(await Promise.all([startInstance(env, dataDir), startInstance(env, dataDir)])),
    );
    edge = await edgeModule.startEdge({
      backends: instances.map((instance) => ({ host: '127.0.0.1', port: instance.port })),
    });
  });

  after(async () => {
    await edge?.stop();
    await Promise.all(instances.map(stopInstance));
    rmSync(dataDir, { recursive: true, force: true });
    await drop();
  });

  it('delivers to a wall connected through the edge a quote approved on another instance', async () => {
    const agent = new https.Agent({ ca: edge.ca });
    const before = await Promise.all(instances.map(liveCount));
    const wall = new Wall(`${edge.url}${API}/quotes/stream`, agent);
    try {
      await until(
        () => wall.connected,
        10_000,
        () => 'the wall did not connect',
      );
      // Which instance nginx gave the wall to: the one whose open streams went up.
      let holder = -1;
      await until(
        async () => {
          const now = await Promise.all(instances.map(liveCount));
          holder = now.findIndex((count, i) => count === before[i] + 1);
          return holder >= 0;
        },
        5000,
        () => 'no instance counts the wall',
      );
      const other = instances[(holder + 1) % instances.length];
      const id = await submitAndApprove(other, 'Approved on one instance, read through the edge.');
      await until(
        () => wall.quotes.length >= 1,
        10_000,
        () => 'the quote did not arrive',
      );
      assert.deepEqual(wall.quotes, [id]);
      assert.equal(wall.opened, 1, 'one connection, never dropped');
      // The edge's /healthz is an instance's.
      const health = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        https
          .get(`${edge.url}/healthz`, { agent }, (response) => {
            let body = '';
            response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
      assert.equal(health.status, 200);
      assert.equal((JSON.parse(health.body) as { store: string }).store, 'postgres');
    } finally {
      wall.close();
      agent.destroy();
    }
  });

  it('keeps its connections to the instances alive (HTTP/1.1, Connection cleared)', async (t) => {
    // Every connection nginx opens to an instance shows in /proc/net/tcp, from either
    // end, until well after it closes (TIME_WAIT, on the side that closed first); the
    // nginx end's port names it, so new ports are new connections.
    const ports = new Set(instances.map((instance) => instance.port));
    const portOf = (address: string) => parseInt(address.split(':')[1] ?? '', 16);
    const upstreamPorts = () => {
      const seen = new Set<string>();
      for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
        const [, local, remote, state] = line.trim().split(/\s+/);
        if (!local || !remote || state === '0A') continue; // 0A: listening
        if (ports.has(portOf(local))) seen.add(remote);
        else if (ports.has(portOf(remote))) seen.add(local);
      }
      return seen;
    };
    const agent = new https.Agent({ ca: edge.ca, keepAlive: true, maxSockets: 1 });
    try {
      const get = () =>
        new Promise<number>((resolve, reject) => {
          https
            .get(`${edge.url}${API}`, { agent }, (response) => {
              response.resume();
              response.on('end', () => resolve(response.statusCode ?? 0));
            })
            .on('error', reject);
        });
      await get();
      const before = upstreamPorts();
      for (let i = 0; i < 30; i++) assert.equal(await get(), 200);
      const opened = [...upstreamPorts()].filter((port) => !before.has(port));
      t.diagnostic(`30 requests through the edge opened ${opened.length} upstream connections`);
      assert.ok(opened.length <= 6, `30 requests opened ${opened.length} upstream connections`);
    } finally {
      agent.destroy();
    }
  });

  it('passes over an instance that refuses or answers 503, and takes it out for a while', async () => {
    // Beside a real instance: a closed port, and an instance that answers every request
    // with 503 (as a draining one answers on the connections it still has).
    let refusals = 0;
    const unavailable = http.createServer((_request, response) => {
      refusals++;
      response.writeHead(503, { 'retry-after': '5' }).end();
    });
    await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const second = await edgeModule.startEdge({
      backends: [
        { host: '127.0.0.1', port: closedPort },
        { host: '127.0.0.1', port: (unavailable.address() as AddressInfo).port },
        { host: '127.0.0.1', port: instances[0].port },
      ],
    });
    const agent = new https.Agent({ ca: second.ca, keepAlive: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        statuses.push(
          await new Promise<number>((resolve, reject) => {
            https
              .get(`${second.url}/healthz`, { agent }, (response) => {
                response.resume();
                response.on('end', () => resolve(response.statusCode ?? 0));
              })
              .on('error', reject);
          }),
        );
      }
      assert.deepEqual(
        statuses.filter((status) => status !== 200),
        [],
        'every request answered by the instance that works',
      );
      // Two failures take a backend out for 10 s (counted in the zone all workers share).
      assert.ok(refusals <= 2, `the 503 instance was asked ${refusals} times`);
    } finally {
      agent.destroy();
      await second.stop();
      await new Promise<void>((resolve) => unavailable.close(() => resolve()));
    }
  });

  it('sends a new stream to the instance holding the fewest (least_conn)', async () => {
    // Two stand-in instances that hold every request open as a stream, and can end theirs.
    const backend = () => {
      const open = new Set<http.ServerResponse>();
      let requests = 0;
      const server = http.createServer((_request, response) => {
        requests++;
        response.writeHead(200, { 'content-type': 'text/event-stream' }).write(': held\n\n');
        open.add(response);
        response.on('close', () => open.delete(response));
      });
      return { server, open, requests: () => requests };
    };
    const a = backend();
    const b = backend();
    for (const { server } of [a, b]) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
    const portOf = (server: http.Server) => (server.address() as AddressInfo).port;
    const third = await edgeModule.startEdge({
      backends: [
        { host: '127.0.0.1', port: portOf(a.server) },
        { host: '127.0.0.1', port: portOf(b.server) },
      ],
    });
    const clients: http.ClientRequest[] = [];
    const openStreamThrough = () =>
      new Promise<void>((resolve, reject) => {
        const request = https.get(
          `${third.url}${API}/quotes/stream`,
          { ca: third.ca, agent: false },
          (response) => {
            response.once('data', () => resolve());
            response.on('error', () => undefined);
          },
        );
        request.on('error', reject);
        clients.push(request);
      });
    try {
      for (let i = 0; i < 4; i++) await openStreamThrough();
      assert.deepEqual([a.open.size, b.open.size], [2, 2], 'four streams, two each');
      // A ends its two (say it restarted): it now holds none, B still two.
      for (const response of a.open) response.end();
      await until(
        () => a.open.size === 0,
        5000,
        () => 'A still holds streams',
      );
      await delay(200);
      for (let i = 0; i < 2; i++) await openStreamThrough();
      assert.equal(a.requests(), 4, 'both new streams went to A, which held the fewest');
      assert.equal(b.requests(), 2, 'none to B');
    } finally {
      for (const client of clients) client.destroy();
      await third.stop();
      for (const { server, open } of [a, b]) {
        for (const response of open) response.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });

  it('counts the rate limit per reader, whom nginx names, not per balancer', async () => {
    // Reader A floods, eight at a time, each request claiming another address in its
    // own X-Forwarded-For: nginx appends the real peer, the instances trust nginx only,
    // so every one counts against 127.0.0.2, across all three instances.
    const flood: { status: number; retryAfter: string | undefined }[] = [];
    for (let round = 0; round < 3; round++) {
      flood.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            postThroughEdge(
              edge,
              validBody({ message: `Flood ${round}-${i} from one reader.` }),
              '127.0.0.2',
              { 'x-forwarded-for': `198.51.100.${round * 8 + i + 1}` },
            ),
          ),
        )),
      );
    }
    const accepted = flood.filter((answer) => answer.status === 202).length;
    const limited = flood.filter((answer) => answer.status === 429);
    assert.equal(
      accepted,
      20,
      `20 of 24 accepted (statuses ${flood.map((a) => a.status).join(' ')})`,
    );
    assert.equal(limited.length, 4, 'the rest refused with 429');
    assert.ok(
      limited.every((answer) => Number(answer.retryAfter) > 0),
      'with Retry-After',
    );
    // Reader B, through the same balancer, has a budget of its own.
    const other = await postThroughEdge(
      edge,
      validBody({ message: 'Another reader.' }),
      '127.0.0.3',
    );
    assert.equal(other.status, 202, 'the other reader is still served');
    const again = await postThroughEdge(
      edge,
      validBody({ message: 'Still flooding.' }),
      '127.0.0.2',
    );
    assert.equal(again.status, 429, 'while the flooding reader stays refused');
  });

  it('keeps the form working over HTTP/2 with eight wall streams on the same connection', async () => {
    const session = http2.connect(edge.url, { ca: edge.ca });
    try {
      await new Promise<void>((resolve, reject) => {
        session.once('connect', () => resolve());
        session.once('error', reject);
      });
      assert.equal(session.alpnProtocol, 'h2', 'the edge speaks HTTP/2');
      const walls = Array.from({ length: 8 }, () => {
        const stream = session.request({
          ':path': `${API}/quotes/stream`,
          accept: 'text/event-stream',
        });
        const wall = { text: '', status: 0, stream };
        stream.setEncoding('utf8');
        stream.on('response', (headers) => (wall.status = Number(headers[':status'])));
        stream.on('data', (chunk: string) => (wall.text += chunk));
        return wall;
      });
      await until(
        () => walls.every((wall) => wall.text.includes(': connected')),
        10_000,
        () =>
          `${walls.filter((wall) => wall.text.includes(': connected')).length} of 8 walls connected`,
      );
      assert.ok(walls.every((wall) => wall.status === 200));
      assert.equal(
        walls.filter((wall) => wall.stream.session === session).length,
        8,
        'eight streams on one connection',
      );
      // The form's POST, a ninth stream on the same connection, while the eight stay open.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': `${API}/submissions`,
          // A page served by the edge: allowed only if the instance sees the https origin
          // the browser used (X-Forwarded-Proto, and Host with its port).
          origin: edge.origin,
          'content-type': 'application/json',
          'idempotency-key': newKey(),
        });
        let body = '';
        let status = 0;
        stream.setEncoding('utf8');
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
        stream.end(JSON.stringify(validBody({ message: 'Sent over HTTP/2 beside eight walls.' })));
      });
      assert.equal(answer.status, 202, answer.body);
      assert.ok(
        walls.every((wall) => !wall.stream.closed),
        'the walls are still open',
      );
      // And the eight walls, unbuffered through the edge, receive it once approved.
      const { id } = JSON.parse(answer.body) as { id: string };
      const approved = await fetch(`${instances[0].url}${API}/submissions/${id}/approve`, {
        method: 'POST',
        headers: staff,
      });
      assert.equal(approved.status, 200);
      await until(
        () => walls.every((wall) => wall.text.includes(`"id":"${id}"`)),
        10_000,
        () => 'not every wall received the quote',
      );
    } finally {
      session.destroy();
    }
  });

  it("takes a reader's photo above nginx's default 1 MB body limit", async () => {
    const bytes = await noisyJpeg(2000, 1500);
    assert.ok(bytes.length > 1024 * 1024, `a photo of ${bytes.length} bytes`);
    const { payload, contentType } = multipart(validBody({ message: 'A large photo.' }), { bytes });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = https.request(`${edge.url}${API}/submissions`, {
        method: 'POST',
        ca: edge.ca,
        agent: false,
        headers: { 'content-type': contentType, 'idempotency-key': newKey() },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.end(payload);
    });
    assert.equal(answer.status, 202, `${answer.body}\n${edge.errorLog()}`);
  });

  it('hands 1,000 walls of an instance drained with SIGTERM to the others, every quote exactly once', async (t) => {
    const agent = new https.Agent({ ca: edge.ca, maxSockets: Infinity });
    const walls: Wall[] = [];
    const started = Date.now();
    try {
      for (let i = 0; i < 1000; i++) {
        walls.push(new Wall(`${edge.url}${API}/quotes/stream`, agent));
        if (i % 100 === 99) await delay(100);
      }
      await until(
        () => walls.every((wall) => wall.connected),
        30_000,
        () => `${walls.filter((wall) => wall.connected).length} of 1000 walls connected`,
      );
      const held = await Promise.all(instances.map(liveCount));
      assert.equal(
        held.reduce((a, b) => a + b, 0),
        1000,
        `the instances hold every wall (${held.join(', ')})`,
      );
      // least_conn spreads them; the instance holding the most is drained.
      const victimIndex = held.indexOf(Math.max(...held));
      const victim = instances[victimIndex];
      const others = instances.filter((_, i) => i !== victimIndex);
      t.diagnostic(`walls per instance: ${held.join(', ')} (drained: instance ${victimIndex + 1})`);
      assert.ok(held[victimIndex] >= 200, `the drained instance holds walls (${held.join(', ')})`);

      const expected: string[] = [];
      const approve = async (phase: string) =>
        expected.push(
          await submitAndApprove(others[expected.length % 2], `${phase} ${expected.length}.`),
        );
      const allHave = (count: number) => walls.every((wall) => wall.quotes.length >= count);

      for (let i = 0; i < 3; i++) await approve('Before the drain');
      await until(
        () => allHave(3),
        15_000,
        () => 'the quotes before the drain did not reach every wall',
      );

      victim.child.kill('SIGTERM');
      for (let i = 0; i < 3; i++) await approve('During the drain');
      const code = await victim.exited;
      assert.equal(code, 0, `the instance stopped cleanly:\n${victim.output()}`);
      for (let i = 0; i < 3; i++) await approve('After the drain');

      await until(
        () => allHave(expected.length),
        30_000,
        () =>
          `${walls.filter((wall) => wall.quotes.length >= expected.length).length} of 1000 walls ` +
          `have all ${expected.length} quotes`,
      );
      await delay(500); // a repeat would arrive right behind
      for (const [i, wall] of walls.entries()) {
        assert.deepEqual(wall.quotes, expected, `wall ${i}: every quote, once, in order`);
      }
      const moved = walls.filter((wall) => wall.resumed > 0);
      assert.equal(moved.length, held[victimIndex], 'each wall of the drained instance came back');
      assert.ok(
        moved.every((wall) => wall.opened === 2 && wall.resumed === 1),
        'once each, with Last-Event-ID',
      );
      // The drained streams' last frame spread the reconnections over 0.6–3 s.
      const hints = moved.map((wall) => wall.retriesAtEnd[0]);
      assert.ok(
        hints.every((ms) => ms >= 600 && ms <= 3000),
        `retry hints within 0.6–3 s (${hints.slice(0, 5).join(', ')}…)`,
      );
      assert.ok(new Set(hints).size > moved.length / 4, 'drawn per stream, not one for all');
      const now = await Promise.all(others.map(liveCount));
      assert.equal(
        now.reduce((a, b) => a + b, 0),
        1000,
        `the others hold every wall now (${now.join(', ')})`,
      );
      t.diagnostic(`1,000 walls opened, drained and handed over in ${Date.now() - started} ms`);
      assert.ok(Date.now() - started < 60_000, `within a minute (${Date.now() - started} ms)`);
    } finally {
      for (const wall of walls) wall.close();
      agent.destroy();
    }
  });
});
