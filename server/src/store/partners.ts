/**
 * What the store keeps of partner sites: each campaign's partners (name, origins,
 * contact, enabled), written with their audit entry in one transaction, under a
 * version that a stale edit cannot overwrite; the figures per origin (submissions,
 * published quotes); and the open walls each API instance reports by origin.
 *
 * A write is a plan (a generator of statements): SQLite runs it inside one synchronous
 * transaction, PostgreSQL inside one transaction holding the campaign's partner lock,
 * so the "origin already used" and "too many partners" checks cannot race. Statements
 * use `?` placeholders; PostgreSQL numbers them.
 */
import type Database from 'better-sqlite3';
import type { Actor } from '../../../src/api/newsroom.js';
import type { AuditRecord, NewAudit } from './newsroom.js';
import {
  AUDIT_SQL,
  type AuditRow,
  auditInsertParams,
  pgPlaceholders,
  toAudit,
} from './newsroom-sql.js';
import type { PgConnection } from './pg-connection.js';

export interface PartnerRecord {
  id: string;
  campaignId: string;
  name: string;
  /** Normalised `scheme://host[:port]`, in the order the admin gave them. */
  origins: string[];
  /** Free text (a person, an address, a phone number), or null. */
  contact: string | null;
  enabled: boolean;
  /** Goes up by one with every change; an update naming an older one is refused. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface PartnerFields {
  name: string;
  origins: string[];
  contact: string | null;
  enabled: boolean;
}

export interface PartnerLimits {
  /** Most partners per campaign. */
  maxPartners: number;
}

export type PartnerWriteResult =
  | { kind: 'ok'; partner: PartnerRecord | null; audit: AuditRecord }
  | { kind: 'not_found' }
  | { kind: 'stale'; current: PartnerRecord }
  /** Another partner of the campaign has this origin. */
  | { kind: 'origin_taken'; origin: string; partner: PartnerRecord }
  | { kind: 'too_many'; max: number };

export interface OriginFigures {
  submissions: number;
  published: number;
}

export interface PresenceRow {
  campaignId: string;
  origin: string;
  open: number;
}

export interface PartnerStore {
  /** Every partner of the campaign (all campaigns when null), oldest first. */
  listPartners(campaignId: string | null): Promise<PartnerRecord[]>;
  getPartner(campaignId: string, id: string): Promise<PartnerRecord | null>;
  createPartner(input: {
    id: string;
    campaignId: string;
    fields: PartnerFields;
    actor: Actor;
    now: number;
    limits: PartnerLimits;
  }): Promise<PartnerWriteResult>;
  /** Replaces the fields when `version` is the stored one. */
  updatePartner(input: {
    id: string;
    campaignId: string;
    version: number;
    fields: PartnerFields;
    actor: Actor;
    now: number;
  }): Promise<PartnerWriteResult>;
  deletePartner(input: {
    id: string;
    campaignId: string;
    version: number;
    actor: Actor;
    now: number;
  }): Promise<PartnerWriteResult>;
  /** Submissions and published quotes (approved, not hidden) by origin. */
  originFigures(campaignId: string): Promise<Map<string, OriginFigures>>;
  /** Replaces this instance's open-wall counts (and drops rows older than `dropBefore`). */
  putPresence(
    instanceId: string,
    rows: PresenceRow[],
    now: number,
    dropBefore: number,
  ): Promise<void>;
  /** Open walls by origin on other instances, counting rows written at `freshAfter` or later. */
  presence(
    campaignId: string,
    exceptInstance: string,
    freshAfter: number,
  ): Promise<Map<string, number>>;
}

type Int = number | string;
type Row = Record<string, unknown>;

/** One statement of a plan; `postgresOnly` ones (locks) are skipped by SQLite. */
export interface PlanStep {
  sql: string;
  params: unknown[];
  postgresOnly?: boolean;
}
export type Plan<T> = Generator<PlanStep, T, Row[]>;

