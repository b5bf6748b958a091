/**
 * TypeBox schemas of the wire contract. They validate requests, they are the
 * OpenAPI document's components, and the compile-time checks at the bottom prove
 * that each one describes exactly the interface in `src/api/wire.ts` that the
 * widgets compile against: change one side only and `npm run typecheck` fails.
 */
import { FormatRegistry, Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  ERROR_CODES,
  FIELD_ERROR_CODES,
  LOCALES,
  RECEIPT_STATUSES,
  REPORT_REASONS,
  SUBMISSION_STATUSES,
  type ApiErrorBody,
  type ReceiptRequest,
  type ReceiptStatus,
  type ReportAccepted,
  type ReportContact,
  type ReportRequest,
  type WithdrawAnswer,
  type Campaign,
  type District,
  type Photo,
  type PhotoCredit,
  type PhotoSource,
  type Quote,
  type QuotePage,
  type RemoveEventData,
  type StaffSubmission,
  type StaffSubmissionPage,
  type Story,
  type StoryList,
  type SubmissionAccepted,
  type SubmissionLimits,
  type SubmissionRequest,
} from '../../src/api/wire.js';

export const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((value) => Type.Literal(value))) as unknown as TSchema & {
    static: T[number];
  };

if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (value) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
  );
}

export const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Absolute ceilings; each campaign's own (smaller) limits are checked after these. */
export const HARD_LIMITS = {
  message: 4000,
  displayName: 200,
  email: 254,
  consentVersion: 64,
  district: 64,
  website: 500,
} as const;

export const LocaleSchema = literals(LOCALES);
export const ErrorCodeSchema = literals(ERROR_CODES);
export const FieldErrorCodeSchema = literals(FIELD_ERROR_CODES);
export const SubmissionStatusSchema = literals(SUBMISSION_STATUSES);

export const DistrictSchema = Type.Object(
  { id: Type.String(), name: Type.String() },
  { additionalProperties: false },
);

export const SubmissionLimitsSchema = Type.Object(
  {
    messageMinLength: Type.Integer(),
    messageMaxLength: Type.Integer(),
    displayNameMaxLength: Type.Integer(),
    photoMaxBytes: Type.Integer({ description: 'Largest photo accepted, in bytes' }),
    photoMaxDimension: Type.Integer({
      description: 'Longest side, in pixels, that the browser resizes a photo to',
    }),
    photoTypes: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const ReportContactSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('phone'), Type.Literal('email'), Type.Literal('url')]),
    value: Type.String(),
    label: Type.String(),
  },
  { additionalProperties: false },
);

