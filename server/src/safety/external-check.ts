/**
 * The newsroom's own content-safety service, asked about every new submission before
 * it reaches the queue (Coral's "external moderation phase" is the model).
 *
 * The API POSTs a JSON payload, signed with a secret both sides hold; the service
 * answers `200` with `{ "action": "pass" | "hold" | "reject" | "flag", "reason"?: string }`
 * and its own `Campaign-Signature` over the answer's body, with the same secret. Anything
 * else — a slow, unreachable or unsigned service, another status, an answer that does
 * not parse — is an `error` outcome: the submission is held with an `external_error`
 * flag saying why, never published unchecked and never lost.
 *
 * Signatures are Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<body>")>`. The timestamp makes an old answer (or request) useless after five
 * minutes.
 *
 * The request uses `node:http` / `node:https` rather than `fetch`: one timer bounds
 * everything (DNS, connect, TLS, headers, body) and on expiry destroys the request and
 * its socket at once; redirects are never followed (the module does not implement
 * them); the answer is counted byte by byte as it arrives and dropped past 16 KiB; and
 * `agent: false` gives each check its own connection, so a stuck service cannot hold
 * sockets in a shared pool. undici's `fetch` could be bounded too (an `AbortSignal`,
 * `redirect: 'manual'`, a reader that counts), but through more layers and with the
 * global dispatcher's keep-alive pool in between.
 */
import { lookup, type LookupAddress } from 'node:dns';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Locale } from '../../../src/api/wire.js';

export interface ExternalCheckConfig {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** What is sent (the reader's private email address never is). */
export interface ExternalCheckPayload {
  id: string;
  campaign: string;
  message: string;
  displayName: string | null;
  locale: Locale;
  district: string | null;
  hasPhoto: boolean;
  receivedAt: string /* ISO */;
}

export type ExternalOutcome =
  | { action: 'pass' }
  | { action: 'hold' | 'reject' | 'flag'; reason: string | null }
  /** Nothing usable came back: the item is held with an `external_error` flag saying why. */
  | {
      action: 'error';
      reason: 'timeout' | 'unreachable' | 'status' | 'bad_signature' | 'bad_answer' | 'too_large';
    };

export type ExternalErrorReason = Extract<ExternalOutcome, { action: 'error' }>['reason'];

export const EXTERNAL_TIMEOUT_DEFAULT = 3000; // ms
export const EXTERNAL_TIMEOUT_MAX = 10000;
/** The longest answer read; a longer one is `too_large`. */
export const EXTERNAL_ANSWER_MAX_BYTES = 16 * 1024;
/** The longest reason kept from an answer (longer ones are cut). */
export const EXTERNAL_REASON_MAX = 200;
/** How far a signature's timestamp may be from now. */
export const SIGNATURE_TOLERANCE_MS = 300_000;
export const SIGNATURE_HEADER = 'Campaign-Signature';
export const EXTERNAL_URL_MAX = 2000;

const ACTIONS = ['pass', 'hold', 'reject', 'flag'] as const;

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signBody(secret: string, body: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/** `verifySignature` over the exact bytes received (an answer need not be valid UTF-8). */
export function verifySignatureBytes(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  nowMs: number,
  toleranceMs = SIGNATURE_TOLERANCE_MS,
): boolean {
  if (typeof header !== 'string' || header.length > 1000) return false;
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    const key = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Several v1 values are allowed, as in Stripe's scheme, so that a secret can be
    // rotated: the sender signs with both for a while.
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === null || candidates.length === 0) return false;
  if (Math.abs(nowMs - timestamp * 1000) > toleranceMs) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  let ok = false;
  for (const candidate of candidates) {
    // Same length by construction (64 hex digits each), as timingSafeEqual requires.
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) ok = true;
  }
  return ok;
}

/**
 * Checks a `Campaign-Signature` header value against the body: right key, and a
 * timestamp within `toleranceMs` (default 300 000) of now; timing-safe comparison.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowMs: number,
  toleranceMs = SIGNATURE_TOLERANCE_MS,
): boolean {
  return verifySignatureBytes(secret, body, header, nowMs, toleranceMs);
}

/** `dns.lookup`, refusing any address that is not loopback (for plain-http checks). */
const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses;
    const found = list.find(
      (entry) =>
        (entry.family === 4 && entry.address.startsWith('127.')) || entry.address === '::1',
    );
    if (!found || list.some((entry) => entry !== found && !isLoopbackAddress(entry.address))) {
      const refused = Object.assign(new Error(`${hostname} is not a loopback address`), {
        code: 'ENOTLOOPBACK',
      });
      return callback(refused, '', 0);
    }
    if ((options as { all?: boolean }).all) {
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [found]);
    }
    callback(null, found.address, found.family);
  });
};

const isLoopbackAddress = (address: string) => address.startsWith('127.') || address === '::1';

function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === 'localhost.') return true;
  if (hostname === '[::1]') return true;
  // WHATWG URL parsing has already turned 0x7f.1, 2130706433 and the like into dotted
  // decimal.
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/**
 * null when the URL may be used, else an English reason: https only, or http to a
 * loopback address (127.0.0.0/8, ::1, localhost); no user:password in it; at most
 * 2,000 characters.
 */
