/**
 * The storage interface. Everything the API keeps goes through it: SQL never leaves
 * an implementation, and neither does the live event sequence — event ids are
 * assigned by the store, in the same transaction as the change they announce, and
 * every committed event reaches `subscribe` listeners (in-process for SQLite; the
 * PostgreSQL store fans them out through the database to every API instance).
 */
import type {
  Locale,
  SubmissionLimits,
  SubmissionStatus,
  SubmissionAccepted,
} from '../../../src/api/wire.js';
import type {
  Actor,
  AuditAction,
  ItemFlag,
  ReportContactSetting,
} from '../../../src/api/newsroom.js';
import type { NewsroomStore } from './newsroom.js';
import type { SafetyStore } from './safety.js';
import type { WebhookStore } from './webhooks.js';
import type { PartnerStore } from './partners.js';
import type { CampaignRoleStore } from './campaign-roles.js';
import type { CampaignSettingsStore } from './campaign-settings.js';

export type Localized<T> = Record<Locale, T>;

export interface DistrictRecord {
  id: string;
  names: Localized<string>;
}

export interface CampaignRecord {
  id: string;
  defaultLocale: Locale;
  locales: Locale[];
  status: 'open' | 'closed';
  /** Epoch milliseconds, or null when the campaign has no closing time. */
  closesAt: number | null;
  privacyPolicyUrl: string;
  consentVersion: string;
  text: Localized<{ title: string; summary: string; consentText: string }>;
  limits: SubmissionLimits;
  districts: DistrictRecord[];
  /** Origins (scheme://host[:port]) allowed to send submissions, beyond the API's own. */
  allowedOrigins: string[];
  /** Trust and safety; absent in older records (`safetyOf` gives the defaults). */
  safety?: SafetyRecord;
  /** Bumped by every settings change (compare-and-set); absent means 0. */
  settingsRevision?: number;
  /** Consent versions used before `consentVersion`, oldest first; never used again. */
  pastConsentVersions?: string[];
}

/** A campaign's trust and safety settings as kept (the external check's secret included). */
export interface SafetyRecord {
  moderation: 'pre' | 'post';
  reportThreshold: number;
  reportsOptional: boolean;
  reportContact: ReportContactSetting | null;
  words: Localized<string[]>;
  holdLinks: boolean;
  holdPhones: boolean;
  holdEmails: boolean;
  holdRepeats: boolean;
  externalCheck: { url: string; timeoutMs: number; secret: string } | null;
}

export interface StoryRecord {
  campaignId: string;
  id: string;
  position: number;
  byline: string;
  publishedAt: number;
  /** Absolute URL, or a path resolved against the API's public base URL. */
  url: string;
  photoId: string | null;
  text: Localized<{ headline: string; excerpt: string }>;
}

export interface PhotoText {
  alt: string;
  caption: string;
  photographer: string;
  organization: string | null;
  license: string;
}

export interface PhotoRecord {
  campaignId: string;
  id: string;
  /** Set for a photo a reader sent with a submission: public only once it is approved. */
  submissionId: string | null;
  width: number;
  height: number;
  /** Widths the image is stored at, ascending; the last is `width`. */
  widths: number[];
  text: Localized<PhotoText>;
}

export interface PhotoFile {
  width: number;
  bytes: Buffer;
  etag: string;
}

export interface NewPhoto {
  record: PhotoRecord;
  files: PhotoFile[];
}

