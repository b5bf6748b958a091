/**
 * Trust and safety's costs, each beside its goal in `npm run bench` (section `safety`):
 *
 * 1. The hold rules alone, in this process: `checkMessage` on 2,000-character messages of
 *    mixed Chinese and English with 0, 100 and 1,000 words on the lists and every hold
 *    rule on (no word of the lists, no link, phone or address in them: every pattern
 *    reads the whole text), p50 / p95 per message after a warm-up; and `compileRules` of
 *    1,000 words with the first message checked (V8 compiles a pattern when it is first
 *    used), each time with other words, so no compiled pattern is reused.
 * 2. On SQLite and PostgreSQL, with the queue bench's 100,000 submissions in the campaign
 *    (`queue.ts` writes them): `hasRepeat` (a repeat, new text, and a slogan a thousand
 *    other readers sent) and `addReport` for new reporters on published quotes, the
 *    reports under the threshold apart from the one that reaches it and hides the quote.
 * 3. Over HTTP, the real app on SQLite on a loopback port with the rate limit off:
 *    `POST …/submissions` with the rules on (1,000 words, every hold rule) and with every
 *    hold rule off and no words, in alternating blocks (the difference is what screening
 *    costs); `POST …/quotes/:id/reports` from new readers (each request its own address,
 *    through X-Forwarded-For from the loopback proxy).
 *
 *   node --import tsx bench/safety.ts [--rows=100000] [--runs=2000] [--store-runs=300]
 *                                     [--http-runs=600] [--store=sqlite|postgres|both]
 *                                     [--explain] [--json=FILE]
 *
 * `--explain` prints the plan of the repeat look-up and of the report totals once.
 * HTTP phases stop after 60 s each whatever their count.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { buildApp } from '../src/app.js';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { checkMessage, compileRules, textFingerprint } from '../src/safety/rules.js';
import { clientDigest } from '../src/safety/screen.js';
import { pgPlaceholders } from '../src/store/newsroom-sql.js';
import type { PgStore } from '../src/store/pg.js';
import { SAFETY_SQL } from '../src/store/safety.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { CampaignRecord } from '../src/store/store.js';
import { percentile } from './common.js';
import {
  CAMPAIGN,
  SLOGANS,
  benchCampaign,
  clientAddress,
  makeRows,
  openBenchStore,
  table,
  untilReady,
  type Row,
  BENCH_KEY,
} from './queue.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROWS = Number(arg('rows') ?? 100_000);
const RUNS = Number(arg('runs') ?? 2000);
const STORE_RUNS = Number(arg('store-runs') ?? 300);
const HTTP_RUNS = Number(arg('http-runs') ?? 600);
const WHICH = arg('store') ?? 'both';
const EXPLAIN = process.argv.includes('--explain');
const JSON_FILE = arg('json');
const WARM_UP = 200;
const MESSAGE_CHARS = 2000;
const COMPILE_RUNS = 20;
/** Most time an HTTP phase may take, whatever its count. */
const PHASE_MS = 60_000;

interface Figure {
  p50: number;
  p95: number;
  runs: number;
}

function figure(times: number[]): Figure {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), runs: sorted.length };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

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

// ---- words and messages ----

/** Characters the lists' Chinese words are made of; the messages use none of them. */
const LIST_HAN =
  '赌博彩票代购刷单诈骗传销贷款套现办证枪支毒品黑客外挂盗号洗钱私服色情裸聊' +
  '假货走私翻墙代考作弊发票偷拍窃听改号木马病毒钓鱼返利中奖兼职日结押金';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** `count` words, half Chinese (2 to 4 characters), half English (some two-word phrases). */
