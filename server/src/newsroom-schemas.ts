/**
 * TypeBox schemas of the newsroom console's routes (`routes/newsroom.ts`). They
 * validate requests, they are OpenAPI components (registered with the others), and
 * the checks at the bottom prove each one is exactly its interface in
 * `src/api/newsroom.ts`: change one side only and `npm run typecheck` fails.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  AUDIT_ACTIONS,
  DECISIONS,
  HOLD_FLAGS,
  QUEUE_FLAGS,
  REJECT_REASONS,
  type Actor,
  type AuditEntry,
  type AuditPage,
  type BulkDecisionRequest,
  type BulkDecisionResult,
  type DecisionRequest,
  type DecisionSummary,
  type ItemFlag,
  type ReportEntry,
  type ReportSummary,
  type PrivacyMatches,
  type QueueItem,
  type QueueItemDetail,
  type QueuePage,
  type ReportContactSetting,
  type SafetySettings,
  type SafetySettingsUpdate,
  type SubmissionEdit,
} from '../../src/api/newsroom.js';
import { LOCALES, REPORT_REASONS, type ReportReason } from '../../src/api/wire.js';
import {
  DateTime,
  DistrictSchema,
  LocaleSchema,
  Nullable,
  StatusCountsSchema,
  SubmissionStatusSchema,
  literals,
  type Assert,
  type Equals,
} from './schemas.js';

/** Most items one bulk decision may carry. */
export const BULK_MAX = 200;
/** Longest note or alt text staff may write. */
export const NOTE_MAX = 500;
export const ALT_MAX = 300;

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const ActorSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('staff'),
      Type.Literal('service'),
      Type.Literal('reader'),
      Type.Literal('rule'),
    ]),
    id: Nullable(Type.String()),
    name: Type.String(),
  },
  { additionalProperties: false },
);

