/**
 * The PostgreSQL store (`pg`): the store's queries. Several API instances can share
 * one database; the parts are in files of their own — the connection, pool and
 * transactions (pg-connection.ts), the LISTEN/NOTIFY live feed and event ids
 * (pg-live.ts), the schema and its runner (pg-migrations.ts), and the rate-limit
 * windows every instance shares (pg-rate-limit.ts), the newsroom's staff, audit
 * trail and queue (pg-newsroom.ts), and the group commit of submissions and their
 * repeat look-ups (pg-batch.ts).
 */
import { PartnerQueries, pgPlanRunner, type PartnerStore, type PresenceRow } from './partners.js';
import type pg from 'pg';
import type { SubmissionAccepted, SubmissionStatus } from '../../../src/api/wire.js';
import { acceptedAnswer, keyDigest } from './idempotency.js';
import { FROM_TOP, rowsToRead, toPage } from './paging.js';
import { type CreateInput, PgRepeatLookups, PgSubmissionBatches } from './pg-batch.js';
import { PgConnection, type PgStoreOptions } from './pg-connection.js';
import { PgLiveFeed } from './pg-live.js';
import { migratePostgres } from './pg-migrations.js';
import { PgRateLimits } from './pg-rate-limit.js';
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
import { PgNewsroom } from './pg-newsroom.js';
import type { ReportInput } from './safety.js';
import { PgCampaignRoles, type CampaignRole } from './campaign-roles.js';
import { pgPlaceholders, QUEUE_SQL, toCounts } from './newsroom-sql.js';
import { pgDistrictsInUse } from './campaign-settings.js';
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
  LiveStatusListener,
  NewPhoto,
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
  pgOutboxInTransaction,
  pgWebhookSql,
} from './webhooks.js';

export type { PgStoreOptions } from './pg-connection.js';

/**
 * The tables a privacy delete leaves dead row versions in. VACUUM on photo_files
 * also vacuums its TOAST table, where the photo bytes are.
 */
const PRIVACY_VACUUM =
  'VACUUM (SKIP_LOCKED) submissions, photos, photo_files, idempotency_keys, reports';

export class PgStore implements Store {
  readonly kind = 'postgres';
  readonly schema: string;
  readonly pool: pg.Pool;
  readonly #db: PgConnection;
  readonly #live: PgLiveFeed;
  readonly #rateLimits: PgRateLimits;
  readonly #newsroom: PgNewsroom;
  readonly #webhooks: WebhookData;
  readonly #roles: PgCampaignRoles;
  readonly #batches: PgSubmissionBatches;
  readonly #repeats: PgRepeatLookups;
  #closed = false;
  #vacuum: Promise<void> | null = null;
  #vacuumAgain = false;