function wordList(count: number, seed: number): string[] {
  const next = random(seed);
  const words = new Set<string>();
  const han = [...LIST_HAN];
  const latin = () =>
    Array.from({ length: 5 + Math.floor(next() * 6) }, () => LETTERS[Math.floor(next() * 26)]).join(
      '',
    );
  while (words.size < count) {
    if (words.size % 2 === 0) {
      words.add(
        Array.from(
          { length: 2 + Math.floor(next() * 3) },
          () => han[Math.floor(next() * han.length)],
        ).join(''),
      );
    } else words.add(next() < 0.2 ? `${latin()} ${latin()}` : latin());
  }
  return [...words];
}

const ZH_SENTENCES = [
  '今天早上坐轻轨去解放碑，雾很大，整座城市像在云里',
  '我们一家人每个周末都去老街吃小面，老板已经认识我们了',
  '嘉陵江边的夜景真的很美，朋友从外地来都说不想走',
  '山城的梯坎很多，爬上去腿会酸，但是风景值得',
  '火锅要吃九宫格，毛肚鸭肠黄喉一样都不能少',
  '2025年3月我第一次来重庆，住在南岸区，每天看长江',
  '这家店开了35年，一碗面只要12.5元，味道一直没变',
  '@重庆发布 希望轻轨三号线早高峰能再加几趟车',
];
const EN_SENTENCES = [
  'The fog rolled over the river this morning and the bridges disappeared one by one',
  'My grandmother still climbs the old stairs to the market every day at 7.30',
  'We took the cable car across the Yangtze in 2019 and my kids still talk about it',
  'Hotpot on a summer night with friends is the best thing about this city',
  'The lights along the river at night look like a city from a film',
  'Line 2 runs right through a building, which visitors never stop photographing',
  'I moved here for work in 2012, e.g. for three years, and never left',
  'Chongqing people are warm, direct, and they never give up on anything',
];

/** Mixed Chinese and English text of exactly `length` UTF-16 units (all in the BMP). */
function mixedMessage(length: number, seed: number): string {
  const next = random(seed);
  let text = '';
  while (text.length < length) {
    text +=
      next() < 0.5
        ? `${ZH_SENTENCES[Math.floor(next() * ZH_SENTENCES.length)]}。`
        : `${EN_SENTENCES[Math.floor(next() * EN_SENTENCES.length)]}. `;
  }
  return text.slice(0, length);
}

// ---- 1. the rules alone ----

interface CheckFigures {
  chars: number;
  cases: (Figure & { words: number; flags: string[] })[];
  compile: { words: number; runs: number; first: number; p50: number; max: number; alone: number };
}

function benchRules(): CheckFigures {
  const messages = Array.from({ length: 50 }, (_, i) => mixedMessage(MESSAGE_CHARS, 1000 + i));
  const cases: CheckFigures['cases'] = [];
  for (const count of [0, 100, 1000]) {
    const rules = compileRules({
      words: wordList(count, 7),
      holdLinks: true,
      holdPhones: true,
      holdEmails: true,
    });
    const flags = new Set<string>();
    for (let run = 0; run < WARM_UP; run++) {
      for (const flag of checkMessage(rules, messages[run % messages.length])) flags.add(flag.code);
    }
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const message = messages[run % messages.length];
      const start = now();
      checkMessage(rules, message);
      times.push(now() - start);
    }
    cases.push({ words: count, flags: [...flags], ...figure(times) });
    console.log(
      `checkMessage, ${MESSAGE_CHARS} characters, ${count} words: p50 ${cases.at(-1)!.p50.toFixed(3)} ms, p95 ${cases.at(-1)!.p95.toFixed(3)} ms (flags found: ${[...flags].join(', ') || 'none'})`,
    );
  }
  // Compiling: other words each time, so V8 reuses no pattern it compiled before.
  const compileTimes: number[] = [];
  const aloneTimes: number[] = [];
  for (let run = 0; run < COMPILE_RUNS; run++) {
    const words = wordList(1000, 100 + run);
    const start = now();
    const rules = compileRules({ words, holdLinks: true, holdPhones: true, holdEmails: true });
    const compiled = now();
    checkMessage(rules, messages[run % messages.length]);
    aloneTimes.push(compiled - start);
    compileTimes.push(now() - start);
  }
  const sorted = [...compileTimes].sort((a, b) => a - b);
  const compile = {
    words: 1000,
    runs: COMPILE_RUNS,
    first: compileTimes[0],
    p50: percentile(sorted, 50),
    max: sorted[sorted.length - 1],
    alone: percentile(
      [...aloneTimes].sort((a, b) => a - b),
      50,
    ),
  };
  console.log(
    `compileRules, 1000 words, with the first message: first ${compile.first.toFixed(1)} ms, median ${compile.p50.toFixed(1)} ms, slowest ${compile.max.toFixed(1)} ms (compileRules alone, median ${compile.alone.toFixed(1)} ms)`,
  );
  return { chars: MESSAGE_CHARS, cases, compile };
}

