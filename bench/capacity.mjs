#!/usr/bin/env node
// `npm run bench:capacity`: what one API instance costs, measured on this machine, and
// what 10,000, 100,000 and 1,000,000 concurrent wall readers would need from it
// (bench/capacity-model.mjs holds the arithmetic and its assumptions).
//
// Measures, per instance (SQLite, a fresh data folder, as `npm start` runs it):
//   1. memory per event stream: RSS and JS heap (+ external) after a full GC, before and
//      after opening 2,000 streams, divided by the streams held;
//   2. CPU per stream opened (what a reconnect costs), and CPU per approval: the instance's user + system CPU time (process.cpuUsage(), read
//      by a probe preloaded into it) over approvals with no stream open, then with 1,000
//      streams open (each approval waits
//      until every stream has it); the difference is the fan-out;
//   3. quote GETs/s: full 200 answers of the quotes page (no If-None-Match, no CDN; the
//      instance's own per-event page cache is warm, as it is between approvals);
//   4. submissions/s: JSON POSTs, each with its own Idempotency-Key (autocannon).
// Then one measured point on PostgreSQL (127.0.0.1:5432, db `test`, a fresh schema
// dropped at the end): 1 instance holding 5,000 streams, then 3 instances holding
// 15,000 in all, approve → delivery p50 / p99 over every stream and approval, each
// approval sent through the staff API of the first instance.
//
// The stream clients are raw sockets in this process, reading the event-stream bytes
// for the quote's id: they share the machine's cores with the instances and the
// database, so every figure here is a floor for what separate machines would give.
//
// Options:
//   --quick        fewer streams and approvals, 1 s load phases (under a minute)
//   --edge         the cluster point through the edge (scripts/edge.mjs: nginx, TLS)
//                  instead of the client spreading streams over the instances itself
//   --no-cluster   skip the PostgreSQL point
//   --write        write the tables into docs/deploy.md between the capacity markers
//   --json=FILE    also write the figures as JSON
// Env: CAPACITY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Without
// a reachable PostgreSQL the point is left out (and said so), unless CI=true or
// CAMPAIGN_REQUIRE_POSTGRES=1, which make it an error. Exits 1 if a held stream missed
// an approved quote or a stream was refused.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { capacityModel } from './capacity-model.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(path.join(root, 'server', 'package.json'));
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const EDGE = args.includes('--edge');
const CLUSTER = !args.includes('--no-cluster');
const WRITE = args.includes('--write');
const JSON_FILE = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);
// In CI a missing PostgreSQL fails the run instead of leaving the point out.
const REQUIRE_POSTGRES = process.env.CI === 'true' || process.env.CAMPAIGN_REQUIRE_POSTGRES === '1';
const DATABASE_URL = process.env.CAPACITY_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const MEMORY_STREAMS = 2000;
const CPU_STREAMS = 1000;
const CPU_APPROVALS = QUICK ? 10 : 20;
const IDLE_APPROVALS = 3 * CPU_APPROVALS;
const LOAD_SECONDS = QUICK ? 1 : 4;
const LOAD_CONNECTIONS = 32;
const POINT_APPROVALS = QUICK ? 5 : 20;
const INSTANCES = 3;
let pointStreams = QUICK ? 1500 : 15_000; // in all, over INSTANCES
const TOKEN = 'capacity-staff-token';
const API_PATH = '/v1/campaigns/spirit-of-chongqing';
const DOCS = path.join(root, 'docs', 'deploy.md');
const START = '<!-- capacity:start -->';
const END = '<!-- capacity:end -->';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => console.error(`  ${line}`);
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');

// ---- open files: 15,000 sockets need more than the usual 1,024 ----

function openFileLimit() {
  const answer = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  return answer === 'unlimited' ? Infinity : Number(answer);
}

