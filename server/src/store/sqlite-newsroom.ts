/**
 * The SQLite store's newsroom part: staff accounts, sessions, one-time links, the audit
 * trail, and the queue's searches, decisions and edits. better-sqlite3 is synchronous,
 * so a transaction here runs to its end before any other request's JavaScript; staff
 * events are handed to this process's listeners right after the commit.
 */
import type Database from 'better-sqlite3';
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
  QUEUE_SQL,
  queuePage,
  queueSearch,
  SESSION_SQL,
  type SessionRow,
  sessionInsertParams,
  SQLITE_DIALECT,
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
import { type SubmissionRow, toQuote, toSubmission } from './rows.js';
import type { LiveEvent, SubmissionRecord } from './store.js';
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

/** What the newsroom needs of the store it belongs to. */
export interface SqliteNewsroomHost {
  /** Adds a wall event in the current transaction; returns its id. */
  addEvent(campaignId: string, type: 'quote' | 'remove', quoteId: string, now: number): number;
  /** Hands committed wall events to the store's subscribers. */
  emitLive(events: LiveEvent[]): void;
}

/** Most statements kept for the queries built from filters (one per combination). */
const MAX_CACHED = 256;

const NOT_FOUND: DecisionResult = {
  ok: false,
  reason: 'not_found',
  message: 'Submission not found',
};

export class SqliteNewsroom implements NewsroomStore {
  readonly #db: Database.Database;
  readonly #host: SqliteNewsroomHost;
  readonly #s: ReturnType<typeof prepare>;
  readonly #cache = new Map<string, Database.Statement>();
  readonly #staffListeners = new Set<(event: StaffEvent) => void>();

  constructor(db: Database.Database, host: SqliteNewsroomHost) {
    this.#db = db;
    this.#host = host;
    this.#s = prepare(db);
  }

  /** A statement built from filters, prepared once per distinct text. */
  #statement(sql: string): Database.Statement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }

  // ---- staff accounts ----

  async countStaff(): Promise<number> {
    return (this.#s.countStaff.get() as { n: number }).n;
  }

  async createStaff(staff: NewStaff): Promise<StaffRecord | 'email_taken'> {
    const row = this.#s.insertStaff.get(...staffInsertParams(staff)) as StaffRow | undefined;
    return row ? toStaff(row) : 'email_taken';
  }

  async getStaff(id: string): Promise<StaffRecord | null> {
    const row = this.#s.getStaff.get(id) as StaffRow | undefined;
    return row ? toStaff(row) : null;
  }

  async getStaffByEmail(email: string): Promise<StaffRecord | null> {
    const row = this.#s.getStaffByEmail.get(staffEmail(email)) as StaffRow | undefined;
    return row ? toStaff(row) : null;
  }

  async listStaff(): Promise<StaffRecord[]> {
    return (this.#s.listStaff.all() as StaffRow[]).map(toStaff);
  }

  async updateStaff(id: string, patch: StaffPatch, now: number): Promise<StaffRecord | null> {
    const { sql, params } = staffUpdate(id, patch, now);
    const row = this.#statement(sql).get(...params) as StaffRow | undefined;
    return row ? toStaff(row) : null;
  }

  // ---- sessions ----

  async createSession(session: SessionRecord): Promise<void> {
    this.#s.insertSession.run(...sessionInsertParams(session));
  }

  async getSession(tokenHash: string, now: number) {
    const row = this.#s.getSession.get(tokenHash, now) as (SessionRow & StaffRow) | undefined;
    return row ? toSessionAndStaff(row) : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    this.#s.touchSession.run(lastSeenAt, expiresAt, tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.#s.deleteSession.run(tokenHash);
  }

  async deleteSessionsOf(staffId: string): Promise<number> {
    return this.#s.deleteSessionsOf.run(staffId).changes;
  }

  async pruneSessions(now: number): Promise<number> {
    return this.#s.pruneSessions.run(now).changes;
  }

  // ---- one-time links ----

  async dropLinksOf(staffId: string): Promise<number> {
    return this.#statement(LINK_SQL.dropUnusedOf).run(staffId).changes;
  }

  async createLink(link: LinkRecord): Promise<void> {
    this.#db.transaction(() => {
      for (const { sql, params } of linkStatements(link)) this.#statement(sql).run(...params);
    })();
  }

  async peekLink(tokenHash: string, now: number): Promise<LinkRecord | null> {
    const row = this.#s.peekLink.get(tokenHash, now) as LinkRow | undefined;
    return row ? toLink(row) : null;
  }

