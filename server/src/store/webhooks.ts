/**
 * What the store keeps for outbound webhooks: a campaign's endpoints (their secrets
 * included) and the outbox of deliveries, one row per event and endpoint, kept until
 * delivered or given up on. The statements are written once with `?` placeholders and
 * run as written by SQLite and numbered for PostgreSQL; `WebhookData` runs the same
 * plan on either through a small `WebhookSql` runner.
 *
 * Claiming: a worker takes due rows by setting a lease (its own id and a time) in one
 * statement; PostgreSQL's `FOR UPDATE SKIP LOCKED` lets several instances claim at once
 * without ever taking the same row, and a crashed worker's lease simply runs out. A
 * finished attempt is written only by the lease's owner.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { DeliveryStatus, WebhookEventType } from '../../../src/api/webhooks.js';
import { deletedKey, plannedDelivery, wantsEvent, webhookEventOf } from '../webhooks/events.js';
import type { StaffEvent } from './newsroom.js';
import { pgPlaceholders } from './newsroom-sql.js';
import type { PgConnection } from './pg-connection.js';
import { type SubmissionRow, toSubmission } from './rows.js';

export interface EndpointRecord {
  id: string;
  campaignId: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  enabled: boolean;
  description: string;
  createdAt: number;
  updatedAt: number;
}

export interface EndpointWithCounts extends EndpointRecord {
  pending: number;
  failed: number;
}

export type EndpointPatch = Partial<
  Pick<EndpointRecord, 'url' | 'events' | 'enabled' | 'description' | 'secret'>
>;

export interface DeliveryRecord {
  id: number;
  eventId: string;
  /** Unique per endpoint: the same event heard twice is enqueued once. */
  eventKey: string;
  endpointId: string;
  campaignId: string;
  submissionId: string | null;
  eventType: string;
  /** The JSON body, exactly as it is sent (and signed). */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** A claimed delivery with where it goes and what signs it. */
export interface ClaimedDelivery extends DeliveryRecord {
  url: string;
  secret: string;
}

export interface NewDelivery {
  eventId: string;
  eventKey: string;
  campaignId: string;
  submissionId: string | null;
  eventType: string;
  payload: string;
  now: number;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface WebhookStore {
  /** `too_many` when the campaign has `max` endpoints already. */
  createWebhookEndpoint(
    endpoint: EndpointRecord,
    max: number,
  ): Promise<EndpointRecord | 'too_many'>;
  getWebhookEndpoint(campaignId: string, id: string): Promise<EndpointRecord | null>;
  /** The campaign's endpoints, oldest first (no counts: read for every event). */
  listWebhookTargets(campaignId: string): Promise<EndpointRecord[]>;
  /** Oldest first, with how many of each one's deliveries are pending and failed. */
  listWebhookEndpoints(campaignId: string): Promise<EndpointWithCounts[]>;
  updateWebhookEndpoint(
    campaignId: string,
    id: string,
    patch: EndpointPatch,
    now: number,
  ): Promise<EndpointRecord | null>;
  /** The endpoint and its deliveries. */
  deleteWebhookEndpoint(campaignId: string, id: string): Promise<boolean>;
  /** One outbox row per endpoint given, none twice for one (endpoint, event key); returns how many were new. */
  enqueueWebhook(endpointIds: readonly string[], delivery: NewDelivery): Promise<number>;
  /** Leases up to `limit` due deliveries of enabled endpoints to `owner` until `now + leaseMs`. */
  claimWebhookDeliveries(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<ClaimedDelivery[]>;
  /** Writes an attempt's outcome and ends the lease; false when `owner` no longer holds it. */
  finishWebhookDelivery(id: number, owner: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** An endpoint's deliveries, newest first; `before` is the cursor (a delivery id). */
  listWebhookDeliveries(
    campaignId: string,
    endpointId: string,
    query: { before?: number; limit: number },
  ): Promise<{ items: DeliveryRecord[]; next: number | null }>;
  /** Due again now, attempts from zero (same event id). */
  resendWebhookDelivery(
    campaignId: string,
    endpointId: string,
    id: number,
    now: number,
  ): Promise<DeliveryRecord | null>;
  /** A submission deleted for good: its deliveries go, but for the one keyed `keepKey`. */
  forgetWebhookSubmission(
    campaignId: string,
    submissionId: string,
    keepKey: string,
  ): Promise<number>;
  /** Delivered and failed rows finished before `olderThan` go. */
  pruneWebhookDeliveries(olderThan: number): Promise<number>;
}

/** How `WebhookData` runs a statement (`?` placeholders) on either database. */
export interface WebhookSql {
  kind: 'sqlite' | 'postgres';
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Rows changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
}

export function sqliteWebhookSql(db: Database.Database): WebhookSql {
  const cache = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = cache.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql);
      cache.set(sql, prepared);
    }
    return prepared;
  };
  const bind = (params: readonly unknown[]) =>
    params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
  return {
    kind: 'sqlite',
    all: async <R>(sql: string, params: readonly unknown[]) =>
      statement(sql).all(...bind(params)) as R[],
    run: async (sql: string, params: readonly unknown[]) =>
      statement(sql).run(...bind(params)).changes,
  };
}