  constructor(options: PgStoreOptions) {
    this.#db = new PgConnection(options);
    this.schema = this.#db.schema;
    this.pool = this.#db.pool;
    this.#live = new PgLiveFeed(this.#db);
    this.#rateLimits = new PgRateLimits(this.#db);
    this.#newsroom = new PgNewsroom(this.#db, this.#live);
    this.#webhooks = new WebhookData(pgWebhookSql(this.#db));
    this.#live.inTransaction = pgOutboxInTransaction;
    this.#roles = new PgCampaignRoles(this.#db);
    this.#batches = new PgSubmissionBatches({
      db: this.#db,
      live: this.#live,
      putPhoto: (client, photo) => this.#putPhoto(client, photo),
      single: (input) => this.#createOne(input),
    });
    this.#repeats = new PgRepeatLookups(this.#db);
  }

  async migrate(): Promise<void> {
    await migratePostgres(this.#db);
    await this.#live.start();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#batches.idle();
    await this.#live.close();
    await this.#vacuum;
    await this.#db.end();
  }

  async exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.#db.withLock(`exclusive:${name}`, () => task());
  }

  subscribe(onEvent: (event: LiveEvent) => void, onStatus?: LiveStatusListener): () => void {
    return this.#live.subscribe(onEvent, onStatus);
  }

  // ---- content ----

  async putCampaign(campaign: CampaignRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO campaigns (id, data, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      [campaign.id, JSON.stringify(campaign), Date.now()],
    );
  }

  async putStory(story: StoryRecord): Promise<void> {
    await this.#db.query(
      `INSERT INTO stories (campaign_id, id, position, data) VALUES ($1, $2, $3, $4)
       ON CONFLICT (campaign_id, id) DO UPDATE SET position = excluded.position, data = excluded.data`,
      [story.campaignId, story.id, story.position, JSON.stringify(story)],
    );
  }

  async #putPhoto(client: pg.PoolClient, photo: NewPhoto): Promise<void> {
    const { record, files } = photo;
    await client.query(
      `INSERT INTO photos (campaign_id, id, submission_id, width, height, data)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (campaign_id, id) DO UPDATE SET submission_id = excluded.submission_id,
         width = excluded.width, height = excluded.height, data = excluded.data`,
      [
        record.campaignId,
        record.id,
        record.submissionId,
        record.width,
        record.height,
        JSON.stringify({ widths: record.widths, text: record.text }),
      ],
    );
    await client.query('DELETE FROM photo_files WHERE campaign_id = $1 AND photo_id = $2', [
      record.campaignId,
      record.id,
    ]);
    for (const file of files) {
      await client.query(
        `INSERT INTO photo_files (campaign_id, photo_id, width, bytes, etag)
         VALUES ($1, $2, $3, $4, $5)`,
        [record.campaignId, record.id, file.width, file.bytes, file.etag],
      );
    }
  }

  async putPhoto(photo: NewPhoto): Promise<void> {
    await this.#db.tx((client) => this.#putPhoto(client, photo));
  }

  async getCampaign(id: string): Promise<CampaignRecord | null> {
    const rows = await this.#db.query<{ data: CampaignRecord }>(
      'SELECT data FROM campaigns WHERE id = $1',
      [id],
    );
    return rows[0]?.data ?? null;
  }

  async listCampaignIds(): Promise<string[]> {
    const rows = await this.#db.query<{ id: string }>('SELECT id FROM campaigns ORDER BY id');
    return rows.map((row) => row.id);
  }

  async listStories(campaignId: string): Promise<StoryRecord[]> {
    const rows = await this.#db.query<{ data: StoryRecord }>(
      'SELECT data FROM stories WHERE campaign_id = $1 ORDER BY position, id',
      [campaignId],
    );
    return rows.map((row) => row.data);
  }

  async getStory(campaignId: string, id: string): Promise<StoryRecord | null> {
    const rows = await this.#db.query<{ data: StoryRecord }>(
      'SELECT data FROM stories WHERE campaign_id = $1 AND id = $2',
      [campaignId, id],
    );
    return rows[0]?.data ?? null;
  }

  async getPhoto(campaignId: string, id: string, publicOnly: boolean) {
    const rows = await this.#db.query<PhotoRow>(
      publicOnly
        ? `SELECT p.* FROM photos p LEFT JOIN submissions s ON s.id = p.submission_id
           WHERE p.campaign_id = $1 AND p.id = $2
             AND (p.submission_id IS NULL OR (s.status = 'approved' AND s.photo_published
               AND s.photo_permission AND s.hidden_at IS NULL))`
        : 'SELECT * FROM photos WHERE campaign_id = $1 AND id = $2',
      [campaignId, id],
    );
    return rows[0] ? toPhoto(rows[0]) : null;
  }

  async getPhotoFile(
    campaignId: string,
    id: string,
    width: number,
    publicOnly: boolean,
  ): Promise<PhotoFile | null> {
    const rows = await this.#db.query<PhotoFile>(
      publicOnly
        ? `SELECT f.width, f.bytes, f.etag FROM photo_files f
           JOIN photos p ON p.campaign_id = f.campaign_id AND p.id = f.photo_id
           LEFT JOIN submissions s ON s.id = p.submission_id
           WHERE f.campaign_id = $1 AND f.photo_id = $2 AND f.width = $3
             AND (p.submission_id IS NULL OR (s.status = 'approved' AND s.photo_published
               AND s.photo_permission AND s.hidden_at IS NULL))`
        : `SELECT f.width, f.bytes, f.etag FROM photo_files f
           WHERE f.campaign_id = $1 AND f.photo_id = $2 AND f.width = $3`,
      [campaignId, id, width],
    );
    return rows[0] ?? null;
  }

  // ---- submissions ----

  async findIdempotent(campaignId: string, key: string): Promise<IdempotentRecord | null> {
    const rows = await this.#db.query<{
      deleted: boolean;
      body_hash: string;
      response: SubmissionAccepted;
    }>(
      `SELECT false AS deleted, body_hash, response FROM idempotency_keys
       WHERE campaign_id = $1 AND key = $2
       UNION ALL
       SELECT true, NULL, NULL FROM idempotency_tombstones
       WHERE campaign_id = $1 AND key_sha256 = $3
       LIMIT 1`,
      [campaignId, key, keyDigest(key)],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.deleted) return { kind: 'deleted' };
    return { kind: 'answered', bodyHash: row.body_hash, accepted: row.response };
  }

  /**
   * Group commit (pg-batch.ts): submissions that arrive while the previous batch
   * commits are written in one transaction; each answer comes after its COMMIT.
   */
  createSubmission(input: CreateInput): Promise<CreateResult> {
    return this.#batches.add(input);
  }

  /** Batches committed, the submissions in them, and rows of failed batches written again. */
  get submissionBatches(): Readonly<PgSubmissionBatches['figures']> {
    return this.#batches.figures;
  }

  /**
   * One transaction for one submission (a batch of one, or each row of a batch that
   * failed). The idempotency key is claimed first: a second
   * request with the same key — on this instance or another — waits on the key's
   * unique index until the first commits (then answers its answer) or rolls back
   * (then stores its own). Nothing is visible before the commit. The tombstone is
   * read after the claim, so a delete that committed while the claim waited is seen.
   */
  async #createOne(input: CreateInput): Promise<CreateResult> {
    const { submission, photo, idempotencyKey, bodyHash } = input;
    const accepted = acceptedAnswer(submission);
    return this.#db.tx(async (client): Promise<CreateResult> => {
      const claimed = await client.query(
        `INSERT INTO idempotency_keys (campaign_id, key, body_hash, response, created_at,
           submission_id)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          submission.campaignId,
          idempotencyKey,
          bodyHash,
          JSON.stringify(accepted),
          submission.receivedAt,
          submission.id,
        ],
      );
      if (claimed.rowCount === 0) {
        return this.#earlierAnswer(client, submission.campaignId, idempotencyKey, bodyHash);
      }
      if (await this.#tombstoned(client, submission.campaignId, idempotencyKey)) {
        await client.query('DELETE FROM idempotency_keys WHERE campaign_id = $1 AND key = $2', [
          submission.campaignId,
          idempotencyKey,
        ]);
        return { kind: 'deleted' };
      }
      await client.query(
        `INSERT INTO submissions (id, campaign_id, status, message, display_name, anonymous,
           district, email, locale, publish_permission, consent_version, received_at, photo_id,
           origin, photo_permission, receipt_hash, flags, client_hash, text_hash)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
           $17, $18)`,
        [
          submission.id,
          submission.campaignId,
          submission.message,
          submission.displayName,
          submission.anonymous,
          submission.district,
          submission.email,
          submission.locale,
          submission.publishPermission,
          submission.consentVersion,
          submission.receivedAt,
          photo?.record.id ?? null,
          submission.origin,
          Boolean(submission.photoPermission) && photo !== null,
          submission.receiptHash ?? null,
          flagsColumn(submission.flags ?? []),
          submission.clientHash ?? null,
          submission.textHash ?? null,
        ],
      );
      if (photo) await this.#putPhoto(client, photo);
      await this.#live.notifyStaff(client, {
        campaignId: submission.campaignId,
        type: 'received',
        id: submission.id,
        status: 'pending',
        at: submission.receivedAt,
      });
      return { kind: 'created', accepted };
    });
  }

  /** The key was taken: its first answer, a conflict, or — deleted since — `deleted`. */
  async #earlierAnswer(
    client: pg.PoolClient,
    campaignId: string,
    key: string,
    bodyHash: string,
  ): Promise<CreateResult> {
    const { rows } = await client.query<{ body_hash: string; response: SubmissionAccepted }>(
      'SELECT body_hash, response FROM idempotency_keys WHERE campaign_id = $1 AND key = $2',
      [campaignId, key],
    );
    const existing = rows[0];
    if (!existing) {
      if (await this.#tombstoned(client, campaignId, key)) return { kind: 'deleted' };
      throw new Error('idempotency key vanished while being read');
    }
    if (existing.body_hash !== bodyHash) return { kind: 'conflict' };
    return { kind: 'replay', accepted: existing.response };
  }

  async #tombstoned(client: pg.PoolClient, campaignId: string, key: string): Promise<boolean> {
    const { rowCount } = await client.query(
      'SELECT 1 FROM idempotency_tombstones WHERE campaign_id = $1 AND key_sha256 = $2',
      [campaignId, keyDigest(key)],
    );
    return Boolean(rowCount);
  }

  async getSubmission(campaignId: string, id: string): Promise<SubmissionRecord | null> {
    const rows = await this.#db.query<SubmissionRow>(
      'SELECT * FROM submissions WHERE campaign_id = $1 AND id = $2',
      [campaignId, id],
    );
    return rows[0] ? toSubmission(rows[0]) : null;
  }

  async listSubmissions(
    campaignId: string,
    query: { status?: SubmissionStatus; limit: number; before?: number },
  ) {
    const before = query.before ?? FROM_TOP;
    const read = rowsToRead(query.limit);
    const rows = query.status
      ? await this.#db.query<SubmissionRow>(
          `SELECT * FROM submissions WHERE campaign_id = $1 AND status = $2 AND seq < $3
           ORDER BY seq DESC LIMIT $4`,
          [campaignId, query.status, before, read],
        )
      : await this.#db.query<SubmissionRow>(
          `SELECT * FROM submissions WHERE campaign_id = $1 AND seq < $2
           ORDER BY seq DESC LIMIT $3`,
          [campaignId, before, read],
        );
    return toPage(rows, query.limit, toSubmission, (item) => item.seq);
  }

  async countSubmissions(campaignId: string): Promise<StatusCounts> {
    const [row] = await this.#db.query<Record<SubmissionStatus, string>>(
      pgPlaceholders(QUEUE_SQL.counts),
      [campaignId, campaignId, campaignId, campaignId],
    );
    return toCounts(row);
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
   * The row, its photo and its idempotency record go in one transaction; the key
   * stays as a tombstone. Under MVCC the deleted row versions stay in the table files
   * until VACUUM reclaims them (and in the WAL until its segments are recycled): a
   * VACUUM of the tables is started after the commit, not awaited by the answer.
   */
  async deleteSubmission(campaignId: string, id: string, by?: DeletedBy) {
    const result = await this.#db.tx(async (client) => {
      const { rows } = await client.query<SubmissionRow>(
        'SELECT * FROM submissions WHERE campaign_id = $1 AND id = $2 FOR UPDATE',
        [campaignId, id],
      );
      const row = rows[0];
      if (!row) return { deleted: false, event: null };
      let event: LiveEvent | null = null;
      const now = by?.now ?? Date.now();
      if (row.status === 'approved') {
        const eventId = await this.#live.addEvent(client, campaignId, 'remove', id, now);
        event = { id: eventId, campaignId, type: 'remove', quoteId: id };
      }
      if (by) {
        await this.#newsroom.appendAuditIn(client, deleteAudit(campaignId, row.status, id, by));
        await this.#live.notifyStaff(client, {
          campaignId,
          type: 'deleted',
          id,
          actor: by.actor,
          at: now,
        });
      }
      await this.#tombstoneKeys(client, campaignId, id);
      await client.query('DELETE FROM photos WHERE campaign_id = $1 AND submission_id = $2', [
        campaignId,
        id,
      ]);
      await client.query('DELETE FROM submissions WHERE campaign_id = $1 AND id = $2', [
        campaignId,
        id,
      ]);
      return { deleted: true, event };
    });
    if (result.deleted) this.#vacuumSoon();
    if (result.event) await this.#live.handedOut(result.event.id);
    return result;
  }

  /** Replaces the submission's idempotency records with tombstones of their keys. */
  async #tombstoneKeys(client: pg.PoolClient, campaignId: string, submissionId: string) {
    const { rows } = await client.query<{ key: string }>(
      'DELETE FROM idempotency_keys WHERE campaign_id = $1 AND submission_id = $2 RETURNING key',
      [campaignId, submissionId],
    );
    if (!rows.length) return;
    await client.query(
      `INSERT INTO idempotency_tombstones (campaign_id, key_sha256, created_at)
       SELECT $1, digest, $3 FROM unnest($2::text[]) AS digest
       ON CONFLICT DO NOTHING`,
      [campaignId, rows.map((row) => keyDigest(row.key)), Date.now()],
    );
  }

  /**
   * Best effort, in the background: one VACUUM at a time, one more if deletes came in
   * meanwhile. A failure (statement timeout, a lock) leaves it to autovacuum.
   */
  #vacuumSoon(): void {
    if (this.#vacuum) {
      this.#vacuumAgain = true;
      return;
    }
    this.#vacuum = (async () => {
      do {
        this.#vacuumAgain = false;
        await this.#db.query(PRIVACY_VACUUM).catch(() => undefined);
      } while (this.#vacuumAgain && !this.#closed);
      this.#vacuum = null;
    })();
  }

  async pruneIdempotencyKeys(olderThan: number): Promise<number> {
    const keys = await this.#db.result('DELETE FROM idempotency_keys WHERE created_at < $1', [
      olderThan,
    ]);
    const tombstones = await this.#db.result(
      'DELETE FROM idempotency_tombstones WHERE created_at < $1',
      [olderThan],
    );
    return (keys.rowCount ?? 0) + (tombstones.rowCount ?? 0);
  }

  // ---- wall ----

  /** One statement, so the page and its last event id come from one snapshot. */
  async listQuotes(campaignId: string, query: { limit: number; before?: number }) {
    const rows = await this.#db.query<SubmissionRow & { last_event_id: string }>(
      `SELECT m.last_event_id, s.* FROM
         (SELECT coalesce(max(id), 0) AS last_event_id FROM events WHERE campaign_id = $1) m
       LEFT JOIN LATERAL (
         SELECT * FROM submissions
         WHERE campaign_id = $1 AND status = 'approved' AND hidden_at IS NULL AND wall_seq < $2
         ORDER BY wall_seq DESC LIMIT $3
       ) s ON true`,
      [campaignId, query.before ?? FROM_TOP, rowsToRead(query.limit)],
    );
    const lastEventId = Number(rows[0]?.last_event_id ?? 0);
    const quotes = rows.filter((row) => row.id !== null);
    return { ...toPage(quotes, query.limit, toQuote, (item) => item.wallSeq), lastEventId };
  }

  async lastEventId(campaignId: string): Promise<number> {
    const rows = await this.#db.query<{ last: string }>(
      'SELECT coalesce(max(id), 0) AS last FROM events WHERE campaign_id = $1',
      [campaignId],
    );
    return Number(rows[0].last);
  }

  async eventsAfter(campaignId: string, afterId: number, limit: number) {
    const rows = await this.#db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
       LEFT JOIN submissions s ON s.id = e.quote_id AND s.status = 'approved' AND s.hidden_at IS NULL
       WHERE e.campaign_id = $1 AND e.id > $2
       ORDER BY e.id LIMIT $3`,
      [campaignId, afterId, limit],
    );
    return toReplay(rows, afterId);
  }

  // ---- rate limit (shared by every instance; see pg-rate-limit.ts) ----

  hitRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }> {
    return this.#rateLimits.hitRateLimit(key, windowMs);
  }

  peekRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }> {
    return this.#rateLimits.peekRateLimit(key, windowMs);
  }

  releaseRateLimit(key: string, windowMs: number): Promise<void> {
    return this.#rateLimits.releaseRateLimit(key, windowMs);
  }

  pruneRateLimits(windowMs: number): Promise<void> {
    return this.#rateLimits.pruneRateLimits(windowMs);
  }

  // ---- the newsroom (pg-newsroom.ts) ----

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
  /** Look-ups waiting at once share one query (pg-batch.ts). */
  hasRepeat(campaignId: string, textHash: string, clientHash: string) {
    return this.#repeats.has(campaignId, textHash, clientHash);
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

  // Campaigns and roles per campaign (campaign-roles.ts).
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
  districtsInUse(campaignId: string): Promise<string[]> {
    return pgDistrictsInUse(this.#db, campaignId);
  }
  // Partner sites and open walls by origin (partners.ts).
  #partnersPart: PartnerQueries | undefined;
  get #partners(): PartnerQueries {
    return (this.#partnersPart ??= new PartnerQueries(pgPlanRunner(this.#db)));
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
