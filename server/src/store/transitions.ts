/**
 * The moderation rules, once for every store: which staff action moves a submission
 * from which status to which, what the wall hears about it, and what staff are told
 * when an action does not apply. Each store runs a plan inside its own transaction.
 */
import type { SubmissionStatus } from '../../../src/api/wire.js';
import type {
  LiveEvent,
  QuoteRecord,
  StaffAction,
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
  action: StaffAction,
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
  }
}

/**
 * What the store answers for a plan: `submission` is the row as it stands after the
 * plan ran (or as it was, for a plan that changed nothing); `eventId` is the id the
 * store gave the plan's event.
 */
export function transitionResult(
  plan: TransitionPlan,
  campaignId: string,
  submission: SubmissionRecord,
  eventId: number | null,
  quote: () => QuoteRecord,
): TransitionResult {
  if (plan.kind === 'refused') {
    return { ok: false, reason: 'invalid_transition', message: plan.message };
  }
  let event: LiveEvent | null = null;
  if (plan.kind === 'change' && plan.event && eventId !== null) {
    event =
      plan.event === 'quote'
        ? { id: eventId, campaignId, type: 'quote', quote: quote() }
        : { id: eventId, campaignId, type: 'remove', quoteId: submission.id };
  }
  return { ok: true, submission, event };
}
