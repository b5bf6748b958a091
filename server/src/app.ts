/**
 * The campaign API as a Fastify app: `buildApp` for in-process use (tests call
 * `app.inject`), `startServer` to listen on a port.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { ErrorCode, FieldErrorCode } from '../../src/api/wire.js';
import { loadCampaigns, type Context, type ResolvedOptions } from './context.js';
import { seedDemo } from './demo/seed.js';
import { ApiError, type FieldProblem } from './errors.js';
import { BoundedCache } from './http-cache.js';
import { LiveHub } from './live.js';
import {
  isRateLimitBackend,
  RateLimiter,
  SharedRateLimiter,
  type RateLimitOptions,
} from './rate-limit.js';
import { contentRoutes } from './routes/content.js';
import { pageRoutes } from './routes/pages.js';
import { quoteRoutes } from './routes/quotes.js';
import { parseJson, submissionRoutes } from './routes/submissions.js';
import { staffRoutes } from './routes/staff.js';
import { PgStore } from './store/pg.js';
import { SqliteStore } from './store/sqlite.js';
import { StoreUnavailableError, type LiveEvent, type Store } from './store/store.js';
import { quoteToWire } from './wire-mapping.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SERVER_ROOT = path.resolve(here, '..');
export const REPO_ROOT = path.resolve(SERVER_ROOT, '..');

export interface AppOptions {
  /** A store to use; otherwise SQLite in `dataDir`. */
  store?: Store;
  /** SQLite directory (default `./.data`); `:memory:` for a throwaway database. */
  dataDir?: string;
  /** PostgreSQL instead of SQLite: `postgres://user@host:port/database`. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables (default `public`). */
  databaseSchema?: string;
  /** Most pooled PostgreSQL connections per instance (default 10). */
  databasePoolSize?: number;
  /** Staff token; a random one when not given (read it back from `app.campaign.options`). */
  adminToken?: string;
  /** Origins allowed to send submissions, besides the API's own. */
  allowedOrigins?: string[];
  /** Per-client submission rate limit; `false` turns it off. Default 20 per 10 minutes. */
  rateLimit?: RateLimitOptions | false;
  /** Public base URL (e.g. `https://campaign.example.org`); otherwise from the Host header. */
  publicUrl?: string | null;
  /** Create the demo campaign when it does not exist (default true). */
  seedDemo?: boolean;
  heartbeatMs?: number;
  retryMs?: number;
  maxStreamClients?: number;
  distDir?: string;
  publicDir?: string;
  jsonBodyLimit?: number;
  maxPhotoPixels?: number;
  /** Fastify logger setting (default off). */
  logger?: boolean | { level: string };
  /** Trust X-Forwarded-* from a proxy in front: true, or its addresses (default false). */
  trustProxy?: boolean | string[];
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 20, windowMs: 10 * 60_000 };

declare module 'fastify' {
  interface FastifyInstance {
    campaign: Context;
  }
}

