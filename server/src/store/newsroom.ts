/**
 * What the store keeps for the newsroom: staff accounts, their sessions and one-time
 * links, the audit trail, and the queue's searches and decisions. Both stores implement
 * it with the same behaviour (`test/newsroom-store.test.ts` runs on each).
 *
 * Times are epoch milliseconds. Secrets never reach the store: sessions and links are
 * kept by the SHA-256 of their token, passwords by their scrypt hash.
 */
import type { Locale, SubmissionStatus } from '../../../src/api/wire.js';
import type {
  Actor,
  AuditAction,
  Decision,
  QueueFlag,
  StaffLinkPurpose,
  StaffRole,
} from '../../../src/api/newsroom.js';
import type { LiveEvent, SubmissionRecord } from './store.js';

/** The service token's actor (scripts, and the store's own `transition`). */
export const SERVICE_ACTOR: Actor = { kind: 'service', id: null, name: 'service token' };

export interface StaffRecord {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  name: string;
  role: StaffRole;
  locale: Locale;
  /** `scrypt$…` (see auth/passwords.ts); null until a password is set. */
  passwordHash: string | null;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
}

export type NewStaff = Omit<StaffRecord, 'updatedAt' | 'lastSignInAt' | 'disabledAt'>;

export type StaffPatch = Partial<
  Pick<StaffRecord, 'name' | 'role' | 'locale' | 'passwordHash' | 'disabledAt' | 'lastSignInAt'>
>;

export interface SessionRecord {
  tokenHash: string;
  staffId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface LinkRecord {
  tokenHash: string;
  purpose: StaffLinkPurpose;
  /** The account the link sets a password for; null for the first admin. */
  staffId: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface AuditRecord {
  id: number;
  campaignId: string | null;
  at: number;
  actor: Actor;
  action: AuditAction;
  submissionId: string | null;
  reason: string | null;
  note: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export type NewAudit = Omit<AuditRecord, 'id'>;

export interface AuditQuery {
  campaignId?: string;
  /** With `campaignId`: also the entries of no campaign (staff accounts' changes). */
  withStaffChanges?: boolean;
  actorId?: string;
  /** `service` entries only. */
  serviceOnly?: boolean;
  /** Entries of one kind of actor only (the service token, readers, the campaign's rules). */
  actorKind?: Actor['kind'];
  action?: AuditAction;
  submissionId?: string;
  from?: number;
  to?: number;
  /** Entries with a smaller id (newest first). */
  before?: number;
  limit: number;
}

export interface QueueQuery {
  campaignId: string;
  status?: SubmissionStatus;
  order: 'oldest' | 'newest';
  /** The cursor: `seq` of the last item of the previous page (exclusive). */
  after?: number;
  limit: number;
  /** Substring of the message, display name or email, any script (Chinese included), case-insensitive. */
  q?: string;
  /** False: `q` searches the message and display name only (default true). */
  searchEmail?: boolean;
  locale?: Locale;
  district?: string;
  hasPhoto?: boolean;
  origin?: string;
  /** received_at >= from, received_at < to */
  from?: number;
  to?: number;
  flag?: QueueFlag;
}

export interface DecisionInput {
  campaignId: string;
  id: string;
  action: Decision;
  now: number;
  actor: Actor;
  /** When given, a submission whose version differs is not changed (`stale`). */
  expectedVersion?: number;
  reason?: string | null;
  note?: string | null;
  /** approve: publish the photo with the words (default true). */
  withPhoto?: boolean;
}

export interface EditInput {
  campaignId: string;
  id: string;
  now: number;
  actor: Actor;
  expectedVersion?: number;
  featured?: boolean;
  photoAlt?: string | null;
  photoPublished?: boolean;
}

export type DecisionResult =
  | {
      ok: true;
      submission: SubmissionRecord;
      /** What the wall hears (a quote published, changed or taken down), or null. */
      event: LiveEvent | null;
      /** The audit entries written (none when nothing changed). */
      audit: AuditRecord[];
    }
  | { ok: false; reason: 'not_found'; message: string }
  | { ok: false; reason: 'invalid_transition'; message: string; submission: SubmissionRecord }
  | { ok: false; reason: 'stale'; message: string; submission: SubmissionRecord };

/** What a console's live stream hears; in-process for SQLite, through the database for PostgreSQL. */
export type StaffEvent =
  | { campaignId: string; type: 'received'; id: string; status: SubmissionStatus; at: number }
  | {
      campaignId: string;
      type: 'changed';
      id: string;
      status: SubmissionStatus;
      version: number;
      actor: Actor;
      action: AuditAction;
      at: number;
    }
  | { campaignId: string; type: 'deleted'; id: string; actor: Actor; at: number }
  | { campaignId: string; type: 'reported'; id: string; open: number; at: number };

export interface NewsroomStore {
  // ---- staff accounts ----
  countStaff(): Promise<number>;
  /** `email_taken` when another account has the (lower-cased) address. */
  createStaff(staff: NewStaff): Promise<StaffRecord | 'email_taken'>;
  getStaff(id: string): Promise<StaffRecord | null>;
  getStaffByEmail(email: string): Promise<StaffRecord | null>;
  listStaff(): Promise<StaffRecord[]>;
  updateStaff(id: string, patch: StaffPatch, now: number): Promise<StaffRecord | null>;

  // ---- sessions ----
  createSession(session: SessionRecord): Promise<void>;
  /** The session and its account, if the session exists and has not expired at `now`. */
  getSession(
    tokenHash: string,
    now: number,
  ): Promise<{ session: SessionRecord; staff: StaffRecord } | null>;
  touchSession(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of the account; returns how many. */
  deleteSessionsOf(staffId: string): Promise<number>;
  pruneSessions(now: number): Promise<number>;

  // ---- one-time links ----
  /** Stores the link; any unused link of the same account (or earlier first-admin link) is dropped. */
  createLink(link: LinkRecord): Promise<void>;
  /** Drops every unused link of the account (disabled, or its password changed). */
  dropLinksOf(staffId: string): Promise<number>;
  /** The link if unused and unexpired, without using it. */
  peekLink(tokenHash: string, now: number): Promise<LinkRecord | null>;
  /** Uses the link: only one caller ever gets it; null if used, expired or unknown. */
  takeLink(tokenHash: string, now: number): Promise<LinkRecord | null>;

  // ---- the audit trail (append-only) ----
  appendAudit(entry: NewAudit): Promise<AuditRecord>;
  listAudit(query: AuditQuery): Promise<{ items: AuditRecord[]; next: number | null }>;
  getAudit(id: number): Promise<AuditRecord | null>;

  // ---- the queue ----
  searchSubmissions(query: QueueQuery): Promise<{ items: SubmissionRecord[]; next: number | null }>;
  /** Distinct non-null origins of the campaign's submissions, sorted. */
  listOrigins(campaignId: string): Promise<string[]>;
  /** Every submission sent with the address (case-insensitive), oldest first. */
  findByEmail(campaignId: string, email: string): Promise<SubmissionRecord[]>;
  /**
   * A decision, its audit entry and its wall event in one transaction. Unchanged (already
   * in the target status) answers ok with no audit entry and no event.
   */
  decide(input: DecisionInput): Promise<DecisionResult>;
  /** Featured, alt text, photo published: each changed field writes its own audit entry. */
  editSubmission(input: EditInput): Promise<DecisionResult>;
  /** Hears every staff event committed by any instance on the same database. */
  subscribeStaff(listener: (event: StaffEvent) => void): () => void;
}