export const CampaignSchema = Type.Object(
  {
    id: Type.String(),
    locale: LocaleSchema,
    defaultLocale: LocaleSchema,
    locales: Type.Array(LocaleSchema),
    title: Type.String(),
    summary: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    closesAt: Nullable(DateTime),
    privacyPolicyUrl: Type.String(),
    consent: Type.Object(
      { version: Type.String(), text: Type.String() },
      { additionalProperties: false },
    ),
    limits: SubmissionLimitsSchema,
    districts: Type.Array(DistrictSchema),
    reportContact: Nullable(ReportContactSchema),
    reportsOptional: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const PhotoSourceSchema = Type.Object(
  { src: Type.String(), width: Type.Integer() },
  { additionalProperties: false },
);

export const PhotoCreditSchema = Type.Object(
  { photographer: Type.String(), organization: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const PhotoSchema = Type.Object(
  {
    id: Type.String(),
    locale: LocaleSchema,
    src: Type.String(),
    srcset: Type.Array(PhotoSourceSchema),
    width: Type.Integer(),
    height: Type.Integer(),
    alt: Type.String(),
    caption: Type.String(),
    credit: PhotoCreditSchema,
    license: Type.String(),
  },
  { additionalProperties: false },
);

export const StorySchema = Type.Object(
  {
    id: Type.String(),
    locale: LocaleSchema,
    headline: Type.String(),
    byline: Type.String(),
    publishedAt: DateTime,
    excerpt: Type.String(),
    url: Type.String(),
    photoId: Nullable(Type.String()),
    photo: Type.Optional(Nullable(PhotoSchema)),
  },
  { additionalProperties: false },
);

export const StoryListSchema = Type.Object(
  { items: Type.Array(StorySchema) },
  { additionalProperties: false },
);

/** A receipt secret: 22–128 characters of the base64url alphabet (128 bits or more). */
export const RECEIPT_SECRET = /^[A-Za-z0-9_-]{22,128}$/;

export const SubmissionRequestSchema = Type.Object(
  {
    message: Type.String({ maxLength: HARD_LIMITS.message }),
    displayName: Nullable(Type.String({ maxLength: HARD_LIMITS.displayName })),
    anonymous: Type.Boolean(),
    district: Nullable(Type.String({ maxLength: HARD_LIMITS.district })),
    email: Nullable(Type.String({ maxLength: HARD_LIMITS.email })),
    consentGiven: Type.Boolean(),
    consentVersion: Type.String({ maxLength: HARD_LIMITS.consentVersion }),
    publishPermission: Type.Boolean(),
    photoPermission: Type.Optional(Type.Boolean()),
    receiptSecret: Type.Optional(Type.String({ pattern: RECEIPT_SECRET.source })),
    locale: LocaleSchema,
    website: Type.Optional(
      Type.String({
        maxLength: HARD_LIMITS.website,
        description: 'Honeypot: leave empty. A filled-in value is accepted and discarded.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Text rules: Unicode is normalised to NFC; CR LF, CR, U+2028 and U+2029 become LF; ' +
      'leading and trailing white space is trimmed. The message may contain LF and TAB; ' +
      'any other control character (C0, DEL, C1) or bidirectional override is rejected ' +
      'with `control_characters`, in every field. Names and emails also refuse characters ' +
      'that show as nothing (zero-width, fillers, tags, stray variation selectors) with ' +
      '`invisible_characters`; emoji sequences keep theirs. Lone surrogates (invalid Unicode) and ' +
      'bodies that are not valid UTF-8 are rejected with `invalid`. Lengths count UTF-16 ' +
      'code units, as the HTML `maxlength` attribute does.',
  },
);

export const SubmissionAcceptedSchema = Type.Object(
  { id: Type.String(), status: Type.Literal('pending'), receivedAt: DateTime },
  { additionalProperties: false },
);

export const ReceiptRequestSchema = Type.Object(
  { secret: Type.String({ pattern: RECEIPT_SECRET.source }) },
  { additionalProperties: false },
);

export const ReceiptStatusSchema = Type.Object(
  { id: Type.String(), status: literals(RECEIPT_STATUSES), receivedAt: DateTime },
  { additionalProperties: false },
);

export const WithdrawAnswerSchema = Type.Object(
  { id: Type.String(), withdrawn: Type.Literal(true) },
  { additionalProperties: false },
);

/** Longest note a reader may add to a report. */
export const REPORT_NOTE_MAX = 500;

export const ReportRequestSchema = Type.Object(
  {
    reason: literals(REPORT_REASONS),
    note: Type.Optional(Type.String({ maxLength: REPORT_NOTE_MAX })),
  },
  { additionalProperties: false },
);

export const ReportAcceptedSchema = Type.Object(
  { id: Type.String(), received: Type.Literal(true) },
  { additionalProperties: false },
);

export const QuoteSchema = Type.Object(
  {
    id: Type.String(),
    text: Type.String(),
    displayName: Nullable(Type.String()),
    district: Nullable(DistrictSchema),
    locale: LocaleSchema,
    approvedAt: DateTime,
    photoId: Nullable(Type.String()),
    featured: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const QuotePageSchema = Type.Object(
  {
    items: Type.Array(QuoteSchema),
    nextBefore: Nullable(Type.String()),
    lastEventId: Type.Integer(),
  },
  { additionalProperties: false },
);

export const RemoveEventDataSchema = Type.Object(
  { id: Type.String() },
  { additionalProperties: false },
);

export const StaffSubmissionSchema = Type.Object(
  {
    id: Type.String(),
    status: SubmissionStatusSchema,
    message: Type.String(),
    displayName: Nullable(Type.String()),
    anonymous: Type.Boolean(),
    district: Nullable(DistrictSchema),
    email: Nullable(Type.String()),
    locale: LocaleSchema,
    publishPermission: Type.Boolean(),
    consentVersion: Type.String(),
    receivedAt: DateTime,
    decidedAt: Nullable(DateTime),
    photoId: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const StatusCountsSchema = Type.Object(
  {
    pending: Type.Integer(),
    approved: Type.Integer(),
    rejected: Type.Integer(),
    removed: Type.Integer(),
  },
  { additionalProperties: false },
);

export const StaffSubmissionPageSchema = Type.Object(
  {
    items: Type.Array(StaffSubmissionSchema),
    nextBefore: Nullable(Type.String()),
    counts: StatusCountsSchema,
  },
  { additionalProperties: false },
);

export const ApiErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: ErrorCodeSchema,
    message: Type.String(),
    fields: Type.Optional(
      Type.Array(
        Type.Object(
          {
            field: Type.String(),
            code: FieldErrorCodeSchema,
            message: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    details: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

// ---- request parameters (validated by Fastify with these same schemas) ----

export const CampaignParams = Type.Object({ campaign: Type.String({ maxLength: 100 }) });
export const ItemParams = Type.Object({
  campaign: Type.String({ maxLength: 100 }),
  id: Type.String({ maxLength: 100 }),
});
export const PhotoFileParams = Type.Object({
  campaign: Type.String({ maxLength: 100 }),
  id: Type.String({ maxLength: 100 }),
  file: Type.String({ pattern: '^[0-9]{1,5}\\.jpg$', description: '`{width}.jpg`' }),
});
export const LocaleQuery = Type.Object({
  locale: Type.Optional(
    Type.String({
      maxLength: 35,
      description: '`en` or `zh-Hans`; other tags map to the nearest, else the default locale',
    }),
  ),
});
export const QuotesQuery = Type.Object({
  locale: Type.Optional(Type.String({ maxLength: 35 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
});
export const StreamQuery = Type.Object({
  locale: Type.Optional(Type.String({ maxLength: 35 })),
  lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
});
export const StaffListQuery = Type.Object({
  status: Type.Optional(SubmissionStatusSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  locale: Type.Optional(Type.String({ maxLength: 35 })),
});

// ---- compile-time proof that the schemas and the wire interfaces are the same ----

export type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type Assert<T extends true> = T;

export type WireContractChecks = [
  Assert<Equals<Static<typeof DistrictSchema>, District>>,
  Assert<Equals<Static<typeof SubmissionLimitsSchema>, SubmissionLimits>>,
  Assert<Equals<Static<typeof CampaignSchema>, Campaign>>,
  Assert<Equals<Static<typeof StorySchema>, Story>>,
  Assert<Equals<Static<typeof StoryListSchema>, StoryList>>,
  Assert<Equals<Static<typeof PhotoSourceSchema>, PhotoSource>>,
  Assert<Equals<Static<typeof PhotoCreditSchema>, PhotoCredit>>,
  Assert<Equals<Static<typeof PhotoSchema>, Photo>>,
  Assert<Equals<Static<typeof SubmissionRequestSchema>, SubmissionRequest>>,
  Assert<Equals<Static<typeof SubmissionAcceptedSchema>, SubmissionAccepted>>,
  Assert<Equals<Static<typeof QuoteSchema>, Quote>>,
  Assert<Equals<Static<typeof QuotePageSchema>, QuotePage>>,
  Assert<Equals<Static<typeof RemoveEventDataSchema>, RemoveEventData>>,
  Assert<Equals<Static<typeof StaffSubmissionSchema>, StaffSubmission>>,
  Assert<Equals<Static<typeof StaffSubmissionPageSchema>, StaffSubmissionPage>>,
  Assert<Equals<Static<typeof ApiErrorBodySchema>, ApiErrorBody>>,
  Assert<Equals<Static<typeof ReportContactSchema>, ReportContact>>,
  Assert<Equals<Static<typeof ReceiptRequestSchema>, ReceiptRequest>>,
  Assert<Equals<Static<typeof ReceiptStatusSchema>, ReceiptStatus>>,
  Assert<Equals<Static<typeof WithdrawAnswerSchema>, WithdrawAnswer>>,
  Assert<Equals<Static<typeof ReportRequestSchema>, ReportRequest>>,
  Assert<Equals<Static<typeof ReportAcceptedSchema>, ReportAccepted>>,
];

/** Named components of the OpenAPI document. */
export const COMPONENTS = {
  Locale: LocaleSchema,
  District: DistrictSchema,
  SubmissionLimits: SubmissionLimitsSchema,
  Campaign: CampaignSchema,
  Story: StorySchema,
  StoryList: StoryListSchema,
  PhotoSource: PhotoSourceSchema,
  PhotoCredit: PhotoCreditSchema,
  Photo: PhotoSchema,
  SubmissionRequest: SubmissionRequestSchema,
  SubmissionAccepted: SubmissionAcceptedSchema,
  Quote: QuoteSchema,
  QuotePage: QuotePageSchema,
  RemoveEventData: RemoveEventDataSchema,
  StaffSubmission: StaffSubmissionSchema,
  StaffSubmissionPage: StaffSubmissionPageSchema,
  ApiErrorBody: ApiErrorBodySchema,
  ReportContact: ReportContactSchema,
  ReceiptRequest: ReceiptRequestSchema,
  ReceiptStatus: ReceiptStatusSchema,
  WithdrawAnswer: WithdrawAnswerSchema,
  ReportRequest: ReportRequestSchema,
  ReportAccepted: ReportAcceptedSchema,
} as const;

// ---- response schemas of the routes (they are the OpenAPI document's responses) ----

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (`validation` with per-field codes, or `idempotency_key_required`)',
  401: 'Missing or wrong staff token (`unauthorized`)',
  403: 'Origin not on the allowlist (`origin_not_allowed`)',
  404: 'Unknown campaign or item (`not_found`)',
  408: 'The body did not arrive in time (`request_timeout`); the connection is closed',
  409: '`campaign_closed`, `idempotency_conflict` or `invalid_transition`',
  410: 'The submission this Idempotency-Key stood for was deleted (`submission_deleted`)',
  413: 'Body, data part or photo too large (`payload_too_large`, `photo_too_large`)',
  415: 'Not JSON / multipart, or a photo that is not JPEG, PNG or WebP by its bytes',
  422: 'Photo has too many pixels (`photo_too_large`)',
  429: 'Too many submissions or streams from this client (`rate_limited`); see `Retry-After`',
  503: 'Busy: too many live connections, photos waiting or an overloaded server (`unavailable`); see `Retry-After`',
};

export type ComponentName = keyof typeof COMPONENTS;

/**
 * A reference to a named component, shared with the app (`app.addSchema`, in the
 * OpenAPI plugin): the document names it once under `components`, and Fastify's
 * serializer and validator resolve it from the same schema.
 */
export const ref = (name: ComponentName, description?: string): TSchema =>
  Type.Unsafe({ $ref: `${name}#`, ...(description ? { description } : {}) });

/** A `200` that sends `ETag` and answers `304` to a matching `If-None-Match`. */
export const conditionalAnswer = (name: ComponentName): TSchema =>
  ref(name, 'OK. Sends `ETag` and `Cache-Control`; answers `304` to a matching `If-None-Match`.');

/** Responses for the given statuses: `304` without a body, errors as `ApiErrorBody`. */
export function errorAnswers(...statuses: number[]): Record<number, TSchema> {
  const answers: Record<number, TSchema> = {};
  for (const status of statuses) {
    answers[status] =
      status === 304
        ? Type.Null({ description: 'Not modified' })
        : ref('ApiErrorBody', ERROR_DESCRIPTIONS[status] ?? 'Error');
  }
  return answers;
}
