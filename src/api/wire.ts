/**
 * The wire contract between the widgets and the campaign API. The reference server
 * (server/src/schemas.ts) validates requests and builds its OpenAPI document from
 * TypeBox schemas that are checked against these types at compile time, so the two
 * cannot drift. Nothing of the server reaches the bundle: widgets import types, and
 * the few values both sides must agree on (the submission limits' defaults, the email
 * rule) are defined here once.
 */

export const LOCALES = ['en', 'zh-Hans'] as const;
export type Locale = (typeof LOCALES)[number];

/** ISO 8601 date-time string in UTC, e.g. `2024-03-24T08:00:00.000Z`. */
export type IsoDateTime = string;

export interface District {
  id: string;
  name: string;
}

export interface SubmissionLimits {
  messageMinLength: number;
  messageMaxLength: number;
  displayNameMaxLength: number;
  /** Largest photo accepted, in bytes, after the browser has resized it. */
  photoMaxBytes: number;
  /** Longest side, in pixels, that the browser resizes a photo to. */
  photoMaxDimension: number;
  /** MIME types accepted for photos. */
  photoTypes: string[];
}

/**
 * The limits a new campaign starts with; the form uses them until its campaign's own
 * arrive. Copy before changing: this one object is shared.
 */
export const DEFAULT_SUBMISSION_LIMITS: SubmissionLimits = {
  messageMinLength: 10,
  messageMaxLength: 1000,
  displayNameMaxLength: 60,
  photoMaxBytes: 5 * 1024 * 1024,
  photoMaxDimension: 2048,
  photoTypes: ['image/jpeg', 'image/png', 'image/webp'],
};

/**
 * The email rule of the form and the API alike: no spaces, one `@`, and a host of two
 * or more dot-separated labels (`name@example.com`). Pass the trimmed text.
 */
export const isEmail = (text: string): boolean => /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text);

/** Where a reader reports illegal or harmful content: the campaign's own line. */
export interface ReportContact {
  kind: 'phone' | 'email' | 'url';
  /** A phone number as dialled (`+86-23-67158993`), an email address, or an https URL. */
  value: string;
  /** What the line is for, in the answer's locale. */
  label: string;
}

export interface Campaign {
  id: string;
  /** Locale of the localized fields in this answer. */
  locale: Locale;
  defaultLocale: Locale;
  locales: Locale[];
  title: string;
  summary: string;
  status: 'open' | 'closed';
  closesAt: IsoDateTime | null;
  privacyPolicyUrl: string;
  consent: { version: string; text: string };
  limits: SubmissionLimits;
  districts: District[];
  /** The campaign's line for reporting illegal or harmful content; null when it has none. */
  reportContact: ReportContact | null;
  /** Whether a partner may hide the wall's report action (`hide-report`). */
  reportsOptional: boolean;
}

export interface Story {
  id: string;
  locale: Locale;
  headline: string;
  byline: string;
  publishedAt: IsoDateTime;
  excerpt: string;
  url: string;
  photoId: string | null;
  /**
   * The story's photo in the same locale, so a teaser shows it without asking again:
   * `null` when the story has none or it is not public. Where it is left out (an older
   * server), a teaser asks for the photo by its id.
   */
  photo?: Photo | null;
}

export interface StoryList {
  items: Story[];
}

export interface PhotoSource {
  src: string;
  width: number;
}

export interface PhotoCredit {
  photographer: string;
  organization: string | null;
}

export interface Photo {
  id: string;
  locale: Locale;
  /** Default image URL (a middle width). */
  src: string;
  srcset: PhotoSource[];
  /** Intrinsic size of the largest source; the aspect ratio of every source. */
  width: number;
  height: number;
  alt: string;
  caption: string;
  credit: PhotoCredit;
  license: string;
}

/** Body of `POST …/submissions` (JSON, or the `data` part of a multipart body). */
export interface SubmissionRequest {
  message: string;
  /** Shown with the quote unless `anonymous`. */
  displayName: string | null;
  anonymous: boolean;
  /** A district id from the campaign's list. */
  district: string | null;
  /** Private: for the newsroom only, never published. */
  email: string | null;
  consentGiven: boolean;
  /** The consent version the reader was shown. */
  consentVersion: string;
  /** Permission to publish the words and (unless anonymous) the name. */
  publishPermission: boolean;
  /**
   * Permission to publish the photo: the reader took it, or may share it. Without it the
   * photo reaches the newsroom only and is never public. Absent means false.
   */
  photoPermission?: boolean;
  /**
   * The reader's receipt: a secret only this browser keeps (22–128 characters of
   * `A–Z a–z 0–9 - _`, e.g. 32 random bytes in base64url). The API stores its SHA-256
   * only; with it the reader can later see what became of the submission, or withdraw it.
   */
  receiptSecret?: string;
  /** Language the reader wrote in. */
  locale: Locale;
  /** Honeypot: people never fill it in. */
  website?: string;
}

export interface SubmissionAccepted {
  id: string;
  status: 'pending';
  receivedAt: IsoDateTime;
}

export interface Quote {
  id: string;
  text: string;
  /** null when the reader chose to be anonymous. */
  displayName: string | null;
  district: District | null;
  /** Language the quote is written in. */
  locale: Locale;
  approvedAt: IsoDateTime;
  photoId: string | null;
  /** Staff featured it: walls show featured quotes first. Absent means false. */
  featured?: boolean;
}

