/**
 * Event-stream clients for the API benches: raw sockets that only search each chunk for
 * the quote's id, so that at 10,000 clients the figure is the server's, not the
 * client's parsing. Used by `bench.ts` (one server) and `cluster.ts` (clients spread
 * over instances).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentile, sleep } from './common.js';

/** Approve-to-delivery figures over every delivery of a run. */
export interface DeliveryFigure {
  held: number;
  approvals: number;
  p50: number;
  p99: number;
  max: number;
  /** Deliveries that never arrived, a refused client counting one per approval. */
  missed: number;
}

export interface StreamClients {
  /**
   * Calls `send` (which makes the server publish `id`), then waits until every held
   * client saw `id` or 10 s pass.
   */
  deliver(id: string, send: () => Promise<unknown>): Promise<void>;
  /** Closes every stream and sums up the deliveries. */
  close(): DeliveryFigure;
}

/** Opens `count` streams, spread over `urls` in turn, 250 at a time. */
export async function openStreams(urls: string[], count: number): Promise<StreamClients> {
  const arrivals = new Map<string, number>();
  const latencies: number[] = [];
  const sockets: net.Socket[] = [];
  let sentAt = 0;
  let needle = '\u0000';
  let waitingFor = '';
  let held = 0;
  let refused = 0;
  let missed = 0;
  let approvals = 0;
  const connectOne = (index: number) =>
    new Promise<void>((resolve) => {
      const url = new URL(urls[index % urls.length]);
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      socket.setEncoding('latin1');
      let head = true;
      let tail = '';
      let seen = '';
      socket.on('connect', () => {
        socket.write(
          `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: string) => {
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
          arrivals.set(waitingFor, (arrivals.get(waitingFor) ?? 0) + 1);
          latencies.push(now - sentAt);
        }
      });
      socket.on('error', () => {
        // Refused before an answer; a held stream that fails later is counted in `missed`.
        if (head) refused++;
        resolve();
      });
      sockets.push(socket);
    });
  // In batches, so the listen backlog is never the limit.
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, (_, j) => connectOne(i + j)),
    );
  }
  await sleep(500);
  return {
    async deliver(id, send) {
      waitingFor = id;
      needle = `"id":"${id}"`;
      sentAt = performance.now();
      await send();
      const deadline = performance.now() + 10_000;
      while ((arrivals.get(id) ?? 0) < held && performance.now() < deadline) await sleep(1);
      missed += held - (arrivals.get(id) ?? 0);
      approvals++;
      await sleep(20);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      latencies.sort((a, b) => a - b);
      return {
        held,
        approvals,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? NaN,
        missed: missed + refused * approvals,
      };
    },
  };
}
