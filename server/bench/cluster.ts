/**
 * `npm run bench:api` (after the single-instance bench): the API scaled out — three
 * instances as their own processes on one PostgreSQL (a fresh schema, dropped at the
 * end) — beside one instance on SQLite, measured the same way on loopback:
 *   1. submissions/s — JSON POSTs, each with its own Idempotency-Key, spread evenly over
 *      the instances (one autocannon per instance, run at once);
 *   2. live delivery — BENCH_CLUSTER_CLIENTS (3,000) Server-Sent Event clients spread
 *      round robin over the instances; each approval is sent to the next instance in
 *      turn; the time from sending the approve request to each client receiving the
 *      quote, p50 / p99 over every client and approval, and any client that missed one.
 *
 * Without a reachable PostgreSQL it says so and exits 0 (the PostgreSQL figures are not
 * part of a run without one), unless CI=true or CAMPAIGN_REQUIRE_POSTGRES=1.
 * Env: BENCH_DATABASE_URL (default the local `test` database), BENCH_SECONDS (4),
 * BENCH_CONNECTIONS (64 in all), BENCH_CLUSTER_CLIENTS (3000), BENCH_CLUSTER_INSTANCES
 * (3), BENCH_APPROVALS (20). `--json=FILE` also writes the figures as JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from './common.js';
import { type DeliveryFigure, openStreams } from './sse-clients.js';
import pg from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const CLIENTS = Number(process.env.BENCH_CLUSTER_CLIENTS ?? 3000);
const INSTANCES = Number(process.env.BENCH_CLUSTER_INSTANCES ?? 3);
const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 20);
const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRED = process.env.CI === 'true' || process.env.CAMPAIGN_REQUIRE_POSTGRES === '1';
const TOKEN = 'bench-staff-token';
const API_PATH = '/v1/campaigns/spirit-of-chongqing';
const here = path.dirname(fileURLToPath(import.meta.url));

const submission = (n: number) =>
  JSON.stringify({
    message: `Chongqing people climb every hill together, bench quote ${n}.`,
    displayName: 'Bench Reader',
    anonymous: false,
    district: 'yuzhong',
    email: null,
    consentGiven: true,
    consentVersion: '2024-03',
    publishPermission: true,
    locale: 'en',
  });

interface Instance {
  child: ChildProcess;
  url: string;
}

function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '..', 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_ADMIN_TOKEN: TOKEN,
        CAMPAIGN_RATE_LIMIT: 'off',
        // Every bench client is on loopback: one address holding thousands of streams.
        CAMPAIGN_MAX_STREAMS_PER_ADDRESS: '20000',
        CAMPAIGN_MAX_CONNECTIONS_PER_ADDRESS: '20000',
        CAMPAIGN_MAX_UPLOADS_PER_ADDRESS: '1000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('an instance did not start')), 120_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /campaign-api listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        output = '';
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`an instance exited (${code})`)));
  });
}

async function stop(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGTERM');
  await new Promise((resolve) => instance.child.once('exit', resolve));
}

let keyCounter = 0;

/** Submissions/s over all instances at once, CONNECTIONS split evenly. */
async function submissionsPerSecond(instances: Instance[]): Promise<number> {
  const each = Math.max(1, Math.round(CONNECTIONS / instances.length));
  const results = await Promise.all(
    instances.map((instance) =>
      load({
        url: `${instance.url}${API_PATH}/submissions`,
        connections: each,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({
              ...request,
              headers: {
                'content-type': 'application/json',
                'idempotency-key': `bench-cluster-${process.pid}-${++keyCounter}`,
              },
              body: submission(keyCounter),
            }),
          },
        ],
      }),
    ),
  );
  return results.reduce((sum, r) => sum + r['2xx'], 0) / SECONDS;
}

async function post(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init.method} ${url}: ${response.status}`);
  return response;
}

type LiveFigure = DeliveryFigure & { clients: number };

/** SSE clients spread over the instances; approvals sent to each instance in turn. */
async function liveDelivery(instances: Instance[]): Promise<LiveFigure> {
  const pending: string[] = [];
  for (let i = 0; i < APPROVALS; i++) {
    const response = await post(`${instances[i % instances.length].url}${API_PATH}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `live-${i}-${Date.now()}` },
      body: submission(100_000 + i),
    });
    pending.push(((await response.json()) as { id: string }).id);
  }
  const streams = await openStreams(
    instances.map((instance) => `${instance.url}${API_PATH}/quotes/stream`),
    CLIENTS,
  );
  for (const [i, id] of pending.entries()) {
    const url = `${instances[i % instances.length].url}${API_PATH}/submissions/${id}/approve`;
    await streams.deliver(id, () =>
      post(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }),
    );
  }
  return { clients: CLIENTS, ...streams.close() };
}

interface Setup {
  name: string;
  submissionsPerSecond: number;
  live: LiveFigure;
}

async function measure(name: string, instances: Instance[]): Promise<Setup> {
  console.log(`  ${name}: submissions…`);
  const perSecond = await submissionsPerSecond(instances);
  console.log(`  ${name}: ${CLIENTS} live clients…`);
  const live = await liveDelivery(instances);
  return { name, submissionsPerSecond: perSecond, live };
}

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

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const problem = await postgresProblem();
  if (problem) {
    const message = `cluster bench skipped: PostgreSQL at ${DATABASE_URL} did not answer (${problem})`;
    if (REQUIRED) throw new Error(message);
    console.log(message);
    return;
  }
  console.log(
    `\ncluster bench: ${INSTANCES} instances on one PostgreSQL vs 1 on SQLite; ` +
      `${CLIENTS} live clients, ${APPROVALS} approvals, ${SECONDS} s load phases, ` +
      `${os.cpus().length} cores, Node ${process.version}`,
  );
  const results: Setup[] = [];

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-bench-cluster-'));
  const single = await startInstance({ CAMPAIGN_DATA_DIR: dataDir });
  try {
    results.push(await measure('1 instance, SQLite', [single]));
  } finally {
    await stop(single);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const env = { DATABASE_URL, DATABASE_SCHEMA: schema, CAMPAIGN_DATA_DIR: os.tmpdir() };
  const instances: Instance[] = [];
  try {
    instances.push(await startInstance(env)); // migrates and seeds
    for (let i = 1; i < INSTANCES; i++) instances.push(await startInstance(env));
    results.push(await measure(`${INSTANCES} instances, PostgreSQL`, instances));
  } finally {
    await Promise.all(instances.map(stop));
    await adminQuery(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  }

  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(
    [
      '',
      row([
        'setup',
        'submissions/s',
        'live clients held',
        'approve→delivery p50',
        'p99',
        'max',
        'missed',
      ]),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
      ...results.map((r) =>
        row([
          r.name,
          r.submissionsPerSecond.toFixed(0),
          `${r.live.held} / ${r.live.clients}`,
          `${r.live.p50.toFixed(1)} ms`,
          `${r.live.p99.toFixed(1)} ms`,
          `${r.live.max.toFixed(1)} ms`,
          String(r.live.missed),
        ]),
      ),
      '',
    ].join('\n'),
  );
  const jsonArg = process.argv.find((arg) => arg.startsWith('--json='));
  if (jsonArg) {
    fs.writeFileSync(
      jsonArg.slice('--json='.length),
      `${JSON.stringify({ date: new Date().toISOString(), cores: os.cpus().length, node: process.version, results }, null, 2)}\n`,
    );
  }
  if (results.some((r) => r.live.missed > 0)) {
    throw new Error('some live clients missed an approved quote');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
