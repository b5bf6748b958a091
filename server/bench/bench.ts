/**
 * `npm run bench:api`: loopback benchmark of the campaign API, bounded in time, each
 * figure beside a floor measured in the same run with the same client: a bare
 * `node:http` server that does the least work that answers the same requests (reads
 * the body and answers 202; sends a fixed quotes page or a 304; holds event streams and
 * writes one frame to each when told). Ratios to that floor are what to compare between
 * machines.
 *
 * Both servers run as their own processes (the API as `npm start` runs it: SQLite in a
 * fresh data directory, the rate limit off so one client can load it), with `--expose-gc`
 * and a SIGUSR2 handler that prints their memory after a collection. Measures:
 *   1. submissions/s — JSON POSTs without photo, each with its own Idempotency-Key;
 *   2. quotes GET/s — full 200 answers (uncached), then 304 answers to If-None-Match
 *      (cached);
 *   2b. submissions/s on PostgreSQL — the same load against one instance on a fresh
 *      schema of BENCH_DATABASE_URL (default the local `test` database), in
 *      BENCH_PG_ROUNDS (3) rounds alternating with the SQLite instance; the medians and
 *      their ratio; without a reachable PostgreSQL the row says why;
 *   3. live delivery at 1,000, 5,000 and 10,000 Server-Sent Event clients: how many the
 *      server held, the time from sending an approve request to each client receiving
 *      the quote (p50 / p99 over every client and approval), and memory per connection
 *      (RSS and JS heap after GC, with the clients connected minus before).
 *
 * Options: `--json=FILE` also writes the figures as JSON; `--floor` runs the floor server
 * (used by the bench itself). Env: BENCH_SECONDS (per load phase, default 4),
 * BENCH_CONNECTIONS (64), BENCH_PIPELINING (1), BENCH_CLIENTS (comma list,
 * "1000,5000,10000"), BENCH_APPROVALS (per client count, 20).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import pg from 'pg';
import { load, sleep } from './common.js';
import { type DeliveryFigure, openStreams } from './sse-clients.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 1);
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '1000,5000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 20);
const PG_ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? 3);
const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = 'bench-staff-token';
const CAMPAIGN = 'spirit-of-chongqing';
const here = path.dirname(fileURLToPath(import.meta.url));

/** Preloaded into both servers: prints `MEM {…}` (after a full GC) on SIGUSR2. */
const MEMORY_PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    'process.on("SIGUSR2",()=>{globalThis.gc?.();globalThis.gc?.();' +
      'const m=process.memoryUsage();' +
      'process.stdout.write("MEM "+JSON.stringify({rss:m.rss,heapUsed:m.heapUsed,external:m.external})+"\\n")})',
  );

const body = JSON.stringify({
  message: 'Chongqing people climb every hill together and never give up.',
  displayName: 'Bench Reader',
  anonymous: false,
  district: 'yuzhong',
  email: null,
  consentGiven: true,
  consentVersion: '2024-03',
  publishPermission: true,
  locale: 'en',
});

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

