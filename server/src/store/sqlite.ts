/**
 * The SQLite store (better-sqlite3): one file in the data directory, WAL journal,
 * every statement prepared once. better-sqlite3 is synchronous, so each method runs
 * its transaction to the end before another request's JavaScript can run: ten
 * concurrent retries of one submission are serialised here, and live events are
 * handed to subscribers in commit order right after their commit.
 */
import {
  PartnerQueries,
  sqlitePlanRunner,
  type PartnerStore,
  type PresenceRow,
} from './partners.js';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  EVENT_COLUMNS,
  type EventRow,
  type PhotoRow,
  type SubmissionRow,
  toPhoto,
  toQuote,
  toReplay,
  toSubmission,
} from './rows.js';
import { deleteAudit, flagsColumn, toTransitionResult } from './transitions.js';
import type { SubmissionAccepted, SubmissionStatus } from '../../../src/api/wire.js';
import { acceptedAnswer, keyDigest } from './idempotency.js';
import { type Migration, MIGRATIONS_TABLE, runMigrations } from './migrations.js';
import { FROM_TOP, rowsToRead, toPage } from './paging.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { QUEUE_SQL, toCounts } from './newsroom-sql.js';
import { SqliteNewsroom } from './sqlite-newsroom.js';
import type { ReportInput } from './safety.js';
import { SqliteCampaignRoles, type CampaignRole } from './campaign-roles.js';
import { sqliteDistrictsInUse } from './campaign-settings.js';
import {
  type AuditQuery,
  type DecisionInput,
  type EditInput,
  type LinkRecord,
  type NewAudit,
  type NewStaff,
  type QueueQuery,
  SERVICE_ACTOR,
  type SessionRecord,
  type StaffEvent,
  type StaffPatch,
} from './newsroom.js';
import type {
  CampaignRecord,
  CreateResult,
  DeletedBy,
  IdempotentRecord,
  LiveEvent,
  NewPhoto,
  NewSubmission,
  PhotoFile,
  StaffAction,
  StatusCounts,
  Store,
  StoryRecord,
  SubmissionRecord,
  TransitionResult,
} from './store.js';
import {
  type DeliveryOutcome,
  type EndpointPatch,
  type EndpointRecord,
  type NewDelivery,
  WebhookData,
  sqliteOutboxWriter,
  sqliteWebhookSql,
} from './webhooks.js';

export interface SqliteStoreOptions {
  /** Directory of the database file; `:memory:` for a throwaway database. */
  dataDir: string;
  fileName?: string;
}

interface CreateInput {
  submission: NewSubmission;
  photo: NewPhoto | null;
  idempotencyKey: string;
  bodyHash: string;
}

/** Most submissions written in one transaction. */
const MAX_BATCH = 256;