export function pgWebhookSql(db: PgConnection): WebhookSql {
  const numbered = new Map<string, string>();
  const text = (sql: string) => {
    let out = numbered.get(sql);
    if (out === undefined) {
      out = pgPlaceholders(sql);
      numbered.set(sql, out);
    }
    return out;
  };
  return {
    kind: 'postgres',
    all: async <R>(sql: string, params: readonly unknown[]) =>
      (await db.query(text(sql), [...params])) as R[],
    run: async (sql: string, params: readonly unknown[]) =>
      (await db.result(text(sql), [...params])).rowCount ?? 0,
  };
}

type Int = number | string;

interface EndpointRow {
  id: string;
  campaign_id: string;
  url: string;
  events: string;
  secret: string;
  enabled: number | boolean;
  description: string;
  created_at: Int;
  updated_at: Int;
}

interface DeliveryRow {
  id: Int;
  event_id: string;
  event_key: string;
  endpoint_id: string;
  campaign_id: string;
  submission_id: string | null;
  event_type: string;
  payload: string;
  status: DeliveryStatus;
  attempts: Int;
  next_attempt_at: Int;
  last_status: Int | null;
  last_error: string | null;
  created_at: Int;
  delivered_at: Int | null;
}

const ENDPOINT_COLUMNS =
  'id, campaign_id, url, events, secret, enabled, description, created_at, updated_at';
const DELIVERY_COLUMNS = `id, event_id, event_key, endpoint_id, campaign_id, submission_id,
  event_type, payload, status, attempts, next_attempt_at, last_status, last_error, created_at,
  delivered_at`;

export const WEBHOOK_SQL = {
  insertEndpoint: `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS})
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
    WHERE (SELECT count(*) FROM webhook_endpoints WHERE campaign_id = ?) < ?`,
  targets: `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE campaign_id = ?
    ORDER BY created_at, id`,
  getEndpoint: `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE campaign_id = ? AND id = ?`,
  listEndpoints: `SELECT ${ENDPOINT_COLUMNS},
      (SELECT count(*) FROM webhook_deliveries d
        WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending,
      (SELECT count(*) FROM webhook_deliveries d
        WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failed
    FROM webhook_endpoints e WHERE campaign_id = ? ORDER BY created_at, id`,
  updateEndpoint: `UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?, description = ?,
      secret = ?, updated_at = ?
    WHERE campaign_id = ? AND id = ?`,
  deleteDeliveriesOf: 'DELETE FROM webhook_deliveries WHERE endpoint_id = ?',
  deleteEndpoint: 'DELETE FROM webhook_endpoints WHERE campaign_id = ? AND id = ?',
  enqueue: `INSERT INTO webhook_deliveries (event_id, event_key, endpoint_id, campaign_id,
      submission_id, event_type, payload, status, attempts, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
    ON CONFLICT (endpoint_id, event_key) DO NOTHING`,
  /** The PostgreSQL form ends the inner query with FOR UPDATE OF d SKIP LOCKED. */
  claim: (lock: string) => `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?
    WHERE id IN (
      SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ?
        AND (d.lease_until IS NULL OR d.lease_until <= ?) AND e.enabled = ?
      ORDER BY d.next_attempt_at, d.id LIMIT ?${lock})
    RETURNING ${DELIVERY_COLUMNS}`,
  secretsOf: (count: number) =>
    `SELECT id, url, secret FROM webhook_endpoints WHERE id IN (${Array(count).fill('?').join(', ')})`,
  finish: `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?,
      last_status = ?, last_error = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL
    WHERE id = ? AND lease_owner = ?`,
  listDeliveries: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
    WHERE campaign_id = ? AND endpoint_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  resend: `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?,
      last_error = NULL, delivered_at = NULL, lease_owner = NULL, lease_until = NULL
    WHERE campaign_id = ? AND endpoint_id = ? AND id = ?
    RETURNING ${DELIVERY_COLUMNS}`,
  forget: `DELETE FROM webhook_deliveries WHERE campaign_id = ? AND submission_id = ?
    AND event_key <> ?`,
  prune: `DELETE FROM webhook_deliveries WHERE status <> 'pending'
    AND coalesce(delivered_at, next_attempt_at) < ?`,
} as const;

