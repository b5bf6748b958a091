/**
 * `node --import tsx bench/abuse.ts`: the hostile-client attacks on slow bodies and
 * stream slots, bounded to loopback and a few hundred sockets, against the API as
 * `npm start` runs it with its default limits (the submission rate limit off). Prints what the attacker got and what an
 * honest client got meanwhile.
 *
 *   1. ABUSE_SLOW (300) POSTs declaring Content-Length 60000 and sending one byte every
 *      ABUSE_TRICKLE_MS (5000): how each ended (408, 429, refused), after how long, and
 *      `/healthz` and the quotes page latency from another client meanwhile. Any still
 *      open after ABUSE_MAX_S (60) are counted as such, and closed.
 *   2. ABUSE_STREAMS (600) live streams from one address: how many were held and how
 *      many refused, then whether another address still gets one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SLOW = Number(process.env.ABUSE_SLOW ?? 300);
const TRICKLE_MS = Number(process.env.ABUSE_TRICKLE_MS ?? 5_000);
const STREAMS = Number(process.env.ABUSE_STREAMS ?? 600);
const MAX_S = Number(process.env.ABUSE_MAX_S ?? 60);
const CAMPAIGN = 'spirit-of-chongqing';
const here = path.dirname(fileURLToPath(import.meta.url));

function startApi(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '..', 'src', 'main.ts')],
    {
      // The submission rate limit off, so what stops the attack is the guard alone.
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_DATA_DIR: dataDir,
        CAMPAIGN_RATE_LIMIT: 'off',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /campaign-api listening on (\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] ?? '' });
    });
    child.once('exit', (code) => reject(new Error(`the API exited (${code})`)));
  });
}

interface Ending {
  status: number | 'refused' | 'still open';
  ms: number;
}

/** One slow POST: resolves with its answer's status (or 'refused') once the server closes it. */
function slowPost(port: number, path: string): Promise<Ending> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Idempotency-Key: abuse-${Math.random()}\r\nContent-Length: 60000\r\n\r\n{`,
    );
    const timer = setInterval(() => socket.writable && socket.write(' '), TRICKLE_MS);
    let gaveUp = false;
    const limit = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, MAX_S * 1_000);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(limit);
      const status = /^HTTP\/1\.1 (\d+)/.exec(text);
      const ms = Date.now() - started;
      if (gaveUp) resolve({ status: 'still open', ms });
      else resolve({ status: status ? Number(status[1]) : 'refused', ms });
    });
  });
}

async function timedGet(
  url: string,
  localAddress?: string,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.get(
      url,
      { agent: false, ...(localAddress ? { localAddress } : {}) },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
        );
      },
    );
    request.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
  });
}

function openStream(
  url: string,
  from: string,
): Promise<{ status: number; request: http.ClientRequest }> {
  return new Promise((resolve) => {
    const request = http.get(url, {
      agent: false,
      localAddress: from,
      headers: { accept: 'text/event-stream' },
    });
    request.on('response', (response) => {
      if (response.statusCode !== 200) response.resume();
      resolve({ status: response.statusCode ?? 0, request });
    });
    request.on('error', () => resolve({ status: 0, request }));
  });
}

function tally(endings: Ending[]): string {
  const groups = new Map<string, number[]>();
  for (const ending of endings) {
    const key = String(ending.status);
    groups.set(key, [...(groups.get(key) ?? []), ending.ms]);
  }
  return [...groups]
    .map(([status, times]) => {
      const sorted = times.sort((a, b) => a - b);
      const at = (q: number) =>
        ((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 1000).toFixed(
          1,
        );
      return `${times.length} × ${status} (closed after ${at(0)}–${at(1)} s, median ${at(0.5)} s)`;
    })
    .join(', ');
}

async function slowBodies(url: string): Promise<void> {
  const port = Number(new URL(url).port);
  const attack = Array.from({ length: SLOW }, () =>
    slowPost(port, `/v1/campaigns/${CAMPAIGN}/submissions`),
  );
  const honest: { status: number; ms: number }[] = [];
  const probe = setInterval(() => {
    void timedGet(`${url}/healthz`, '127.0.0.2').then((r) => honest.push(r));
    void timedGet(`${url}/v1/campaigns/${CAMPAIGN}/quotes`, '127.0.0.2').then((r) =>
      honest.push(r),
    );
  }, 1_000);
  const endings = await Promise.all(attack);
  clearInterval(probe);
  const served = honest.filter((r) => r.status === 200);
  const worst = Math.max(...honest.map((r) => r.ms));
  console.log(
    `1. ${SLOW} slow POSTs (Content-Length 60000, a byte every ${TRICKLE_MS / 1000} s): ${tally(endings)}`,
  );
  console.log(
    `   meanwhile another client: ${served.length}/${honest.length} GETs of /healthz and quotes answered 200, slowest ${worst.toFixed(0)} ms`,
  );
}

async function streamSlots(url: string): Promise<void> {
  const streamUrl = `${url}/v1/campaigns/${CAMPAIGN}/quotes/stream`;
  const opened: http.ClientRequest[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < STREAMS; i++) {
    const { status, request } = await openStream(streamUrl, '127.0.0.1');
    counts.set(status, (counts.get(status) ?? 0) + 1);
    if (status === 200) opened.push(request);
  }
  const other = await openStream(streamUrl, '127.0.0.2');
  console.log(
    `2. ${STREAMS} streams from one address: ${[...counts].map(([s, n]) => `${n} × ${s}`).join(', ')}; ` +
      `another address then gets ${other.status}`,
  );
  for (const request of [...opened, other.request]) request.destroy();
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-abuse-'));
  const api = await startApi(dataDir);
  try {
    await slowBodies(api.url);
    await streamSlots(api.url);
  } finally {
    api.child.kill('SIGTERM');
    await new Promise((resolve) => api.child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
