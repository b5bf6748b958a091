/**
 * The newsroom queue at scale: one campaign with many submissions (100 000 by default),
 * written straight into the tables in large transactions, then each store method the
 * console leans on is timed over many runs, on SQLite and on PostgreSQL.
 *
 * The rows carry what trust and safety leaves on them, in realistic shares: about 5 %
 * hold a word of the campaign's lists, 3 % a link, 2 % a phone number, 0.5 % an email
 * address, 1 % the external check's error, some are the same text again from the same
 * client, 2 % one of two slogans many readers send; flags are what `checkMessage` finds
 * in the text. Of the published quotes, 0.5 % of all rows have open reports (0.2 % are
 * hidden by them) and a few more were reported and restored; a third of the photos
 * come without permission to publish them. `safety.ts` loads the same rows.
 *
 *   node --import tsx bench/queue.ts [--rows=100000] [--runs=50] [--store=sqlite|postgres|both]
 *                                    [--explain] [--json=FILE] [--keep]
 *
 * PostgreSQL: `CAMPAIGN_BENCH_DATABASE_URL` or `TEST_DATABASE_URL` (default the local
 * `test` database), in a schema of its own that is dropped at the end. `--explain` prints
 * each query's plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) once; `--keep` keeps the
 * SQLite file and the PostgreSQL schema (and says where) to look at them afterwards.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { HOLD_FLAGS, type ItemFlag } from '../../src/api/newsroom.js';
import { REPORT_REASONS, type ReportReason } from '../../src/api/wire.js';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { checkMessage, compileRules, textFingerprint } from '../src/safety/rules.js';
import { clientDigest } from '../src/safety/screen.js';
import { DEFAULT_SAFETY } from '../src/safety/settings.js';
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
import type { CampaignRecord, Store } from '../src/store/store.js';
import { flagsColumn } from '../src/store/transitions.js';
import { percentile, sleep } from './common.js';

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

export const CAMPAIGN = 'bench-queue';
/** Keys the clients' digests of the generated rows (any key will do for timing). */
export const BENCH_KEY = 'bench-client-digest-key';
const BATCH = 5000;
const HOUR = 3_600_000;
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

/** Words on the bench campaign's lists (both languages), some of which readers write. */
const LISTED_WORDS = {
  en: ['scam', 'idiot', 'fake news', 'crypto giveaway', 'loser'],
  'zh-Hans': ['傻瓜', '骗子', '代开发票', '刷单', '垃圾'],
};
/** What appears in some messages: the rules hold them. */
const LINKS = [' t.cn/A6bX2kQ', ' www.cheap-hotpot.example.com', ' https://bit.ly/3xYz'];
const PHONES = [' 138 0013 8000', ' 023-6715 8993', ' +86 139 2345 6789'];
const EMAILS_IN_TEXT = [' write to me: fan.cq@example.com', ' 联系 cq_reader@qq.com'];
/** Sent by many readers, word for word: the repeat look-up's most crowded text. */
export const SLOGANS = [
  '我爱重庆，山城永远不服输！',
  'I love Chongqing, the city that never gives up!',
];
/** Readers who send something, as the API counts them (an address each). */
const CLIENTS = 60_000;
export const clientAddress = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** The bench campaign: the demo's, every hold rule on, the words above on its lists. */
export function benchCampaign(): CampaignRecord {
  return {
    ...DEMO_CAMPAIGN,
    id: CAMPAIGN,
    safety: { ...DEFAULT_SAFETY, ...DEMO_CAMPAIGN.safety, words: LISTED_WORDS },
  };
}

export interface Report {
  reporterHash: string;
  reason: ReportReason;
  note: string | null;
  createdAt: number;
}

export interface Row {
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
  photoPermission: boolean;
  flags: ItemFlag[];
  /** The sending client's number (its address is `clientAddress(n)`). */
  clientIndex: number;
  clientHash: string;
  textHash: string;
  hiddenAt: number | null;
  reportsOpen: number;
  /** Readers' reports (more than `reportsOpen` once staff restored the quote). */
  reports: Report[];
}

