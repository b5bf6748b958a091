/**
 * Runs the campaign API from the environment:
 *   PORT (8787; 0 = any free port), HOST (127.0.0.1), CAMPAIGN_DATA_DIR (./.data),
 *   CAMPAIGN_ADMIN_TOKEN (the service token scripts send as `Authorization: Bearer`;
 *   unset, there is none: people sign in with their staff accounts),
 *   CAMPAIGN_STAFF_IDLE_HOURS (12) and CAMPAIGN_STAFF_SESSION_DAYS (7): a staff session
 *   ends after that long without a request, and that long after sign-in at the latest,
 *   CAMPAIGN_ALLOWED_ORIGINS (comma-separated origins allowed to submit),
 *   CAMPAIGN_PUBLIC_URL (public base URL when behind a proxy),
 *   CAMPAIGN_CLIENT_KEY (keys the digests of readers' addresses; at least 16 characters;
 *   without it a random key is kept in the database),
 *   CAMPAIGN_RATE_LIMIT (`max/seconds` per client, or `off`; default 20/600),
 *   CAMPAIGN_LOG (a Fastify log level, e.g. `info`),
 *   DATABASE_URL (PostgreSQL instead of SQLite, e.g. postgres://user@host:5432/db),
 *   DATABASE_SCHEMA (PostgreSQL schema, default `public`), DATABASE_POOL_SIZE (10),
 *   CAMPAIGN_TRUST_PROXY (addresses or CIDRs of the proxies in front whose
 *   X-Forwarded-For to trust, comma-separated),
 *   CAMPAIGN_BODY_TIMEOUT_MS (10000), CAMPAIGN_BODY_MS_PER_KB (2000) and
 *   CAMPAIGN_BODY_IDLE_MS (15000): how long a request body may take to arrive,
 *   CAMPAIGN_FIRST_BYTE_MS (10000) and CAMPAIGN_HEADERS_TIMEOUT_MS (20000): how long a
 *   new connection may stay silent and its request's headers take,
 *   CAMPAIGN_MAX_CONNECTIONS_PER_ADDRESS (1000), CAMPAIGN_MAX_UPLOADS_PER_ADDRESS (64),
 *   CAMPAIGN_MAX_STREAMS (10000) and CAMPAIGN_MAX_STREAMS_PER_ADDRESS (500): what one
 *   client address (an IPv4 address or an IPv6 /64) and everyone together may hold,
 *   CAMPAIGN_MAX_PHOTO_PIXELS (24000000), CAMPAIGN_IMAGE_WORKERS (2) and
 *   CAMPAIGN_IMAGE_QUEUE (16): photos re-encoded at once and waiting,
 *   CAMPAIGN_MAX_EVENT_LOOP_DELAY_MS (1000, or
 *   `off`): above that lag every request answers 503 with Retry-After,
 *   CAMPAIGN_WEBHOOK_LOOPBACK (`1` lets webhook endpoints be plain http to this machine,
 *   for a developer's receiver; otherwise https to public addresses only).
 * Prints `campaign-api listening on http://HOST:PORT` once it accepts connections. While
 * there is no staff account, each start also prints a one-time link (valid 24 hours,
 * replacing the previous one) that creates the first admin.
 */
import path from 'node:path';
import { DEFAULT_RATE_LIMIT, startServer } from './app.js';
import { firstAdminLink } from './auth/accounts.js';
import { DEMO_CAMPAIGN_ID } from './demo/content.js';
import { parseRateLimit } from './rate-limit.js';

