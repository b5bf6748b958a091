/**
 * The PostgreSQL store's newsroom part: staff accounts, sessions, one-time links, the
 * audit trail, and the queue's searches, decisions and edits. A decision locks its row
 * (`FOR UPDATE`), so two instances deciding on one submission at once are serialised
 * and the second sees the first's version. Staff events go through the database
 * (pg-live.ts), so every instance's consoles hear every instance's changes.
 */
import type pg from 'pg';
import {
  AUDIT_SQL,
  type AuditRow,
  auditInsertParams,
  auditList,
  DECIDE_SQL,
  decideParams,
  editParams,
  LINK_SQL,
  type LinkRow,
  linkStatements,
  PG_DIALECT,
  pgPlaceholders,
  QUEUE_SQL,
  queuePage,
  queueSearch,
  SESSION_SQL,
  type SessionRow,
  sessionInsertParams,
  STAFF_SQL,
  type StaffRow,
  staffEmail,
  staffInsertParams,
  staffUpdate,
  toAudit,
  toLink,
  toSessionAndStaff,
  toStaff,
} from './newsroom-sql.js';
import type {
  AuditQuery,
  AuditRecord,
  DecisionInput,
  DecisionResult,
  EditInput,
  LinkRecord,
  NewAudit,
  NewStaff,
  NewsroomStore,
  QueueQuery,
  SessionRecord,
  StaffEvent,
  StaffPatch,
  StaffRecord,
} from './newsroom.js';
import type { PgConnection } from './pg-connection.js';
import type { PgLiveFeed } from './pg-live.js';
import { type SubmissionRow, toQuote, toSubmission } from './rows.js';
import type { SubmissionRecord } from './store.js';
import { changedEvent, decisionAudit, planDecision, planEdit, wallEvent } from './transitions.js';
import {
  countReportParams,
  hideAudit,
  type ReportInput,
  type ReportResult,
  type ReportTotals,
  reportEvents,
  reportable,
  SAFETY_SQL,
  toReport,
  toTotals,
} from './safety.js';

const NOT_FOUND: DecisionResult = {
  ok: false,
  reason: 'not_found',
  message: 'Submission not found',
};

/** The statements of newsroom-sql.ts with PostgreSQL's placeholders, converted once. */
const pgSql = <T extends Record<string, string>>(statements: T): T =>
  Object.fromEntries(
    Object.entries(statements).map(([name, sql]) => [name, pgPlaceholders(sql)]),
  ) as T;

const STAFF = pgSql(STAFF_SQL);
const SESSION = pgSql(SESSION_SQL);
const LINK = pgSql(LINK_SQL);
const AUDIT = pgSql(AUDIT_SQL);
const QUEUE = pgSql(QUEUE_SQL);
const DECIDE = pgSql(DECIDE_SQL);

const LOCKED_SUBMISSION = 'SELECT * FROM submissions WHERE campaign_id = $1 AND id = $2 FOR UPDATE';

/** The safety statements, numbered for PostgreSQL once. */
const SAFETY = {
  repeat: pgPlaceholders(SAFETY_SQL.repeat),
  insertReport: pgPlaceholders(SAFETY_SQL.insertReport),
  countReport: pgPlaceholders(SAFETY_SQL.countReport),
  list: pgPlaceholders(SAFETY_SQL.list),
};

export class PgNewsroom implements NewsroomStore {
  readonly #db: PgConnection;
  readonly #live: PgLiveFeed;

  constructor(db: PgConnection, live: PgLiveFeed) {
    this.#db = db;
    this.#live = live;
  }

  // ---- staff accounts ----

  async countStaff(): Promise<number> {
    const [row] = await this.#db.query<{ n: string }>(STAFF.count);
    return Number(row.n);
  }

  async createStaff(staff: NewStaff): Promise<StaffRecord | 'email_taken'> {
    const [row] = await this.#db.query<StaffRow>(STAFF.insert, staffInsertParams(staff));
    return row ? toStaff(row) : 'email_taken';
  }

  async getStaff(id: string): Promise<StaffRecord | null> {
    const [row] = await this.#db.query<StaffRow>(STAFF.get, [id]);
    return row ? toStaff(row) : null;
  }

  async getStaffByEmail(email: string): Promise<StaffRecord | null> {
    const [row] = await this.#db.query<StaffRow>(STAFF.getByEmail, [staffEmail(email)]);
    return row ? toStaff(row) : null;
  }

