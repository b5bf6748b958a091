/**
 * Group commit for submissions on PostgreSQL. Submissions that arrive while the
 * previous batch commits (or in the same turn of the event loop) are written together:
 * one transaction of a few multi-row statements (`INSERT … SELECT FROM unnest(…)`)
 * whatever the batch's size, where one transaction per submission took nine round
 * trips. Each caller's promise settles only after its batch's COMMIT, so an accepted
 * submission is a committed one.
 *
 * Idempotency as in the one-at-a-time path: the keys are claimed first with
 * `ON CONFLICT DO NOTHING` (a key another transaction is writing, on this instance or
 * another, waits on the unique index until that one commits or rolls back); the
 * statements after the claim see what committed meanwhile (READ COMMITTED takes a new
 * snapshot per statement), so an unclaimed key reads its first answer and a claimed
 * key whose submission was deleted meanwhile finds its tombstone. A key that is twice
 * in the waiting batch goes to the next batch, where it replays the first's answer.
 * Keys are claimed in sorted order, so two batches never wait on each other in a cycle.
 *
 * Errors reach only the caller whose row caused them: when a batch fails for anything
 * but a lost database or a statement timeout, its halves are written again, down to
 * one transaction for the faulty row.
 */
import type pg from 'pg';
import type { SubmissionAccepted } from '../../../src/api/wire.js';
import { acceptedAnswer, keyDigest } from './idempotency.js';
import { isConnectionError, type PgConnection, storeError } from './pg-connection.js';
import type { PgLiveFeed } from './pg-live.js';
import type { StaffEvent } from './newsroom.js';
import type { CreateResult, NewPhoto, NewSubmission } from './store.js';
import { flagsColumn } from './transitions.js';

export interface CreateInput {
  submission: NewSubmission;
  photo: NewPhoto | null;
  idempotencyKey: string;
  bodyHash: string;
}

interface Waiting {
  input: CreateInput;
  /** `campaign\nkey`: one per batch. */
  id: string;
  resolve: (result: CreateResult) => void;
  reject: (error: unknown) => void;
}

export interface BatchParts {
  db: PgConnection;
  live: PgLiveFeed;
  /** Writes a photo's rows in the batch's transaction. */
  putPhoto: (client: pg.PoolClient, photo: NewPhoto) => Promise<void>;
  /** The one-transaction path, for the rows of a batch that failed. */
  single: (input: CreateInput) => Promise<CreateResult>;
}

/** Most submissions in one batch (bounds a statement's parameters and a stall's blast). */
export const MAX_BATCH = 256;
/** SQLSTATE of a statement timeout (or a cancel): the database was slow, not a row. */
const QUERY_CANCELED = '57014';
/** Batches committing at once on one instance: one collects while the other commits. */
const IN_FLIGHT = 2;

export class PgSubmissionBatches {
  readonly #parts: BatchParts;
  #waiting: Waiting[] = [];
  readonly #waitingIds = new Set<string>();
  /** Keys already in #waiting, for the batch after. */
  #later: Waiting[] = [];
  #running = 0;
  readonly #inFlight = new Set<Promise<void>>();
  #scheduled = false;
  /** Batches written, and submissions in them: for the bench's profile. */
  readonly figures = { batches: 0, rows: 0, retried: 0 };

  constructor(parts: BatchParts) {
    this.#parts = parts;
  }

