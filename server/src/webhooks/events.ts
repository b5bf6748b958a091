/**
 * Which committed changes are webhook events, and what their payload says.
 *
 * The payload carries the submission's public-safe fields only: never the reader's
 * email address, the digests of their address, text or receipt, the hold flags, or
 * staff's reasons and notes (docs/webhooks.md lists it).
 */
import { createHash } from 'node:crypto';
import type { WebhookEventType } from '../../../src/api/webhooks.js';
import type { StaffEvent } from '../store/newsroom.js';
import type { SubmissionRecord } from '../store/store.js';
import { iso } from '../wire-mapping.js';

export interface WebhookEventOf {
  type: WebhookEventType;
  /** Unique per change: the outbox holds one row per (endpoint, key). */
  key: string;
  submissionId: string;
  /** The submission was deleted for good (a withdrawal or a privacy delete). */
  deleted: boolean;
}

const DECISION_EVENTS: Partial<Record<string, WebhookEventType>> = {
  approve: 'submission.approved',
  reject: 'submission.rejected',
  remove: 'submission.removed',
};

/** The webhook event a committed staff event stands for, or null. */
export function webhookEventOf(event: StaffEvent): WebhookEventOf | null {
  switch (event.type) {
    case 'received':
      return {
        type: 'submission.received',
        key: `received:${event.id}`,
        submissionId: event.id,
        deleted: false,
      };
    case 'changed': {
      const type = DECISION_EVENTS[event.action];
      if (!type) return null;
      return {
        type,
        key: `${event.action}:${event.id}:${event.version}`,
        submissionId: event.id,
        deleted: false,
      };
    }
    case 'reported':
      return {
        type: 'submission.reported',
        key: `reported:${event.id}:${event.open}:${event.at}`,
        submissionId: event.id,
        deleted: false,
      };
    case 'deleted':
      return {
        // A reader's own withdrawal, or staff's delete for good (taken off everything).
        type: event.actor.kind === 'reader' ? 'submission.withdrawn' : 'submission.removed',
        key: deletedKey(event.id),
        submissionId: event.id,
        deleted: true,
      };
    default:
      return null;
  }
}

export const deletedKey = (id: string) => `deleted:${id}`;

/** The same event id on every instance that hears the change (so duplicates share it). */
export function webhookEventId(campaignId: string, key: string): string {
  return `evt_${createHash('sha256').update(`${campaignId}\n${key}`).digest('hex').slice(0, 32)}`;
}

/** The submission as receivers see it: public-safe fields only. */
export interface WebhookSubmission {
  id: string;
  status: string;
  version?: number;
  message?: string;
  displayName?: string | null;
  anonymous?: boolean;
  district?: string | null;
  locale?: string;
  receivedAt?: string;
  decidedAt?: string | null;
  approvedAt?: string | null;
  origin?: string | null;
  featured?: boolean;
  hasPhoto?: boolean;
  reportsOpen?: number;
  deleted?: boolean;
}

export function webhookSubmission(
  event: StaffEvent,
  record: SubmissionRecord | null,
  deleted: boolean,
): WebhookSubmission {
  if (deleted) return { id: event.id, status: 'deleted', deleted: true };
  const status = 'status' in event ? event.status : (record?.status ?? 'pending');
  if (!record) return { id: event.id, status };
  return {
    id: record.id,
    status,
    version: 'version' in event ? event.version : record.version,
    message: record.message,
    displayName: record.anonymous ? null : record.displayName,
    anonymous: record.anonymous,
    district: record.district,
    locale: record.locale,
    receivedAt: iso(record.receivedAt),
    decidedAt: record.decidedAt === null ? null : iso(record.decidedAt),
    approvedAt: record.approvedAt === null ? null : iso(record.approvedAt),
    origin: record.origin,
    featured: record.featured,
    hasPhoto: record.photoId !== null,
    reportsOpen: record.reportsOpen,
  };
}

/** The JSON body, exactly as sent and signed. */
export function webhookBody(
  eventId: string,
  type: string,
  createdAt: number,
  campaignId: string,
  data: Record<string, unknown>,
): string {
  return JSON.stringify({ id: eventId, type, created: iso(createdAt), campaign: campaignId, data });
}

/** Whether the endpoint gets events of this type now. */
export const wantsEvent = (
  endpoint: { enabled: boolean; events: readonly string[] },
  type: WebhookEventType,
) => endpoint.enabled && endpoint.events.includes(type);

/** The outbox row of one event (the same for every endpoint that wants it). */
export function plannedDelivery(
  event: StaffEvent,
  of: WebhookEventOf,
  record: SubmissionRecord | null,
  now: number,
) {
  const eventId = webhookEventId(event.campaignId, of.key);
  return {
    eventId,
    eventKey: of.key,
    campaignId: event.campaignId,
    submissionId: of.submissionId,
    eventType: of.type,
    payload: webhookBody(eventId, of.type, event.at || now, event.campaignId, {
      submission: webhookSubmission(event, record, of.deleted),
    }),
    now,
  };
}
