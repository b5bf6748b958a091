/**
 * The campaign API as a Fastify app: `buildApp` for in-process use (tests call
 * `app.inject`), `startServer` to listen on a port. Every concern is a plugin:
 * shared parts are decorated once (plugins/), each group of routes is an
 * encapsulated plugin under its prefix (routes/).
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import underPressure from '@fastify/under-pressure';
import connectionGuard, { type ConnectionGuardOptions } from './connection-guard.js';
import { seedDemo } from './demo/seed.js';
import { imageQueue, type ImageQueueOptions } from './image-queue.js';
import { DEFAULT_MAX_PIXELS } from './images.js';
import { ApiError } from './errors.js';
import type { LiveHubOptions } from './live.js';
import type { StaffFeedOptions } from './staff-live.js';
import apiErrors, { answerClientError, sendApiError } from './plugins/api-errors.js';
import campaignData, { type Settings } from './plugins/campaign-data.js';
import openApi from './plugins/openapi.js';
import partnerRegistry from './partners.js';
import partnerRoutes from './routes/partners.js';
import routeTable from './plugins/route-table.js';
import type { RateLimitOptions } from './rate-limit.js';
import pageRoutes from './routes/pages.js';
import oembedRoutes from './routes/oembed.js';
import publicPageRoutes from './routes/public-pages.js';
import publicApi from './routes/public.js';
import staffAuth, { type StaffAuthOptions } from './plugins/staff-auth.js';
import newsroomRoutes from './routes/newsroom.js';
import webhookRoutes from './routes/webhooks.js';
import widgetHtmlRoutes from './routes/widget-html.js';
import webhooks from './webhooks/plugin.js';
import type { WebhookOptions } from './webhooks/service.js';
import campaignSettingsRoutes from './routes/campaign-settings.js';
import staffAccountRoutes from './routes/staff-accounts.js';
import campaignRoutes from './routes/campaigns.js';
import staffRoutes from './routes/staff.js';
import reportRoutes from './routes/reports.js';
import submissionRoutes, { parseJson } from './routes/submissions.js';
import { PgStore } from './store/pg.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

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
  /** Staff token; a random one when not given (read it back from `app.settings`). */
  adminToken?: string;
  /**
   * Keys the digests of clients' addresses (at least 16 characters). Without it the API
   * keeps a random key in the database, shared by every instance.
   */
  clientDigestKey?: string;
  /** Origins allowed to send submissions, besides the API's own. */
  allowedOrigins?: string[];
  /** Accepted submissions per client and window; `false` turns it off. Default 20 per 10 minutes. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Public base URL (e.g. `https://campaign.example.org`) written into public answers;
   * otherwise the address the server listens on. Never taken from a request header.
   */
  publicUrl?: string | null;
  /** Create the demo campaign when it does not exist (default true). */
  seedDemo?: boolean;
  heartbeatMs?: number;
  retryMs?: number;
  maxStreamClients?: number;
  /** Most live streams per client address (default 500; see `LiveHubOptions`). */
  maxStreamClientsPerAddress?: number;
  /** A stream whose unsent output passes this many bytes is dropped (default 1 MiB). */
  maxStreamBufferedBytes?: number;
  /** Request body time budget and per-address connection and upload caps. */
  connectionGuard?: Omit<ConnectionGuardOptions, 'trustProxy'>;
  distDir?: string;
  publicDir?: string;
  jsonBodyLimit?: number;
  /** Most pixels a photo may have (default 24 MP: decoding it fits about 0.4 s of CPU). */
  maxPhotoPixels?: number;
  /** The newsroom console's live stream (see `StaffFeedOptions`). */
  staffFeed?: StaffFeedOptions;
  /** How much photo work runs at once and may wait (default 2 at once, 16 waiting, 10 s). */
  imageQueue?: Partial<ImageQueueOptions>;
  /**
   * Shed load with `503` + `Retry-After` once the event loop lags this many
   * milliseconds (default 1000); `false` turns it off.
   */
  maxEventLoopDelayMs?: number | false;
  /** Fastify logger setting (default off). */
  logger?: boolean | { level: string };
  /** Trust X-Forwarded-* from a proxy in front: true, or its addresses (default false). */
  trustProxy?: boolean | string[];
  /** Staff sessions (idle and absolute expiry) and the sign-in throttle. */
  staffAuth?: StaffAuthOptions;
  /** Outbound webhooks' worker: timeout, attempts and their schedule, concurrency. */
  webhooks?: WebhookOptions;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 20, windowMs: 10 * 60_000 };

/** The store the options name (also opened by `npm run staff`). */
export function openStore(
  options: Pick<
    AppOptions,
    'store' | 'dataDir' | 'databaseUrl' | 'databaseSchema' | 'databasePoolSize'
  >,
): Store {
  if (options.store) return options.store;
  if (options.databaseUrl) {
    return new PgStore({
      connectionString: options.databaseUrl,
      ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
      ...(options.databasePoolSize ? { poolSize: options.databasePoolSize } : {}),
    });
  }
  return new SqliteStore({ dataDir: options.dataDir ?? './.data' });
}