/** Larger than any id (the first page's cursor). */
const TOP = Number.MAX_SAFE_INTEGER;

const toEndpoint = (row: EndpointRow): EndpointRecord => ({
  id: row.id,
  campaignId: row.campaign_id,
  url: row.url,
  events: JSON.parse(row.events) as WebhookEventType[],
  secret: row.secret,
  enabled: row.enabled === true || row.enabled === 1,
  description: row.description,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

const toDelivery = (row: DeliveryRow): DeliveryRecord => ({
  id: Number(row.id),
  eventId: row.event_id,
  eventKey: row.event_key,
  endpointId: row.endpoint_id,
  campaignId: row.campaign_id,
  submissionId: row.submission_id,
  eventType: row.event_type,
  payload: row.payload,
  status: row.status,
  attempts: Number(row.attempts),
  nextAttemptAt: Number(row.next_attempt_at),
  lastStatus: row.last_status === null ? null : Number(row.last_status),
  lastError: row.last_error,
  createdAt: Number(row.created_at),
  deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
});

export class WebhookData implements WebhookStore {
  readonly #sql: WebhookSql;

  constructor(sql: WebhookSql) {
    this.#sql = sql;
  }

  async createWebhookEndpoint(e: EndpointRecord, max: number) {
    const changed = await this.#sql.run(WEBHOOK_SQL.insertEndpoint, [
      e.id,
      e.campaignId,
      e.url,
      JSON.stringify(e.events),
      e.secret,
      e.enabled,
      e.description,
      e.createdAt,
      e.updatedAt,
      e.campaignId,
      max,
    ]);
    return changed === 1 ? e : ('too_many' as const);
  }

  async getWebhookEndpoint(campaignId: string, id: string) {
    const rows = await this.#sql.all<EndpointRow>(WEBHOOK_SQL.getEndpoint, [campaignId, id]);
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async listWebhookTargets(campaignId: string) {
    const rows = await this.#sql.all<EndpointRow>(WEBHOOK_SQL.targets, [campaignId]);
    return rows.map(toEndpoint);
  }

  async listWebhookEndpoints(campaignId: string) {
    const rows = await this.#sql.all<EndpointRow & { pending: Int; failed: Int }>(
      WEBHOOK_SQL.listEndpoints,
      [campaignId],
    );
    return rows.map((row) => ({
      ...toEndpoint(row),
      pending: Number(row.pending),
      failed: Number(row.failed),
    }));
  }

  async updateWebhookEndpoint(campaignId: string, id: string, patch: EndpointPatch, now: number) {
    const current = await this.getWebhookEndpoint(campaignId, id);
    if (!current) return null;
    const next: EndpointRecord = { ...current, ...patch, updatedAt: now };
    await this.#sql.run(WEBHOOK_SQL.updateEndpoint, [
      next.url,
      JSON.stringify(next.events),
      next.enabled,
      next.description,
      next.secret,
      now,
      campaignId,
      id,
    ]);
    return next;
  }

  async deleteWebhookEndpoint(campaignId: string, id: string) {
    const current = await this.getWebhookEndpoint(campaignId, id);
    if (!current) return false;
    // Not relying on ON DELETE CASCADE alone: SQLite enforces it only with foreign_keys on.
    await this.#sql.run(WEBHOOK_SQL.deleteDeliveriesOf, [id]);
    return (await this.#sql.run(WEBHOOK_SQL.deleteEndpoint, [campaignId, id])) === 1;
  }

  async enqueueWebhook(endpointIds: readonly string[], d: NewDelivery) {
    let added = 0;
    for (const endpointId of endpointIds) {
      added += await this.#sql.run(WEBHOOK_SQL.enqueue, [
        d.eventId,
        d.eventKey,
        endpointId,
        d.campaignId,
        d.submissionId,
        d.eventType,
        d.payload,
        d.now,
        d.now,
      ]);
    }
    return added;
  }

  async claimWebhookDeliveries(owner: string, now: number, leaseMs: number, limit: number) {
    if (limit <= 0) return [];
    const lock = this.#sql.kind === 'postgres' ? ' FOR UPDATE OF d SKIP LOCKED' : '';
    const rows = await this.#sql.all<DeliveryRow>(WEBHOOK_SQL.claim(lock), [
      owner,
      now + leaseMs,
      now,
      now,
      true,
      limit,
    ]);
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((row) => row.endpoint_id))];
    const endpoints = await this.#sql.all<{ id: string; url: string; secret: string }>(
      WEBHOOK_SQL.secretsOf(ids.length),
      ids,
    );
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    const claimed: ClaimedDelivery[] = [];
    for (const row of rows) {
      const endpoint = byId.get(row.endpoint_id);
      if (endpoint)
        claimed.push({ ...toDelivery(row), url: endpoint.url, secret: endpoint.secret });
    }
    return claimed.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id - b.id);
  }

  async finishWebhookDelivery(id: number, owner: string, o: DeliveryOutcome) {
    const changed = await this.#sql.run(WEBHOOK_SQL.finish, [
      o.status,
      o.attempts,
      o.nextAttemptAt,
      o.lastStatus,
      o.lastError,
      o.deliveredAt,
      id,
      owner,
    ]);
    return changed === 1;
  }

  async listWebhookDeliveries(
    campaignId: string,
    endpointId: string,
    query: { before?: number; limit: number },
  ) {
    const rows = await this.#sql.all<DeliveryRow>(WEBHOOK_SQL.listDeliveries, [
      campaignId,
      endpointId,
      query.before ?? TOP,
      query.limit + 1,
    ]);
    const items = rows.slice(0, query.limit).map(toDelivery);
    const next = rows.length > query.limit ? items[items.length - 1].id : null;
    return { items, next };
  }

  async resendWebhookDelivery(campaignId: string, endpointId: string, id: number, now: number) {
    const rows = await this.#sql.all<DeliveryRow>(WEBHOOK_SQL.resend, [
      now,
      campaignId,
      endpointId,
      id,
    ]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  forgetWebhookSubmission(campaignId: string, submissionId: string, keepKey: string) {
    return this.#sql.run(WEBHOOK_SQL.forget, [campaignId, submissionId, keepKey]);
  }

  pruneWebhookDeliveries(olderThan: number) {
    return this.#sql.run(WEBHOOK_SQL.prune, [olderThan]);
  }
}

