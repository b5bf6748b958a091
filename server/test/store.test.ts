/**
 * The store's behaviour, the same tests against SQLite and against PostgreSQL: content,
 * idempotent all-or-nothing submissions, moderation transitions and their events, the
 * wall's paging, replay and the live feed, and the shared rate limit.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { SharedRateLimiter } from '../src/rate-limit.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { LiveEvent, NewPhoto, NewSubmission, Store } from '../src/store/store.js';
import { adminQuery, describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';

const C = 'store-test-campaign';

// Not from ./helpers.js, which builds the whole app: these tests need the store alone.
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newSubmission(overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    id: randomUUID(),
    campaignId: C,
    message: 'The hills of this city teach patience.',
    displayName: 'Store Reader',
    anonymous: false,
    district: 'yuzhong',
    email: 'reader@example.org',
    locale: 'en',
    publishPermission: true,
    consentVersion: DEMO_CAMPAIGN.consentVersion,
    receivedAt: Date.now(),
    origin: null,
    // The photo, when one is sent, may be published (without it it never is).
    photoPermission: true,
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
      id: `reader-${submissionId.slice(0, 8)}`,
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

let keyCounter = 0;
const key = () => `store-key-${process.pid}-${++keyCounter}`;

async function create(store: Store, overrides: Partial<NewSubmission> = {}, photo = false) {
  const submission = newSubmission(overrides);
  const result = await store.createSubmission({
    submission,
    photo: photo ? readerPhoto(submission.id) : null,
    idempotencyKey: key(),
    bodyHash: `hash-${submission.id}`,
  });
  assert.equal(result.kind, 'created');
  return submission.id;
}

/** A new submission for key `k`, with the body hash the helpers below reuse. */
const keyed = (k: string) => ({
  submission: newSubmission(),
  photo: null,
  idempotencyKey: k,
  bodyHash: `hash-${k}`,
});

async function createWithKey(store: Store, k: string): Promise<string> {
  const input = keyed(k);
  assert.equal((await store.createSubmission(input)).kind, 'created');
  return input.submission.id;
}

async function approved(store: Store, overrides: Partial<NewSubmission> = {}) {
  const id = await create(store, overrides);
  const result = await store.transition(C, id, 'approve', Date.now());
  assert.ok(result.ok && result.event, 'approved with an event');
  return { id, eventId: result.event.id };
}

