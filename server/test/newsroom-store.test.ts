/**
 * The store's newsroom part, the same tests against SQLite and against PostgreSQL:
 * staff accounts, sessions, one-time links, the append-only audit trail, decisions
 * with version checks, edits and what the wall hears of them, the queue's search and
 * filters and paging, and the consoles' staff events (across instances on PostgreSQL).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Actor } from '../../src/api/newsroom.js';
import { DEMO_CAMPAIGN } from '../src/demo/content.js';
import { MIGRATIONS_TABLE } from '../src/store/migrations.js';
import type { StaffEvent } from '../src/store/newsroom.js';
import { PgStore } from '../src/store/pg.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite-migrations.js';
import type { LiveEvent, NewPhoto, NewSubmission, Store } from '../src/store/store.js';
import { describePostgres, TEST_DATABASE_URL, testSchema } from './pg-support.js';

const MODERATOR: Actor = { kind: 'staff', id: 'staff-moderator', name: 'Mo Derator' };
const OTHER: Actor = { kind: 'staff', id: 'staff-other', name: 'Other Person' };

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds (the PostgreSQL feed arrives a moment after the commit). */
async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await delay(10);
  }
}

function readerPhoto(campaignId: string, submissionId: string): NewPhoto {
  const text = {
    alt: 'A reader photo',
    caption: 'Sent by a reader',
    photographer: 'A reader',
    organization: null,
    license: 'Shared for this campaign',
  };
  return {
    record: {
      campaignId,
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

interface Opened {
  store: Store;
  /** Runs one statement on the store's database, outside the store's methods. */
  raw: (sql: string) => Promise<unknown>;
  dispose: () => Promise<void>;
}

function newsroomSuite(open: () => Promise<Opened>) {
  let store: Store;
  let raw: Opened['raw'];
  let dispose: () => Promise<void>;
  let keyCounter = 0;

  before(async () => {
    ({ store, raw, dispose } = await open());
  });
  after(() => dispose());

  /** A campaign of its own for a test, so counts and pages see only that test's rows. */
  async function campaign(): Promise<string> {
    const id = `nr-${randomUUID().slice(0, 8)}`;
    await store.putCampaign({ ...DEMO_CAMPAIGN, id });
    return id;
  }

  async function submit(
    campaignId: string,
    overrides: Partial<NewSubmission> = {},
    withPhoto = false,
  ): Promise<string> {
    const submission: NewSubmission = {
      id: randomUUID(),
      campaignId,
      message: 'The hills of this city teach patience.',
      displayName: 'Store Reader',
      anonymous: false,
      district: 'yuzhong',
      email: null,
      locale: 'en',
      publishPermission: true,
      consentVersion: DEMO_CAMPAIGN.consentVersion,
      receivedAt: Date.now(),
      origin: null,
      photoPermission: withPhoto,
      ...overrides,
    };
    const result = await store.createSubmission({
      submission,
      photo: withPhoto ? readerPhoto(campaignId, submission.id) : null,
      idempotencyKey: `nr-key-${process.pid}-${++keyCounter}`,
      bodyHash: `hash-${submission.id}`,
    });
    assert.equal(result.kind, 'created');
    return submission.id;
  }

  const staffFields = (email: string) => ({
    id: randomUUID(),
    email,
    name: 'Ann Editor',
    role: 'moderator' as const,
    locale: 'en' as const,
    passwordHash: null,
    createdAt: 1000,
  });

  const uniqueEmail = (local: string) => `${local}.${randomUUID().slice(0, 8)}@Example.org`;

  describe('staff accounts', () => {
    it('creates, refuses a taken address whatever its case, finds by address, lists', async () => {
      const before = await store.countStaff();
      const email = uniqueEmail('Ann');
      const created = await store.createStaff(staffFields(email));
      assert.ok(created !== 'email_taken');
      assert.equal(created.email, email.toLowerCase());
      assert.equal(created.passwordHash, null);
      assert.equal(created.disabledAt, null);
      assert.equal(created.lastSignInAt, null);
      assert.equal(created.updatedAt, 1000);
      assert.equal(await store.createStaff(staffFields(email.toUpperCase())), 'email_taken');
      assert.equal(await store.countStaff(), before + 1);
      assert.deepEqual(await store.getStaffByEmail(email.toUpperCase()), created);
      assert.deepEqual(await store.getStaff(created.id), created);
      assert.equal(await store.getStaff('no-such-staff'), null);
      assert.equal(await store.getStaffByEmail('nobody@example.org'), null);
      const second = await store.createStaff({
        ...staffFields(uniqueEmail('bo')),
        createdAt: 2000,
      });
      assert.ok(second !== 'email_taken');
      const ids = (await store.listStaff()).map((staff) => staff.id);
      assert.ok(ids.indexOf(created.id) < ids.indexOf(second.id), 'oldest first');
    });

    it('updates only the fields given, and the update time', async () => {
      const created = await store.createStaff(staffFields(uniqueEmail('cy')));
      assert.ok(created !== 'email_taken');
      const updated = await store.updateStaff(
        created.id,
        { role: 'admin', passwordHash: 'scrypt$x', disabledAt: 5000 },
        6000,
      );
      assert.deepEqual(updated, {
        ...created,
        role: 'admin',
        passwordHash: 'scrypt$x',
        disabledAt: 5000,
        updatedAt: 6000,
      });
      const enabled = await store.updateStaff(
        created.id,
        { disabledAt: null, lastSignInAt: 7000 },
        7000,
      );
      assert.equal(enabled?.disabledAt, null);
      assert.equal(enabled?.lastSignInAt, 7000);
      assert.equal(enabled?.role, 'admin', 'kept');
      assert.deepEqual(await store.getStaff(created.id), enabled);
      assert.equal(await store.updateStaff('no-such-staff', { name: 'X' }, 1), null);
    });
  });

  describe('sessions', () => {
    async function account() {
      const staff = await store.createStaff(staffFields(uniqueEmail('se')));
      assert.ok(staff !== 'email_taken');
      return staff;
    }

    it('answers a session with its account until it expires; touching extends it', async () => {
      const staff = await account();
      const session = {
        tokenHash: `hash-${randomUUID()}`,
        staffId: staff.id,
        createdAt: 1000,
        lastSeenAt: 1000,
        expiresAt: 2000,
      };
      await store.createSession(session);
      assert.deepEqual(await store.getSession(session.tokenHash, 1999), { session, staff });
      assert.equal(await store.getSession(session.tokenHash, 2000), null, 'expired');
      await store.touchSession(session.tokenHash, 1500, 3000);
      const touched = await store.getSession(session.tokenHash, 2500);
      assert.deepEqual(touched?.session, { ...session, lastSeenAt: 1500, expiresAt: 3000 });
      await store.deleteSession(session.tokenHash);
      assert.equal(await store.getSession(session.tokenHash, 2500), null);
      assert.equal(await store.getSession('no-such-hash', 0), null);
    });

    it('ends every session of an account, and prunes expired ones only', async () => {
      const staff = await account();
      const other = await account();
      const make = (staffId: string, expiresAt: number) => {
        const session = {
          tokenHash: `hash-${randomUUID()}`,
          staffId,
          createdAt: 1,
          lastSeenAt: 1,
          expiresAt,
        };
        return store.createSession(session).then(() => session.tokenHash);
      };
      const [a, b] = [await make(staff.id, 10_000), await make(staff.id, 10_000)];
      const kept = await make(other.id, 10_000);
      assert.equal(await store.deleteSessionsOf(staff.id), 2);
      assert.equal(await store.getSession(a, 5), null);
      assert.equal(await store.getSession(b, 5), null);
      assert.ok(await store.getSession(kept, 5), "another account's session stays");
      const old = await make(other.id, 100);
      assert.ok((await store.pruneSessions(100)) >= 1);
      assert.equal(await store.getSession(old, 50), null, 'pruned');
      assert.ok(await store.getSession(kept, 5), 'an unexpired session stays');
    });
  });

  describe('one-time links', () => {
    async function account() {
      const staff = await store.createStaff(staffFields(uniqueEmail('li')));
      assert.ok(staff !== 'email_taken');
      return staff;
    }
    const link = (staffId: string | null, purpose: 'invite' | 'reset' | 'first-admin') => ({
      tokenHash: `link-${randomUUID()}`,
      purpose,
      staffId,
      createdAt: 1000,
      expiresAt: 10_000,
    });

    it('is peeked without being used, and taken by exactly one of parallel takers', async () => {
      const staff = await account();
      const invite = link(staff.id, 'invite');
      await store.createLink(invite);
      assert.deepEqual(await store.peekLink(invite.tokenHash, 2000), invite);
      assert.deepEqual(await store.peekLink(invite.tokenHash, 2000), invite, 'still there');
      const takes = await Promise.all(
        Array.from({ length: 8 }, () => store.takeLink(invite.tokenHash, 2000)),
      );
      const winners = takes.filter((taken) => taken !== null);
      assert.equal(winners.length, 1);
      assert.deepEqual(winners[0], invite);
      assert.equal(await store.takeLink(invite.tokenHash, 2000), null, 'used');
      assert.equal(await store.peekLink(invite.tokenHash, 2000), null, 'used');
    });

    it('is not answered once expired', async () => {
      const staff = await account();
      const reset = link(staff.id, 'reset');
      await store.createLink(reset);
      assert.equal(await store.peekLink(reset.tokenHash, 10_000), null);
      assert.equal(await store.takeLink(reset.tokenHash, 10_000), null);
      assert.equal(await store.takeLink('no-such-link', 1), null);
      assert.deepEqual(await store.takeLink(reset.tokenHash, 9_999), reset, 'before it expired');
    });

    it("replaces the account's unused link, and an earlier first-admin link", async () => {
      const staff = await account();
      const other = await account();
      const first = link(staff.id, 'invite');
      const others = link(other.id, 'invite');
      await store.createLink(first);
      await store.createLink(others);
      const second = link(staff.id, 'reset');
      await store.createLink(second);
      assert.equal(await store.peekLink(first.tokenHash, 2000), null, 'replaced');
      assert.deepEqual(await store.peekLink(second.tokenHash, 2000), second);
      assert.deepEqual(await store.peekLink(others.tokenHash, 2000), others, 'not replaced');

      const admin1 = link(null, 'first-admin');
      await store.createLink(admin1);
      const admin2 = link(null, 'first-admin');
      await store.createLink(admin2);
      assert.equal(await store.peekLink(admin1.tokenHash, 2000), null, 'replaced');
      assert.deepEqual(await store.peekLink(admin2.tokenHash, 2000), admin2);
      assert.deepEqual(await store.peekLink(second.tokenHash, 2000), second, 'not replaced');
    });
  });

  describe('the audit trail', () => {
    const entry = (overrides: Record<string, unknown> = {}) => ({
      campaignId: null as string | null,
      at: 1000,
      actor: MODERATOR,
      action: 'staff_add' as const,
      submissionId: null as string | null,
      reason: null,
      note: 'a note',
      before: null,
      after: { role: 'viewer' },
      ...overrides,
    });

    it('appends entries and lists them newest first, by every filter, page by page', async () => {
      const c = await campaign();
      const sub = randomUUID();
      const written = [
        await store.appendAudit(entry({ campaignId: c, at: 1000 })),
        await store.appendAudit(entry({ campaignId: c, at: 2000, actor: OTHER })),
        await store.appendAudit(
          entry({
            campaignId: c,
            at: 3000,
            action: 'approve',
            submissionId: sub,
            before: { status: 'pending', version: 1 },
            after: { status: 'approved', version: 2 },
          }),
        ),
        await store.appendAudit(
          entry({ campaignId: c, at: 4000, actor: { kind: 'service', id: null, name: 'svc' } }),
        ),
        await store.appendAudit(entry({ campaignId: c, at: 5000, action: 'reject' })),
      ];
      assert.ok(
        written.every((e, i) => i === 0 || e.id > written[i - 1].id),
        'ids go up',
      );
      assert.deepEqual(await store.getAudit(written[2].id), written[2]);
      assert.deepEqual(written[2].before, { status: 'pending', version: 1 });
      assert.equal(await store.getAudit(-1), null);

      const ids = async (query: Record<string, unknown>) =>
        (await store.listAudit({ campaignId: c, limit: 50, ...query })).items.map((e) => e.id);
      const [e1, e2, e3, e4, e5] = written.map((e) => e.id);
      assert.deepEqual(await ids({}), [e5, e4, e3, e2, e1]);
      assert.deepEqual(await ids({ actorId: OTHER.id }), [e2]);
      assert.deepEqual(await ids({ serviceOnly: true }), [e4]);
      assert.deepEqual(await ids({ action: 'approve' }), [e3]);
      assert.deepEqual(await ids({ submissionId: sub }), [e3]);
      assert.deepEqual(await ids({ from: 2000, to: 4000 }), [e3, e2]);

      const seen: number[] = [];
      let cursor: number | undefined;
      for (let page = 0; page < 5; page++) {
        const result = await store.listAudit({ campaignId: c, limit: 2, before: cursor });
        seen.push(...result.items.map((e) => e.id));
        if (result.next === null) break;
        cursor = result.next;
      }
      assert.deepEqual(seen, [e5, e4, e3, e2, e1], 'no gaps, no repeats');
      assert.equal((await store.listAudit({ campaignId: c, limit: 5 })).next, null);
    });

    it('refuses UPDATE and DELETE in the database itself', async () => {
      const written = await store.appendAudit(entry());
      await assert.rejects(() =>
        raw(`UPDATE audit_log SET note = 'changed' WHERE id = ${written.id}`),
      );
      await assert.rejects(() => raw(`DELETE FROM audit_log WHERE id = ${written.id}`));
      await assert.rejects(() => raw('DELETE FROM audit_log'));
      assert.deepEqual(await store.getAudit(written.id), written, 'as written');
    });
  });

  describe('decisions', () => {
    it('refuses a stale version with the current record, and writes nothing', async () => {
      const c = await campaign();
      const id = await submit(c);
      const first = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 2000,
        actor: MODERATOR,
        expectedVersion: 1,
      });
      assert.ok(first.ok);
      assert.equal(first.submission.version, 2);
      const lastEvent = await store.lastEventId(c);
      const stale = await store.decide({
        campaignId: c,
        id,
        action: 'remove',
        now: 3000,
        actor: OTHER,
        expectedVersion: 1,
      });
      assert.equal(stale.ok, false);
      assert.ok(!stale.ok && stale.reason === 'stale');
      assert.ok(!stale.ok && 'submission' in stale);
      assert.equal(stale.submission.version, 2);
      assert.equal(stale.submission.status, 'approved');
      const now = await store.getSubmission(c, id);
      assert.equal(now?.status, 'approved');
      assert.equal(now?.version, 2);
      assert.equal(await store.lastEventId(c), lastEvent, 'no event');
      assert.equal((await store.listAudit({ submissionId: id, limit: 10 })).items.length, 1);
    });

    it('records who decided, why, and the audit entry; refuses an invalid transition', async () => {
      const c = await campaign();
      const id = await submit(c);
      const rejected = await store.decide({
        campaignId: c,
        id,
        action: 'reject',
        now: 2000,
        actor: MODERATOR,
        expectedVersion: 1,
        reason: 'off_topic',
        note: 'Not about the city',
      });
      assert.ok(rejected.ok);
      assert.equal(rejected.event, null, 'the wall hears nothing of a rejection');
      assert.deepEqual(rejected.submission.decidedBy, MODERATOR);
      assert.equal(rejected.submission.decidedAt, 2000);
      assert.equal(rejected.submission.reason, 'off_topic');
      assert.equal(rejected.submission.note, 'Not about the city');
      assert.equal(rejected.audit.length, 1);
      const [audit] = rejected.audit;
      assert.equal(audit.action, 'reject');
      assert.deepEqual(audit.actor, MODERATOR);
      assert.equal(audit.reason, 'off_topic');
      assert.deepEqual(audit.before, { status: 'pending', version: 1 });
      assert.deepEqual(audit.after, { status: 'rejected', version: 2 });
      assert.deepEqual(await store.getSubmission(c, id), rejected.submission);

      const removed = await store.decide({
        campaignId: c,
        id,
        action: 'remove',
        now: 3000,
        actor: MODERATOR,
      });
      assert.ok(!removed.ok && removed.reason === 'invalid_transition');
      assert.equal(!removed.ok && 'submission' in removed && removed.submission.status, 'rejected');
      assert.equal((await store.getSubmission(c, id))?.version, 2);

      const missing = await store.decide({
        campaignId: c,
        id: randomUUID(),
        action: 'approve',
        now: 1,
        actor: MODERATOR,
      });
      assert.ok(!missing.ok && missing.reason === 'not_found');
    });

    it('answers an unchanged decision ok and writes nothing: no audit, no event, no version', async () => {
      const c = await campaign();
      const heard: StaffEvent[] = [];
      const stop = store.subscribeStaff((event) => event.campaignId === c && heard.push(event));
      const id = await submit(c);
      assert.ok(
        (await store.decide({ campaignId: c, id, action: 'approve', now: 2, actor: MODERATOR })).ok,
      );
      const lastEvent = await store.lastEventId(c);
      const again = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 3,
        actor: OTHER,
        expectedVersion: 2,
      });
      assert.ok(again.ok);
      assert.equal(again.event, null);
      assert.deepEqual(again.audit, []);
      assert.equal(again.submission.version, 2);
      assert.deepEqual(again.submission.decidedBy, MODERATOR, 'the first decision stands');
      assert.equal(await store.lastEventId(c), lastEvent);
      assert.equal((await store.listAudit({ submissionId: id, limit: 10 })).items.length, 1);
      await delay(200);
      stop();
      assert.deepEqual(
        heard.map((event) => event.type),
        ['received', 'changed'],
        'none for the unchanged decision',
      );
    });

    it('reopens a rejected submission; a removed one is approved again, not reopened', async () => {
      const c = await campaign();
      const id = await submit(c);
      await store.decide({ campaignId: c, id, action: 'reject', now: 2, actor: MODERATOR });
      const reopened = await store.decide({
        campaignId: c,
        id,
        action: 'reopen',
        now: 3,
        actor: OTHER,
        expectedVersion: 2,
      });
      assert.ok(reopened.ok);
      assert.equal(reopened.submission.status, 'pending');
      assert.equal(reopened.submission.version, 3);
      assert.deepEqual(reopened.audit[0].before, { status: 'rejected', version: 2 });
      assert.deepEqual(reopened.audit[0].after, { status: 'pending', version: 3 });
      assert.equal(reopened.audit[0].action, 'reopen');

      await store.decide({ campaignId: c, id, action: 'approve', now: 4, actor: MODERATOR });
      const removed = await store.decide({
        campaignId: c,
        id,
        action: 'remove',
        now: 5,
        actor: MODERATOR,
      });
      assert.ok(removed.ok && removed.event?.type === 'remove');
      const refused = await store.decide({
        campaignId: c,
        id,
        action: 'reopen',
        now: 6,
        actor: MODERATOR,
      });
      assert.ok(!refused.ok && refused.reason === 'invalid_transition');
      const undone = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 7,
        actor: MODERATOR,
      });
      assert.ok(undone.ok && undone.event?.type === 'quote');
      assert.equal(undone.submission.status, 'approved');
    });

    it('approves the words without the photo: no photoId on the wall, no public photo', async () => {
      const c = await campaign();
      const id = await submit(c, {}, true);
      const photoId = (await store.getSubmission(c, id))!.photoId!;
      assert.ok(photoId);
      const approved = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 2000,
        actor: MODERATOR,
        withPhoto: false,
      });
      assert.ok(approved.ok && approved.event?.type === 'quote');
      assert.equal(approved.submission.photoPublished, false);
      assert.equal(approved.submission.photoId, photoId, 'staff still see it');
      assert.equal(approved.event.quote.photoId, null);
      assert.deepEqual(approved.audit[0].after, {
        status: 'approved',
        version: 2,
        photoPublished: false,
      });
      const wall = await store.listQuotes(c, { limit: 10 });
      assert.equal(wall.items[0].photoId, null);
      const replay = await store.eventsAfter(c, 0, 10);
      const quote = replay.events.find((e) => e.type === 'quote');
      assert.ok(quote?.type === 'quote' && quote.quote.photoId === null);
      assert.equal(await store.getPhoto(c, photoId, true), null);
      assert.equal(await store.getPhotoFile(c, photoId, 320, true), null);
      assert.ok(await store.getPhoto(c, photoId, false), 'staff see it');
      assert.ok(await store.getPhotoFile(c, photoId, 320, false));

      const published = await store.editSubmission({
        campaignId: c,
        id,
        now: 3000,
        actor: MODERATOR,
        expectedVersion: 2,
        photoPublished: true,
      });
      assert.ok(published.ok && published.event?.type === 'quote');
      assert.equal(published.event.quote.photoId, photoId);
      assert.equal(published.audit[0].action, 'photo_published');
      assert.ok(await store.getPhoto(c, photoId, true));
      assert.ok(await store.getPhotoFile(c, photoId, 320, true));
      assert.equal((await store.listQuotes(c, { limit: 10 })).items[0].photoId, photoId);
    });

    it('keeps transition() as the service, without a version check', async () => {
      const c = await campaign();
      const id = await submit(c);
      const result = await store.transition(c, id, 'approve', 5000);
      assert.ok(result.ok && result.event?.type === 'quote');
      assert.equal(result.submission.version, 2);
      assert.deepEqual(result.submission.decidedBy, {
        kind: 'service',
        id: null,
        name: 'service token',
      });
      const [audit] = (await store.listAudit({ submissionId: id, limit: 10 })).items;
      assert.equal(audit.actor.kind, 'service');
      const refused = await store.transition(c, id, 'reject', 6000);
      assert.ok(!refused.ok && refused.reason === 'invalid_transition');
    });
  });

  describe('edits', () => {
    it("features a published quote: one version up, an entry per field, the wall's quote replaced in place", async () => {
      const c = await campaign();
      const id = await submit(c, {}, true);
      const approved = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 2,
        actor: MODERATOR,
      });
      assert.ok(approved.ok && approved.event?.type === 'quote');
      const wallSeq = approved.event.quote.wallSeq;
      const live: LiveEvent[] = [];
      const stop = store.subscribe((event) => event.campaignId === c && live.push(event));
      const alt = 'A steep stairway between two old houses';
      const edited = await store.editSubmission({
        campaignId: c,
        id,
        now: 3,
        actor: OTHER,
        expectedVersion: 2,
        featured: true,
        photoAlt: alt,
      });
      assert.ok(edited.ok && edited.event?.type === 'quote');
      assert.equal(edited.submission.version, 3, 'once for the whole edit');
      assert.equal(edited.submission.featured, true);
      assert.equal(edited.submission.photoAlt, alt);
      assert.equal(edited.event.quote.id, id);
      assert.equal(edited.event.quote.wallSeq, wallSeq, 'same wall position');
      assert.equal(edited.event.quote.featured, true);
      assert.equal(edited.event.quote.photoAlt, alt);
      assert.ok(edited.event.id > approved.event.id, 'a new event');
      assert.deepEqual(
        edited.audit.map((e) => e.action),
        ['feature', 'photo_alt'],
      );
      assert.deepEqual(edited.audit[0].before, { featured: false, version: 2 });
      assert.deepEqual(edited.audit[0].after, { featured: true, version: 3 });
      assert.deepEqual(edited.audit[1].before, { length: null, version: 2 });
      assert.deepEqual(edited.audit[1].after, { length: alt.length, version: 3 });
      assert.ok(!JSON.stringify(edited.audit).includes('stairway'), 'not the alt text itself');

      await until(() => live.some((e) => e.id === edited.event!.id), 'the live quote event');
      stop();
      const heard = live.find((e) => e.id === edited.event!.id);
      assert.ok(heard?.type === 'quote' && heard.quote.featured && heard.quote.wallSeq === wallSeq);
      const replay = await store.eventsAfter(c, approved.event.id, 10);
      assert.equal(replay.events.length, 1);
      const replayed = replay.events[0];
      assert.ok(replayed.type === 'quote' && replayed.quote.featured === true);
      assert.equal(replayed.quote.photoAlt, alt);
      const wall = await store.listQuotes(c, { limit: 10 });
      assert.equal(wall.items.length, 1);
      assert.equal(wall.items[0].featured, true);
      assert.equal(wall.items[0].photoAlt, alt);
      assert.equal(wall.items[0].wallSeq, wallSeq);
    });

    it('edits a pending one without a wall event; unchanged writes nothing; stale is refused', async () => {
      const c = await campaign();
      const id = await submit(c);
      const withheld = await store.editSubmission({
        campaignId: c,
        id,
        now: 2,
        actor: MODERATOR,
        photoPublished: false,
      });
      assert.ok(withheld.ok);
      assert.equal(withheld.event, null);
      assert.equal(withheld.audit[0].action, 'photo_withheld');
      assert.equal(await store.lastEventId(c), 0);
      const same = await store.editSubmission({
        campaignId: c,
        id,
        now: 3,
        actor: MODERATOR,
        photoPublished: false,
        featured: false,
      });
      assert.ok(same.ok);
      assert.deepEqual(same.audit, []);
      assert.equal(same.submission.version, 2);
      const stale = await store.editSubmission({
        campaignId: c,
        id,
        now: 4,
        actor: MODERATOR,
        expectedVersion: 1,
        featured: true,
      });
      assert.ok(!stale.ok && stale.reason === 'stale');
      assert.equal((await store.getSubmission(c, id))?.featured, false);
      const featured = await store.editSubmission({
        campaignId: c,
        id,
        now: 5,
        actor: MODERATOR,
        featured: true,
      });
      assert.ok(featured.ok && featured.audit[0].action === 'feature');
    });
  });

  describe('the queue', () => {
    let c: string;
    const ids: Record<string, string> = {};
    const t0 = Date.UTC(2025, 0, 1);

    before(async () => {
      c = await campaign();
      const rows: [string, Partial<NewSubmission>, boolean?][] = [
        [
          'chinese',
          {
            message: '我在重庆吃火锅，味道很好。',
            locale: 'zh-Hans',
            district: 'jiangbei',
            origin: 'https://partner.example',
          },
          true,
        ],
        [
          'hills',
          {
            message: 'The Hills of this city are EXCELLENT for walking.',
            displayName: 'Zhang Wei',
          },
        ],
        [
          'email',
          {
            message: 'Bridges everywhere.',
            email: 'Reader.One@Example.org',
            origin: 'https://news.partner.example',
          },
        ],
        [
          'percent',
          { message: 'I am 100% sure about the stairs.', anonymous: true, displayName: null },
        ],
        ['underscore', { message: 'A variable named snake_case here.', publishPermission: false }],
        ['quoted', { message: 'She said "hello" to the river.', email: 'river@example.org' }],
        ['plain', { message: 'Fog over the river, quiet.', locale: 'zh-Hans' }],
      ];
      for (const [index, [name, overrides, photo]] of rows.entries()) {
        ids[name] = await submit(c, { receivedAt: t0 + index * 60_000, ...overrides }, photo);
      }
      await store.decide({
        campaignId: c,
        id: ids.hills,
        action: 'approve',
        now: t0,
        actor: MODERATOR,
      });
      await store.editSubmission({
        campaignId: c,
        id: ids.hills,
        now: t0,
        actor: MODERATOR,
        featured: true,
      });
      await store.decide({
        campaignId: c,
        id: ids.plain,
        action: 'reject',
        now: t0,
        actor: MODERATOR,
      });
    });

    const find = async (query: Record<string, unknown>) =>
      (
        await store.searchSubmissions({ campaignId: c, order: 'oldest', limit: 50, ...query })
      ).items.map((item) => Object.keys(ids).find((name) => ids[name] === item.id));

    it('finds substrings in any script, in the message, name or address, whatever the case', async () => {
      assert.deepEqual(await find({ q: '重庆' }), ['chinese'], 'two characters');
      assert.deepEqual(await find({ q: '重庆吃火' }), ['chinese'], 'four characters');
      assert.deepEqual(await find({ q: '火锅，味' }), ['chinese']);
      assert.deepEqual(await find({ q: '天津' }), []);
      assert.deepEqual(await find({ q: 'zhang' }), ['hills'], 'the name');
      assert.deepEqual(await find({ q: 'reader.one@example' }), ['email'], 'the address');
      assert.deepEqual(await find({ q: 'READER.ONE' }), ['email']);
      assert.deepEqual(await find({ q: 'hills of THIS' }), ['hills']);
      assert.deepEqual(await find({ q: 'Hi' }), ['hills'], 'short, case-insensitive');
      assert.deepEqual(await find({ q: 'qU' }), ['plain'], "short: the campaign's last row");
      assert.deepEqual(await find({ q: '我在' }), ['chinese'], "short: the campaign's first row");
      assert.deepEqual(await find({ q: '我在', order: 'newest', after: 1e9 }), ['chinese']);
      assert.deepEqual(await find({ q: '"hello"' }), ['quoted'], 'a double quote');
      assert.deepEqual(await find({ q: 'said "' }), ['quoted']);
    });

    it('searches without the address when asked (a viewer), in every branch', async () => {
      const without = { searchEmail: false };
      assert.deepEqual(await find({ q: 'reader.one@example', ...without }), [], 'long');
      assert.deepEqual(await find({ q: 'READER.ONE', ...without }), []);
      assert.deepEqual(await find({ q: '@e', ...without }), [], 'short, with case');
      assert.deepEqual(await find({ q: '@', ...without }), [], 'short, without case');
      assert.ok((await find({ q: '@' })).includes('email'), 'the same, with the address');
      assert.deepEqual(await find({ q: 'zhang', ...without }), ['hills'], 'the name still');
      assert.deepEqual(await find({ q: '重庆', ...without }), ['chinese'], 'the words still');
      assert.deepEqual(await find({ q: 'hills of THIS', ...without }), ['hills']);
    });

    it('takes % and _ literally', async () => {
      assert.deepEqual(await find({ q: '%' }), ['percent']);
      assert.deepEqual(await find({ q: '100%' }), ['percent']);
      assert.deepEqual(await find({ q: '0% s' }), ['percent']);
      assert.deepEqual(await find({ q: '_' }), ['underscore']);
      assert.deepEqual(await find({ q: 'e_c' }), ['underscore'], 'not "EXCellent"');
      assert.deepEqual(await find({ q: 'e_' }), ['underscore']);
      assert.deepEqual(await find({ q: '\\' }), []);
    });

    it('filters by status, locale, district, photo, origin, dates and flags', async () => {
      assert.deepEqual(await find({ status: 'approved' }), ['hills']);
      assert.deepEqual(await find({ status: 'rejected' }), ['plain']);
      assert.deepEqual(await find({ status: 'pending', q: '重庆' }), ['chinese']);
      assert.deepEqual(await find({ status: 'approved', q: '重庆' }), []);
      assert.deepEqual(await find({ locale: 'zh-Hans' }), ['chinese', 'plain']);
      assert.deepEqual(await find({ district: 'jiangbei' }), ['chinese']);
      assert.deepEqual(await find({ hasPhoto: true }), ['chinese']);
      assert.equal((await find({ hasPhoto: false })).length, 6);
      assert.deepEqual(await find({ origin: 'https://partner.example' }), ['chinese']);
      assert.deepEqual(await find({ from: t0 + 60_000, to: t0 + 3 * 60_000 }), ['hills', 'email']);
      assert.deepEqual(await find({ flag: 'featured' }), ['hills']);
      assert.deepEqual(await find({ flag: 'anonymous' }), ['percent']);
      assert.deepEqual(await find({ flag: 'has_email' }), ['email', 'quoted']);
      assert.deepEqual(await find({ flag: 'no_permission' }), ['underscore']);
      assert.deepEqual(
        await find({ locale: 'zh-Hans', hasPhoto: true, from: t0, to: t0 + 60_000 }),
        ['chinese'],
      );
      const other = await campaign();
      await submit(other, { message: '重庆 in another campaign' });
      assert.deepEqual(await find({ q: '重庆' }), ['chinese'], 'one campaign only');
    });

    it('pages both ways on the cursor without gaps or repeats', async () => {
      const all = Object.values(ids);
      for (const order of ['oldest', 'newest'] as const) {
        const seen: string[] = [];
        const seqs: number[] = [];
        let after: number | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await store.searchSubmissions({ campaignId: c, order, limit: 3, after });
          seen.push(...result.items.map((item) => item.id));
          seqs.push(...result.items.map((item) => item.seq));
          if (result.next === null) break;
          assert.equal(result.next, result.items[result.items.length - 1].seq);
          after = result.next;
        }
        assert.deepEqual(seen, order === 'oldest' ? all : [...all].reverse(), order);
        const sorted = [...seqs].sort((a, b) => (order === 'oldest' ? a - b : b - a));
        assert.deepEqual(seqs, sorted);
      }
      const exact = await store.searchSubmissions({ campaignId: c, order: 'oldest', limit: 7 });
      assert.equal(exact.items.length, 7);
      assert.equal(exact.next, null, 'no further page');
      const filtered = await store.searchSubmissions({
        campaignId: c,
        order: 'newest',
        limit: 1,
        locale: 'zh-Hans',
      });
      assert.deepEqual(
        filtered.items.map((item) => item.id),
        [ids.plain],
      );
      const rest = await store.searchSubmissions({
        campaignId: c,
        order: 'newest',
        limit: 1,
        locale: 'zh-Hans',
        after: filtered.next!,
      });
      assert.deepEqual(
        rest.items.map((item) => item.id),
        [ids.chinese],
      );
    });

    it('finds every submission of an address, whatever its case, oldest first', async () => {
      const id2 = await submit(c, { email: 'READER.one@example.ORG', receivedAt: t0 + 3_600_000 });
      const found = await store.findByEmail(c, 'reader.ONE@example.org');
      assert.deepEqual(
        found.map((item) => item.id),
        [ids.email, id2],
      );
      assert.deepEqual(await store.findByEmail(c, 'nobody@example.org'), []);
      const other = await campaign();
      assert.deepEqual(await store.findByEmail(other, 'reader.one@example.org'), []);
      assert.equal((await store.deleteSubmission(c, id2)).deleted, true);
    });

    it('lists the origins submissions came from, sorted, without the unknown', async () => {
      assert.deepEqual(await store.listOrigins(c), [
        'https://news.partner.example',
        'https://partner.example',
      ]);
      const item = (await store.getSubmission(c, ids.chinese))!;
      assert.equal(item.origin, 'https://partner.example');
    });
  });

  describe('trust and safety', () => {
    const report = (c: string, id: string, reporter: string, threshold = 3, now = 5000) =>
      store.addReport({
        campaignId: c,
        id,
        reporterHash: reporter,
        reason: 'spam',
        note: `from ${reporter}`,
        now,
        threshold,
      });

    async function published(c: string, overrides: Partial<NewSubmission> = {}) {
      const id = await submit(c, overrides);
      const approved = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 2000,
        actor: MODERATOR,
      });
      assert.ok(approved.ok);
      return id;
    }

    it('counts one report per client, hides at the threshold with a remove event, and answers not_found after', async () => {
      const c = await campaign();
      const id = await published(c);
      const live: LiveEvent[] = [];
      const stopLive = store.subscribe((event) => event.campaignId === c && live.push(event));
      const heard: StaffEvent[] = [];
      const stopStaff = store.subscribeStaff((event) => event.id === id && heard.push(event));
      const first = await report(c, id, 'client-a');
      assert.ok(first.kind === 'reported' && first.event === null);
      assert.equal(first.submission.reportsOpen, 1);
      assert.equal((await report(c, id, 'client-a')).kind, 'duplicate');
      assert.equal((await report(c, id, 'client-b')).kind, 'reported');
      const third = await report(c, id, 'client-c');
      assert.ok(third.kind === 'reported' && third.event?.type === 'remove');
      assert.equal(third.submission.hiddenAt, 5000);
      assert.equal(third.submission.version, 3);
      assert.equal(third.audit?.action, 'hide');
      assert.deepEqual(third.audit?.after, { hidden: true, version: 3, reports: 3 });
      assert.equal((await report(c, id, 'client-d')).kind, 'not_found');
      await until(() => live.some((e) => e.type === 'remove'), 'the remove event');
      await until(() => heard.filter((e) => e.type === 'reported').length === 3, 'reported x3');
      stopLive();
      stopStaff();
      // Off the wall, out of the replay, and nothing public of it.
      assert.equal((await store.listQuotes(c, { limit: 10 })).items.length, 0);
      const replay = await store.eventsAfter(c, 0, 100);
      assert.ok(!replay.events.some((e) => e.type === 'quote' && e.quote.id === id));
      const totals = (await store.reportTotals(c, [id, 'no-such-id'])).get(id);
      assert.equal(totals?.count, 3);
      assert.equal(totals?.reasons.spam, 3);
      assert.equal(totals?.lastAt, 5000);
      assert.deepEqual(
        (await store.listReports(c, id, 10)).map((r) => r.note),
        ['from client-c', 'from client-b', 'from client-a'],
      );
      // The queue's filters.
      const search = async (flag: 'reported' | 'hidden') =>
        (await store.searchSubmissions({ campaignId: c, order: 'oldest', limit: 10, flag })).items;
      assert.deepEqual(
        (await search('reported')).map((i) => i.id),
        [id],
      );
      assert.deepEqual(
        (await search('hidden')).map((i) => i.id),
        [id],
      );
    });

    it('restores a hidden quote at its place, and then it can be hidden again', async () => {
      const c = await campaign();
      const earlier = await published(c, { message: 'Published first on this wall.' });
      const id = await published(c, { message: 'Published second, then hidden.' });
      const before = (await store.getSubmission(c, id))!;
      await report(c, id, 'a', 1);
      const restored = await store.decide({
        campaignId: c,
        id,
        action: 'restore',
        now: 9000,
        actor: MODERATOR,
        expectedVersion: 3,
      });
      assert.ok(restored.ok && restored.event?.type === 'quote');
      assert.equal(restored.submission.hiddenAt, null);
      assert.equal(restored.submission.reportsOpen, 0);
      assert.equal(restored.submission.wallSeq, before.wallSeq, 'its place');
      assert.equal(restored.submission.approvedAt, before.approvedAt);
      assert.equal(restored.event.quote.wallSeq, before.wallSeq);
      assert.deepEqual(
        (await store.listQuotes(c, { limit: 10 })).items.map((q) => q.id),
        [id, earlier],
      );
      assert.equal(restored.audit[0].action, 'restore');
      // Restoring what has nothing open changes nothing.
      const again = await store.decide({
        campaignId: c,
        id,
        action: 'restore',
        now: 9100,
        actor: MODERATOR,
      });
      assert.ok(again.ok && again.audit.length === 0);
      // The same client may report it again after staff dealt with it? No: one per client.
      assert.equal((await report(c, id, 'a', 1)).kind, 'duplicate');
      assert.equal((await report(c, id, 'b', 1)).kind, 'reported');
      assert.ok((await store.getSubmission(c, id))!.hiddenAt !== null);
    });

    it('keeps a hidden quote off the walls when staff edit it, and a photo without permission private', async () => {
      const c = await campaign();
      const id = await submit(c, { photoPermission: false }, true);
      const approved = await store.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 2000,
        actor: MODERATOR,
      });
      assert.ok(approved.ok && approved.event?.type === 'quote');
      assert.equal(approved.event.quote.photoId, null, 'no permission: no photo on the wall');
      const photoId = approved.submission.photoId!;
      assert.equal(await store.getPhoto(c, photoId, true), null);
      assert.equal(await store.getPhotoFile(c, photoId, 320, true), null);
      const publish = await store.editSubmission({
        campaignId: c,
        id,
        now: 2100,
        actor: MODERATOR,
        photoPublished: false,
      });
      assert.ok(publish.ok);
      const refused = await store.editSubmission({
        campaignId: c,
        id,
        now: 2200,
        actor: MODERATOR,
        photoPublished: true,
      });
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.reason, 'invalid_transition');
      const search = await store.searchSubmissions({
        campaignId: c,
        order: 'oldest',
        limit: 10,
        flag: 'photo_private',
      });
      assert.deepEqual(
        search.items.map((i) => i.id),
        [id],
      );
      await report(c, id, 'x', 1);
      const edited = await store.editSubmission({
        campaignId: c,
        id,
        now: 3000,
        actor: MODERATOR,
        featured: true,
      });
      assert.ok(edited.ok);
      assert.equal(edited.event, null, 'hidden: no quote event');
      assert.equal((await store.listQuotes(c, { limit: 10 })).items.length, 0);
    });

    it('keeps flags, finds a repeat by text and client, and filters the queue by each flag', async () => {
      const c = await campaign();
      const word = await submit(c, {
        flags: [
          { code: 'word', detail: '坏词' },
          { code: 'link', detail: 'example.com' },
        ],
        textHash: 'text-1',
        clientHash: 'client-1',
      });
      const external = await submit(c, {
        flags: [{ code: 'external_error', detail: 'timeout' }],
      });
      const clean = await submit(c, { receiptHash: 'f'.repeat(64) });
      assert.deepEqual((await store.getSubmission(c, word))!.flags, [
        { code: 'word', detail: '坏词' },
        { code: 'link', detail: 'example.com' },
      ]);
      assert.deepEqual((await store.getSubmission(c, clean))!.flags, []);
      assert.equal((await store.getSubmission(c, clean))!.receiptHash, 'f'.repeat(64));
      assert.equal(await store.hasRepeat(c, 'text-1', 'client-1'), true);
      assert.equal(await store.hasRepeat(c, 'text-1', 'client-2'), false);
      assert.equal(await store.hasRepeat(c, 'text-2', 'client-1'), false);
      const ids = async (flag: 'flagged' | 'word' | 'link' | 'phone' | 'external') =>
        (
          await store.searchSubmissions({ campaignId: c, order: 'oldest', limit: 10, flag })
        ).items.map((i) => i.id);
      assert.deepEqual(await ids('flagged'), [word, external]);
      assert.deepEqual(await ids('word'), [word]);
      assert.deepEqual(await ids('link'), [word]);
      assert.deepEqual(await ids('phone'), []);
      assert.deepEqual(await ids('external'), [external]);
    });

    it('keeps the first shared key it is given', async () => {
      const name = `key-${randomUUID()}`;
      assert.equal(await store.sharedKey(name, 'first-key'), 'first-key');
      assert.equal(await store.sharedKey(name, 'second-key'), 'first-key');
    });

    it('writes a withdrawal as the reader, without content', async () => {
      const c = await campaign();
      const id = await submit(c, { message: 'Words the reader takes back' });
      const result = await store.deleteSubmission(c, id, {
        actor: { kind: 'reader', id: null, name: 'reader' },
        now: 4000,
        action: 'withdraw',
      });
      assert.equal(result.deleted, true);
      const [entry] = (await store.listAudit({ submissionId: id, limit: 5 })).items;
      assert.equal(entry.action, 'withdraw');
      assert.equal(entry.actor.kind, 'reader');
      assert.doesNotMatch(JSON.stringify(entry), /takes back/);
    });
  });

  describe('deletes and staff events', () => {
    it('a staff delete writes an entry without content; earlier entries stay', async () => {
      const c = await campaign();
      const message = 'Private words about Ciqikou';
      const id = await submit(c, {
        message,
        displayName: 'Secret Name',
        email: 'secret.reader@example.org',
      });
      await store.decide({ campaignId: c, id, action: 'approve', now: 2, actor: MODERATOR });
      const heard: StaffEvent[] = [];
      const stop = store.subscribeStaff((event) => event.id === id && heard.push(event));
      const result = await store.deleteSubmission(c, id, {
        actor: OTHER,
        now: 3000,
        reason: 'personal_data',
      });
      assert.equal(result.deleted, true);
      assert.equal(result.event?.type, 'remove');
      const entries = (await store.listAudit({ submissionId: id, limit: 10 })).items;
      assert.deepEqual(
        entries.map((e) => e.action),
        ['delete', 'approve'],
      );
      const [deleted] = entries;
      assert.deepEqual(deleted.actor, OTHER);
      assert.equal(deleted.at, 3000);
      assert.equal(deleted.reason, 'personal_data');
      assert.deepEqual(deleted.before, { status: 'approved' });
      const text = JSON.stringify(entries);
      for (const secret of ['Ciqikou', 'Secret Name', 'secret.reader']) {
        assert.ok(!text.includes(secret), `no ${secret}`);
      }
      await until(() => heard.some((e) => e.type === 'deleted'), 'the deleted event');
      stop();
      assert.deepEqual(
        heard.find((e) => e.type === 'deleted'),
        {
          campaignId: c,
          type: 'deleted',
          id,
          actor: OTHER,
          at: 3000,
        },
      );

      const quiet = await submit(c);
      const before = (await store.listAudit({ campaignId: c, limit: 50 })).items.length;
      assert.equal((await store.deleteSubmission(c, quiet)).deleted, true);
      assert.equal((await store.listAudit({ campaignId: c, limit: 50 })).items.length, before);
    });

    it('hears received (every one of parallel sends), changed and their details', async () => {
      const c = await campaign();
      const heard: StaffEvent[] = [];
      const stop = store.subscribeStaff((event) => event.campaignId === c && heard.push(event));
      const sent = await Promise.all([submit(c), submit(c), submit(c)]);
      await until(() => heard.filter((e) => e.type === 'received').length === 3, 'received x3');
      assert.deepEqual(heard.map((e) => e.id).sort(), [...sent].sort());
      const decided = await store.decide({
        campaignId: c,
        id: sent[0],
        action: 'approve',
        now: 4000,
        actor: MODERATOR,
      });
      assert.ok(decided.ok);
      await until(() => heard.some((e) => e.type === 'changed'), 'changed');
      stop();
      assert.deepEqual(
        heard.find((e) => e.type === 'changed'),
        {
          campaignId: c,
          type: 'changed',
          id: sent[0],
          status: 'approved',
          version: 2,
          actor: MODERATOR,
          action: 'approve',
          at: 4000,
        },
      );
    });
  });
}