const SUBMISSION_OF = 'SELECT * FROM submissions WHERE campaign_id = ? AND id = ?';

/**
 * Events whose outbox rows the store could not write with the change (campaign and event
 * key), for the webhook service to write once it hears the change was committed. Per
 * process; bounded (a database refusing every write fills it no further).
 */
const misses = new Set<string>();
const MISSES_MAX = 10_000;
const missKey = (campaignId: string, key: string) => `${campaignId}\n${key}`;

function missed(event: StaffEvent, key: string, error: unknown): void {
  console.error('webhook outbox write failed; written again once committed', error);
  if (misses.size >= MISSES_MAX) misses.delete(misses.values().next().value!);
  misses.add(missKey(event.campaignId, key));
}

/** True (once) when the store could not write this event's rows with the change. */
export function takeOutboxMiss(campaignId: string, key: string): boolean {
  return misses.delete(missKey(campaignId, key));
}

/**
 * The outbox rows of committed changes, written by SQLite synchronously right after the
 * change's commit, before any other JavaScript runs (no await, no I/O in between): only
 * a process killed at that instant loses them. A failure is logged and left to this
 * process's webhook service (`takeOutboxMiss`), which writes the rows once it hears it.
 */
export function sqliteOutboxWriter(db: Database.Database): (events: readonly StaffEvent[]) => void {
  let s: Record<'targets' | 'submission' | 'enqueue' | 'forget', Database.Statement> | null = null;
  return (events) => {
    for (const event of events) {
      const of = webhookEventOf(event);
      if (!of) continue;
      try {
        s ??= {
          targets: db.prepare(WEBHOOK_SQL.targets),
          submission: db.prepare(SUBMISSION_OF),
          enqueue: db.prepare(WEBHOOK_SQL.enqueue),
          forget: db.prepare(WEBHOOK_SQL.forget),
        };
        const statements = s;
        db.transaction(() => {
          const targets = (statements.targets.all(event.campaignId) as EndpointRow[])
            .map(toEndpoint)
            .filter((endpoint) => wantsEvent(endpoint, of.type));
          if (targets.length > 0) {
            const row = of.deleted
              ? undefined
              : (statements.submission.get(event.campaignId, of.submissionId) as
                  SubmissionRow | undefined);
            const d = plannedDelivery(event, of, row ? toSubmission(row) : null, Date.now());
            for (const endpoint of targets) {
              statements.enqueue.run(
                d.eventId,
                d.eventKey,
                endpoint.id,
                d.campaignId,
                d.submissionId,
                d.eventType,
                d.payload,
                d.now,
                d.now,
              );
            }
          }
          if (of.deleted) {
            statements.forget.run(event.campaignId, of.submissionId, deletedKey(of.submissionId));
          }
        })();
      } catch (error) {
        missed(event, of.key, error);
      }
    }
  };
}