/** Collects the live feed; `until` resolves once an event with that id has arrived. */
function feed(store: Store) {
  const events: LiveEvent[] = [];
  const waiters = new Set<() => void>();
  const unsubscribe = store.subscribe((event) => {
    events.push(event);
    for (const waiter of waiters) waiter();
  });
  return {
    events,
    unsubscribe,
    until(id: number, timeoutMs = 5000): Promise<void> {
      if (events.some((e) => e.id >= id)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!events.some((e) => e.id >= id)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`event ${id} never arrived; got ${events.map((e) => e.id).join(',')}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
  };
}

function storeSuite(open: () => Promise<{ store: Store; dispose: () => Promise<void> }>) {
  let store: Store;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ store, dispose } = await open());
    await store.putCampaign({ ...DEMO_CAMPAIGN, id: C });
  });
  after(() => dispose());

  describe('content', () => {
    it('keeps campaigns and replaces one put again', async () => {
      await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'store-other', status: 'closed' });
      assert.equal((await store.getCampaign('store-other'))?.status, 'closed');
      await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'store-other', status: 'open' });
      assert.equal((await store.getCampaign('store-other'))?.status, 'open');
      assert.deepEqual(await store.listCampaignIds(), [C, 'store-other'].sort());
      assert.equal(await store.getCampaign('no-such-campaign'), null);
      assert.deepEqual(await store.getCampaign(C), { ...DEMO_CAMPAIGN, id: C });
    });

    it('lists stories by position and finds one by id', async () => {
      const base = {
        campaignId: C,
        byline: 'Desk',
        publishedAt: 1,
        url: '/s',
        photoId: null,
        text: {
          en: { headline: 'H', excerpt: 'E' },
          'zh-Hans': { headline: '标', excerpt: '摘' },
        },
      };
      await store.putStory({ ...base, id: 'second', position: 2 });
      await store.putStory({ ...base, id: 'first', position: 1 });
      assert.deepEqual(
        (await store.listStories(C)).map((s) => s.id),
        ['first', 'second'],
      );
      assert.equal((await store.getStory(C, 'second'))?.position, 2);
      assert.equal(await store.getStory(C, 'missing'), null);
    });

    it('keeps a photo with its files, bytes intact', async () => {
      const photo = readerPhoto('00000000-0000-4000-8000-000000000000');
      photo.record.submissionId = null;
      photo.record.id = 'staff-photo';
      await store.putPhoto(photo);
      const record = await store.getPhoto(C, 'staff-photo', true);
      assert.deepEqual(record?.widths, [320, 640]);
      const file = await store.getPhotoFile(C, 'staff-photo', 640, true);
      assert.deepEqual(file && [...file.bytes], [4, 5, 6, 7]);
      assert.equal(file?.etag, '"a640"');
      assert.equal(await store.getPhotoFile(C, 'staff-photo', 999, true), null);
    });
  });

  describe('submissions', () => {
    it('answers a repeated key with the first answer and a changed body with a conflict', async () => {
      const submission = newSubmission();
      const k = key();
      const first = await store.createSubmission({
        submission,
        photo: null,
        idempotencyKey: k,
        bodyHash: 'h1',
      });
      assert.equal(first.kind, 'created');
      const counts = await store.countSubmissions(C);
      const again = await store.createSubmission({
        submission: { ...submission, id: randomUUID() },
        photo: null,
        idempotencyKey: k,
        bodyHash: 'h1',
      });
      assert.deepEqual(again, {
        kind: 'replay',
        accepted: first.kind === 'created' ? first.accepted : null,
      });
      const other = await store.createSubmission({
        submission: { ...submission, id: randomUUID() },
        photo: null,
        idempotencyKey: k,
        bodyHash: 'h2',
      });
      assert.equal(other.kind, 'conflict');
      assert.deepEqual(await store.countSubmissions(C), counts, 'nothing more stored');
      const record = await store.findIdempotent(C, k);
      assert.equal(record?.kind === 'answered' && record.bodyHash, 'h1');
      assert.equal(await store.findIdempotent(C, 'never-used-key'), null);
    });

    it('stores one submission when the same key arrives many times at once', async () => {
      const k = key();
      const before = await store.countSubmissions(C);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.createSubmission({
            submission: newSubmission({ message: 'Sent eight times at once.' }),
            photo: null,
            idempotencyKey: k,
            bodyHash: 'same',
          }),
        ),
      );
      assert.equal(results.filter((r) => r.kind === 'created').length, 1);
      assert.equal(results.filter((r) => r.kind === 'replay').length, 7);
      const ids = new Set(results.map((r) => ('accepted' in r ? r.accepted.id : null)));
      assert.equal(ids.size, 1, 'every answer names the one stored submission');
      const after = await store.countSubmissions(C);
      assert.equal(after.pending, before.pending + 1);
    });

    it('stores nothing of a submission that fails part way (all or nothing)', async () => {
      const existing = await create(store);
      const k = key();
      const before = await store.countSubmissions(C);
      // Same submission id as a stored one: the insert fails after the key was claimed.
      await assert.rejects(
        store.createSubmission({
          submission: newSubmission({ id: existing }),
          photo: readerPhoto(randomUUID()),
          idempotencyKey: k,
          bodyHash: 'x',
        }),
      );
      assert.equal(await store.findIdempotent(C, k), null, 'the key is not kept');
      assert.deepEqual(await store.countSubmissions(C), before);
      // The same key can then be used again.
      const retry = await store.createSubmission({
        submission: newSubmission(),
        photo: null,
        idempotencyKey: k,
        bodyHash: 'x',
      });
      assert.equal(retry.kind, 'created');
    });

    it('keeps a reader photo private until its submission is approved', async () => {
      const id = await create(store, {}, true);
      const photoId = (await store.getSubmission(C, id))?.photoId;
      assert.ok(photoId);
      assert.equal(await store.getPhoto(C, photoId, true), null);
      assert.equal(await store.getPhotoFile(C, photoId, 320, true), null);
      assert.ok(await store.getPhoto(C, photoId, false));
      await store.transition(C, id, 'approve', Date.now());
      assert.ok(await store.getPhoto(C, photoId, true));
      assert.deepEqual([...(await store.getPhotoFile(C, photoId, 320, true))!.bytes], [1, 2, 3]);
    });

    it('lists newest first, by status, in pages, and counts by status', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await create(store, { message: `Paged ${i}.` }));
      await store.transition(C, ids[1], 'reject', Date.now());
      const first = await store.listSubmissions(C, { limit: 2 });
      assert.deepEqual(
        first.items.map((s) => s.id),
        [ids[4], ids[3]],
      );
      assert.ok(first.nextBefore);
      const second = await store.listSubmissions(C, { limit: 2, before: first.nextBefore });
      assert.deepEqual(
        second.items.map((s) => s.id),
        [ids[2], ids[1]],
      );
      const rejected = await store.listSubmissions(C, { status: 'rejected', limit: 50 });
      assert.ok(rejected.items.some((s) => s.id === ids[1]));
      assert.ok(rejected.items.every((s) => s.status === 'rejected'));
      const counts = await store.countSubmissions(C);
      const all = await store.listSubmissions(C, { limit: 1000 });
      assert.equal(
        counts.pending + counts.approved + counts.rejected + counts.removed,
        all.items.length,
      );
      assert.equal(all.nextBefore, null);
      const stored = await store.getSubmission(C, ids[0]);
      assert.equal(stored?.message, 'Paged 0.');
      assert.equal(stored?.anonymous, false);
      assert.equal(stored?.publishPermission, true);
      assert.equal(typeof stored?.seq, 'number');
    });

    it('prunes idempotency keys older than a time, and only those', async () => {
      const old = newSubmission({ receivedAt: 1000 });
      const k = key();
      await store.createSubmission({
        submission: old,
        photo: null,
        idempotencyKey: k,
        bodyHash: 'o',
      });
      const recent = key();
      await store.createSubmission({
        submission: newSubmission(),
        photo: null,
        idempotencyKey: recent,
        bodyHash: 'r',
      });
      assert.ok((await store.pruneIdempotencyKeys(2000)) >= 1);
      assert.equal(await store.findIdempotent(C, k), null);
      assert.ok(await store.findIdempotent(C, recent));
    });
  });

  describe('moderation and events', () => {
    it('approves once, with an event carrying the quote; a repeat changes nothing', async () => {
      const last = await store.lastEventId(C);
      const id = await create(store, { anonymous: true, displayName: null });
      const result = await store.transition(C, id, 'approve', 5000);
      assert.ok(result.ok);
      assert.equal(result.submission.status, 'approved');
      assert.equal(result.submission.approvedAt, 5000);
      assert.ok(result.event && result.event.id > last);
      assert.equal(result.event.type, 'quote');
      assert.equal(result.event.type === 'quote' && result.event.quote.wallSeq, result.event.id);
      assert.equal(await store.lastEventId(C), result.event.id);
      const again = await store.transition(C, id, 'approve', 6000);
      assert.ok(again.ok);
      assert.equal(again.event, null);
      assert.equal(await store.lastEventId(C), result.event.id, 'no second event');
    });

    it('refuses what moderation does not allow, and says so', async () => {
      const noPermission = await create(store, { publishPermission: false });
      const refused = await store.transition(C, noPermission, 'approve', Date.now());
      assert.deepEqual(refused.ok, false);
      assert.equal(!refused.ok && refused.reason, 'invalid_transition');
      const pending = await create(store);
      const remove = await store.transition(C, pending, 'remove', Date.now());
      assert.equal(!remove.ok && remove.reason, 'invalid_transition');
      const { id } = await approved(store);
      const reject = await store.transition(C, id, 'reject', Date.now());
      assert.equal(!reject.ok && reject.reason, 'invalid_transition');
      const missing = await store.transition(C, randomUUID(), 'approve', Date.now());
      assert.equal(!missing.ok && missing.reason, 'not_found');
    });

    it('removes a quote with a remove event, and deletes a submission for good', async () => {
      const { id, eventId } = await approved(store);
      const removed = await store.transition(C, id, 'remove', Date.now());
      assert.ok(removed.ok && removed.event);
      assert.deepEqual(removed.event, {
        id: removed.event.id,
        campaignId: C,
        type: 'remove',
        quoteId: id,
      });
      assert.ok(removed.event.id > eventId);

      const other = await approved(store);
      const deleted = await store.deleteSubmission(C, other.id);
      assert.equal(deleted.deleted, true);
      assert.equal(deleted.event?.type, 'remove');
      assert.equal(await store.getSubmission(C, other.id), null);
      assert.deepEqual(await store.deleteSubmission(C, other.id), { deleted: false, event: null });
      const pending = await create(store, {}, true);
      const photoId = (await store.getSubmission(C, pending))!.photoId!;
      const quiet = await store.deleteSubmission(C, pending);
      assert.deepEqual(quiet, { deleted: true, event: null }, 'no event for an unpublished one');
      assert.equal(await store.getPhoto(C, photoId, false), null, 'its photo went with it');
    });
  });

  describe('a key whose submission was deleted for good', () => {
    it('answers deleted to the same key and body, and stores nothing again', async () => {
      const submission = newSubmission({ message: 'Deleted for good, then sent again.' });
      const k = key();
      const input = { submission, photo: readerPhoto(submission.id), idempotencyKey: k };
      assert.equal((await store.createSubmission({ ...input, bodyHash: 'b' })).kind, 'created');
      assert.equal((await store.transition(C, submission.id, 'approve', Date.now())).ok, true);
      assert.equal((await store.deleteSubmission(C, submission.id)).deleted, true);
      const counts = await store.countSubmissions(C);
      const lastEvent = await store.lastEventId(C);

      assert.deepEqual(await store.findIdempotent(C, k), { kind: 'deleted' });
      const retry = { ...input, submission: { ...submission, id: randomUUID() } };
      assert.deepEqual(await store.createSubmission({ ...retry, bodyHash: 'b' }), {
        kind: 'deleted',
      });
      // The tombstone keeps no body hash: another body with the key is told the same.
      assert.deepEqual(await store.createSubmission({ ...retry, bodyHash: 'other' }), {
        kind: 'deleted',
      });
      assert.deepEqual(await store.countSubmissions(C), counts, 'nothing stored again');
      assert.equal(await store.getSubmission(C, submission.id), null, 'not resurrected');
      assert.equal(await store.getSubmission(C, retry.submission.id), null);
      assert.equal(await store.getPhoto(C, input.photo.record.id, false), null);
      assert.equal(await store.lastEventId(C), lastEvent, 'no event either');
      assert.deepEqual(await store.findIdempotent(C, k), { kind: 'deleted' }, 'still deleted');
    });

    it('answers deleted to many retries at once, and none is stored', async () => {
      const k = key();
      const id = await createWithKey(store, k);
      await store.deleteSubmission(C, id);
      const counts = await store.countSubmissions(C);
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.createSubmission({
            submission: newSubmission(),
            photo: null,
            idempotencyKey: k,
            bodyHash: `hash-${k}`,
          }),
        ),
      );
      assert.deepEqual(new Set(results.map((r) => r.kind)), new Set(['deleted']));
      assert.deepEqual(await store.countSubmissions(C), counts);
    });

    it('prunes the tombstone like an idempotency key; the key is then new', async () => {
      const k = key();
      await store.deleteSubmission(C, await createWithKey(store, k));
      assert.deepEqual(await store.findIdempotent(C, k), { kind: 'deleted' });
      assert.equal(await store.pruneIdempotencyKeys(Date.now() - 60_000), 0, 'too young');
      assert.ok((await store.pruneIdempotencyKeys(Date.now() + 1)) >= 1);
      assert.equal(await store.findIdempotent(C, k), null);
      assert.equal((await store.createSubmission(keyed(k))).kind, 'created');
    });

    it('vacuums the tables after the delete on PostgreSQL (dead rows reclaimed)', async (t) => {
      if (!(store instanceof PgStore)) {
        t.skip('SQLite overwrites deleted rows itself (secure_delete; see privacy-delete.test.ts)');
        return;
      }
      const vacuumed = () =>
        adminQuery(
          `SELECT relname FROM pg_stat_user_tables
           WHERE schemaname = $1 AND last_vacuum IS NOT NULL ORDER BY relname`,
          [(store as PgStore).schema],
        ).then((result) => result.rows.map((row: { relname: string }) => row.relname));
      await store.deleteSubmission(C, await create(store, {}, true));
      // reports: a report's note may quote the words it reports.
      const want = ['idempotency_keys', 'photo_files', 'photos', 'reports', 'submissions'];
      for (let tries = 0; tries < 100 && (await vacuumed()).length < want.length; tries++) {
        await delay(100);
      }
      assert.deepEqual(await vacuumed(), want);
    });

    it('leaves other keys of the campaign alone', async () => {
      const kept = key();
      const keptId = await createWithKey(store, kept);
      await store.deleteSubmission(C, await createWithKey(store, key()));
      const record = await store.findIdempotent(C, kept);
      assert.equal(record?.kind === 'answered' && record.accepted.id, keptId);
    });
  });

  describe('the wall', () => {
    it('pages published quotes newest first with the last event id of the same moment', async () => {
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) mine.push((await approved(store, { message: `Wall ${i}.` })).id);
      const page = await store.listQuotes(C, { limit: 2 });
      assert.deepEqual(
        page.items.map((q) => q.id),
        [mine[2], mine[1]],
      );
      assert.equal(page.lastEventId, await store.lastEventId(C));
      assert.ok(page.nextBefore);
      const next = await store.listQuotes(C, { limit: 1, before: page.nextBefore });
      assert.deepEqual(
        next.items.map((q) => q.id),
        [mine[0]],
      );
      const empty = await store.listQuotes('store-other', { limit: 5 });
      assert.deepEqual(empty, { items: [], nextBefore: null, lastEventId: 0 });
    });

    it('replays events after an id in pages, leaving out quotes no longer published', async () => {
      const start = await store.lastEventId(C);
      const a = await approved(store, { message: 'Replay a.' });
      const b = await approved(store, { message: 'Replay b.' });
      await store.transition(C, a.id, 'remove', Date.now());
      const c = await approved(store, { message: 'Replay c.' });
      const all = await store.eventsAfter(C, start, 100);
      assert.deepEqual(
        all.events.map((e) => [e.type, e.type === 'quote' ? e.quote.id : e.quoteId]),
        [
          ['quote', b.id],
          ['remove', a.id],
          ['quote', c.id],
        ],
      );
      assert.equal(all.scannedTo, c.eventId);
      const firstPage = await store.eventsAfter(C, start, 1);
      assert.deepEqual(firstPage, { events: [], scannedTo: a.eventId }, 'a read but left out');
      assert.deepEqual(await store.eventsAfter(C, c.eventId, 10), {
        events: [],
        scannedTo: c.eventId,
      });
    });

    it('hands every committed event to subscribers, in id order, none twice', async () => {
      const live = feed(store);
      try {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => approved(store, { message: `Concurrent ${i}.` })),
        );
        const top = Math.max(...results.map((r) => r.eventId));
        await live.until(top);
        const ids = live.events.map((e) => e.id);
        assert.deepEqual(
          ids,
          [...new Set(ids)].sort((x, y) => x - y),
        );
        for (const r of results) assert.ok(ids.includes(r.eventId), `event ${r.eventId}`);
        const other = live.events.find((e) => e.type === 'quote' && e.quote.id === results[0].id);
        assert.equal(other?.campaignId, C);
      } finally {
        live.unsubscribe();
      }
    });

    it('never lets a lower id commit after a higher one: a cursor reader misses nothing', async () => {
      // A wall resumes after the last id it saw. If id 10 committed after id 11, a
      // reader that saw 11 first would skip 10 forever; this reader polls concurrently
      // with overlapping writers and must end up with every id.
      const start = await store.lastEventId(C);
      let stop = false;
      let cursor = start;
      const seen: number[] = [];
      const reader = (async () => {
        for (;;) {
          const finalPass = stop;
          const page = await store.eventsAfter(C, cursor, 1000);
          for (const event of page.events) seen.push(event.id);
          cursor = page.scannedTo;
          if (finalPass) break;
          await delay(0);
        }
      })();
      const writes = await Promise.all(
        Array.from({ length: 24 }, (_, i) => approved(store, { message: `Overlap ${i}.` })),
      );
      stop = true;
      await reader;
      const ids = writes.map((w) => w.eventId).sort((x, y) => x - y);
      assert.deepEqual(seen, ids, 'the polling reader saw every id, in order');
      assert.deepEqual(
        ids,
        Array.from({ length: 24 }, (_, i) => ids[0] + i),
        'ids are dense',
      );
    });
  });

  describe('shared rate limit', () => {
    it('counts a key across limiters sharing the store, and not other keys', async (t) => {
      if (!('hitRateLimit' in store)) {
        t.skip('this store keeps no shared windows (one process: the in-memory limiter)');
        return;
      }
      const backend = store as unknown as PgStore;
      const options = { max: 3, windowMs: 60_000 };
      const a = new SharedRateLimiter(backend, options);
      const b = new SharedRateLimiter(backend, options);
      const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${process.pid}`;
      for (const limiter of [a, b, a]) {
        assert.equal(await limiter.check(ip), null);
        assert.equal(await limiter.take(ip), null);
      }
      const wait = await b.check(ip);
      assert.ok(wait !== null && wait > 0 && wait <= 60, `refused for ${wait}s`);
      assert.ok((await b.take(ip)) !== null, 'a fourth take is refused');
      assert.equal(await a.check(`${ip}-other`), null);
      // A slot given back (nothing stored) is free again, on every instance; a refused
      // take left no count behind.
      await a.release(ip);
      assert.equal(await b.check(ip), null);
      assert.equal(await b.take(ip), null);
      assert.ok((await a.take(ip)) !== null);
    });

    it('lets exactly max of many parallel takes through', async (t) => {
      if (!('hitRateLimit' in store)) {
        t.skip('this store keeps no shared windows (one process: the in-memory limiter)');
        return;
      }
      const limiter = new SharedRateLimiter(store as unknown as PgStore, {
        max: 3,
        windowMs: 60_000,
      });
      const ip = `198.51.100.${Math.floor(Math.random() * 250)}-${process.pid}`;
      const answers = await Promise.all(Array.from({ length: 12 }, () => limiter.take(ip)));
      assert.equal(answers.filter((wait) => wait === null).length, 3);
    });

    it('a limiter with a short window does not prune the windows of a longer one', async (t) => {
      if (!('hitRateLimit' in store)) {
        t.skip('this store keeps no shared windows (one process: the in-memory limiter)');
        return;
      }
      const backend = store as unknown as PgStore;
      const long = new SharedRateLimiter(backend, { max: 1, windowMs: 60_000 });
      const short = new SharedRateLimiter(backend, { max: 100, windowMs: 40 });
      const key = `staff-sign-in:${process.pid}-${Math.random()}`;
      assert.equal(await long.take(key), null);
      await new Promise((resolve) => setTimeout(resolve, 120));
      // This take prunes (its window has passed since it was made); the prune runs in the
      // background, so give it a moment.
      await short.take(`${key}-short`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok((await long.take(key)) !== null, "the long window's count survived the prune");
    });
  });
}

describe('SQLite store', () => {
  storeSuite(async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    return { store, dispose: () => store.close() };
  });
});

describePostgres('PostgreSQL store', () => {
  storeSuite(async () => {
    const { schema, drop } = testSchema();
    const store = new PgStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.migrate();
    return {
      store,
      dispose: async () => {
        await store.close();
        await drop();
      },
    };
  });
});
