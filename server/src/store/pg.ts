/**
 * The PostgreSQL store (`pg`): a connection pool for queries, and one more connection
 * that LISTENs for new events, so several API instances can share one database and
 * each stream every event to its own clients.
 *
 * Event ids. A writer that adds an event takes a transaction-level advisory lock first
 * and uses max(id) + 1; the lock is held until its commit. So event ids commit in id
 * order: a reader that sees id n sees every id below it, and a wall that resumes after
 * n never misses a lower id that committed late (which a plain sequence would allow).
 *
 * Fan-out. Each such transaction also NOTIFYs the channel. Every instance's listener
 * then reads the events after the last one it handed out, from the table, in id order,
 * and hands them to its subscribers: the notification only wakes it up, so a lost
 * notification or a dropped listening connection loses nothing — on reconnect the
 * listener reads what it missed.
 */
import pg from 'pg';
import { type SubmissionRow, toQuote, toSubmission } from './rows.js';
import { planTransition, transitionResult } from './transitions.js';
import type { SubmissionAccepted, SubmissionStatus } from '../../../src/api/wire.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import {
  StoreUnavailableError,
  type CampaignRecord,
  type CreateResult,
  type LiveEvent,
  type LiveStatusListener,
  type NewPhoto,
  type NewSubmission,
  type PhotoFile,
  type PhotoRecord,
  type StaffAction,
  type StatusCounts,
  type Store,
  type StoryRecord,
  type SubmissionRecord,
  type TransitionResult,
} from './store.js';

export interface PgStoreOptions {
  /** `postgres://user@host:port/database` */
  connectionString: string;
  /** Schema holding the tables (created when missing); default `public`. */
  schema?: string;
  /** Most pooled connections (default 10). */
  poolSize?: number;
  /** Milliseconds to wait for a connection before answering "unavailable" (2 000). */
  connectTimeoutMs?: number;
  /** Longest a statement may run, in milliseconds (10 000). */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

interface PhotoRow {
  campaign_id: string;
  id: string;
  submission_id: string | null;
  width: number;
  height: number;
  data: Pick<PhotoRecord, 'widths' | 'text'>;
}

type EventRow = Partial<SubmissionRow> & {
  event_id: string;
  event_campaign_id: string;
  event_type: 'quote' | 'remove';
  event_quote_id: string;
};

const toPhoto = (row: PhotoRow): PhotoRecord => ({
  campaignId: row.campaign_id,
  id: row.id,
  submissionId: row.submission_id,
  width: row.width,
  height: row.height,
  widths: row.data.widths,
  text: row.data.text,
});

function toEvent(row: EventRow): LiveEvent | null {
  const id = Number(row.event_id);
  const campaignId = row.event_campaign_id;
  if (row.event_type === 'remove') {
    return { id, campaignId, type: 'remove', quoteId: row.event_quote_id };
  }
  if (row.id === null || row.id === undefined) return null; // no longer published
  return { id, campaignId, type: 'quote', quote: toQuote(row as SubmissionRow) };
}

const EVENT_COLUMNS = `e.id AS event_id, e.campaign_id AS event_campaign_id,
  e.type AS event_type, e.quote_id AS event_quote_id, s.*`;

/** SQLSTATE classes and client errors that mean "the database is not there". */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(08|57P0)/.test(code)) return true; // connection exception, shutdown
    if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code)) {
      return true;
    }
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i.test(
    error.message,
  );
}

function wrap(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectionError(error)) {
    return new StoreUnavailableError('The database is unavailable', { cause: error });
  }
  return error;
}

const quoteIdent = (name: string) => pg.escapeIdentifier(name);

/** Most events read per query by the listener and by a replay page. */
const EVENT_PAGE = 500;

