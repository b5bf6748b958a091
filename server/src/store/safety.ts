/**
 * What the store keeps for trust and safety: readers' reports of published quotes (one
 * per client and quote, the client only as a digest), the threshold that hides a quote
 * from every wall until staff decide, and the "same text again from the same client"
 * look-up. Both stores run the statements here as written (`?` placeholders; the
 * PostgreSQL store numbers them) and the same plan, inside their own transaction.
 */
import type { Actor } from '../../../src/api/newsroom.js';
import { REPORT_REASONS, type ReportReason } from '../../../src/api/wire.js';
import type { AuditRecord, NewAudit, StaffEvent } from './newsroom.js';
import type { LiveEvent, SubmissionRecord } from './store.js';

/** Readers, as the audit trail names them when their reports hide a quote or one withdraws. */
export const READER_ACTOR: Actor = { kind: 'reader', id: null, name: 'reader' };
/** The campaign's own rules: post-moderation, the external check. */
export const RULE_ACTOR: Actor = { kind: 'rule', id: null, name: 'campaign rules' };

export interface ReportInput {
  campaignId: string;
  /** The quote's (submission's) id. */
  id: string;
  /** Hex SHA-256 of the campaign and the client's address key: never the address. */
  reporterHash: string;
  reason: ReportReason;
  note: string | null;
  now: number;
  /** Open reports that hide the quote from every wall. */
  threshold: number;
}

export type ReportResult =
  /** No published quote with this id (unknown, pending, removed, or hidden already). */
  | { kind: 'not_found' }
  /** This client reported it before: nothing changes. */
  | { kind: 'duplicate' }
  | {
      kind: 'reported';
      submission: SubmissionRecord;
      /** The `remove` the walls hear when this report hid it; else null. */
      event: LiveEvent | null;
      /** The `hide` entry when this report hid it. */
      audit: AuditRecord | null;
    };

export interface ReportTotals {
  count: number;
  reasons: Record<ReportReason, number>;
  lastAt: number;
}

export interface ReportRecord {
  reason: ReportReason;
  note: string | null;
  at: number;
}

export interface SafetyStore {
  /** Whether the campaign already has a submission with this text from this client. */
  hasRepeat(campaignId: string, textHash: string, clientHash: string): Promise<boolean>;
  /**
   * A reader's report, in one transaction with the count, and — when the open reports
   * reach the threshold — hiding the quote, its `remove` event and its `hide` audit entry.
   */
  addReport(input: ReportInput): Promise<ReportResult>;
  /** Totals per submission, for the ids given that have any report. */
  reportTotals(campaignId: string, ids: readonly string[]): Promise<Map<string, ReportTotals>>;
  /** A submission's reports, newest first. */
  listReports(campaignId: string, id: string, limit: number): Promise<ReportRecord[]>;
  /** The key stored under `name`, storing `candidate` first when there is none. */
  sharedKey(name: string, candidate: string): Promise<string>;
}

type Int = number | string;

export const SAFETY_SQL = {
  repeat: `SELECT 1 FROM submissions WHERE campaign_id = ? AND text_hash = ? AND client_hash = ?
    LIMIT 1`,
  insertReport: `INSERT INTO reports (campaign_id, submission_id, reporter_hash, reason, note,
      created_at)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (submission_id, reporter_hash) DO NOTHING`,
  /** One more open report; hidden (and a new version) once they reach the threshold. */
  countReport: `UPDATE submissions SET reports_open = reports_open + 1,
      hidden_at = CASE WHEN reports_open + 1 >= ? THEN ? ELSE hidden_at END,
      version = version + CASE WHEN reports_open + 1 >= ? THEN 1 ELSE 0 END
    WHERE campaign_id = ? AND id = ?
    RETURNING *`,
  totals: (
    count: number,
  ) => `SELECT submission_id, reason, count(*) AS n, max(created_at) AS last_at
    FROM reports WHERE campaign_id = ? AND submission_id IN (${Array(count).fill('?').join(', ')})
    GROUP BY submission_id, reason`,
  list: `SELECT reason, note, created_at FROM reports WHERE campaign_id = ? AND submission_id = ?
    ORDER BY id DESC LIMIT ?`,
  putKey: 'INSERT INTO server_keys (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
  getKey: 'SELECT value FROM server_keys WHERE name = ?',
} as const;

export const countReportParams = (input: ReportInput): unknown[] => [
  input.threshold,
  input.now,
  input.threshold,
  input.campaignId,
  input.id,
];

/** Only a quote on the walls now can be reported. */
export const reportable = (submission: SubmissionRecord | null): submission is SubmissionRecord =>
  submission !== null && submission.status === 'approved' && submission.hiddenAt === null;

/** The audit entry of a quote hidden by reports: counts and versions, never content. */
export function hideAudit(
  before: SubmissionRecord,
  after: SubmissionRecord,
  input: ReportInput,
): NewAudit {
  return {
    campaignId: input.campaignId,
    at: input.now,
    actor: READER_ACTOR,
    action: 'hide',
    submissionId: input.id,
    reason: null,
    note: null,
    before: { hidden: false, version: before.version },
    after: { hidden: true, version: after.version, reports: after.reportsOpen },
  };
}

/** What the consoles hear of a report (and, when it hid the quote, of the change). */
export function reportEvents(result: ReportResult, now: number): StaffEvent[] {
  if (result.kind !== 'reported') return [];
  const { submission, audit } = result;
  const events: StaffEvent[] = [
    {
      campaignId: submission.campaignId,
      type: 'reported',
      id: submission.id,
      open: submission.reportsOpen,
      at: now,
    },
  ];
  if (audit) {
    events.push({
      campaignId: submission.campaignId,
      type: 'changed',
      id: submission.id,
      status: submission.status,
      version: submission.version,
      actor: audit.actor,
      action: audit.action,
      at: audit.at,
    });
  }
  return events;
}

export function toTotals(
  rows: readonly { submission_id: string; reason: string; n: Int; last_at: Int }[],
): Map<string, ReportTotals> {
  const totals = new Map<string, ReportTotals>();
  for (const row of rows) {
    let entry = totals.get(row.submission_id);
    if (!entry) {
      entry = {
        count: 0,
        reasons: Object.fromEntries(REPORT_REASONS.map((r) => [r, 0])) as Record<
          ReportReason,
          number
        >,
        lastAt: 0,
      };
      totals.set(row.submission_id, entry);
    }
    const n = Number(row.n);
    entry.count += n;
    if ((REPORT_REASONS as readonly string[]).includes(row.reason)) {
      entry.reasons[row.reason as ReportReason] += n;
    }
    entry.lastAt = Math.max(entry.lastAt, Number(row.last_at));
  }
  return totals;
}

export const toReport = (row: { reason: string; note: string | null; created_at: Int }) => ({
  reason: row.reason as ReportReason,
  note: row.note,
  at: Number(row.created_at),
});