const needFiles = (CLUSTER ? pointStreams : MEMORY_STREAMS) + 1024;
if (CLUSTER && openFileLimit() < needFiles) {
  if (!process.env.CAPACITY_RAISED_LIMIT) {
    // Raise the soft limit (up to the hard one) and run again under it.
    const child = spawn(
      'bash',
      [
        '-c',
        'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"',
        process.execPath,
        fileURLToPath(import.meta.url),
        ...args,
      ],
      { stdio: 'inherit', env: { ...process.env, CAPACITY_RAISED_LIMIT: '1' } },
    );
    child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
    await new Promise(() => undefined); // the child's exit ends this process
  }
  const limit = openFileLimit();
  const fits = Math.floor((limit - 1024) / INSTANCES) * INSTANCES;
  console.error(
    `Open-file limit ${limit} holds fewer than ${pointStreams} streams: the cluster point ` +
      `holds ${fits}. For the full point run \`bash -c 'ulimit -n 65536 && npm run bench:capacity'\` ` +
      `as a user allowed to raise it (or raise the hard limit in /etc/security/limits.conf).`,
  );
  pointStreams = Math.max(INSTANCES, fits);
}

// ---- an API instance as its own process ----

/**
 * Preloaded into each instance: prints `MEM {…}` after a full GC on SIGUSR2, and its
 * CPU time so far (`process.cpuUsage()`, user + system, µs) as `CPU n` on SIGWINCH.
 */
const PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    'process.on("SIGUSR2",()=>{globalThis.gc?.();globalThis.gc?.();' +
      'const m=process.memoryUsage();' +
      'process.stdout.write("MEM "+JSON.stringify({rss:m.rss,heapUsed:m.heapUsed,external:m.external})+"\\n")});' +
      'process.on("SIGWINCH",()=>{const c=process.cpuUsage();process.stdout.write("CPU "+(c.user+c.system)+"\\n")})',
  );