const FIELD_CODE_BY_KEYWORD: Record<string, FieldErrorCode> = {
  required: 'required',
  maxLength: 'too_long',
  minLength: 'too_short',
};

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) {
    return new ApiError(
      503,
      'unavailable',
      'The campaign database is unavailable; try again soon',
      {
        headers: { 'retry-after': '5' },
      },
    );
  }
  if (error.validation) {
    const fields: FieldProblem[] = error.validation.map((issue) => {
      const missing = (issue.params as { missingProperty?: string }).missingProperty;
      const field = missing ?? (issue.instancePath.replace(/^\//, '') || 'request');
      return {
        field,
        code: FIELD_CODE_BY_KEYWORD[issue.keyword] ?? 'invalid',
        ...(issue.message ? { message: issue.message } : {}),
      };
    });
    return new ApiError(400, 'validation', `Invalid ${error.validationContext ?? 'request'}`, {
      fields,
    });
  }
  const byCode: Record<string, [number, ErrorCode, string]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large'],
    FST_REQ_FILE_TOO_LARGE: [413, 'photo_too_large', 'The photo is larger than allowed'],
    FST_FILES_LIMIT: [413, 'payload_too_large', 'Send at most one photo'],
    FST_PARTS_LIMIT: [413, 'payload_too_large', 'Too many parts in the form'],
    FST_FIELDS_LIMIT: [413, 'payload_too_large', 'Too many fields in the form'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Unsupported content type'],
    FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'unsupported_media_type', 'Not a multipart body'],
    FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'validation', 'The body is empty'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'validation', 'Wrong Content-Length'],
  };
  const known = error.code ? byCode[error.code] : undefined;
  if (known) {
    const [status, code, message] = known;
    return new ApiError(status, code, message, {
      ...(code === 'validation' ? { fields: [{ field: 'body', code: 'invalid' as const }] } : {}),
    });
  }
  if (error.statusCode === 413) {
    return new ApiError(413, 'payload_too_large', 'The request body is too large');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError(400, 'validation', error.message, {
      fields: [{ field: 'body', code: 'invalid' }],
    });
  }
  return new ApiError(500, 'internal', 'Something went wrong on our side');
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const store =
    options.store ??
    (options.databaseUrl
      ? new PgStore({
          connectionString: options.databaseUrl,
          ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
          ...(options.databasePoolSize ? { poolSize: options.databasePoolSize } : {}),
        })
      : new SqliteStore({ dataDir: options.dataDir ?? './.data' }));
  await store.migrate();

  const resolved: ResolvedOptions = {
    adminToken: options.adminToken ?? randomBytes(24).toString('base64url'),
    allowedOrigins: options.allowedOrigins ?? [],
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null,
    distDir: options.distDir ?? path.join(REPO_ROOT, 'dist'),
    publicDir: options.publicDir ?? path.join(SERVER_ROOT, 'public'),
    jsonBodyLimit: options.jsonBodyLimit ?? 64 * 1024,
    maxPhotoPixels: options.maxPhotoPixels ?? 40_000_000,
  };
  const rateLimit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;

  const ctx: Context = {
    options: resolved,
    store,
    hub: undefined as unknown as LiveHub,
    // Behind a load balancer every instance must count against the same window.
    limiter: !rateLimit
      ? null
      : isRateLimitBackend(store)
        ? new SharedRateLimiter(store, rateLimit)
        : new RateLimiter(rateLimit),
    campaigns: new Map(),
    content: new BoundedCache(2000),
    quotes: new BoundedCache(2000),
  };
  const render = (event: LiveEvent, locale: 'en' | 'zh-Hans') => {
    if (event.type === 'remove') return JSON.stringify({ id: event.quoteId });
    const campaign = ctx.campaigns.get(event.campaignId);
    if (!campaign) return JSON.stringify({ id: event.quote.id });
    return JSON.stringify(quoteToWire(campaign, event.quote, locale));
  };
  ctx.hub = new LiveHub(store, render, {
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.retryMs ? { retryMs: options.retryMs } : {}),
    ...(options.maxStreamClients ? { maxClients: options.maxStreamClients } : {}),
  });

  if (options.seedDemo !== false) await store.exclusive('seed', () => seedDemo(store));
  await loadCampaigns(ctx);
  ctx.hub.start();

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: resolved.jsonBodyLimit,
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // Requests Node's HTTP parser refuses still get the API's error shape.
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) return;
      const body = JSON.stringify(
        new ApiError(400, 'validation', 'Malformed HTTP request', {
          fields: [{ field: 'request', code: 'invalid' }],
        }).toBody(),
      );
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      void error;
    },
  });
  app.decorate('campaign', ctx);

  // JSON must be valid UTF-8 (invalid bytes are rejected, not silently replaced).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: resolved.jsonBodyLimit },
    (_request, body, done) => {
      try {
        done(null, parseJson(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  await app.register(multipart, {
    limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 4, parts: 5, fieldSize: 64 * 1024 },
  });

  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500) request.log.error(error);
    if (!(error instanceof ApiError) && apiError.statusCode === 500) {
      console.error(error);
    }
    for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
    if (request.url.startsWith('/v1/') && !reply.hasHeader('access-control-allow-origin')) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        reply.header('access-control-allow-origin', '*');
      }
    }
    reply.header('cache-control', 'no-store');
    return reply.code(apiError.statusCode).send(apiError.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/v1/')) reply.header('access-control-allow-origin', '*');
    return reply.code(404).send(new ApiError(404, 'not_found', 'No such resource').toBody());
  });

  contentRoutes(app, ctx);
  quoteRoutes(app, ctx);
  submissionRoutes(app, ctx);
  staffRoutes(app, ctx);
  pageRoutes(app, ctx);

  const pruner = setInterval(() => {
    store.pruneIdempotencyKeys(Date.now() - 24 * 3_600_000).catch(() => undefined);
  }, 60 * 60_000);
  pruner.unref();

  app.addHook('preClose', async () => {
    clearInterval(pruner);
    ctx.hub.close();
  });
  app.addHook('onClose', async () => {
    if (!options.store) await store.close();
  });
  return app;
}

export interface StartOptions extends AppOptions {
  /** Port to listen on (default 8787; 0 picks a free one). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://HOST:PORT` as bound. */
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const app = await buildApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 8787, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${port}`, close: () => app.close() };
}
