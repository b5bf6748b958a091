/** From the store's records to the newsroom console's wire types (`src/api/newsroom.ts`). */
import type { AuditEntry, Decision, QueueItem, StaffEventData } from '../../src/api/newsroom.js';
import type { Locale } from '../../src/api/wire.js';
import type { AuditRecord, StaffEvent } from './store/newsroom.js';
import type { ReportTotals } from './store/safety.js';
import type { CampaignRecord, SubmissionRecord } from './store/store.js';
import { districtToWire, iso } from './wire-mapping.js';

export function queueItemToWire(
  campaign: CampaignRecord,
  submission: SubmissionRecord,
  locale: Locale,
  /** The submission's report totals, when it has any. */
  reports?: ReportTotals,
): QueueItem {
  return {
    id: submission.id,
    status: submission.status,
    version: submission.version,
    message: submission.message,
    displayName: submission.displayName,
    anonymous: submission.anonymous,
    district: districtToWire(campaign, submission.district, locale),
    email: submission.email,
    locale: submission.locale,
    publishPermission: submission.publishPermission,
    consentVersion: submission.consentVersion,
    receivedAt: iso(submission.receivedAt),
    origin: submission.origin,
    photoId: submission.photoId,
    photoPublished: submission.photoPublished,
    photoAlt: submission.photoAlt,
    featured: submission.featured,
    decision:
      submission.decidedBy && submission.decidedAt !== null
        ? {
            actor: submission.decidedBy,
            at: iso(submission.decidedAt),
            reason: submission.reason,
            note: submission.note,
          }
        : null,
    photoPermission: submission.photoPermission,
    flags: submission.flags,
    reports: reports
      ? {
          count: reports.count,
          open: submission.reportsOpen,
          reasons: reports.reasons,
          lastAt: iso(reports.lastAt),
        }
      : null,
    hidden: submission.hiddenAt !== null,
  };
}

/** The decision that reverses an audited one: approve ↔ remove, reject ↔ reopen. */
export const UNDO: Partial<Record<AuditRecord['action'], Decision>> = {
  approve: 'remove',
  remove: 'approve',
  reject: 'reopen',
  reopen: 'reject',
};

/**
 * Whether the entry can be undone now: it is a decision, and the submission still
 * stands as the decision left it (`current` is its record, or null once deleted).
 */
export function isUndoable(entry: AuditRecord, current: SubmissionRecord | null): boolean {
  if (!UNDO[entry.action] || !current) return false;
  const after = entry.after as { status?: string; version?: number } | null;
  return after?.status === current.status && after?.version === current.version;
}

export function auditToWire(entry: AuditRecord, undoable: boolean): AuditEntry {
  return {
    id: String(entry.id),
    campaignId: entry.campaignId,
    at: iso(entry.at),
    actor: entry.actor,
    action: entry.action,
    submissionId: entry.submissionId,
    reason: entry.reason,
    note: entry.note,
    before: entry.before,
    after: entry.after,
    undoable,
  };
}

export function staffEventToWire(event: StaffEvent): StaffEventData {
  switch (event.type) {
    case 'received':
      return { type: 'received', id: event.id, status: event.status, at: iso(event.at) };
    case 'changed':
      return {
        type: 'changed',
        id: event.id,
        status: event.status,
        version: event.version,
        actor: event.actor,
        action: event.action,
        at: iso(event.at),
      };
    case 'deleted':
      return { type: 'deleted', id: event.id, actor: event.actor, at: iso(event.at) };
    case 'reported':
      return { type: 'reported', id: event.id, open: event.open, at: iso(event.at) };
  }
}

/**
 * One CSV cell: quoted when it must be, and a cell a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, carriage return first) is prefixed with `'`.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: (string | number | boolean | null | undefined)[]) =>
  `${cells.map(csvCell).join(',')}\r\n`;