async function startInstance(env) {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      PROBE,
      '--import',
      'tsx',
      path.join(root, 'server', 'src', 'main.ts'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_ADMIN_TOKEN: TOKEN,
        CAMPAIGN_RATE_LIMIT: 'off',
        // Every client here is on loopback: one address holding thousands of streams.
        CAMPAIGN_MAX_STREAMS: '20000',
        CAMPAIGN_MAX_STREAMS_PER_ADDRESS: '20000',
        CAMPAIGN_MAX_CONNECTIONS_PER_ADDRESS: '20000',
        // On a shared 2-core machine opening thousands of streams lags the loop past the
        // default 1 s guard; the point measures delivery, not the guard's refusals.
        CAMPAIGN_MAX_EVENT_LOOP_DELAY_MS: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const waiting = [];
  const cpuWaiting = [];
  let pending = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('an instance did not start in 120 s')),
      120_000,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      let index;
      while ((index = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, index);
        pending = pending.slice(index + 1);
        const memory = /^MEM (.*)$/.exec(line);
        if (memory) waiting.shift()?.(JSON.parse(memory[1]));
        const cpu = /^CPU (\d+)$/.exec(line);
        if (cpu) cpuWaiting.shift()?.(Number(cpu[1]) / 1000);
        const listening = /campaign-api listening on (\S+)/.exec(line);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`an instance exited (${code})`)));
  });
  return {
    url,
    pid: child.pid,
    /** CPU ms so far, from the process itself (µs resolution). */
    cpuMs: () =>
      new Promise((resolve) => {
        cpuWaiting.push(resolve);
        child.kill('SIGWINCH');
      }),
    memory: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.kill('SIGUSR2');
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

// ---- the staff and reader requests ----

let keyCounter = 0;
const submission = (n) =>
  JSON.stringify({
    message: `Chongqing people climb every hill together, capacity quote ${n}.`,
    displayName: 'Capacity Reader',
    anonymous: false,
    district: 'yuzhong',
    email: null,
    consentGiven: true,
    consentVersion: '2024-03',
    publishPermission: true,
    locale: 'en',
  });

async function submit(base) {
  const response = await fetch(`${base}${API_PATH}/submissions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `capacity-${process.pid}-${++keyCounter}`,
    },
    body: submission(keyCounter),
  });
  if (response.status !== 202) throw new Error(`submission answered ${response.status}`);
  return (await response.json()).id;
}

async function prepare(base, count) {
  const ids = [];
  for (let i = 0; i < count; i++) ids.push(await submit(base));
  return ids;
}

async function approve(base, id) {
  const response = await fetch(`${base}${API_PATH}/submissions/${id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`approve answered ${response.status}`);
}

async function liveOn(base) {
  const response = await fetch(`${base}/healthz`);
  return (await response.json()).live ?? 0;
}

// ---- event-stream clients: raw sockets looking for the quote's id ----

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Opens `count` streams over `targets` in turn ({ host, port, tls?, ca?, servername? }),
 * 250 at a time. `deliver(id, send)` times every stream's receipt of `id` from just
 * before `send()`; `close()` sums up.
 */
async function openStreams(targets, count, streamPath) {
  const sockets = [];
  const latencies = [];
  let needle = '\u0000';
  let waitingFor = '';
  let arrived = 0;
  let sentAt = 0;
  let held = 0;
  let refused = 0;
  let missed = 0;
  let approvals = 0;
  let eventBytes = Infinity;
  const connectOne = (index) =>
    new Promise((resolve) => {
      const target = targets[index % targets.length];
      const socket = target.tls
        ? tls.connect({
            host: target.host,
            port: target.port,
            ca: target.ca,
            servername: target.servername,
            ALPNProtocols: ['http/1.1'],
          })
        : net.connect({ host: target.host, port: target.port });
      socket.setEncoding('latin1');
      let head = true;
      let tail = '';
      let seen = '';
      socket.once(target.tls ? 'secureConnect' : 'connect', () => {
        socket.write(
          `GET ${streamPath} HTTP/1.1\r\nHost: ${target.servername ?? target.host}:${target.port}\r\n` +
            'Accept: text/event-stream\r\n\r\n',
        );
      });
      socket.on('data', (chunk) => {
        const now = performance.now();
        if (head) {
          head = false;
          if (!chunk.startsWith('HTTP/1.1 200')) {
            refused++;
            socket.destroy();
            return resolve();
          }
          held++;
          resolve();
        }
        const text = tail + chunk;
        tail = text.slice(-160);
        if (seen !== waitingFor && text.includes(needle)) {
          seen = waitingFor;
          arrived++;
          latencies.push(now - sentAt);
          if (index === 0) {
            // The event frame as the SSE bytes a reader gets (HTTP framing aside).
            const at = text.indexOf(needle);
            const start = text.lastIndexOf('id: ', at);
            const end = text.indexOf('\n\n', at);
            if (start >= 0 && end > at) eventBytes = Math.min(eventBytes, end + 2 - start);
          }
        }
      });
      socket.on('error', () => {
        if (head) refused++;
        head = false;
        resolve();
      });
      sockets.push(socket);
    });
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, (_, j) => connectOne(i + j)),
    );
  }
  await sleep(500);
  return {
    get held() {
      return held;
    },
    async deliver(id, send) {
      waitingFor = id;
      needle = `"id":"${id}"`;
      arrived = 0;
      sentAt = performance.now();
      await send();
      const deadline = performance.now() + 10_000;
      while (arrived < held && performance.now() < deadline) await sleep(1);
      missed += held - arrived;
      approvals++;
      await sleep(20);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      latencies.sort((a, b) => a - b);
      return {
        streams: count,
        held,
        approvals,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? NaN,
        refused,
        missed,
        eventBytes,
      };
    },
  };
}

/** Memory after a full GC, asked twice a moment apart so freed pages have gone back. */
async function settledMemory(instance) {
  await instance.memory();
  await sleep(300);
  return instance.memory();
}

async function waitUntilReleased(bases) {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const live = await Promise.all(bases.map(liveOn));
    if (live.every((n) => n === 0)) return;
    await sleep(100);
  }
}

// ---- HTTP load (autocannon, as server/bench does) ----

const autocannon = require('autocannon');
const run = (options) =>
  new Promise((resolve, reject) =>
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result))),
  );

// ---- 1. the single instance on SQLite ----

