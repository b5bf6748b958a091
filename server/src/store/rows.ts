/**
 * A submission as both stores read it from their tables, and the records made from it.
 * The columns are the same in both schemas; the drivers differ only in how they hand
 * over numbers and flags (PostgreSQL: BIGINT as strings, BOOLEAN as booleans; SQLite:
 * numbers, and INTEGER 0/1 for flags), which the mappers even out.
 */
import type { Locale, SubmissionStatus } from '../../../src/api/wire.js';
import type { Actor, ItemFlag } from '../../../src/api/newsroom.js';
import type { LiveEvent, PhotoRecord, QuoteRecord, SubmissionRecord } from './store.js';

type Int = number | string;
type Flag = boolean | number;

export interface SubmissionRow {
  seq: Int;
  id: string;
  campaign_id: string;
  status: SubmissionStatus;
  message: string;
  display_name: string | null;
  anonymous: Flag;
  district: string | null;
  email: string | null;
  locale: Locale;
  publish_permission: Flag;
  consent_version: string;
  received_at: Int;
  decided_at: Int | null;
  approved_at: Int | null;
  wall_seq: Int | null;
  photo_id: string | null;
  version: Int;
  origin: string | null;
  featured: Flag;
  photo_published: Flag;
  photo_alt: string | null;
  /** JSON of the Actor. */
  decided_by: string | null;
  reason: string | null;
  note: string | null;
  photo_permission: Flag;
  receipt_hash: string | null;
  /** JSON of ItemFlag[], or null for none. */
  flags: string | null;
  client_hash: string | null;
  text_hash: string | null;
  hidden_at: Int | null;
  reports_open: Int;
}

const num = (value: Int | null): number | null => (value === null ? null : Number(value));

export const toSubmission = (row: SubmissionRow): SubmissionRecord => ({
  seq: Number(row.seq),
  id: row.id,
  campaignId: row.campaign_id,
  status: row.status,
  message: row.message,
  displayName: row.display_name,
  anonymous: Boolean(row.anonymous),
  district: row.district,
  email: row.email,
  locale: row.locale,
  publishPermission: Boolean(row.publish_permission),
  consentVersion: row.consent_version,
  receivedAt: Number(row.received_at),
  decidedAt: num(row.decided_at),
  approvedAt: num(row.approved_at),
  photoId: row.photo_id,
  version: Number(row.version),
  origin: row.origin,
  featured: Boolean(row.featured),
  photoPublished: Boolean(row.photo_published),
  photoAlt: row.photo_alt,
  decidedBy: row.decided_by ? (JSON.parse(row.decided_by) as Actor) : null,
  reason: row.reason,
  note: row.note,
  wallSeq: num(row.wall_seq),
  photoPermission: Boolean(row.photo_permission),
  receiptHash: row.receipt_hash,
  flags: row.flags ? (JSON.parse(row.flags) as ItemFlag[]) : [],
  hiddenAt: num(row.hidden_at),
  reportsOpen: Number(row.reports_open),
});

/** A reader's photo is public only with its own permission, once staff publish it. */
export const photoIsPublic = (row: SubmissionRow): boolean =>
  Boolean(row.photo_published) && Boolean(row.photo_permission) && row.photo_id !== null;

/**
 * The quote a published submission shows on the wall: an anonymous one without a name,
 * and without its photo when staff published the words alone or the reader did not
 * allow the photo to be published.
 */
export const toQuote = (row: SubmissionRow): QuoteRecord => ({
  id: row.id,
  text: row.message,
  displayName: row.anonymous ? null : row.display_name,
  districtId: row.district,
  locale: row.locale,
  approvedAt: Number(row.approved_at ?? row.decided_at ?? row.received_at),
  photoId: photoIsPublic(row) ? row.photo_id : null,
  photoAlt: photoIsPublic(row) ? row.photo_alt : null,
  featured: Boolean(row.featured),
  wallSeq: Number(row.wall_seq ?? 0),
});

export interface PhotoRow {
  campaign_id: string;
  id: string;
  submission_id: string | null;
  width: number;
  height: number;
  /** JSON: TEXT in SQLite (a string), JSONB in PostgreSQL (already parsed). */
  data: string | Pick<PhotoRecord, 'widths' | 'text'>;
}

export const toPhoto = (row: PhotoRow): PhotoRecord => {
  const data =
    typeof row.data === 'string'
      ? (JSON.parse(row.data) as Pick<PhotoRecord, 'widths' | 'text'>)
      : row.data;
  return {
    campaignId: row.campaign_id,
    id: row.id,
    submissionId: row.submission_id,
    width: row.width,
    height: row.height,
    widths: data.widths,
    text: data.text,
  };
};

/** An event joined with its submission while that is published (else its columns are null). */
export type EventRow = Partial<Record<keyof SubmissionRow, unknown>> & {
  event_id: Int;
  event_campaign_id: string;
  event_type: 'quote' | 'remove';
  event_quote_id: string;
};

/** The columns of an EventRow, from `events e LEFT JOIN submissions s`. */
export const EVENT_COLUMNS = `e.id AS event_id, e.campaign_id AS event_campaign_id,
  e.type AS event_type, e.quote_id AS event_quote_id, s.*`;

/** The event to hand out, or null for a quote no longer published (its remove follows). */
export function toEvent(row: EventRow): LiveEvent | null {
  const id = Number(row.event_id);
  const campaignId = row.event_campaign_id;
  if (row.event_type === 'remove') {
    return { id, campaignId, type: 'remove', quoteId: row.event_quote_id };
  }
  if (row.id === null || row.id === undefined) return null;
  return { id, campaignId, type: 'quote', quote: toQuote(row as unknown as SubmissionRow) };
}

/** Replay: the events to hand out from rows read, and where the next read starts. */
export function toReplay(
  rows: readonly EventRow[],
  afterId: number,
): { events: LiveEvent[]; scannedTo: number } {
  const events: LiveEvent[] = [];
  let scannedTo = afterId;
  for (const row of rows) {
    scannedTo = Number(row.event_id);
    const event = toEvent(row);
    if (event) events.push(event);
  }
  return { events, scannedTo };
}
