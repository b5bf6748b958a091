/**
 * The moderation rules, once for every store: which decision moves a submission from
 * which status to which, what the wall hears about it, what staff are told when a
 * decision does not apply, and what the audit trail and the consoles hear of a change.
 * Each store runs a plan inside its own transaction.
 */
import type { AuditAction, Decision, ItemFlag } from '../../../src/api/newsroom.js';
import type { SubmissionStatus } from '../../../src/api/wire.js';
import type {
  AuditRecord,
  DecisionInput,
  DecisionResult,
  EditInput,
  NewAudit,
  StaffEvent,
} from './newsroom.js';
import type {
  DeletedBy,
  LiveEvent,
  QuoteRecord,
  SubmissionRecord,
  TransitionResult,
} from './store.js';

export type TransitionPlan =
  /** Already in the status the action leads to: nothing to write, no event. */
  | { kind: 'unchanged' }
  | { kind: 'refused'; message: string }
  | {
      kind: 'change';
      status: SubmissionStatus;
      /** The event the wall receives: a new quote, a quote to take down, or none. */
      event: 'quote' | 'remove' | null;
      /** When it was approved: now (approve), as before (remove), or cleared. */
      approvedAt: 'now' | 'kept' | null;
    };

export function planTransition(
  from: SubmissionStatus,
  publishPermission: boolean,
  action: Exclude<Decision, 'restore'>,
): TransitionPlan {
  switch (action) {
    case 'approve':
      if (from === 'approved') return { kind: 'unchanged' };
      if (!publishPermission) {
        return {
          kind: 'refused',
          message: 'The reader did not give permission to publish this submission',
        };
      }
      return { kind: 'change', status: 'approved', event: 'quote', approvedAt: 'now' };
    case 'reject':
      if (from === 'rejected') return { kind: 'unchanged' };
      if (from !== 'pending') {
        return {
          kind: 'refused',
          message: `Only a pending submission can be rejected; this one is ${from}`,
        };
      }
      return { kind: 'change', status: 'rejected', event: null, approvedAt: null };
    case 'remove':
      if (from === 'removed') return { kind: 'unchanged' };
      if (from !== 'approved') {
        return {
          kind: 'refused',
          message: `Only a published submission can be removed; this one is ${from}`,
        };
      }
      return { kind: 'change', status: 'removed', event: 'remove', approvedAt: 'kept' };
    case 'reopen':
      if (from === 'pending') return { kind: 'unchanged' };
      if (from !== 'rejected') {
        return {
          kind: 'refused',
          message:
            from === 'removed'
              ? 'A removed submission is not reopened; approve it to publish it again'
              : `Only a rejected submission can be reopened; this one is ${from}`,
        };
      }
      return { kind: 'change', status: 'pending', event: null, approvedAt: null };
  }
}

/** The flags as the `flags` column keeps them: JSON, or NULL for none (the queue filters on it). */
export const flagsColumn = (flags: readonly ItemFlag[]): string | null =>
  flags.length ? JSON.stringify(flags.map(({ code, detail }) => ({ code, detail }))) : null;

/** The columns a decision writes (the version goes up by one in the same statement). */
export interface DecisionWrite {
  status: SubmissionStatus;
  decidedAt: number;
  /** JSON of the actor. */
  decidedBy: string;
  reason: string | null;
  note: string | null;
  approvedAt: number | null;
  photoPublished: boolean;
  /** What the wall hears; the store gives it an id (a quote's id is its wall position). */
  event: 'quote' | 'remove' | null;
  /**
   * The wall position: `event` (the id of a `quote` event, else none), or the one it had
   * (a restored quote). Every decision also clears `hidden_at` and the open reports.
   */
  wallSeq: number | null | 'event';
}

/**
 * Step one of a decision, on the row as it stands (locked): the answer when nothing is
 * to be written (stale, refused, unchanged), else what to write.
 */
export function planDecision(
  current: SubmissionRecord,
  input: DecisionInput,
): { done: DecisionResult } | { write: DecisionWrite } {
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
    return { done: stale(current) };
  }
  const plan =
    input.action === 'restore'
      ? planRestore(current)
      : planTransition(current.status, current.publishPermission, input.action);
  if (plan.kind === 'refused') {
    return {
      done: { ok: false, reason: 'invalid_transition', message: plan.message, submission: current },
    };
  }
  if (plan.kind === 'unchanged') return { done: unchanged(current) };
  return {
    write: {
      status: plan.status,
      decidedAt: input.now,
      decidedBy: JSON.stringify(input.actor),
      reason: input.reason ?? null,
      note: input.note ?? null,
      approvedAt:
        plan.approvedAt === 'now'
          ? input.now
          : plan.approvedAt === 'kept'
            ? current.approvedAt
            : null,
      photoPublished:
        input.action === 'approve' ? input.withPhoto !== false : current.photoPublished,
      event: plan.event,
      // A restored quote returns at its place; a new approval takes the top.
      wallSeq: plan.approvedAt === 'kept' && plan.status === 'approved' ? current.wallSeq : 'event',
    },
  };
}

/**
 * Restore: staff dealt with a published quote's reports and keep it. Hidden, it returns
 * to the walls where it was (the same approval time and position); either way its open
 * reports are closed.
 */