export const DecisionSummarySchema = Type.Object(
  {
    actor: ActorSchema,
    at: DateTime,
    reason: Nullable(Type.String()),
    note: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const ItemFlagSchema = Type.Object(
  { code: literals(HOLD_FLAGS), detail: Nullable(Type.String()) },
  { additionalProperties: false },
);

const ReasonCounts = Type.Object(
  Object.fromEntries(REPORT_REASONS.map((reason) => [reason, Type.Integer()])) as Record<
    ReportReason,
    ReturnType<typeof Type.Integer>
  >,
  { additionalProperties: false },
);

export const ReportSummarySchema = Type.Object(
  { count: Type.Integer(), open: Type.Integer(), reasons: ReasonCounts, lastAt: DateTime },
  { additionalProperties: false },
);

export const ReportEntrySchema = Type.Object(
  { reason: literals(REPORT_REASONS), note: Nullable(Type.String()), at: DateTime },
  { additionalProperties: false },
);

export const QueueItemSchema = Type.Object(
  {
    id: Type.String(),
    status: SubmissionStatusSchema,
    version: Type.Integer(),
    message: Type.String(),
    displayName: Nullable(Type.String()),
    anonymous: Type.Boolean(),
    district: Nullable(DistrictSchema),
    email: Nullable(Type.String()),
    locale: LocaleSchema,
    publishPermission: Type.Boolean(),
    consentVersion: Type.String(),
    receivedAt: DateTime,
    origin: Nullable(Type.String()),
    photoId: Nullable(Type.String()),
    photoPublished: Type.Boolean(),
    photoAlt: Nullable(Type.String()),
    featured: Type.Boolean(),
    decision: Nullable(DecisionSummarySchema),
    photoPermission: Type.Boolean(),
    flags: Type.Array(ItemFlagSchema),
    reports: Nullable(ReportSummarySchema),
    hidden: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const QueuePageSchema = Type.Object(
  {
    items: Type.Array(QueueItemSchema),
    next: Nullable(Type.String()),
    counts: StatusCountsSchema,
    origins: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const Fields = Nullable(Type.Record(Type.String(), Type.Unknown()));

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    campaignId: Nullable(Type.String()),
    at: DateTime,
    actor: ActorSchema,
    action: literals(AUDIT_ACTIONS),
    submissionId: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    note: Nullable(Type.String()),
    before: Fields,
    after: Fields,
    undoable: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const AuditPageSchema = Type.Object(
  { items: Type.Array(AuditEntrySchema), next: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const QueueItemDetailSchema = Type.Object(
  {
    item: QueueItemSchema,
    history: Type.Array(AuditEntrySchema),
    reports: Type.Array(ReportEntrySchema),
  },
  { additionalProperties: false },
);

export const DecisionRequestSchema = Type.Object(
  {
    action: literals(DECISIONS),
    version: Version,
    reason: Type.Optional(literals(REJECT_REASONS)),
    note: Type.Optional(Type.String({ maxLength: NOTE_MAX })),
    withPhoto: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SubmissionEditSchema = Type.Object(
  {
    version: Version,
    featured: Type.Optional(Type.Boolean()),
    photoAlt: Type.Optional(Nullable(Type.String({ maxLength: ALT_MAX }))),
    photoPublished: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const BulkDecisionRequestSchema = Type.Object(
  {
    action: literals(DECISIONS),
    items: Type.Array(Type.Object({ id: Id, version: Version }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: BULK_MAX,
    }),
    reason: Type.Optional(literals(REJECT_REASONS)),
    note: Type.Optional(Type.String({ maxLength: NOTE_MAX })),
  },
  { additionalProperties: false },
);

export const BulkDecisionResultSchema = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          ok: Type.Boolean(),
          item: Nullable(QueueItemSchema),
          code: Nullable(Type.String()),
          message: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PrivacyMatchesSchema = Type.Object(
  { email: Type.String(), items: Type.Array(QueueItemSchema) },
  { additionalProperties: false },
);

// ---- request parameters ----

/** `YYYY-MM-DD` (the day's start, UTC) or an ISO date-time. */
const DateParam = Type.String({
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?$',
});
const Cursor = Type.String({ pattern: '^[0-9]{1,15}$' });

export const QueueQuery = Type.Object(
  {
    status: Type.Optional(SubmissionStatusSchema),
    order: Type.Optional(Type.Union([Type.Literal('oldest'), Type.Literal('newest')])),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    locale: Type.Optional(literals(LOCALES)),
    district: Type.Optional(Type.String({ maxLength: 64 })),
    photo: Type.Optional(Type.Union([Type.Literal('yes'), Type.Literal('no')])),
    origin: Type.Optional(Type.String({ maxLength: 300 })),
    from: Type.Optional(DateParam),
    to: Type.Optional(DateParam),
    flag: Type.Optional(literals(QUEUE_FLAGS)),
    after: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** Language of district names in the answer. */
    lang: Type.Optional(literals(LOCALES)),
  },
  { additionalProperties: false },
);

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'A staff id, or `service`, `reader` or `rule` for that kind of actor',
      }),
    ),
    action: Type.Optional(literals(AUDIT_ACTIONS)),
    submission: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(DateParam),
    to: Type.Optional(DateParam),
    before: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const EmailQuery = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }) },
  { additionalProperties: false },
);

export const AuditParams = Type.Object({
  campaign: Type.String({ maxLength: 100 }),
  id: Type.String({ pattern: '^[0-9]{1,15}$' }),
});

/** Named components of the OpenAPI document (registered with the wire contract's). */
/** Longest word or phrase on a list, and most of them per language. */
export const WORD_MAX = 50;
export const WORDS_MAX = 500;

export const ReportContactSettingSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('phone'), Type.Literal('email'), Type.Literal('url')]),
    value: Type.String({ minLength: 1, maxLength: 300 }),
    label: Type.Object(
      {
        en: Type.String({ minLength: 1, maxLength: 200 }),
        'zh-Hans': Type.String({ minLength: 1, maxLength: 200 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const WordList = Type.Array(Type.String({ maxLength: WORD_MAX }), { maxItems: WORDS_MAX });
const Words = Type.Object({ en: WordList, 'zh-Hans': WordList }, { additionalProperties: false });

const safetyFields = {
  moderation: Type.Union([Type.Literal('pre'), Type.Literal('post')]),
  reportThreshold: Type.Integer({ minimum: 1, maximum: 100 }),
  reportsOptional: Type.Boolean(),
  reportContact: Nullable(ReportContactSettingSchema),
  words: Words,
  holdLinks: Type.Boolean(),
  holdPhones: Type.Boolean(),
  holdEmails: Type.Boolean(),
  holdRepeats: Type.Boolean(),
};

export const SafetySettingsSchema = Type.Object(
  {
    ...safetyFields,
    externalCheck: Nullable(
      Type.Object(
        { url: Type.String(), timeoutMs: Type.Integer(), secretSet: Type.Boolean() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SafetySettingsUpdateSchema = Type.Object(
  {
    ...safetyFields,
    externalCheck: Nullable(
      Type.Object(
        {
          url: Type.String({ minLength: 1, maxLength: 2000 }),
          timeoutMs: Type.Integer({ minimum: 500, maximum: 10_000 }),
          secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const NEWSROOM_COMPONENTS = {
  Actor: ActorSchema,
  DecisionSummary: DecisionSummarySchema,
  QueueItem: QueueItemSchema,
  QueuePage: QueuePageSchema,
  AuditEntry: AuditEntrySchema,
  AuditPage: AuditPageSchema,
  QueueItemDetail: QueueItemDetailSchema,
  DecisionRequest: DecisionRequestSchema,
  SubmissionEdit: SubmissionEditSchema,
  BulkDecisionRequest: BulkDecisionRequestSchema,
  BulkDecisionResult: BulkDecisionResultSchema,
  PrivacyMatches: PrivacyMatchesSchema,
  ItemFlag: ItemFlagSchema,
  ReportSummary: ReportSummarySchema,
  ReportEntry: ReportEntrySchema,
  ReportContactSetting: ReportContactSettingSchema,
  SafetySettings: SafetySettingsSchema,
  SafetySettingsUpdate: SafetySettingsUpdateSchema,
} as const;

export type NewsroomComponent = keyof typeof NEWSROOM_COMPONENTS;

/** A reference to a newsroom component (see `ref` in schemas.ts). */
export const nref = (name: NewsroomComponent, description?: string): TSchema =>
  Type.Unsafe({ $ref: `${name}#`, ...(description ? { description } : {}) });

export type NewsroomContractChecks = [
  Assert<Equals<Static<typeof ActorSchema>, Actor>>,
  Assert<Equals<Static<typeof DecisionSummarySchema>, DecisionSummary>>,
  Assert<Equals<Static<typeof QueueItemSchema>, QueueItem>>,
  Assert<Equals<Static<typeof QueuePageSchema>, QueuePage>>,
  Assert<Equals<Static<typeof AuditEntrySchema>, AuditEntry>>,
  Assert<Equals<Static<typeof AuditPageSchema>, AuditPage>>,
  Assert<Equals<Static<typeof QueueItemDetailSchema>, QueueItemDetail>>,
  Assert<Equals<Static<typeof DecisionRequestSchema>, DecisionRequest>>,
  Assert<Equals<Static<typeof SubmissionEditSchema>, SubmissionEdit>>,
  Assert<Equals<Static<typeof BulkDecisionRequestSchema>, BulkDecisionRequest>>,
  Assert<Equals<Static<typeof BulkDecisionResultSchema>, BulkDecisionResult>>,
  Assert<Equals<Static<typeof PrivacyMatchesSchema>, PrivacyMatches>>,
  Assert<Equals<Static<typeof ItemFlagSchema>, ItemFlag>>,
  Assert<Equals<Static<typeof ReportSummarySchema>, ReportSummary>>,
  Assert<Equals<Static<typeof ReportEntrySchema>, ReportEntry>>,
  Assert<Equals<Static<typeof ReportContactSettingSchema>, ReportContactSetting>>,
  Assert<Equals<Static<typeof SafetySettingsSchema>, SafetySettings>>,
  Assert<Equals<Static<typeof SafetySettingsUpdateSchema>, SafetySettingsUpdate>>,
];
