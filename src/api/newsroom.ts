/**
 * The newsroom console's wire contract: what the staff routes answer. Types only; the
 * widgets never import it, and the server's TypeBox schemas are checked against it at
 * compile time (server/src/newsroom-schemas.ts).
 *
 * Sign-in is a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` over HTTPS);
 * every request that changes something also carries `X-CSRF-Token` with the token the
 * session answers gave. Scripts may instead send `Authorization: Bearer
 * <CAMPAIGN_ADMIN_TOKEN>` (the service token: an admin, audited as "service").
 */
import type {
  IsoDateTime,
  Locale,
  ReportReason,
  StaffSubmission,
  SubmissionStatus,
} from './wire.js';

export const STAFF_ROLES = ['admin', 'moderator', 'viewer'] as const;
/** admin: staff and settings, and everything a moderator may; moderator: decides; viewer: reads. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who did something: a staff member, or the service token (scripts). */
export interface Actor {
  /**
   * staff: a person; service: the service token; reader: a reader (a withdrawal with
   * their receipt, or readers' reports hiding a quote); rule: the campaign's own rules
   * (post-moderation, the external check).
   */
  kind: 'staff' | 'service' | 'reader' | 'rule';
  /** The staff member's id; null for the others. */
  id: string | null;
  /** The name at the time (kept in the audit trail even if it changes later). */
  name: string;
}

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** The console's language for this person. */
  locale: Locale;
  /** Null while the account may sign in. */
  disabledAt: IsoDateTime | null;
  /** False until the person has set a password through their one-time link. */
  passwordSet: boolean;
  createdAt: IsoDateTime;
  lastSignInAt: IsoDateTime | null;
}

/** `GET/POST /v1/staff/session`: who is signed in, and the CSRF token to send back. */
export interface StaffSessionInfo {
  staff: StaffMember;
  /** Send as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE. */
  csrfToken: string;
  expiresAt: IsoDateTime;
  /**
   * Campaigns this person has a role on (the console offers a switch when there are
   * several); a campaign where their role is `none` is left out.
   */
  campaigns: string[];
  /** Their role on each of `campaigns` (an entry per campaign, else their own role). */
  roles: Record<string, StaffRole>;
}

/** What a one-time link is for: the first admin, an invitation, or a password reset. */
export type StaffLinkPurpose = 'first-admin' | 'invite' | 'reset';

/** `GET /v1/staff/links/:token`: what the link will do, before it is used. */
export interface StaffLinkInfo {
  purpose: StaffLinkPurpose;
  /** The invited or reset person; null for the first admin (who types theirs). */
  email: string | null;
  name: string | null;
  expiresAt: IsoDateTime;
}

/** Answer to creating a staff member or resetting a password: the link to pass on. */
export interface StaffLinkIssued {
  staff: StaffMember;
  /** An absolute URL of the console with the one-time token in its fragment. */
  link: string;
  expiresAt: IsoDateTime;
}

export const REJECT_REASONS = [
  'off_topic',
  'abusive',
  'personal_data',
  'spam',
  'duplicate',
  'unverifiable',
  'other',
] as const;
/** Why a submission was rejected or removed (the console shows each in both languages). */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The last decision on a submission, as the queue shows it. */
export interface DecisionSummary {
  actor: Actor;
  at: IsoDateTime;
  /** `RejectReason` for a rejection or removal, else null. */
  reason: string | null;
  /** Free text the moderator added, if any. */
  note: string | null;
}

/** A submission as the console shows it (the public `StaffSubmission` and more). */
export interface QueueItem extends Omit<StaffSubmission, 'decidedAt'> {
  /** Goes up with every change; send it back with a decision (a stale one gets `409`). */
  version: number;
  /** The partner page's origin it was sent from (`https://partner.example`), if known. */
  origin: string | null;
  /** Whether the photo is published with the words when approved (false: words only). */
  photoPublished: boolean;
  /** Alt text staff wrote for the reader's photo; published with it. */
  photoAlt: string | null;
  /** Featured quotes lead the wall. */
  featured: boolean;
  decision: DecisionSummary | null;
  /** The reader allowed the photo to be published; without it the photo is never public. */
  photoPermission: boolean;
  /** What the campaign's rules and external check flagged (empty: nothing). */
  flags: ItemFlag[];
  /** Readers' reports of the published quote (null: never reported). */
  reports: ReportSummary | null;
  /** Hidden from every wall after reports, until staff restore or remove it. */
  hidden: boolean;
}