async function singleInstance() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-capacity-'));
  const instance = await startInstance({ CAMPAIGN_DATA_DIR: dataDir });
  const base = instance.url;
  const streamUrl = new URL(`${base}${API_PATH}/quotes/stream`);
  const target = [{ host: streamUrl.hostname, port: Number(streamUrl.port) }];
  try {
    log(
      `SQLite instance up (load ${load()}); preparing ${IDLE_APPROVALS + CPU_APPROVALS + 3} submissions`,
    );
    const ids = await prepare(base, IDLE_APPROVALS + CPU_APPROVALS + 3);
    for (const id of ids.splice(0, 3)) await approve(base, id); // warm the routes
    for (let i = 0; i < 20; i++) await (await fetch(`${base}${API_PATH}/quotes`)).arrayBuffer();

    let before = await instance.cpuMs();
    for (const id of ids.splice(0, IDLE_APPROVALS)) await approve(base, id);
    await sleep(200);
    const cpuPerApprovalMs = ((await instance.cpuMs()) - before) / IDLE_APPROVALS;
    log(`CPU per approval, no streams: ${cpuPerApprovalMs.toFixed(2)} ms`);

    const empty = await settledMemory(instance);
    const opening = await instance.cpuMs();
    const streams = await openStreams(target, CPU_STREAMS, streamUrl.pathname);
    const more = await openStreams(target, MEMORY_STREAMS - CPU_STREAMS, streamUrl.pathname);
    // The 500 ms each openStreams waits at the end holds no work but the streams'.
    const cpuPerStreamOpenMs = ((await instance.cpuMs()) - opening) / (streams.held + more.held);
    await sleep(500);
    const full = await settledMemory(instance);
    const held = streams.held + more.held;
    log(`memory: ${held} streams held`);
    more.close();
    const deadline = performance.now() + 15_000;
    while ((await liveOn(base)) > streams.held && performance.now() < deadline) await sleep(100);

    before = await instance.cpuMs();
    for (const id of ids.splice(0, CPU_APPROVALS)) {
      await streams.deliver(id, () => approve(base, id));
    }
    const cpuPerApprovalAt1000Ms = ((await instance.cpuMs()) - before) / CPU_APPROVALS;
    log(`CPU per approval, ${streams.held} streams: ${cpuPerApprovalAt1000Ms.toFixed(2)} ms`);
    const delivery = streams.close();
    await waitUntilReleased([base]);

    const page = await fetch(`${base}${API_PATH}/quotes`);
    const quotePageBytes = (await page.arrayBuffer()).byteLength;
    const gets = await run({
      url: `${base}${API_PATH}/quotes`,
      connections: LOAD_CONNECTIONS,
      duration: LOAD_SECONDS,
    });
    const posts = await run({
      url: `${base}${API_PATH}/submissions`,
      connections: LOAD_CONNECTIONS,
      duration: LOAD_SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            headers: {
              'content-type': 'application/json',
              'idempotency-key': `capacity-load-${process.pid}-${++keyCounter}`,
            },
            body: submission(keyCounter),
          }),
        },
      ],
    });
    log(`quote GETs and submissions measured (load ${load()})`);
    const rssPerStream = (full.rss - empty.rss) / held;
    const heapPerStream = (full.heapUsed + full.external - empty.heapUsed - empty.external) / held;
    return {
      // RSS can fall while streams open (the allocator returns pages): then the heap
      // figure, which cannot be below what the streams hold in JS, stands in for it.
      rssPerStream: Math.max(rssPerStream, heapPerStream),
      rssMeasuredPerStream: rssPerStream,
      heapPerStream,
      baseRss: empty.rss,
      streamsHeld: held,
      cpuPerApprovalMs,
      cpuPerApprovalAt1000Ms,
      cpuPerStreamOpenMs,
      cpuStreams: delivery.held,
      cpuDelivery: delivery,
      quoteGetsPerSecond: gets['2xx'] / LOAD_SECONDS,
      quoteGetsNon2xx: gets.non2xx,
      submissionsPerSecond: posts['2xx'] / LOAD_SECONDS,
      submissionsNon2xx: posts.non2xx,
      eventBytes: delivery.eventBytes,
      heartbeatBytes: Buffer.byteLength(': heartbeat\n\n'),
      quotePageBytes,
    };
  } finally {
    await instance.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- 2. the measured point on PostgreSQL ----

async function postgres() {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { pg, client };
  } catch (error) {
    await client.end().catch(() => undefined);
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

async function startEdgeFor(instances) {
  const file = path.join(root, 'scripts', 'edge.mjs');
  if (!fs.existsSync(file)) return { problem: 'scripts/edge.mjs is not in this tree' };
  const { startEdge } = await import(pathToFileURL(file).href);
  const free = await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const backends = instances.map((instance) => {
    const url = new URL(instance.url);
    return { host: url.hostname, port: Number(url.port) };
  });
  try {
    const edge = await startEdge({ backends, port: free, tls: true });
    const url = new URL(edge.url);
    return {
      edge,
      target: {
        host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname,
        port: Number(url.port || 443),
        tls: url.protocol === 'https:',
        ca: edge.caFile ? fs.readFileSync(edge.caFile) : undefined,
        servername: 'localhost',
      },
    };
  } catch (error) {
    return { problem: `the edge did not start: ${error instanceof Error ? error.message : error}` };
  }
}

async function deliveryPoint(instances, streams, label) {
  const base = instances[0].url;
  const ids = await prepare(base, POINT_APPROVALS);
  let via = 'directly (the client spreads the streams over the instances in turn)';
  let targets = instances.map((instance) => {
    const url = new URL(instance.url);
    return { host: url.hostname, port: Number(url.port) };
  });
  let edge = null;
  if (EDGE) {
    const started = await startEdgeFor(instances);
    if (started.problem) {
      via = `directly: --edge was asked for, but ${started.problem}`;
    } else {
      edge = started.edge;
      targets = [started.target];
      via = `through the edge (scripts/edge.mjs: nginx with docs/deploy/nginx.conf, TLS, HTTP/1.1 clients)`;
    }
  }
  try {
    const clients = await openStreams(targets, streams, `${API_PATH}/quotes/stream`);
    const live = await Promise.all(instances.map((instance) => liveOn(instance.url)));
    log(
      `${label}: ${clients.held} / ${streams} streams held (${live.join(' + ')}), load ${load()}`,
    );
    const loadBefore = os.loadavg()[0];
    for (const id of ids) await clients.deliver(id, () => approve(base, id));
    const figure = clients.close();
    await waitUntilReleased(instances.map((instance) => instance.url));
    return { label, via, perInstance: live, load1: (loadBefore + os.loadavg()[0]) / 2, ...figure };
  } finally {
    await edge?.stop();
  }
}

async function clusterPoint() {
  const { pg, client, problem } = await postgres();
  if (problem) {
    const skipped = `PostgreSQL at ${DATABASE_URL} did not answer (${problem})`;
    if (REQUIRE_POSTGRES) throw new Error(skipped);
    return { skipped };
  }
  const schema = `capacity_${process.pid}_${randomBytes(3).toString('hex')}`;
  const env = { DATABASE_URL, DATABASE_SCHEMA: schema, CAMPAIGN_DATA_DIR: os.tmpdir() };
  const instances = [];
  const points = [];
  try {
    instances.push(await startInstance(env)); // migrates and seeds
    const single = Math.round(pointStreams / INSTANCES);
    points.push(await deliveryPoint(instances, single, `1 instance, PostgreSQL`));
    // The schema is migrated and seeded by now: the others start side by side.
    instances.push(
      ...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => startInstance(env)))),
    );
    points.push(
      await deliveryPoint(instances, pointStreams, `${INSTANCES} instances, one PostgreSQL`),
    );
    return { points };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
}

