/**
 * A submission as both stores read it from their tables, and the records made from it.
 * The columns are the same in both schemas; the drivers differ only in how they hand
 * over numbers and flags (PostgreSQL: BIGINT as strings, BOOLEAN as booleans; SQLite:
 * numbers, and INTEGER 0/1 for flags), which the mappers even out.
 */
import type { Locale, SubmissionStatus } from '../../../src/api/wire.js';
import type { QuoteRecord, SubmissionRecord } from './store.js';

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
});

/** The quote a published submission shows on the wall: an anonymous one without a name. */
export const toQuote = (row: SubmissionRow): QuoteRecord => ({
  id: row.id,
  text: row.message,
  displayName: row.anonymous ? null : row.display_name,
  districtId: row.district,
  locale: row.locale,
  approvedAt: Number(row.approved_at ?? row.decided_at ?? row.received_at),
  photoId: row.photo_id,
  wallSeq: Number(row.wall_seq ?? 0),
});
