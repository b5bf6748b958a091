/**
 * Group commit of submissions on PostgreSQL (src/store/pg-batch.ts): many at once in
 * one transaction, idempotency and exactly-once intact, errors only to their caller, a
 * stalled database delays and loses nothing, and a process killed with SIGKILL under
 * load has stored every submission it accepted (SQLite too, for comparison).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { CreateResult, NewPhoto, NewSubmission, Store } from '../src/store/store.js';
import { tempDir, validBody } from './helpers.js';
import { describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';

const C = DEMO_CAMPAIGN.id;
const here = path.dirname(fileURLToPath(import.meta.url));

function newSubmission(overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    id: randomUUID(),
    campaignId: C,
    message: 'The hills of this city teach patience.',
    displayName: 'Batch Reader',
    anonymous: false,
    district: 'yuzhong',
    email: null,
    locale: 'en',
    publishPermission: true,
    consentVersion: DEMO_CAMPAIGN.consentVersion,
    receivedAt: Date.now(),
    origin: null,
    ...overrides,
  };
}

function readerPhoto(submissionId: string): NewPhoto {
  const text = {
    alt: 'A reader photo',
    caption: 'Sent by a reader',
    photographer: 'A reader',
    organization: null,
    license: 'Shared for this campaign',
  };
  return {
    record: {
      campaignId: C,
      id: `reader-${submissionId}`,
      submissionId,
      width: 640,
      height: 480,
      widths: [320, 640],
      text: { en: text, 'zh-Hans': text },
    },
    files: [
      { width: 320, bytes: Buffer.from([1, 2, 3]), etag: '"a320"' },
      { width: 640, bytes: Buffer.from([4, 5, 6, 7]), etag: '"a640"' },
    ],
  };
}

const create = (store: Store, key: string, overrides: Partial<NewSubmission> = {}) =>
  store.createSubmission({
    submission: newSubmission(overrides),
    photo: null,
    idempotencyKey: key,
    bodyHash: `hash-of-${key}`,
  });

async function rowCount(store: PgStore): Promise<number> {
  const { rows } = await store.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM submissions WHERE campaign_id = $1',
    [C],
  );
  return Number(rows[0].n);
}

describePostgres('PostgreSQL group commit', () => {
  let store: PgStore;
  let drop: () => Promise<void>;
  before(async () => {
    const schema = testSchema();
    drop = schema.drop;
    store = new PgStore({ connectionString: TEST_DATABASE_URL, schema: schema.schema });
    await store.migrate();
    await store.putCampaign(DEMO_CAMPAIGN);
  });
  after(async () => {
    await store.close();
    await drop();
  });

  it('200 at once with 50 repeated keys store exactly 150 rows; each repeat gets the first id', async () => {
    const before = await rowCount(store);
    const batchesBefore = store.submissionBatches.batches;
    const rowsBefore = store.submissionBatches.rows;
    const run = randomUUID();
    // Keys 0..149; keys 0..49 sent twice, the second copy interleaved with the others.
    const keys = Array.from({ length: 150 }, (_, i) => `dup-${run}-${i}`);
    const sent = [...keys.slice(0, 100), ...keys.slice(0, 50), ...keys.slice(100)];
    const results = await Promise.all(sent.map((key) => create(store, key)));

    assert.equal((await rowCount(store)) - before, 150);
    const byKey = new Map<string, CreateResult[]>();
    sent.forEach((key, i) => byKey.set(key, [...(byKey.get(key) ?? []), results[i]]));
    for (const [key, answers] of byKey) {
      const created = answers.filter((a) => a.kind === 'created');
      assert.equal(created.length, 1, `${key}: one created`);
      const replays = answers.filter((a) => a.kind === 'replay');
      assert.equal(replays.length, answers.length - 1, `${key}: the others replay`);
      const first = created[0].kind === 'created' ? created[0].accepted.id : '';
      for (const replay of replays) {
        assert.equal(replay.kind === 'replay' && replay.accepted.id, first);
      }
      // The stored row is the first caller's.
      assert.ok(await store.getSubmission(C, first), `${key}: its row exists`);
    }
    // Written in batches, not one transaction each.
    const batches = store.submissionBatches.batches - batchesBefore;
    const rows = store.submissionBatches.rows - rowsBefore;
    assert.ok(batches >= 1 && rows / batches > 5, `${rows} rows in ${batches} batches`);
  });

  it('a bad row in a batch fails its caller only; the others are stored', async () => {
    const before = await rowCount(store);
    const retriedBefore = store.submissionBatches.retried;
    const batchesBefore = store.submissionBatches.batches;
    const run = randomUUID();
    const settled = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        // PostgreSQL refuses a NUL character in text: the whole statement fails.
        create(store, `bad-${run}-${i}`, i === 17 ? { message: 'broken \u0000 text' } : {}),
      ),
    );
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
    assert.deepEqual(failed, [17]);
    assert.equal((await rowCount(store)) - before, 39);
    for (const s of settled) {
      if (s.status === 'fulfilled') assert.equal(s.value.kind, 'created');
    }
    // It went through a batch, written again in halves: the good rows still in batches.
    assert.ok(store.submissionBatches.retried - retriedBefore >= 40);
    assert.ok(store.submissionBatches.batches - batchesBefore >= 2);
    // The failed key was not kept: sent again, fixed, it stores.
    const again = await create(store, `bad-${run}-17`);
    assert.equal(again.kind, 'created');
  });

  it('photos sent at once are stored with their submissions, in the batch', async () => {
    const run = randomUUID();
    const rowsBefore = store.submissionBatches.rows;
    const subs = Array.from({ length: 12 }, () => newSubmission());
    const results = await Promise.all(
      subs.map((submission, i) =>
        store.createSubmission({
          submission,
          photo: i % 3 === 0 ? null : readerPhoto(submission.id),
          idempotencyKey: `photo-${run}-${i}`,
          bodyHash: 'photo-body',
        }),
      ),
    );
    assert.ok(results.every((r) => r.kind === 'created'));
    assert.ok(store.submissionBatches.rows - rowsBefore >= 2);
    for (const [i, submission] of subs.entries()) {
      const photoId = `reader-${submission.id}`;
      const row = await store.getSubmission(C, submission.id);
      assert.equal(row?.photoId ?? null, i % 3 === 0 ? null : photoId);
      if (i % 3 === 0) continue;
      const file = await store.getPhotoFile(C, photoId, 640, false);
      assert.deepEqual(file?.bytes, Buffer.from([4, 5, 6, 7]));
    }
  });

  it('a key deleted meanwhile answers deleted inside a batch', async () => {
    const run = randomUUID();
    const first = await create(store, `gone-${run}`);
    assert.equal(first.kind, 'created');
    const id = first.kind === 'created' ? first.accepted.id : '';
    await store.deleteSubmission(C, id);
    const results = await Promise.all([
      create(store, `gone-${run}`),
      ...Array.from({ length: 9 }, (_, i) => create(store, `gone-${run}-${i}`)),
    ]);
    assert.equal(results[0].kind, 'deleted');
    assert.ok(results.slice(1).every((r) => r.kind === 'created'));
    assert.equal(await store.getSubmission(C, id), null);
  });

  it('repeat look-ups at once share a query and each gets its own answer', async () => {
    const run = randomUUID();
    for (let i = 0; i < 3; i++) {
      await create(store, `repeat-${run}-${i}`, {
        textHash: `text-${run}-${i}`,
        clientHash: `client-${run}-${i}`,
      });
    }
    const asks = Array.from({ length: 30 }, (_, i) => ({
      text: `text-${run}-${i % 4}`,
      client: `client-${run}-${i % 5 === 0 ? 9 : i % 4}`,
    }));
    const answers = await Promise.all(asks.map((a) => store.hasRepeat(C, a.text, a.client)));
    const expected = asks.map((_, i) => i % 4 < 3 && i % 5 !== 0);
    assert.deepEqual(answers, expected);
    assert.ok(expected.includes(true) && expected.includes(false));
  });

  it('a stalled database (a lock held 2 s elsewhere) delays the batch and loses nothing', async () => {
    const before = await rowCount(store);
    const locker = new pg.Client({
      connectionString: TEST_DATABASE_URL,
      options: `-c search_path=${pg.escapeIdentifier(store.schema)}`,
    });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      // SHARE conflicts with the ROW EXCLUSIVE an INSERT takes.
      await locker.query('LOCK TABLE submissions IN SHARE MODE');
      const started = performance.now();
      const release = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await locker.query('COMMIT');
      })();
      const run = randomUUID();
      const settledAt: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          create(store, `stall-${run}-${i}`).then((r) => {
            settledAt.push(performance.now() - started);
            return r;
          }),
        ),
      );
      await release;
      assert.ok(
        Math.min(...settledAt) >= 1900,
        `none answered before the lock went (${Math.min(...settledAt)} ms)`,
      );
      assert.ok(results.every((r) => r.kind === 'created'));
      assert.equal((await rowCount(store)) - before, 100);
    } finally {
      await locker.end();
    }
  });
});

// ---- SIGKILL under load: every accepted submission is stored ----

interface Api {
  child: ChildProcess;
  url: string;
}

function startApi(env: NodeJS.ProcessEnv): Promise<Api> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '..', 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CAMPAIGN_RATE_LIMIT: 'off',
        // A busy test machine must not answer 503 for event-loop delay.
        CAMPAIGN_MAX_EVENT_LOOP_DELAY_MS: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the API did not start')), 120_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        output = '';
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`the API exited (${code})`)));
  });
}

const submissionUrl = (api: Api) => `${api.url}/v1/campaigns/${C}/submissions`;
const body = JSON.stringify(validBody());

async function post(api: Api, key: string): Promise<{ status: number; id?: string } | null> {
  try {
    const response = await fetch(submissionUrl(api), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body,
    });
    const answer = (await response.json()) as { id?: string };
    return { status: response.status, id: answer.id };
  } catch {
    return null; // the process was killed mid-request
  }
}

function killSuite(
  name: string,
  open: () => Promise<{ env: NodeJS.ProcessEnv; store: () => Store; dispose: () => Promise<void> }>,
): void {
  describe(name, () => {
    it('stores every submission it answered 202 before a SIGKILL, and replays it after', async () => {
      const setup = await open();
      let api = await startApi(setup.env);
      try {
        const run = randomUUID();
        const accepted = new Map<string, string>();
        let sent = 0;
        let killed = false;
        // 48 readers sending as fast as answers come; killed mid-stream.
        const readers = Array.from({ length: 48 }, async () => {
          while (!killed) {
            const key = `kill-${run}-${++sent}`;
            const answer = await post(api, key);
            if (answer?.status === 202 && answer.id) accepted.set(key, answer.id);
          }
        });
        while (accepted.size < 300) await new Promise((resolve) => setTimeout(resolve, 20));
        const exited = new Promise((resolve) => api.child.once('exit', resolve));
        api.child.kill('SIGKILL');
        killed = true;
        await exited;
        await Promise.all(readers);
        assert.ok(accepted.size >= 300);

        const store = setup.store();
        await store.migrate();
        try {
          for (const [key, id] of accepted) {
            const row = await store.getSubmission(C, id);
            assert.ok(row, `accepted ${key} (${id}) is stored`);
          }
          const counts = await store.countSubmissions(C);
          const total = counts.pending + counts.approved + counts.rejected + counts.removed;
          // At most the requests in flight at the kill are stored without an answer.
          assert.ok(total >= accepted.size && total <= sent + 20, `${total} rows`);
        } finally {
          await store.close();
        }

        // Back up on the same data: a retry of an accepted key replays its first answer.
        api = await startApi(setup.env);
        for (const [key, id] of [...accepted].slice(0, 20)) {
          const again = await post(api, key);
          assert.deepEqual(again, { status: 202, id });
        }
      } finally {
        if (api.child.exitCode === null && api.child.signalCode === null) {
          const exited = new Promise((resolve) => api.child.once('exit', resolve));
          api.child.kill('SIGTERM');
          await exited;
        }
        await setup.dispose();
      }
    });
  });
}

describePostgres('SIGKILL under load on PostgreSQL', () => {
  killSuite('PostgreSQL instance', async () => {
    const { schema, drop } = testSchema();
    const dataDir = tempDir();
    return {
      env: { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, CAMPAIGN_DATA_DIR: dataDir },
      store: () => new PgStore({ connectionString: TEST_DATABASE_URL, schema }),
      dispose: async () => {
        await drop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
});

describe('SIGKILL under load on SQLite', () => {
  killSuite('SQLite instance', async () => {
    const dataDir = tempDir();
    return {
      env: { CAMPAIGN_DATA_DIR: dataDir },
      store: () => new SqliteStore({ dataDir }),
      dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  });
});