// ---- 2. the store ----

const reporter = (label: string, n: number) =>
  createHash('sha256').update(`bench-safety-reporter|${label}|${n}`).digest('hex');

/** Published quotes nobody reported, in a fixed order, handed out once each. */
function quotePicker(rows: readonly Row[]): () => string {
  const quotes = rows
    .filter((row) => row.status === 'approved' && row.reports.length === 0)
    .map((row) => row.id);
  let next = 0;
  return () => {
    if (next >= quotes.length) throw new Error('no unreported quote left');
    // Spread over the whole campaign rather than the oldest ones.
    return quotes[(next++ * 7919) % quotes.length];
  };
}

async function explain(store: SqliteStore | PgStore, sql: string, params: unknown[]) {
  if (store instanceof SqliteStore) {
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
      detail: string;
    }[];
    return plan.map((step) => `    ${step.detail}`).join('\n');
  }
  const { rows } = await store.pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, COSTS OFF) ${pgPlaceholders(sql)}`,
    params,
  );
  return rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n');
}

async function benchStore(
  store: SqliteStore | PgStore,
  rows: readonly Row[],
  nextQuote: () => string,
): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const threshold = benchCampaign().safety!.reportThreshold;
  const slogan = textFingerprint(SLOGANS[0]);
  const sloganRows = rows.filter((row) => row.textHash === slogan).length;
  const timed = async (name: string, run: (n: number) => Promise<unknown>) => {
    for (let n = 0; n < 20; n++) await run(-1 - n); // warm
    const times: number[] = [];
    for (let n = 0; n < STORE_RUNS; n++) {
      const start = now();
      await run(n);
      times.push(now() - start);
    }
    figures[name] = figure(times);
  };
  if (EXPLAIN) {
    const row = rows[1234];
    console.log(
      `  hasRepeat\n${await explain(store, SAFETY_SQL.repeat, [CAMPAIGN, slogan, row.clientHash])}`,
    );
    const ids = rows.filter((r) => r.reports.length).map((r) => r.id);
    console.log(
      `  reportTotals (50 ids)\n${await explain(store, SAFETY_SQL.totals(50), [CAMPAIGN, ...ids.slice(0, 50)])}`,
    );
  }
  await timed('hasRepeat, a repeat (found)', async (n) => {
    const row = rows[(Math.abs(n) * 7919) % rows.length];
    if (!(await store.hasRepeat(CAMPAIGN, row.textHash, row.clientHash))) {
      throw new Error('hasRepeat missed a row that is there');
    }
  });
  await timed('hasRepeat, new text', async (n) => {
    const text = createHash('sha256').update(`bench-new-text|${n}`).digest('hex');
    await store.hasRepeat(
      CAMPAIGN,
      text,
      clientDigest(BENCH_KEY, CAMPAIGN, clientAddress(n & 0xffff)),
    );
  });
  await timed(
    `hasRepeat, a slogan ${sloganRows.toLocaleString('en')} other readers sent`,
    async (n) => {
      const client = clientDigest(BENCH_KEY, CAMPAIGN, `192.0.2.${Math.abs(n) % 250}|new`);
      if (await store.hasRepeat(CAMPAIGN, slogan, client))
        throw new Error('hasRepeat found a reader who never sent it');
    },
  );

  // Reports: `threshold` new readers per quote; the last of them hides it.
  const counted: number[] = [];
  const hiding: number[] = [];
  const report = async (id: string, k: number, times: number[] | null) => {
    const start = now();
    const result = await store.addReport({
      campaignId: CAMPAIGN,
      id,
      reporterHash: reporter(id, k),
      reason: 'spam',
      note: null,
      now: Date.now(),
      threshold,
    });
    times?.push(now() - start);
    if (result.kind !== 'reported') throw new Error(`addReport: ${result.kind}`);
    const hidden = result.submission.hiddenAt !== null;
    if (hidden !== (k === threshold - 1)) throw new Error('addReport hid at the wrong report');
  };
  for (let n = 0; n < 10; n++) {
    const id = nextQuote();
    for (let k = 0; k < threshold; k++) await report(id, k, null); // warm
  }
  const quotes = Math.max(1, Math.ceil(STORE_RUNS / threshold));
  for (let n = 0; n < quotes; n++) {
    const id = nextQuote();
    for (let k = 0; k < threshold; k++) await report(id, k, k === threshold - 1 ? hiding : counted);
  }
  figures['addReport, a new reader (counted)'] = figure(counted);
  figures[`addReport, the reader whose report reaches ${threshold} and hides it`] = figure(hiding);
  return figures;
}

// ---- 3. over HTTP ----

interface HttpFigures {
  store: string;
  words: number;
  chars: number;
  submissions: { on: Figure; off: Figure };
  reports: { all: Figure; hiding: Figure };
}

async function benchHttp(store: SqliteStore, nextQuote: () => string): Promise<HttpFigures> {
  const words = [...wordList(1000, 11)];
  const on: CampaignRecord = {
    ...benchCampaign(),
    safety: {
      ...benchCampaign().safety!,
      // Two full lists: the most the settings take.
      words: {
        en: words.filter((_, i) => i % 2 === 1),
        'zh-Hans': words.filter((_, i) => i % 2 === 0),
      },
      holdLinks: true,
      holdPhones: true,
      holdEmails: true,
      holdRepeats: true,
    },
  };
  const off: CampaignRecord = {
    ...on,
    safety: {
      ...on.safety!,
      words: { en: [], 'zh-Hans': [] },
      holdLinks: false,
      holdPhones: false,
      holdEmails: false,
      holdRepeats: false,
    },
  };
  await store.putCampaign(on);
  const app = await buildApp({
    store,
    seedDemo: false,
    rateLimit: false,
    trustProxy: ['127.0.0.1'],
    adminToken: 'bench-token-0123456789',
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  await untilReady(address);
  const base = `${address}/v1/campaigns/${CAMPAIGN}`;
  let client = 0;
  const nextClient = () => `10.250.${(++client >> 8) & 255}.${client & 255}`;
  const messages = Array.from({ length: 50 }, (_, i) => mixedMessage(1000, 5000 + i));
  let sent = 0;
  const submit = async () => {
    const n = ++sent;
    const suffix = ` #${n}`;
    const message = messages[n % messages.length].slice(0, 1000 - suffix.length) + suffix;
    const response = await fetch(`${base}/submissions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        'x-forwarded-for': nextClient(),
      },
      body: JSON.stringify({
        message,
        displayName: 'Bench Reader',
        anonymous: false,
        district: DEMO_CAMPAIGN.districts[0].id,
        email: null,
        consentGiven: true,
        consentVersion: DEMO_CAMPAIGN.consentVersion,
        publishPermission: true,
        locale: 'zh-Hans',
      }),
    });
    if (response.status !== 202) {
      throw new Error(`submission: ${response.status} ${await response.text()}`);
    }
    await response.arrayBuffer();
  };
  const report = async (id: string) => {
    const response = await fetch(`${base}/quotes/${id}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': nextClient() },
      body: JSON.stringify({ reason: 'spam' }),
    });
    if (response.status !== 202) {
      throw new Error(`report: ${response.status} ${await response.text()}`);
    }
    await response.arrayBuffer();
  };
  try {
    // Submissions: blocks of each setting in turn, so the machine's other work falls on
    // both alike. A settings change compiles the rules on the first submission after it:
    // that one, and one more, are not counted.
    const times = { on: [] as number[], off: [] as number[] };
    const block = 50;
    const deadline = Date.now() + PHASE_MS;
    for (let b = 0; times.on.length < HTTP_RUNS || times.off.length < HTTP_RUNS; b++) {
      if (Date.now() > deadline) break;
      const mode = b % 2 === 0 ? 'on' : 'off';
      await store.putCampaign(mode === 'on' ? on : off);
      await app.campaigns.reload();
      await submit();
      await submit();
      for (let i = 0; i < block && times[mode].length < HTTP_RUNS; i++) {
        const start = now();
        await submit();
        times[mode].push(now() - start);
      }
    }
    await store.putCampaign(on);
    await app.campaigns.reload();
    // Reports: new readers, `threshold` per quote; the last one hides it.
    const threshold = on.safety!.reportThreshold;
    const all: number[] = [];
    const hiding: number[] = [];
    for (let k = 0; k < threshold * 3; k++) await report(nextQuote()); // warm
    const reportDeadline = Date.now() + PHASE_MS;
    while (all.length < HTTP_RUNS && Date.now() < reportDeadline) {
      const id = nextQuote();
      for (let k = 0; k < threshold; k++) {
        const start = now();
        await report(id);
        const ms = now() - start;
        all.push(ms);
        if (k === threshold - 1) hiding.push(ms);
      }
    }
    return {
      store: 'sqlite',
      words: words.length,
      chars: 1000,
      submissions: { on: figure(times.on), off: figure(times.off) },
      reports: { all: figure(all), hiding: figure(hiding) },
    };
  } finally {
    await app.close();
  }
}