// ---- the report ----

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '—');
const count = (n) => Math.round(n).toLocaleString('en-US');

function report(figures, cluster, started) {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const model = capacityModel(figures);
  const lines = [
    `Measured ${date} UTC${QUICK ? ' (quick mode: fewer approvals, 1 s load phases)' : ''} on ` +
      `${os.cpus().length} cores shared with other work — **under load** (load average ` +
      `${figures.loadAverage}), Node ${process.version}; the stream clients and autocannon run ` +
      `on the same cores as the instances and the database, so these are floors. ` +
      `Run took ${Math.round((performance.now() - started) / 1000)} s.`,
    '',
    '**Per instance (SQLite, measured):**',
    '',
    '| figure | value | how |',
    '| --- | ---: | --- |',
    `| memory per stream, RSS | ${kib(figures.rssPerStream)} | after a full GC, ${count(figures.streamsHeld)} streams open minus none${figures.rssMeasuredPerStream < figures.rssPerStream ? ` (RSS grew by only ${kib(figures.rssMeasuredPerStream)} per stream, less than the heap: the heap figure stands in)` : ''} |`,
    `| memory per stream, JS heap + external | ${kib(figures.heapPerStream)} | the same |`,
    `| idle instance RSS | ${(figures.baseRss / 1024 ** 2).toFixed(0)} MiB | no stream open |`,
    `| CPU per approval, no streams | ${figures.cpuPerApprovalMs.toFixed(2)} ms | the instance's user + system CPU time over ${IDLE_APPROVALS} approvals |`,
    `| CPU per approval, ${count(figures.cpuStreams)} streams | ${figures.cpuPerApprovalAt1000Ms.toFixed(2)} ms | the same, each approval delivered to every stream (p50 ${ms(figures.cpuDelivery.p50)}, p99 ${ms(figures.cpuDelivery.p99)}) |`,
    `| CPU per stream opened | ${(figures.cpuPerStreamOpenMs * 1000).toFixed(0)} µs | the instance's CPU time over opening ${count(figures.streamsHeld)} streams, divided |`,
    `| quote GETs/s, uncached | ${count(figures.quoteGetsPerSecond)} | full 200 answers, no If-None-Match and no CDN (the instance's page cache warm), ${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s |`,
    `| submissions/s | ${count(figures.submissionsPerSecond)} | 202 answers, own Idempotency-Key each, ${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s |`,
    `| bytes per quote event | ${figures.eventBytes} B | the SSE frame one stream receives |`,
    `| quotes page | ${count(figures.quotePageBytes)} B | the body of one GET |`,
    '',
  ];
  if (cluster.skipped) {
    lines.push(`**Measured point:** not measured — ${cluster.skipped}.`, '');
  } else {
    lines.push(
      `**Measured point (PostgreSQL at 127.0.0.1, same machine; ${POINT_APPROVALS} approvals through the staff API of the first instance; streams connected ${cluster.points.at(-1).via}):**`,
      '',
      '| setup | streams held | per instance | approve → delivery p50 | p99 | max | missed by held streams | load average |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...cluster.points.map(
        (p) =>
          // Refused streams show in "held"; "missed" counts deliveries a held stream never got.
          `| ${p.label} | ${count(p.held)} / ${count(p.streams)} | ${p.perInstance.map(count).join(' + ')} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.max)} | ${p.missed} | ${p.load1.toFixed(1)} |`,
      ),
      '',
    );
  }
  lines.push(
    '**The model** (bench/capacity-model.mjs; instances are the most any one constraint needs):',
    '',
    model.table,
    '',
    ...model.limitLines,
    '',
    'Assumptions:',
    '',
    ...model.assumptions,
  );
  return { markdown: lines.join('\n'), model };
}