/** A positive whole number from the environment, or undefined when unset; anything else stops the start. */
function positiveInteger(name: string): number | undefined {
  const text = process.env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Bad ${name}: ${text}`);
  return value;
}

/** A positive number (fractions allowed) from the environment, or undefined when unset. */
function positiveNumber(name: string): number | undefined {
  const text = process.env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`Bad ${name}: ${text}`);
  return value;
}

/** A connection string without its password, for the banner. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.CAMPAIGN_DATA_DIR || './.data');
  const port =
    process.env.PORT === undefined || process.env.PORT === '' ? 8787 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Bad PORT: ${process.env.PORT}`);
  const host = process.env.HOST || '127.0.0.1';
  // The service token, for scripts; without one, nobody can act as the service.
  const serviceToken = process.env.CAMPAIGN_ADMIN_TOKEN?.trim() || undefined;
  const idleHours = positiveNumber('CAMPAIGN_STAFF_IDLE_HOURS');
  const sessionDays = positiveNumber('CAMPAIGN_STAFF_SESSION_DAYS');
  const allowedOrigins = (process.env.CAMPAIGN_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const logLevel = process.env.CAMPAIGN_LOG;
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const databaseSchema = process.env.DATABASE_SCHEMA?.trim() || undefined;
  const poolSize = Number(process.env.DATABASE_POOL_SIZE || 0) || undefined;
  const trust = process.env.CAMPAIGN_TRUST_PROXY?.trim();
  const trustProxy = trust ? trust.split(',').map((entry) => entry.trim()) : undefined;
  const connectionGuard = {
    bodyBaseMs: positiveInteger('CAMPAIGN_BODY_TIMEOUT_MS'),
    bodyMsPerKb: positiveInteger('CAMPAIGN_BODY_MS_PER_KB'),
    bodyIdleMs: positiveInteger('CAMPAIGN_BODY_IDLE_MS'),
    firstByteMs: positiveInteger('CAMPAIGN_FIRST_BYTE_MS'),
    headersTimeoutMs: positiveInteger('CAMPAIGN_HEADERS_TIMEOUT_MS'),
    maxConnectionsPerAddress: positiveInteger('CAMPAIGN_MAX_CONNECTIONS_PER_ADDRESS'),
    maxUploadsPerAddress: positiveInteger('CAMPAIGN_MAX_UPLOADS_PER_ADDRESS'),
  };
  const maxStreamClients = positiveInteger('CAMPAIGN_MAX_STREAMS');
  const maxPhotoPixels = positiveInteger('CAMPAIGN_MAX_PHOTO_PIXELS');
  const imageWorkers = positiveInteger('CAMPAIGN_IMAGE_WORKERS');
  const imageQueued = positiveInteger('CAMPAIGN_IMAGE_QUEUE');
  const imageQueue = {
    ...(imageWorkers ? { concurrency: imageWorkers } : {}),
    ...(imageQueued ? { maxQueued: imageQueued } : {}),
  };
  const loopDelay = process.env.CAMPAIGN_MAX_EVENT_LOOP_DELAY_MS?.trim();
  const maxEventLoopDelayMs =
    loopDelay === 'off' ? false : positiveInteger('CAMPAIGN_MAX_EVENT_LOOP_DELAY_MS');
  const maxStreamClientsPerAddress = positiveInteger('CAMPAIGN_MAX_STREAMS_PER_ADDRESS');

  const clientKey = process.env.CAMPAIGN_CLIENT_KEY?.trim();
  if (clientKey !== undefined && clientKey !== '' && clientKey.length < 16) {
    throw new Error('CAMPAIGN_CLIENT_KEY must be at least 16 characters');
  }
  const server = await startServer({
    port,
    host,
    dataDir,
    ...(serviceToken ? { adminToken: serviceToken } : {}),
    ...(clientKey ? { clientDigestKey: clientKey } : {}),
    allowedOrigins,
    publicUrl: process.env.CAMPAIGN_PUBLIC_URL || null,
    rateLimit: parseRateLimit(process.env.CAMPAIGN_RATE_LIMIT, DEFAULT_RATE_LIMIT),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(databaseSchema ? { databaseSchema } : {}),
    ...(poolSize ? { databasePoolSize: poolSize } : {}),
    ...(trustProxy === undefined ? {} : { trustProxy }),
    connectionGuard,
    ...(maxPhotoPixels ? { maxPhotoPixels } : {}),
    ...(Object.keys(imageQueue).length ? { imageQueue } : {}),
    ...(maxEventLoopDelayMs === undefined ? {} : { maxEventLoopDelayMs }),
    ...(maxStreamClients ? { maxStreamClients } : {}),
    ...(maxStreamClientsPerAddress ? { maxStreamClientsPerAddress } : {}),
    ...(logLevel ? { logger: { level: logLevel } } : {}),
    // Plain http webhook endpoints on this machine: a developer's receiver, never production.
    ...(process.env.CAMPAIGN_WEBHOOK_LOOPBACK === '1' ? { webhooks: { allowLoopback: true } } : {}),
    staffAuth: {
      ...(idleHours ? { idleMs: idleHours * 3_600_000 } : {}),
      ...(sessionDays ? { absoluteMs: sessionDays * 24 * 3_600_000 } : {}),
    },
  });
  // No staff account yet: a link that creates the first admin (a secret: shown only here).
  const firstAdmin = await firstAdminLink(server.app.store, server.app.publicUrl);
  const base = process.env.CAMPAIGN_PUBLIC_URL?.replace(/\/+$/, '') || server.url;

  console.log(`campaign-api listening on ${server.url}`);
  if (!process.env.CAMPAIGN_PUBLIC_URL && !/^(127\.|localhost$|::1$|\[::1\]$)/.test(host)) {
    // Public answers carry the bound address (never a request's Host header): readers
    // reaching this server by another name need it set.
    console.warn(
      `  Listening on ${host} without CAMPAIGN_PUBLIC_URL: photo and story links in public ` +
        `answers point at ${server.app.publicUrl}. Set CAMPAIGN_PUBLIC_URL to the address readers use.`,
    );
  }
  console.log(
    [
      '',
      `  Demo partner page  ${base}/`,
      `  Moderation         ${base}/moderate`,
      `  API                ${base}/v1/campaigns/${DEMO_CAMPAIGN_ID}`,
      `  OpenAPI            ${base}/v1/openapi.json`,
      databaseUrl
        ? `  Data               PostgreSQL ${redact(databaseUrl)}${databaseSchema ? `, schema ${databaseSchema}` : ''}`
        : `  Data               ${dataDir}`,
      serviceToken
        ? // Set, never shown: start-up output ends up in logs that more people read.
          `  Staff token        set (CAMPAIGN_ADMIN_TOKEN, for scripts)`
        : `  Staff token        none (set CAMPAIGN_ADMIN_TOKEN for scripts; people sign in at /moderate)`,
      ...(firstAdmin
        ? [`  First admin        ${firstAdmin.link}  (one-time link, valid 24 hours)`]
        : []),
      '',
    ].join('\n'),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing streams and the database…`);
    const force = setTimeout(() => {
      console.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server
      .close()
      .then(() => {
        console.log('campaign-api stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
