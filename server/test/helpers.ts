import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { SubmissionRequest } from '../../src/api/wire.js';
import { buildApp, startServer, type AppOptions, type RunningServer } from '../src/app.js';
import { DEMO_CAMPAIGN, DEMO_CAMPAIGN_ID } from '../src/demo/content.js';
import type { CampaignRecord } from '../src/store/store.js';

export const CAMPAIGN = DEMO_CAMPAIGN_ID;
export const TOKEN = 'test-staff-token-0123456789';
export const API = `/v1/campaigns/${CAMPAIGN}`;

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-test-'));
}

/**
 * With TEST_STORE=postgres, apps made here use PostgreSQL (a fresh schema of
 * TEST_DATABASE_URL, dropped on close) instead of SQLite, so a suite written for the
 * default store runs on both: `TEST_STORE=postgres node --import tsx --test test/x.test.ts`.
 */
async function testStore(): Promise<{ options: AppOptions; drop: () => Promise<void> }> {
  if (process.env.TEST_STORE !== 'postgres') return { options: {}, drop: async () => {} };
  const { TEST_DATABASE_URL, testSchema } = await import('./pg-support.js');
  const { schema, drop } = testSchema();
  return { options: { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }, drop };
}

export async function makeApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const dataDir = tempDir();
  const store = await testStore();
  const app = await buildApp({
    dataDir,
    adminToken: TOKEN,
    rateLimit: false,
    ...store.options,
    ...options,
  });
  app.addHook('onClose', async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await store.drop();
  });
  return app;
}

export async function makeServer(options: AppOptions = {}): Promise<RunningServer> {
  const dataDir = tempDir();
  const server = await startServer({
    port: 0,
    dataDir,
    adminToken: TOKEN,
    rateLimit: false,
    ...options,
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Adds (or replaces) a campaign next to the demo one, e.g. a closed one. */
export async function addCampaign(
  app: FastifyInstance,
  changes: Partial<CampaignRecord> & { id: string },
): Promise<void> {
  await app.store.putCampaign({ ...DEMO_CAMPAIGN, ...changes });
  await app.campaigns.reload();
}

let counter = 0;
export const newKey = () => `test-key-${process.pid}-${Date.now()}-${++counter}`;

export function validBody(overrides: Partial<SubmissionRequest> = {}): SubmissionRequest {
  return {
    message: 'Chongqing people climb every hill together and never give up.',
    displayName: 'Test Reader',
    anonymous: false,
    district: 'yuzhong',
    email: 'reader@example.org',
    consentGiven: true,
    consentVersion: DEMO_CAMPAIGN.consentVersion,
    publishPermission: true,
    // The photo, when one is sent, may be published (without it it never is).
    photoPermission: true,
    locale: 'en',
    ...overrides,
  };
}

export function submit(
  app: FastifyInstance,
  body: unknown,
  options: { key?: string | null; headers?: Record<string, string>; campaign?: string } = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  if (options.key !== null) headers['idempotency-key'] = options.key ?? newKey();
  return app.inject({
    method: 'POST',
    url: `/v1/campaigns/${options.campaign ?? CAMPAIGN}/submissions`,
    headers,
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

export const staff = { authorization: `Bearer ${TOKEN}` };

export async function approve(app: FastifyInstance, id: string) {
  const response = await app.inject({
    method: 'POST',
    url: `${API}/submissions/${id}/approve`,
    headers: staff,
  });
  if (response.statusCode !== 200) throw new Error(`approve failed: ${response.body}`);
  return response.json();
}

export async function countRows(app: FastifyInstance): Promise<number> {
  const counts = await app.store.countSubmissions(CAMPAIGN);
  return counts.pending + counts.approved + counts.rejected + counts.removed;
}

/** A multipart body with a `data` JSON part and optionally a `photo` file. */
export function multipart(
  data: unknown,
  photo?: { bytes: Buffer; filename?: string; type?: string; field?: string },
): { payload: Buffer; contentType: string } {
  const boundary = `----campaign${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  if (data !== undefined) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="data"\r\n` +
          `Content-Type: application/json\r\n\r\n${typeof data === 'string' ? data : JSON.stringify(data)}\r\n`,
      ),
    );
  }
  if (photo) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${photo.field ?? 'photo'}"; ` +
          `filename="${photo.filename ?? 'photo.jpg'}"\r\nContent-Type: ${photo.type ?? 'image/jpeg'}\r\n\r\n`,
      ),
      photo.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export const GPS_MARKER = 'secret-place-marker';

/** A JPEG with EXIF: a description marker, a camera make, and a GPS position. */
export function jpegWithGps(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#c0392b' } })
    .jpeg()
    .withExif({
      IFD0: { ImageDescription: GPS_MARKER, Make: 'TestCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '29/1 33/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '106/1 33/1 0/1',
      },
    })
    .toBuffer();
}

/** A JPEG of noise, which does not compress: about `width * height / 2` bytes or more. */
export function noisyJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
}

export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#2e86c1' } })
    .png()
    .toBuffer();
}

// ---- Server-Sent Events over real HTTP ----

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  comments: string[];
  retry: number | null;
  /** Resolves when at least `count` events have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForComment(pattern: RegExp, timeoutMs?: number): Promise<void>;
  close(): void;
  ended: Promise<void>;
}

export function openStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
    request.on('error', reject);
    request.on('response', (response) => {
      let buffer = '';
      const waiters = new Set<() => void>();
      let endResolve: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      const connection: SseConnection = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        events: [],
        comments: [],
        retry: null,
        ended,
        waitFor(count, timeoutMs = 5000) {
          return waitUntil(
            () => connection.events.length >= count,
            timeoutMs,
            waiters,
            () => `only ${connection.events.length} of ${count} events`,
          ).then(() => connection.events);
        },
        waitForComment(pattern, timeoutMs = 5000) {
          return waitUntil(
            () => connection.comments.some((comment) => pattern.test(comment)),
            timeoutMs,
            waiters,
            () => `no comment matching ${pattern}`,
          );
        },
        close() {
          request.destroy();
        },
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let index;
        while ((index = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const event: SseEvent = { id: undefined, event: 'message', data: '' };
          let hasData = false;
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) connection.comments.push(line.slice(1).trim());
            else if (line.startsWith('retry:')) connection.retry = Number(line.slice(6));
            else if (line.startsWith('id:')) event.id = line.slice(3).trim();
            else if (line.startsWith('event:')) event.event = line.slice(6).trim();
            else if (line.startsWith('data:')) {
              event.data += (hasData ? '\n' : '') + line.slice(5).trim();
              hasData = true;
            }
          }
          if (hasData) connection.events.push(event);
        }
        for (const waiter of waiters) waiter();
      });
      response.on('end', () => endResolve());
      response.on('close', () => endResolve());
      response.on('error', () => endResolve());
      resolve(connection);
    });
  });
}

function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  waiters: Set<() => void>,
  describe: () => string,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out: ${describe()}`));
    }, timeoutMs);
    waiters.add(check);
  });
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