export function makeRows(count: number): Row[] {
  const next = random(42);
  // Trust and safety draws from a stream of its own: the other draws stay as they were.
  const trust = random(4242);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const pickT = <T>(list: readonly T[]) => list[Math.floor(trust() * list.length)];
  const rules = compileRules({
    words: [...LISTED_WORDS.en, ...LISTED_WORDS['zh-Hans']],
    holdLinks: true,
    holdPhones: true,
    holdEmails: true,
  });
  const rows: Row[] = [];
  const sent = new Set<string>();
  const districts = DEMO_CAMPAIGN.districts.map((d) => d.id);
  for (let i = 0; i < count; i++) {
    const zh = next() < 0.5;
    const words = Array.from({ length: 8 + Math.floor(next() * 20) }, () =>
      zh ? pick(ZH_COMMON) : pick(EN_WORDS),
    );
    if (next() < 0.001) words.splice(Math.floor(next() * words.length), 0, pick(ZH_RARE));
    const anonymous = next() < 0.2;
    const status = pick(STATUSES);
    let message = zh ? `${words.join('')}。` : `${words.join(' ')}.`;
    const displayName = anonymous ? null : `Reader ${i}`;
    const district = next() < 0.8 ? pick(districts) : null;
    const email = next() < 0.5 ? `reader${i}@example.org` : null;
    const publishPermission = next() < 0.9;
    const receivedAt = T0 + Math.floor((i / count) * 30 * DAY);
    const photoId = next() < 0.1 ? `reader-bench-${i}` : null;
    const origin = pick(ORIGINS);

    let client = Math.floor(trust() * CLIENTS);
    const kind = trust();
    if (kind < 0.02) message = pickT(SLOGANS);
    else if (kind < 0.025 && rows.length > 0) {
      // The same words again from the same reader, a little later.
      const earlier = rows[Math.max(0, rows.length - 1 - Math.floor(trust() * 200))];
      message = earlier.message;
      client = earlier.clientIndex;
    } else {
      if (trust() < 0.05) {
        const word = pickT(LISTED_WORDS[zh ? 'zh-Hans' : 'en']);
        const at = Math.floor(trust() * words.length);
        message = zh
          ? `${words.slice(0, at).join('')}${word}${words.slice(at).join('')}。`
          : `${[...words.slice(0, at), word, ...words.slice(at)].join(' ')}.`;
      }
      if (trust() < 0.03) message += pickT(LINKS);
      if (trust() < 0.02) message += pickT(PHONES);
      if (trust() < 0.005) message += pickT(EMAILS_IN_TEXT);
    }
    const clientHash = clientDigest(BENCH_KEY, CAMPAIGN, clientAddress(client));
    const textHash = textFingerprint(message);
    const flags = checkMessage(rules, message);
    const pair = `${textHash}|${clientHash}`;
    if (sent.has(pair)) flags.push({ code: 'repeat', detail: null });
    sent.add(pair);
    if (trust() < 0.01) flags.push({ code: 'external_error', detail: 'timeout' });
    flags.sort((a, b) => HOLD_FLAGS.indexOf(a.code) - HOLD_FLAGS.indexOf(b.code));

    const photoPermission = photoId !== null && trust() < 0.67;
    // Reports: published quotes only. A third of the rows are approved, so these shares
    // of them come to 0.2 % (hidden), 0.3 % (open, under the threshold) and 0.2 %
    // (reported and restored) of all rows.
    let reportsOpen = 0;
    let reportCount = 0;
    let hiddenAt: number | null = null;
    if (status === 'approved') {
      const r = trust();
      if (r < 0.002 / 0.3) {
        reportsOpen = reportCount = 3 + Math.floor(trust() * 3);
        hiddenAt = receivedAt + 60_000 + 3 * HOUR;
      } else if (r < 0.005 / 0.3) reportsOpen = reportCount = 1 + Math.floor(trust() * 2);
      else if (r < 0.007 / 0.3) reportCount = 1 + Math.floor(trust() * 3);
    }
    const reports = Array.from({ length: reportCount }, (_, k): Report => {
      const reason = pickT(REPORT_REASONS);
      return {
        reporterHash: createHash('sha256').update(`bench-reporter|${i}|${k}`).digest('hex'),
        reason,
        note: trust() < 0.3 ? 'Please look at this one' : null,
        createdAt: receivedAt + 60_000 + (k + 1) * HOUR,
      };
    });
    rows.push({
      id: randomUUID(),
      status,
      message,
      displayName,
      anonymous,
      district,
      email,
      locale: zh ? 'zh-Hans' : 'en',
      publishPermission,
      receivedAt,
      photoId,
      origin,
      photoPermission,
      flags,
      clientIndex: client,
      clientHash,
      textHash,
      hiddenAt,
      reportsOpen,
      reports,
    });
  }
  return rows;
}