export const HOLD_FLAGS = [
  'word',
  'link',
  'phone',
  'email',
  'repeat',
  'external_hold',
  'external_flag',
  'external_error',
] as const;
/**
 * Why a submission needs a closer look: a word on the campaign's list, a link, a phone
 * number or an email address in the message, the same text again from the same client,
 * or the external check's hold, flag, or failure (timeout, error, bad signature).
 */
export type HoldFlag = (typeof HOLD_FLAGS)[number];

export interface ItemFlag {
  code: HoldFlag;
  /** What matched (the word, the link's host), or the external check's reason; null for none. */
  detail: string | null;
}

export interface ReportSummary {
  /** Reports in all, one per client. */
  count: number;
  /** Reports since staff last dealt with them (restore or remove sets it to 0). */
  open: number;
  reasons: Record<ReportReason, number>;
  lastAt: IsoDateTime;
}

/** One reader's report (no one's address or identity is kept). */
export interface ReportEntry {
  reason: ReportReason;
  note: string | null;
  at: IsoDateTime;
}

export const QUEUE_FLAGS = [
  'featured',
  'anonymous',
  'has_email',
  'no_permission',
  /** Any hold flag. */
  'flagged',
  /** Open reports (the Reported queue). */
  'reported',
  /** Hidden after reports. */
  'hidden',
  /** A photo without permission to publish it. */
  'photo_private',
  'word',
  'link',
  'phone',
  'email',
  'repeat',
  /** Any of the external check's flags. */
  'external',
] as const;
export type QueueFlag = (typeof QUEUE_FLAGS)[number];

/**
 * `GET /v1/campaigns/:campaign/staff/queue` with query
 * `status, order=oldest|newest, q, locale, district, photo=yes|no, origin, from, to
 * (ISO dates or date-times), flag, after (cursor), limit (1–100, default 50)`.
 */
export interface QueuePage {
  items: QueueItem[];
  /** Pass as `after` for the next page in the same order; null at the end. */
  next: string | null;
  /** Per status for the whole campaign, whatever the filters. */
  counts: Record<SubmissionStatus, number>;
  /** Partner origins the campaign's submissions came from (for the filter). */
  origins: string[];
}

/** An entry of the audit trail. Entries are never edited or deleted through the API. */
export interface AuditEntry {
  id: string;
  campaignId: string | null;
  at: IsoDateTime;
  actor: Actor;
  action: AuditAction;
  submissionId: string | null;
  reason: string | null;
  note: string | null;
  /** The fields the change touched, before and after (never a reader's words). */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Whether `POST …/audit/:id/undo` can reverse it now. */
  undoable: boolean;
}