interface PartnerRow {
  id: string;
  campaign_id: string;
  name: string;
  origins: string;
  contact: string | null;
  enabled: Int;
  version: Int;
  created_at: Int;
  updated_at: Int;
}

export const PARTNER_SQL = {
  /** Serialises partner writes per campaign on PostgreSQL (SQLite has one writer). */
  lock: 'SELECT pg_advisory_xact_lock(hashtext(?))',
  listAll: 'SELECT * FROM partner_sites ORDER BY campaign_id, created_at, id',
  list: 'SELECT * FROM partner_sites WHERE campaign_id = ? ORDER BY created_at, id',
  get: 'SELECT * FROM partner_sites WHERE campaign_id = ? AND id = ?',
  count: 'SELECT count(*) AS n FROM partner_sites WHERE campaign_id = ?',
  insert: `INSERT INTO partner_sites (id, campaign_id, name, origins, contact, enabled, version,
      created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
    RETURNING *`,
  update: `UPDATE partner_sites SET name = ?, origins = ?, contact = ?, enabled = ?,
      version = version + 1, updated_at = ?
    WHERE campaign_id = ? AND id = ? AND version = ?
    RETURNING *`,
  delete: 'DELETE FROM partner_sites WHERE campaign_id = ? AND id = ? AND version = ?',
  submissionsByOrigin: `SELECT origin, count(*) AS n,
      sum(CASE WHEN status = 'approved' AND hidden_at IS NULL THEN 1 ELSE 0 END) AS published
    FROM submissions WHERE campaign_id = ? AND origin IS NOT NULL GROUP BY origin`,
  dropPresence: 'DELETE FROM partner_presence WHERE instance_id = ? OR updated_at < ?',
  putPresence: `INSERT INTO partner_presence (instance_id, campaign_id, origin, open_streams,
      updated_at) VALUES (?, ?, ?, ?, ?)`,
  presence: `SELECT origin, sum(open_streams) AS n FROM partner_presence
    WHERE campaign_id = ? AND instance_id <> ? AND updated_at >= ? GROUP BY origin`,
} as const;