/** Wait before trying again a checkpoint that a reader kept from finishing. */
const CHECKPOINT_RETRY_MS = 1000;

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  readonly #listeners = new Set<(event: LiveEvent) => void>();
  #statements: ReturnType<SqliteStore['prepare']> | undefined;
  #newsroomPart: SqliteNewsroom | undefined;
  readonly #webhooks: WebhookData;
  #rolesPart: SqliteCampaignRoles | undefined;
  #batch: {
    input: CreateInput;
    resolve: (result: CreateResult) => void;
    reject: (error: unknown) => void;
  }[] = [];
  #flushScheduled = false;
  #checkpointRetry: NodeJS.Timeout | null = null;

  constructor(options: SqliteStoreOptions) {
    const file =
      options.dataDir === ':memory:'
        ? ':memory:'
        : path.join(options.dataDir, options.fileName ?? 'campaign.sqlite');
    if (file !== ':memory:') fs.mkdirSync(options.dataDir, { recursive: true });
    this.db = new Database(file);
    this.#webhooks = new WebhookData(sqliteWebhookSql(this.db));
    this.db.pragma('journal_mode = WAL');
    // Deleted rows are overwritten with zeros, in the page and in freed pages, so a
    // privacy delete leaves nothing in the file (the WAL is checkpointed after it).
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Up to 64 MiB of pages in the process (2 MiB by default): a queue search the
    // indexes cannot answer (a two-character query) reads every submission of the
    // campaign, and at 100 000 of them that is ~40 MB of pages, re-read on every search.
    this.db.pragma('cache_size = -65536');
  }

  get #s() {
    if (!this.#statements) throw new Error('SqliteStore: call migrate() first');
    return this.#statements;
  }

  /** Staff, sessions, links, the audit trail and the queue (sqlite-newsroom.ts). */
  get #newsroom(): SqliteNewsroom {
    if (!this.#newsroomPart) throw new Error('SqliteStore: call migrate() first');
    return this.#newsroomPart;
  }

  async migrate(): Promise<void> {
    const db = this.db;
    db.exec(MIGRATIONS_TABLE);
    await runMigrations(
      {
        appliedVersions: async () =>
          db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
        apply: async (migration: Migration, appliedAt: number) =>
          db.transaction(() => {
            db.exec(migration.sql);
            db.prepare(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
            ).run(migration.version, migration.name, appliedAt);
          })(),
      },
      SQLITE_MIGRATIONS,
    );
    this.#statements = this.prepare();
    this.#rolesPart = new SqliteCampaignRoles(db);
    this.#newsroomPart = new SqliteNewsroom(db, {
      addEvent: (campaignId, type, quoteId, now) =>
        Number(this.#s.insertEvent.run(campaignId, type, quoteId, now).lastInsertRowid),
      emitLive: (events) => this.#emit(events),
    });
    this.#newsroomPart.onCommitted = sqliteOutboxWriter(db);
  }

  private prepare() {
    const db = this.db;
    return {
      putCampaign: db.prepare(
        `INSERT INTO campaigns (id, data, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      ),
      getCampaign: db.prepare('SELECT data FROM campaigns WHERE id = ?').pluck(),
      listCampaignIds: db.prepare('SELECT id FROM campaigns ORDER BY id').pluck(),
      putStory: db.prepare(
        `INSERT INTO stories (campaign_id, id, position, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (campaign_id, id) DO UPDATE SET position = excluded.position, data = excluded.data`,
      ),
      listStories: db
        .prepare('SELECT data FROM stories WHERE campaign_id = ? ORDER BY position, id')
        .pluck(),
      getStory: db.prepare('SELECT data FROM stories WHERE campaign_id = ? AND id = ?').pluck(),
      putPhoto: db.prepare(
        `INSERT INTO photos (campaign_id, id, submission_id, width, height, data)
         VALUES (@campaignId, @id, @submissionId, @width, @height, @data)
         ON CONFLICT (campaign_id, id) DO UPDATE SET submission_id = excluded.submission_id,
           width = excluded.width, height = excluded.height, data = excluded.data`,
      ),
      deletePhotoFiles: db.prepare(
        'DELETE FROM photo_files WHERE campaign_id = ? AND photo_id = ?',
      ),
      putPhotoFile: db.prepare(
        `INSERT INTO photo_files (campaign_id, photo_id, width, bytes, etag) VALUES (?, ?, ?, ?, ?)`,
      ),
      getPhoto: db.prepare('SELECT * FROM photos WHERE campaign_id = ? AND id = ?'),
      getPublicPhoto: db.prepare(
        `SELECT p.* FROM photos p LEFT JOIN submissions s ON s.id = p.submission_id
         WHERE p.campaign_id = ? AND p.id = ?
           AND (p.submission_id IS NULL OR (s.status = 'approved' AND s.photo_published = 1
             AND s.photo_permission = 1 AND s.hidden_at IS NULL))`,
      ),
      getPhotoFile: db.prepare(
        `SELECT f.width, f.bytes, f.etag FROM photo_files f
         WHERE f.campaign_id = ? AND f.photo_id = ? AND f.width = ?`,
      ),
      getPublicPhotoFile: db.prepare(
        `SELECT f.width, f.bytes, f.etag FROM photo_files f
         JOIN photos p ON p.campaign_id = f.campaign_id AND p.id = f.photo_id
         LEFT JOIN submissions s ON s.id = p.submission_id
         WHERE f.campaign_id = ? AND f.photo_id = ? AND f.width = ?
           AND (p.submission_id IS NULL OR (s.status = 'approved' AND s.photo_published = 1
             AND s.photo_permission = 1 AND s.hidden_at IS NULL))`,
      ),
      findKey: db.prepare(
        'SELECT body_hash, response FROM idempotency_keys WHERE campaign_id = ? AND key = ?',
      ),
      insertKey: db.prepare(
        `INSERT INTO idempotency_keys (campaign_id, key, body_hash, response, created_at,
           submission_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      pruneKeys: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
      keysOfSubmission: db
        .prepare('SELECT key FROM idempotency_keys WHERE campaign_id = ? AND submission_id = ?')
        .pluck(),
      deleteKeysOfSubmission: db.prepare(
        'DELETE FROM idempotency_keys WHERE campaign_id = ? AND submission_id = ?',
      ),
      findTombstone: db
        .prepare('SELECT 1 FROM idempotency_tombstones WHERE campaign_id = ? AND key_sha256 = ?')
        .pluck(),
      insertTombstone: db.prepare(
        `INSERT INTO idempotency_tombstones (campaign_id, key_sha256, created_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      pruneTombstones: db.prepare('DELETE FROM idempotency_tombstones WHERE created_at < ?'),
      insertSubmission: db.prepare(
        `INSERT INTO submissions (id, campaign_id, status, message, display_name, anonymous,
           district, email, locale, publish_permission, consent_version, received_at, photo_id,
           origin, photo_permission, receipt_hash, flags, client_hash, text_hash)
         VALUES (@id, @campaignId, 'pending', @message, @displayName, @anonymous, @district,
           @email, @locale, @publishPermission, @consentVersion, @receivedAt, @photoId, @origin,
           @photoPermission, @receiptHash, @flags, @clientHash, @textHash)`,
      ),
      getSubmission: db.prepare('SELECT * FROM submissions WHERE campaign_id = ? AND id = ?'),
      listByStatus: db.prepare(
        `SELECT * FROM submissions WHERE campaign_id = ? AND status = ? AND seq < ?
         ORDER BY seq DESC LIMIT ?`,
      ),
      listAll: db.prepare(
        `SELECT * FROM submissions WHERE campaign_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      counts: db.prepare(QUEUE_SQL.counts),
      deleteSubmission: db.prepare('DELETE FROM submissions WHERE campaign_id = ? AND id = ?'),
      deleteSubmissionPhotos: db.prepare(
        'DELETE FROM photos WHERE campaign_id = ? AND submission_id = ?',
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (campaign_id, type, quote_id, created_at) VALUES (?, ?, ?, ?)',
      ),
      lastEventId: db
        .prepare('SELECT coalesce(max(id), 0) FROM events WHERE campaign_id = ?')
        .pluck(),
      listQuotes: db.prepare(
        `SELECT * FROM submissions WHERE campaign_id = ? AND status = 'approved' AND hidden_at IS NULL AND wall_seq < ?
         ORDER BY wall_seq DESC LIMIT ?`,
      ),
      eventsAfter: db.prepare(
        `SELECT ${EVENT_COLUMNS}
         FROM events e
         LEFT JOIN submissions s ON s.id = e.quote_id AND s.status = 'approved' AND s.hidden_at IS NULL
         WHERE e.campaign_id = ? AND e.id > ?
         ORDER BY e.id LIMIT ?`,
      ),
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#newsroomPart?.close();
    if (this.#checkpointRetry) clearTimeout(this.#checkpointRetry);
    if (!this.db.open) return;
    this.#flush();
    try {
      this.#checkpoint();
    } finally {
      this.db.close();
    }
  }

  /**
   * Copies the WAL into the file and truncates the WAL to nothing, so the frames that
   * still held deleted rows are gone. False when a reader kept it from finishing.
   */
  #checkpoint(): boolean {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    return !result || (result.busy === 0 && result.log === result.checkpointed);
  }

  /** Checkpoints now; when a reader is in the way, tries again shortly until it works. */
  #checkpointSoon(): void {
    if (this.#checkpoint() || this.#checkpointRetry) return;
    this.#checkpointRetry = setTimeout(() => {
      this.#checkpointRetry = null;
      if (this.db.open) this.#checkpointSoon();
    }, CHECKPOINT_RETRY_MS);
    this.#checkpointRetry.unref();
  }

  #emit(events: LiveEvent[]): void {
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          console.error('live event listener failed', error);
        }
      }
    }
  }

  // ---- content ----

  async putCampaign(campaign: CampaignRecord): Promise<void> {
    this.#s.putCampaign.run(campaign.id, JSON.stringify(campaign), Date.now());
  }

  async putStory(story: StoryRecord): Promise<void> {
    this.#s.putStory.run(story.campaignId, story.id, story.position, JSON.stringify(story));
  }

  #putPhoto(photo: NewPhoto): void {
    const { record, files } = photo;
    this.#s.putPhoto.run({
      campaignId: record.campaignId,
      id: record.id,
      submissionId: record.submissionId,
      width: record.width,
      height: record.height,
      data: JSON.stringify({ widths: record.widths, text: record.text }),
    });
    this.#s.deletePhotoFiles.run(record.campaignId, record.id);
    for (const file of files) {
      this.#s.putPhotoFile.run(record.campaignId, record.id, file.width, file.bytes, file.etag);
    }
  }

  async putPhoto(photo: NewPhoto): Promise<void> {
    this.db.transaction(() => this.#putPhoto(photo))();
  }

  async getCampaign(id: string): Promise<CampaignRecord | null> {
    const data = this.#s.getCampaign.get(id) as string | undefined;
    return data ? (JSON.parse(data) as CampaignRecord) : null;
  }

  async listCampaignIds(): Promise<string[]> {
    return this.#s.listCampaignIds.all() as string[];
  }

  async listStories(campaignId: string): Promise<StoryRecord[]> {
    return (this.#s.listStories.all(campaignId) as string[]).map(
      (data) => JSON.parse(data) as StoryRecord,
    );
  }

  async getStory(campaignId: string, id: string): Promise<StoryRecord | null> {
    const data = this.#s.getStory.get(campaignId, id) as string | undefined;
    return data ? (JSON.parse(data) as StoryRecord) : null;
  }

  async getPhoto(campaignId: string, id: string, publicOnly: boolean) {
    const statement = publicOnly ? this.#s.getPublicPhoto : this.#s.getPhoto;
    const row = statement.get(campaignId, id) as PhotoRow | undefined;
    return row ? toPhoto(row) : null;
  }

  async getPhotoFile(
    campaignId: string,
    id: string,
    width: number,
    publicOnly: boolean,
  ): Promise<PhotoFile | null> {
    const statement = publicOnly ? this.#s.getPublicPhotoFile : this.#s.getPhotoFile;
    return (statement.get(campaignId, id, width) as PhotoFile | undefined) ?? null;
  }

  // ---- submissions ----

  async findIdempotent(campaignId: string, key: string): Promise<IdempotentRecord | null> {
    return this.#idempotent(campaignId, key);
  }

  #idempotent(campaignId: string, key: string): IdempotentRecord | null {
    const row = this.#s.findKey.get(campaignId, key) as
      { body_hash: string; response: string } | undefined;
    if (row) {
      const accepted = JSON.parse(row.response) as SubmissionAccepted;
      return { kind: 'answered', bodyHash: row.body_hash, accepted };
    }
    if (this.#s.findTombstone.get(campaignId, keyDigest(key))) return { kind: 'deleted' };
    return null;
  }

  /**
   * Group commit: submissions that arrive in the same turn of the event loop are
   * written in one transaction (one WAL commit), each inside its own savepoint, so
   * one failing item rolls back alone and the others still land whole. Answers go
   * out only after the commit.
   */
  createSubmission(input: CreateInput): Promise<CreateResult> {
    return new Promise((resolve, reject) => {
      this.#batch.push({ input, resolve, reject });
      if (this.#batch.length >= MAX_BATCH) this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#batch.splice(0);
    if (!batch.length) return;
    const results: ({ ok: true; value: CreateResult } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            results.push({ ok: true, value: this.#createOne(item.input) });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const received: StaffEvent[] = [];
    batch.forEach((item, index) => {
      const result = results[index];
      if (result.ok) item.resolve(result.value);
      else item.reject(result.error);
      if (result.ok && result.value.kind === 'created') {
        const { campaignId, id, receivedAt } = item.input.submission;
        received.push({ campaignId, type: 'received', id, status: 'pending', at: receivedAt });
      }
    });
    this.#newsroom.emitStaff(received);
  }

  /** One submission in a savepoint (better-sqlite3 nests transactions as savepoints). */
  #createOne = (input: CreateInput): CreateResult =>
    this.db.transaction((item: CreateInput): CreateResult => {
      const { submission, photo, idempotencyKey, bodyHash } = item;
      const existing = this.#idempotent(submission.campaignId, idempotencyKey);
      if (existing?.kind === 'deleted') return existing;
      if (existing) {
        if (existing.bodyHash !== bodyHash) return { kind: 'conflict' };
        return { kind: 'replay', accepted: existing.accepted };
      }
      const accepted = acceptedAnswer(submission);
      this.#s.insertSubmission.run({
        ...submission,
        anonymous: submission.anonymous ? 1 : 0,
        publishPermission: submission.publishPermission ? 1 : 0,
        photoId: photo?.record.id ?? null,
        photoPermission: submission.photoPermission && photo ? 1 : 0,
        receiptHash: submission.receiptHash ?? null,
        flags: flagsColumn(submission.flags ?? []),
        clientHash: submission.clientHash ?? null,
        textHash: submission.textHash ?? null,
      });
      if (photo) this.#putPhoto(photo);
      this.#s.insertKey.run(
        submission.campaignId,
        idempotencyKey,
        bodyHash,
        JSON.stringify(accepted),
        submission.receivedAt,
        submission.id,
      );
      return { kind: 'created', accepted };
    })(input);

  async getSubmission(campaignId: string, id: string): Promise<SubmissionRecord | null> {
    const row = this.#s.getSubmission.get(campaignId, id) as SubmissionRow | undefined;
    return row ? toSubmission(row) : null;
  }

  async listSubmissions(
    campaignId: string,
    query: { status?: SubmissionStatus; limit: number; before?: number },
  ) {
    const before = query.before ?? FROM_TOP;
    const read = rowsToRead(query.limit);
    const rows = (
      query.status
        ? this.#s.listByStatus.all(campaignId, query.status, before, read)
        : this.#s.listAll.all(campaignId, before, read)
    ) as SubmissionRow[];
    return toPage(rows, query.limit, toSubmission, (item) => item.seq);
  }

  async countSubmissions(campaignId: string): Promise<StatusCounts> {
    const row = this.#s.counts.get(campaignId, campaignId, campaignId, campaignId);
    return toCounts(row as Record<SubmissionStatus, number>);
  }

  /** `decide` as the service, with no version check. */
  async transition(
    campaignId: string,
    id: string,
    action: StaffAction,
    now: number,
  ): Promise<TransitionResult> {
    return toTransitionResult(
      await this.#newsroom.decide({ campaignId, id, action, now, actor: SERVICE_ACTOR }),
    );
  }

  /**
   * The row, its photo (every width, and its text) and its idempotency record go; the
   * key stays as a tombstone. With secure_delete the freed bytes are zeros, and the
   * checkpoint, before the answer, removes the WAL frames that still held them: when
   * staff are told "deleted", nothing is left on disk. It costs a checkpoint per
   * delete (a few milliseconds; deletes are rare and staff-only).
   */
  async deleteSubmission(campaignId: string, id: string, by?: DeletedBy) {
    const events: LiveEvent[] = [];
    const staffEvents: StaffEvent[] = [];
    const deleted = this.db.transaction((): boolean => {
      const row = this.#s.getSubmission.get(campaignId, id) as SubmissionRow | undefined;
      if (!row) return false;
      const now = by?.now ?? Date.now();
      if (row.status === 'approved') {
        const eventId = Number(
          this.#s.insertEvent.run(campaignId, 'remove', id, now).lastInsertRowid,
        );
        events.push({ id: eventId, campaignId, type: 'remove', quoteId: id });
      }
      if (by) {
        this.#newsroom.appendAuditNow(deleteAudit(campaignId, row.status, id, by));
        staffEvents.push({ campaignId, type: 'deleted', id, actor: by.actor, at: now });
      }
      this.#tombstoneKeys(campaignId, id);
      this.#s.deleteSubmissionPhotos.run(campaignId, id);
      this.#s.deleteSubmission.run(campaignId, id);
      return true;
    })();
    if (deleted) this.#checkpointSoon();
    this.#emit(events);
    this.#newsroom.emitStaff(staffEvents);
    return { deleted, event: events[0] ?? null };
  }

  /** Replaces the submission's idempotency records with tombstones of their keys. */
  #tombstoneKeys(campaignId: string, submissionId: string): void {
    const now = Date.now();
    for (const key of this.#s.keysOfSubmission.all(campaignId, submissionId) as string[]) {
      this.#s.insertTombstone.run(campaignId, keyDigest(key), now);
    }
    this.#s.deleteKeysOfSubmission.run(campaignId, submissionId);
  }

  async pruneIdempotencyKeys(olderThan: number): Promise<number> {
    return this.db.transaction(
      () =>
        this.#s.pruneKeys.run(olderThan).changes + this.#s.pruneTombstones.run(olderThan).changes,
    )();
  }

  // ---- wall ----

  async listQuotes(campaignId: string, query: { limit: number; before?: number }) {
    const before = query.before ?? FROM_TOP;
    return this.db.transaction(() => {
      const rows = this.#s.listQuotes.all(
        campaignId,
        before,
        rowsToRead(query.limit),
      ) as SubmissionRow[];
      const page = toPage(rows, query.limit, toQuote, (item) => item.wallSeq);
      return { ...page, lastEventId: this.#s.lastEventId.get(campaignId) as number };
    })();
  }

  async lastEventId(campaignId: string): Promise<number> {
    return this.#s.lastEventId.get(campaignId) as number;
  }

  async eventsAfter(campaignId: string, afterId: number, limit: number) {
    const rows = this.#s.eventsAfter.all(campaignId, afterId, limit) as EventRow[];
    return toReplay(rows, afterId);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One process owns the file: nothing else can run at the same time. */
  async exclusive<T>(_name: string, task: () => Promise<T>): Promise<T> {
    return task();
  }

  // ---- the newsroom (sqlite-newsroom.ts) ----

  countStaff() {
    return this.#newsroom.countStaff();
  }
  createStaff(staff: NewStaff) {
    return this.#newsroom.createStaff(staff);
  }
  getStaff(id: string) {
    return this.#newsroom.getStaff(id);
  }
  getStaffByEmail(email: string) {
    return this.#newsroom.getStaffByEmail(email);
  }
  listStaff() {
    return this.#newsroom.listStaff();
  }
  updateStaff(id: string, patch: StaffPatch, now: number) {
    return this.#newsroom.updateStaff(id, patch, now);
  }
  createSession(session: SessionRecord) {
    return this.#newsroom.createSession(session);
  }
  getSession(tokenHash: string, now: number) {
    return this.#newsroom.getSession(tokenHash, now);
  }
  touchSession(tokenHash: string, lastSeenAt: number, expiresAt: number) {
    return this.#newsroom.touchSession(tokenHash, lastSeenAt, expiresAt);
  }
  deleteSession(tokenHash: string) {
    return this.#newsroom.deleteSession(tokenHash);
  }
  deleteSessionsOf(staffId: string) {
    return this.#newsroom.deleteSessionsOf(staffId);
  }
  pruneSessions(now: number) {
    return this.#newsroom.pruneSessions(now);
  }
  createLink(link: LinkRecord) {
    return this.#newsroom.createLink(link);
  }
  dropLinksOf(staffId: string) {
    return this.#newsroom.dropLinksOf(staffId);
  }
  peekLink(tokenHash: string, now: number) {
    return this.#newsroom.peekLink(tokenHash, now);
  }
  takeLink(tokenHash: string, now: number) {
    return this.#newsroom.takeLink(tokenHash, now);
  }
  appendAudit(entry: NewAudit) {
    return this.#newsroom.appendAudit(entry);
  }
  listAudit(query: AuditQuery) {
    return this.#newsroom.listAudit(query);
  }
  getAudit(id: number) {
    return this.#newsroom.getAudit(id);
  }
  searchSubmissions(query: QueueQuery) {
    return this.#newsroom.searchSubmissions(query);
  }
  listOrigins(campaignId: string) {
    return this.#newsroom.listOrigins(campaignId);
  }
  findByEmail(campaignId: string, email: string) {
    return this.#newsroom.findByEmail(campaignId, email);
  }
  decide(input: DecisionInput) {
    return this.#newsroom.decide(input);
  }
  editSubmission(input: EditInput) {
    return this.#newsroom.editSubmission(input);
  }
  subscribeStaff(listener: (event: StaffEvent) => void) {
    return this.#newsroom.subscribeStaff(listener);
  }
  hasRepeat(campaignId: string, textHash: string, clientHash: string) {
    return this.#newsroom.hasRepeat(campaignId, textHash, clientHash);
  }
  addReport(input: ReportInput) {
    return this.#newsroom.addReport(input);
  }
  reportTotals(campaignId: string, ids: readonly string[]) {
    return this.#newsroom.reportTotals(campaignId, ids);
  }
  listReports(campaignId: string, id: string, limit: number) {
    return this.#newsroom.listReports(campaignId, id, limit);
  }
  sharedKey(name: string, candidate: string) {
    return this.#newsroom.sharedKey(name, candidate);
  }

  /** Campaigns and roles per campaign (campaign-roles.ts). */
  get #roles(): SqliteCampaignRoles {
    if (!this.#rolesPart) throw new Error('SqliteStore: call migrate() first');
    return this.#rolesPart;
  }
  campaignRolesOf(staffId: string) {
    return this.#roles.campaignRolesOf(staffId);
  }
  campaignRoleOf(staffId: string, campaignId: string) {
    return this.#roles.campaignRoleOf(staffId, campaignId);
  }
  listCampaignRoles() {
    return this.#roles.listCampaignRoles();
  }
  setCampaignRoles(staffId: string, roles: ReadonlyMap<string, CampaignRole>, audit: NewAudit) {
    return this.#roles.setCampaignRoles(staffId, roles, audit);
  }
  createCampaign(campaign: CampaignRecord, now: number, audit: NewAudit) {
    return this.#roles.createCampaign(campaign, now, audit);
  }

  // Campaign settings (campaign-settings.ts).
  async districtsInUse(campaignId: string): Promise<string[]> {
    return sqliteDistrictsInUse(this.db, campaignId);
  }
  // Partner sites and open walls by origin (partners.ts).
  #partnersPart: PartnerQueries | undefined;
  get #partners(): PartnerQueries {
    return (this.#partnersPart ??= new PartnerQueries(sqlitePlanRunner(this.db)));
  }
  listPartners(campaignId: string | null) {
    return this.#partners.listPartners(campaignId);
  }
  getPartner(campaignId: string, id: string) {
    return this.#partners.getPartner(campaignId, id);
  }
  createPartner(input: Parameters<PartnerStore['createPartner']>[0]) {
    return this.#partners.createPartner(input);
  }
  updatePartner(input: Parameters<PartnerStore['updatePartner']>[0]) {
    return this.#partners.updatePartner(input);
  }
  deletePartner(input: Parameters<PartnerStore['deletePartner']>[0]) {
    return this.#partners.deletePartner(input);
  }
  originFigures(campaignId: string) {
    return this.#partners.originFigures(campaignId);
  }
  putPresence(instanceId: string, rows: PresenceRow[], now: number, dropBefore: number) {
    return this.#partners.putPresence(instanceId, rows, now, dropBefore);
  }
  presence(campaignId: string, exceptInstance: string, freshAfter: number) {
    return this.#partners.presence(campaignId, exceptInstance, freshAfter);
  }

  // ---- outbound webhooks (webhooks.ts) ----
  createWebhookEndpoint(endpoint: EndpointRecord, max: number) {
    return this.#webhooks.createWebhookEndpoint(endpoint, max);
  }
  getWebhookEndpoint(campaignId: string, id: string) {
    return this.#webhooks.getWebhookEndpoint(campaignId, id);
  }
  listWebhookTargets(campaignId: string) {
    return this.#webhooks.listWebhookTargets(campaignId);
  }
  listWebhookEndpoints(campaignId: string) {
    return this.#webhooks.listWebhookEndpoints(campaignId);
  }
  updateWebhookEndpoint(campaignId: string, id: string, patch: EndpointPatch, now: number) {
    return this.#webhooks.updateWebhookEndpoint(campaignId, id, patch, now);
  }
  deleteWebhookEndpoint(campaignId: string, id: string) {
    return this.#webhooks.deleteWebhookEndpoint(campaignId, id);
  }
  enqueueWebhook(endpointIds: readonly string[], delivery: NewDelivery) {
    return this.#webhooks.enqueueWebhook(endpointIds, delivery);
  }
  claimWebhookDeliveries(owner: string, now: number, leaseMs: number, limit: number) {
    return this.#webhooks.claimWebhookDeliveries(owner, now, leaseMs, limit);
  }
  finishWebhookDelivery(id: number, owner: string, outcome: DeliveryOutcome) {
    return this.#webhooks.finishWebhookDelivery(id, owner, outcome);
  }
  listWebhookDeliveries(
    campaignId: string,
    endpointId: string,
    query: { before?: number; limit: number },
  ) {
    return this.#webhooks.listWebhookDeliveries(campaignId, endpointId, query);
  }
  resendWebhookDelivery(campaignId: string, endpointId: string, id: number, now: number) {
    return this.#webhooks.resendWebhookDelivery(campaignId, endpointId, id, now);
  }
  forgetWebhookSubmission(campaignId: string, submissionId: string, keepKey: string) {
    return this.#webhooks.forgetWebhookSubmission(campaignId, submissionId, keepKey);
  }
  pruneWebhookDeliveries(olderThan: number) {
    return this.#webhooks.pruneWebhookDeliveries(olderThan);
  }
}