export interface QuotePage {
  items: Quote[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: string | null;
  /** Id of the newest live event when this page was read: resume the stream from it. */
  lastEventId: number;
}

/** What became of a submission, as its receipt tells the reader. */
export const RECEIPT_STATUSES = ['pending', 'published', 'not_published'] as const;
export type ReceiptState = (typeof RECEIPT_STATUSES)[number];

/** Body of `POST …/submissions/:id/receipt` and `POST …/submissions/:id/withdraw`. */
export interface ReceiptRequest {
  secret: string;
}

/**
 * `POST …/submissions/:id/receipt`: waiting for review (also while a published quote is
 * hidden after reports), published (on the wall, with the same id), or not published.
 * An unknown id, a wrong secret and a withdrawn submission all answer `404`.
 */
export interface ReceiptStatus {
  id: string;
  status: ReceiptState;
  receivedAt: IsoDateTime;
}

/** `POST …/submissions/:id/withdraw`: deleted for good, and off every wall. */
export interface WithdrawAnswer {
  id: string;
  withdrawn: true;
}

export const REPORT_REASONS = ['illegal', 'harassment', 'spam', 'personal_info', 'other'] as const;
/** Why a reader reports a quote: illegal; harassment or hate; spam; someone's personal information; other. */
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Body of `POST …/quotes/:id/reports`. */
export interface ReportRequest {
  reason: ReportReason;
  /** Optional, at most 500 characters. */
  note?: string;
}

/** `202`: the report is received (a second one from the same client changes nothing). */
export interface ReportAccepted {
  id: string;
  received: true;
}

/** Data of the `quote` Server-Sent Event (added or changed). */
export type QuoteEventData = Quote;

/** Data of the `remove` Server-Sent Event. */
export interface RemoveEventData {
  id: string;
}

export const SUBMISSION_STATUSES = ['pending', 'approved', 'rejected', 'removed'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** A submission as campaign staff see it. */
export interface StaffSubmission {
  id: string;
  status: SubmissionStatus;
  message: string;
  displayName: string | null;
  anonymous: boolean;
  district: District | null;
  email: string | null;
  locale: Locale;
  publishPermission: boolean;
  consentVersion: string;
  receivedAt: IsoDateTime;
  decidedAt: IsoDateTime | null;
  photoId: string | null;
}

/** A page of submissions as campaign staff see them (`GET …/submissions?status=`). */
export interface StaffSubmissionPage {
  items: StaffSubmission[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: string | null;
  /** How many submissions the campaign has in each status right now. */
  counts: Record<SubmissionStatus, number>;
}

/** Stable machine codes of API errors; widgets map them to localized text. */
export const ERROR_CODES = [
  'validation',
  'not_found',
  'campaign_closed',
  'payload_too_large',
  'unsupported_media_type',
  'photo_too_large',
  'idempotency_key_required',
  'idempotency_conflict',
  'rate_limited',
  'origin_not_allowed',
  'unauthorized',
  'unavailable',
  'internal',
  /** Staff asked for a status change that does not apply (e.g. remove a pending item). */
  'invalid_transition',
  /** The submission this Idempotency-Key was used for was deleted for good (`410`). */
  'submission_deleted',
  /** The body did not arrive in time (`408`); the connection is closed. */
  'request_timeout',
  /** The route exists, but not for this method (`405`, with `Allow`). */
  'method_not_allowed',
  /** The URL or one of its path segments is too long (`414`). */
  'uri_too_long',
  /** The request's headers are too large (`431`). */
  'headers_too_large',
  /** Signed in, but the role may not do this (`403`). */
  'forbidden',
  /** A cookie-signed change without the session's `X-CSRF-Token` (`403`). */
  'csrf_failed',
  /** Someone changed the item since this version was read (`409`; `details.current`). */
  'stale',
  /** A one-time staff link that is unknown, used or expired (`410`). */
  'link_invalid',
  /** Another staff account has this email address (`409`). */
  'email_taken',
  /** A campaign with this id exists already (`409`). */
  'campaign_exists',
  /** Another partner site of the campaign already has this origin (`409`). */
  'origin_taken',
  /** A cap on how many of a thing may exist was reached (`409`; `details.max`). */
  'limit_reached',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Stable machine codes for one field's problem. */
export const FIELD_ERROR_CODES = [
  'required',
  'too_short',
  'too_long',
  'invalid',
  'invalid_email',
  'unknown_district',
  'consent_required',
  'consent_outdated',
  'control_characters',
  /** Characters that show as nothing (zero-width, fillers) in a display name or email. */
  'invisible_characters',
  /** A time that has passed where a future one is needed (a new closing time, say). */
  'in_the_past',
  /** A number outside its bounds, or a minimum above its maximum. */
  'out_of_range',
  /** The same id or value twice in one list. */
  'duplicate',
  /** The consent text changed but its version did not: readers must be asked again. */
  'consent_version_required',
  /** This consent version was used before for other text. */
  'consent_version_used',
  /** Submissions name this district: it cannot be removed. */
  'district_in_use',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** Body of every error answer. */
export interface ApiErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  fields?: { field: string; code: FieldErrorCode; message?: string }[];
  /** More for the client, by code (e.g. `stale`: the item as it now stands). */
  details?: unknown;
}