export interface SubmissionRecord {
  /** Insertion order; the staff list's cursor. */
  seq: number;
  id: string;
  campaignId: string;
  status: SubmissionStatus;
  message: string;
  displayName: string | null;
  anonymous: boolean;
  district: string | null;
  email: string | null;
  locale: Locale;
  publishPermission: boolean;
  consentVersion: string;
  receivedAt: number;
  decidedAt: number | null;
  approvedAt: number | null;
  photoId: string | null;
  /** Goes up by one with every decision or edit; a stale decision is refused. */
  version: number;
  /** The partner page's origin it was sent from, when the browser said. */
  origin: string | null;
  featured: boolean;
  /** False when staff approved the words without the photo. */
  photoPublished: boolean;
  /** Alt text staff wrote for the reader's photo. */
  photoAlt: string | null;
  /** Who made the last decision, with its reason and note (null before any). */
  decidedBy: Actor | null;
  reason: string | null;
  note: string | null;
  /** Position on the wall while published (the id of the event that published it). */
  wallSeq: number | null;
  /** The reader allowed the photo to be published: without it, it never is. */
  photoPermission: boolean;
  /** SHA-256 (hex) of the reader's receipt secret, or null when none was sent. */
  receiptHash: string | null;
  flags: ItemFlag[];
  /** When readers' reports hid it from every wall (null: not hidden). */
  hiddenAt: number | null;
  /** Reports since staff last dealt with them. */
  reportsOpen: number;
}

export interface NewSubmission {
  id: string;
  campaignId: string;
  message: string;
  displayName: string | null;
  anonymous: boolean;
  district: string | null;
  email: string | null;
  locale: Locale;
  publishPermission: boolean;
  consentVersion: string;
  receivedAt: number;
  origin: string | null;
  /** Left out: false (the photo is never public). */
  photoPermission?: boolean;
  /** SHA-256 (hex) of the reader's receipt secret. */
  receiptHash?: string | null;
  /** What the campaign's rules and external check flagged. */
  flags?: ItemFlag[];
  /** SHA-256 of the campaign and the client's address key (for "sent again"). */
  clientHash?: string | null;
  /** `textFingerprint` of the message. */
  textHash?: string | null;
}

/** A published quote as the store knows it (district by id; the API localizes it). */
export interface QuoteRecord {
  id: string;
  text: string;
  displayName: string | null;
  districtId: string | null;
  locale: Locale;
  approvedAt: number;
  /** Null also when staff published the words without the photo. */
  photoId: string | null;
  /** Staff-written alt text of the reader's photo, if any. */
  photoAlt: string | null;
  featured: boolean;
  /** Position on the wall (the id of the event that published it); the quotes cursor. */
  wallSeq: number;
}

export type LiveEvent =
  | { id: number; campaignId: string; type: 'quote'; quote: QuoteRecord }
  | { id: number; campaignId: string; type: 'remove'; quoteId: string };

/**
 * The key's submission was deleted for good (a privacy delete). Only a tombstone of
 * the key is kept — campaign, SHA-256 of the key, time of the delete — so a retry can
 * neither store it again nor be told it was accepted; nothing says what was sent.
 */
export interface DeletedAnswer {
  kind: 'deleted';
}

export type CreateResult =
  | { kind: 'created'; accepted: SubmissionAccepted }
  | { kind: 'replay'; accepted: SubmissionAccepted }
  | { kind: 'conflict' }
  | DeletedAnswer;

/** What an idempotency key already stands for. */
export type IdempotentRecord =
  { kind: 'answered'; bodyHash: string; accepted: SubmissionAccepted } | DeletedAnswer;

export type StaffAction = 'approve' | 'reject' | 'remove';

export interface DeletedBy {
  actor: Actor;
  now: number;
  reason?: string | null;
  action?: Extract<AuditAction, 'delete' | 'withdraw'>;
}

export type TransitionResult =
  | { ok: true; submission: SubmissionRecord; event: LiveEvent | null }
  | { ok: false; reason: 'not_found' | 'invalid_transition'; message: string };

export type StatusCounts = Record<SubmissionStatus, number>;

/**
 * The database cannot be reached (refused, dropped, timed out). Nothing of the
 * operation was stored; the API answers 503 and the client may retry.
 */