export function checkUrlProblem(url: string): string | null {
  if (url.length > EXTERNAL_URL_MAX) {
    return `The URL is longer than ${EXTERNAL_URL_MAX} characters.`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'This is not a valid absolute URL.';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return 'The URL must start with https://.';
  }
  if (parsed.hostname === '') return 'The URL has no host.';
  if (parsed.username !== '' || parsed.password !== '') {
    return 'The URL must not contain a user name or password; the secret signs the requests.';
  }
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
    return 'Plain http:// is allowed only to this machine (localhost, 127.0.0.1, ::1); use https://.';
  }
  return null;
}

/** The payload's own fields and nothing else: an email address passed along by mistake is not sent. */
function payloadBody(payload: ExternalCheckPayload): string {
  const { id, campaign, message, displayName, locale, district, hasPhoto, receivedAt } = payload;
  return JSON.stringify({
    id,
    campaign,
    message,
    displayName,
    locale,
    district,
    hasPhoto,
    receivedAt,
  });
}

/** The timeout a check really waits: the default for nonsense, at most `EXTERNAL_TIMEOUT_MAX`. */
export function effectiveTimeout(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return EXTERNAL_TIMEOUT_DEFAULT;
  return Math.min(Math.round(timeoutMs), EXTERNAL_TIMEOUT_MAX);
}

/** Reads the service's answer once its signature is known to be good. */
function parseAnswer(body: Buffer): ExternalOutcome {
  let answer: unknown;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    return { action: 'error', reason: 'bad_answer' };
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { action: 'error', reason: 'bad_answer' };
  }
  const { action, reason } = answer as { action?: unknown; reason?: unknown };
  const known = ACTIONS.find((candidate) => candidate === action);
  if (known === undefined) return { action: 'error', reason: 'bad_answer' };
  if (reason !== undefined && reason !== null && typeof reason !== 'string') {
    return { action: 'error', reason: 'bad_answer' };
  }
  if (known === 'pass') return { action: 'pass' };
  const text = typeof reason === 'string' ? reason.trim() : '';
  // Cut by code points, so that a surrogate pair is never split in two.
  const cut = Array.from(text).slice(0, EXTERNAL_REASON_MAX).join('');
  return { action: known, reason: cut === '' ? null : cut };
}

/**
 * POSTs the payload as JSON with `Campaign-Signature` (and `Content-Type:
 * application/json`, `User-Agent: campaign-api`), waits at most timeoutMs in all
 * (connect, headers and body), reads at most 16 KiB of answer, follows no redirect, and
 * never throws: every failure is an `error` outcome.
 */
export function runExternalCheck(
  config: ExternalCheckConfig,
  payload: ExternalCheckPayload,
  options: { now?: () => number } = {},
): Promise<ExternalOutcome> {
  const now = options.now ?? Date.now;
  return new Promise<ExternalOutcome>((resolve) => {
    let settled = false;
    let request: http.ClientRequest | null = null;
    let timer: NodeJS.Timeout | null = null;
    const finish = (outcome: ExternalOutcome) => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      // Whatever is still open (a slow body, a socket) goes now; destroy() after the
      // answer was read in full does nothing harmful.
      request?.destroy();
      resolve(outcome);
    };
    const fail = (reason: ExternalErrorReason) => finish({ action: 'error', reason });

    try {
      if (checkUrlProblem(config.url) !== null) {
        fail('unreachable');
        return;
      }
      const url = new URL(config.url);
      const body = payloadBody(payload);
      const transport = url.protocol === 'https:' ? https : http;
      timer = setTimeout(() => fail('timeout'), effectiveTimeout(config.timeoutMs));
      request = transport.request(url, {
        method: 'POST',
        agent: false,
        // Plain http only to this machine: the name must resolve to a loopback address
        // (`localhost.` goes to DNS, which could answer anything).
        ...(url.protocol === 'http:' ? { lookup: loopbackLookup } : {}),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Accept: 'application/json',
          'User-Agent': 'campaign-api',
          [SIGNATURE_HEADER]: signBody(config.secret, body, now()),
        },
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // Headers too large for the parser are an answer too large, not a network fault.
        fail(error.code === 'HPE_HEADER_OVERFLOW' ? 'too_large' : 'unreachable');
      });
      request.on('response', (response) => {
        if (response.statusCode !== 200) {
          // 3xx included: a redirect is not followed, the service is misconfigured.
          fail('status');
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > EXTERNAL_ANSWER_MAX_BYTES) {
          fail('too_large');
          return;
        }
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length > EXTERNAL_ANSWER_MAX_BYTES) {
            fail('too_large');
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', () => fail('unreachable'));
        // A connection cut before the end of the body ('aborted', then 'close' without 'end').
        response.on('close', () => {
          if (!response.complete) fail('unreachable');
        });
        response.on('end', () => {
          const answer = Buffer.concat(chunks);
          const signature = response.headers[SIGNATURE_HEADER.toLowerCase()];
          if (!verifySignatureBytes(config.secret, answer, toSingle(signature), now())) {
            fail('bad_signature');
            return;
          }
          finish(parseAnswer(answer));
        });
      });
      request.end(body);
    } catch {
      // new URL, request() or a header value refused synchronously.
      fail('unreachable');
    }
  });
}

function toSingle(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