  async listStaff(): Promise<StaffRecord[]> {
    return (await this.#db.query<StaffRow>(STAFF.list)).map(toStaff);
  }

  async updateStaff(id: string, patch: StaffPatch, now: number): Promise<StaffRecord | null> {
    const { sql, params } = staffUpdate(id, patch, now);
    const [row] = await this.#db.query<StaffRow>(pgPlaceholders(sql), params);
    return row ? toStaff(row) : null;
  }

  // ---- sessions ----

  async createSession(session: SessionRecord): Promise<void> {
    await this.#db.query(SESSION.insert, sessionInsertParams(session));
  }

  async getSession(tokenHash: string, now: number) {
    const [row] = await this.#db.query<SessionRow & StaffRow>(SESSION.get, [tokenHash, now]);
    return row ? toSessionAndStaff(row) : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    await this.#db.query(SESSION.touch, [lastSeenAt, expiresAt, tokenHash]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#db.query(SESSION.delete, [tokenHash]);
  }

  async deleteSessionsOf(staffId: string): Promise<number> {
    return (await this.#db.result(SESSION.deleteOf, [staffId])).rowCount ?? 0;
  }

  async pruneSessions(now: number): Promise<number> {
    return (await this.#db.result(SESSION.prune, [now])).rowCount ?? 0;
  }

  // ---- one-time links ----

  async dropLinksOf(staffId: string): Promise<number> {
    return (await this.#db.result(LINK.dropUnusedOf, [staffId])).rowCount ?? 0;
  }

  async createLink(link: LinkRecord): Promise<void> {
    await this.#db.tx(async (client) => {
      for (const { sql, params } of linkStatements(link)) {
        await client.query(pgPlaceholders(sql), params);
      }
    });
  }

  async peekLink(tokenHash: string, now: number): Promise<LinkRecord | null> {
    const [row] = await this.#db.query<LinkRow>(LINK.peek, [tokenHash, now]);
    return row ? toLink(row) : null;
  }

  async takeLink(tokenHash: string, now: number): Promise<LinkRecord | null> {
    const [row] = await this.#db.query<LinkRow>(LINK.take, [now, tokenHash, now]);
    return row ? toLink(row) : null;
  }

  // ---- the audit trail ----

  /** Appends an entry in `client`'s transaction. */
  async appendAuditIn(client: pg.PoolClient, entry: NewAudit): Promise<AuditRecord> {
    const { rows } = await client.query<AuditRow>(AUDIT.insert, auditInsertParams(entry));
    return toAudit(rows[0]);
  }

  async appendAudit(entry: NewAudit): Promise<AuditRecord> {
    const [row] = await this.#db.query<AuditRow>(AUDIT.insert, auditInsertParams(entry));
    return toAudit(row);
  }

  async listAudit(query: AuditQuery) {
    const { sql, params } = auditList(query);
    const rows = await this.#db.query<AuditRow>(pgPlaceholders(sql), params);
    const items = rows.slice(0, query.limit).map(toAudit);
    return { items, next: rows.length > query.limit ? items[items.length - 1].id : null };
  }

  async getAudit(id: number): Promise<AuditRecord | null> {
    const [row] = await this.#db.query<AuditRow>(AUDIT.get, [id]);
    return row ? toAudit(row) : null;
  }

  // ---- the queue ----

  async searchSubmissions(query: QueueQuery) {
    const { sql, params } = queueSearch(query, PG_DIALECT);
    const rows = await this.#db.query<SubmissionRow>(pgPlaceholders(sql), params);
    return queuePage(rows, query.limit, toSubmission);
  }

  async listOrigins(campaignId: string): Promise<string[]> {
    const rows = await this.#db.query<{ origin: string }>(QUEUE.origins, [campaignId, campaignId]);
    return rows.map((row) => row.origin);
  }

  async findByEmail(campaignId: string, email: string): Promise<SubmissionRecord[]> {
    const rows = await this.#db.query<SubmissionRow>(QUEUE.byEmail, [campaignId, email]);
    return rows.map(toSubmission);
  }

  async decide(input: DecisionInput): Promise<DecisionResult> {
    const result = await this.#db.tx(async (client): Promise<DecisionResult> => {
      const row = await lockedRow(client, input.campaignId, input.id);
      if (!row) return NOT_FOUND;
      const current = toSubmission(row);
      const plan = planDecision(current, input);
      if ('done' in plan) return plan.done;
      const { write } = plan;
      const eventId = write.event
        ? await this.#live.addEvent(client, input.campaignId, write.event, input.id, input.now)
        : null;
      const { rows } = await client.query<SubmissionRow>(
        DECIDE.decide,
        decideParams(PG_DIALECT, input.campaignId, input.id, write, eventId),
      );
      const updated = toSubmission(rows[0]);
      const audit = [await this.appendAuditIn(client, decisionAudit(current, updated, input))];
      await this.#live.notifyStaff(client, changedEvent(updated, audit));
      const event = wallEvent(write.event, eventId, updated, () => toQuote(rows[0]));
      return { ok: true, submission: updated, event, audit };
    });
    if (result.ok && result.event) await this.#live.handedOut(result.event.id);
    return result;
  }