/** How many rows have each flag, open reports, a hidden quote, a private photo. */
export function shares(rows: readonly Row[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  for (const row of rows) {
    if (row.flags.length) add('flagged');
    for (const flag of row.flags) add(flag.code);
    if (row.reportsOpen > 0) add('reported');
    if (row.hiddenAt !== null) add('hidden');
    if (row.reports.length) add('with reports');
    if (row.photoId !== null && !row.photoPermission) add('photo_private');
  }
  return counts;
}

// ---- loading them ----

const COLUMNS = `id, campaign_id, status, message, display_name, anonymous, district, email, locale,
  publish_permission, consent_version, received_at, photo_id, origin, decided_at, approved_at,
  photo_permission, flags, client_hash, text_hash, hidden_at, reports_open`;
const COLUMN_COUNT = 22;
const REPORT_COLUMNS = 'campaign_id, submission_id, reporter_hash, reason, note, created_at';

const decidedAt = (row: Row) => (row.status === 'pending' ? null : row.receivedAt + 60_000);
const approvedAt = (row: Row) =>
  row.status === 'approved' || row.status === 'removed' ? row.receivedAt + 60_000 : null;

export function loadSqlite(store: SqliteStore, rows: Row[]): void {
  const insert = store.db.prepare(
    `INSERT INTO submissions (${COLUMNS}) VALUES (${Array(COLUMN_COUNT).fill('?').join(', ')})`,
  );
  const insertReport = store.db.prepare(
    `INSERT INTO reports (${REPORT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
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
          row.photoPermission ? 1 : 0,
          flagsColumn(row.flags),
          row.clientHash,
          row.textHash,
          row.hiddenAt,
          row.reportsOpen,
        );
        for (const report of row.reports) {
          insertReport.run(
            CAMPAIGN,
            row.id,
            report.reporterHash,
            report.reason,
            report.note,
            report.createdAt,
          );
        }
      }
    })();
  }
}

export async function loadPostgres(store: PgStore, rows: Row[]): Promise<void> {
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
    'bool',
    'text',
    'text',
    'text',
    'int8',
    'int4',
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
      batch.map((r) => r.photoPermission),
      batch.map((r) => flagsColumn(r.flags)),
      batch.map((r) => r.clientHash),
      batch.map((r) => r.textHash),
      batch.map((r) => r.hiddenAt),
      batch.map((r) => r.reportsOpen),
    ];
    await store.pool.query(
      `INSERT INTO submissions (${COLUMNS}) SELECT * FROM unnest(${select})`,
      columns,
    );
    const reports = batch.flatMap((row) => row.reports.map((report) => ({ row, report })));
    if (reports.length) {
      await store.pool.query(
        `INSERT INTO reports (${REPORT_COLUMNS})
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])`,
        [
          reports.map(() => CAMPAIGN),
          reports.map(({ row }) => row.id),
          reports.map(({ report }) => report.reporterHash),
          reports.map(({ report }) => report.reason),
          reports.map(({ report }) => report.note),
          reports.map(({ report }) => report.createdAt),
        ],
      );
    }
  }
  // As autovacuum leaves it: statistics, and the visibility map index-only scans need.
  await store.pool.query('VACUUM ANALYZE submissions');
  await store.pool.query('VACUUM ANALYZE reports');
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
  const pages = (ids: string[]) =>
    Array.from({ length: Math.ceil(ids.length / 50) }, (_, i) => ids.slice(i * 50, i * 50 + 50));
  const reportedPages = pages(rows.filter((row) => row.reportsOpen > 0).map((row) => row.id));
  const pendingPages = pages(pending.slice(0, 1000).map((row) => row.id));
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
    queueMeasure('pending + flag flagged (any hold flag), oldest first', () =>
      q({ status: 'pending', order: 'oldest', flag: 'flagged' }),
    ),
    queueMeasure('pending + flag word, oldest first', () =>
      q({ status: 'pending', order: 'oldest', flag: 'word' }),
    ),
    queueMeasure('pending + flag word, deep page (cursor)', (run) =>
      q({
        status: 'pending',
        order: 'oldest',
        flag: 'word',
        after: pendingSeqs[Math.floor(pendingSeqs.length * (0.5 + (run % 10) * 0.04))],
      }),
    ),
    queueMeasure('flag reported (the Reported queue), oldest first', () =>
      q({ order: 'oldest', flag: 'reported' }),
    ),
    queueMeasure('approved + flag hidden, newest first', () =>
      q({ status: 'approved', order: 'newest', flag: 'hidden' }),
    ),
    queueMeasure('pending + flag photo_private, oldest first', () =>
      q({ status: 'pending', order: 'oldest', flag: 'photo_private' }),
    ),
    {
      name: 'reportTotals, 50 ids of the Reported queue',
      run: (store, run) => store.reportTotals(CAMPAIGN, reportedPages[run % reportedPages.length]),
    },
    {
      name: 'reportTotals, 50 ids of the pending queue',
      run: (store, run) => store.reportTotals(CAMPAIGN, pendingPages[run % pendingPages.length]),
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

export interface BenchStore {
  store: SqliteStore | PgStore;
  loadSeconds: number;
  /** The `seq` of `rows[index]`. */
  seqOf: (index: number) => number;
  cleanup: () => Promise<void>;
}

/**
 * A fresh store of the kind (SQLite in a temporary folder, PostgreSQL in a schema of its
 * own named after `name`), migrated, with the bench campaign and the rows in it.
 */
export async function openBenchStore(
  kind: 'sqlite' | 'postgres',
  rows: Row[],
  options: { name: string; keep?: boolean; campaigns?: CampaignRecord[] },
): Promise<BenchStore> {
  const started = Date.now();
  const campaigns = [benchCampaign(), ...(options.campaigns ?? [])];
  let store: SqliteStore | PgStore;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${options.name}-`));
    const sqlite = new SqliteStore({ dataDir: dir });
    await sqlite.migrate();
    for (const campaign of campaigns) await sqlite.putCampaign(campaign);
    loadSqlite(sqlite, rows);
    store = sqlite;
    cleanup = async () => {
      await sqlite.close();
      if (options.keep) console.log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const schema = `bench_${options.name}_${process.pid}`;
    const postgres = new PgStore({
      connectionString: DATABASE_URL,
      schema,
      statementTimeoutMs: 600_000,
    });
    await postgres.migrate();
    for (const campaign of campaigns) await postgres.putCampaign(campaign);
    await loadPostgres(postgres, rows);
    store = postgres;
    cleanup = async () => {
      await postgres.close();
      if (options.keep) {
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
  const first = (await store.searchSubmissions({ campaignId: CAMPAIGN, order: 'oldest', limit: 1 }))
    .items[0].seq;
  return { store, loadSeconds, seqOf: (index) => first + index, cleanup };
}

async function bench(kind: 'sqlite' | 'postgres', rows: Row[]): Promise<Result> {
  const { store, loadSeconds, seqOf, cleanup } = await openBenchStore(kind, rows, {
    name: 'queue',
    keep: KEEP,
  });
  try {
    const figures: Result['figures'] = {};
    for (const measure of measures(rows, seqOf)) {
      if (EXPLAIN && measure.query) {
        const plan =
          store instanceof SqliteStore
            ? await explainSqlite(store, measure.query(1))
            : await explainPostgres(store, measure.query(1));
        console.log(`  ${measure.name}\n${plan}`);
      }
      figures[measure.name] = await time(store, measure);
    }
    Object.assign(figures, await overHttp(store, rows, seqOf));
    return { store: kind, loadSeconds, figures };
  } finally {
    await cleanup();
  }
}

/**
 * Waits until a freshly started app answers `/healthz` with anything but a 503: on a busy
 * machine the load shedder's first sample can come before the event loop has turned.
 */
export async function untilReady(address: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${address}/healthz`);
    await response.arrayBuffer();
    if (response.status !== 503) return;
    if (Date.now() > deadline) throw new Error('the app still answers 503 after 30 s');
    await sleep(250);
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
  await untilReady(address);
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
    ['HTTP pending + flag flagged', () => get('/queue?status=pending&flag=flagged')],
    ['HTTP pending + flag word', () => get('/queue?status=pending&flag=word')],
    ['HTTP Reported queue (flag reported)', () => get('/queue?flag=reported')],
    [
      "HTTP Reported queue, 100 a page (the console's count refresh)",
      () => get('/queue?flag=reported&limit=100'),
    ],
    ['HTTP pending + flag photo_private', () => get('/queue?status=pending&flag=photo_private')],
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

/** Figures per store, side by side: p50 / p95 in ms. */
export function table(results: Pick<Result, 'store' | 'figures'>[]): string {
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

async function main(): Promise<void> {
  const rows = makeRows(ROWS);
  const share = shares(rows);
  console.log(
    `rows with: ${Object.entries(share)
      .map(([what, n]) => `${what} ${((n / rows.length) * 100).toFixed(1)} %`)
      .join(', ')}`,
  );
  const results: Result[] = [];
  for (const kind of ['sqlite', 'postgres'] as const) {
    if (WHICH === 'both' || WHICH === kind) results.push(await bench(kind, rows));
  }
  console.log(`\n${ROWS} submissions in one campaign, ${RUNS} runs each\n`);
  console.log(table(results));
  if (JSON_FILE) {
    fs.writeFileSync(
      JSON_FILE,
      JSON.stringify({ rows: ROWS, runs: RUNS, shares: share, results }, null, 2),
    );
  }
}

// Run as a script; `safety.ts` imports the rows and the loaders from here.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
  // Done: end now rather than wait on the database driver's idle sockets and timers.
  process.exit(0);
}
