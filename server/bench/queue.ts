/**
 * The newsroom queue at scale: one campaign with many submissions (100 000 by default),
 * written straight into the tables in large transactions, then each store method the
 * console leans on is timed over many runs, on SQLite and on PostgreSQL.
 *
 *   node --import tsx bench/queue.ts [--rows=100000] [--runs=50] [--store=sqlite|postgres|both]
 *                                    [--explain] [--json=FILE] [--keep]
 *
 * PostgreSQL: `CAMPAIGN_BENCH_DATABASE_URL` or `TEST_DATABASE_URL` (default the local
 * `test` database), in a schema of its own that is dropped at the end. `--explain` prints
 * each query's plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) once; `--keep` keeps the
 * SQLite file and the PostgreSQL schema (and says where) to look at them afterwards.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import type { QueueQuery } from '../src/store/newsroom.js';
import {
  PG_DIALECT,
  pgPlaceholders,
  queueSearch,
  SQLITE_DIALECT,
} from '../src/store/newsroom-sql.js';
import { buildApp } from '../src/app.js';
import { SESSION_COOKIE, newToken, tokenHash } from '../src/auth/sessions.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/store.js';
import { percentile } from './common.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROWS = Number(arg('rows') ?? 100_000);
const RUNS = Number(arg('runs') ?? 50);
const WHICH = arg('store') ?? 'both';
const EXPLAIN = process.argv.includes('--explain');
const JSON_FILE = arg('json');
const KEEP = process.argv.includes('--keep');
const DATABASE_URL =
  process.env.CAMPAIGN_BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/test';

const CAMPAIGN = 'bench-queue';
const BATCH = 5000;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const ACTOR = { kind: 'staff' as const, id: 'bench-moderator', name: 'Bench Moderator' };

// ---- the data: deterministic, so both stores hold the same rows ----

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Common words, and a few rare ones (磁器口 in about one message in a thousand). */
const ZH_COMMON = [
  '重庆',
  '火锅',
  '山城',
  '长江',
  '嘉陵江',
  '轻轨',
  '小面',
  '夜景',
  '朋友',
  '城市',
  '我们',
  '喜欢',
  '每天',
  '早上',
  '老街',
  '梯坎',
];
const ZH_RARE = ['磁器口', '白象居', '鹅岭二厂'];
const EN_WORDS = [
  'the',
  'city',
  'hills',
  'river',
  'bridge',
  'fog',
  'stairs',
  'hotpot',
  'night',
  'lights',
  'morning',
  'friends',
  'market',
  'old',
  'street',
  'walk',
];
const ORIGINS = [
  'https://partner.example',
  'https://news.partner.example',
  'https://blog.partner.example',
  null,
];
const STATUSES = [
  'pending',
  'pending',
  'pending',
  'pending',
  'approved',
  'approved',
  'approved',
  'rejected',
  'rejected',
  'removed',
] as const;

interface Row {
  id: string;
  status: (typeof STATUSES)[number];
  message: string;
  displayName: string | null;
  anonymous: boolean;
  district: string | null;
  email: string | null;
  locale: 'en' | 'zh-Hans';
  publishPermission: boolean;
  receivedAt: number;
  photoId: string | null;
  origin: string | null;
}

function makeRows(count: number): Row[] {
  const next = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const rows: Row[] = [];
  const districts = DEMO_CAMPAIGN.districts.map((d) => d.id);
  for (let i = 0; i < count; i++) {
    const zh = next() < 0.5;
    const words = Array.from({ length: 8 + Math.floor(next() * 20) }, () =>
      zh ? pick(ZH_COMMON) : pick(EN_WORDS),
    );
    if (next() < 0.001) words.splice(Math.floor(next() * words.length), 0, pick(ZH_RARE));
    const anonymous = next() < 0.2;
    rows.push({
      id: randomUUID(),
      status: pick(STATUSES),
      message: zh ? `${words.join('')}。` : `${words.join(' ')}.`,
      displayName: anonymous ? null : `Reader ${i}`,
      anonymous,
      district: next() < 0.8 ? pick(districts) : null,
      email: next() < 0.5 ? `reader${i}@example.org` : null,
      locale: zh ? 'zh-Hans' : 'en',
      publishPermission: next() < 0.9,
      receivedAt: T0 + Math.floor((i / count) * 30 * DAY),
      photoId: next() < 0.1 ? `reader-bench-${i}` : null,
      origin: pick(ORIGINS),
    });
  }
  return rows;
}

// ---- loading them ----

const COLUMNS = `id, campaign_id, status, message, display_name, anonymous, district, email, locale,
  publish_permission, consent_version, received_at, photo_id, origin, decided_at, approved_at`;