export class PgStore implements Store {
  readonly kind = 'postgres';
  readonly schema: string;
  readonly pool: pg.Pool;
  readonly #options: PgStoreOptions;
  readonly #channel: string;
  readonly #listeners = new Set<{
    onEvent: (event: LiveEvent) => void;
    onStatus: LiveStatusListener | undefined;
  }>();
  #listenClient: pg.Client | null = null;
  #live = false;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #reconnectDelay = 100;
  /** Id of the newest event handed to subscribers. */
  #cursor = 0;
  #pumping = false;
  #pumpAgain = false;
  #waiters: { id: number; resolve: () => void }[] = [];

  constructor(options: PgStoreOptions) {
    this.#options = options;
    this.schema = options.schema ?? 'public';
    this.#channel = `campaign_events:${this.schema}`.slice(0, 63);
    this.pool = new pg.Pool({
      ...this.#clientConfig(),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
      idleTimeoutMillis: 30_000,
    });
    // An idle pooled connection that the server drops must not crash the process.
    this.pool.on('error', () => undefined);
  }

  #clientConfig(): pg.ClientConfig {
    return {
      connectionString: this.#options.connectionString,
      options: `-c search_path=${quoteIdent(this.schema)},public -c statement_timeout=${
        this.#options.statementTimeoutMs ?? 10_000
      }`,
      application_name: this.#options.applicationName ?? 'campaign-api',
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 2000,
    };
  }

  /** A key for pg_advisory_*lock, unique per schema and purpose. */
  #lockKey(purpose: string): string {
    return `hashtext(${pg.escapeLiteral(`${this.schema}:${purpose}`)})`;
  }

  async #query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw wrap(error);
    }
  }

  /** Runs `work` in a transaction on one pooled connection; rolls back on any error. */
  async #tx<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw wrap(error);
    }
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = isConnectionError(error);
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      throw wrap(error);
    } finally {
      client.release(broken);
    }
  }

  async migrate(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw wrap(error);
    }
    try {
      // Waiting for another instance's migration is not a slow statement.
      await client.query('SET statement_timeout = 0');
      await client.query(`SELECT pg_advisory_lock(${this.#lockKey('migrate')})`);
      await client.query('RESET statement_timeout');
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
        );
        const applied = new Set(
          (
            await client.query<{ version: number }>('SELECT version FROM schema_migrations')
          ).rows.map((row) => row.version),
        );
        for (const migration of PG_MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
              [migration.version, migration.name, Date.now()],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${this.#lockKey('migrate')})`);
      }
    } catch (error) {
      throw wrap(error);
    } finally {
      client.release();
    }
    const [{ last }] = await this.#query<{ last: string }>(
      'SELECT coalesce(max(id), 0) AS last FROM events',
    );
    this.#cursor = Number(last);
    await this.#listen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    const client = this.#listenClient;
    this.#listenClient = null;
    await client?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  async exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw wrap(error);
    }
    const key = this.#lockKey(`exclusive:${name}`);
    try {
      await client.query('SET statement_timeout = 0');
      await client.query(`SELECT pg_advisory_lock(${key})`);
      await client.query('RESET statement_timeout');
      try {
        return await task();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${key})`).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  // ---- the live feed ----

  /** Opens the listening connection; on loss, reconnects with backoff and catches up. */
  async #listen(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.#clientConfig());
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#listenClient === client) this.#listenClient = null;
      client.end().catch(() => undefined);
      this.#setLive(false);
      this.#scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', () => this.#pump());
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.#channel)}`);
    } catch (error) {
      onLost();
      throw wrap(error);
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#listenClient = client;
    this.#reconnectDelay = 100;
    this.#pump(); // whatever committed while nobody listened; then live again
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const wait = this.#reconnectDelay;
    this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, 2000);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#listen().catch(() => undefined);
    }, wait);
    this.#reconnectTimer.unref();
  }

  #setLive(live: boolean): void {
    if (this.#live === live) return;
    this.#live = live;
    for (const listener of this.#listeners) listener.onStatus?.(live);
  }

  /** Reads and hands out every event after the cursor; one reader at a time. */
  #pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    void (async () => {
      try {
        do {
          this.#pumpAgain = false;
          for (;;) {
            const rows = await this.#query<EventRow>(
              `SELECT ${EVENT_COLUMNS} FROM events e
               LEFT JOIN submissions s ON s.id = e.quote_id AND s.status = 'approved'
               WHERE e.id > $1 ORDER BY e.id LIMIT ${EVENT_PAGE}`,
              [this.#cursor],
            );
            for (const row of rows) {
              const event = toEvent(row);
              this.#cursor = Number(row.event_id);
              if (event) this.#emit(event);
            }
            this.#wake();
            if (rows.length < EVENT_PAGE || this.#closed) break;
          }
        } while (this.#pumpAgain && !this.#closed);
        if (this.#listenClient) this.#setLive(true);
      } catch {
        // Events are late until the database answers again; try again shortly (the
        // listening connection, if it dropped too, catches up when it is back).
        this.#setLive(false);
        this.#pumping = false;
        if (!this.#closed) setTimeout(() => this.#pump(), 500).unref();
        return;
      }
      this.#pumping = false;
    })();
  }

  #emit(event: LiveEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener.onEvent(event);
      } catch (error) {
        console.error('live event listener failed', error);
      }
    }
  }

  #wake(): void {
    if (!this.#waiters.length) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.id > this.#cursor) return true;
      waiter.resolve();
      return false;
    });
  }

  /**
   * Waits (briefly) until this instance's subscribers have had event `id`, so a write
   * followed by a read on the same instance sees its own event (the quotes cache).
   */
  #handedOut(id: number): Promise<void> {
    if (id <= this.#cursor || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        resolve();
      }, 1000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push({ id, resolve: done });
      this.#pump();
    });
  }

  subscribe(onEvent: (event: LiveEvent) => void, onStatus?: LiveStatusListener): () => void {
    const entry = { onEvent, onStatus };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Adds an event under the event lock (held to commit) and notifies every instance. */
  async #addEvent(
    client: pg.PoolClient,
    campaignId: string,
    type: 'quote' | 'remove',
    quoteId: string,
    now: number,
  ): Promise<number> {
    await client.query(`SELECT pg_advisory_xact_lock(${this.#lockKey('events')})`);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO events (id, campaign_id, type, quote_id, created_at)
       SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4 FROM events
       RETURNING id`,
      [campaignId, type, quoteId, now],
    );
    const id = Number(rows[0].id);
    await client.query('SELECT pg_notify($1, $2)', [this.#channel, String(id)]);
    return id;
  }

  // ---- content ----

  async putCampaign(campaign: CampaignRecord): Promise<void> {
    await this.#query(
      `INSERT INTO campaigns (id, data, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      [campaign.id, JSON.stringify(campaign), Date.now()],
    );
  }

  async putStory(story: StoryRecord): Promise<void> {
    await this.#query(
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
    await this.#tx((client) => this.#putPhoto(client, photo));
  }

  async getCampaign(id: string): Promise<CampaignRecord | null> {
    const rows = await this.#query<{ data: CampaignRecord }>(
      'SELECT data FROM campaigns WHERE id = $1',
      [id],
    );
    return rows[0]?.data ?? null;
  }

  async listCampaignIds(): Promise<string[]> {
    const rows = await this.#query<{ id: string }>('SELECT id FROM campaigns ORDER BY id');
    return rows.map((row) => row.id);
  }

  async listStories(campaignId: string): Promise<StoryRecord[]> {
    const rows = await this.#query<{ data: StoryRecord }>(
      'SELECT data FROM stories WHERE campaign_id = $1 ORDER BY position, id',
      [campaignId],
    );
    return rows.map((row) => row.data);
  }

  async getStory(campaignId: string, id: string): Promise<StoryRecord | null> {
    const rows = await this.#query<{ data: StoryRecord }>(
      'SELECT data FROM stories WHERE campaign_id = $1 AND id = $2',
      [campaignId, id],
    );
    return rows[0]?.data ?? null;
  }

  async getPhoto(campaignId: string, id: string, publicOnly: boolean) {
    const rows = await this.#query<PhotoRow>(
      publicOnly
        ? `SELECT p.* FROM photos p LEFT JOIN submissions s ON s.id = p.submission_id
           WHERE p.campaign_id = $1 AND p.id = $2
             AND (p.submission_id IS NULL OR s.status = 'approved')`
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
    const rows = await this.#query<PhotoFile>(
      publicOnly
        ? `SELECT f.width, f.bytes, f.etag FROM photo_files f
           JOIN photos p ON p.campaign_id = f.campaign_id AND p.id = f.photo_id
           LEFT JOIN submissions s ON s.id = p.submission_id
           WHERE f.campaign_id = $1 AND f.photo_id = $2 AND f.width = $3
             AND (p.submission_id IS NULL OR s.status = 'approved')`
        : `SELECT f.width, f.bytes, f.etag FROM photo_files f
           WHERE f.campaign_id = $1 AND f.photo_id = $2 AND f.width = $3`,
      [campaignId, id, width],
    );
    return rows[0] ?? null;
  }

  // ---- submissions ----

  async findIdempotent(campaignId: string, key: string) {
    const rows = await this.#query<{ body_hash: string; response: SubmissionAccepted }>(
      'SELECT body_hash, response FROM idempotency_keys WHERE campaign_id = $1 AND key = $2',
      [campaignId, key],
    );
    const row = rows[0];
    return row ? { bodyHash: row.body_hash, accepted: row.response } : null;
  }

  /**
   * One transaction per submission. The idempotency key is claimed first: a second
   * request with the same key — on this instance or another — waits on the key's
   * unique index until the first commits (then answers its answer) or rolls back
   * (then stores its own). Nothing is visible before the commit.
   */
  async createSubmission(input: {
    submission: NewSubmission;
    photo: NewPhoto | null;
    idempotencyKey: string;
    bodyHash: string;
  }): Promise<CreateResult> {
    const { submission, photo, idempotencyKey, bodyHash } = input;
    const accepted: SubmissionAccepted = {
      id: submission.id,
      status: 'pending',
      receivedAt: new Date(submission.receivedAt).toISOString(),
    };
    return this.#tx(async (client): Promise<CreateResult> => {
      const claimed = await client.query(
        `INSERT INTO idempotency_keys (campaign_id, key, body_hash, response, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [
          submission.campaignId,
          idempotencyKey,
          bodyHash,
          JSON.stringify(accepted),
          submission.receivedAt,
        ],
      );
      if (claimed.rowCount === 0) {
        const { rows } = await client.query<{ body_hash: string; response: SubmissionAccepted }>(
          'SELECT body_hash, response FROM idempotency_keys WHERE campaign_id = $1 AND key = $2',
          [submission.campaignId, idempotencyKey],
        );
        const existing = rows[0];
        if (!existing) throw new Error('idempotency key vanished while being read');
        if (existing.body_hash !== bodyHash) return { kind: 'conflict' };
        return { kind: 'replay', accepted: existing.response };
      }
      await client.query(
        `INSERT INTO submissions (id, campaign_id, status, message, display_name, anonymous,
           district, email, locale, publish_permission, consent_version, received_at, photo_id)
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
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
        ],
      );
      if (photo) await this.#putPhoto(client, photo);
      return { kind: 'created', accepted };
    });
  }

  async getSubmission(campaignId: string, id: string): Promise<SubmissionRecord | null> {
    const rows = await this.#query<SubmissionRow>(
      'SELECT * FROM submissions WHERE campaign_id = $1 AND id = $2',
      [campaignId, id],
    );
    return rows[0] ? toSubmission(rows[0]) : null;
  }

  async listSubmissions(
    campaignId: string,
    query: { status?: SubmissionStatus; limit: number; before?: number },
  ) {
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const rows = query.status
      ? await this.#query<SubmissionRow>(
          `SELECT * FROM submissions WHERE campaign_id = $1 AND status = $2 AND seq < $3
           ORDER BY seq DESC LIMIT $4`,
          [campaignId, query.status, before, query.limit + 1],
        )
      : await this.#query<SubmissionRow>(
          `SELECT * FROM submissions WHERE campaign_id = $1 AND seq < $2
           ORDER BY seq DESC LIMIT $3`,
          [campaignId, before, query.limit + 1],
        );
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit).map(toSubmission);
    return { items, nextBefore: more ? items[items.length - 1].seq : null };
  }

  async countSubmissions(campaignId: string): Promise<StatusCounts> {
    const counts: StatusCounts = { pending: 0, approved: 0, rejected: 0, removed: 0 };
    const rows = await this.#query<{ status: SubmissionStatus; n: string }>(
      'SELECT status, count(*) AS n FROM submissions WHERE campaign_id = $1 GROUP BY status',
      [campaignId],
    );
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  async transition(
    campaignId: string,
    id: string,
    action: StaffAction,
    now: number,
  ): Promise<TransitionResult> {
    const result = await this.#tx(async (client): Promise<TransitionResult> => {
      const select = (lock: boolean) =>
        client
          .query<SubmissionRow>(
            `SELECT * FROM submissions WHERE campaign_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
            [campaignId, id],
          )
          .then((r) => r.rows[0]);
      const row = await select(true);
      if (!row) return { ok: false, reason: 'not_found', message: 'Submission not found' };
      const plan = planTransition(row.status, Boolean(row.publish_permission), action);
      if (plan.kind !== 'change') {
        return transitionResult(plan, campaignId, toSubmission(row), null, () => toQuote(row));
      }
      const eventId = plan.event
        ? await this.#addEvent(client, campaignId, plan.event, id, now)
        : null;
      const approvedAt = plan.approvedAt === 'now' ? now : plan.approvedAt && row.approved_at;
      await client.query(
        `UPDATE submissions SET status = $3, decided_at = $4, approved_at = $5, wall_seq = $6
         WHERE campaign_id = $1 AND id = $2`,
        [campaignId, id, plan.status, now, approvedAt, plan.event === 'quote' ? eventId : null],
      );
      const updated = await select(false);
      return transitionResult(plan, campaignId, toSubmission(updated), eventId, () =>
        toQuote(updated),
      );
    });
    if (result.ok && result.event) await this.#handedOut(result.event.id);
    return result;
  }

  async deleteSubmission(campaignId: string, id: string) {
    const result = await this.#tx(async (client) => {
      const { rows } = await client.query<SubmissionRow>(
        'SELECT * FROM submissions WHERE campaign_id = $1 AND id = $2 FOR UPDATE',
        [campaignId, id],
      );
      const row = rows[0];
      if (!row) return { deleted: false, event: null };
      let event: LiveEvent | null = null;
      if (row.status === 'approved') {
        const eventId = await this.#addEvent(client, campaignId, 'remove', id, Date.now());
        event = { id: eventId, campaignId, type: 'remove', quoteId: id };
      }
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
    if (result.event) await this.#handedOut(result.event.id);
    return result;
  }

  async pruneIdempotencyKeys(olderThan: number): Promise<number> {
    try {
      return (
        (await this.pool.query('DELETE FROM idempotency_keys WHERE created_at < $1', [olderThan]))
          .rowCount ?? 0
      );
    } catch (error) {
      throw wrap(error);
    }
  }

  // ---- wall ----

  /** One statement, so the page and its last event id come from one snapshot. */
  async listQuotes(campaignId: string, query: { limit: number; before?: number }) {
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const rows = await this.#query<SubmissionRow & { last_event_id: string }>(
      `SELECT m.last_event_id, s.* FROM
         (SELECT coalesce(max(id), 0) AS last_event_id FROM events WHERE campaign_id = $1) m
       LEFT JOIN LATERAL (
         SELECT * FROM submissions
         WHERE campaign_id = $1 AND status = 'approved' AND wall_seq < $2
         ORDER BY wall_seq DESC LIMIT $3
       ) s ON true`,
      [campaignId, before, query.limit + 1],
    );
    const lastEventId = Number(rows[0]?.last_event_id ?? 0);
    const quotes = rows.filter((row) => row.id !== null);
    const more = quotes.length > query.limit;
    const items = quotes.slice(0, query.limit).map(toQuote);
    return { items, nextBefore: more ? items[items.length - 1].wallSeq : null, lastEventId };
  }

  async lastEventId(campaignId: string): Promise<number> {
    const rows = await this.#query<{ last: string }>(
      'SELECT coalesce(max(id), 0) AS last FROM events WHERE campaign_id = $1',
      [campaignId],
    );
    return Number(rows[0].last);
  }

  async eventsAfter(campaignId: string, afterId: number, limit: number) {
    const rows = await this.#query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
       LEFT JOIN submissions s ON s.id = e.quote_id AND s.status = 'approved'
       WHERE e.campaign_id = $1 AND e.id > $2
       ORDER BY e.id LIMIT $3`,
      [campaignId, afterId, limit],
    );
    const events: LiveEvent[] = [];
    let scannedTo = afterId;
    for (const row of rows) {
      scannedTo = Number(row.event_id);
      const event = toEvent(row);
      if (event) events.push(event);
    }
    return { events, scannedTo };
  }

  // ---- rate limit (shared by every instance) ----

  /**
   * Counts one request against `key`'s fixed window, on the database clock; returns
   * the count in the window and the milliseconds left in it.
   */
  async hitRateLimit(key: string, windowMs: number): Promise<{ count: number; leftMs: number }> {
    const rows = await this.#query<{ count: number; left_ms: string }>(
      `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
       INSERT INTO rate_limits AS r (key, window_start, count)
       SELECT $1, now.ms, 1 FROM now
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN r.window_start <= excluded.window_start - $2 THEN 1 ELSE r.count + 1 END,
         window_start = CASE WHEN r.window_start <= excluded.window_start - $2
                             THEN excluded.window_start ELSE r.window_start END
       RETURNING r.count, (r.window_start + $2 - (SELECT ms FROM now)) AS left_ms`,
      [key, windowMs],
    );
    return { count: rows[0].count, leftMs: Number(rows[0].left_ms) };
  }

  /** Drops windows that ended before `olderThanMs` ago. */
  async pruneRateLimits(windowMs: number): Promise<void> {
    await this.#query(
      `DELETE FROM rate_limits
       WHERE window_start < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $1`,
      [windowMs],
    );
  }
}