export class StoreUnavailableError extends Error {
  constructor(message = 'The database is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Called when the live feed stops (`false`: events may be late) and when it is back. */
export type LiveStatusListener = (live: boolean) => void;

export interface Store
  extends
    NewsroomStore,
    SafetyStore,
    CampaignRoleStore,
    CampaignSettingsStore,
    PartnerStore,
    WebhookStore {
  readonly kind: string;
  /** Creates or upgrades the schema. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // ---- campaign content (written by seeding) ----
  putCampaign(campaign: CampaignRecord): Promise<void>;
  putStory(story: StoryRecord): Promise<void>;
  putPhoto(photo: NewPhoto): Promise<void>;
  getCampaign(id: string): Promise<CampaignRecord | null>;
  listCampaignIds(): Promise<string[]>;
  listStories(campaignId: string): Promise<StoryRecord[]>;
  getStory(campaignId: string, id: string): Promise<StoryRecord | null>;
  /** With `publicOnly`, a reader's photo is found only while its submission is approved. */
  getPhoto(campaignId: string, id: string, publicOnly: boolean): Promise<PhotoRecord | null>;
  getPhotoFile(
    campaignId: string,
    id: string,
    width: number,
    publicOnly: boolean,
  ): Promise<PhotoFile | null>;

  // ---- submissions ----
  /**
   * The answer first given for an idempotency key, `deleted` when its submission was
   * deleted for good since, or null for a key never used (or pruned).
   */
  findIdempotent(campaignId: string, key: string): Promise<IdempotentRecord | null>;
  /**
   * Stores a submission (and its photo) with its idempotency key, all or nothing. The
   * same key with the same body hash answers the first answer and stores nothing; the
   * same key with another body hash is a conflict; a key whose submission was deleted
   * for good answers `deleted` (whatever the body) and stores nothing.
   */
  createSubmission(input: {
    submission: NewSubmission;
    photo: NewPhoto | null;
    idempotencyKey: string;
    bodyHash: string;
  }): Promise<CreateResult>;
  getSubmission(campaignId: string, id: string): Promise<SubmissionRecord | null>;
  listSubmissions(
    campaignId: string,
    query: { status?: SubmissionStatus; limit: number; before?: number },
  ): Promise<{ items: SubmissionRecord[]; nextBefore: number | null }>;
  countSubmissions(campaignId: string): Promise<StatusCounts>;
  /** `decide` as the service, with no version check (kept for scripts and tests). */
  transition(
    campaignId: string,
    id: string,
    action: StaffAction,
    now: number,
  ): Promise<TransitionResult>;
  /**
   * Deletes a submission, its photo and its idempotency record for good (see each
   * store for what "for good" can mean on its disk); the key is kept as a tombstone.
   */
  deleteSubmission(
    campaignId: string,
    id: string,
    /**
     * Who deleted it: writes an audit entry (no content; `delete` unless `action` says
     * otherwise, e.g. `withdraw`) and a staff event.
     */
    by?: DeletedBy,
  ): Promise<{ deleted: boolean; event: LiveEvent | null }>;
  /** Drops idempotency records and tombstones made before `olderThan` (epoch ms). */
  pruneIdempotencyKeys(olderThan: number): Promise<number>;

  // ---- the wall and its live events ----
  listQuotes(
    campaignId: string,
    query: { limit: number; before?: number },
  ): Promise<{ items: QuoteRecord[]; nextBefore: number | null; lastEventId: number }>;
  lastEventId(campaignId: string): Promise<number>;
  /**
   * Events after `afterId`, oldest first, as they should be replayed now: a `quote`
   * event whose quote is no longer published is left out (its `remove` follows).
   * Reads at most `limit` events; `scannedTo` is the id of the last one read (or
   * `afterId` when there were none), where the next page starts.
   */
  eventsAfter(
    campaignId: string,
    afterId: number,
    limit: number,
  ): Promise<{ events: LiveEvent[]; scannedTo: number }>;
  /**
   * Calls `listener` with every committed event, in id order, none left out (after an
   * interruption the missed ones follow, still in order). `onStatus` hears when the
   * feed stops and comes back. Returns the unsubscribe.
   */
  subscribe(listener: (event: LiveEvent) => void, onStatus?: LiveStatusListener): () => void;
  /**
   * Runs `task` while no other API instance on the same database runs one (seeding
   * the demo campaign, for instance).
   */
  exclusive<T>(name: string, task: () => Promise<T>): Promise<T>;
}
