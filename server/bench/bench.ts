/**
 * `npm run bench:api`: loopback benchmark of the campaign API, bounded in time.
 *
 * Starts the server as its own process (as `npm start` does: SQLite in a fresh data
 * directory, the rate limit off so one client can load it), then measures:
 *   1. submissions/s — JSON POSTs without photo, each with its own Idempotency-Key;
 *   2. quotes GET/s — full 200 answers, then 304 answers to If-None-Match;
 *   3. live delivery — 1,000 SSE clients connected; the time from sending an approve
 *      request to each client receiving the quote, p50 / p99 over every client and
 *      every approval.
 * Options via env: BENCH_SECONDS (per load phase, default 4), BENCH_CLIENTS (1000),
 * BENCH_APPROVALS (40).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 40);
const TOKEN = 'bench-staff-token';
const CAMPAIGN = 'spirit-of-chongqing';
const here = path.dirname(fileURLToPath(import.meta.url));

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

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '..', 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_DATA_DIR: dataDir,
        CAMPAIGN_ADMIN_TOKEN: TOKEN,
        CAMPAIGN_RATE_LIMIT: 'off',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /campaign-api listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  child.stdout.resume();
  return { child, url };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-bench-'));
  const { child, url } = await startServer(dataDir);
  const api = `${url}/v1/campaigns/${CAMPAIGN}`;
  const results: [string, string][] = [];
  try {
    // warm up
    await run({ url: `${api}/quotes`, connections: 10, duration: 1 });

    // 1. submissions, 2. quotes (200 and 304): each over 64 keep-alive connections,
    // then over 32 connections with 8 requests pipelined (less client overhead per request)
    const first = await fetch(`${api}/quotes`);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    let counter = 0;
    for (const [connections, pipelining] of [
      [64, 1],
      [32, 8],
    ] as const) {
      const shape = `${connections} conn × ${pipelining} pipelined`;
      const submissions = await run({
        url: `${api}/submissions`,
        connections,
        pipelining,
        duration: SECONDS,
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
      results.push([
        `submissions/s, JSON without photo (${shape})`,
        `${(submissions['2xx'] / SECONDS).toFixed(0)}  (p99 ${submissions.latency.p99} ms, non-2xx ${submissions.non2xx}, errors ${submissions.errors})`,
      ]);
      const full = await run({ url: `${api}/quotes`, connections, pipelining, duration: SECONDS });
      results.push([
        `quotes GET/s, 200 (${shape})`,
        `${(full['2xx'] / SECONDS).toFixed(0)}  (p99 ${full.latency.p99} ms, non-2xx ${full.non2xx})`,
      ]);
      const cached = await run({
        url: `${api}/quotes`,
        connections,
        pipelining,
        duration: SECONDS,
        headers: { 'if-none-match': etag },
      });
      const notModified = (cached as unknown as { '3xx': number })['3xx'];
      results.push([
        `quotes GET/s, 304 (${shape})`,
        `${(notModified / SECONDS).toFixed(0)}  (p99 ${cached.latency.p99} ms)`,
      ]);
    }

    // 3. live delivery to many clients
    const pending: string[] = [];
    for (let i = 0; i < APPROVALS; i++) {
      const response = await fetch(`${api}/submissions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `bench-live-${i}-${process.pid}`,
        },
        body,
      });
      pending.push(((await response.json()) as { id: string }).id);
    }
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const arrivals = new Map<string, number[]>();
    let connected = 0;
    const requests: http.ClientRequest[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${connected} clients connected`)),
        20_000,
      );
      for (let i = 0; i < CLIENTS; i++) {
        const request = http.get(`${api}/quotes/stream`, { agent }, (response) => {
          response.setEncoding('utf8');
          let buffer = '';
          response.on('data', (chunk: string) => {
            const now = performance.now();
            buffer += chunk;
            let index;
            while ((index = buffer.indexOf('\n\n')) !== -1) {
              const frame = buffer.slice(0, index);
              buffer = buffer.slice(index + 2);
              const data = /\ndata: (.*)/.exec(frame);
              if (!data || !frame.includes('event: quote')) continue;
              const id = (JSON.parse(data[1]) as { id: string }).id;
              let list = arrivals.get(id);
              if (!list) arrivals.set(id, (list = []));
              list.push(now);
            }
          });
          if (++connected === CLIENTS) {
            clearTimeout(timer);
            resolve();
          }
        });
        request.on('error', reject);
        requests.push(request);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const latencies: number[] = [];
    let missing = 0;
    for (const id of pending) {
      const sent = performance.now();
      const response = await fetch(`${api}/submissions/${id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      await response.arrayBuffer();
      const deadline = performance.now() + 5000;
      while ((arrivals.get(id)?.length ?? 0) < CLIENTS && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const got = arrivals.get(id) ?? [];
      missing += CLIENTS - got.length;
      for (const time of got) latencies.push(time - sent);
    }
    for (const request of requests) request.destroy();
    latencies.sort((a, b) => a - b);
    results.push([
      `SSE approve→delivery, ${CLIENTS} clients × ${APPROVALS} approvals`,
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms, missed ${missing}`,
    ]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const width = Math.max(...results.map(([name]) => name.length));
  console.log(
    `\ncampaign API bench (loopback, ${os.cpus().length} CPUs, ${SECONDS} s per load phase)`,
  );
  for (const [name, value] of results) console.log(`  ${name.padEnd(width)}  ${value}`);
  console.log(`  total time ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