interface Server {
  child: ChildProcess;
  url: string;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

async function startProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', MEMORY_PROBE, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const waiting: ((m: Memory) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
    let listening = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      let index;
      while ((index = output.indexOf('\n')) !== -1) {
        const line = output.slice(0, index);
        output = output.slice(index + 1);
        const mem = /^MEM (.*)$/.exec(line);
        if (mem) waiting.shift()?.(JSON.parse(mem[1]) as Memory);
        const match = /listening on (\S+)/.exec(line);
        if (match && !listening) {
          listening = true;
          clearTimeout(timer);
          resolve(match[1]);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return {
    child,
    url,
    memory: () =>
      new Promise<Memory>((resolve) => {
        waiting.push(resolve);
        child.kill('SIGUSR2');
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

// ---- the floor: node:http doing the least that answers the same requests ----

function runFloor(): void {
  const quotesBody = fs.readFileSync(process.env.FLOOR_QUOTES_FILE!);
  const frameData = fs.readFileSync(process.env.FLOOR_FRAME_FILE!, 'utf8');
  const etag = '"floor"';
  const clients = new Set<http.ServerResponse>();
  let seq = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url.endsWith('/submissions')) {
      req.resume();
      req.on('end', () => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(`{"id":"s${++seq}","status":"pending"}`);
      });
      return;
    }
    if (url.endsWith('/quotes/stream')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.socket?.setNoDelay(true);
      res.write('retry: 3000\n\n');
      clients.add(res);
      res.on('close', () => clients.delete(res));
      return;
    }
    if (url.endsWith('/quotes')) {
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag });
      res.end(quotesBody);
      return;
    }
    const publish = /\/publish\/([^/?]+)$/.exec(url);
    if (req.method === 'POST' && publish) {
      req.resume();
      const frame = `id: ${++seq}\nevent: quote\ndata: ${frameData.replace('__ID__', publish[1])}\n\n`;
      for (const client of clients) client.write(frame);
      res.end('{}');
      return;
    }
    if (url === '/healthz') {
      res.end(JSON.stringify({ live: clients.size }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    console.log(`floor listening on http://127.0.0.1:${address.port}`);
  });
  process.on('SIGTERM', () => {
    for (const client of clients) client.destroy();
    server.close(() => process.exit(0));
  });
}

// ---- the measures, the same for both servers ----

interface Target {
  name: 'api' | 'floor';
  server: Server;
  base: string;
  /** Makes one quote appear on every stream; resolves once the request is answered. */
  publish(id: string): Promise<void>;
  /** Ids `publish` can be called with, made ready beforehand. */
  prepare(count: number): Promise<string[]>;
}

interface HttpFigure {
  perSecond: number;
  p99: number;
  non2xx: number;
  errors: number;
}

let counter = 0;

const figure = (r: autocannon.Result, ok: number): HttpFigure => ({
  perSecond: ok / SECONDS,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
});

/** Submissions/s: JSON POSTs without photo, each with its own Idempotency-Key. */
function submissionLoad(target: Target): Promise<autocannon.Result> {
  return load({
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration: SECONDS,
    url: `${target.base}/submissions`,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          headers: {
            'content-type': 'application/json',
            'idempotency-key': `bench-${process.pid}-${++counter}`,
          },
          body,
        }),
      },
    ],
  });
}

async function httpFigures(target: Target, etag: string): Promise<Record<string, HttpFigure>> {
  const common = { connections: CONNECTIONS, pipelining: PIPELINING, duration: SECONDS };
  await load({ url: `${target.base}/quotes`, connections: 10, duration: 1 }); // warm up
  const submissions = await submissionLoad(target);
  const full = await load({ ...common, url: `${target.base}/quotes` });
  const cached = await load({
    ...common,
    url: `${target.base}/quotes`,
    headers: { 'if-none-match': etag },
  });
  return {
    submissions: figure(submissions, submissions['2xx']),
    quotes: figure(full, full['2xx']),
    quotesCached: {
      ...figure(cached, (cached as unknown as { '3xx': number })['3xx']),
      non2xx: 0,
    },
  };
}

type SseFigure = DeliveryFigure & {
  clients: number;
  rssPerConnection: number;
  heapPerConnection: number;
};

async function liveClients(target: Target, count: number): Promise<SseFigure> {
  const ids = await target.prepare(APPROVALS);
  const before = await target.server.memory();
  const streams = await openStreams([`${target.base}/quotes/stream`], count);
  const after = await target.server.memory();
  for (const id of ids) await streams.deliver(id, () => target.publish(id));
  const delivery = streams.close();
  // Wait until the server has let go of every stream.
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const health = (await (await fetch(`${target.server.url}/healthz`)).json()) as {
      live: number;
    };
    if (!health.live) break;
    await sleep(100);
  }
  const { held } = delivery;
  return {
    clients: count,
    ...delivery,
    rssPerConnection: held ? (after.rss - before.rss) / held : NaN,
    heapPerConnection: held
      ? (after.heapUsed + after.external - before.heapUsed - before.external) / held
      : NaN,
  };
}