  add(input: CreateInput): Promise<CreateResult> {
    return new Promise((resolve, reject) => {
      const item: Waiting = {
        input,
        id: `${input.submission.campaignId}\n${input.idempotencyKey}`,
        resolve,
        reject,
      };
      if (this.#waitingIds.has(item.id)) this.#later.push(item);
      else this.#wait(item);
      this.#schedule();
    });
  }

  /** Resolves once every submission handed in so far has its answer (for a close). */
  async idle(): Promise<void> {
    while (this.#inFlight.size || this.#waiting.length || this.#later.length) {
      if (!this.#inFlight.size) this.#start();
      await Promise.all(this.#inFlight);
    }
  }

  #wait(item: Waiting): void {
    this.#waiting.push(item);
    this.#waitingIds.add(item.id);
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= IN_FLIGHT || !this.#waiting.length) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start(): void {
    while (this.#running < IN_FLIGHT && this.#waiting.length) {
      const batch = this.#waiting.splice(0, MAX_BATCH);
      for (const item of batch) this.#waitingIds.delete(item.id);
      // Repeated keys move up once their first is out of the waiting list.
      const later = this.#later.splice(0);
      for (const item of later) {
        if (this.#waitingIds.has(item.id)) this.#later.push(item);
        else this.#wait(item);
      }
      this.#running++;
      const done: Promise<void> = this.#run(batch).finally(() => {
        this.#running--;
        this.#inFlight.delete(done);
        this.#start();
      });
      this.#inFlight.add(done);
    }
  }

  async #run(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [item] = batch;
      await this.#parts.single(item.input).then(item.resolve, item.reject);
      return;
    }
    let results: CreateResult[];
    try {
      results = await this.#parts.db.tx((client) => this.#write(client, batch));
    } catch (error) {
      if (isConnectionError(error) || (error as { code?: unknown }).code === QUERY_CANCELED) {
        // Not one row's fault: each row alone would meet the same.
        for (const item of batch) item.reject(storeError(error));
        return;
      }
      // One row's fault (a constraint, a bad byte): the halves again, down to single
      // rows, so only its caller hears of it and the others still share transactions.
      this.figures.retried += batch.length;
      const half = Math.ceil(batch.length / 2);
      await this.#run(batch.slice(0, half));
      await this.#run(batch.slice(half));
      return;
    }
    this.figures.batches++;
    this.figures.rows += batch.length;
    batch.forEach((item, index) => item.resolve(results[index]));
  }

  /**
   * The batch in `client`'s transaction; results in the batch's order. Rows are
   * stored in arrival order; keys are claimed in sorted order.
   */
  async #write(client: pg.PoolClient, batch: Waiting[]): Promise<CreateResult[]> {
    const subs = batch.map((item) => item.input.submission);
    const answers = batch.map((item) => acceptedAnswer(item.input.submission));
    const order = batch.map((_, index) => index);
    order.sort((a, b) => (batch[a].id < batch[b].id ? -1 : batch[a].id > batch[b].id ? 1 : 0));
    const { rows: claimedRows } = await client.query<{ submission_id: string }>(
      `INSERT INTO idempotency_keys (campaign_id, key, body_hash, response, created_at,
         submission_id)
       SELECT campaign_id, key, body_hash, response::jsonb, created_at, submission_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
         AS t(campaign_id, key, body_hash, response, created_at, submission_id)
       ON CONFLICT DO NOTHING
       RETURNING submission_id`,
      [
        order.map((i) => subs[i].campaignId),
        order.map((i) => batch[i].input.idempotencyKey),
        order.map((i) => batch[i].input.bodyHash),
        order.map((i) => JSON.stringify(answers[i])),
        order.map((i) => subs[i].receivedAt),
        order.map((i) => subs[i].id),
      ],
    );
    const claimed = new Set(claimedRows.map((row) => row.submission_id));

    // After the claim: tombstones of every key, the first answers of unclaimed keys,
    // and whether any campaign in the batch has a webhook endpoint.
    const digests = batch.map((item) => keyDigest(item.input.idempotencyKey));
    const unclaimed = batch.filter((item) => !claimed.has(item.input.submission.id));
    const { rows: found } = await client.query<{
      what: 'tombstone' | 'answer' | 'webhooks';
      campaign_id: string;
      key: string;
      body_hash: string | null;
      response: SubmissionAccepted | null;
    }>(
      `SELECT 'tombstone' AS what, t.campaign_id, t.key_sha256 AS key, NULL AS body_hash,
         NULL::jsonb AS response
       FROM idempotency_tombstones t
       JOIN unnest($1::text[], $2::text[]) AS u(campaign_id, digest)
         ON t.campaign_id = u.campaign_id AND t.key_sha256 = u.digest
       UNION ALL
       SELECT 'answer', k.campaign_id, k.key, k.body_hash, k.response FROM idempotency_keys k
       JOIN unnest($3::text[], $4::text[]) AS u(campaign_id, key)
         ON k.campaign_id = u.campaign_id AND k.key = u.key
       UNION ALL
       SELECT DISTINCT 'webhooks', e.campaign_id, '', NULL, NULL::jsonb FROM webhook_endpoints e
       WHERE e.campaign_id = ANY($1::text[])`,
      [
        subs.map((s) => s.campaignId),
        digests,
        unclaimed.map((item) => item.input.submission.campaignId),
        unclaimed.map((item) => item.input.idempotencyKey),
      ],
    );
    const tombstones = new Set<string>();
    const earlier = new Map<string, { bodyHash: string; accepted: SubmissionAccepted }>();
    const withWebhooks = new Set<string>();
    for (const row of found) {
      if (row.what === 'tombstone') tombstones.add(`${row.campaign_id}\n${row.key}`);
      else if (row.what === 'answer') {
        earlier.set(`${row.campaign_id}\n${row.key}`, {
          bodyHash: row.body_hash!,
          accepted: row.response!,
        });
      } else withWebhooks.add(row.campaign_id);
    }
    const tombstoned = (index: number) =>
      tombstones.has(`${subs[index].campaignId}\n${digests[index]}`);

    const results: CreateResult[] = [];
    const created: number[] = [];
    const undo: number[] = [];
    batch.forEach((item, index) => {
      if (claimed.has(item.input.submission.id)) {
        if (tombstoned(index)) {
          undo.push(index);
          results.push({ kind: 'deleted' });
        } else {
          created.push(index);
          results.push({ kind: 'created', accepted: answers[index] });
        }
        return;
      }
      const first = earlier.get(item.id);
      if (!first) {
        if (tombstoned(index)) results.push({ kind: 'deleted' });
        else throw new Error('idempotency key vanished while being read');
        return;
      }
      results.push(
        first.bodyHash === item.input.bodyHash
          ? { kind: 'replay', accepted: first.accepted }
          : { kind: 'conflict' },
      );
    });

    if (undo.length) {
      await client.query(
        `DELETE FROM idempotency_keys k USING unnest($1::text[], $2::text[]) AS u(campaign_id, key)
         WHERE k.campaign_id = u.campaign_id AND k.key = u.key`,
        [undo.map((i) => subs[i].campaignId), undo.map((i) => batch[i].input.idempotencyKey)],
      );
    }
    if (!created.length) return results;

    const rows = created.map((i) => ({ s: subs[i], photo: batch[i].input.photo }));
    const events: StaffEvent[] = rows.map(({ s }) => ({
      campaignId: s.campaignId,
      type: 'received',
      id: s.id,
      status: 'pending',
      at: s.receivedAt,
    }));
    // The rows and the staff consoles' notifications in one statement; NOTIFY is sent
    // at COMMIT, in this order.
    await client.query(
      `WITH stored AS (
         INSERT INTO submissions (id, campaign_id, status, message, display_name, anonymous,
           district, email, locale, publish_permission, consent_version, received_at, photo_id,
           origin, photo_permission, receipt_hash, flags, client_hash, text_hash)
         SELECT id, campaign_id, 'pending', message, display_name, anonymous, district, email,
           locale, publish_permission, consent_version, received_at, photo_id, origin,
           photo_permission, receipt_hash, flags, client_hash, text_hash
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[],
           $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::bigint[],
           $12::text[], $13::text[], $14::boolean[], $15::text[], $16::text[], $17::text[],
           $18::text[])
           WITH ORDINALITY AS t(id, campaign_id, message, display_name, anonymous, district,
             email, locale, publish_permission, consent_version, received_at, photo_id, origin,
             photo_permission, receipt_hash, flags, client_hash, text_hash, n)
         ORDER BY n
         RETURNING 1
       )
       SELECT pg_notify($19, payload) FROM unnest($20::text[]) AS p(payload)`,
      [
        rows.map(({ s }) => s.id),
        rows.map(({ s }) => s.campaignId),
        rows.map(({ s }) => s.message),
        rows.map(({ s }) => s.displayName),
        rows.map(({ s }) => s.anonymous),
        rows.map(({ s }) => s.district),
        rows.map(({ s }) => s.email),
        rows.map(({ s }) => s.locale),
        rows.map(({ s }) => s.publishPermission),
        rows.map(({ s }) => s.consentVersion),
        rows.map(({ s }) => s.receivedAt),
        rows.map(({ photo }) => photo?.record.id ?? null),
        rows.map(({ s }) => s.origin),
        rows.map(({ s, photo }) => Boolean(s.photoPermission) && photo !== null),
        rows.map(({ s }) => s.receiptHash ?? null),
        rows.map(({ s }) => flagsColumn(s.flags ?? [])),
        rows.map(({ s }) => s.clientHash ?? null),
        rows.map(({ s }) => s.textHash ?? null),
        this.#parts.live.staffChannel,
        events.map((event) => JSON.stringify(event)),
      ],
    );
    for (const { photo } of rows) if (photo) await this.#parts.putPhoto(client, photo);
    // The webhook outbox, row by row in its savepoints, only where an endpoint exists.
    const outbox = this.#parts.live.inTransaction;
    if (outbox) {
      for (const event of events) {
        if (withWebhooks.has(event.campaignId)) await outbox(client, event);
      }
    }
    return results;
  }
}

