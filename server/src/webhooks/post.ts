/**
 * One delivery attempt: POST the body with its headers and wait at most `timeoutMs`
 * for everything (DNS, connect, TLS, the answer's headers and body). As for the external
 * check (`safety/external-check.ts`): `node:http`/`node:https` with one timer that
 * destroys the request on expiry, no redirects followed (a 3xx is a failure), a fresh
 * connection per attempt (`agent: false`), and at most `WEBHOOK_ANSWER_MAX_BYTES` of the
 * answer read — the rest is not waited for. Never throws.
 */
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, webhookUrlProblem } from './address.js';

export const WEBHOOK_ANSWER_MAX_BYTES = 4096;
export const WEBHOOK_ERROR_MAX = 200;

export type AttemptResult =
  { ok: true; status: number } | { ok: false; status: number | null; error: string };

export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  allowLoopback = false,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    let request: http.ClientRequest | null = null;
    let status: number | null = null;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request?.destroy();
      resolve(result);
    };
    const fail = (error: string) =>
      finish({ ok: false, status, error: error.slice(0, WEBHOOK_ERROR_MAX) });
    const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);

    try {
      const problem = webhookUrlProblem(url, allowLoopback);
      if (problem) {
        fail(`refused: ${problem}`);
        return;
      }
      const target = new URL(url);
      const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
      const transport = protocol === 'https:' ? https : http;
      request = transport.request(target, {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(protocol),
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(body)),
          'User-Agent': 'campaign-api-webhooks',
        },
      });
      request.on('error', (error: NodeJS.ErrnoException) =>
        fail(error.code ? `${error.code}: ${error.message}` : error.message || 'unreachable'),
      );
      request.on('response', (response) => {
        status = response.statusCode ?? null;
        const code = status ?? 0;
        let read = 0;
        const done = () =>
          code >= 200 && code < 300 ? finish({ ok: true, status: code }) : fail(`HTTP ${code}`);
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough of the answer: its status decides, the rest is not waited for.
          if (read >= WEBHOOK_ANSWER_MAX_BYTES) done();
        });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      });
      request.end(body);
    } catch (error) {
      fail(error instanceof Error ? error.message : 'unreachable');
    }
  });
}