const decidedAt = (row: Row) => (row.status === 'pending' ? null : row.receivedAt + 60_000);
const approvedAt = (row: Row) =>
  row.status === 'approved' || row.status === 'removed' ? row.receivedAt + 60_000 : null;

function loadSqlite(store: SqliteStore, rows: Row[]): void {
  const insert = store.db.prepare(
    `INSERT INTO submissions (${COLUMNS}) VALUES (${Array(16).fill('?').join(', ')})`,
  );
  for (let start = 0; start < rows.length; start += BATCH) {
    store.db.transaction(() => {
      for (const row of rows.slice(start, start + BATCH)) {
        insert.run(
          row.id,
          CAMPAIGN,
          row.status,
          row.message,
          row.displayName,
          row.anonymous ? 1 : 0,
          row.district,
          row.email,
          row.locale,
          row.publishPermission ? 1 : 0,
          DEMO_CAMPAIGN.consentVersion,
          row.receivedAt,
          row.photoId,
          row.origin,
          decidedAt(row),
          approvedAt(row),
        );
      }
    })();
  }
}

async function loadPostgres(store: PgStore, rows: Row[]): Promise<void> {
  const types = [
    'text',
    'text',
    'text',
    'text',
    'text',
    'bool',
    'text',
    'text',
    'text',
    'bool',
    'text',
    'int8',
    'text',
    'text',
    'int8',
    'int8',
  ];
  const select = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const columns: unknown[][] = [
      batch.map((r) => r.id),
      batch.map(() => CAMPAIGN),
      batch.map((r) => r.status),
      batch.map((r) => r.message),
      batch.map((r) => r.displayName),
      batch.map((r) => r.anonymous),
      batch.map((r) => r.district),
      batch.map((r) => r.email),
      batch.map((r) => r.locale),
      batch.map((r) => r.publishPermission),
      batch.map(() => DEMO_CAMPAIGN.consentVersion),
      batch.map((r) => r.receivedAt),
      batch.map((r) => r.photoId),
      batch.map((r) => r.origin),
      batch.map(decidedAt),
      batch.map(approvedAt),
    ];
    await store.pool.query(
      `INSERT INTO submissions (${COLUMNS}) SELECT * FROM unnest(${select})`,
      columns,
    );
  }
  // As autovacuum leaves it: statistics, and the visibility map index-only scans need.
  await store.pool.query('VACUUM ANALYZE submissions');
}

// ---- what is measured ----

interface Measure {
  name: string;
  /** The queue query, when it is one (for --explain). */
  query?: (run: number) => QueueQuery;
  run: (store: Store, run: number) => Promise<unknown>;
}

function measures(rows: Row[], seqOf: (index: number) => number): Measure[] {
  const page = { campaignId: CAMPAIGN, limit: 50 };
  const pendingSeqs = rows.flatMap((row, i) => (row.status === 'pending' ? [seqOf(i)] : []));
  const emails = rows.filter((row) => row.email).map((row) => row.email!);
  const pending = rows.filter((row) => row.status === 'pending');
  const q = (query: Omit<QueueQuery, 'campaignId' | 'limit'>) => ({ ...page, ...query });
  const queueMeasure = (name: string, query: (run: number) => QueueQuery): Measure => ({
    name,
    query,
    run: (store, run) => store.searchSubmissions(query(run)),
  });
  let decided = 0;
  return [
    queueMeasure('pending, oldest first, first page', () =>
      q({ status: 'pending', order: 'oldest' }),
    ),
    queueMeasure('pending, newest first, first page', () =>
      q({ status: 'pending', order: 'newest' }),
    ),
    queueMeasure('pending, oldest first, deep page (cursor)', (run) =>
      q({
        status: 'pending',
        order: 'oldest',
        after: pendingSeqs[Math.floor(pendingSeqs.length * (0.5 + (run % 10) * 0.04))],
      }),
    ),
    queueMeasure('all statuses, newest first, deep page', (run) =>
      q({ order: 'newest', after: seqOf(Math.floor(rows.length * (0.2 + (run % 10) * 0.02))) }),
    ),
    queueMeasure('search 2 Chinese characters, common (重庆)', () =>
      q({ order: 'newest', q: '重庆' }),
    ),
    queueMeasure('search 2 Chinese characters, rare (磁器)', () =>
      q({ order: 'newest', q: '磁器' }),
    ),
    queueMeasure('search 4 Chinese characters (鹅岭二厂)', () =>
      q({ order: 'newest', q: '鹅岭二厂' }),
    ),
    queueMeasure('search 4 Chinese characters, common (火锅山城)', () =>
      q({ order: 'newest', q: '火锅山城' }),
    ),
    queueMeasure('search an address', (run) =>
      q({ order: 'newest', q: emails[(run * 7919) % emails.length].slice(0, -4) }),
    ),
    queueMeasure('search 2 letters, pending (zz: no match)', () =>
      q({ order: 'oldest', status: 'pending', q: 'zz' }),
    ),
    queueMeasure('locale + photo + a week, pending', (run) =>
      q({
        order: 'oldest',
        status: 'pending',
        locale: 'zh-Hans',
        hasPhoto: true,
        from: T0 + (run % 20) * DAY,
        to: T0 + ((run % 20) + 7) * DAY,
      }),
    ),
    queueMeasure('origin + flag has_email, newest', () =>
      q({ order: 'newest', origin: 'https://blog.partner.example', flag: 'has_email' }),
    ),
    { name: 'countSubmissions', run: (store) => store.countSubmissions(CAMPAIGN) },
    { name: 'listOrigins', run: (store) => store.listOrigins(CAMPAIGN) },
    {
      name: 'findByEmail',
      run: (store, run) =>
        store.findByEmail(CAMPAIGN, emails[(run * 104_729) % emails.length].toUpperCase()),
    },
    {
      name: 'decide (approve or reject, version checked)',
      run: async (store) => {
        const row = pending[decided++ % pending.length];
        const current = await store.getSubmission(CAMPAIGN, row.id);
        return store.decide({
          campaignId: CAMPAIGN,
          id: row.id,
          action: row.publishPermission ? 'approve' : 'reject',
          now: Date.now(),
          actor: ACTOR,
          expectedVersion: current?.version,
        });
      },
    },
  ];
}

