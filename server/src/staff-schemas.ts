/**
 * TypeBox schemas of the staff account routes (`routes/staff-accounts.ts`): sign-in,
 * sessions, one-time links and accounts. The compile-time checks at the bottom prove
 * each answer schema equals its wire type in `src/api/newsroom.ts`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  STAFF_ROLES,
  type StaffLinkInfo,
  type StaffLinkIssued,
  type StaffLinkPurpose,
  type StaffMember,
  type StaffRole,
  type StaffSessionInfo,
} from '../../src/api/newsroom.js';
import { PASSWORD_MAX_LENGTH } from './auth/passwords.js';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from './auth/accounts.js';
import { LocaleSchema } from './schemas.js';

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((value) => Type.Literal(value))) as unknown as TSchema & {
    static: T[number];
  };

const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const StaffRoleSchema = literals(STAFF_ROLES);
export const StaffLinkPurposeSchema = Type.Union([
  Type.Literal('first-admin'),
  Type.Literal('invite'),
  Type.Literal('reset'),
]);

export const StaffMemberSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: StaffRoleSchema,
    locale: LocaleSchema,
    disabledAt: Nullable(DateTime),
    passwordSet: Type.Boolean(),
    createdAt: DateTime,
    lastSignInAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

export const StaffSessionInfoSchema = Type.Object(
  {
    staff: StaffMemberSchema,
    csrfToken: Type.String({
      description: 'Send as `X-CSRF-Token` on every POST, PUT, PATCH and DELETE',
    }),
    expiresAt: DateTime,
    campaigns: Type.Array(Type.String()),
    roles: Type.Record(Type.String(), StaffRoleSchema, {
      description: 'The role on each of `campaigns`',
    }),
  },
  { additionalProperties: false },
);

export const StaffLinkInfoSchema = Type.Object(
  {
    purpose: StaffLinkPurposeSchema,
    email: Nullable(Type.String()),
    name: Nullable(Type.String()),
    expiresAt: DateTime,
  },
  { additionalProperties: false },
);

export const StaffLinkIssuedSchema = Type.Object(
  {
    staff: StaffMemberSchema,
    link: Type.String({
      description: 'The console with the one-time token in its fragment (`/moderate#link=…`)',
    }),
    expiresAt: DateTime,
  },
  { additionalProperties: false },
);

export const StaffListSchema = Type.Object(
  { items: Type.Array(StaffMemberSchema) },
  { additionalProperties: false },
);

// ---- request bodies and parameters ----

const Password = (description: string) =>
  Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH, description });
const NEW_PASSWORD =
  'At least 10 and at most 256 characters, not the email address; checked before anything is hashed';

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH }),
    password: Password('The password (at most 256 characters)'),
  },
  { additionalProperties: false },
);

export const MeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: NAME_MAX_LENGTH })),
    locale: Type.Optional(LocaleSchema),
    password: Type.Optional(Password(`A new password. ${NEW_PASSWORD}; ends your other sessions`)),
    currentPassword: Type.Optional(Password('Needed with `password`')),
  },
  { additionalProperties: false },
);

/** The one-time token from the link's fragment: sent in a body, never in a URL a log keeps. */
const LinkToken = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'The token from the link’s fragment',
});

export const LinkInfoBody = Type.Object({ token: LinkToken }, { additionalProperties: false });

export const LinkBody = Type.Object(
  {
    token: LinkToken,
    password: Password(NEW_PASSWORD),
    email: Type.Optional(
      Type.String({ maxLength: EMAIL_MAX_LENGTH, description: 'Needed for `first-admin`' }),
    ),
    name: Type.Optional(
      Type.String({ maxLength: NAME_MAX_LENGTH, description: 'Needed for `first-admin`' }),
    ),
    locale: Type.Optional(LocaleSchema),
  },
  { additionalProperties: false },
);

export const NewStaffBody = Type.Object(
  {
    email: Type.String({ maxLength: EMAIL_MAX_LENGTH }),
    name: Type.String({ maxLength: NAME_MAX_LENGTH }),
    role: StaffRoleSchema,
    locale: Type.Optional(LocaleSchema),
  },
  { additionalProperties: false },
);

export const StaffChangeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: NAME_MAX_LENGTH })),
    role: Type.Optional(StaffRoleSchema),
    disabled: Type.Optional(
      Type.Boolean({ description: 'true ends every session of the account at once' }),
    ),
  },
  { additionalProperties: false },
);

export const AccountParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

// ---- compile-time proof that the schemas and the wire interfaces are the same ----

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type StaffContractChecks = [
  Assert<Equals<Static<typeof StaffRoleSchema>, StaffRole>>,
  Assert<Equals<Static<typeof StaffLinkPurposeSchema>, StaffLinkPurpose>>,
  Assert<Equals<Static<typeof StaffMemberSchema>, StaffMember>>,
  Assert<Equals<Static<typeof StaffSessionInfoSchema>, StaffSessionInfo>>,
  Assert<Equals<Static<typeof StaffLinkInfoSchema>, StaffLinkInfo>>,
  Assert<Equals<Static<typeof StaffLinkIssuedSchema>, StaffLinkIssued>>,
  Assert<Equals<Static<typeof StaffListSchema>, { items: StaffMember[] }>>,
];

/** Named components of the OpenAPI document (registered next to the wire contract's). */
export const STAFF_COMPONENTS = {
  StaffRole: StaffRoleSchema,
  StaffMember: StaffMemberSchema,
  StaffSessionInfo: StaffSessionInfoSchema,
  StaffLinkInfo: StaffLinkInfoSchema,
  StaffLinkIssued: StaffLinkIssuedSchema,
  StaffList: StaffListSchema,
} as const;

export const staffRef = (name: keyof typeof STAFF_COMPONENTS, description?: string): TSchema =>
  Type.Unsafe({ $ref: `${name}#`, ...(description ? { description } : {}) });

const STAFF_ERRORS: Record<number, string> = {
  400: 'Invalid request (`validation`, with per-field codes)',
  401: 'Not signed in, an ended session or a wrong service token (`unauthorized`)',
  403: 'The role may not do this (`forbidden`), or a change without the session’s `X-CSRF-Token` or from another origin (`csrf_failed`)',
  404: 'No such staff account (`not_found`)',
  409: '`email_taken`, or a change that would leave no admin who can sign in (`invalid_transition`)',
  410: 'The one-time link is unknown, used or expired (`link_invalid`)',
  429: 'Too many failed sign-ins for the account or from this address (`rate_limited`); see `Retry-After`',
  503: 'Too many sign-ins being checked at once (`unavailable`); see `Retry-After`',
};

/** Error answers of a staff route, each `ApiErrorBody`. */
export function staffErrors(...statuses: number[]): Record<number, TSchema> {
  const answers: Record<number, TSchema> = {};
  for (const status of statuses) {
    answers[status] = Type.Unsafe({
      $ref: 'ApiErrorBody#',
      description: STAFF_ERRORS[status] ?? 'Error',
    });
  }
  return answers;
}