export const toPartner = (row: PartnerRow): PartnerRecord => ({
  id: row.id,
  campaignId: row.campaign_id,
  name: row.name,
  origins: JSON.parse(row.origins) as string[],
  contact: row.contact,
  enabled: Number(row.enabled) === 1,
  version: Number(row.version),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** What the audit trail keeps of a partner: every field an admin sets, and the version. */
export const partnerForAudit = (partner: PartnerRecord): Record<string, unknown> => ({
  id: partner.id,
  name: partner.name,
  origins: partner.origins,
  contact: partner.contact,
  enabled: partner.enabled,
  version: partner.version,
});

function* lock(campaignId: string): Plan<void> {
  yield { sql: PARTNER_SQL.lock, params: [`partners:${campaignId}`], postgresOnly: true };
}

function* getIn(campaignId: string, id: string): Plan<PartnerRecord | null> {
  const rows = yield { sql: PARTNER_SQL.get, params: [campaignId, id] };
  return rows.length ? toPartner(rows[0] as unknown as PartnerRow) : null;
}

/** The other partner of the campaign that already has one of `origins`, if any. */
function* takenIn(
  campaignId: string,
  origins: readonly string[],
  exceptId: string | null,
): Plan<{ origin: string; partner: PartnerRecord } | null> {
  const rows = yield { sql: PARTNER_SQL.list, params: [campaignId] };
  for (const row of rows) {
    const other = toPartner(row as unknown as PartnerRow);
    if (other.id === exceptId) continue;
    const origin = origins.find((o) => other.origins.includes(o));
    if (origin) return { origin, partner: other };
  }
  return null;
}

function* auditIn(entry: NewAudit): Plan<AuditRecord> {
  const rows = yield { sql: AUDIT_SQL.insert, params: auditInsertParams(entry) };
  return toAudit(rows[0] as unknown as AuditRow);
}

const entry = (
  campaignId: string,
  actor: Actor,
  now: number,
  action: 'partner_create' | 'partner_update' | 'partner_delete',
  before: PartnerRecord | null,
  after: PartnerRecord | null,
): NewAudit => ({
  campaignId,
  at: now,
  actor,
  action,
  submissionId: null,
  reason: null,
  note: null,
  before: before && partnerForAudit(before),
  after: after && partnerForAudit(after),
});

export function* createPlan(
  input: Parameters<PartnerStore['createPartner']>[0],
): Plan<PartnerWriteResult> {
  const { campaignId, fields } = input;
  yield* lock(campaignId);
  const [counted] = yield { sql: PARTNER_SQL.count, params: [campaignId] };
  if (Number(counted.n) >= input.limits.maxPartners) {
    return { kind: 'too_many', max: input.limits.maxPartners };
  }
  const taken = yield* takenIn(campaignId, fields.origins, null);
  if (taken) return { kind: 'origin_taken', ...taken };
  const rows = yield {
    sql: PARTNER_SQL.insert,
    params: [
      input.id,
      campaignId,
      fields.name,
      JSON.stringify(fields.origins),
      fields.contact,
      fields.enabled ? 1 : 0,
      input.now,
      input.now,
    ],
  };
  const partner = toPartner(rows[0] as unknown as PartnerRow);
  const audit = yield* auditIn(
    entry(campaignId, input.actor, input.now, 'partner_create', null, partner),
  );
  return { kind: 'ok', partner, audit };
}

export function* updatePlan(
  input: Parameters<PartnerStore['updatePartner']>[0],
): Plan<PartnerWriteResult> {
  const { campaignId, fields } = input;
  yield* lock(campaignId);
  const before = yield* getIn(campaignId, input.id);
  if (!before) return { kind: 'not_found' };
  if (before.version !== input.version) return { kind: 'stale', current: before };
  const taken = yield* takenIn(campaignId, fields.origins, input.id);
  if (taken) return { kind: 'origin_taken', ...taken };
  const rows = yield {
    sql: PARTNER_SQL.update,
    params: [
      fields.name,
      JSON.stringify(fields.origins),
      fields.contact,
      fields.enabled ? 1 : 0,
      input.now,
      campaignId,
      input.id,
      input.version,
    ],
  };
  const partner = toPartner(rows[0] as unknown as PartnerRow);
  const audit = yield* auditIn(
    entry(campaignId, input.actor, input.now, 'partner_update', before, partner),
  );
  return { kind: 'ok', partner, audit };
}

export function* deletePlan(
  input: Parameters<PartnerStore['deletePartner']>[0],
): Plan<PartnerWriteResult> {
  const { campaignId } = input;
  yield* lock(campaignId);
  const before = yield* getIn(campaignId, input.id);
  if (!before) return { kind: 'not_found' };
  if (before.version !== input.version) return { kind: 'stale', current: before };
  yield { sql: PARTNER_SQL.delete, params: [campaignId, input.id, input.version] };
  const audit = yield* auditIn(
    entry(campaignId, input.actor, input.now, 'partner_delete', before, null),
  );
  return { kind: 'ok', partner: null, audit };
}

function* listPlan(campaignId: string | null): Plan<PartnerRecord[]> {
  const rows = campaignId
    ? yield { sql: PARTNER_SQL.list, params: [campaignId] }
    : yield { sql: PARTNER_SQL.listAll, params: [] };
  return rows.map((row) => toPartner(row as unknown as PartnerRow));
}

function* figuresPlan(campaignId: string): Plan<Map<string, OriginFigures>> {
  const rows = yield { sql: PARTNER_SQL.submissionsByOrigin, params: [campaignId] };
  return new Map(
    rows.map((row) => [
      String(row.origin),
      { submissions: Number(row.n as Int), published: Number((row.published as Int | null) ?? 0) },
    ]),
  );
}

function* putPresencePlan(
  instanceId: string,
  rows: PresenceRow[],
  now: number,
  dropBefore: number,
): Plan<void> {
  yield { sql: PARTNER_SQL.dropPresence, params: [instanceId, dropBefore] };
  for (const row of rows) {
    yield {
      sql: PARTNER_SQL.putPresence,
      params: [instanceId, row.campaignId, row.origin, row.open, now],
    };
  }
}

function* presencePlan(
  campaignId: string,
  exceptInstance: string,
  freshAfter: number,
): Plan<Map<string, number>> {
  const rows = yield {
    sql: PARTNER_SQL.presence,
    params: [campaignId, exceptInstance, freshAfter],
  };
  return new Map(rows.map((row) => [String(row.origin), Number(row.n as Int)]));
}

/** Runs a plan to its end in one transaction (or, for a read, as it comes). */
export interface PlanRunner {
  run<T>(plan: Plan<T>, write: boolean): Promise<T>;
}

/** The queries, on either database. */
export class PartnerQueries implements PartnerStore {
  readonly #runner: PlanRunner;

  constructor(runner: PlanRunner) {
    this.#runner = runner;
  }

  listPartners(campaignId: string | null) {
    return this.#runner.run(listPlan(campaignId), false);
  }

  getPartner(campaignId: string, id: string) {
    return this.#runner.run(getIn(campaignId, id), false);
  }

  createPartner(input: Parameters<PartnerStore['createPartner']>[0]) {
    return this.#runner.run(createPlan(input), true);
  }

  updatePartner(input: Parameters<PartnerStore['updatePartner']>[0]) {
    return this.#runner.run(updatePlan(input), true);
  }

  deletePartner(input: Parameters<PartnerStore['deletePartner']>[0]) {
    return this.#runner.run(deletePlan(input), true);
  }

  originFigures(campaignId: string) {
    return this.#runner.run(figuresPlan(campaignId), false);
  }

  putPresence(instanceId: string, rows: PresenceRow[], now: number, dropBefore: number) {
    return this.#runner.run(putPresencePlan(instanceId, rows, now, dropBefore), true);
  }

  presence(campaignId: string, exceptInstance: string, freshAfter: number) {
    return this.#runner.run(presencePlan(campaignId, exceptInstance, freshAfter), false);
  }
}

/** better-sqlite3: the whole plan inside one synchronous (immediate) transaction. */
export function sqlitePlanRunner(db: Database.Database): PlanRunner {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const drive = <T>(plan: Plan<T>): T => {
    let step = plan.next([]);
    while (!step.done) {
      const { sql, params, postgresOnly } = step.value;
      let rows: Row[] = [];
      if (!postgresOnly) {
        const statement = prepared(sql);
        if (statement.reader) rows = statement.all(...params) as Row[];
        else statement.run(...params);
      }
      step = plan.next(rows);
    }
    return step.value;
  };
  return {
    run: async <T>(plan: Plan<T>, write: boolean): Promise<T> =>
      write ? db.transaction(() => drive(plan)).immediate() : drive(plan),
  };
}

/** PostgreSQL: a write's plan inside one transaction on one pooled connection. */
export function pgPlanRunner(db: PgConnection): PlanRunner {
  return {
    run: async <T>(plan: Plan<T>, write: boolean): Promise<T> => {
      if (!write) {
        let step = plan.next([]);
        while (!step.done) {
          step = plan.next(await db.query(pgPlaceholders(step.value.sql), step.value.params));
        }
        return step.value;
      }
      return db.tx(async (client) => {
        let step = plan.next([]);
        while (!step.done) {
          const result = await client.query(pgPlaceholders(step.value.sql), step.value.params);
          step = plan.next(result.rows as Row[]);
        }
        return step.value;
      });
    },
  };
}