describe('migration 3 over a database that has submissions', () => {
  it('gives old rows their defaults and indexes their text for search', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-upgrade-'));
    try {
      const db = new Database(path.join(dir, 'campaign.sqlite'));
      db.exec(MIGRATIONS_TABLE);
      for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version < 3)) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          0,
        );
      }
      db.prepare('INSERT INTO campaigns VALUES (?, ?, ?)').run(
        'old',
        JSON.stringify({ ...DEMO_CAMPAIGN, id: 'old' }),
        0,
      );
      db.prepare(
        `INSERT INTO submissions (id, campaign_id, status, message, display_name, anonymous,
           district, email, locale, publish_permission, consent_version, received_at)
         VALUES ('old-1', 'old', 'pending', '老街的梯坎很长', 'Old Reader', 0, NULL,
           'Old@Example.org', 'zh-Hans', 1, 'v1', 1000)`,
      ).run();
      db.close();

      const store = new SqliteStore({ dataDir: dir });
      await store.migrate();
      const item = await store.getSubmission('old', 'old-1');
      assert.equal(item?.version, 1);
      assert.equal(item?.featured, false);
      assert.equal(item?.photoPublished, true);
      assert.equal(item?.origin, null);
      assert.equal(item?.decidedBy, null);
      const search = (q: string) =>
        store
          .searchSubmissions({ campaignId: 'old', order: 'oldest', limit: 5, q })
          .then((page) => page.items.map((i) => i.id));
      assert.deepEqual(await search('梯坎很'), ['old-1'], 'by the trigram index');
      assert.deepEqual(await search('old@example'), ['old-1']);
      assert.deepEqual(await search('梯坎'), ['old-1']);
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the SQLite search index and a delete', () => {
  it("leaves none of the deleted words' trigrams in the file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-fts-'));
    try {
      const store = new SqliteStore({ dataDir: dir });
      await store.migrate();
      await store.putCampaign({ ...DEMO_CAMPAIGN, id: 'fts' });
      const words = 'Qxzqjvwpk 磁器口鹅岭';
      for (const [index, message] of ['other words entirely', `said ${words} there`].entries()) {
        await store.createSubmission({
          submission: {
            id: `fts-${index}`,
            campaignId: 'fts',
            message,
            displayName: null,
            anonymous: true,
            district: null,
            email: null,
            locale: 'en',
            publishPermission: true,
            consentVersion: 'v1',
            receivedAt: 1000,
            origin: null,
          },
          photo: null,
          idempotencyKey: `fts-key-${index}`,
          bodyHash: 'h',
        });
      }
      const trigrams = ['qxz', 'xzq', 'zqj', 'jvw', 'vwp', '磁器口', '器口鹅', '口鹅岭'];
      const onDisk = () => {
        const bytes = fs.readFileSync(path.join(dir, 'campaign.sqlite'));
        return trigrams.filter((t) => bytes.includes(Buffer.from(t)));
      };
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      assert.ok(onDisk().length > 0, 'the index held them (the check can see them)');
      assert.equal((await store.deleteSubmission('fts', 'fts-1')).deleted, true);
      await store.close();
      assert.deepEqual(onDisk(), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite newsroom store', () => {
  newsroomSuite(async () => {
    const store = new SqliteStore({ dataDir: ':memory:' });
    await store.migrate();
    return {
      store,
      raw: async (sql) => store.db.exec(sql),
      dispose: () => store.close(),
    };
  });
});

describePostgres('PostgreSQL newsroom store', () => {
  const { schema, drop } = testSchema();
  const stores: PgStore[] = [];
  const openStore = async () => {
    const store = new PgStore({ connectionString: TEST_DATABASE_URL, schema });
    stores.push(store);
    await store.migrate();
    return store;
  };

  newsroomSuite(async () => {
    const store = await openStore();
    return {
      store,
      raw: (sql) => store.pool.query(sql),
      dispose: async () => {
        for (const each of stores) await each.close();
        await drop();
      },
    };
  });

  describe('two instances on one database', () => {
    it("hears on one instance what the other decided, and the other's new submissions", async () => {
      const a = await openStore();
      const b = await openStore();
      const c = `nr-${randomUUID().slice(0, 8)}`;
      await a.putCampaign({ ...DEMO_CAMPAIGN, id: c });
      const heard: StaffEvent[] = [];
      const stop = b.subscribeStaff((event) => event.campaignId === c && heard.push(event));
      const id = randomUUID();
      const created = await a.createSubmission({
        submission: {
          id,
          campaignId: c,
          message: 'From instance A',
          displayName: null,
          anonymous: true,
          district: null,
          email: null,
          locale: 'en',
          publishPermission: true,
          consentVersion: DEMO_CAMPAIGN.consentVersion,
          receivedAt: 1000,
          origin: 'https://partner.example',
        },
        photo: null,
        idempotencyKey: `nr-two-${randomUUID()}`,
        bodyHash: 'h',
      });
      assert.equal(created.kind, 'created');
      const decided = await a.decide({
        campaignId: c,
        id,
        action: 'approve',
        now: 2000,
        actor: MODERATOR,
        expectedVersion: 1,
      });
      assert.ok(decided.ok);
      await until(() => heard.length >= 2, 'both events on instance B');
      stop();
      assert.deepEqual(heard, [
        { campaignId: c, type: 'received', id, status: 'pending', at: 1000 },
        {
          campaignId: c,
          type: 'changed',
          id,
          status: 'approved',
          version: 2,
          actor: MODERATOR,
          action: 'approve',
          at: 2000,
        },
      ]);
      const stale = await b.decide({
        campaignId: c,
        id,
        action: 'remove',
        now: 3000,
        actor: OTHER,
        expectedVersion: 1,
      });
      assert.ok(!stale.ok && stale.reason === 'stale' && stale.submission.version === 2);
    });

    it('serialises parallel decisions on one submission: one wins, the other is stale', async () => {
      const a = stores[0];
      const b = await openStore();
      const c = `nr-${randomUUID().slice(0, 8)}`;
      await a.putCampaign({ ...DEMO_CAMPAIGN, id: c });
      const id = randomUUID();
      await a.createSubmission({
        submission: {
          id,
          campaignId: c,
          message: 'Decided twice at once',
          displayName: null,
          anonymous: true,
          district: null,
          email: null,
          locale: 'en',
          publishPermission: true,
          consentVersion: DEMO_CAMPAIGN.consentVersion,
          receivedAt: 1000,
          origin: null,
        },
        photo: null,
        idempotencyKey: `nr-race-${randomUUID()}`,
        bodyHash: 'h',
      });
      const results = await Promise.all([
        a.decide({
          campaignId: c,
          id,
          action: 'approve',
          now: 2,
          actor: MODERATOR,
          expectedVersion: 1,
        }),
        b.decide({ campaignId: c, id, action: 'reject', now: 2, actor: OTHER, expectedVersion: 1 }),
      ]);
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.equal(results.filter((r) => !r.ok && r.reason === 'stale').length, 1);
      assert.equal((await a.getSubmission(c, id))?.version, 2);
      assert.equal((await a.listAudit({ submissionId: id, limit: 10 })).items.length, 1);
    });
  });
});

describe('migration 4 over a database that has an audit trail', () => {
  it('keeps every entry and its ids, stays append-only, and takes readers and rules as actors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-upgrade-'));
    try {
      const db = new Database(path.join(dir, 'campaign.sqlite'));
      db.exec(MIGRATIONS_TABLE);
      for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version < 4)) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          0,
        );
      }
      db.prepare('INSERT INTO campaigns VALUES (?, ?, ?)').run(
        'old',
        JSON.stringify({ ...DEMO_CAMPAIGN, id: 'old' }),
        0,
      );
      db.prepare(
        `INSERT INTO submissions (id, campaign_id, status, message, display_name, anonymous,
           district, email, locale, publish_permission, consent_version, received_at, photo_id)
         VALUES ('old-1', 'old', 'approved', 'An old quote with a photo', 'Old Reader', 0, NULL,
           NULL, 'en', 1, 'v1', 1000, 'reader-old')`,
      ).run();
      const insert = db.prepare(
        `INSERT INTO audit_log (campaign_id, at, actor_kind, actor_id, actor_name, action)
         VALUES ('old', ?, 'staff', 's1', 'Someone', 'approve')`,
      );
      for (let n = 0; n < 5; n += 1) insert.run(n);
      db.prepare('DELETE FROM sqlite_sequence').run();
      db.close();

      const store = new SqliteStore({ dataDir: dir });
      await store.migrate();
      const item = await store.getSubmission('old', 'old-1');
      assert.equal(item?.photoPermission, false, 'an old photo had no permission of its own');
      assert.equal(item?.reportsOpen, 0);
      assert.equal(item?.hiddenAt, null);
      const entries = (await store.listAudit({ campaignId: 'old', limit: 10 })).items;
      assert.deepEqual(
        entries.map((e) => e.id),
        [5, 4, 3, 2, 1],
      );
      const next = await store.appendAudit({
        campaignId: 'old',
        at: 10,
        actor: { kind: 'reader', id: null, name: 'reader' },
        action: 'withdraw',
        submissionId: null,
        reason: null,
        note: null,
        before: null,
        after: null,
      });
      assert.equal(next.id, 6, 'ids go on after the copied ones');
      assert.throws(() => store.db.exec('UPDATE audit_log SET note = 1'), /append-only/);
      assert.throws(() => store.db.exec('DELETE FROM audit_log'), /append-only/);
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