async function time(store: Store, measure: Measure): Promise<{ p50: number; p95: number }> {
  await measure.run(store, 0); // warm
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const start = process.hrtime.bigint();
    await measure.run(store, run);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

// ---- the plans ----

async function explainSqlite(store: SqliteStore, query: QueueQuery): Promise<string> {
  const { sql, params } = queueSearch(query, SQLITE_DIALECT);
  const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return plan.map((step) => `    ${step.detail}`).join('\n');
}

async function explainPostgres(store: PgStore, query: QueueQuery): Promise<string> {
  const { sql, params } = queueSearch(query, PG_DIALECT);
  const { rows } = await store.pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, COSTS OFF) ${pgPlaceholders(sql)}`,
    params,
  );
  return rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n');
}

// ---- the run ----

interface Result {
  store: string;
  loadSeconds: number;
  figures: Record<string, { p50: number; p95: number }>;
}

async function bench(kind: 'sqlite' | 'postgres', rows: Row[]): Promise<Result> {
  let store: Store;
  let cleanup: () => Promise<void>;
  const started = Date.now();
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-queue-'));
    const sqlite = new SqliteStore({ dataDir: dir });
    await sqlite.migrate();
    await sqlite.putCampaign({ ...DEMO_CAMPAIGN, id: CAMPAIGN });
    loadSqlite(sqlite, rows);
    store = sqlite;
    cleanup = async () => {
      await sqlite.close();
      if (KEEP) console.log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const schema = `bench_queue_${process.pid}`;
    const postgres = new PgStore({
      connectionString: DATABASE_URL,
      schema,
      statementTimeoutMs: 600_000,
    });
    await postgres.migrate();
    await postgres.putCampaign({ ...DEMO_CAMPAIGN, id: CAMPAIGN });
    await loadPostgres(postgres, rows);
    store = postgres;
    cleanup = async () => {
      await postgres.close();
      if (KEEP) {
        console.log(`kept schema ${schema}`);
        return;
      }
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
      await client.end();
    };
  }
  const loadSeconds = (Date.now() - started) / 1000;
  console.log(`${kind}: ${rows.length} submissions loaded in ${loadSeconds.toFixed(1)} s`);
  try {
    const seqs = (
      await store.searchSubmissions({ campaignId: CAMPAIGN, order: 'oldest', limit: 1 })
    ).items[0].seq;
    const figures: Result['figures'] = {};
    for (const measure of measures(rows, (index) => seqs + index)) {
      if (EXPLAIN && measure.query) {
        const plan =
          store instanceof SqliteStore
            ? await explainSqlite(store, measure.query(1))
            : await explainPostgres(store as PgStore, measure.query(1));
        console.log(`  ${measure.name}\n${plan}`);
      }
      figures[measure.name] = await time(store, measure);
    }
    Object.assign(figures, await overHttp(store, rows, (index) => seqs + index));
    return { store: kind, loadSeconds, figures };
  } finally {
    await cleanup();
  }
}

/**
 * The same store behind the real API on a loopback port: what a console waits for,
 * request to answer, over one kept-alive connection (the session check included: a
 * staff member's session cookie, as the console sends it).
 */
async function overHttp(
  store: Store,
  rows: Row[],
  seqOf: (index: number) => number,
): Promise<Result['figures']> {
  const app = await buildApp({
    store,
    seedDemo: false,
    rateLimit: false,
    adminToken: 'bench-token-0123456789',
  });
  const now = Date.now();
  await store.createStaff({
    id: 'bench-http-moderator',
    email: 'bench.moderator@example.org',
    name: 'Bench Moderator',
    role: 'moderator',
    locale: 'zh-Hans',
    // Any hash: a session counts only for an account that has a password.
    passwordHash: 'scrypt$set',
    createdAt: now,
  });
  const token = newToken();
  await store.createSession({
    tokenHash: tokenHash(token),
    staffId: 'bench-http-moderator',
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 3_600_000,
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `${address}/v1/campaigns/${CAMPAIGN}/staff`;
  const session = await fetch(`${address}/v1/staff/session`, {
    headers: { cookie: `${SESSION_COOKIE}=${token}` },
  });
  if (!session.ok) throw new Error(`the bench's session was refused: ${session.status}`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const headers: Record<string, string> = {
    cookie: `${SESSION_COOKIE}=${token}`,
    'x-csrf-token': csrfToken,
  };
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const pending = rows.flatMap((row, i) => (row.status === 'pending' ? [i] : []));
  const ids = rows.map((row) => row.id);
  let next = pending.length - 1;
  const measures: [string, (run: number) => Promise<unknown>][] = [
    ['HTTP queue page (pending, oldest first)', () => get('/queue?status=pending')],
    [
      'HTTP queue deep page (cursor)',
      (run) =>
        get(
          `/queue?status=pending&after=${seqOf(pending[Math.floor(pending.length * (0.3 + (run % 10) * 0.05))])}`,
        ),
    ],
    [
      'HTTP search 2 Chinese characters (重庆)',
      () => get(`/queue?q=${encodeURIComponent('重庆')}`),
    ],
    [
      'HTTP search 4 Chinese characters (鹅岭二厂)',
      () => get(`/queue?q=${encodeURIComponent('鹅岭二厂')}`),
    ],
    [
      'HTTP filter: language + photo + dates',
      () => get(`/queue?locale=zh-Hans&photo=yes&from=2025-02-01&to=2025-03-31`),
    ],
    [
      'HTTP decision round trip (approve at version)',
      async () => {
        const id = ids[pending[next--]];
        const response = await fetch(`${base}/submissions/${id}/decision`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'approve', version: 1 }),
        });
        if (!response.ok && response.status !== 409)
          throw new Error(`decision: ${response.status}`);
        await response.arrayBuffer();
      },
    ],
  ];
  const figures: Result['figures'] = {};
  try {
    for (const [name, run] of measures) {
      await run(0);
      const times: number[] = [];
      for (let i = 1; i <= RUNS; i++) {
        const start = process.hrtime.bigint();
        await run(i);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((a, b) => a - b);
      figures[name] = { p50: percentile(times, 50), p95: percentile(times, 95) };
    }
  } finally {
    await app.close();
  }
  return figures;
}

function table(results: Result[]): string {
  const names = Object.keys(results[0].figures);
  const width = Math.max(...names.map((name) => name.length));
  const header = `${'ms (p50 / p95)'.padEnd(width)}  ${results.map((r) => r.store.padStart(17)).join('')}`;
  const lines = names.map(
    (name) =>
      `${name.padEnd(width)}  ${results
        .map((r) => {
          const { p50, p95 } = r.figures[name];
          return `${p50.toFixed(2).padStart(8)} /${p95.toFixed(2).padStart(7)}`;
        })
        .join('')}`,
  );
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}

const rows = makeRows(ROWS);
const results: Result[] = [];
for (const kind of ['sqlite', 'postgres'] as const) {
  if (WHICH === 'both' || WHICH === kind) results.push(await bench(kind, rows));
}
console.log(`\n${ROWS} submissions in one campaign, ${RUNS} runs each\n`);
console.log(table(results));
if (JSON_FILE)
  fs.writeFileSync(JSON_FILE, JSON.stringify({ rows: ROWS, runs: RUNS, results }, null, 2));
// Done: end now rather than wait on the database driver's idle sockets and timers.
process.exit(0);