  async takeLink(tokenHash: string, now: number): Promise<LinkRecord | null> {
    const row = this.#s.takeLink.get(now, tokenHash, now) as LinkRow | undefined;
    return row ? toLink(row) : null;
  }

  // ---- the audit trail ----

  /** Appends an entry in the caller's transaction (or on its own). */
  appendAuditNow(entry: NewAudit): AuditRecord {
    return toAudit(this.#s.insertAudit.get(...auditInsertParams(entry)) as AuditRow);
  }

  async appendAudit(entry: NewAudit): Promise<AuditRecord> {
    return this.appendAuditNow(entry);
  }

  async listAudit(query: AuditQuery) {
    const { sql, params } = auditList(query);
    const rows = this.#statement(sql).all(...params) as AuditRow[];
    const items = rows.slice(0, query.limit).map(toAudit);
    return { items, next: rows.length > query.limit ? items[items.length - 1].id : null };
  }

  async getAudit(id: number): Promise<AuditRecord | null> {
    const row = this.#s.getAudit.get(id) as AuditRow | undefined;
    return row ? toAudit(row) : null;
  }

  // ---- the queue ----

  async searchSubmissions(query: QueueQuery) {
    const { sql, params } = queueSearch(query, SQLITE_DIALECT);
    const rows = this.#statement(sql).all(...params) as SubmissionRow[];
    return queuePage(rows, query.limit, toSubmission);
  }

  async listOrigins(campaignId: string): Promise<string[]> {
    return this.#s.origins.all(campaignId, campaignId) as string[];
  }

  async findByEmail(campaignId: string, email: string): Promise<SubmissionRecord[]> {
    return (this.#s.byEmail.all(campaignId, email) as SubmissionRow[]).map(toSubmission);
  }

  async decide(input: DecisionInput): Promise<DecisionResult> {
    const result = this.#db.transaction((): DecisionResult => {
      const row = this.#s.getSubmission.get(input.campaignId, input.id) as
        SubmissionRow | undefined;
      if (!row) return NOT_FOUND;
      const current = toSubmission(row);
      const plan = planDecision(current, input);
      if ('done' in plan) return plan.done;
      const { write } = plan;
      const eventId = write.event
        ? this.#host.addEvent(input.campaignId, write.event, input.id, input.now)
        : null;
      const updatedRow = this.#s.decide.get(
        ...decideParams(SQLITE_DIALECT, input.campaignId, input.id, write, eventId),
      ) as SubmissionRow;
      const updated = toSubmission(updatedRow);
      const audit = [this.appendAuditNow(decisionAudit(current, updated, input))];
      const event = wallEvent(write.event, eventId, updated, () => toQuote(updatedRow));
      return { ok: true, submission: updated, event, audit };
    })();
    this.#committed(result);
    return result;
  }

  async editSubmission(input: EditInput): Promise<DecisionResult> {
    const result = this.#db.transaction((): DecisionResult => {
      const row = this.#s.getSubmission.get(input.campaignId, input.id) as
        SubmissionRow | undefined;
      if (!row) return NOT_FOUND;
      const current = toSubmission(row);
      const plan = planEdit(current, input);
      if ('done' in plan) return plan.done;
      const { write } = plan;
      const updatedRow = this.#s.edit.get(
        ...editParams(SQLITE_DIALECT, input.campaignId, input.id, write),
      ) as SubmissionRow;
      const updated = toSubmission(updatedRow);
      const audit = write.audit(updated.version).map((entry) => this.appendAuditNow(entry));
      const eventId = write.republish
        ? this.#host.addEvent(input.campaignId, 'quote', input.id, input.now)
        : null;
      const event = wallEvent('quote', eventId, updated, () => toQuote(updatedRow));
      return { ok: true, submission: updated, event, audit };
    })();
    this.#committed(result);
    return result;
  }

  /** After the commit: the wall's event, and the consoles' when something changed. */
  #committed(result: DecisionResult): void {
    if (!result.ok || !result.audit.length) return;
    if (result.event) this.#host.emitLive([result.event]);
    this.emitStaff([changedEvent(result.submission, result.audit)]);
  }

  // ---- trust and safety ----

  async hasRepeat(campaignId: string, textHash: string, clientHash: string): Promise<boolean> {
    return this.#s.repeat.get(campaignId, textHash, clientHash) !== undefined;
  }

  async addReport(input: ReportInput): Promise<ReportResult> {
    const events: LiveEvent[] = [];
    const result = this.#db.transaction((): ReportResult => {
      const row = this.#s.getSubmission.get(input.campaignId, input.id) as
        SubmissionRow | undefined;
      const current = row ? toSubmission(row) : null;
      if (!reportable(current)) return { kind: 'not_found' };
      const inserted = this.#s.insertReport.run(
        input.campaignId,
        input.id,
        input.reporterHash,
        input.reason,
        input.note,
        input.now,
      ).changes;
      if (!inserted) return { kind: 'duplicate' };
      const updated = toSubmission(
        this.#s.countReport.get(...countReportParams(input)) as SubmissionRow,
      );
      if (updated.hiddenAt === null) {
        return { kind: 'reported', submission: updated, event: null, audit: null };
      }
      const eventId = this.#host.addEvent(input.campaignId, 'remove', input.id, input.now);
      events.push({ id: eventId, campaignId: input.campaignId, type: 'remove', quoteId: input.id });
      const audit = this.appendAuditNow(hideAudit(current, updated, input));
      return { kind: 'reported', submission: updated, event: events[0], audit };
    })();
    this.#host.emitLive(events);
    this.emitStaff(reportEvents(result, input.now));
    return result;
  }

  async reportTotals(campaignId: string, ids: readonly string[]) {
    if (!ids.length) return new Map<string, ReportTotals>();
    const rows = this.#statement(SAFETY_SQL.totals(ids.length)).all(campaignId, ...ids);
    return toTotals(rows as Parameters<typeof toTotals>[0]);
  }

  async sharedKey(name: string, candidate: string): Promise<string> {
    this.#statement(SAFETY_SQL.putKey).run(name, candidate);
    return (this.#statement(SAFETY_SQL.getKey).get(name) as { value: string }).value;
  }

  async listReports(campaignId: string, id: string, limit: number) {
    const rows = this.#s.listReports.all(campaignId, id, limit);
    return (rows as Parameters<typeof toReport>[0][]).map(toReport);
  }

  subscribeStaff(listener: (event: StaffEvent) => void): () => void {
    this.#staffListeners.add(listener);
    return () => this.#staffListeners.delete(listener);
  }

  /** Runs first, synchronously, for every committed batch of staff events (the webhook outbox). */
  onCommitted: ((events: readonly StaffEvent[]) => void) | null = null;

  /** Hands committed staff events to this process's listeners. */
  emitStaff(events: readonly StaffEvent[]): void {
    if (events.length > 0) this.onCommitted?.(events);
    for (const event of events) {
      for (const listener of this.#staffListeners) {
        try {
          listener(event);
        } catch (error) {
          console.error('staff event listener failed', error);
        }
      }
    }
  }

  close(): void {
    this.#staffListeners.clear();
    this.#cache.clear();
  }
}