/**
 * PostgreSQL writes an event's outbox rows in the change's own transaction (called with
 * its client, before COMMIT): the change and its webhooks commit together or not at
 * all. Inside a savepoint, so that a failure here never costs the change (a reader's
 * submission is stored whatever happens to its webhooks); such a failure is logged,
 * and this process's webhook service writes the rows once it hears the commit.
 */
export async function pgOutboxInTransaction(client: pg.PoolClient, event: StaffEvent) {
  const of = webhookEventOf(event);
  if (!of) return;
  await client.query('SAVEPOINT webhook_outbox');
  try {
    const targets = (
      await client.query<EndpointRow>(pgPlaceholders(WEBHOOK_SQL.targets), [event.campaignId])
    ).rows
      .map(toEndpoint)
      .filter((endpoint) => wantsEvent(endpoint, of.type));
    if (targets.length > 0) {
      const row = of.deleted
        ? undefined
        : (
            await client.query<SubmissionRow>(pgPlaceholders(SUBMISSION_OF), [
              event.campaignId,
              of.submissionId,
            ])
          ).rows[0];
      const d = plannedDelivery(event, of, row ? toSubmission(row) : null, Date.now());
      for (const endpoint of targets) {
        await client.query(pgPlaceholders(WEBHOOK_SQL.enqueue), [
          d.eventId,
          d.eventKey,
          endpoint.id,
          d.campaignId,
          d.submissionId,
          d.eventType,
          d.payload,
          d.now,
          d.now,
        ]);
      }
    }
    if (of.deleted) {
      await client.query(pgPlaceholders(WEBHOOK_SQL.forget), [
        event.campaignId,
        of.submissionId,
        deletedKey(of.submissionId),
      ]);
    }
    await client.query('RELEASE SAVEPOINT webhook_outbox');
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT webhook_outbox').catch(() => undefined);
    missed(event, of.key, error);
  }
}