async function apiTarget(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Target> {
  const server = await startProcess(['--import', 'tsx', path.join(here, '..', 'src', 'main.ts')], {
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    CAMPAIGN_DATA_DIR: dataDir,
    CAMPAIGN_ADMIN_TOKEN: TOKEN,
    CAMPAIGN_RATE_LIMIT: 'off',
    // Every bench client is on loopback: one address holding thousands of streams.
    CAMPAIGN_MAX_STREAMS_PER_ADDRESS: '20000',
    CAMPAIGN_MAX_CONNECTIONS_PER_ADDRESS: '20000',
    CAMPAIGN_MAX_UPLOADS_PER_ADDRESS: '1000',
  });
  const base = `${server.url}/v1/campaigns/${CAMPAIGN}`;
  return {
    name: 'api',
    server,
    base,
    prepare: async (count) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const response = await fetch(`${base}/submissions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': `bench-live-${process.pid}-${++counter}`,
          },
          body,
        });
        ids.push(((await response.json()) as { id: string }).id);
      }
      return ids;
    },
    publish: async (id) => {
      const response = await fetch(`${base}/submissions/${id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`approve answered ${response.status}`);
    },
  };
}

async function floorTarget(quotesFile: string, frameFile: string): Promise<Target> {
  const server = await startProcess(
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--floor'],
    {
      FLOOR_QUOTES_FILE: quotesFile,
      FLOOR_FRAME_FILE: frameFile,
    },
  );
  const base = `${server.url}/v1/campaigns/${CAMPAIGN}`;
  let next = 0;
  return {
    name: 'floor',
    server,
    base,
    prepare: async (count) => Array.from({ length: count }, () => `floor-${++next}`),
    publish: async (id) => {
      const response = await fetch(`${server.url}/publish/${id}`, { method: 'POST' });
      await response.arrayBuffer();
    },
  };
}

/** Why PostgreSQL cannot be used, or null when it answers. */
async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PostgresFigure {
  /** Rounds of the same load, SQLite then PostgreSQL, one after the other. */
  rounds: { sqlite: HttpFigure; postgres: HttpFigure }[];
  /** Medians of the rounds' submissions/s. */
  sqlitePerSecond: number;
  postgresPerSecond: number;
  /** postgresPerSecond / sqlitePerSecond. */
  ratio: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * The same submissions load against one instance on PostgreSQL (a fresh schema,
 * dropped afterwards), with the same connections and pipelining as the SQLite
 * instance. Rounds alternate SQLite and PostgreSQL so both see the same machine: on a
 * shared machine a single pair can be minutes apart in what else is running.
 */
async function postgresSubmissions(sqlite: Target): Promise<PostgresFigure | { error: string }> {
  const problem = await postgresProblem();
  if (problem) return { error: `PostgreSQL at ${DATABASE_URL} did not answer (${problem})` };
  const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-bench-pg-'));
  let target: Target | undefined;
  try {
    target = await apiTarget(work, { DATABASE_URL, DATABASE_SCHEMA: schema });
    await load({ url: `${target.base}/quotes`, connections: 10, duration: 1 }); // warm up
    const rounds: PostgresFigure['rounds'] = [];
    for (let i = 0; i < PG_ROUNDS; i++) {
      const s = await submissionLoad(sqlite);
      const p = await submissionLoad(target);
      rounds.push({ sqlite: figure(s, s['2xx']), postgres: figure(p, p['2xx']) });
    }
    const sqlitePerSecond = median(rounds.map((r) => r.sqlite.perSecond));
    const postgresPerSecond = median(rounds.map((r) => r.postgres.perSecond));
    return {
      rounds,
      sqlitePerSecond,
      postgresPerSecond,
      ratio: postgresPerSecond / sqlitePerSecond,
    };
  } finally {
    await target?.server.stop();
    fs.rmSync(work, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
}

export interface ApiBenchResult {
  cpus: number;
  node: string;
  seconds: number;
  connections: number;
  pipelining: number;
  http: Record<string, { api: HttpFigure; floor: HttpFigure }>;
  sse: { clients: number; api: SseFigure; floor: SseFigure }[];
  postgres?: PostgresFigure | { error: string };
  seconds_total: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const jsonFile = process.argv.find((a) => a.startsWith('--json='))?.slice(7);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-bench-'));
  const api = await apiTarget(path.join(work, 'data'));
  let floor: Target | undefined;
  const result: ApiBenchResult = {
    cpus: os.cpus().length,
    node: process.version,
    seconds: SECONDS,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    http: {},
    sse: [],
    seconds_total: 0,
  };
  try {
    // The floor answers with the API's own bytes: the same quotes page, the same frame size.
    // A just-started server on a busy machine may still answer 503 (event-loop delay).
    let first = await fetch(`${api.base}/quotes`);
    for (let tries = 0; first.status === 503 && tries < 50; tries++) {
      await first.arrayBuffer();
      await sleep(200);
      first = await fetch(`${api.base}/quotes`);
    }
    const etag = first.headers.get('etag')!;
    const quotesBody = Buffer.from(await first.arrayBuffer());
    const sample = (JSON.parse(quotesBody.toString('utf8')) as { items: { id: string }[] })
      .items[0];
    fs.writeFileSync(path.join(work, 'quotes.json'), quotesBody);
    fs.writeFileSync(path.join(work, 'frame.json'), JSON.stringify({ ...sample, id: '__ID__' }));
    floor = await floorTarget(path.join(work, 'quotes.json'), path.join(work, 'frame.json'));

    const apiHttp = await httpFigures(api, etag);
    const floorHttp = await httpFigures(floor, '"floor"');
    for (const key of Object.keys(apiHttp)) {
      result.http[key] = { api: apiHttp[key], floor: floorHttp[key] };
    }
    result.postgres = await postgresSubmissions(api);
    for (const clients of CLIENT_COUNTS) {
      const a = await liveClients(api, clients);
      const f = await liveClients(floor, clients);
      result.sse.push({ clients, api: a, floor: f });
      console.error(`  SSE ${clients} clients measured`);
    }
  } finally {
    await api.server.stop();
    await floor?.server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  result.seconds_total = (performance.now() - started) / 1000;
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(result, null, 2));
  print(result);
}

function print(r: ApiBenchResult): void {
  const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '—');
  const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');
  const kb = (x: number) => (Number.isFinite(x) ? `${(x / 1024).toFixed(1)} KB` : '—');
  const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(2)}×` : '—');
  const rows: string[][] = [['measure', 'API', 'node:http floor', 'API / floor']];
  const label = {
    submissions: 'submissions/s',
    quotes: 'quote GETs/s, 200',
    quotesCached: 'quote GETs/s, 304',
  };
  for (const [key, { api, floor }] of Object.entries(r.http)) {
    rows.push([
      `${label[key as keyof typeof label]} (p99 ${api.p99} / ${floor.p99} ms)`,
      n(api.perSecond),
      n(floor.perSecond),
      ratio(api.perSecond, floor.perSecond),
    ]);
  }
  for (const { clients, api, floor } of r.sse) {
    rows.push([`SSE ${n(clients)}: clients held`, n(api.held), n(floor.held), '']);
    rows.push([
      `SSE ${n(clients)}: approve→delivery p50`,
      ms(api.p50),
      ms(floor.p50),
      ratio(api.p50, floor.p50),
    ]);
    rows.push([
      `SSE ${n(clients)}: approve→delivery p99`,
      ms(api.p99),
      ms(floor.p99),
      ratio(api.p99, floor.p99),
    ]);
    rows.push([`SSE ${n(clients)}: missed deliveries`, n(api.missed), n(floor.missed), '']);
    rows.push([
      `SSE ${n(clients)}: RSS per connection`,
      kb(api.rssPerConnection),
      kb(floor.rssPerConnection),
      ratio(api.rssPerConnection, floor.rssPerConnection),
    ]);
    rows.push([
      `SSE ${n(clients)}: JS heap per connection`,
      kb(api.heapPerConnection),
      kb(floor.heapPerConnection),
      ratio(api.heapPerConnection, floor.heapPerConnection),
    ]);
  }
  const p = r.postgres;
  if (p && 'error' in p) {
    rows.push(['submissions/s on PostgreSQL', p.error, '', '']);
  } else if (p) {
    const p99 = (key: 'sqlite' | 'postgres') =>
      Math.max(...p.rounds.map((round) => round[key].p99));
    rows.push([
      `submissions/s, SQLite, median of ${p.rounds.length} rounds (p99 ≤ ${p99('sqlite')} ms)`,
      n(p.sqlitePerSecond),
      '',
      '',
    ]);
    rows.push([
      `submissions/s, PostgreSQL, between them (p99 ≤ ${p99('postgres')} ms)`,
      n(p.postgresPerSecond),
      '',
      `${p.ratio.toFixed(2)}× SQLite's`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(
    `\ncampaign API bench (loopback, ${r.cpus} CPUs, Node ${r.node}, ${r.seconds} s per load phase, ${r.connections} connections × ${r.pipelining})`,
  );
  for (const row of rows) console.log(`  ${row.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
  console.log(`  total time ${r.seconds_total.toFixed(1)} s\n`);
}

if (process.argv.includes('--floor')) {
  runFloor();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
