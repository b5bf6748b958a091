/**
 * Keeps one client from holding the server's connections: a request body must keep
 * arriving (a time budget that grows with what has arrived, and a longest silence),
 * and each client address may hold only so many connections and so many bodies in
 * flight at once.
 *
 * Progress is read from the socket's `bytesRead`, polled by one timer for every body
 * in flight: listening for the body's 'data' would take it from Fastify's parser (and
 * from multipart's), and a timer per request would cost more than one sweep.
 */
import { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { clientKey, trustedProxyTest, type TrustProxySetting } from './client-address.js';
import { ApiError } from './errors.js';

export interface ConnectionGuardOptions {
  /** Milliseconds every body gets before the per-KB allowance (10 000). */
  bodyBaseMs?: number;
  /**
   * Milliseconds more per KB (1,024 bytes) of body (2 000): the allowance grows with
   * what has arrived, one KB ahead, up to the declared Content-Length, so the slowest
   * upload kept is about 0.5 KB/s, sustained.
   */
  bodyMsPerKb?: number;
  /** Longest time without one byte of a body arriving (15 000). */
  bodyIdleMs?: number;
  /**
   * Longest a new connection may stay silent (10 000): Node times out headers only once
   * their first byte has come, so a socket that sends nothing would be held for ever.
   */
  firstByteMs?: number;
  /** Node's `headersTimeout`: longest for a request's headers to arrive whole (20 000). */
  headersTimeoutMs?: number;
  /** Most open connections per client address (1 000); a trusted proxy's are not counted. */
  maxConnectionsPerAddress?: number;
  /** Most request bodies arriving at once per client (`request.ip`) (64). */
  maxUploadsPerAddress?: number;
  /** The app's `trustProxy`: connections from these peers are not capped per address. */
  trustProxy?: TrustProxySetting;
}

export const CONNECTION_GUARD_DEFAULTS = {
  bodyBaseMs: 10_000,
  bodyMsPerKb: 2_000,
  bodyIdleMs: 15_000,
  firstByteMs: 10_000,
  headersTimeoutMs: 20_000,
  maxConnectionsPerAddress: 1_000,
  maxUploadsPerAddress: 64,
} as const;

/** Seconds a client refused for too many uploads is asked to wait. */
const UPLOAD_RETRY_AFTER_S = 5;
/** How long a cut connection may take to flush its 408 before it is destroyed. */
const CUT_GRACE_MS = 2_000;

interface Upload {
  key: string;
  request: FastifyRequest;
  reply: FastifyReply;
  socket: Socket;
  /** Declared size in KB; Infinity for a chunked body. */
  declaredKb: number;
  readAtStart: number;
  lastRead: number;
  lastProgressAt: number;
  lastTickAt: number;
  /** Time counted against the budget: not while the server itself is not reading. */
  activeMs: number;
}

/** Counts per key, forgetting keys at zero so the map holds only current clients. */
class Counter {
  readonly #counts = new Map<string, number>();
  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
  add(key: string): void {
    this.#counts.set(key, this.get(key) + 1);
  }
  remove(key: string): void {
    const left = this.get(key) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = Number(request.headers['content-length']);
  return request.headers['transfer-encoding'] !== undefined || length > 0;
}

/**
 * True while the body waits on the server, not the client: nobody reads it yet (a
 * handler still busy before it reads), or what arrived is not consumed (backpressure
 * from a slow consumer). That time is not the client's fault.
 */
/** Methods whose requests may carry a body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function serverIsBehind(request: FastifyRequest): boolean {
  return request.raw.readableFlowing !== true || request.raw.readableLength > 0;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

async function connectionGuard(app: FastifyInstance, options: ConnectionGuardOptions) {
  const settings = { ...CONNECTION_GUARD_DEFAULTS, ...stripUndefined(options) };
  const baseMs = positive('bodyBaseMs', settings.bodyBaseMs);
  const msPerKb = positive('bodyMsPerKb', settings.bodyMsPerKb);
  const idleMs = positive('bodyIdleMs', settings.bodyIdleMs);
  const firstByteMs = positive('firstByteMs', settings.firstByteMs);
  // Node checks it every 30 s, so a slow header is cut 20 to 50 s after it began.
  app.server.headersTimeout = positive('headersTimeoutMs', settings.headersTimeoutMs);
  const maxConnections = positive('maxConnectionsPerAddress', settings.maxConnectionsPerAddress);
  const maxUploads = positive('maxUploadsPerAddress', settings.maxUploadsPerAddress);
  // A quarter of the shortest limit: a body is cut at most 25 % late.
  const tickMs = Math.max(25, Math.min(1_000, Math.min(baseMs, msPerKb, idleMs) / 4));
  const isProxy = trustedProxyTest(options.trustProxy);

  const connections = new Counter();
  const uploadsPerKey = new Counter();
  const uploads = new Set<Upload>();
  let sweeper: NodeJS.Timeout | null = null;

  // Refused at the socket, before a byte is parsed: the cheapest answer to a flood.
  // A trusted proxy carries many readers on its connections, so it is never capped here
  // (its readers are still capped per upload and per stream by their forwarded address).
  app.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || isProxy(address)) return;
    const key = clientKey(address);
    if (connections.get(key) >= maxConnections) {
      socket.destroy();
      return;
    }
    connections.add(key);
    const silence = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, firstByteMs).unref();
    socket.once('close', () => {
      clearTimeout(silence);
      connections.remove(key);
    });
  });

  function forget(upload: Upload): void {
    if (!uploads.delete(upload)) return;
    uploadsPerKey.remove(upload.key);
    if (uploads.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = null;
    }
  }

  /** Ends a body that is too slow: a 408 in the API's shape if no answer began, then closes. */
  function cut(upload: Upload): void {
    forget(upload);
    const { request, reply, socket } = upload;
    if (reply.sent || reply.raw.headersSent) {
      socket.destroy();
      return;
    }
    setTimeout(() => socket.destroy(), CUT_GRACE_MS).unref();
    const error = new ApiError(408, 'request_timeout', 'The request body did not arrive in time', {
      headers: { connection: 'close' },
    });
    // Whoever reads the body (Fastify's parser, multipart) listens for 'error' and
    // hands it to the error handler once, as for any broken body; with no reader yet
    // the answer is sent from here.
    if (request.raw.listenerCount('error') > 0) request.raw.emit('error', error);
    else void reply.send(error);
  }

  function sweep(): void {
    const now = Date.now();
    for (const upload of uploads) {
      if (upload.request.raw.complete || upload.socket.destroyed) {
        forget(upload);
        continue;
      }
      const read = upload.socket.bytesRead;
      const elapsed = now - upload.lastTickAt;
      upload.lastTickAt = now;
      if (read > upload.lastRead || serverIsBehind(upload.request)) {
        upload.lastRead = read;
        upload.lastProgressAt = now;
      }
      if (!serverIsBehind(upload.request)) upload.activeMs += elapsed;
      const arrivedKb = (read - upload.readAtStart) / 1024;
      const allowance = baseMs + msPerKb * Math.min(upload.declaredKb, arrivedKb + 1);
      if (now - upload.lastProgressAt > idleMs || upload.activeMs > allowance) cut(upload);
    }
  }

  app.addHook('onRequest', (request, reply, done) => {
    if (!hasBody(request)) return done();
    // Only a submission has a body. Nobody would read another's, so its time would never
    // be charged to the client: a GET trickling a body could hold a slot for ever.
    if (!BODY_METHODS.has(request.method)) {
      done(
        new ApiError(400, 'validation', 'This request takes no body', {
          fields: [{ field: 'body', code: 'invalid', message: 'Send this request without a body' }],
          headers: { connection: 'close' },
        }),
      );
      return;
    }
    // Injected requests (tests, in-process calls) have no socket to hold or starve.
    if (!(request.raw.socket instanceof Socket)) return done();
    const key = clientKey(request.ip);
    if (uploadsPerKey.get(key) >= maxUploads) {
      done(
        new ApiError(
          429,
          'rate_limited',
          'Too many uploads at once from your network; try again soon',
          {
            // Closed rather than kept alive: keeping it would mean reading the refused body.
            headers: { 'retry-after': String(UPLOAD_RETRY_AFTER_S), connection: 'close' },
          },
        ),
      );
      return;
    }
    const socket = request.raw.socket;
    const now = Date.now();
    const length = Number(request.headers['content-length']);
    const upload: Upload = {
      key,
      request,
      reply,
      socket,
      declaredKb: Number.isFinite(length) ? Math.ceil(length / 1024) : Infinity,
      readAtStart: socket.bytesRead,
      lastRead: socket.bytesRead,
      lastProgressAt: now,
      lastTickAt: now,
      activeMs: 0,
    };
    uploads.add(upload);
    uploadsPerKey.add(key);
    // The request closes once its body has been read, or when its connection is gone:
    // its slot is free at once, not at the next sweep (at thousands of small bodies a
    // second, a sweep's delay would fill the cap with finished uploads).
    request.raw.once('close', () => forget(upload));
    if (!sweeper) {
      sweeper = setInterval(sweep, tickMs);
      sweeper.unref();
    }
    done();
  });

  app.addHook('onClose', async () => {
    if (sweeper) clearInterval(sweeper);
    sweeper = null;
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export default fp(connectionGuard, { name: 'connection-guard', fastify: '5.x' });