  async editSubmission(input: EditInput): Promise<DecisionResult> {
    const result = await this.#db.tx(async (client): Promise<DecisionResult> => {
      const row = await lockedRow(client, input.campaignId, input.id);
      if (!row) return NOT_FOUND;
      const current = toSubmission(row);
      const plan = planEdit(current, input);
      if ('done' in plan) return plan.done;
      const { write } = plan;
      const { rows } = await client.query<SubmissionRow>(
        DECIDE.edit,
        editParams(PG_DIALECT, input.campaignId, input.id, write),
      );
      const updated = toSubmission(rows[0]);
      const audit: AuditRecord[] = [];
      for (const entry of write.audit(updated.version)) {
        audit.push(await this.appendAuditIn(client, entry));
      }
      const eventId = write.republish
        ? await this.#live.addEvent(client, input.campaignId, 'quote', input.id, input.now)
        : null;
      await this.#live.notifyStaff(client, changedEvent(updated, audit));
      const event = wallEvent('quote', eventId, updated, () => toQuote(rows[0]));
      return { ok: true, submission: updated, event, audit };
    });
    if (result.ok && result.event) await this.#live.handedOut(result.event.id);
    return result;
  }

  // ---- trust and safety ----

  async hasRepeat(campaignId: string, textHash: string, clientHash: string): Promise<boolean> {
    const rows = await this.#db.query(SAFETY.repeat, [campaignId, textHash, clientHash]);
    return rows.length > 0;
  }

  async addReport(input: ReportInput): Promise<ReportResult> {
    const result = await this.#db.tx(async (client): Promise<ReportResult> => {
      const row = await lockedRow(client, input.campaignId, input.id);
      const current = row ? toSubmission(row) : null;
      if (!reportable(current)) return { kind: 'not_found' };
      const inserted = await client.query(SAFETY.insertReport, [
        input.campaignId,
        input.id,
        input.reporterHash,
        input.reason,
        input.note,
        input.now,
      ]);
      if (!inserted.rowCount) return { kind: 'duplicate' };
      const { rows } = await client.query<SubmissionRow>(
        SAFETY.countReport,
        countReportParams(input),
      );
      const updated = toSubmission(rows[0]);
      let reported: ReportResult = {
        kind: 'reported',
        submission: updated,
        event: null,
        audit: null,
      };
      if (updated.hiddenAt !== null) {
        const eventId = await this.#live.addEvent(
          client,
          input.campaignId,
          'remove',
          input.id,
          input.now,
        );
        const audit = await this.appendAuditIn(client, hideAudit(current, updated, input));
        reported = {
          ...reported,
          event: { id: eventId, campaignId: input.campaignId, type: 'remove', quoteId: input.id },
          audit,
        };
      }
      for (const event of reportEvents(reported, input.now)) {
        await this.#live.notifyStaff(client, event);
      }
      return reported;
    });
    if (result.kind === 'reported' && result.event) await this.#live.handedOut(result.event.id);
    return result;
  }

  async reportTotals(campaignId: string, ids: readonly string[]) {
    if (!ids.length) return new Map<string, ReportTotals>();
    const rows = await this.#db.query<Parameters<typeof toTotals>[0][number]>(
      pgPlaceholders(SAFETY_SQL.totals(ids.length)),
      [campaignId, ...ids],
    );
    return toTotals(rows);
  }

  async sharedKey(name: string, candidate: string): Promise<string> {
    await this.#db.query(pgPlaceholders(SAFETY_SQL.putKey), [name, candidate]);
    const [row] = await this.#db.query<{ value: string }>(pgPlaceholders(SAFETY_SQL.getKey), [
      name,
    ]);
    return row.value;
  }

  async listReports(campaignId: string, id: string, limit: number) {
    const rows = await this.#db.query<Parameters<typeof toReport>[0]>(SAFETY.list, [
      campaignId,
      id,
      limit,
    ]);
    return rows.map(toReport);
  }

  subscribeStaff(listener: (event: StaffEvent) => void): () => void {
    return this.#live.subscribeStaff(listener);
  }
}

async function lockedRow(
  client: pg.PoolClient,
  campaignId: string,
  id: string,
): Promise<SubmissionRow | undefined> {
  return (await client.query<SubmissionRow>(LOCKED_SUBMISSION, [campaignId, id])).rows[0];
}