export const AUDIT_ACTIONS = [
  'approve',
  'reject',
  'remove',
  'reopen',
  'feature',
  'unfeature',
  'photo_alt',
  'photo_withheld',
  'photo_published',
  'delete',
  'privacy_export',
  'privacy_delete',
  'staff_add',
  'staff_update',
  'staff_disable',
  'staff_enable',
  'staff_link',
  'staff_password',
  /** Readers' reports reached the campaign's threshold: off every wall. */
  'hide',
  /** Staff dealt with the reports and kept the quote (back on the walls if hidden). */
  'restore',
  /** The reader withdrew it with their receipt: deleted for good. */
  'withdraw',
  /** The campaign's safety settings changed (before and after). */
  'safety_settings',
  /** An admin changed campaign settings (only the fields that changed, before and after). */
  'campaign_settings',
  /** A global admin created a campaign. */
  'campaign_create',
  /** A global admin set an account's roles per campaign. */
  'staff_campaign_role',
  /** An admin added a partner site (after: its name, origins, contact, enabled). */
  'partner_create',
  /** An admin changed a partner site (before and after). */
  'partner_update',
  /** An admin deleted a partner site (before). */
  'partner_delete',
  /** An admin added a webhook endpoint (after: url, events, enabled, description; never the secret). */
  'webhook_create',
  /** An admin changed a webhook endpoint or rotated its secret (before and after, no secret). */
  'webhook_update',
  /** An admin deleted a webhook endpoint (before). */
  'webhook_delete',
  /** An admin sent a delivery again. */
  'webhook_resend',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditPage {
  items: AuditEntry[];
  next: string | null;
}

/** `GET …/staff/submissions/:id`: the item and its history, newest first. */
export interface QueueItemDetail {
  item: QueueItem;
  history: AuditEntry[];
  /** Readers' reports, newest first (at most 100). */
  reports: ReportEntry[];
}

export const DECISIONS = ['approve', 'reject', 'remove', 'reopen', 'restore'] as const;
/**
 * approve: publish; reject: a pending one; remove: take a published one down; reopen:
 * back to pending; restore: a published, reported one stays (or, hidden, returns to
 * the walls at its place) and its open reports are closed.
 */
export type Decision = (typeof DECISIONS)[number];

/** `POST …/staff/submissions/:id/decision`. */
export interface DecisionRequest {
  action: Decision;
  /** The `version` the moderator saw. */
  version: number;
  reason?: RejectReason;
  note?: string;
  /** For approve: publish the photo too (default true). */
  withPhoto?: boolean;
}

/** `PATCH …/staff/submissions/:id`: featured and the photo's alt text. */
export interface SubmissionEdit {
  version: number;
  featured?: boolean;
  photoAlt?: string | null;
  photoPublished?: boolean;
}

/** `409 stale`: someone changed the item first. `details` of the error. */
export interface StaleDetails {
  current: QueueItem;
}

/** `POST …/staff/submissions/bulk`: one decision for up to 200 items. */
export interface BulkDecisionRequest {
  action: Decision;
  items: { id: string; version: number }[];
  reason?: RejectReason;
  note?: string;
}

export interface BulkDecisionResult {
  results: {
    id: string;
    ok: boolean;
    /** The item after the decision (ok), or as it now stands (stale). */
    item: QueueItem | null;
    /** Error code when not ok: `stale`, `invalid_transition`, `not_found`. */
    code: string | null;
    message: string | null;
  }[];
}

/**
 * Events on `GET /v1/campaigns/:campaign/staff/events` (Server-Sent Events; a cookie
 * or the service token). `received`: a new submission; `changed`: a decision or edit; `reported`: a reader's report.
 * A console that reconnects reloads its counts: events missed meanwhile are not replayed.
 */
export type StaffEventData =
  | { type: 'received'; id: string; status: SubmissionStatus; at: IsoDateTime }
  | {
      type: 'changed';
      id: string;
      status: SubmissionStatus;
      version: number;
      actor: Actor;
      action: AuditAction;
      at: IsoDateTime;
    }
  | { type: 'deleted'; id: string; actor: Actor; at: IsoDateTime }
  /** A reader reported a published quote; `open` reports now wait for staff. */
  | { type: 'reported'; id: string; open: number; at: IsoDateTime };

/** The campaign's line for reports, in both languages. */
export interface ReportContactSetting {
  kind: 'phone' | 'email' | 'url';
  value: string;
  label: Record<Locale, string>;
}

/** `GET/PUT …/staff/safety`: the campaign's trust and safety settings (PUT: admins). */
export interface SafetySettings {
  /** pre: every submission waits for a person (the default); post: what has no flag is published at once. */
  moderation: 'pre' | 'post';
  /** Distinct reports that hide a quote from every wall (1–100, default 3). */
  reportThreshold: number;
  /** Whether partners may hide the wall's report action. */
  reportsOptional: boolean;
  reportContact: ReportContactSetting | null;
  /** Words that flag a submission, each list up to 500 words of up to 50 characters. */
  words: Record<Locale, string[]>;
  holdLinks: boolean;
  holdPhones: boolean;
  holdEmails: boolean;
  holdRepeats: boolean;
  /** The newsroom's own content-safety service; the secret is never sent back. */
  externalCheck: { url: string; timeoutMs: number; secretSet: boolean } | null;
}

/** PUT body: the settings, with the external check's secret when it is set or changed. */
export interface SafetySettingsUpdate extends Omit<SafetySettings, 'externalCheck'> {
  /** `secret` (16–200 characters) may be left out to keep the one set before. */
  externalCheck: { url: string; timeoutMs: number; secret?: string } | null;
}

/** `GET …/staff/privacy?email=`: every submission sent with the address. */
export interface PrivacyMatches {
  email: string;
  items: QueueItem[];
}