function writeDocs(markdown) {
  const text = fs.readFileSync(DOCS, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`docs/deploy.md has no ${START} … ${END} markers to write between`);
  }
  fs.writeFileSync(
    DOCS,
    `${text.slice(0, start + START.length)}\n\n${markdown}\n\n${text.slice(end)}`,
  );
}

async function main() {
  const started = performance.now();
  console.error(
    `capacity bench${QUICK ? ' (quick)' : ''}: ${os.cpus().length} cores, load average ${load()}, ` +
      `open-file limit ${openFileLimit()}`,
  );
  const loads = [os.loadavg()[0]];
  const figures = await singleInstance();
  loads.push(os.loadavg()[0]);
  const cluster = CLUSTER ? await clusterPoint() : { skipped: 'left out (--no-cluster)' };
  loads.push(os.loadavg()[0]);
  figures.loadAverage = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
  const { markdown, model } = report(figures, cluster, started);
  console.log(markdown);
  if (WRITE) {
    writeDocs(markdown);
    console.error('\nwritten into docs/deploy.md (Capacity)');
  }
  if (JSON_FILE) {
    fs.writeFileSync(
      JSON_FILE,
      `${JSON.stringify({ date: new Date().toISOString(), quick: QUICK, figures, cluster, plans: model.plans }, null, 2)}\n`,
    );
  }
  for (const p of cluster.points ?? []) {
    if (p.missed > 0) console.error(`${p.label}: held streams missed ${p.missed} deliveries`);
    if (p.refused > 0) {
      console.error(
        `${p.label}: ${p.refused} of ${p.streams} streams were refused or failed to open` +
          (p.via.startsWith('through the edge')
            ? ' (the edge holds two connections per stream: see worker_connections in its configuration)'
            : ''),
      );
    }
    if (p.missed > 0 || p.refused > 0) process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