/**
 * The repeat look-up of screening ("the same words from the same client before?"),
 * one query for every look-up waiting, as the submissions are: under load each
 * submission's own query held a pooled connection for a round trip. Each look-up sees
 * what committed before its query, as a query of its own would.
 */
interface Lookup {
  campaignId: string;
  textHash: string;
  clientHash: string;
  resolve: (repeat: boolean) => void;
  reject: (error: unknown) => void;
}

export class PgRepeatLookups {
  readonly #db: PgConnection;
  #waiting: Lookup[] = [];
  #running = 0;
  #scheduled = false;

  constructor(db: PgConnection) {
    this.#db = db;
  }

  has(campaignId: string, textHash: string, clientHash: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ campaignId, textHash, clientHash, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running >= IN_FLIGHT || !this.#waiting.length) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#running < IN_FLIGHT && this.#waiting.length) {
        const batch = this.#waiting.splice(0, MAX_BATCH);
        this.#running++;
        void this.#run(batch).finally(() => {
          this.#running--;
          this.#schedule();
        });
      }
    });
  }

  async #run(batch: Lookup[]): Promise<void> {
    try {
      const rows = await this.#db.query<{ n: string }>(
        `SELECT u.n FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
           AS u(campaign_id, text_hash, client_hash, n)
         WHERE EXISTS (SELECT 1 FROM submissions s WHERE s.campaign_id = u.campaign_id
           AND s.text_hash = u.text_hash AND s.client_hash = u.client_hash)`,
        [
          batch.map((item) => item.campaignId),
          batch.map((item) => item.textHash),
          batch.map((item) => item.clientHash),
        ],
      );
      const repeats = new Set(rows.map((row) => Number(row.n) - 1));
      batch.forEach((item, index) => item.resolve(repeats.has(index)));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
}