function planRestore(current: SubmissionRecord): TransitionPlan {
  if (current.status !== 'approved') {
    return {
      kind: 'refused',
      message: `Only a published submission can be restored; this one is ${current.status}`,
    };
  }
  if (current.hiddenAt === null && current.reportsOpen === 0) return { kind: 'unchanged' };
  return {
    kind: 'change',
    status: 'approved',
    event: current.hiddenAt === null ? null : 'quote',
    approvedAt: 'kept',
  };
}

/** The audit entry of a decision: status and version before and after, never content. */
export function decisionAudit(
  before: SubmissionRecord,
  after: SubmissionRecord,
  input: DecisionInput,
): NewAudit {
  return {
    campaignId: input.campaignId,
    at: input.now,
    actor: input.actor,
    action: input.action,
    submissionId: input.id,
    reason: input.reason ?? null,
    note: input.note ?? null,
    before: {
      status: before.status,
      version: before.version,
      ...(before.hiddenAt !== null ? { hidden: true } : {}),
      ...(before.reportsOpen ? { reports: before.reportsOpen } : {}),
    },
    after: {
      status: after.status,
      version: after.version,
      ...(input.action === 'approve' ? { photoPublished: after.photoPublished } : {}),
      ...(before.hiddenAt !== null ? { hidden: false } : {}),
    },
  };
}

/** The columns an edit writes (the version goes up by one in the same statement). */
export interface EditWrite {
  featured: boolean;
  photoAlt: string | null;
  photoPublished: boolean;
  /** Each changed field's entry, once the version after the edit is known. */
  audit: (version: number) => NewAudit[];
  /** A published quote is sent again (same id, same wall position) so walls replace it. */
  republish: boolean;
}

const altLength = (text: string | null) => ({ length: text === null ? null : text.length });

export function planEdit(
  current: SubmissionRecord,
  input: EditInput,
): { done: DecisionResult } | { write: EditWrite } {
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
    return { done: stale(current) };
  }
  const changes: {
    action: AuditAction;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[] = [];
  const featured = input.featured ?? current.featured;
  if (featured !== current.featured) {
    changes.push({
      action: featured ? 'feature' : 'unfeature',
      before: { featured: current.featured },
      after: { featured },
    });
  }
  const photoAlt = input.photoAlt === undefined ? current.photoAlt : input.photoAlt;
  if (photoAlt !== current.photoAlt) {
    changes.push({
      action: 'photo_alt',
      before: altLength(current.photoAlt),
      after: altLength(photoAlt),
    });
  }
  const photoPublished = input.photoPublished ?? current.photoPublished;
  if (photoPublished && !current.photoPublished && !current.photoPermission) {
    return {
      done: {
        ok: false,
        reason: 'invalid_transition',
        message: 'The reader did not give permission to publish the photo',
        submission: current,
      },
    };
  }
  if (photoPublished !== current.photoPublished) {
    changes.push({
      action: photoPublished ? 'photo_published' : 'photo_withheld',
      before: { photoPublished: current.photoPublished },
      after: { photoPublished },
    });
  }
  if (!changes.length) return { done: unchanged(current) };
  return {
    write: {
      featured,
      photoAlt,
      photoPublished,
      // A hidden quote stays off the walls until staff restore it.
      republish: current.status === 'approved' && current.hiddenAt === null,
      audit: (version) =>
        changes.map((change) => ({
          campaignId: input.campaignId,
          at: input.now,
          actor: input.actor,
          action: change.action,
          submissionId: input.id,
          reason: null,
          note: null,
          before: { ...change.before, version: current.version },
          after: { ...change.after, version },
        })),
    },
  };
}

const stale = (current: SubmissionRecord): DecisionResult => ({
  ok: false,
  reason: 'stale',
  message: `The submission was changed meanwhile (now version ${current.version})`,
  submission: current,
});

const unchanged = (submission: SubmissionRecord): DecisionResult => ({
  ok: true,
  submission,
  event: null,
  audit: [],
});

/** The wall's event of a committed change, given the id the store gave it. */
export function wallEvent(
  type: 'quote' | 'remove' | null,
  eventId: number | null,
  submission: SubmissionRecord,
  quote: () => QuoteRecord,
): LiveEvent | null {
  if (!type || eventId === null) return null;
  return type === 'quote'
    ? { id: eventId, campaignId: submission.campaignId, type: 'quote', quote: quote() }
    : { id: eventId, campaignId: submission.campaignId, type: 'remove', quoteId: submission.id };
}

/** What the consoles hear of a decision or edit that changed something. */
export function changedEvent(submission: SubmissionRecord, audit: AuditRecord[]): StaffEvent {
  const first = audit[0];
  return {
    campaignId: submission.campaignId,
    type: 'changed',
    id: submission.id,
    status: submission.status,
    version: submission.version,
    actor: first.actor,
    action: first.action,
    at: first.at,
  };
}

/** `transition`'s answer from `decide`'s (the service never sends a version: never stale). */
export function toTransitionResult(result: DecisionResult): TransitionResult {
  if (result.ok) return { ok: true, submission: result.submission, event: result.event };
  return {
    ok: false,
    reason: result.reason === 'stale' ? 'invalid_transition' : result.reason,
    message: result.message,
  };
}

/** The audit entry of a staff delete: the status it had, never what the reader sent. */
export function deleteAudit(
  campaignId: string,
  status: SubmissionStatus,
  id: string,
  by: DeletedBy,
): NewAudit {
  return {
    campaignId,
    at: by.now,
    actor: by.actor,
    action: by.action ?? 'delete',
    submissionId: id,
    reason: by.reason ?? null,
    note: null,
    before: { status },
    after: null,
  };
}
