/**
 * TypeBox schemas of the campaign routes (`routes/campaigns.ts`): creating and listing
 * campaigns, and staff roles per campaign. The compile-time checks at the bottom prove
 * each schema equals its wire type in `src/api/campaigns.ts`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  CAMPAIGN_ID_PATTERN,
  CAMPAIGN_ROLES,
  type CampaignCreate,
  type CampaignList,
  type CampaignRoleList,
  type CampaignRolesUpdate,
  type CampaignSummary,
  type StaffCampaignRoles,
} from '../../src/api/campaigns.js';
import { LocaleSchema, StatusCountsSchema } from './schemas.js';
import { StaffRoleSchema } from './staff-schemas.js';

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((value) => Type.Literal(value))) as unknown as TSchema & {
    static: T[number];
  };

const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Status = Type.Union([Type.Literal('open'), Type.Literal('closed')]);

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 2000;
export const CONSENT_MAX = 5000;
export const DISTRICTS_MAX = 200;

export const CampaignRoleSchema = literals(CAMPAIGN_ROLES);

const CampaignId = Type.String({ pattern: CAMPAIGN_ID_PATTERN, minLength: 2, maxLength: 64 });

const CampaignTextSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: TITLE_MAX }),
    summary: Type.String({ maxLength: SUMMARY_MAX }),
    consentText: Type.String({ minLength: 1, maxLength: CONSENT_MAX }),
  },
  { additionalProperties: false },
);

const ByLocale = <T extends TSchema>(schema: T) =>
  Type.Object(
    { en: Type.Optional(schema), 'zh-Hans': Type.Optional(schema) },
    { additionalProperties: false },
  );

export const CampaignCreateSchema = Type.Object(
  {
    id: CampaignId,
    locales: Type.Array(LocaleSchema, { minItems: 1, maxItems: 2, uniqueItems: true }),
    defaultLocale: LocaleSchema,
    text: ByLocale(CampaignTextSchema),
    consentVersion: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' }),
    privacyPolicyUrl: Type.String({ minLength: 1, maxLength: 500 }),
    status: Status,
    closesAt: Type.Optional(Nullable(DateTime)),
    districts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }),
            names: ByLocale(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: DISTRICTS_MAX },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CampaignSummarySchema = Type.Object(
  {
    id: Type.String(),
    status: Status,
    title: Type.String(),
    locales: Type.Array(LocaleSchema),
    defaultLocale: LocaleSchema,
    closesAt: Nullable(DateTime),
    role: StaffRoleSchema,
    counts: StatusCountsSchema,
  },
  { additionalProperties: false },
);

export const CampaignListSchema = Type.Object(
  { items: Type.Array(CampaignSummarySchema) },
  { additionalProperties: false },
);

const RolesByCampaign = Type.Record(Type.String(), CampaignRoleSchema);

export const StaffCampaignRolesSchema = Type.Object(
  { staffId: Type.String(), roles: RolesByCampaign },
  { additionalProperties: false },
);

export const CampaignRoleListSchema = Type.Object(
  { items: Type.Array(StaffCampaignRolesSchema) },
  { additionalProperties: false },
);

export const CampaignRolesUpdateSchema = Type.Object(
  { roles: RolesByCampaign },
  { additionalProperties: false },
);

// ---- compile-time proof that the schemas and the wire interfaces are the same ----

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type CampaignContractChecks = [
  Assert<Equals<Static<typeof CampaignCreateSchema>, CampaignCreate>>,
  Assert<Equals<Static<typeof CampaignSummarySchema>, CampaignSummary>>,
  Assert<Equals<Static<typeof CampaignListSchema>, CampaignList>>,
  Assert<Equals<Static<typeof StaffCampaignRolesSchema>, StaffCampaignRoles>>,
  Assert<Equals<Static<typeof CampaignRoleListSchema>, CampaignRoleList>>,
  Assert<Equals<Static<typeof CampaignRolesUpdateSchema>, CampaignRolesUpdate>>,
];

/** Named components of the OpenAPI document. */
export const CAMPAIGN_COMPONENTS = {
  CampaignRole: CampaignRoleSchema,
  CampaignCreate: CampaignCreateSchema,
  CampaignSummary: CampaignSummarySchema,
  CampaignList: CampaignListSchema,
  StaffCampaignRoles: StaffCampaignRolesSchema,
  CampaignRoleList: CampaignRoleListSchema,
  CampaignRolesUpdate: CampaignRolesUpdateSchema,
} as const;

export const campaignRef = (name: keyof typeof CAMPAIGN_COMPONENTS, description?: string) =>
  Type.Unsafe({ $ref: `${name}#`, ...(description ? { description } : {}) });