// ---- the run ----

const check = benchRules();
const rows = makeRows(ROWS);
const stores: { store: string; loadSeconds: number; figures: Record<string, Figure> }[] = [];
let http: HttpFigures | null = null;
for (const kind of ['sqlite', 'postgres'] as const) {
  if (WHICH !== 'both' && WHICH !== kind) continue;
  const opened = await openBenchStore(kind, rows, { name: 'safety' });
  try {
    const nextQuote = quotePicker(rows);
    stores.push({
      store: kind,
      loadSeconds: opened.loadSeconds,
      figures: await benchStore(opened.store, rows, nextQuote),
    });
    if (opened.store instanceof SqliteStore) http = await benchHttp(opened.store, nextQuote);
  } finally {
    await opened.cleanup();
  }
}

console.log(`\n${ROWS} submissions in one campaign, ${STORE_RUNS} runs each\n`);
if (stores.length) console.log(table(stores));
if (http) {
  const line = (name: string, f: Figure) =>
    `${name.padEnd(60)} ${f.p50.toFixed(2).padStart(8)} / ${f.p95.toFixed(2).padStart(7)}  (${f.runs})`;
  console.log(`\nHTTP on SQLite, ms (p50 / p95)`);
  console.log(line(`POST submission, rules on (${http.words} words)`, http.submissions.on));
  console.log(line('POST submission, every hold rule off', http.submissions.off));
  console.log(line('POST report', http.reports.all));
  console.log(line('POST report that hides the quote', http.reports.hiding));
}
if (JSON_FILE) {
  fs.writeFileSync(
    JSON_FILE,
    JSON.stringify({ rows: ROWS, storeRuns: STORE_RUNS, check, stores, http }, null, 2),
  );
}
// Done: end now rather than wait on the database driver's idle sockets and timers.
process.exit(0);