function prepare(db: Database.Database) {
  return {
    countStaff: db.prepare(STAFF_SQL.count),
    insertStaff: db.prepare(STAFF_SQL.insert),
    getStaff: db.prepare(STAFF_SQL.get),
    getStaffByEmail: db.prepare(STAFF_SQL.getByEmail),
    listStaff: db.prepare(STAFF_SQL.list),
    insertSession: db.prepare(SESSION_SQL.insert),
    getSession: db.prepare(SESSION_SQL.get),
    touchSession: db.prepare(SESSION_SQL.touch),
    deleteSession: db.prepare(SESSION_SQL.delete),
    deleteSessionsOf: db.prepare(SESSION_SQL.deleteOf),
    pruneSessions: db.prepare(SESSION_SQL.prune),
    peekLink: db.prepare(LINK_SQL.peek),
    takeLink: db.prepare(LINK_SQL.take),
    insertAudit: db.prepare(AUDIT_SQL.insert),
    getAudit: db.prepare(AUDIT_SQL.get),
    origins: db.prepare(QUEUE_SQL.origins).pluck(),
    byEmail: db.prepare(QUEUE_SQL.byEmail),
    getSubmission: db.prepare('SELECT * FROM submissions WHERE campaign_id = ? AND id = ?'),
    decide: db.prepare(DECIDE_SQL.decide),
    edit: db.prepare(DECIDE_SQL.edit),
    repeat: db.prepare(SAFETY_SQL.repeat),
    insertReport: db.prepare(SAFETY_SQL.insertReport),
    countReport: db.prepare(SAFETY_SQL.countReport),
    listReports: db.prepare(SAFETY_SQL.list),
  };
}