function settingsFrom(options: AppOptions, clientDigestKey: string): Settings {
  return {
    clientDigestKey,
    adminToken: options.adminToken ?? randomBytes(24).toString('base64url'),
    allowedOrigins: options.allowedOrigins ?? [],
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null,
    distDir: options.distDir ?? path.join(REPO_ROOT, 'dist'),
    publicDir: options.publicDir ?? path.join(SERVER_ROOT, 'public'),
    jsonBodyLimit: options.jsonBodyLimit ?? 64 * 1024,
    maxPhotoPixels: options.maxPhotoPixels ?? DEFAULT_MAX_PIXELS,
    staffFeed: options.staffFeed ?? {},
  };
}

function liveOptions(options: AppOptions): LiveHubOptions {
  return {
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.retryMs ? { retryMs: options.retryMs } : {}),
    ...(options.maxStreamClients ? { maxClients: options.maxStreamClients } : {}),
    ...(options.maxStreamClientsPerAddress
      ? { maxClientsPerAddress: options.maxStreamClientsPerAddress }
      : {}),
    ...(options.maxStreamBufferedBytes ? { maxBufferedBytes: options.maxStreamBufferedBytes } : {}),
  };
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const store = openStore(options);
  await store.migrate();
  if (options.seedDemo !== false) await store.exclusive('seed', () => seedDemo(store));
  const settings = settingsFrom(
    options,
    options.clientDigestKey ??
      (await store.sharedKey('client-digest', randomBytes(32).toString('base64url'))),
  );
  // One queue per process: the cores it protects are shared by every app in it.
  if (options.imageQueue) imageQueue.configure(options.imageQueue);

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: settings.jsonBodyLimit,
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: 'idle',
    // A backstop for the connection guard's finer body budget: the longest any request
    // may take to arrive whole (a 10 MB photo at about 35 KB/s). It covers receiving the
    // request only, so event streams, which send for hours, are not cut.
    requestTimeout: 300_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // Requests Node's HTTP parser refuses, and the router's own refusals, still get
    // the API's error shape.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      void sendApiError(request, reply, error);
    },
  });

  // Every answer is built field by field from the wire types (wire-mapping.ts,
  // newsroom-mapping.ts) or is a pre-serialised body (content, quotes), so the routes'
  // response schemas document the API and are checked against the wire types at compile
  // time, but are not compiled into serializers: fast-json-stringify compiled one per
  // route and status (errors included), which made the app's start block its event loop
  // for about a second, long enough for load shedding to refuse the first requests.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(routeTable);
  await app.register(apiErrors);
  await app.register(connectionGuard, {
    ...options.connectionGuard,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });
  await app.register(campaignData, {
    store,
    settings,
    rateLimit: options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit,
    live: liveOptions(options),
    ownsStore: !options.store,
  });
  await app.register(partnerRegistry);
  await app.register(openApi);
  if (options.maxEventLoopDelayMs !== false) {
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs ?? 1000,
      retryAfter: 5,
      pressureHandler: (request, reply) => {
        void sendApiError(
          request,
          reply,
          new ApiError(503, 'unavailable', 'The server is busy; try again soon', {
            headers: { 'retry-after': '5' },
          }),
        );
      },
    });
  }

  // JSON must be valid UTF-8 (invalid bytes are rejected, not silently replaced).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: settings.jsonBodyLimit },
    (_request, body, done) => {
      try {
        done(null, parseJson(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  await app.register(multipart, {
    limits: { fileSize: 10 * 1024 * 1024, files: 2, fields: 4, parts: 5, fieldSize: 64 * 1024 },
  });

  await app.register(publicApi, { prefix: '/v1/campaigns/:campaign' });
  await app.register(widgetHtmlRoutes, { prefix: '/v1/campaigns/:campaign/html' });
  await app.register(submissionRoutes, { prefix: '/v1/campaigns/:campaign/submissions' });
  await app.register(reportRoutes, { prefix: '/v1/campaigns/:campaign/quotes/:id/reports' });
  await app.register(staffAuth, options.staffAuth ?? {});
  await app.register(staffRoutes, { prefix: '/v1/campaigns/:campaign' });
  await app.register(newsroomRoutes, { prefix: '/v1/campaigns/:campaign/staff' });
  await app.register(webhooks, options.webhooks ?? {});
  await app.register(webhookRoutes, { prefix: '/v1/campaigns/:campaign/staff/webhooks' });
  await app.register(partnerRoutes, { prefix: '/v1/campaigns/:campaign/staff/partners' });
  await app.register(campaignSettingsRoutes, { prefix: '/v1/campaigns/:campaign/staff' });
  await app.register(staffAccountRoutes, { prefix: '/v1/staff' });
  await app.register(campaignRoutes, { prefix: '/v1/staff' });
  await app.register(pageRoutes);
  await app.register(publicPageRoutes);
  await app.register(oembedRoutes, { prefix: '/v1/oembed' });
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
